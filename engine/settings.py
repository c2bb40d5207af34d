"""The table of every setting: the one source of truth.

Each `Setting` names one value a user can set (through the page, a share link or
the command line): its kind, its bounds, its default, its key in the share link
and its `Effect` (what a change of it does to a running session). The engine,
the validation of websocket messages, the page's controls and the share-link
codec all read this table; nothing else lists settings.

The setting's `name` is also its share-link key. The original TensorFlow
Playground's 27 keys come first, in the order the original writes them; ours
follow and are written only when they differ from their default.

Values are held in a plain `dict[str, object]` ("a settings dict"), built by
`defaults()` and checked by `coerce()`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from .messages import Message, MessageError


class Effect(str, Enum):
    """What a change of a setting does to a running session."""

    INERT = "inert"  # kept only so the share link round-trips (the original's unused keys)
    VIEW = "view"  # drawing only: the page owns it, the engine ignores it
    LIVE = "live"  # applied to the running network; weights and epoch kept
    DATA = "data"  # new points from another data source; the network, its weights and the epoch stay
    REBUILD = "rebuild"  # a new network (fresh weights, epoch 0) on the same data
    REGENERATE = "regenerate"  # a new seed and new data, then a new network

    @property
    def rank(self) -> int:
        return _EFFECT_RANK[self]


_EFFECT_RANK = {
    Effect.INERT: 0,
    Effect.VIEW: 1,
    Effect.LIVE: 2,
    Effect.DATA: 3,
    Effect.REBUILD: 4,
    Effect.REGENERATE: 5,
}


class Kind(str, Enum):
    """How a setting's value is typed and written in a share link."""

    ENUM = "enum"  # one of `choices` (strings)
    NUMBER = "number"  # a float within [minimum, maximum]
    INTEGER = "integer"  # an int within [minimum, maximum]
    BOOL = "bool"
    SHAPE = "shape"  # list of hidden-layer sizes
    STRING = "string"


@dataclass(frozen=True)
class Setting:
    """One row of the table.

    `choices`/`choice_labels` are the options a select offers (for NUMBER, the
    preset values of the original's selects; other values within bounds are
    still valid). `ui_min`/`ui_max`/`step` describe a slider where there is
    one; `minimum`/`maximum` are the hard bounds a value is clamped to.
    `original` marks the original app's own keys (always written, in table
    order); the others are written only when not at their default.
    `hide` is the name used by `<hide>_hide=true` links and `.ui-<hide>`
    classes, or None when the control cannot be hidden.
    """

    name: str
    kind: Kind
    default: object
    effect: Effect
    label: str
    original: bool = True
    choices: tuple = ()
    choice_labels: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    ui_min: float | None = None
    ui_max: float | None = None
    step: float | None = None
    hide: str | None = None
    doc: str = ""
    max_length: int | None = None
    max_layers: int | None = None
    max_neurons: int | None = None
    choices_by_problem: dict = field(default_factory=dict)  # problem → the choices that suit it
    quiet_default: bool = False  # a link's value that is not a choice means the default, without a notice


# Real links carry up to ten hidden layers (the original's issue #63); more are
# refused to keep one session's epoch within a frame's budget.
MAX_LAYERS = 10
MAX_NEURONS = 16
MAX_SEED_LENGTH = 1000
MAX_BATCH_SIZE = 1200
DATA_ID_LENGTH = 64  # longer than any id the store gives out

ACTIVATION_CHOICES = ("relu", "tanh", "sigmoid", "linear", "leakyRelu", "elu", "softplus", "swish", "gelu", "sine")
ACTIVATION_LABELS = ("ReLU", "Tanh", "Sigmoid", "Linear", "Leaky ReLU", "ELU", "Softplus", "Swish", "GELU", "Sine")
OPTIMIZER_CHOICES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
OPTIMIZER_LABELS = ("SGD", "Momentum", "Nesterov", "Adagrad", "RMSProp", "Adadelta", "Adam")
LOSS_CHOICES = ("squared", "crossEntropy", "absolute", "huber")
LOSS_LABELS = ("½ squared error", "Cross-entropy", "Absolute error", "Huber")
# Which losses make sense for which problem; the first is the fallback.
LOSSES_FOR_PROBLEM = {
    "classification": ("squared", "crossEntropy"),
    "regression": ("squared", "absolute", "huber"),
}
# With three or more classes the one output head is softmax with categorical
# cross-entropy (engine/task.py), so cross-entropy is the only loss offered.
LOSSES_FOR_K_CLASSES = ("crossEntropy",)
MAX_CLASSES = 8
INIT_CHOICES = ("uniform", "glorotUniform", "glorotNormal", "he", "zeros")
INIT_LABELS = ("Uniform ±0.5", "Glorot uniform", "Glorot normal", "He", "Zeros")
CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral", "moons", "checkerboard")
REGRESSION_DATASETS = ("reg-plane", "reg-gauss")
SPEED_CHOICES = ("1", "2", "5", "10", "20", "50", "100", "200", "500", "max")
SPEED_LABELS = ("1 epoch/frame", "2", "5", "10", "20", "50", "100", "200", "500", "Fastest")
# The page's languages (a catalog each in locales/); each is named in its own language.
LANGUAGE_CHOICES = ("en", "zh")
LANGUAGE_LABELS = ("English", "中文")


def _feature(name: str, label: str, default: bool) -> Setting:
    return Setting(name, Kind.BOOL, default, Effect.REBUILD, label, hide=name)


def _inert_bool(name: str) -> Setting:
    return Setting(name, Kind.BOOL, False, Effect.INERT, name, doc="unused by the original; kept for round trips")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "activation",
        Kind.ENUM,
        "tanh",
        Effect.REBUILD,
        "Activation",
        choices=ACTIVATION_CHOICES,
        choice_labels=ACTIVATION_LABELS,
        hide="activation",
    ),
    Setting(
        "regularization",
        Kind.ENUM,
        "none",
        Effect.LIVE,
        "Regularization",
        choices=("none", "L1", "L2"),
        choice_labels=("None", "L1", "L2"),
        hide="regularization",
        doc="none is omitted from share links, as the original does",
    ),
    Setting(
        "batchSize",
        Kind.INTEGER,
        10,
        Effect.REBUILD,
        "Batch size",
        minimum=1,
        maximum=MAX_BATCH_SIZE,
        ui_min=1,
        ui_max=30,
        step=1,
        hide="batchSize",
    ),
    Setting(
        "dataset",
        Kind.ENUM,
        "circle",
        Effect.REGENERATE,
        "Dataset",
        choices=CLASSIFICATION_DATASETS,
        choice_labels=("Circle", "Exclusive or", "Gaussian", "Spiral", "Two moons", "Checkerboard"),
        hide="dataset",
    ),
    Setting(
        "regDataset",
        Kind.ENUM,
        "reg-plane",
        Effect.REGENERATE,
        "Regression dataset",
        choices=REGRESSION_DATASETS,
        choice_labels=("Plane", "Multi gaussian"),
        hide="dataset",
    ),
    Setting(
        "learningRate",
        Kind.NUMBER,
        0.03,
        Effect.LIVE,
        "Learning rate",
        choices=(0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10),
        minimum=0.0,
        maximum=10.0,
        hide="learningRate",
    ),
    Setting(
        "regularizationRate",
        Kind.NUMBER,
        0,
        Effect.LIVE,
        "Regularization rate",
        choices=(0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10),
        minimum=0.0,
        maximum=10.0,
        hide="regularizationRate",
    ),
    Setting(
        "noise",
        Kind.NUMBER,
        0,
        Effect.REGENERATE,
        "Noise",
        minimum=0,
        maximum=80,
        ui_min=0,
        ui_max=50,
        step=5,
        hide="noise",
        doc="above 80 becomes 50 and below 0 becomes 0, as the original does",
    ),
    Setting(
        "networkShape",
        Kind.SHAPE,
        (4, 2),
        Effect.REBUILD,
        "Hidden layers",
        minimum=1,
        maximum=MAX_NEURONS,
        max_layers=MAX_LAYERS,
        max_neurons=MAX_NEURONS,
        hide="numHiddenLayers",
    ),
    Setting(
        "seed",
        Kind.STRING,
        None,
        Effect.REGENERATE,
        "Seed",
        max_length=MAX_SEED_LENGTH,
        doc="None means: draw a fresh one",
    ),
    Setting("showTestData", Kind.BOOL, False, Effect.VIEW, "Show test data", hide="showTestData"),
    Setting("discretize", Kind.BOOL, False, Effect.VIEW, "Discretize output", hide="discretize"),
    Setting(
        "percTrainData",
        Kind.NUMBER,
        50,
        Effect.REGENERATE,
        "Ratio of training to test data",
        minimum=1,
        maximum=99,
        ui_min=10,
        ui_max=90,
        step=10,
        hide="percTrainData",
    ),
    _feature("x", "X₁", True),
    _feature("y", "X₂", True),
    _feature("xTimesY", "X₁X₂", False),
    _feature("xSquared", "X₁²", False),
    _feature("ySquared", "X₂²", False),
    _inert_bool("cosX"),
    _feature("sinX", "sin(X₁)", False),
    _inert_bool("cosY"),
    _feature("sinY", "sin(X₂)", False),
    _inert_bool("collectStats"),
    Setting("tutorial", Kind.STRING, None, Effect.INERT, "Tutorial", max_length=200, doc="written only when set"),
    Setting(
        "problem",
        Kind.ENUM,
        "classification",
        Effect.REGENERATE,
        "Problem type",
        choices=("classification", "regression"),
        choice_labels=("Classification", "Regression"),
        hide="problem",
    ),
    Setting(
        "initZero",
        Kind.BOOL,
        False,
        Effect.REBUILD,
        "Start from zero",
        doc="the original's switch; true means init=zeros (the codec keeps the two in step)",
    ),
    Setting("hideText", Kind.BOOL, False, Effect.VIEW, "Hide text"),
    # Ours: written only when they differ from the default.
    Setting(
        "optimizer",
        Kind.ENUM,
        "sgd",
        Effect.LIVE,
        "Optimizer",
        original=False,
        choices=OPTIMIZER_CHOICES,
        choice_labels=OPTIMIZER_LABELS,
        hide="optimizer",
    ),
    Setting(
        "loss",
        Kind.ENUM,
        "squared",
        Effect.LIVE,
        "Loss",
        original=False,
        choices=LOSS_CHOICES,
        choice_labels=LOSS_LABELS,
        hide="loss",
        choices_by_problem=LOSSES_FOR_PROBLEM,
    ),
    Setting(
        "init",
        Kind.ENUM,
        "uniform",
        Effect.REBUILD,
        "Initialization",
        original=False,
        choices=INIT_CHOICES,
        choice_labels=INIT_LABELS,
        hide="init",
    ),
    Setting(
        "dropout",
        Kind.NUMBER,
        0,
        Effect.LIVE,
        "Dropout",
        original=False,
        choices=(0, 0.1, 0.2, 0.3, 0.5),
        minimum=0.0,
        maximum=0.9,
        hide="dropout",
    ),
    Setting(
        "speed",
        Kind.ENUM,
        "1",
        Effect.LIVE,
        "Speed",
        original=False,
        choices=SPEED_CHOICES,
        choice_labels=SPEED_LABELS,
        hide="speed",
        doc="epochs per frame while playing; 'max' is as fast as the machine allows",
    ),
    Setting(
        "data",
        Kind.STRING,
        None,
        Effect.DATA,
        "Stored data set",
        original=False,
        max_length=DATA_ID_LENGTH,
        doc="the id of a data set in the server's store (drawn or uploaded); None means the generated "
        "data set. Choosing a data set, or another problem, leaves the stored one (engine/data_source.py)",
    ),
    Setting(
        "classes",
        Kind.INTEGER,
        2,
        Effect.REGENERATE,
        "Classes",
        original=False,
        minimum=2,
        maximum=MAX_CLASSES,
        ui_min=2,
        ui_max=MAX_CLASSES,
        step=1,
        hide="classes",
        doc="classes of the classification data sets (2 is the original's); a stored data set "
        "brings its own count, and regression has none (engine/task.py)",
    ),
    # Learning-rate schedules (engine/schedule.py).
    Setting(
        "lrSchedule",
        Kind.ENUM,
        "constant",
        Effect.LIVE,
        "Learning-rate schedule",
        original=False,
        choices=("constant", "step", "cosine"),
        choice_labels=("Constant", "Step decay", "Cosine"),
        hide="lrSchedule",
    ),
    Setting(
        "lrDecayEpochs",
        Kind.INTEGER,
        100,
        Effect.LIVE,
        "Schedule period (epochs)",
        original=False,
        minimum=1,
        maximum=10**6,
        ui_min=10,
        ui_max=1000,
        step=10,
        hide="lrSchedule",
        doc="step decay: epochs between two steps; cosine: epochs from the full rate down to 0",
    ),
    Setting(
        "lrDecayFactor",
        Kind.NUMBER,
        0.5,
        Effect.LIVE,
        "Step decay factor",
        original=False,
        minimum=0.0,
        maximum=1.0,
        ui_min=0.1,
        ui_max=0.9,
        step=0.1,
        hide="lrSchedule",
        doc="step decay: the rate is multiplied by this every period",
    ),
    # Stop conditions (engine/stopping.py); 0 means off.
    Setting(
        "stopEpoch",
        Kind.INTEGER,
        0,
        Effect.LIVE,
        "Stop at epoch",
        original=False,
        minimum=0,
        maximum=10**9,
        ui_min=0,
        ui_max=10000,
        step=1,
        hide="stop",
        doc="0: never",
    ),
    Setting(
        "stopTestLoss",
        Kind.NUMBER,
        0,
        Effect.LIVE,
        "Stop at test loss",
        original=False,
        minimum=0.0,
        maximum=1e6,
        ui_min=0,
        ui_max=1,
        hide="stop",
        doc="stop once the test loss is at most this; 0: off",
    ),
    Setting(
        "stopTestAccuracy",
        Kind.NUMBER,
        0,
        Effect.LIVE,
        "Stop at test accuracy (%)",
        original=False,
        minimum=0.0,
        maximum=100.0,
        ui_min=0,
        ui_max=100,
        hide="stop",
        doc="percent; classification only; 0: off",
    ),
    Setting(
        "stopPatience",
        Kind.INTEGER,
        0,
        Effect.LIVE,
        "Stop when no better for (epochs)",
        original=False,
        minimum=0,
        maximum=10**6,
        ui_min=0,
        ui_max=1000,
        step=1,
        hide="stop",
        doc="stop once the test loss has not improved for this many epochs; 0: off",
    ),
    Setting(
        "lang",
        Kind.ENUM,
        "en",
        Effect.VIEW,
        "Language",
        original=False,
        choices=LANGUAGE_CHOICES,
        choice_labels=LANGUAGE_LABELS,
        quiet_default=True,
        doc="the page's language (server/i18n.py); a language we do not have means English, silently",
    ),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}

# Controls that `<name>_hide=true` hides, beyond the settings' own `hide` names:
# the original's buttons and readouts. Order: the original's classroom list first.
EXTRA_HIDE_NAMES = ("playButton", "stepButton", "resetButton")
HIDE_NAMES: tuple[str, ...] = tuple(dict.fromkeys([s.hide for s in SETTINGS if s.hide] + list(EXTRA_HIDE_NAMES)))
# The controls the original does not have (optimizer, loss, init, dropout,
# speed): a classroom link made for the original cannot hide them.
OUR_HIDE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(s.hide for s in SETTINGS if s.hide and not s.original))


def defaults() -> dict[str, object]:
    """A fresh settings dict holding every default (seed None: draw one)."""
    return {s.name: s.default for s in SETTINGS}


def effect_of(names) -> Effect:
    """The strongest effect among the changed settings `names`."""
    effect = Effect.INERT
    for name in names:
        if BY_NAME[name].effect.rank > effect.rank:
            effect = BY_NAME[name].effect
    return effect


class SettingError(MessageError):
    """A value that cannot be used as it is; `message` says why (engine/messages.py)."""


# A notice about a value that was adjusted is a `Message` that knows which
# settings it is `about`: the page takes it down once one of those settings
# changes again (its cause is then gone).
Notice = Message


def choice_label(name: str, value: object) -> str:
    """The page's label for `value` of the enum setting `name` (the value itself
    when it has none)."""
    setting = BY_NAME[name]
    if value in setting.choices and setting.choice_labels:
        return setting.choice_labels[setting.choices.index(value)]
    return str(value)


def coerce(name: str, value: object) -> tuple[object, Message | None]:
    """Check `value` for setting `name`; return (usable value, notice or None).

    A value of the wrong type raises SettingError; a value of the right type
    outside the bounds is moved to the nearest allowed value and a notice
    names the setting and what was done. Unknown names raise SettingError.
    """
    setting = BY_NAME.get(name)
    if setting is None:
        raise SettingError("setting_unknown", {"name": _shown(name)})
    kind = setting.kind
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise SettingError("setting_not_bool", {"setting": name, "value": _shown(value)})
        return value, None
    if kind is Kind.ENUM:
        if value not in setting.choices:
            raise SettingError(
                "setting_not_choice", {"setting": name, "choices": list(setting.choices), "value": _shown(value)}
            )
        return value, None
    if kind is Kind.STRING:
        if value is None:
            return None, None
        if not isinstance(value, str):
            raise SettingError("setting_not_text", {"setting": name, "value": _shown(value)})
        if setting.max_length is not None and len(value) > setting.max_length:
            return value[: setting.max_length], Notice(
                "setting_text_cut", {"setting": name, "max": setting.max_length}, (name,)
            )
        return value, None
    if kind is Kind.SHAPE:
        return _coerce_shape(setting, value)
    return _coerce_number(setting, value)


def _coerce_number(setting: Setting, value: object) -> tuple[object, Message | None]:
    name = setting.name
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingError("setting_not_number", {"setting": name, "value": _shown(value)})
    if isinstance(value, int) and abs(value) > 2**53:
        value = math.inf if value > 0 else -math.inf  # too large for a float: not a usable number
    if not math.isfinite(value):
        return setting.default, Notice(
            "value_unusable", {"setting": name, "value": str(value), "used": _fmt(setting.default)}, (name,)
        )
    if setting.kind is Kind.INTEGER and value != int(value):
        rounded = int(round(value))
        return _clamp(setting, rounded, value)
    if setting.kind is Kind.INTEGER:
        value = int(value)
    return _clamp(setting, value, None)


def _clamp(setting: Setting, value, not_whole) -> tuple[object, Message | None]:
    """`value` within the bounds; `not_whole` is the value asked for when it was
    rounded to `value` (the notice then says so)."""
    about = (setting.name,)
    clamped = value
    if setting.minimum is not None and value < setting.minimum:
        clamped = type(value)(setting.minimum)
    if setting.maximum is not None and value > setting.maximum:
        clamped = type(value)(setting.maximum)
    if not_whole is not None:
        return clamped, Notice(
            "value_not_whole", {"setting": setting.name, "value": _fmt(not_whole), "used": _fmt(clamped)}, about
        )
    if clamped != value:
        return clamped, Notice(
            "value_clamped",
            {
                "setting": setting.name,
                "value": _fmt(value),
                "min": _fmt(setting.minimum),
                "max": _fmt(setting.maximum),
                "used": _fmt(clamped),
            },
            about,
        )
    return clamped, None


def _shown(value) -> str:
    """A value as a notice shows it: at most 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _coerce_shape(setting: Setting, value: object) -> tuple[object, Message | None]:
    if not isinstance(value, (list, tuple)) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
        raise SettingError("shape_not_list", {"setting": setting.name, "value": _shown(value)})
    shape = list(value)
    too_many = len(shape) > setting.max_layers
    asked = len(shape)
    shape = shape[: setting.max_layers]
    fixed = [min(max(n, 1), setting.max_neurons) for n in shape]
    params = {
        "count": asked,
        "max_layers": setting.max_layers,
        "max": setting.max_neurons,
        "used": ",".join(map(str, fixed)),
    }
    about = (setting.name,)
    if too_many and fixed != shape:
        return tuple(fixed), Notice("shape_layers_and_neurons", params, about)
    if too_many:
        return tuple(fixed), Notice("shape_too_many_layers", params, about)
    if fixed != shape:
        return tuple(fixed), Notice("shape_neurons", params, about)
    return tuple(fixed), None


def coerce_all(values: dict[str, object]) -> tuple[dict[str, object], list[Message]]:
    """Check a whole settings dict (missing names take defaults) and the
    combinations between settings; return (usable dict, notices)."""
    result = defaults()
    notices: list[Message] = []
    for name, value in values.items():
        usable, notice = coerce(name, value)
        result[name] = usable
        if notice:
            notices.append(notice)
    notices.extend(fix_combinations(result, changed=values.keys()))
    return result, notices


def losses_for(values: dict[str, object]) -> tuple[str, ...]:
    """The losses that suit the problem and class count of a settings dict
    (the first is the fallback)."""
    if values["problem"] == "classification" and values.get("classes", 2) > 2:
        return LOSSES_FOR_K_CLASSES
    return LOSSES_FOR_PROBLEM[values["problem"]]


def fix_combinations(values: dict[str, object], changed=()) -> list[Message]:
    """Make settings that depend on each other agree, in place; return notices.

    Regression has no classes: a `classes` given with it is put back to 2
    with a notice. The loss must suit the problem and the class count
    (cross-entropy needs class labels; three or more classes take
    cross-entropy only, and switch to it silently unless a loss was asked
    for). The
    original's `initZero` switch is our `init=zeros`: whichever of the two was
    `changed` decides, and `initZero` is then derived from `init`.
    """
    notices = []
    if values["problem"] == "regression" and values.get("classes", 2) != 2:
        if "classes" in changed:
            notices.append(Notice("classes_regression", {"classes": values["classes"]}, ("problem", "classes")))
        values["classes"] = 2
    allowed = losses_for(values)
    if values["loss"] not in allowed:
        quiet = allowed is LOSSES_FOR_K_CLASSES and "loss" not in changed
        if not quiet:
            if allowed is LOSSES_FOR_K_CLASSES:
                notices.append(
                    Notice(
                        "loss_unsuited_classes",
                        {"loss": values["loss"], "classes": values["classes"], "used": allowed[0]},
                        ("classes", "loss"),
                    )
                )
            else:
                notices.append(
                    Notice(
                        "loss_unsuited",
                        {"loss": values["loss"], "problem": values["problem"], "used": allowed[0]},
                        ("problem", "loss"),
                    )
                )
        values["loss"] = allowed[0]
    if "initZero" in changed and ("init" not in changed or values["initZero"]):
        if values["initZero"]:
            values["init"] = "zeros"
        elif values["init"] == "zeros":
            values["init"] = "uniform"
    values["initZero"] = values["init"] == "zeros"
    return notices
