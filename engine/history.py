"""The loss history since the last rebuild: what the loss chart draws.

Points are (epoch, train_loss, test_loss). The chart always shows the whole
history, so a long run is thinned rather than cut: once more than `capacity`
points are held, every other point is dropped (the first and the newest are
always kept). Memory stays bounded however long a session trains.
"""

from __future__ import annotations

import bisect
import math


class LossHistory:
    """Bounded (epoch, train, test) points in epoch order."""

    def __init__(self, capacity: int = 2000):
        self.capacity = capacity
        self.points: list[tuple[int, float, float]] = []
        self.generation = 0  # rises at every clear, so a reader knows to start over

    def clear(self) -> None:
        self.points.clear()
        self.generation += 1

    def append(self, epoch: int, train: float, test: float) -> None:
        self.points.append((epoch, train, test))
        if len(self.points) > self.capacity:
            newest = self.points[-1]
            self.points = self.points[:-1:2]
            self.points.append(newest)

    def extend(self, points) -> None:
        for point in points:
            self.append(*point)

    def to_state(self) -> dict:
        """The points as plain JSON values (non-finite losses as None)."""
        return {"capacity": self.capacity, "points": [[e, _json_number(a), _json_number(b)] for e, a, b in self.points]}

    @classmethod
    def from_state(cls, state: dict) -> LossHistory:
        """The history `to_state` described. Raises ValueError when it is not one."""
        try:
            history = cls(int(state["capacity"]))
            history.points = [(int(e), _float(a), _float(b)) for e, a, b in state["points"]]
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a loss history: {error}") from None
        return history

    def after(self, epoch: int, limit: int) -> list[tuple[int, float, float]]:
        """The points of epochs after `epoch`, at most `limit` of them (evenly
        thinned, the newest kept)."""
        first = bisect.bisect_right(self.points, epoch, key=lambda point: point[0])
        recent = self.points[first:]
        if len(recent) <= limit:
            return recent
        stride = -(-len(recent) // limit)
        return recent[-1::-stride][::-1]


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _float(value) -> float:
    return math.nan if value is None else float(value)
