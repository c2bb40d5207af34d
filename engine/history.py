"""The loss history since the last rebuild: what the loss chart draws.

Points are (epoch, train_loss, test_loss). The chart always shows the whole
history, so a long run is thinned rather than cut: once more than `capacity`
points are held, every other point is dropped (the first and the newest are
always kept). Memory stays bounded however long a session trains.
"""

from __future__ import annotations


class LossHistory:
    """Bounded (epoch, train, test) points; `added` counts every point appended
    since the last clear."""

    def __init__(self, capacity: int = 2000):
        self.capacity = capacity
        self.points: list[tuple[int, float, float]] = []
        self.added = 0
        self.generation = 0  # rises at every clear, so a reader knows to start over

    def clear(self) -> None:
        self.points.clear()
        self.added = 0
        self.generation += 1

    def append(self, epoch: int, train: float, test: float) -> None:
        self.points.append((epoch, train, test))
        self.added += 1
        if len(self.points) > self.capacity:
            newest = self.points[-1]
            self.points = self.points[:-1:2]
            self.points.append(newest)

    def extend(self, points) -> None:
        for point in points:
            self.append(*point)

    def since(self, added_before: int, limit: int) -> list[tuple[int, float, float]]:
        """The points appended after the first `added_before`, at most `limit` of
        them (evenly thinned, the newest kept); all points if thinning lost track."""
        fresh = self.added - added_before
        if fresh <= 0:
            return []
        recent = self.points[-fresh:] if fresh <= len(self.points) else list(self.points)
        if len(recent) <= limit:
            return recent
        stride = -(-len(recent) // limit)
        thinned = recent[-1::-stride][::-1]
        return thinned
