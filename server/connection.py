"""One websocket connection: the receiver and the session loop that owns it.

The receiver only validates and queues commands. The session loop is the one
owner of the engine session: it takes everything queued, applies it, trains
as far as the speed setting and the frame budget allow, and sends one frame.
The engine work runs in a worker thread, so the event loop keeps serving
every other tab while a session trains. Latest frame wins: the next frame is
computed only after the previous one was handed to the socket, so a slow page
gets fewer frames, never a backlog.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from concurrent.futures import Executor
from functools import partial

from starlette.websockets import WebSocket, WebSocketDisconnect

from engine.features import FEATURES, hidden_inputs
from engine.session import Session
from engine.settings import HIDE_NAMES, SettingError
from engine.share_hash import ParsedHash, parse_hash, set_hidden, write_hash

from . import protocol
from .sessions import LiveSession, RegistryFull, SessionRegistry

LOG = logging.getLogger("playground")
FRAME_INTERVAL = 1 / 60  # the display's pace
MAX_TRAIN_SECONDS = 0.014  # training time per frame at most; keeps ≥ 30 frames/s
MAX_QUEUED_COMMANDS = 256
ABUSE_WINDOW_SECONDS = 10.0
ABUSE_LIMIT = 200  # bad messages per window before the connection is closed
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN_LATER = 1013


def merge_settings(commands: list) -> list:
    """Consecutive `set` commands become one (later values win), so that a
    dragged slider costs one rebuild, not one per step of the drag."""
    merged: list = []
    for command in commands:
        if command.type == "set" and merged and merged[-1].type == "set":
            merged[-1] = protocol.SetSettings(type="set", settings={**merged[-1].settings, **command.settings})
        else:
            merged.append(command)
    return merged


def node_exists(session: Session, layer: int, index: int) -> bool:
    """Whether (layer, index) names a node: layer 0 counts all seven features."""
    sizes = session.network.layer_sizes
    if layer == 0:
        return index < len(FEATURES)
    return layer < len(sizes) and index < sizes[layer]


def hideable(name: str) -> bool:
    """A control that `<name>_hide` can hide: the table's, or a layer's neuron buttons."""
    return name in HIDE_NAMES or re.fullmatch(r"numNodes[1-9][0-9]?", name) is not None


class Connection:
    """The state of one websocket: the queue of commands, the outbox of text
    messages, the frame writer and, after `hello`, the live session."""

    def __init__(self, websocket: WebSocket, registry: SessionRegistry, executor: Executor | None):
        self.websocket = websocket
        self.registry = registry
        self.executor = executor
        self.commands: deque = deque()
        self.outbox: deque[str] = deque()
        self.wake = asyncio.Event()
        self.closed = False
        self.live: LiveSession | None = None
        self.writer = protocol.FrameWriter()
        self.strikes: deque[float] = deque()
        self.dirty = False
        self.closing: tuple[int, str] | None = None  # close with (code, reason) once the outbox is sent
        self.epochs_owed = 0  # epochs the speed asked for that the frame budget left over

    # --- receiving ---------------------------------------------------------

    async def receive_loop(self) -> None:
        try:
            while not self.closed:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    self._reject("binary messages are not commands; send JSON text", None)
                    self.wake.set()
                    continue
                try:
                    command = protocol.parse_command(text)
                except protocol.BadCommand as error:
                    self._reject(str(error), error.command)
                else:
                    if len(self.commands) >= MAX_QUEUED_COMMANDS:
                        self._reject("too many commands at once; slow down", command.type)
                    else:
                        self.commands.append(command)
                self.wake.set()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            self.closed = True
            self.wake.set()

    def _reject(self, message: str, command: str | None) -> None:
        """Queue an error for the page and count it against the abuse limit
        (receiver only; it does not touch the event)."""
        self.outbox.append(protocol.Error(message=message, command=command).model_dump_json())
        now = time.monotonic()
        self.strikes.append(now)
        while self.strikes and now - self.strikes[0] > ABUSE_WINDOW_SECONDS:
            self.strikes.popleft()
        if len(self.strikes) > ABUSE_LIMIT:
            self.closed = True

    # --- the session loop ----------------------------------------------------

    async def session_loop(self) -> None:
        loop = asyncio.get_running_loop()
        next_frame_at = 0.0
        while True:
            await self._flush_outbox()
            if self.closing is not None:
                await self.websocket.close(*self.closing)
                self.closed = True
            if self.closed:
                return
            if self.commands or (self.live and (self.live.playing or self.dirty)):
                wait = next_frame_at - loop.time() if (self.live and self.live.playing and not self.commands) else 0
                if wait > 0:
                    await self._sleep_or_wake(wait)
                    continue
                next_frame_at = loop.time() + FRAME_INTERVAL
                commands = list(self.commands)
                self.commands.clear()
                # The registry belongs to the event loop: hello is handled here.
                for hello in [c for c in commands if c.type == "hello"]:
                    await self._hello(hello)
                commands = [c for c in commands if c.type != "hello"]
                frame = await loop.run_in_executor(self.executor, self._work, commands)
                await self._flush_outbox()
                if frame is not None and not self.closed:
                    await self.websocket.send_bytes(frame)
            else:
                self.wake.clear()
                if not (self.commands or self.outbox or self.closed):
                    await self.wake.wait()

    async def _sleep_or_wake(self, seconds: float) -> None:
        self.wake.clear()
        try:
            await asyncio.wait_for(self.wake.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def _flush_outbox(self) -> None:
        while self.outbox and not self.closed:
            await self.websocket.send_text(self.outbox.popleft())

    # --- the work (in a worker thread; only this owner touches the session) ---

    def _work(self, commands: list) -> bytes | None:
        try:
            return self._work_unguarded(commands)
        except Exception as error:  # a bug of ours must not end the tab's session
            LOG.exception("session work failed")
            if self.live is not None:
                self.live.playing = False
            message = f"the server could not do that ({type(error).__name__}); training was paused"
            self.outbox.append(protocol.Error(message=message).model_dump_json())
            return None

    def _work_unguarded(self, commands: list) -> bytes | None:
        for command in merge_settings(commands):
            try:
                self._apply(command)
            except (protocol.BadCommand, SettingError) as error:
                self._tell_error(str(error), getattr(error, "command", None) or command.type)
        live = self.live
        if live is None:
            return None
        if live.playing:
            self._train(live)
            self.dirty = True
        if not self.dirty:
            return None
        self.dirty = False
        if live.focus is not None and not node_exists(live.session, *live.focus):
            live.focus = None  # the hovered node went with a rebuild
        return self.writer.frame(live.session, session_id=live.id, playing=live.playing,
                                 focus=live.focus, share=lambda: self._share(live))

    def _tell_error(self, message: str, command: str | None) -> None:
        """An error for the page about a command that was well-formed but not
        usable (no strike: such mistakes are not abuse)."""
        self.outbox.append(protocol.Error(message=message, command=command).model_dump_json())

    def _train(self, live: LiveSession) -> None:
        session = live.session
        speed = session.settings["speed"]
        started = time.perf_counter()
        if speed == "max":
            wanted = None
        else:
            self.epochs_owed = min(self.epochs_owed + int(speed), 10 * int(speed))
            wanted = int(self.epochs_owed)
        ran = 0
        chunk = 1
        while wanted is None or ran < wanted:
            todo = chunk if wanted is None else min(chunk, wanted - ran)
            done = session.step(todo)
            ran += done
            if session.divergence is not None:
                self._stop(live)
                break
            elapsed = time.perf_counter() - started
            if elapsed >= MAX_TRAIN_SECONDS:
                break
            per_epoch = elapsed / max(ran, 1)
            chunk = max(1, int((MAX_TRAIN_SECONDS - elapsed) / per_epoch / 2))
        if wanted is not None:
            self.epochs_owed -= ran

    def _apply(self, command) -> None:
        kind = command.type
        live = self.live
        if live is None:
            raise protocol.BadCommand("send hello first", kind)
        session = live.session
        self.dirty = True
        if kind == "set":
            change = session.apply(command.settings)
            for notice in change.notices:
                about = list(getattr(notice, "about", ()))
                self.outbox.append(protocol.Notice(message=notice, about=about).model_dump_json())
            if change.effect.rank >= change.effect.REBUILD.rank:
                self._stop(live)
        elif kind == "play":
            session.clear_divergence()
            live.playing = True
        elif kind == "pause":
            self._stop(live)
        elif kind == "step":
            self._stop(live)
            session.clear_divergence()
            session.step(1)
        elif kind == "reset":
            self._stop(live)
            session.reset()
        elif kind == "regenerate":
            session.regenerate()
        elif kind == "speed":
            session.apply({"speed": command.value})
        elif kind == "edit":
            self._edit(session, command)
        elif kind == "focus":
            live.focus = self._node(session, command.node)
        elif kind == "hide":
            if not hideable(command.name):
                raise protocol.BadCommand(f"there is no control called {command.name!r} to hide", kind)
            before = dict(live.hidden)
            set_hidden(live.hidden, command.name, command.hidden)
            if live.hidden != before:
                session.settings_version += 1
                session.hide_inputs(hidden_inputs(live.hidden))

    def _stop(self, live: LiveSession) -> None:
        live.playing = False
        self.epochs_owed = 0

    async def _hello(self, command: protocol.Hello) -> None:
        """Start or resume this connection's session (on the event loop, which
        owns the registry; the session itself is built in the worker)."""
        if self.live is not None:
            self._tell_error("hello was already sent on this connection", "hello")
            return
        live = self.registry.resume(command.resume) if command.resume else None
        if live is None:
            parsed = parse_hash(command.hash)
            loop = asyncio.get_running_loop()
            session = await loop.run_in_executor(
                self.executor, partial(Session, parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden)))
            try:
                live = self.registry.add(session, hidden=dict(parsed.hidden), unknown=list(parsed.unknown),
                                         link_notices=list(parsed.notices))
            except RegistryFull as error:
                self._tell_error(str(error), "hello")
                self.closing = (CLOSE_TRY_AGAIN_LATER, "server busy")
                return
        self.live = live
        self.writer.forget()
        self.dirty = True

    def _share(self, live: LiveSession) -> dict:
        return {
            "hash": write_hash(live.session.settings, live.hidden, live.unknown),
            "notices": live.link_notices,
            "hidden": ParsedHash(live.session.settings, hidden=live.hidden).hidden_controls(),
        }

    @staticmethod
    def _edit(session: Session, command: protocol.Edit) -> None:
        sizes = session.network.layer_sizes
        layer = command.layer
        if layer >= len(sizes):
            raise protocol.BadCommand(f"layer {layer} does not exist; the network has layers 1–{len(sizes) - 1}", "edit")
        if command.target == "bias":
            if command.node is None or command.node >= sizes[layer]:
                raise protocol.BadCommand(f"layer {layer} has nodes 0–{sizes[layer] - 1}; node {command.node} does not exist", "edit")
            session.edit_bias(layer, command.node, command.value)
            return
        if command.source is None or command.dest is None or command.source >= sizes[layer - 1] or command.dest >= sizes[layer]:
            raise protocol.BadCommand(
                f"no link from node {command.source} of layer {layer - 1} to node {command.dest} of layer {layer}", "edit")
        session.edit_weight(layer, command.source, command.dest, command.value)

    @staticmethod
    def _node(session: Session, node: protocol.NodeRef | None) -> tuple[int, int] | None:
        if node is None:
            return None
        if not node_exists(session, node.layer, node.index):
            raise protocol.BadCommand(f"there is no node {node.index} in layer {node.layer}", "focus")
        return (node.layer, node.index)

    # --- the whole connection ------------------------------------------------

    async def run(self) -> None:
        receiver = asyncio.create_task(self.receive_loop())
        try:
            await self.session_loop()
        except (WebSocketDisconnect, RuntimeError, ConnectionError):
            pass
        finally:
            self.closed = True
            receiver.cancel()
            try:
                await receiver
            except (asyncio.CancelledError, Exception):
                pass
            if self.live is not None:
                self.registry.detach(self.live, time.monotonic())
            if self.strikes and len(self.strikes) > ABUSE_LIMIT:
                try:
                    await self.websocket.close(code=CLOSE_POLICY, reason="too many bad messages")
                except RuntimeError:
                    pass
