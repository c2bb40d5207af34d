"""The task: what the network is asked to learn, and how its answers are judged.

A `Task` is decided by two settings, `problem` and `classes` (K), and says

- the label kind: `sign` (two classes, labels exactly −1 and +1, the
  original's), `index` (K ≥ 3 classes, labels 0..K-1 stored as floats) or
  `real` (regression);
- how many output nodes the network has (`outputs`: 1, or K for `index`);
- which losses suit it (`losses`, the first being the fallback) and the
  output head a loss gives (`head(loss)`: for `index` every choice is the
  softmax head with categorical cross-entropy);
- the colours of its classes (`palette`: K colours, class 0 first; for two
  classes the original's orange (−1) and blue (+1), otherwise the Okabe–Ito
  set, which viewers with any common colour-vision deficiency can tell apart);
- how the data sets are drawn (`generator(name)`: the original's for `sign`
  and `real`, the K-class forms of `engine/k_class_datasets.py` for `index`);
- its numbers (`metrics(predictions, labels)`): accuracy and the K×K
  confusion matrix for classification, R² and RMSE for regression.

Classes are counted 0..K-1 in every kind: for `sign`, class 0 is −1 (orange)
and class 1 is +1 (blue), so the confusion matrix and palette read alike for
all K.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .settings import LOSSES_FOR_K_CLASSES, LOSSES_FOR_PROBLEM

# The original's colours for −1 and +1.
TWO_CLASS_PALETTE = ("#f59322", "#0877bd")
# Okabe & Ito (2008), "Color Universal Design": eight colours told apart with
# every common form of colour blindness (grey stands in for their black,
# which would not show on the map's dark strokes).
K_CLASS_PALETTE = ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#7f7f7f")


@dataclass(frozen=True)
class Task:
    """`problem` ("classification"/"regression") and `classes` (K; 0 for regression)."""

    problem: str
    classes: int = 2

    @property
    def label_kind(self) -> str:
        if self.problem == "regression":
            return "real"
        return "sign" if self.classes == 2 else "index"

    @property
    def outputs(self) -> int:
        """Output nodes: K for class-index labels, else 1."""
        return self.classes if self.label_kind == "index" else 1

    @property
    def losses(self) -> tuple[str, ...]:
        return LOSSES_FOR_K_CLASSES if self.label_kind == "index" else LOSSES_FOR_PROBLEM[self.problem]

    @property
    def palette(self) -> tuple[str, ...]:
        if self.label_kind == "real":
            return TWO_CLASS_PALETTE  # negative → orange, positive → blue
        return TWO_CLASS_PALETTE if self.classes == 2 else K_CLASS_PALETTE[: self.classes]

    def head(self, loss: str):
        """The output head (`losses.Loss`) for `loss`; ValueError when it does not suit."""
        from .losses import SOFTMAX, make_head

        if loss not in self.losses:
            raise ValueError(f"the loss {loss} does not suit {self.describe()}")
        return SOFTMAX(self.problem) if self.label_kind == "index" else make_head(loss, self.problem)

    def generator(self, name: str):
        """`generate(num_points, noise, stream) -> P (n, 3)` for data set `name`."""
        from .datasets import DATASETS

        if self.label_kind != "index":
            return DATASETS[name]
        from .k_class_datasets import K_CLASS_DATASETS

        make = K_CLASS_DATASETS[name]
        return lambda num_points, noise, stream: make(num_points, noise, self.classes, stream)

    def describe(self) -> str:
        if self.label_kind == "real":
            return "regression"
        return f"classification with {self.classes} classes"

    # --- labels and predictions as classes ---------------------------------

    def class_of_label(self, labels: np.ndarray) -> np.ndarray:
        """(n,) int: the class of each label (for `sign`: −1 → 0, +1 → 1)."""
        labels = np.asarray(labels, dtype=np.float64).reshape(-1)
        if self.label_kind == "sign":
            return (labels > 0).astype(np.int64)
        return labels.astype(np.int64)

    def class_of_prediction(self, predictions: np.ndarray) -> np.ndarray:
        """(n,) int: the winning class of each prediction — (n,) signed values
        for `sign` (≥ 0 is +1, as the original's discretized map shows it),
        (n, K) probabilities for `index` (the first of equal maxima wins)."""
        predictions = np.asarray(predictions, dtype=np.float64)
        if self.label_kind == "sign":
            return (predictions.reshape(-1) >= 0).astype(np.int64)
        return np.argmax(predictions.reshape(len(predictions), self.classes), axis=1).astype(np.int64)

    # --- numbers -------------------------------------------------------------

    def metrics(self, predictions: np.ndarray, labels: np.ndarray) -> dict:
        """The task's numbers for one set of points: {"accuracy" (0–1, NaN for
        no points), "confusion" (K×K counts, rows = true class, columns =
        predicted)} for classification; {"r2", "rmse"} for regression."""
        labels = np.asarray(labels, dtype=np.float64).reshape(-1)
        if self.label_kind == "real":
            return regression_metrics(np.asarray(predictions, dtype=np.float64).reshape(-1), labels)
        truth = self.class_of_label(labels)
        guess = self.class_of_prediction(predictions)
        k = self.classes
        confusion = np.bincount(truth * k + guess, minlength=k * k).reshape(k, k)
        accuracy = float(np.trace(confusion)) / len(truth) if len(truth) else float("nan")
        return {"accuracy": accuracy, "confusion": confusion.tolist()}


def regression_metrics(predictions: np.ndarray, labels: np.ndarray) -> dict:
    """R² = 1 − SS_res/SS_tot (NaN when the labels do not vary) and RMSE."""
    if not len(labels):
        return {"r2": float("nan"), "rmse": float("nan")}
    residual = predictions - labels
    ss_res = float(np.dot(residual, residual))
    centred = labels - labels.mean()
    ss_tot = float(np.dot(centred, centred))
    return {"r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"), "rmse": float(np.sqrt(ss_res / len(labels)))}


def task_of(settings: dict) -> Task:
    """The task a settings dict asks for."""
    if settings["problem"] == "regression":
        return Task("regression", 0)
    return Task("classification", int(settings.get("classes", 2)))
