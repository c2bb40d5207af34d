"""Reference weight penalties (tests only; the kernel applies R' in `update`): R(w) and R'(w), applied to weights only (never biases).

`REGULARIZERS[name]` for name in none, L1, L2 (the `regularization`
setting's choices): L1 is R(w) = |w| with R'(w) = sign(w) (0 at 0), L2 is
R(w) = ½w² with R'(w) = w, none is 0. The trainer applies
w ← w - η·λ·R'(w_old) once per update (spec §10.5); the penalty is never part
of the displayed loss.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Regularizer:
    name: str
    _penalty: Callable
    _derivative: Callable

    def penalty(self, w: np.ndarray) -> np.ndarray:
        """R(w) element-wise."""
        return self._penalty(np.asarray(w))

    def derivative(self, w: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """R'(w) element-wise."""
        return self._derivative(np.asarray(w), out)


def _zero(w, out=None):
    if out is None:
        return np.zeros_like(w, dtype=np.result_type(w, 0.0))
    out.fill(0.0)
    return out


REGULARIZERS: dict[str, Regularizer] = {
    "none": Regularizer("none", lambda w: _zero(w), _zero),
    "L1": Regularizer("L1", np.abs, lambda w, out: np.sign(w, out=out)),
    "L2": Regularizer("L2", lambda w: 0.5 * w * w, lambda w, out: np.multiply(w, 1.0, out=out)),
}
