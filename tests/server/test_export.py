"""`playground export` as a user runs it (a real process): json, a NumPy file
whose predict() matches the engine to 1e-9, ONNX that onnxruntime runs to
1e-5, a PNG of the decision map; from a link or a saved network; a diverged
network is refused with the reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

from engine.features import feature_matrix
from engine.session import Session
from engine.share_hash import parse_hash
from server.snapshots import saved_body
from server.store import open_store

from .support import ROOT

LINK = "https://playground.tensorflow.org/#activation=swish&xSquared=true&sinY=true&networkShape=5,3&seed=0.31&optimizer=adam"


def run_export(tmp_path, link: str, fmt: str, epochs: int = 10, store=None) -> subprocess.CompletedProcess:
    output = tmp_path / f"model.{fmt}"
    command = [
        sys.executable,
        "-m",
        "server",
        "export",
        link,
        "--epochs",
        str(epochs),
        "--format",
        fmt,
        "--output",
        str(output),
        "--store",
        str(store or tmp_path / "store.sqlite3"),
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path)},
    )
    result.output = output
    return result


def trained(link: str = LINK, epochs: int = 10) -> Session:
    session = Session(parse_hash(link).settings)
    session.step(epochs)
    return session


def points() -> np.ndarray:
    return np.random.default_rng(7).uniform(-6, 6, (2000, 2))


def engine_predictions(session: Session, xy: np.ndarray) -> np.ndarray:
    return session.network.predict(feature_matrix(xy, session.active))


def test_json_has_the_layers_weights_and_settings(tmp_path):
    result = run_export(tmp_path, LINK, "json")
    assert result.returncode == 0, result.stderr
    model = json.loads(result.output.read_text())
    session = trained()
    assert model["format"] == "neural-playground/model" and model["version"] == 1
    assert model["epoch"] == 10 and model["features"] == ["x", "y", "xSquared", "sinY"]
    assert model["layer_sizes"] == [4, 5, 3, 1] and model["activation"] == "swish" and model["output"] == "tanh"
    for layer, w, b in zip(model["layers"], session.network.weights, session.network.biases):
        assert np.array_equal(np.array(layer["weights"]), w) and np.array_equal(np.array(layer["biases"]), b)
    assert model["train_loss"] == session.losses()[0]


@pytest.mark.parametrize(
    "link",
    [
        LINK,
        "#activation=gelu&problem=regression&regDataset=reg-gauss&seed=0.2",
        "#activation=relu&loss=crossEntropy&xTimesY=true&seed=0.3",
        "#activation=elu&ySquared=true&seed=0.4",
        "#activation=sine&seed=0.5",
        "#activation=softplus&networkShape=3&seed=0.6",
        "#activation=leakyRelu&seed=0.7",
        "#activation=sigmoid&seed=0.8",
        "#activation=linear&sinX=true&seed=0.9",
    ],
)
def test_the_numpy_file_predicts_what_the_engine_does(tmp_path, link):
    result = run_export(tmp_path, link, "numpy")
    assert result.returncode == 0, result.stderr
    module = types.ModuleType("exported")
    exec(compile(result.output.read_text(), str(result.output), "exec"), module.__dict__)
    xy = points()
    assert np.max(np.abs(module.predict(xy) - engine_predictions(trained(link), xy))) <= 1e-9


@pytest.mark.parametrize(
    "link",
    [
        LINK,
        "#activation=gelu&problem=regression&seed=0.2",
        "#activation=relu&loss=crossEntropy&xTimesY=true&seed=0.3",
        "#activation=elu&sinX=true&seed=0.4",
        "#activation=softplus&seed=0.6",
        "#activation=leakyRelu&seed=0.7",
        "#activation=sigmoid&seed=0.8",
        "#activation=sine&seed=0.5",
    ],
)
def test_the_onnx_model_runs_in_onnxruntime_to_the_engines_outputs(tmp_path, link):
    import onnxruntime

    result = run_export(tmp_path, link, "onnx")
    assert result.returncode == 0, result.stderr
    runner = onnxruntime.InferenceSession(str(result.output), providers=["CPUExecutionProvider"])
    xy = points()
    (out,) = runner.run(None, {"points": xy.astype(np.float32)})
    assert out.shape == (len(xy),)
    assert np.max(np.abs(out - engine_predictions(trained(link), xy))) <= 1e-5


def test_the_png_is_the_decision_map(tmp_path):
    result = run_export(tmp_path, LINK, "png")
    assert result.returncode == 0, result.stderr
    body = result.output.read_bytes()
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    assert int.from_bytes(body[16:20], "big") == 100 and int.from_bytes(body[20:24], "big") == 100


def test_a_saved_network_is_exported_after_training_on(tmp_path):
    session = trained(epochs=4)
    store = open_store(tmp_path / "store.sqlite3")
    snapshot_id = store.put_snapshot(saved_body(session, {}, []))
    store.close()
    result = run_export(tmp_path, f"http://example.org/s/{snapshot_id}", "json", epochs=6)
    assert result.returncode == 0, result.stderr
    model = json.loads(result.output.read_text())
    straight = trained(epochs=10)
    assert model["epoch"] == 10
    assert np.array_equal(np.array(model["layers"][0]["weights"]), straight.network.weights[0])


def test_a_diverged_network_and_an_unknown_snapshot_are_refused_with_the_reason(tmp_path):
    result = run_export(
        tmp_path, "#learningRate=10&problem=regression&networkShape=8,8,8&seed=0.5", "numpy", epochs=300
    )
    assert result.returncode == 1
    assert "cannot be exported: its training diverged (the learning rate 10 made the" in result.stderr
    assert not result.output.exists()
    result = run_export(tmp_path, "/s/0123456789abcdef01234567", "json")
    assert result.returncode == 1 and "there is no saved network 0123456789abcdef01234567" in result.stderr
