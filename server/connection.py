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
from engine.session_state import StateError
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
from .snapshots import Opened, open_saved
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
    store: object = None  # server.store.Store: snapshots and checkpoints
    checkpoints: object = None  # checkpoints.Checkpoints: sessions that outlive this process


def build_session(link: str, datasets=None) -> tuple[Session, ParsedHash]:
    """Parse a share link and build its session (engine thread: a long link
    and a large network take a while). `datasets` finds a `data=` link's points."""
    parsed = parse_hash(link)
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden), datasets=datasets)
    return session, parsed


def open_snapshot(snapshot_id: str, link: str, store, datasets=None) -> tuple[Opened, list[Message]]:
    """The saved network `snapshot_id` (paused where it was saved) and notices;
    when it is unknown, expired or damaged, the link's set-up instead, with a
    notice saying why (engine thread: it rebuilds the data and the trainer)."""
    body = store.get_snapshot(snapshot_id) if store is not None else None
    if body is not None:
        try:
            return open_saved(body, datasets), []
        except StateError as error:
            why = Message("snapshot_damaged", {"id": snapshot_id[:24], "reason": error.message})
    else:
        why = Message("snapshot_unknown", {"id": snapshot_id[:24]})
    session, parsed = build_session(link, datasets)
    notices = [why]
    return Opened(session, dict(parsed.hidden), list(parsed.unknown)), notices + list(parsed.notices) + list(
        session.notices
    )


def person_acted(commands: list) -> bool:
    """Whether `commands` hold something a person did: any command but a
    hover (`focus`), which changes nothing worth keeping."""
    return any(command.type != "focus" for command in commands)


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
        if self.account.busy and command.type != "hello" and person_acted([command]):
            # The tab's next turn is already asked for: what a person did goes
            # with it, and it goes ahead (the turn takes it from the inbox).
            self.services.scheduler.hurry(self.account)

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
            frame = await scheduler.run(
                self.account,
                partial(self._turn, commands, asked_at, scheduler.slice_seconds()),
                prompt=person_acted(commands),  # shown promptly
            )
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
        live = await self._resume(command.resume) if command.resume else None
        if live is None:
            client = transport.client
            try:
                registry.admit(client)
            except Refused as refused:
                transport.error(refused.message, "hello")
                transport.close_after_outbox(CLOSE_TRY_AGAIN_LATER, "no session available")
                return
            services = self.services
            try:
                if command.snapshot:
                    opened, notices = await services.scheduler.run(
                        self.account,
                        partial(open_snapshot, command.snapshot, command.hash, services.store, services.datasets),
                        heavy=True,
                    )
                else:
                    session, parsed = await services.scheduler.run(
                        self.account,
                        partial(build_session, command.hash, services.datasets),
                        heavy=len(command.hash) > LONG_LINK_CHARS,
                    )
                    opened = Opened(session, dict(parsed.hidden), list(parsed.unknown))
                    notices = list(parsed.notices) + list(session.notices)
            except BaseException:
                registry.withdraw(client)
                raise
            live = registry.add(
                opened.session, client, hidden=opened.hidden, unknown=opened.unknown, link_notices=notices
            )
        self.live = live
        self.writer.forget()
        self.pacer.forget()
        self.dirty = True

    async def _resume(self, session_id: str) -> LiveSession | None:
        """The session `session_id`: held here and not taken over by another
        process, or else restored from its last checkpoint; None when neither."""
        services, registry = self.services, self.services.registry
        checkpoints = services.checkpoints
        held = registry.held(session_id)
        if held is not None and held.attached:
            return None  # another tab has it: this one starts afresh
        if checkpoints is None:
            return registry.resume(session_id)
        scheduler = services.scheduler
        if held is not None:
            if not await scheduler.run(self.account, partial(checkpoints.owned_elsewhere, session_id)):
                return registry.resume(session_id)
            registry.free(held)  # another process took it over: its checkpoint is the newer
            checkpoints.forget(session_id)
        opened, notice = await scheduler.run(
            self.account, partial(checkpoints.restore, session_id, services.datasets), heavy=True
        )
        if notice:
            self.transport.notice(notice)
        if opened is None or registry.held(session_id) is not None:
            return None
        client = self.transport.client
        try:
            registry.admit(client)
        except Refused:
            return None  # the new-session path says why
        live = registry.add(
            opened.session,
            client,
            session_id=session_id,
            hidden=opened.hidden,
            unknown=opened.unknown,
            playing=opened.playing,
        )
        checkpoints.claim(session_id)
        return live

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
        if self.inbox:  # what arrived while this turn waited for its thread shows in its frame
            commands = commands + self.inbox.take_all(unless_hello=True)
        turn = Turn(live, self.pacer, self.account, store=self.services.store)
        self.pacer.begin_turn(now, slice_seconds)
        changed = person_acted(commands)  # hovering changes nothing worth keeping
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
            changed = True
        if session.divergence is not None or session.stopped is not None:
            turn.stop()
            self.pacer.forget()
        for notice in turn.notices:
            self.transport.notice(notice)
        for reply in turn.replies:
            self.transport.reply(reply)
        if self.services.checkpoints is not None:
            self.services.checkpoints.after_turn(live, changed)
        if not self.dirty:
            return None
        self.dirty = False
        if live.focus is not None and not node_exists(session, *live.focus):
            live.focus = None  # the hovered node went with a rebuild
        return self.writer.frame(
            session, session_id=live.id, playing=live.playing, focus=live.focus, share=lambda: self._share(live)
        )

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
                live, checkpoints = self.live, self.services.checkpoints
                self.services.registry.detach(live, time.monotonic())
                if checkpoints is not None:
                    # The tab may come back to another process: leave it the session as it is now.
                    try:
                        await self.services.scheduler.run(self.account, partial(checkpoints.take, live))
                    except Exception:
                        LOG.exception("checkpointing a closed tab's session failed")
