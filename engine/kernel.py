"""The compiled training kernel: the original's arithmetic, in its order, fast.

Every training and loss pass of the playground runs here, compiled by numba
(`@njit(cache=True, nogil=True)`, no fastmath: every product and sum is
rounded on its own, nothing is fused or reordered), one example at a time,
exactly as the original's `nn.ts` does (spec §10):

- forward: a node's total is its bias, then `+= w·a_source` for each incoming
  link in creation order (sources top to bottom); a = act(total);
- backward, per example: δ = dE/da·act'(total) for every node of a layer
  (added to its bias accumulator), then δ·a_source into each live incoming
  link's accumulator, then dE/da of the layer below = Σ w·δ_dest in
  destination order with the weights not yet updated;
- an update after example i of an epoch iff (i + 1) % B == 0; accumulators
  carry over epoch ends (the n mod B leftovers join the next first update);
- SGD update: b ← b - (η·Σδ)/count; w₁ = w - (η/count)·Σg;
  w₂ = w₁ - (η·λ)·R'(w); with L1 a sign change kills the link (w = 0, dead);
- after each epoch: loss = (Σ in stored order of the head's error) / n.

Layout (all flat, float64 unless said):
- `sizes` int64 (L + 1,): units per layer, inputs first, K outputs last.
- `params` (P,): per non-input layer l (1..L) a block at `poff[l - 1]`,
  one row per destination node: [bias, w from source 0, 1, ...], so the
  inner loop over a node's incoming links is contiguous.
- `acc` (P,): the gradient accumulators, laid out like `params`.
- `dead` bool (P,): links killed by L1 (never a bias).
- `opt` (2, P): optimizer state (momentum's velocity; squares; Adam's m, v).
- `ints` int64 (4,): [position in the epoch, examples accumulated since the
  last update, Adam's step count, spare]; `rng` uint64 (1,): the dropout
  generator's state (splitmix64). These and the arrays above are the whole
  training state; `snap_*` hold a copy taken at each epoch start for the
  divergence guard.
- `work` (WORK_ROWS, N, CHUNK), N = Σ sizes: per node and example of a
  chunk, the rows Z (total), A (output), RAW (output before dropout), KEEP
  (dropout scale), DELTA (δ = dE/dz), OUTDER (dE/da); node `noff[l]` is the
  first of layer l. `errs` (CHUNK,) per-example errors.
- `cfg_i` int64: [activation, head, regularization, optimizer, batch size,
  dropout on]; `cfg_f` float64: [learning rate, regularization rate,
  dropout rate].

Codes are the positions in `ACTIVATIONS`, `HEADS`, `REGULARIZATIONS`,
`OPTIMIZERS` below. Heads: `tanh` (tanh output, ½ squared error: the
original's classification), `linear` (identity, ½ squared error: its
regression), `crossEntropy` (σ output, labels ±1, shown as tanh(z/2)),
`absolute`, `huber` (identity output), `softmax` (K outputs, labels are class
indices 0..K-1, categorical cross-entropy, δ = p - onehot).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# The elementary functions give the same bits as the original's JavaScript
# engine (V8's fdlibm-derived Math.tanh, Math.exp, ...); tanh in its
# branch-free form, so that loops of it run in SIMD lanes. numba's cache
# checks only this file's timestamp, not those of the functions it calls: a
# change to v8math.py or v8lanes.py must come with a change here, or a
# cleared cache.
from .v8lanes import tanh_lanes as tanh
from .v8math import cos, exp, expm1, log, log1p, sin

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "leakyRelu", "elu", "softplus", "swish", "gelu", "sine")
HEADS = ("tanh", "linear", "crossEntropy", "absolute", "huber", "softmax")
REGULARIZATIONS = ("none", "L1", "L2")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")

RELU, TANH, SIGMOID, LINEAR, LEAKY_RELU, ELU, SOFTPLUS, SWISH, GELU, SINE = range(10)
HEAD_TANH, HEAD_LINEAR, HEAD_CROSS_ENTROPY, HEAD_ABSOLUTE, HEAD_HUBER, HEAD_SOFTMAX = range(6)
REG_NONE, REG_L1, REG_L2 = range(3)
SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM = range(7)
# ints[] slots
POSITION, COUNT, ADAM_STEPS = 0, 1, 2
# statuses returned by `train`
RUNNING, DIVERGED_LOSS, DIVERGED_WEIGHTS = 0, 1, 2

LEAKY_SLOPE = 0.01
GELU_SCALE = 0.7978845608028654  # √(2/π)
GELU_CUBIC = 0.044715
EPSILON = 1e-8
MOMENTUM_DECAY = 0.9
RMSPROP_DECAY = 0.9
ADADELTA_DECAY = 0.95
ADADELTA_EPSILON = 1e-6
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
HUBER_DELTA = 1.0

# error_model="numpy": a division is IEEE division, as in JavaScript (x/0 is
# ±inf or NaN), not Python's, which raises and puts a zero test (a branch
# that stops SIMD) before every division.
_JIT = dict(cache=True, nogil=True, error_model="numpy")
# The per-example pieces are inlined into the loops that call them: a call
# between compiled functions costs a reference count per array argument,
# which at these sizes is more than the arithmetic.
_INLINE = dict(cache=True, nogil=True, inline="always", error_model="numpy")


# --- activations ----------------------------------------------------------------


@njit(**_INLINE)
def _smooth_sigmoid(z):
    """σ(z) = (1 + tanh(z/2)) / 2, which never overflows."""
    return 0.5 * (1.0 + tanh(0.5 * z))


@njit(**_INLINE)
def activation(code, z):
    """act(z) for activation `code`."""
    if code == TANH:
        return tanh(z)
    if code == RELU:
        # Math.max(0, z): +0 for ±0, NaN stays NaN.
        if z > 0.0 or z != z:
            return z
        return 0.0
    if code == SIGMOID:
        return 1.0 / (1.0 + exp(-z))
    if code == LINEAR:
        return z
    if code == LEAKY_RELU:
        return z if z > 0.0 else LEAKY_SLOPE * z
    if code == ELU:
        return z if z > 0.0 else expm1(z)
    if code == SOFTPLUS:
        return max(z, 0.0) + log1p(exp(-abs(z)))
    if code == SWISH:
        return z * _smooth_sigmoid(z)
    if code == GELU:
        return 0.5 * z * (1.0 + tanh(GELU_SCALE * (z + GELU_CUBIC * z * z * z)))
    return sin(z)


@njit(**_INLINE)
def activation_slope(code, z, a):
    """act'(z), given a = act(z) (the original recomputes act(z) for tanh and
    sigmoid; the same function of the same z gives the same bits)."""
    if code == TANH:
        return 1.0 - a * a
    if code == RELU:
        return 0.0 if z <= 0.0 else 1.0
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == LINEAR:
        return 1.0
    if code == LEAKY_RELU:
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    if code == ELU:
        return 1.0 if z > 0.0 else a + 1.0
    if code == SOFTPLUS:
        return _smooth_sigmoid(z)
    if code == SWISH:
        return a + _smooth_sigmoid(z) * (1.0 - a)
    if code == GELU:
        t = tanh(GELU_SCALE * (z + GELU_CUBIC * z * z * z))
        inner = GELU_SCALE * (1.0 + 3.0 * GELU_CUBIC * z * z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * inner
    return cos(z)


# --- the dropout generator ---------------------------------------------------------


@njit(**_INLINE)
def _uniform(rng):
    """splitmix64: the next uniform in [0, 1) from state rng[0] (advanced)."""
    state = rng[0] + np.uint64(0x9E3779B97F4A7C15)
    rng[0] = state
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


# --- passes -------------------------------------------------------------------------
#
# A pass works on a chunk of up to CHUNK consecutive examples at once, layer by
# layer, with one column per example in `work` (WORK_ROWS, N, CHUNK). Every
# example's arithmetic is exactly the per-example loop's (a node's total: the
# bias, then + w·a in link order; δ and dE/da likewise), and every accumulator
# receives its terms in example order, because a chunk never crosses an update
# (the weights are fixed inside it). Looping over the examples innermost keeps
# the loops contiguous and the call overhead per chunk, not per example.

CHUNK = 32
WORK_ROWS = 6
Z, A, RAW, KEEP, DELTA, OUTDER = range(WORK_ROWS)  # rows of `work`


@njit(**_JIT)
def forward(x, start, count, params, sizes, poff, noff, act, head, work, dropout, rate, rng):
    """Rows start .. start+count of x (n, k) through the network into `work`
    (Z: totals, A: outputs, RAW: outputs before dropout, KEEP: dropout
    scales). With `dropout`, each hidden node of each example is kept with
    probability 1 - rate and scaled by 1 / (1 - rate) (inverted dropout)."""
    layers = sizes.shape[0] - 1
    for i in range(sizes[0]):
        for e in range(count):
            work[A, i, e] = x[start + e, i]
    for l in range(1, layers + 1):
        fan = sizes[l - 1]
        units = sizes[l]
        src = noff[l - 1]
        dst = noff[l]
        base = poff[l - 1]
        last = l == layers
        for j in range(units):
            p = base + j * (fan + 1)
            node = dst + j
            bias = params[p]
            for e in range(count):
                work[Z, node, e] = bias
            for i in range(fan):
                w = params[p + 1 + i]
                for e in range(count):
                    work[Z, node, e] = work[Z, node, e] + w * work[A, src + i, e]
            if last:
                continue
            if act == TANH and not dropout:
                # the common case as a loop of nothing but tanh: it compiles to SIMD lanes
                for e in range(count):
                    a = tanh(work[Z, node, e])
                    work[RAW, node, e] = a
                    work[A, node, e] = a
                continue
            for e in range(count):
                a = activation(act, work[Z, node, e])
                work[RAW, node, e] = a
                if dropout:
                    scale = 0.0 if _uniform(rng) < rate else 1.0 / (1.0 - rate)
                    work[KEEP, node, e] = scale
                    a = a * scale
                work[A, node, e] = a
    # the head's output
    dst = noff[layers]
    units = sizes[layers]
    if head == HEAD_SOFTMAX:
        for e in range(count):
            top = work[Z, dst, e]
            for j in range(1, units):
                top = max(top, work[Z, dst + j, e])
            total = 0.0
            for j in range(units):
                v = exp(work[Z, dst + j, e] - top)
                work[A, dst + j, e] = v
                total += v
            for j in range(units):
                work[A, dst + j, e] = work[A, dst + j, e] / total
        return
    # one loop per head, each free of branches (SIMD lanes)
    if head == HEAD_TANH:
        for e in range(count):
            work[A, dst, e] = tanh(work[Z, dst, e])
    elif head == HEAD_CROSS_ENTROPY:
        for e in range(count):
            work[A, dst, e] = tanh(0.5 * work[Z, dst, e])
    else:
        for e in range(count):
            work[A, dst, e] = work[Z, dst, e]


@njit(**_JIT)
def errors_into(y, start, count, sizes, noff, head, work, out):
    """The head's error of each example of the chunk just passed forward
    (targets y[start + e]) into out[e]."""
    layers = sizes.shape[0] - 1
    dst = noff[layers]
    units = sizes[layers]
    for e in range(count):
        target = y[start + e]
        if head == HEAD_SOFTMAX:
            # -log p_y from the totals, without underflow: logsumexp(z) - z_y
            top = work[Z, dst, e]
            for j in range(1, units):
                top = max(top, work[Z, dst + j, e])
            total = 0.0
            for j in range(units):
                total += exp(work[Z, dst + j, e] - top)
            out[e] = (top + log(total)) - work[Z, dst + int(target), e]
            continue
        z = work[Z, dst, e]
        if head == HEAD_TANH or head == HEAD_LINEAR:
            d = work[A, dst, e] - target
            out[e] = 0.5 * (d * d)
        elif head == HEAD_CROSS_ENTROPY:
            t = (target + 1.0) * 0.5
            out[e] = max(z, 0.0) - t * z + log1p(exp(-abs(z)))
        elif head == HEAD_ABSOLUTE:
            out[e] = abs(z - target)
        else:
            d = abs(z - target)
            out[e] = 0.5 * d * d if d <= HUBER_DELTA else HUBER_DELTA * (d - 0.5 * HUBER_DELTA)


@njit(**_JIT)
def backward(y, start, count, params, acc, dead, sizes, poff, noff, act, head, work, dropout):
    """The original's backProp for each example of the chunk just passed
    forward (targets y[start + e]): adds its δ into the bias accumulators and
    δ·a_source into each live link's, in example order."""
    layers = sizes.shape[0] - 1
    dst = noff[layers]
    units = sizes[layers]
    # δ of the output nodes
    for e in range(count):
        target = y[start + e]
        if head == HEAD_SOFTMAX:
            label = int(target)
            for j in range(units):
                work[DELTA, dst + j, e] = work[A, dst + j, e] - (1.0 if j == label else 0.0)
            continue
        a = work[A, dst, e]
        if head == HEAD_TANH:
            # the original: outputDer = a - y, times tanh'(z) = 1 - tanh(z)²
            work[DELTA, dst, e] = (a - target) * (1.0 - a * a)
        elif head == HEAD_LINEAR:
            work[DELTA, dst, e] = (a - target) * 1.0
        elif head == HEAD_CROSS_ENTROPY:
            work[DELTA, dst, e] = (a - target) * 0.5
        elif head == HEAD_ABSOLUTE:
            d = work[Z, dst, e] - target
            work[DELTA, dst, e] = 1.0 if d > 0.0 else (-1.0 if d < 0.0 else (0.0 if d == 0.0 else d))
        else:
            d = work[Z, dst, e] - target
            work[DELTA, dst, e] = min(max(d, -HUBER_DELTA), HUBER_DELTA)
    for l in range(layers, 0, -1):
        fan = sizes[l - 1]
        units = sizes[l]
        src = noff[l - 1]
        dst = noff[l]
        base = poff[l - 1]
        if l < layers:
            for j in range(units):
                node = dst + j
                for e in range(count):
                    delta = work[OUTDER, node, e] * activation_slope(act, work[Z, node, e], work[RAW, node, e])
                    if dropout:
                        delta = delta * work[KEEP, node, e]
                    work[DELTA, node, e] = delta
        for j in range(units):
            p = base + j * (fan + 1)
            node = dst + j
            total = acc[p]
            for e in range(count):
                total += work[DELTA, node, e]
            acc[p] = total
            for i in range(fan):
                q = p + 1 + i
                if dead[q]:
                    continue
                total = acc[q]
                for e in range(count):
                    total += work[DELTA, node, e] * work[A, src + i, e]
                acc[q] = total
        if l == 1:
            continue
        for i in range(fan):
            for e in range(count):
                work[OUTDER, src + i, e] = 0.0
            for j in range(units):
                w = params[base + j * (fan + 1) + 1 + i]
                for e in range(count):
                    work[OUTDER, src + i, e] = work[OUTDER, src + i, e] + w * work[DELTA, dst + j, e]


@njit(**_JIT)
def update(params, acc, dead, opt, ints, grad_norms, sizes, poff, cfg_i, cfg_f):
    """Apply the accumulated gradients of `ints[COUNT]` examples, clear them,
    and record each weight layer's mean-gradient norm in `grad_norms[l - 1]` and
    the norm of its nodes' mean δ (their bias gradients) in `grad_norms[L + l - 1]`
    (`grad_norms` has 2·L entries for L weight layers)."""
    count = float(ints[COUNT])
    ints[COUNT] = 0
    rate = cfg_f[0]
    penalty = cfg_f[0] * cfg_f[1]  # η·λ, as the original computes it
    regularization = cfg_i[2]
    optimizer = cfg_i[3]
    first_scale = 0.0
    second_scale = 0.0
    if optimizer == ADAM:
        ints[ADAM_STEPS] += 1
        t = float(ints[ADAM_STEPS])
        first_scale = rate / (1.0 - ADAM_BETA1**t)
        second_scale = 1.0 / (1.0 - ADAM_BETA2**t)
    layers = sizes.shape[0] - 1
    for l in range(1, layers + 1):
        fan = sizes[l - 1]
        units = sizes[l]
        base = poff[l - 1]
        norm = 0.0
        delta_norm = 0.0
        for j in range(units):
            p = base + j * (fan + 1)
            mean_delta = acc[p] / count
            delta_norm += mean_delta * mean_delta
            if optimizer == SGD:
                params[p] = params[p] - rate * acc[p] / count
            else:
                params[p] = params[p] - _step(optimizer, opt, p, acc[p] / count, rate, first_scale, second_scale)
            acc[p] = 0.0
            for i in range(fan):
                q = p + 1 + i
                if dead[q]:
                    continue
                w = params[q]
                if regularization == REG_L1:
                    # the original's sign: w < 0 ? -1 : (w > 0 ? 1 : 0)
                    r = -1.0 if w < 0.0 else (1.0 if w > 0.0 else 0.0)
                elif regularization == REG_L2:
                    r = w
                else:
                    r = 0.0
                g = acc[q] / count
                norm += g * g
                if optimizer == SGD:
                    w = w - (rate / count) * acc[q]
                else:
                    w = w - _step(optimizer, opt, q, g, rate, first_scale, second_scale)
                new_w = w - penalty * r
                if regularization == REG_L1 and w * new_w < 0.0:
                    params[q] = 0.0
                    dead[q] = True
                else:
                    params[q] = new_w
                acc[q] = 0.0
        grad_norms[l - 1] = np.sqrt(norm)
        grad_norms[layers + l - 1] = np.sqrt(delta_norm)


@njit(**_INLINE)
def _step(optimizer, opt, p, g, rate, first_scale, second_scale):
    """The step of one parameter for mean gradient g (the maths of tests/engine/reference_optimizers.py)."""
    if optimizer == MOMENTUM or optimizer == NESTEROV:
        v = opt[0, p] * MOMENTUM_DECAY + g
        opt[0, p] = v
        if optimizer == MOMENTUM:
            return v * rate
        return (v * MOMENTUM_DECAY + g) * rate
    if optimizer == ADAGRAD:
        s = opt[0, p] + g * g
        opt[0, p] = s
        return (g / (np.sqrt(s) + EPSILON)) * rate
    if optimizer == RMSPROP:
        s = opt[0, p] * RMSPROP_DECAY + (g * g) * (1.0 - RMSPROP_DECAY)
        opt[0, p] = s
        return (g / (np.sqrt(s) + EPSILON)) * rate
    if optimizer == ADADELTA:
        s = opt[0, p] * ADADELTA_DECAY + (g * g) * (1.0 - ADADELTA_DECAY)
        opt[0, p] = s
        delta = np.sqrt((opt[1, p] + ADADELTA_EPSILON) / (s + ADADELTA_EPSILON)) * g
        opt[1, p] = opt[1, p] * ADADELTA_DECAY + (delta * delta) * (1.0 - ADADELTA_DECAY)
        return delta * rate
    if optimizer == ADAM:
        m = opt[0, p] * ADAM_BETA1 + g * (1.0 - ADAM_BETA1)
        v = opt[1, p] * ADAM_BETA2 + (g * g) * (1.0 - ADAM_BETA2)
        opt[0, p] = m
        opt[1, p] = v
        return (m / (np.sqrt(v * second_scale) + EPSILON)) * first_scale
    return g * rate


@njit(**_JIT)
def mean_error(x, y, params, sizes, poff, noff, act, head, work, rng, errs, outputs):
    """(Σ over the rows of x (n, k) in stored order of the head's error) / n
    (0 for no rows), each with a forward pass at the current weights. Each
    row's displayed output goes into outputs (n, K) on the way: the page's
    accuracy and confusion are read from there, not from another pass."""
    n = x.shape[0]
    if n == 0:
        return 0.0
    layers = sizes.shape[0] - 1
    dst = noff[layers]
    units = sizes[layers]
    total = 0.0
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        forward(x, start, count, params, sizes, poff, noff, act, head, work, False, 0.0, rng)
        errors_into(y, start, count, sizes, noff, head, work, errs)
        for e in range(count):
            total += errs[e]
        for j in range(units):
            for e in range(count):
                outputs[start + e, j] = work[A, dst + j, e]
    return total / n


@njit(**_INLINE)
def _all_finite(values):
    for v in values:
        if not np.isfinite(v):
            return False
    return True


@njit(**_JIT)
def train(
    x_train,
    y_train,
    x_test,
    y_test,
    params,
    acc,
    dead,
    opt,
    ints,
    rng,
    grad_norms,
    snap_params,
    snap_acc,
    snap_dead,
    snap_opt,
    snap_ints,
    snap_rng,
    sizes,
    poff,
    noff,
    work,
    errs,
    cfg_i,
    cfg_f,
    max_epochs,
    max_examples,
    losses_out,
    out_train,
    out_test,
):
    """Train up to `max_epochs` whole epochs; once `max_examples` examples
    (if > 0) were processed in this call, stop at the next batch boundary,
    keeping the place inside the epoch in `ints[POSITION]`.

    Writes (train, test) of each completed epoch into `losses_out`
    (max_epochs, 2), and the displayed outputs of the latest loss pass into
    out_train (n_train, K) and out_test (n_test, K). At each epoch start the state is copied into `snap_*`;
    an epoch that leaves a non-finite loss or weight is undone from there.
    Returns (epochs completed, status, examples processed).
    """
    act = cfg_i[0]
    head = cfg_i[1]
    batch = cfg_i[4]
    dropout = cfg_i[5] != 0
    rate = cfg_f[2]
    n = x_train.shape[0]
    epochs = 0
    examples = 0
    while epochs < max_epochs:
        if ints[POSITION] == 0:
            snap_params[:] = params
            snap_acc[:] = acc
            snap_dead[:] = dead
            snap_opt[:, :] = opt
            snap_ints[:] = ints
            snap_rng[:] = rng
        stopped = False
        while ints[POSITION] < n:
            start = ints[POSITION]
            # up to the next update (after example i iff (i + 1) % B == 0), one chunk at most
            end = min((start // batch + 1) * batch, n, start + CHUNK)
            count = end - start
            forward(x_train, start, count, params, sizes, poff, noff, act, head, work, dropout, rate, rng)
            backward(y_train, start, count, params, acc, dead, sizes, poff, noff, act, head, work, dropout)
            ints[COUNT] += count
            ints[POSITION] = end
            examples += count
            if end % batch == 0:
                update(params, acc, dead, opt, ints, grad_norms, sizes, poff, cfg_i, cfg_f)
                if max_examples > 0 and examples >= max_examples and end < n:
                    stopped = True
                    break
        if stopped:
            break
        ints[POSITION] = 0
        train_loss = mean_error(x_train, y_train, params, sizes, poff, noff, act, head, work, rng, errs, out_train)
        test_loss = mean_error(x_test, y_test, params, sizes, poff, noff, act, head, work, rng, errs, out_test)
        weights_ok = _all_finite(params)
        if not (weights_ok and np.isfinite(train_loss) and np.isfinite(test_loss)):
            params[:] = snap_params
            acc[:] = snap_acc
            dead[:] = snap_dead
            opt[:, :] = snap_opt
            ints[:] = snap_ints
            rng[:] = snap_rng
            return epochs, (DIVERGED_LOSS if weights_ok else DIVERGED_WEIGHTS), examples
        losses_out[epochs, 0] = train_loss
        losses_out[epochs, 1] = test_loss
        epochs += 1
        if max_examples > 0 and examples >= max_examples:
            break
    return epochs, RUNNING, examples


@njit(**_JIT)
def predict(x, params, sizes, poff, noff, act, head, work, rng, out):
    """The displayed output of every row of x (n, k) into out (n, K)."""
    layers = sizes.shape[0] - 1
    dst = noff[layers]
    n = x.shape[0]
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        forward(x, start, count, params, sizes, poff, noff, act, head, work, False, 0.0, rng)
        for e in range(count):
            for j in range(sizes[layers]):
                out[start + e, j] = work[A, dst + j, e]


@njit(**_JIT)
def errors(x, y, params, sizes, poff, noff, act, head, work, rng, errs, out):
    """The head's error of every row of x (n, k) against y (n,) into out (n,)."""
    n = x.shape[0]
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        forward(x, start, count, params, sizes, poff, noff, act, head, work, False, 0.0, rng)
        errors_into(y, start, count, sizes, noff, head, work, errs)
        for e in range(count):
            out[start + e] = errs[e]


@njit(**_JIT)
def trace(x, y, params, dead, sizes, poff, noff, act, head, work, rng, grad):
    """The first row of x (1, k) with target y[0] through forward and backward
    at the current weights, no dropout: leaves z, a and δ per node in column
    0 of `work` (rows Z, A, DELTA) and the example's gradient in `grad` (P,)
    (biases: δ; live links: δ·a_source; dead links: 0). Nothing of the
    training state changes."""
    forward(x, 0, 1, params, sizes, poff, noff, act, head, work, False, 0.0, rng)
    grad[:] = 0.0
    backward(y, 0, 1, params, grad, dead, sizes, poff, noff, act, head, work, False)
