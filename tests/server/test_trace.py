"""The backprop step-through and gradient norms through a real server: a
trace's numbers are those of the frame's weights, and "take this step"
applies exactly that update."""

from __future__ import annotations

import numpy as np
import pytest


def forward(weights, biases, features):
    """z and a per non-input layer from a frame's weights ([source][dest]); tanh everywhere."""
    zs, activations = [], []
    a = np.array(features)
    for w, b in zip(weights, biases):
        z = np.array(b) + a @ np.array(w)
        a = np.tanh(z)
        zs.append(z)
        activations.append(a)
    return zs, activations


def test_a_trace_is_the_frames_network_on_that_point(client):
    header, _ = client.hello("seed=0.12345&networkShape=3,2")
    train = header["data"]["train"]
    client.send(type="step")
    header, _ = client.frame(where=lambda h: h["epoch"] == 1)
    client.send(type="trace", index=7)
    trace = client.reply("trace")
    after, _ = client.frame()
    assert after["weights"] == header["weights"] and after["playing"] is False
    x1, x2, label = train[7]
    assert trace["index"] == 7 and trace["input"] == [x1, x2] and trace["label"] == label
    assert trace["features"] == [x1, x2] and trace["applied"] is False
    zs, activations = forward(header["weights"], header["biases"], [x1, x2])
    assert len(trace["layers"]) == 3
    for layer, z, a in zip(trace["layers"], zs, activations):
        np.testing.assert_allclose(layer["z"], z, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer["a"], a, rtol=1e-12, atol=1e-14)
    # δ of the output: (ŷ − y)·(1 − ŷ²); each layer below: (Σ w·δ_dest)·(1 − a²).
    delta = (activations[-1] - label) * (1 - activations[-1] ** 2)
    np.testing.assert_allclose(trace["layers"][-1]["delta"], delta, rtol=1e-12)
    for l in range(len(zs) - 2, -1, -1):
        delta = (np.array(header["weights"][l + 1]) @ delta) * (1 - activations[l] ** 2)
        np.testing.assert_allclose(trace["layers"][l]["delta"], delta, rtol=1e-12, atol=1e-15)
    # A weight's gradient is its destination's δ times its source's output.
    sources = [np.array([x1, x2])] + activations[:-1]
    for l, layer in enumerate(trace["layers"]):
        np.testing.assert_allclose(
            trace["weightGradients"][l], np.outer(sources[l], layer["delta"]), rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(trace["biasGradients"][l], layer["delta"], rtol=1e-12, atol=1e-15)


def test_taking_the_step_applies_that_update(client):
    header, _ = client.hello("seed=0.5&learningRate=0.3")
    client.send(type="trace_step", index=3)
    trace = client.reply("trace")
    assert trace["applied"] is True
    after, _ = client.frame(where=lambda h: h["weights"] != header["weights"])
    for l, gradient in enumerate(trace["weightGradients"]):
        expected = np.array(header["weights"][l]) - 0.3 * np.array(gradient)
        np.testing.assert_array_equal(after["weights"][l], expected)
        np.testing.assert_array_equal(
            after["biases"][l], np.array(header["biases"][l]) - 0.3 * np.array(trace["biasGradients"][l])
        )
    assert after["epoch"] == 0  # one example is not an epoch


@pytest.mark.parametrize("index", [250, -1, "x"])
def test_a_trace_of_a_point_that_does_not_exist_is_refused(client, index):
    client.hello("seed=0.5")
    client.send(type="trace", index=index)
    error = client.error()
    assert error["command"] in ("trace", None)
    assert "training point" in error["message"] or "index" in error["message"]
    client.send(type="step")
    client.frame(where=lambda h: h["epoch"] == 1)  # the session carries on


def test_frames_carry_gradient_and_delta_norms(client):
    header, _ = client.hello("seed=0.12345")
    assert header["gradientNorms"] == [0.0, 0.0, 0.0] and header["deltaNorms"] == [0.0, 0.0, 0.0]
    client.send(type="step")
    header, _ = client.frame(where=lambda h: h["epoch"] == 1)
    assert len(header["gradientNorms"]) == 3 and all(v > 0 for v in header["gradientNorms"])
    assert len(header["deltaNorms"]) == 3 and all(v > 0 for v in header["deltaNorms"])
