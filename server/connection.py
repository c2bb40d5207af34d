"""One websocket connection: the loop that owns its session.

The pieces, each in its own module: `transport.py` reads and writes the
socket (malformed messages counted by `limits.py`), `inbox.py` holds the
commands not applied yet (bursts folded), `commands.py` is the table of what
each command does, `pacing.py` paces frames and budgets training,
`scheduler.py` gives the connection its turns on the engine threads, and
`frames.py` encodes what the page sees.

The session loop here ties them: it takes everything queued, applies it and
trains within the turn's budget (on an engine thread, in the session's fair
turn), and sends one frame. Latest frame wins: the next frame is computed
only after the previous one was handed to the socket, so a slow page gets
fewer frames, never a backlog. A connection must say `hello` within the
hello deadline; `hello` is handled on the event loop, which owns the
registry, while the link is parsed and the session built on an engine thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from functools import partial

from starlette.websockets import WebSocket, WebSocketDisconnect

from engine.features import hidden_inputs
from engine.messages import Message
from engine.session import EditError, Session
from engine.settings import SettingError
from engine.share_hash import ParsedHash, parse_hash, write_hash

from . import protocol
from .commands import HANDLERS, Turn, node_exists
from .frames import FrameWriter
from .inbox import Inbox
from .limits import CLOSE_POLICY, CLOSE_TRY_AGAIN_LATER
from .options import ServerOptions
from .pacing import Pacer
from .scheduler import Account, FairScheduler
from .sessions import LiveSession, Refused, SessionRegistry
from .transport import Transport

LOG = logging.getLogger("playground")
LONG_LINK_CHARS = 2048  # real share links are well under 1 KB; longer ones take a heavy turn to read


@dataclass
class Services:
    """What every connection of the server shares."""

    registry: SessionRegistry
    scheduler: FairScheduler
    options: ServerOptions
    datasets: object = None  # finds stored data sets by id (`data=` links); see datasets_api


def build_session(link: str, datasets=None) -> tuple[Session, ParsedHash]:
    """Parse a share link and build its session (engine thread: a long link
    and a large network take a while). `datasets` finds a `data=` link's points."""
    parsed = parse_hash(link)
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden), datasets=datasets)
    return session, parsed


class Connection:
    def __init__(self, websocket: WebSocket, services: Services):
        self.transport = Transport(websocket)
        self.services = services
        self.inbox = Inbox()
        self.pacer = Pacer()
        self.account = Account()
        self.writer = FrameWriter()
        self.live: LiveSession | None = None
        self.dirty = False
        self.opened_at = time.monotonic()

    def _deliver(self, command) -> None:
        notice = self.inbox.push(command)
        if notice:
            self.transport.notice(notice)

    # --- the session loop (event loop) -----------------------------------------

    async def session_loop(self) -> None:
        loop = asyncio.get_running_loop()
        transport = self.transport
        hello_seconds = self.services.options.hello_seconds
        while True:
            await transport.flush()
            if transport.closing is not None or transport.closed:
                return
            live = self.live
            if live is None and not self.inbox:
                left = hello_seconds - (time.monotonic() - self.opened_at)
                if left <= 0:
                    transport.error(Message("hello_late", {"seconds": f"{hello_seconds:g}"}), "hello")
                    transport.close_after_outbox(CLOSE_POLICY, "no hello in time")
                else:
                    await transport.wait(left)
                continue
            busy = self.inbox or self.dirty or (live is not None and (live.playing or self.pacer.owes()))
            if not busy:
                await transport.wait(None)
                continue
            if not self.inbox and live is not None:
                wait = self.pacer.wait(loop.time(), live.playing)
                if wait > 0:
                    await transport.wait(wait)
                    continue
            commands = self.inbox.take_all()
            hellos = [c for c in commands if c.type == "hello"]
            for hello in hellos:
                await self._hello(hello)
            commands = [c for c in commands if c.type != "hello"]
            if self.live is None:
                for command in commands:
                    transport.error(Message("hello_first"), command.type)
                continue
            scheduler = self.services.scheduler
            asked_at = loop.time()
            frame = await scheduler.run(self.account, partial(self._turn, commands, asked_at,
                                                              scheduler.slice_seconds()))
            self.pacer.space(asked_at + scheduler.spacing(self.account))
            await transport.flush()
            if frame is not None:
                await transport.send_frame(frame)

    async def _hello(self, command: protocol.Hello) -> None:
        """Start or resume this connection's session."""
        transport = self.transport
        if self.live is not None:
            transport.error(Message("hello_twice"), "hello")
            return
        registry = self.services.registry
        live = registry.resume(command.resume) if command.resume else None
        if live is None:
            client = transport.client
            try:
                registry.admit(client)
            except Refused as refused:
                transport.error(refused.message, "hello")
                transport.close_after_outbox(CLOSE_TRY_AGAIN_LATER, "no session available")
                return
            try:
                session, parsed = await self.services.scheduler.run(
                    self.account, partial(build_session, command.hash, self.services.datasets), heavy=len(command.hash) > LONG_LINK_CHARS)
            except BaseException:
                registry.withdraw(client)
                raise
            live = registry.add(session, client, hidden=dict(parsed.hidden), unknown=list(parsed.unknown),
                                link_notices=list(parsed.notices) + list(session.notices))
        self.live = live
        self.writer.forget()
        self.pacer.forget()
        self.dirty = True

    # --- a turn (engine thread; only this connection's turn touches its session) ---

    def _turn(self, commands: list, now: float, slice_seconds: float) -> bytes | None:
        try:
            return self._turn_unguarded(commands, now, slice_seconds)
        except Exception as error:  # a bug of ours must not end the tab's session
            LOG.exception("session work failed")
            if self.live is not None:
                self.live.playing = False
            self.transport.error(Message("server_failed", {"error": type(error).__name__}))
            return None

    def _turn_unguarded(self, commands: list, now: float, slice_seconds: float) -> bytes | None:
        live = self.live
        session = live.session
        turn = Turn(live, self.pacer, self.account)
        self.pacer.begin_turn(now, slice_seconds)
        for command in commands:
            self.dirty = True
            try:
                HANDLERS[command.type](turn, command)
            except (protocol.BadCommand, SettingError, EditError) as error:
                # A well-formed command that cannot be used: an error, no strike.
                self.transport.error(error.message, getattr(error, "command", None) or command.type)
        if live.playing:
            self.pacer.owe_frame(session.settings["speed"])
        if live.playing or self.pacer.owes():
            self.pacer.train(session, self.account, live.playing)
            self.dirty = True
        if session.divergence is not None:
            turn.stop()
            self.pacer.forget()
        for notice in turn.notices:
            self.transport.notice(notice)
        if not self.dirty:
            return None
        self.dirty = False
        if live.focus is not None and not node_exists(session, *live.focus):
            live.focus = None  # the hovered node went with a rebuild
        return self.writer.frame(session, session_id=live.id, playing=live.playing, focus=live.focus,
                                 share=lambda: self._share(live))

    @staticmethod
    def _share(live: LiveSession) -> dict:
        return {
            "hash": write_hash(live.session.settings, live.hidden, live.unknown),
            "notices": [protocol.message_block(notice) for notice in live.link_notices],
            "hidden": ParsedHash(live.session.settings, hidden=live.hidden).hidden_controls(),
        }

    # --- the whole connection ------------------------------------------------

    async def run(self) -> None:
        receiver = asyncio.create_task(self.transport.receive_loop(self._deliver))
        try:
            await self.session_loop()
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            pass
        finally:
            await self.transport.close()
            receiver.cancel()
            try:
                await receiver
            except (asyncio.CancelledError, Exception):
                pass
            if self.live is not None:
                self.services.registry.detach(self.live, time.monotonic())
