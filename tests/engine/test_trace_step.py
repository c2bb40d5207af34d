"""The backprop step-through's numbers: the trace and the single-example step
agree with training itself, and gradient/δ norms with a recomputation."""

from __future__ import annotations

import numpy as np
import pytest

from engine.session import EditError, Session
from engine.share_hash import parse_hash
from server.i18n import english
from tests.engine import numpy_reference


def session(link: str) -> Session:
    return Session(parse_hash(link).settings)


@pytest.mark.parametrize(
    "link",
    [
        "#seed=0.12345&batchSize=1&percTrainData=10",
        "#seed=0.3&batchSize=1&percTrainData=10&regularization=L2&regularizationRate=0.03&activation=relu",
        "#seed=0.7&batchSize=1&percTrainData=10&regularization=L1&regularizationRate=0.3&learningRate=1",
        "#seed=0.5&batchSize=1&problem=regression&regDataset=reg-gauss&percTrainData=10&networkShape=3,3",
    ],
)
def test_taking_the_traced_step_is_training_on_that_one_example(link):
    """With batch size 1 the first update of an epoch is exactly point 0's
    step: the step-through applies the same arithmetic, bit for bit."""
    traced, trained = session(link), session(link)
    traced.take_trace_step(0)
    trained.step(1, max_examples=1)  # stops after the first example's update
    assert trained.trainer.position == 1
    np.testing.assert_array_equal(traced.network.params, trained.network.params)
    np.testing.assert_array_equal(traced.network.dead, trained.network.dead)


def test_the_trace_is_the_gradient_of_that_example():
    s = session("#seed=0.12345&networkShape=3,2")
    trace = s.trace(4)
    features, targets = s._features()[:2]
    grad = numpy_reference.gradient_sum(s.network, features[4:5], targets[4:5])
    flat = [g for w, b in s.network.block_values(grad) for g in (w, b)]
    mine = [g for w, b in zip(trace.weight_gradients, trace.bias_gradients) for g in (w, b)]
    for ours, expected in zip(mine, flat):
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("index", [-1, 250, 10**9])
def test_a_trace_of_a_point_that_does_not_exist_says_so(index):
    with pytest.raises(EditError) as refused:
        session("#seed=0.1").trace(index)
    assert refused.value.code == "trace_no_point" and refused.value.params == {"index": index, "last": 249}
    assert "no training point" in english(refused.value.message)


def test_gradient_and_delta_norms_are_the_last_updates_mean_gradients():
    s = session("#seed=0.12345&batchSize=10&networkShape=4,2")
    assert s.gradient_norms() == [0.0, 0.0, 0.0] and s.delta_norms() == [0.0, 0.0, 0.0]
    s.step(1, max_examples=10)  # exactly the first batch
    features, targets = s._features()[:2]
    before = session("#seed=0.12345&batchSize=10&networkShape=4,2")
    grad = numpy_reference.gradient_sum(before.network, features[:10], targets[:10]) / 10
    for l, (w, b) in enumerate(before.network.block_values(grad)):
        assert s.gradient_norms()[l] == pytest.approx(np.linalg.norm(w), rel=1e-12)
        assert s.delta_norms()[l] == pytest.approx(np.linalg.norm(b), rel=1e-12)


def test_sigmoid_in_six_layers_starves_the_first_layer():
    """The vanishing-gradients lesson's set-up: the first layer's gradient is
    thousands of times smaller than the last's with sigmoid, not with tanh."""

    def ratio(activation):
        s = session(f"#dataset=spiral&networkShape=8,8,8,8,8,8&activation={activation}&seed=0.12345")
        s.step(20)
        norms = s.gradient_norms()
        return norms[-1] / norms[0]

    assert ratio("sigmoid") > 1000
    assert ratio("tanh") < 10
