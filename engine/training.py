"""Training: epochs exactly as the original runs them, in the compiled kernel.

One epoch (spec §4.2, §10.3–10.5) visits the training examples in stored
order, one forward and backward pass each, and applies an update after
example i iff (i + 1) % B == 0. The accumulators are not cleared at the end
of an epoch: the n mod B leftover examples join the next epoch's first
update, which then averages over leftover + B examples. With B > n no update
ever happens. `engine/kernel.py` does all of it, with the original's
arithmetic in the original's order, so losses and weights are bit for bit
the original's (given the same elementary functions, see the kernel's imports).

Update, per parameter, with η the learning rate, λ the regularization rate,
R' the regularizer's derivative (L1: sign, L2: w, none: 0) and count the
examples accumulated:
- SGD (the original): b ← b - (η·Σδ)/count; w₁ = w - (η/count)·Σg,
  w₂ = w₁ - (η·λ)·R'(w); with L1, when w₁·w₂ < 0 the weight is set to 0 and
  the link is dead from then on (never trained again, still used forward);
  otherwise w = w₂.
- other optimizers: the step for the mean gradient Σ/count replaces the SGD
  term (momentum, nesterov, adagrad, rmsprop, adadelta, adam; their maths in
  the kernel's docstrings), the penalty and L1 death as above.

After every epoch the train and test losses (mean per-example error, no
regularization term) come from a forward pass per point, summed in data order.

The divergence guard: when an epoch leaves a non-finite loss or weight, the
whole training state from before that epoch is put back and `run` stops with
a `Divergence` saying why.

Partial epochs: `run(epochs, max_examples)` stops, once `max_examples`
examples were processed in the call, at the next batch boundary and goes on
from there next time (losses only at epoch ends), so a scheduler can share
the CPU fairly between sessions of very different sizes.

Live changes (`configure`) keep the weights. A new optimizer starts from
fresh state. When regularization stops being L1 the dead links come back to
life: they were only frozen because of L1, and leaving them frozen would
show dead links under a setting that cannot kill any. `configure` also
accepts a new batch size (the pending examples join the next update),
although the session rebuilds on a batch-size change, as the original does.

The kernel releases the GIL, so sessions in different threads train on
different cores at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import kernel, v8math
from .losses import SOFTMAX
from .messages import Message
from .network import Network, NodeScratch
from .task import Task


@dataclass(frozen=True)
class TrainingConfig:
    """The settings training reads (names follow `engine/settings.py`)."""

    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    optimizer: str = "sgd"
    loss: str = "squared"
    problem: str = "classification"
    dropout: float = 0.0
    batch_size: int = 10
    classes: int = 2  # K (engine/task.py); more than 2 means the softmax head


@dataclass(frozen=True)
class Divergence:
    """Training stopped at `epoch`, the last epoch kept (what the page's counter
    shows); the epoch after it went wrong and was undone."""

    epoch: int
    reason: Message  # why, as a message (engine/messages.py)


@dataclass
class RunResult:
    """`points`: (epoch, train_loss, test_loss) after each completed epoch;
    `examples`: training examples processed."""

    points: list[tuple[int, float, float]] = field(default_factory=list)
    divergence: Divergence | None = None
    examples: int = 0


@dataclass
class Trace:
    """One example through the network at the current weights (no dropout).

    Per non-input layer l: `z[l]`, `a[l]`, `delta[l]` (units_l,) — the
    pre-activation, the output and dE/dz; `weight_gradients[l]`
    (units_{l-1}, units_l) and `bias_gradients[l]` (units_l,) — this
    example's dE/dparams (dead links 0). `inputs` (k,) are the input nodes'
    values and `error` the head's error for the example."""

    inputs: np.ndarray
    z: list[np.ndarray]
    a: list[np.ndarray]
    delta: list[np.ndarray]
    weight_gradients: list[np.ndarray]
    bias_gradients: list[np.ndarray]
    error: float


class TrainingState:
    """Everything that evolves while training, besides the network's params
    and dead links: gradient accumulators `acc` (P,), optimizer state `opt`
    (2, P), counters `ints` (4,) (position in the epoch, examples pending,
    Adam's steps), the dropout generator `rng` (1,) uint64 and the last
    update's per-layer gradient norms; plus a copy of all of it (with params
    and dead links) taken at each epoch start, for the divergence guard."""

    def __init__(self, network: Network, dropout_seed: int):
        size = network.num_params
        self.acc = np.zeros(size)
        self.opt = np.zeros((2, size))
        self.ints = np.zeros(4, np.int64)
        self.rng = np.array([dropout_seed % 2**64], dtype=np.uint64)
        self.grad_norms = np.zeros(2 * network.num_layers)  # weight-gradient norms, then δ norms
        self.snap_params = np.zeros(size)
        self.snap_acc = np.zeros(size)
        self.snap_dead = np.zeros(size, bool)
        self.snap_opt = np.zeros((2, size))
        self.snap_ints = np.zeros(4, np.int64)
        self.snap_rng = np.zeros(1, np.uint64)


class Trainer:
    """Trains `network` on F_train (n, k), y_train (n,); measures on F_test, y_test."""

    def __init__(
        self,
        network: Network,
        features_train: np.ndarray,
        targets_train: np.ndarray,
        features_test: np.ndarray,
        targets_test: np.ndarray,
        config: TrainingConfig,
        dropout_seed: int = 0,
    ):
        self.network = network
        self.config = config
        self.epoch = 0
        self.state = TrainingState(network, dropout_seed)
        self.scratch = NodeScratch(network.num_nodes)
        self._cfg_i = np.zeros(6, np.int64)
        self._cfg_f = np.zeros(3)
        self._losses = (math.nan, math.nan)
        self._loss_params = np.full(network.num_params, np.nan)
        self._losses_stale = True  # the head changed: measure again whatever the weights
        self._apply_head(config)
        self._set_config(config)
        self._install_data(features_train, targets_train, features_test, targets_test)

    # --- public ----------------------------------------------------------------

    def run(self, epochs: int, max_examples: int | None = None) -> RunResult:
        """Train up to `epochs` whole epochs; stop early (state restored) if one
        diverges, or at the first batch boundary after `max_examples` examples."""
        epochs = max(int(epochs), 0)
        result = RunResult()
        if epochs == 0:
            return result
        network, state, s = self.network, self.state, self.scratch
        losses = np.empty((epochs, 2))
        done, status, examples = kernel.train(
            self._x_train,
            self._y_train,
            self._x_test,
            self._y_test,
            network.params,
            state.acc,
            network.dead,
            state.opt,
            state.ints,
            state.rng,
            state.grad_norms,
            state.snap_params,
            state.snap_acc,
            state.snap_dead,
            state.snap_opt,
            state.snap_ints,
            state.snap_rng,
            network.sizes,
            network.param_offsets,
            network.node_offsets,
            s.work,
            s.errs,
            self._cfg_i,
            self._cfg_f,
            epochs,
            int(max_examples or 0),
            losses,
            self._out_train,
            self._out_test,
        )
        for i in range(done):
            result.points.append((self.epoch + i + 1, float(losses[i, 0]), float(losses[i, 1])))
        self.epoch += done
        result.examples = int(examples)
        if done:
            self._set_losses(*result.points[-1][1:])
        if status != kernel.RUNNING:
            # The weights are back where the epoch began, but the outputs hold
            # the diverged pass: measure the restored weights again.
            self._set_losses(*self._evaluate())
            result.divergence = Divergence(self.epoch, self._divergence_reason(status == kernel.DIVERGED_LOSS))
        return result

    def losses(self) -> tuple[float, float]:
        """(train, test) loss of the current weights (recomputed if they were edited)."""
        # Compared as bytes (a few times per frame: np.array_equal costs 18 µs
        # for 25 numbers); a weight that changed in any bit counts as edited.
        if self._losses_stale or self._loss_params.tobytes() != self.network.params.tobytes():
            self._set_losses(*self._evaluate())
        return self._losses

    def outputs(self) -> tuple[np.ndarray, np.ndarray]:
        """The displayed output of every training (n_train, K) and test
        (n_test, K) point at the current weights: by-products of the pass that
        gives `losses()` (read-only views, valid until the next call)."""
        self.losses()
        return self._out_train, self._out_test

    @property
    def position(self) -> int:
        """Examples of the current epoch already trained (0 at an epoch boundary)."""
        return int(self.state.ints[kernel.POSITION])

    @property
    def gradient_norms(self) -> np.ndarray:
        """(L,) the norm of each weight layer's mean gradient (live links) in
        the last update, input→first hidden first; zeros before any update."""
        return self.state.grad_norms[: self.network.num_layers].copy()

    @property
    def delta_norms(self) -> np.ndarray:
        """(L,) per non-input layer, the norm of its nodes' mean δ = ∂E/∂z in the
        last update (their bias gradients); zeros before any update."""
        return self.state.grad_norms[self.network.num_layers :].copy()

    @property
    def optimizer_state(self) -> list[np.ndarray]:
        """The optimizer's per-parameter state arrays (P,) (views)."""
        return [self.state.opt[0], self.state.opt[1]]

    def configure(self, config: TrainingConfig) -> None:
        """Apply a live settings change; weights and epoch are kept."""
        old = self.config
        self.config = config
        if old.regularization == "L1" and config.regularization != "L1":
            self.network.dead[:] = False
        if config.optimizer != old.optimizer:
            self.state.opt.fill(0.0)
            self.state.ints[kernel.ADAM_STEPS] = 0
        if (config.loss, config.problem, config.classes) != (old.loss, old.problem, old.classes):
            self._apply_head(config)
            self._losses_stale = True
        self._set_config(config)

    def set_learning_rate(self, rate: float) -> None:
        """The rate the next updates use (a schedule's, per epoch); `configure`
        puts the config's back."""
        self._cfg_f[0] = rate

    def set_data(self, features_train, targets_train, features_test, targets_test) -> None:
        """New data for the same network (the Regenerate button). Gradients
        pending from the old data stay and join the next update; an epoch
        half done starts over on the new data."""
        self.state.ints[kernel.POSITION] = 0
        self._install_data(features_train, targets_train, features_test, targets_test)

    def trace(self, features: np.ndarray, target: float) -> Trace:
        """One example F (k,) with target y through forward and backward."""
        network, s = self.network, self.scratch
        x = np.ascontiguousarray(features, dtype=np.float64).reshape(1, -1)
        grad = np.zeros(network.num_params)
        y = np.array([float(target)])
        error = np.empty(1)
        kernel.errors(x, y, *self._forward_args(), error)
        kernel.trace(
            x,
            y,
            network.params,
            network.dead,
            network.sizes,
            network.param_offsets,
            network.node_offsets,
            network.activation_code,
            network.head_code,
            s.work,
            s.rng,
            grad,
        )
        offsets = network.node_offsets
        layers = range(1, network.num_layers + 1)
        cut = [slice(int(offsets[l]), int(offsets[l]) + network.layer_sizes[l]) for l in layers]
        pairs = network.block_values(grad)
        return Trace(
            inputs=x[0].copy(),
            z=[s.column(kernel.Z, c) for c in cut],
            a=[s.column(kernel.A, c) for c in cut],
            delta=[s.column(kernel.DELTA, c) for c in cut],
            weight_gradients=[w.copy() for w, _ in pairs],
            bias_gradients=[b.copy() for _, b in pairs],
            error=float(error[0]),
        )

    # --- set-up ------------------------------------------------------------------

    def _apply_head(self, config: TrainingConfig) -> None:
        if config.loss == SOFTMAX.name:  # the head named directly, as tests of the kernel do
            wanted = SOFTMAX(config.problem)
        else:
            wanted = Task(config.problem, config.classes if config.problem == "classification" else 0).head(config.loss)
        head = self.network.head
        if (head.name, head.problem) != (wanted.name, wanted.problem):
            self.network.head = wanted

    def _set_config(self, config: TrainingConfig) -> None:
        network = self.network
        dropout = float(config.dropout)
        self._cfg_i[:] = (
            network.activation_code,
            network.head_code,
            kernel.REGULARIZATIONS.index(config.regularization),
            kernel.OPTIMIZERS.index(config.optimizer),
            max(int(config.batch_size), 1),
            1 if dropout > 0.0 and network.num_layers > 1 else 0,
        )
        self._cfg_f[:] = (config.learning_rate, config.regularization_rate, dropout)

    def _install_data(self, features_train, targets_train, features_test, targets_test) -> None:
        self._y_train = np.ascontiguousarray(targets_train, dtype=np.float64).reshape(-1)
        self._y_test = np.ascontiguousarray(targets_test, dtype=np.float64).reshape(-1)
        self._x_train = self._rows(features_train, len(self._y_train))
        self._x_test = self._rows(features_test, len(self._y_test))
        outputs = self.network.layer_sizes[-1]
        self._out_train = np.zeros((len(self._y_train), outputs))
        self._out_test = np.zeros((len(self._y_test), outputs))
        self._set_losses(*self._evaluate())

    def _rows(self, features, n: int) -> np.ndarray:
        """F as a C-contiguous float64 (n, k) array (k may be 0)."""
        return np.ascontiguousarray(features, dtype=np.float64).reshape(n, self.network.layer_sizes[0])

    def _evaluate(self) -> tuple[float, float]:
        """(train, test): mean per-example error, each summed in data order."""
        args = self._forward_args()
        return (
            kernel.mean_error(self._x_train, self._y_train, *args, self._out_train),
            kernel.mean_error(self._x_test, self._y_test, *args, self._out_test),
        )

    def _forward_args(self) -> tuple:
        """What every kernel forward pass reads: the network's parameters and
        layout, then the scratch buffers (work, dropout stream, errors)."""
        s = self.scratch
        return (*self.network.kernel_args(), s.work, s.rng, s.errs)

    def _set_losses(self, train: float, test: float) -> None:
        self._losses = (train, test)
        np.copyto(self._loss_params, self.network.params)
        self._losses_stale = False

    def _divergence_reason(self, weights_ok: bool) -> Message:
        code = "diverged_loss" if weights_ok else "diverged_weights"
        return Message(code, {"rate": f"{self.config.learning_rate:g}", "epoch": self.epoch})


def warm_up() -> None:
    """Load (or, the first time, compile and cache) every kernel entry point,
    so that no user waits for it: a tiny network trains an epoch with
    dropout, is measured, predicts, traces one example and is drawn; and
    V8's sin, cos and log, which the data sets and features call."""
    network = Network([2, 2, 1], "tanh", "squared", "classification")
    network.params[:] = 0.1
    features = np.array([[0.5, -0.5], [-0.25, 0.75]])
    targets = np.array([1.0, -1.0])
    trainer = Trainer(network, features, targets, features, targets, TrainingConfig(dropout=0.5, batch_size=1))
    trainer.run(1, max_examples=1)
    trainer.trace(features[0], targets[0])
    network.predict(features)
    network.errors(features, targets)
    network.node_values(features.T)
    for function in (v8math.sin, v8math.cos, v8math.log):
        function(0.5)
    v8math.sin_array(features[0])
