"""A feature hidden by its link (`<feature>_hide=true`) is not an input, as in
the original: checked on the reference runs that hide features."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.features import hidden_inputs
from engine.session import Session
from engine.share_hash import parse_hash
from tests.reference import exact_run_paths

HIDING_RUNS = [p for p in exact_run_paths() if "_hide=true" in json.loads(p.read_text())["hash"]]


def test_the_reference_set_has_runs_that_hide_features():
    assert len(HIDING_RUNS) >= 4


@pytest.mark.parametrize("path", HIDING_RUNS, ids=[p.stem for p in HIDING_RUNS])
def test_hidden_features_are_left_out_of_the_network(path):
    run = json.loads(path.read_text())
    parsed = parse_hash(run["hash"])
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden))
    assert session.active == run["inputs"]
    assert session.network.layer_sizes[0] == len(run["inputs"])
    for layer, expected in enumerate(run["init"]):
        # The reference lays a layer's weights out as W[dest][source].
        np.testing.assert_array_equal(session.network.weights[layer].T, np.array(expected["weights"]))
    train, test = session.losses()
    assert train == pytest.approx(run["loss"][0][1], rel=1e-12)
    assert test == pytest.approx(run["loss"][0][2], rel=1e-12)
    assert not set(session.hidden_inputs) & set(session.active)


def test_hiding_a_feature_later_rebuilds_without_it():
    session = Session(parse_hash("#seed=0.12345").settings)
    assert session.active == ["x", "y"]
    assert session.hide_inputs(frozenset({"x"}))
    assert session.active == ["y"] and session.epoch == 0
    assert not session.hide_inputs(frozenset({"x"}))
    assert session.hide_inputs(frozenset())
    assert session.active == ["x", "y"]
