"""The websocket of one connection: messages in, messages out.

The receiver validates each text message as a command (`protocol.parse_command`)
and hands it on; malformed ones are answered with an error and counted
(`limits.AbuseCounter`). Text messages for the page wait in an outbox that
the connection flushes before each frame, so errors and notices arrive
before the frame that follows them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from pydantic import BaseModel
from starlette.websockets import WebSocket, WebSocketDisconnect

from engine.messages import Message

from . import protocol
from .limits import ABUSE_REASON, CLOSE_POLICY, AbuseCounter, MessageRate


class Transport:
    def __init__(self, websocket: WebSocket):
        self.websocket = websocket
        self.outbox: deque[str] = deque()
        self._waiter: asyncio.Future | None = None  # the session loop's `wait`, while it waits
        self.closed = False
        self.closing: tuple[int, str] | None = None  # close with (code, reason) once the outbox is sent
        self.abuse = AbuseCounter()
        self.rate = MessageRate()

    @property
    def client(self) -> str:
        return self.websocket.client.host if self.websocket.client else ""

    def error(self, message: Message, command: str | None = None) -> None:
        """Send an error: a `Message` (engine/messages.py), for the command `command`."""
        self.outbox.append(protocol.error(message, command).model_dump_json())

    def notice(self, message: Message) -> None:
        """Send a notice: a `Message`, which knows the settings it is `about`."""
        self.outbox.append(protocol.notice(message).model_dump_json())

    def reply(self, message: BaseModel) -> None:
        """Queue any other server → page message (e.g. `protocol.Saved`)."""
        self.outbox.append(message.model_dump_json())

    def close_after_outbox(self, code: int, reason: str) -> None:
        self.closing = (code, reason)
        self.wake()

    async def receive_loop(self, deliver: Callable[[object], None]) -> None:
        """Read messages until the socket closes; valid commands go to `deliver`."""
        try:
            while not self.closed and self.closing is None:
                delay = self.rate.delay()
                if delay > 0:
                    await asyncio.sleep(delay)
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                try:
                    if text is None:
                        raise protocol.BadCommand("binary_message")
                    command = protocol.parse_command(text)
                except protocol.BadCommand as error:
                    self.error(error.message, error.command)
                    if self.abuse.strike():
                        self.close_after_outbox(CLOSE_POLICY, ABUSE_REASON)
                else:
                    deliver(command)
                self.wake()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            if self.closing is None:
                self.closed = True
            self.wake()

    async def flush(self) -> None:
        while self.outbox and not self.closed:
            await self.websocket.send_text(self.outbox.popleft())

    async def send_frame(self, frame: bytes) -> None:
        if not self.closed:
            await self.websocket.send_bytes(frame)

    async def close(self) -> None:
        """Send what is waiting, then close with the reason asked for (if any)."""
        if self.closing is not None and not self.closed:
            try:
                await self.flush()
                await self.websocket.close(*self.closing)
            except (RuntimeError, ConnectionError, WebSocketDisconnect):
                pass
        self.closed = True

    def wake(self) -> None:
        """Something arrived or the socket closed: end a `wait` under way."""
        if self._waiter is not None:
            _release(self._waiter)

    async def wait(self, seconds: float | None) -> None:
        """Until something arrives, or `seconds` pass (None: no limit).

        A bare future and a timer: the session loop waits once per frame of
        every tab, and `asyncio.wait_for` around an Event made a task, a
        timeout and their callbacks each time, a visible part of the loop's
        time in a class of 30."""
        loop = asyncio.get_running_loop()
        self._waiter = waiter = loop.create_future()
        timer = None if seconds is None else loop.call_later(seconds, _release, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()


def _release(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
