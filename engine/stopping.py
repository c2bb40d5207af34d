"""Stop conditions: when training stops by itself, and why.

A `StopRule` is read from four settings (each 0 = off):

- `stopEpoch` N: stop once epoch N is reached;
- `stopTestLoss` x: stop once the test loss is at most x;
- `stopTestAccuracy` y (percent, classification): stop once the test
  accuracy is at least y %;
- `stopPatience` N: stop once the test loss has not improved (fallen below
  its best so far) for N epochs in a row.

A `StopWatch` follows one network's training epoch by epoch (`after_epoch`)
and gives the first rule that holds as a `Message` (engine/messages.py: a code
with its parameters; the page says it in its language). Once it has
fired, the session stops; pressing play or step again goes on past it (the
watch is disarmed until the network is rebuilt or a stop setting changes),
since the condition still holds and would stop the next epoch at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .messages import Message

STOP_SETTINGS = ("stopEpoch", "stopTestLoss", "stopTestAccuracy", "stopPatience")


@dataclass(frozen=True)
class StopRule:
    epoch: int = 0
    test_loss: float = 0.0
    test_accuracy: float = 0.0  # percent
    patience: int = 0

    @classmethod
    def of(cls, settings: dict) -> StopRule:
        accuracy = settings["stopTestAccuracy"] if settings["problem"] == "classification" else 0
        return cls(
            int(settings["stopEpoch"]), float(settings["stopTestLoss"]), float(accuracy), int(settings["stopPatience"])
        )

    @property
    def active(self) -> bool:
        return bool(self.epoch or self.test_loss or self.test_accuracy or self.patience)

    @property
    def needs_accuracy(self) -> bool:
        return self.test_accuracy > 0


class StopWatch:
    """The best test loss so far and whether the rule may still fire."""

    def __init__(self):
        self.armed = True
        self.best_loss = math.inf
        self.best_epoch = 0

    def after_epoch(self, rule: StopRule, epoch: int, test_loss: float, test_accuracy: float | None) -> Message | None:
        """The reason to stop after `epoch` (a message), or None."""
        if test_loss < self.best_loss:
            self.best_loss, self.best_epoch = test_loss, epoch
        if not self.armed or not rule.active:
            return None
        reason = None
        if rule.epoch and epoch >= rule.epoch:
            reason = Message("stopped_epoch", {"epoch": epoch})
        elif rule.test_loss and test_loss <= rule.test_loss:
            reason = Message(
                "stopped_test_loss", {"epoch": epoch, "loss": f"{test_loss:.3f}", "target": f"{rule.test_loss:g}"}
            )
        elif rule.test_accuracy and test_accuracy is not None and test_accuracy * 100 >= rule.test_accuracy:
            reason = Message(
                "stopped_test_accuracy",
                {"epoch": epoch, "accuracy": f"{test_accuracy * 100:.1f}", "target": f"{rule.test_accuracy:g}"},
            )
        elif rule.patience and epoch - self.best_epoch >= rule.patience:
            reason = Message(
                "stopped_patience",
                {
                    "epoch": epoch,
                    "patience": rule.patience,
                    "best": f"{self.best_loss:.3f}",
                    "best_epoch": self.best_epoch,
                },
            )
        if reason:
            self.armed = False
        return reason
