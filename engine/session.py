"""A playground session: one user's settings, data, network and training.

The server drives one `Session` per browser tab; the command line and
notebooks drive it directly. It follows the original's seed life cycle
(spec §7.2): the seed in a link gives the data and then the initial weights
from the same stream; every later reset draws fresh weights from wherever
that stream is; every later regeneration first draws a new seed from it.

What a settings change does is decided by the settings table
(`engine.settings.Effect`): LIVE changes reach the running trainer, REBUILD
draws a new network, REGENERATE draws a new seed and new data and then a new
network.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np

from . import data_source
from . import settings as table
from .datasets import Data, thumbnail_points
from .features import active_features, feature_matrix
from .grid import GridPicture
from .history import LossHistory
from .initializers import INITIALIZERS
from .messages import Message, MessageError
from .network import Network
from .rng import SeededStream
from .schedule import Schedule
from .settings import Effect
from .stopping import STOP_SETTINGS, StopRule, StopWatch
from .task import Task, task_of
from .training import Divergence, Trainer, TrainingConfig

MAX_EDIT_VALUE = 1e6  # a weight or bias typed in by hand, in size


class EditError(MessageError):
    """A weight or bias edit that names no parameter or an unusable value;
    `message` says why (engine/messages.py)."""


@dataclass
class Change:
    """What `Session.apply` did: the strongest effect, the names that really
    changed and any notices about values that were adjusted."""

    effect: Effect
    changed: list[str] = field(default_factory=list)
    notices: list[Message] = field(default_factory=list)


def fresh_seed(entropy: np.random.Generator | None = None) -> str:
    """A new seed like the original's (`0.` and five digits) from `entropy`."""
    rng = entropy if entropy is not None else np.random.default_rng()
    return f"{rng.random():.5f}"


class Session:
    """Settings, seeded stream, data, network, trainer and epoch of one user.

    Version counters (`layout_version`, `data_version`, `settings_version`)
    rise whenever the network's layout, the data points or the settings
    change, so a client only needs those when they move. `notices` says what
    was adjusted in the values the session was created with.
    """

    def __init__(
        self,
        values: dict | None = None,
        entropy: np.random.Generator | None = None,
        hidden_inputs: frozenset[str] = frozenset(),
        datasets: data_source.DatasetLookup | None = None,
    ):
        """`hidden_inputs`: features a link hides (`<feature>_hide=true`); they
        are not part of the network, whatever their switch says. `datasets`
        finds stored data sets by id (the `data` setting); without it only
        generated data can be used."""
        settings, self.notices = table.coerce_all(values or {})
        self.datasets = datasets
        self.source, data_notices = data_source.choose(settings, datasets)
        self.notices.extend(data_notices)
        self.hidden_inputs = frozenset(hidden_inputs)
        if settings["seed"] is None:
            settings["seed"] = fresh_seed(entropy)
        self.settings = settings
        self.layout_version = 0
        self.data_version = 0
        self.settings_version = 0
        self.history = LossHistory()
        self.divergence: Divergence | None = None
        self.stopped: tuple[int, str] | None = None  # (epoch, reason) when a stop condition held
        self._seed_data(settings["seed"])
        self._build_network()

    # --- life cycle -------------------------------------------------------

    def _seed_data(self, seed: str) -> None:
        """Install `seed` and generate the data from it (the stream goes on)."""
        self.settings["seed"] = seed
        self.stream = SeededStream(seed)
        self.data: Data = data_source.make_data(self.source, self.settings, self.stream)
        self.data_version += 1

    def _build_network(self) -> None:
        """A new network from the continuing stream: epoch 0, chart cleared."""
        s = self.settings
        self.active = active_features(s, self.hidden_inputs)
        sizes = [len(self.active), *s["networkShape"], self.task.outputs]
        self.network = Network(sizes, s["activation"], self.task.head(s["loss"]))
        self.network.load(INITIALIZERS[s["init"]](sizes, self.stream))
        self.trainer = Trainer(self.network, *self._features(), self._config(), dropout_seed=_dropout_seed(s["seed"]))
        self.epoch = 0
        self.divergence = None
        self.stopped = None
        self.watch = StopWatch()
        self.history.clear()
        self.history.append(0, *self.trainer.losses())
        self.layout_version += 1

    def _features(self):
        """(F_train (n_train, k), y_train (n_train,), F_test, y_test) for the data."""
        train, test = self.data.train, self.data.test
        return (
            feature_matrix(train[:, :2], self.active),
            train[:, 2].copy(),
            feature_matrix(test[:, :2], self.active),
            test[:, 2].copy(),
        )

    def _config(self) -> TrainingConfig:
        s = self.settings
        return TrainingConfig(
            learning_rate=s["learningRate"],
            regularization=s["regularization"],
            regularization_rate=s["regularizationRate"],
            optimizer=s["optimizer"],
            loss=s["loss"],
            problem=s["problem"],
            dropout=s["dropout"],
            batch_size=s["batchSize"],
            classes=self.task.classes,
        )

    @property
    def task(self) -> Task:
        """What the network learns (label kind, K, head, palette, metrics)."""
        return task_of(self.settings)

    def _regenerate_data(self, *, new_thumbnails: bool) -> None:
        """A new seed from the stream, then new data (spec §7.2 step 6)."""
        self._seed_data(self.stream.new_seed())
        if new_thumbnails:
            # The original redraws the problem's dataset thumbnails here, from the same stream.
            thumbnail_points(self.settings["problem"], self.stream)
        self.settings_version += 1

    # --- commands ---------------------------------------------------------

    def apply(self, patch: dict) -> Change:
        """Change settings. Raises `settings.SettingError` (nothing changed) when a
        value has the wrong type or a name is unknown."""
        candidate = dict(self.settings)
        notices = []
        for name, value in patch.items():
            usable, notice = table.coerce(name, value)
            candidate[name] = usable
            if notice:
                notices.append(notice)
        notices.extend(table.fix_combinations(candidate, changed=patch.keys()))
        source, data_notices = self._source_for(candidate, patch)
        notices.extend(data_notices)
        # The names asked for first, then those that followed them (a loss that follows the classes).
        changed = sorted(
            (name for name in candidate if candidate[name] != self.settings[name]), key=lambda name: name not in patch
        )
        effect = table.effect_of(name for name in changed if name not in source.ignores)
        old = self.settings
        self.settings = candidate
        self.source = source
        if any(name in STOP_SETTINGS for name in changed):
            self.watch.armed = True  # a new condition may fire again
            self.stopped = None
        if changed:
            self.settings_version += 1
        if effect is Effect.REGENERATE:
            if "seed" in changed and candidate["seed"] is not None:
                self._seed_data(candidate["seed"])
            else:
                self.settings["seed"] = old["seed"]
                self._regenerate_data(new_thumbnails=old["problem"] != candidate["problem"])
            self._build_network()
            return Change(effect, changed, notices)
        if "data" in changed:
            # Other points under the same seed: the split a fresh session with this link would make.
            self._seed_data(self.settings["seed"])
            if effect is not Effect.REBUILD:
                self.trainer.set_data(*self._features())
        if effect is Effect.REBUILD:
            self._build_network()
        elif effect.rank >= Effect.LIVE.rank and self._config() != self.trainer.config:
            # (A change of speed is live too, but nothing for the trainer.)
            self.trainer.configure(self._config())
            self.divergence = None
        return Change(effect, changed, notices)

    def hide_inputs(self, names: frozenset[str]) -> bool:
        """Make `names` the hidden features; a change rebuilds the network (a
        hidden feature is not an input). Returns whether anything changed."""
        names = frozenset(names)
        if names == self.hidden_inputs:
            return False
        self.hidden_inputs = names
        self._build_network()
        self.settings_version += 1
        return True

    def reset(self) -> None:
        """A new network with fresh weights from the stream (the Reset button)."""
        self._build_network()

    def regenerate(self) -> bool:
        """New seed, new data; the network and the epoch stay (the Regenerate button).
        Stored data has nothing to regenerate: returns False and changes nothing."""
        if self.source.kind == "stored":
            return False
        self._regenerate_data(new_thumbnails=False)
        self.trainer.set_data(*self._features())
        return True

    def step(self, epochs: int = 1, max_examples: int | None = None) -> int:
        """Train up to `epochs` epochs; return how many were completed. Stops
        early when the divergence guard fires (then `divergence` says why), and,
        given `max_examples`, at the first batch boundary after that many
        examples in this call, keeping its place inside the epoch for the next
        call (losses and history move only at epoch ends). Stops also when a
        stop condition holds (then `stopped` says why); a learning-rate
        schedule sets each epoch's rate (engine/schedule.py)."""
        if self.divergence is not None or self.stopped is not None:
            return 0
        rule = StopRule.of(self.settings)
        watching = rule.active and self.watch.armed
        schedule = Schedule.of(self.settings)
        if not watching and schedule.constant:
            self.trainer.set_learning_rate(schedule.rate)  # back from a schedule, if there was one
            result = self.trainer.run(epochs, max_examples)
            self._record(result)
            return len(result.points)
        # A stop condition is watched or the rate changes by epoch: one epoch
        # per kernel call, the rate set before it and the conditions checked after.
        done = examples = 0
        while done < epochs:
            left = None if max_examples is None else max_examples - examples
            if left is not None and left <= 0:
                break
            self.trainer.set_learning_rate(schedule.rate_at(self.trainer.epoch))
            result = self.trainer.run(1, left)
            self._record(result)
            examples += result.examples
            if not result.points:
                break
            done += 1
            if self.divergence is not None:
                break
            if not watching:
                continue
            epoch, _, test_loss = result.points[-1]
            accuracy = self.metrics()["test"]["accuracy"] if rule.needs_accuracy else None
            reason = self.watch.after_epoch(rule, epoch, test_loss, accuracy)
            if reason:
                self.stopped = (epoch, reason)
                break
        return done

    def _record(self, result) -> None:
        self.history.extend(result.points)
        self.epoch = self.trainer.epoch
        self.divergence = result.divergence

    @property
    def examples_per_epoch(self) -> int:
        """Training examples one epoch visits (the training set's size)."""
        return int(self.data.train.shape[0])

    def clear_divergence(self) -> None:
        """Play or step again after the divergence guard or a stop condition
        stopped training; a condition that fired stays quiet until it changes."""
        self.divergence = None
        self.stopped = None

    def edit_weight(self, layer: int, source: int, dest: int, value: float) -> None:
        """Set W[layer] (1-based non-input layer) from node `source` of layer
        `layer - 1` (active inputs only) to node `dest` of `layer`. Raises
        `EditError` (nothing changed) naming what does not exist or is out of range."""
        sizes = self.network.layer_sizes
        self._check_layer(layer)
        if not (0 <= source < sizes[layer - 1] and 0 <= dest < sizes[layer]):
            raise EditError(
                "edit_no_link",
                {
                    "source": source,
                    "from": layer - 1,
                    "dest": dest,
                    "layer": layer,
                    "from_nodes": _nodes(sizes[layer - 1]),
                    "nodes": _nodes(sizes[layer]),
                },
            )
        self.network.weights[layer - 1][source, dest] = _edit_value(value, "weight")

    def edit_bias(self, layer: int, node: int, value: float) -> None:
        """Set the bias of node `node` of `layer` (1-based non-input layer;
        the last is the output node). Raises `EditError` like `edit_weight`."""
        sizes = self.network.layer_sizes
        self._check_layer(layer)
        if not 0 <= node < sizes[layer]:
            raise EditError("edit_no_node", {"layer": layer, "nodes": _nodes(sizes[layer]), "node": node})
        self.network.biases[layer - 1][node] = _edit_value(value, "bias")

    def _check_layer(self, layer: int) -> None:
        last = len(self.network.layer_sizes) - 1
        if not 1 <= layer <= last:
            raise EditError("edit_no_layer", {"layer": layer, "last": last})

    # --- saving and loading -------------------------------------------------

    def to_state(self) -> dict:
        """Everything needed to go on training exactly where this stopped, as
        one versioned JSON value (`engine/session_state.py`, docs/state.md)."""
        from .session_state import session_to_state

        return session_to_state(self)

    @classmethod
    def from_state(cls, state: dict, datasets: data_source.DatasetLookup | None = None) -> Session:
        """The session `to_state` described. Raises `session_state.StateError`
        (in plain words) for a newer format or a damaged value."""
        from .session_state import session_from_state

        return session_from_state(state, datasets=datasets)

    # --- what the page shows ---------------------------------------------

    def losses(self) -> tuple[float, float]:
        return self.trainer.losses()

    @property
    def learning_rate(self) -> float:
        """The rate the next epoch trains with (the schedule's)."""
        return Schedule.of(self.settings).rate_at(self.epoch)

    def predicted_classes(self) -> np.ndarray:
        """(n_test,) int: the class the network gives each test point (classification)."""
        return self.task.class_of_prediction(self.trainer.outputs()[1])

    def metrics(self) -> dict:
        """The task's numbers on the current weights: {"train": ..., "test": ...},
        each `Task.metrics` of that set (accuracy and confusion matrix, or R² and RMSE).
        The predictions are those of the loss pass (`Trainer.outputs`), not a new one."""
        outputs_train, outputs_test = self.trainer.outputs()
        task = self.task
        return {
            "train": task.metrics(outputs_train, self.data.train[:, 2]),
            "test": task.metrics(outputs_test, self.data.test[:, 2]),
        }

    def gradient_norms(self) -> list[float]:
        """Per weight layer (input→first hidden … last hidden→output) the norm
        of the mean gradient of the last update (zeros before the first)."""
        return self.trainer.gradient_norms.tolist()

    def delta_norms(self) -> list[float]:
        """Per non-input layer, the norm of its nodes' mean δ in the last update."""
        return self.trainer.delta_norms.tolist()

    def trace(self, index: int):
        """Training point `index` through forward and backward at the current
        weights (`training.Trace`: z, a, δ per layer and each weight's gradient).
        Raises `EditError` when there is no such training point."""
        count = len(self.data.train)
        if not (isinstance(index, int) and 0 <= index < count):
            raise EditError("trace_no_point", {"index": index, "last": count - 1})
        features, targets = self._features()[:2]
        return self.trainer.trace(features[index], targets[index])

    def take_trace_step(self, index: int):
        """Apply exactly the update that training point `index` alone asks for
        (batch size 1), as the original's update does it: each bias b − η·δ,
        each live weight w − η·g, then the regularization step (an L1 step
        that crosses zero kills the link). Returns the trace it applied."""
        trace = self.trace(index)
        rate = float(self.settings["learningRate"])
        penalty = rate * float(self.settings["regularizationRate"])
        kind = self.settings["regularization"]
        network = self.network
        for l, dead in enumerate(network.dead_links()):
            network.biases[l][...] = network.biases[l] - rate * trace.bias_gradients[l] / 1.0
            weights = network.weights[l]
            old = weights.copy()
            stepped = old - (rate / 1.0) * trace.weight_gradients[l]
            slope = np.sign(old) if kind == "L1" else (old if kind == "L2" else np.zeros_like(old))
            regularized = stepped - penalty * slope
            crossed = (stepped * regularized < 0.0) if kind == "L1" else np.zeros_like(dead)
            weights[...] = np.where(dead, old, np.where(crossed, 0.0, regularized))
            dead |= crossed  # a view into the network's dead links
        return trace

    def picture(self) -> GridPicture:
        """The grids of the current network (one vectorised pass)."""
        return GridPicture.of(self.network, self.active)

    # --- the data source (generated or stored) -----------------------------

    def _source_for(self, candidate: dict, patch: dict):
        """The data source after `patch` (the current one when nothing about it
        changed), adjusting `candidate` in place; and notices. Choosing a
        generated data set or a problem without naming `data` leaves the stored
        data set."""
        if "data" not in patch and candidate.get("data") and {"dataset", "regDataset", "problem"} & patch.keys():
            candidate["data"] = None
        if candidate.get("data") == self.settings.get("data"):
            return self.source, []
        return data_source.choose(candidate, self.datasets)


def _dropout_seed(seed: str) -> int:
    """Dropout masks come from the kernel's own generator so that the
    original's stream is untouched; its state starts from the seed, so a run
    is reproducible (and the state is a single integer to save and resume)."""
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8", "surrogatepass")).digest()[:8], "little")


def _nodes(count: int) -> Message:
    """Which nodes a layer has, as a message ("nodes 0–3")."""
    return (
        Message("nodes_none")
        if count == 0
        else (Message("nodes_one") if count == 1 else Message("nodes_range", {"last": count - 1}))
    )


def _edit_value(value: float, what: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and abs(value) <= MAX_EDIT_VALUE):
        raise EditError(f"edit_{what}_value", {"value": f"{value:g}", "max": MAX_EDIT_VALUE})
    return value
