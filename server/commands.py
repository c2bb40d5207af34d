"""What each command does to a live session: a table of handlers, one per `type`.

A handler gets the connection's `Turn` (the live session, the pacer, the
scheduler account and a way to tell the page something) and the command,
on the engine thread during the connection's turn. Handlers raise
`protocol.BadCommand`, `SettingError` or `EditError` for a well-formed
command that cannot be used; the connection turns those into error
messages for the page. `hello` is not here: it is handled on the event loop
before the turn (it creates the live session).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.features import FEATURES, hidden_inputs
from engine.messages import Message
from engine.session import Session
from engine.settings import HIDE_NAMES
from engine.share_hash import set_hidden

from . import protocol
from .pacing import Pacer
from .scheduler import Account
from .sessions import LiveSession
from .snapshots import saved_body, snapshot_url


@dataclass
class Turn:
    """What handlers may touch during one turn of a connection."""

    live: LiveSession
    pacer: Pacer
    account: Account
    notices: list[Message] = field(default_factory=list)
    store: object = None  # server.store.Store: where `save` keeps snapshots
    replies: list = field(default_factory=list)  # other messages for the page (protocol models)

    @property
    def session(self) -> Session:
        return self.live.session

    def stop(self) -> None:
        self.live.playing = False
        self.pacer.stop()


def node_exists(session: Session, layer: int, index: int) -> bool:
    """Whether (layer, index) names a node: layer 0 counts all seven features."""
    sizes = session.network.layer_sizes
    if layer == 0:
        return index < len(FEATURES)
    return layer < len(sizes) and index < sizes[layer]


def hideable(name: str) -> bool:
    """A control that `<name>_hide` can hide: the table's, or a layer's neuron buttons."""
    return name in HIDE_NAMES or re.fullmatch(r"numNodes[1-9][0-9]?", name) is not None


def on_set(turn: Turn, command: protocol.SetSettings) -> None:
    change = turn.session.apply(command.settings)
    turn.notices.extend(change.notices)
    if change.effect.rank >= change.effect.REBUILD.rank:
        turn.stop()
        turn.pacer.forget()


def on_play(turn: Turn, command) -> None:
    turn.session.clear_divergence()
    turn.live.playing = True


def on_pause(turn: Turn, command) -> None:
    turn.stop()


def on_step(turn: Turn, command) -> None:
    """Pause, then owe `count` epochs; as many as the turn's budget allows are
    trained now (so a single step is exact and in order), the rest in the next turns."""
    turn.stop()
    turn.session.clear_divergence()
    notice = turn.pacer.add_steps(getattr(command, "count", 1))
    if notice:
        turn.notices.append(notice)
    turn.pacer.train(turn.session, turn.account, playing=False)


def on_reset(turn: Turn, command) -> None:
    turn.stop()
    turn.pacer.forget()
    turn.session.reset()


def on_regenerate(turn: Turn, command) -> None:
    if not turn.session.regenerate():
        turn.notices.append(Message("regenerate_stored"))


def on_speed(turn: Turn, command: protocol.Speed) -> None:
    turn.session.apply({"speed": command.value})


def on_edit(turn: Turn, command: protocol.Edit) -> None:
    """The engine checks the indices and the value (EditError says what is wrong)."""
    if command.target == "bias":
        if command.node is None:
            raise protocol.BadCommand("edit_needs_node", command="edit")
        turn.session.edit_bias(command.layer, command.node, command.value)
    else:
        if command.source is None or command.dest is None:
            raise protocol.BadCommand("edit_needs_ends", command="edit")
        turn.session.edit_weight(command.layer, command.source, command.dest, command.value)


def on_focus(turn: Turn, command: protocol.Focus) -> None:
    node = command.node
    if node is not None and not node_exists(turn.session, node.layer, node.index):
        raise protocol.BadCommand("focus_no_node", {"node": node.index, "layer": node.layer}, "focus")
    turn.live.focus = None if node is None else (node.layer, node.index)


def on_hide(turn: Turn, command: protocol.Hide) -> None:
    if not hideable(command.name):
        raise protocol.BadCommand("hide_unknown", {"name": repr(command.name)}, "hide")
    live = turn.live
    before = dict(live.hidden)
    set_hidden(live.hidden, command.name, command.hidden)
    if live.hidden != before:
        turn.session.settings_version += 1
        if turn.session.hide_inputs(hidden_inputs(live.hidden)):
            turn.pacer.forget()  # owed steps were for the network that is gone


def on_trace(turn: Turn, command: protocol.TraceCommand) -> None:
    """Pause, then trace the point (and apply its update for `trace_step`);
    the answer goes before the next frame, which shows the same weights."""
    turn.stop()
    session = turn.session
    applied = command.type == "trace_step"
    trace = session.take_trace_step(command.index) if applied else session.trace(command.index)
    x1, x2, label = (float(v) for v in session.data.train[command.index])
    turn.replies.append(
        protocol.TraceReply(
            index=command.index,
            input=(x1, x2),
            label=label,
            features=trace.inputs.tolist(),
            layers=[
                protocol.TraceLayer(z=z.tolist(), a=a.tolist(), delta=d.tolist())
                for z, a, d in zip(trace.z, trace.a, trace.delta)
            ],
            weightGradients=[g.tolist() for g in trace.weight_gradients],
            biasGradients=[g.tolist() for g in trace.bias_gradients],
            error=trace.error,
            applied=applied,
        )
    )


def on_save(turn: Turn, command) -> None:
    """Store the session as it is (paused) as a snapshot; answer with its link."""
    if turn.store is None:
        raise protocol.BadCommand("save_no_store", command="save")
    live = turn.live
    snapshot_id = turn.store.put_snapshot(saved_body(live.session, live.hidden, live.unknown))
    turn.replies.append(protocol.Saved(id=snapshot_id, url=snapshot_url(snapshot_id)))


HANDLERS: dict[str, Callable[[Turn, object], None]] = {
    "set": on_set,
    "play": on_play,
    "pause": on_pause,
    "step": on_step,
    "reset": on_reset,
    "regenerate": on_regenerate,
    "speed": on_speed,
    "edit": on_edit,
    "focus": on_focus,
    "hide": on_hide,
    "trace": on_trace,
    "trace_step": on_trace,
    "save": on_save,
}
