"""Training: epochs of mini-batches exactly as the original runs them.

One epoch (spec §4.2, §10.3–10.5) visits the training examples in stored
order and applies an update after every `batch_size` of them. Between updates
the weights are fixed, so each batch is one vectorised forward and backward
pass whose gradient is the sum over the batch, in data order. The gradient
accumulators are not cleared at the end of an epoch: the n mod B leftover
examples are computed at the end of the epoch (at the weights of that time)
and join the next epoch's first update, which then averages over
leftover + B examples. With B > n no update ever happens (and nothing is
computed for the leftovers: they could never be applied).

Update, per parameter, with g the batch's mean gradient, η the learning rate,
λ the regularization rate and R' the regularizer's derivative:
- bias: b ← b - step (biases are never regularized);
- weight, unless dead: r = R'(w_old), w₁ = w_old - step, w₂ = w₁ - η·λ·r;
  with L1, when w₁·w₂ < 0 the weight is set to 0 and the link is dead from
  then on (never trained again, still used forward); otherwise w = w₂.
The step is the optimizer's (`optimizers.py`); plain SGD's is η·g.

After every epoch the train and test losses (mean per-example error, no
regularization term) come from one forward pass over both sets, summed in
data order like the original.

The divergence guard: when an epoch leaves a non-finite loss or weight, the
parameters, dead links, pending gradients and optimizer state from before
that epoch are put back and `run` stops with a `Divergence` saying why.

Live changes (`configure`) keep the weights. A new optimizer starts from
fresh state. When regularization stops being L1 the dead links come back to
life: they were only frozen because of L1, and leaving them frozen would
show dead links under a setting that cannot kill any. `configure` also
accepts a new batch size (batches are re-sliced and the pending gradient
joins the next update), although the session rebuilds on a batch-size change,
as the original does.

Performance: every batch runs as a prebuilt list of NumPy calls on
preallocated buffers (see `network.py`), rebuilt only when the data or the
configuration change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from .losses import make_head
from .messages import Message
from .activations import ZERO
from .network import Network, Workspace, backward_calls, forward_calls, inputs_by_row
from .optimizers import OPTIMIZERS, Optimizer


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


@dataclass(frozen=True)
class Divergence:
    """Training stopped at `epoch`, the last epoch kept (what the page's counter
    shows); the epoch after it went wrong and was undone."""

    epoch: int
    reason: Message  # why, as a message (engine/messages.py)


@dataclass
class RunResult:
    """`points`: (epoch, train_loss, test_loss) after each completed epoch."""

    points: list[tuple[int, float, float]] = field(default_factory=list)
    divergence: Divergence | None = None


class Trainer:
    """Trains `network` on F_train (n, k), y_train (n,); measures on F_test, y_test."""

    def __init__(self, network: Network, features_train: np.ndarray, targets_train: np.ndarray,
                 features_test: np.ndarray, targets_test: np.ndarray, config: TrainingConfig,
                 dropout_rng: np.random.Generator | None = None):
        self.network = network
        self.config = config
        self.dropout_rng = dropout_rng if dropout_rng is not None else np.random.default_rng(0)
        self.epoch = 0
        size = network.num_params
        self._grad = np.zeros(size)  # the current batch's Σ gradient
        self._pending = np.zeros(size)  # Σ gradient of examples not yet applied
        self._pending_count = 0
        self._step = np.zeros(size)
        self._reg_derivative = np.zeros(size)
        self._reg_scale = np.zeros(size)  # η·λ at weights, 0 at biases
        self._before_reg = np.zeros(size)  # w₁ (L1 only)
        self._crossed = np.zeros(size, bool)
        self.optimizer: Optimizer = OPTIMIZERS[config.optimizer](size, network.is_bias)
        self._snapshot: list[tuple[np.ndarray, np.ndarray]] = []
        self._losses = (math.nan, math.nan)
        self._loss_params = np.full(size, np.nan)
        self._apply_head(config)
        self._install_data(features_train, targets_train, features_test, targets_test)

    # --- public ----------------------------------------------------------------

    def run(self, epochs: int) -> RunResult:
        """Train up to `epochs` epochs; stop early (weights restored) if one diverges."""
        result = RunResult()
        with np.errstate(all="ignore"):
            for _ in range(int(epochs)):
                self._save_snapshot()
                self._train_epoch()
                train, test = self._evaluate()
                weights_ok = math.isfinite(float(self.network.params.sum()))
                if not (weights_ok and math.isfinite(train) and math.isfinite(test)):
                    self._restore_snapshot()
                    result.divergence = Divergence(self.epoch, self._divergence_reason(weights_ok))
                    break
                self.epoch += 1
                self._set_losses(train, test)
                result.points.append((self.epoch, train, test))
        return result

    def losses(self) -> tuple[float, float]:
        """(train, test) loss of the current weights (recomputed if they were edited)."""
        if not np.array_equal(self._loss_params, self.network.params):
            with np.errstate(all="ignore"):
                self._set_losses(*self._evaluate())
        return self._losses

    def configure(self, config: TrainingConfig) -> None:
        """Apply a live settings change; weights and epoch are kept."""
        old = self.config
        self.config = config
        if old.regularization == "L1" and config.regularization != "L1":
            self.network.dead[:] = False
        if config.optimizer != old.optimizer:
            self.optimizer = OPTIMIZERS[config.optimizer](self.network.num_params, self.network.is_bias)
        if (config.loss, config.problem) != (old.loss, old.problem):
            self._apply_head(config)
            self._loss_params.fill(np.nan)
        self._build_plans()

    def set_data(self, features_train, targets_train, features_test, targets_test) -> None:
        """New data for the same network (the Regenerate button). Gradients
        pending from the old data stay and join the next update."""
        self._install_data(features_train, targets_train, features_test, targets_test)

    # --- set-up ------------------------------------------------------------------

    def _apply_head(self, config: TrainingConfig) -> None:
        head = self.network.head
        if (head.name, head.problem) != (config.loss, config.problem):
            self.network.head = make_head(config.loss, config.problem)

    def _install_data(self, features_train, targets_train, features_test, targets_test) -> None:
        train = inputs_by_row(features_train)
        test = inputs_by_row(features_test)
        self._n_train, self._n_test = train.shape[1], test.shape[1]
        self._train_inputs = train
        self._train_targets = np.asarray(targets_train, dtype=np.float64).reshape(1, -1)
        # Both sets side by side: the two losses cost one forward pass.
        self._all_inputs = np.concatenate([train, test], axis=1)
        self._all_targets = np.concatenate(
            [self._train_targets, np.asarray(targets_test, dtype=np.float64).reshape(1, -1)], axis=1)
        self._errors = np.zeros((1, self._all_inputs.shape[1]))
        self._error_sums = np.zeros(self._all_inputs.shape[1])
        n = self._n_train
        self._loss_views = (self._errors[0, :n], self._errors[0, n:], self._error_sums[:n], self._error_sums[n:])
        self._build_plans()
        with np.errstate(all="ignore"):
            self._set_losses(*self._evaluate())

    def _build_plans(self) -> None:
        """Prebuild the NumPy calls of every batch, the leftover pass, the
        updates and the loss pass for the current data and configuration."""
        network, config = self.network, self.config
        batch, n = max(int(config.batch_size), 1), self._n_train
        dropout_on = config.dropout > 0.0
        dropout = (float(config.dropout), self.dropout_rng) if dropout_on else None
        workspaces: dict[int, Workspace] = {}

        def pass_calls(start: int, stop: int, grad: np.ndarray) -> list:
            rows = stop - start
            if rows not in workspaces:
                workspaces[rows] = Workspace(network, rows, dropout=dropout_on)
            ws = workspaces[rows]
            # Each batch gets its own contiguous copy, sliced once here.
            inputs = np.ascontiguousarray(self._train_inputs[:, start:stop])
            targets = np.ascontiguousarray(self._train_targets[:, start:stop])
            return (forward_calls(network, ws, inputs, dropout)
                    + backward_calls(network, ws, inputs, targets, grad, dropout=dropout_on))

        self._set_reg_scale()
        self._snapshot = []
        num_batches = n // batch if batch <= n else 0
        self._batch = batch
        self._update_cache: dict[int, list] = {}
        self._first_batch = pass_calls(0, batch, self._grad) if num_batches else []
        rest = []
        for i in range(1, num_batches):
            rest += pass_calls(i * batch, (i + 1) * batch, self._grad)
            rest += self._update_calls(batch)
        self._other_batches = rest
        leftover = n - num_batches * batch if num_batches else 0
        self._leftover_count = leftover
        self._leftover = pass_calls(n - leftover, n, self._pending) if leftover else []

        evaluation = Workspace(network, self._all_inputs.shape[1])
        self._evaluation_ws = evaluation
        self._evaluation = forward_calls(network, evaluation, self._all_inputs)

    def _set_reg_scale(self) -> None:
        config = self.config
        scale = config.learning_rate * config.regularization_rate
        if config.regularization == "none":
            scale = 0.0
        np.copyto(self._reg_scale, np.where(self.network.weight_mask, scale, 0.0))

    def _update_calls(self, count: int) -> list:
        """The calls of one update from Σ gradient `self._grad` over `count` examples."""
        cached = self._update_cache.get(count)
        if cached is not None:
            return cached
        config, network = self.config, self.network
        params, step, grad = network.params, self._step, self._grad
        r, scale = self._reg_derivative, self._reg_scale
        l1 = config.regularization == "L1"
        calls = []
        if l1:
            # Dead links take no part: no gradient into the optimizer, no step.
            calls.append(partial(np.copyto, grad, 0.0, where=network.dead))
        calls += self.optimizer.step_calls(grad, count, config.learning_rate, step)
        if l1:
            w1, crossed, dead = self._before_reg, self._crossed, network.dead
            calls += [partial(np.copyto, step, 0.0, where=dead),
                      partial(np.sign, params, r),
                      partial(np.multiply, r, scale, r),
                      partial(np.copyto, r, 0.0, where=dead),
                      partial(np.subtract, params, step, w1),
                      partial(np.subtract, w1, r, params),
                      # w₁·w₂ < 0: the penalty pushed the weight across zero.
                      partial(np.multiply, w1, params, r),
                      partial(np.less, r, ZERO, crossed),
                      partial(np.copyto, params, 0.0, where=crossed),
                      partial(np.logical_or, dead, crossed, dead)]
        elif config.regularization == "L2" and config.regularization_rate != 0.0:
            calls += [partial(np.multiply, params, scale, r),
                      partial(np.subtract, params, step, params),
                      partial(np.subtract, params, r, params)]
        else:
            calls.append(partial(np.subtract, params, step, params))
        self._update_cache[count] = calls
        return calls

    # --- epochs --------------------------------------------------------------------

    def _train_epoch(self) -> None:
        if not self._first_batch:
            return
        for call in self._first_batch:
            call()
        count = self._batch
        if self._pending_count:
            np.add(self._grad, self._pending, out=self._grad)
            count += self._pending_count
            self._pending_count = 0
        for call in self._update_calls(count):
            call()
        for call in self._other_batches:
            call()
        if self._leftover_count:
            for call in self._leftover:
                call()
            self._pending_count = self._leftover_count

    def _evaluate(self) -> tuple[float, float]:
        """(train, test): mean per-example error, each summed in data order."""
        for call in self._evaluation:
            call()
        ws = self._evaluation_ws
        self.network.head.error(ws.outputs[-1], self._all_targets, a=ws.prediction, out=self._errors)
        train_errors, test_errors, train_sums, test_sums = self._loss_views
        # cumsum adds strictly left to right, as the original's loop does.
        train = test = 0.0
        if self._n_train:
            train_errors.cumsum(out=train_sums)
            train = float(train_sums[-1]) / self._n_train
        if self._n_test:
            test_errors.cumsum(out=test_sums)
            test = float(test_sums[-1]) / self._n_test
        return train, test

    def _set_losses(self, train: float, test: float) -> None:
        self._losses = (train, test)
        np.copyto(self._loss_params, self.network.params)

    # --- divergence guard ------------------------------------------------------------

    def _state_arrays(self) -> list[np.ndarray]:
        network = self.network
        arrays = [network.params, self._pending, *self.optimizer.state]
        if self.config.regularization == "L1":  # the only way links die
            arrays.append(network.dead)
        return arrays

    def _save_snapshot(self) -> None:
        if not self._snapshot:
            self._snapshot = [(array, array.copy()) for array in self._state_arrays()]
            self._snapshot_pending_count = self._pending_count
            return
        for array, saved in self._snapshot:
            np.copyto(saved, array)
        self._snapshot_pending_count = self._pending_count

    def _restore_snapshot(self) -> None:
        for array, saved in self._snapshot:
            np.copyto(array, saved)
        self._pending_count = self._snapshot_pending_count

    def _divergence_reason(self, weights_ok: bool) -> Message:
        code = "diverged_loss" if weights_ok else "diverged_weights"
        return Message(code, {"rate": f"{self.config.learning_rate:g}", "epoch": self.epoch})
