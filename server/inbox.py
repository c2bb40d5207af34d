"""The commands a connection received and has not applied yet.

Valid commands are never treated as abuse. Bursts are folded as they
arrive: consecutive `set` commands become one (later values win), so a
dragged slider or a burst of a thousand changes costs one rebuild; consecutive
`step` commands become one `StepBurst` that counts them. When the page still
sends faster than the session can apply (more than `limit` different commands
waiting), further commands are dropped and the page is told once per burst.

The event loop pushes; the loop or, for commands that arrive while a turn
waits, the engine thread running that turn takes (one lock between them).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from engine.messages import Message

from . import protocol

MAX_WAITING_COMMANDS = 256


@dataclass
class StepBurst:
    """`count` consecutive `step` commands."""

    count: int = 1
    type: str = "step"


def merge_settings(commands: list) -> list:
    """Consecutive `set` commands become one (later values win) and
    consecutive steps one `StepBurst`."""
    inbox = Inbox(limit=len(commands) + 1)
    for command in commands:
        inbox.push(command)
    return inbox.take_all()


class Inbox:
    def __init__(self, limit: int = MAX_WAITING_COMMANDS):
        self.limit = limit
        self.commands: deque = deque()
        self.dropping = False
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.commands)

    def __bool__(self) -> bool:
        return bool(self.commands)

    def push(self, command) -> str | None:
        """Queue `command`; returns a notice for the page when commands start
        being dropped (once per burst)."""
        with self._lock:
            last = self.commands[-1] if self.commands else None
            if command.type == "set" and last is not None and last.type == "set":
                self.commands[-1] = protocol.SetSettings(type="set", settings={**last.settings, **command.settings})
                return None
            if command.type == "step" and isinstance(last, StepBurst):
                last.count += 1
                return None
            if len(self.commands) >= self.limit:
                if self.dropping:
                    return None
                self.dropping = True
                return Message("commands_dropped", {"max": self.limit, "type": command.type})
            self.commands.append(StepBurst() if command.type == "step" else command)
            return None

    def take_all(self, unless_hello: bool = False) -> list:
        """Every waiting command. With `unless_hello`, none while a `hello`
        waits (a turn taking what arrived after it was asked for: the event
        loop handles `hello`, and the commands keep their order)."""
        with self._lock:
            if unless_hello and any(command.type == "hello" for command in self.commands):
                return []
            commands = list(self.commands)
            self.commands.clear()
            self.dropping = False
        return commands
