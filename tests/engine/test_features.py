"""The seven input features: order, labels, values."""

import numpy as np

from engine import settings
from engine.features import FEATURES, active_features, feature_matrix
from engine.v8math import sin

INPUT_ORDER = ["x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"]


def test_features_are_in_the_network_input_order_and_are_settings():
    assert list(FEATURES) == INPUT_ORDER
    for name in FEATURES:
        assert settings.BY_NAME[name].kind is settings.Kind.BOOL


def test_labels_are_the_pages_labels():
    labels = [FEATURES[name][0] for name in INPUT_ORDER]
    assert labels == ["X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)"]


def test_values_use_the_originals_float_operations():
    points = np.array([[0.1, -3.7], [4.25, 1e-3], [-5.9, 5.9]])
    F = feature_matrix(points, INPUT_ORDER)
    x1, x2 = points[:, 0], points[:, 1]
    # The sine is the browser's Math.sin (V8's fdlibm port), element by element.
    sin_x1 = np.array([sin(v) for v in x1])
    sin_x2 = np.array([sin(v) for v in x2])
    expected = np.stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, sin_x1, sin_x2], axis=1)
    assert F.shape == (3, 7)
    assert F.dtype == np.float64
    assert np.array_equal(F, expected)


def test_feature_matrix_keeps_the_requested_order_and_dtype():
    points = np.array([[2.0, 3.0]])
    assert feature_matrix(points, ["xTimesY", "x"]).tolist() == [[6.0, 2.0]]
    assert feature_matrix(points, ["ySquared"], dtype=np.float32).dtype == np.float32


def test_no_active_features_gives_an_empty_matrix():
    assert feature_matrix(np.zeros((4, 2)), []).shape == (4, 0)


def test_active_features_follow_input_order_not_settings_order():
    values = settings.defaults()
    assert active_features(values) == ["x", "y"]
    values.update(x=False, xTimesY=True, sinY=True, xSquared=True)
    # The settings table lists xTimesY before xSquared; the network does not.
    assert active_features(values) == ["y", "xSquared", "xTimesY", "sinY"]
    values.update({name: False for name in FEATURES})
    assert active_features(values) == []
