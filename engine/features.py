"""The seven input features: what the network reads from a point (x1, x2).

`FEATURES` is ordered as the network's input vector and the page's
top-to-bottom input column: x, y, xSquared, ySquared, xTimesY, sinX, sinY
(the settings table's feature keys). A network reads only the active ones,
keeping this order.

Each feature is computed with the same float64 operations as the original
(x1*x1, x1*x2, Math.sin), so the stored reference points give the original's
feature values bit for bit: the sine is V8's own (`engine.v8math`), not
NumPy's, which differs in the last bit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

from engine.v8math import sin_array

FeatureFunction = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _x(x1, x2):
    return x1


def _y(x1, x2):
    return x2


def _x_squared(x1, x2):
    return x1 * x1


def _y_squared(x1, x2):
    return x2 * x2


def _x_times_y(x1, x2):
    return x1 * x2


def _sin_x(x1, x2):
    return sin_array(x1)


def _sin_y(x1, x2):
    return sin_array(x2)


# name -> (label drawn on the page, f(x1 (n,), x2 (n,)) -> (n,))
FEATURES: dict[str, tuple[str, FeatureFunction]] = {
    "x": ("X₁", _x),
    "y": ("X₂", _y),
    "xSquared": ("X₁²", _x_squared),
    "ySquared": ("X₂²", _y_squared),
    "xTimesY": ("X₁X₂", _x_times_y),
    "sinX": ("sin(X₁)", _sin_x),
    "sinY": ("sin(X₂)", _sin_y),
}


def active_features(settings: Mapping[str, object], hidden: Collection[str] = ()) -> list[str]:
    """The names of the features switched on in `settings` and not `hidden`, in
    input order. A feature hidden by its link (`<feature>_hide=true`) is not an
    input at all, as in the original: it deletes hidden features from the
    network's inputs right after reading the link."""
    return [name for name in FEATURES if settings.get(name) and name not in hidden]


def hidden_inputs(hidden: Mapping[str, bool]) -> frozenset[str]:
    """The feature names among a link's hide keys (`name` → hidden?)."""
    return frozenset(name for name, hide in hidden.items() if hide is True and name in FEATURES)


def feature_matrix(points: np.ndarray, names: Sequence[str], dtype=np.float64) -> np.ndarray:
    """F (n, k): the features `names` (in the order given) of X (n, 2).

    With no names the result is an (n, 0) matrix: a network without inputs.
    """
    points = np.asarray(points, dtype=np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    columns = np.empty((points.shape[0], len(names)), dtype=np.float64)
    for column, name in enumerate(names):
        columns[:, column] = FEATURES[name][1](x1, x2)
    return columns.astype(dtype, copy=False)
