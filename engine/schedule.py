"""Learning-rate schedules: the rate each epoch trains with.

Three, chosen by the `lrSchedule` setting, from the `learningRate` η and the
period `lrDecayEpochs` T (epochs are counted from 0, the first epoch of a
fresh network):

- constant: η every epoch (the original);
- step: η · f^⌊e/T⌋, the rate multiplied by `lrDecayFactor` f every T epochs;
- cosine: η · ½(1 + cos(π · (e mod T)/T)), from η down towards 0 over T
  epochs, then again from η (warm restarts), so a long run keeps learning.

The rate is set before each epoch; a constant schedule leaves the trainer's
rate alone, so runs stay bit for bit the original's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCHEDULE_SETTINGS = ("lrSchedule", "lrDecayEpochs", "lrDecayFactor")


@dataclass(frozen=True)
class Schedule:
    kind: str = "constant"
    rate: float = 0.03
    period: int = 100
    factor: float = 0.5

    @classmethod
    def of(cls, settings: dict) -> Schedule:
        return cls(
            settings["lrSchedule"],
            float(settings["learningRate"]),
            int(settings["lrDecayEpochs"]),
            float(settings["lrDecayFactor"]),
        )

    @property
    def constant(self) -> bool:
        return self.kind == "constant"

    def rate_at(self, epoch: int) -> float:
        """The learning rate of epoch `epoch` (0 = the first)."""
        if self.kind == "step":
            return self.rate * self.factor ** (epoch // self.period)
        if self.kind == "cosine":
            return self.rate * 0.5 * (1.0 + math.cos(math.pi * (epoch % self.period) / self.period))
        return self.rate
