"""Frame pacing and the training budget of one connection.

A playing session shows one frame per display frame (60 a second) with
`speed` epochs in each, as the original does; "Fastest" trains as much as the
frame budget allows. `step` commands add to the epochs owed, and every
command that trains (play, step, a burst of steps) is served from the same
budget (measured with the scheduler's `engine_clock`): a turn trains only
what fits in the scheduler's slice for it (from
the session's measured seconds per example), and what does not fit is
trained in the next turns. A turn always trains something when something is
owed, so owed work always finishes.
"""

from __future__ import annotations

from engine.messages import Message
from engine.session import Session

from .scheduler import FRAME_SECONDS, Account, engine_clock

MAX_STEPS_OWED = 1000  # steps waiting to be trained; more are dropped with a notice
UNBOUNDED = 10**9  # "Fastest": as many epochs as the budget allows
MAX_SPEED_DEBT = 10  # frames' worth of epochs a slow session may still catch up on


class Pacer:
    """When the next frame is due, what is owed, and this turn's budget."""

    def __init__(self):
        self.next_frame_at = 0.0
        self.epochs_owed = 0  # epochs the speed asked for that the budget left over
        self.steps_owed = 0
        self.turn_ends = 0.0
        self.trained_this_turn = False
        self.slice_seconds = 0.0

    # --- frames ---------------------------------------------------------------

    def wait(self, now: float, playing: bool) -> float:
        """Seconds until the next frame may start (0: now)."""
        if not (playing or self.steps_owed):
            return 0.0
        return max(0.0, self.next_frame_at - now)

    def begin_turn(self, now: float, slice_seconds: float) -> None:
        """A turn starts (on the engine thread; `now` is the loop's clock): its budget.

        Frames keep a steady cadence: the next is due one frame after this
        one was due, not after it started, as long as it started less than a
        frame late. The loop's timers wake up to a millisecond late (epoll
        counts whole milliseconds), and counting from the start lost that
        every frame: 52–58 frames a second instead of 60 for a lone tab. A
        session more than a frame behind starts afresh rather than catching up."""
        due = self.next_frame_at
        self.next_frame_at = (due if 0.0 <= now - due < FRAME_SECONDS else now) + FRAME_SECONDS
        self.slice_seconds = slice_seconds
        self.turn_ends = engine_clock() + slice_seconds
        self.trained_this_turn = False

    def space(self, not_before: float) -> None:
        """The scheduler's spacing for a session costlier than its share."""
        self.next_frame_at = max(self.next_frame_at, not_before)

    def owe_frame(self, speed: str) -> None:
        """A playing session's frame: `speed` more epochs owed ("max": the budget decides)."""
        if speed != "max":
            self.epochs_owed = min(self.epochs_owed + int(speed), MAX_SPEED_DEBT * int(speed))

    # --- what is owed -----------------------------------------------------------

    def add_steps(self, count: int) -> Message | None:
        """Owe `count` more steps; a notice when some had to be dropped."""
        room = MAX_STEPS_OWED - self.steps_owed
        self.steps_owed += min(count, room)
        if count > room:
            return Message("steps_dropped", {"max": MAX_STEPS_OWED, "count": count - room})
        return None

    def stop(self) -> None:
        """Playing stopped: the speed's debt is gone (owed steps stay)."""
        self.epochs_owed = 0

    def forget(self) -> None:
        """The network was rebuilt: nothing is owed to the old one."""
        self.epochs_owed = 0
        self.steps_owed = 0

    def owes(self) -> bool:
        return self.steps_owed > 0

    # --- training -----------------------------------------------------------------

    def train(self, session: Session, account: Account, playing: bool) -> int:
        """Train what is owed (steps first, then the speed's epochs) within
        what is left of this turn's budget; returns the epochs trained. Each
        call to the engine is sized from the measured seconds per example and
        the measurement is refreshed after it, so a wrong first guess costs
        at most one short call."""
        total = 0
        per_epoch = session.examples_per_epoch
        while True:
            wanted = self.steps_owed
            if playing:
                wanted += UNBOUNDED if session.settings["speed"] == "max" else self.epochs_owed
            left = self.turn_ends - engine_clock()
            if wanted <= 0 or (left <= 0 and self.trained_this_turn):
                return total
            max_examples = account.examples_for(max(left, 0.0))
            if max_examples is None:
                max_examples = per_epoch  # not measured yet: one epoch
            started = engine_clock()
            done = session.step(wanted, max_examples=max_examples)
            seconds = engine_clock() - started
            self.trained_this_turn = True
            # Examples processed: whole epochs, or (stopped by the bound) at least the bound.
            account.learn(seconds, max(done * per_epoch, max_examples if done < wanted else 0))
            from_steps = min(done, self.steps_owed)
            self.steps_owed -= from_steps
            self.epochs_owed = max(0, self.epochs_owed - (done - from_steps))
            total += done
            if done == 0 or session.divergence is not None or session.stopped is not None:
                return total
