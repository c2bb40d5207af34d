"""The task (engine/task.py): K classes from the data sets through training to
the numbers a student reads (accuracy, confusion matrix, R², RMSE), and the
`classes` setting in links."""

import math

import numpy as np
import pytest

from engine import k_class_datasets
from engine.data_source import GeneratedData, make_data
from engine.messages import Message
from engine.rng import SeededStream
from engine.session import Session
from engine.share_hash import parse_hash, write_hash
from engine.task import K_CLASS_PALETTE, TWO_CLASS_PALETTE, Task, regression_metrics, task_of
from server.i18n import english

# --- the task itself ----------------------------------------------------------


def test_the_task_follows_problem_and_classes():
    two, four, reg = Task("classification", 2), Task("classification", 4), Task("regression", 0)
    assert (two.label_kind, two.outputs, two.losses, two.palette) == (
        "sign",
        1,
        ("squared", "crossEntropy"),
        TWO_CLASS_PALETTE,
    )
    assert (four.label_kind, four.outputs, four.losses, four.palette) == (
        "index",
        4,
        ("crossEntropy",),
        K_CLASS_PALETTE[:4],
    )
    assert (reg.label_kind, reg.outputs, reg.losses) == ("real", 1, ("squared", "absolute", "huber"))
    assert four.head("crossEntropy").multiclass and not two.head("crossEntropy").multiclass
    with pytest.raises(ValueError, match="does not suit classification with 4 classes"):
        four.head("squared")
    assert task_of({"problem": "regression", "classes": 5}) == reg
    assert len(set(K_CLASS_PALETTE)) == 8


def test_accuracy_and_confusion_of_two_classes_by_hand():
    task = Task("classification", 2)
    labels = np.array([1, 1, 1, -1, -1, -1, -1], float)
    predictions = np.array([0.9, -0.2, 0.0, -0.7, 0.3, -0.01, -0.9])
    # class 0 is −1, class 1 is +1; an output of exactly 0 counts as +1
    # true +1: predicted +1, −1, +1 → row 1 = [1, 2]; true −1: −1, +1, −1, −1 → row 0 = [3, 1]
    numbers = task.metrics(predictions, labels)
    assert numbers["confusion"] == [[3, 1], [1, 2]]
    assert numbers["accuracy"] == 5 / 7


def test_accuracy_and_confusion_of_three_classes_by_hand():
    task = Task("classification", 3)
    labels = np.array([0, 0, 1, 1, 2, 2], float)
    probabilities = np.array(
        [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.8, 0.1], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4], [0.4, 0.4, 0.2]]
    )
    numbers = task.metrics(probabilities, labels)
    # row = true class: 0 → {0, 1}; 1 → {1, 2}; 2 → {2, 0 (a tie goes to the first)}
    assert numbers["confusion"] == [[1, 1, 0], [0, 1, 1], [1, 0, 1]]
    assert numbers["accuracy"] == 0.5
    assert math.isnan(task.metrics(probabilities[:0], labels[:0])["accuracy"])


def test_r2_and_rmse_by_hand():
    labels = np.array([1.0, 2.0, 3.0, 4.0])
    predictions = np.array([1.5, 2.0, 2.5, 4.0])
    numbers = regression_metrics(predictions, labels)
    # SS_res = 0.25 + 0 + 0.25 + 0 = 0.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5
    assert numbers["r2"] == pytest.approx(0.9, abs=1e-15)
    assert numbers["rmse"] == pytest.approx(math.sqrt(0.5 / 4), abs=1e-15)
    assert math.isnan(regression_metrics(predictions, np.ones(4))["r2"])


# --- K-class data sets -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(k_class_datasets.K_CLASS_DATASETS))
@pytest.mark.parametrize("classes", [3, 5, 8])
def test_k_class_data_sets_have_every_class_inside_the_plane(name, classes):
    points = k_class_datasets.K_CLASS_DATASETS[name](500, 0.0, classes, SeededStream("0.25"))
    assert points.shape == (500, 3)
    assert np.abs(points[:, :2]).max() <= 6
    labels = points[:, 2]
    assert set(np.unique(labels)) == set(range(classes))
    counts = np.bincount(labels.astype(int), minlength=classes)
    if name in ("xor", "checkerboard"):
        assert counts.min() >= 500 / classes / 3  # by area, roughly even
    else:
        assert counts.tolist() == k_class_datasets.class_sizes(500, classes)
        assert counts.max() - counts.min() <= 1


def test_k_rings_are_rings_and_k_blobs_sit_around_their_centres():
    rings = k_class_datasets.circle(600, 0.0, 3, SeededStream("1"))
    radius = np.hypot(rings[:, 0], rings[:, 1])
    for c in range(3):
        r = radius[rings[:, 2] == c]
        assert r.min() >= 5 * c / 3 and r.max() <= 5 * (c + 0.8) / 3
    blobs = k_class_datasets.gauss(800, 0.0, 4, SeededStream("1"))
    for c in range(4):
        centre = blobs[blobs[:, 2] == c, :2].mean(axis=0)
        expected = (3 * math.sin(math.pi / 2 * c), 3 * math.cos(math.pi / 2 * c))
        assert np.allclose(centre, expected, atol=0.25)


def test_k_sectors_label_each_point_by_its_angle_away_from_the_borders():
    points = k_class_datasets.xor(500, 0.0, 3, SeededStream("2"))
    angle = np.arctan2(points[:, 1], points[:, 0]) % (2 * math.pi)
    assert np.array_equal(points[:, 2], np.floor(angle / (2 * math.pi / 3)))
    for c in range(3):  # 0.3 away from each border ray
        ux, uy = math.cos(2 * math.pi * c / 3), math.sin(2 * math.pi * c / 3)
        along = points[:, 0] * ux + points[:, 1] * uy
        across = np.abs(-points[:, 0] * uy + points[:, 1] * ux)
        assert across[along >= 0].min() >= 0.3


def test_spiral_arms_are_turned_copies():
    arms = k_class_datasets.spiral(300, 0.0, 3, SeededStream("3"))
    first, second = arms[arms[:, 2] == 0, :2], arms[arms[:, 2] == 1, :2]
    turn = 2 * math.pi / 3  # arm 1 is arm 0 turned clockwise by 2π/3 (x = r sin t, y = r cos t)
    c, s = math.cos(turn), math.sin(turn)
    turned = np.column_stack([first[:, 0] * c + first[:, 1] * s, -first[:, 0] * s + first[:, 1] * c])
    assert np.allclose(turned, second, atol=1e-12)


def test_two_classes_draw_the_originals_points():
    settings = {"problem": "classification", "dataset": "spiral", "noise": 0, "percTrainData": 50, "classes": 2}
    mine = make_data(GeneratedData(), settings, SeededStream("0.7"))
    from engine.datasets import make_data as original

    theirs = original(settings, SeededStream("0.7"))
    assert np.array_equal(mine.train, theirs.train) and set(np.unique(mine.train[:, 2])) == {-1.0, 1.0}


# --- sessions ---------------------------------------------------------------------


def test_a_three_class_session_has_three_softmax_outputs_and_learns():
    session = Session({"dataset": "gauss", "classes": 3, "seed": "0.3", "networkShape": (6,), "learningRate": 0.1})
    assert session.network.layer_sizes == (2, 6, 3) and session.network.head.multiclass
    assert session.settings["loss"] == "crossEntropy" and session.notices == []
    assert set(np.unique(session.data.train[:, 2])) == {0.0, 1.0, 2.0}
    session.step(60)
    numbers = session.metrics()
    assert numbers["test"]["accuracy"] > 0.9 and numbers["train"]["accuracy"] > 0.9
    confusion = np.array(numbers["test"]["confusion"])
    assert confusion.shape == (3, 3) and confusion.sum() == len(session.data.test)
    truth = np.bincount(session.data.test[:, 2].astype(int), minlength=3)
    assert confusion.sum(axis=1).tolist() == truth.tolist()
    # the confusion matrix agrees with the network's own predictions
    predicted = session.network.predict(session._features()[2]).argmax(axis=1)
    assert confusion.trace() == int((predicted == session.data.test[:, 2]).sum())


def test_changing_the_class_count_draws_new_data_and_a_new_network():
    session = Session({"dataset": "spiral", "seed": "0.5"})
    change = session.apply({"classes": 4})
    assert change.effect.value == "regenerate" and session.network.layer_sizes[-1] == 4
    assert session.settings["loss"] == "crossEntropy"
    assert set(np.unique(session.data.train[:, 2])) <= {0.0, 1.0, 2.0, 3.0}
    session.apply({"classes": 2})
    assert session.network.layer_sizes[-1] == 1
    assert set(np.unique(session.data.train[:, 2])) == {-1.0, 1.0}


def test_a_regression_session_reports_r2_and_rmse():
    session = Session({"problem": "regression", "seed": "0.5", "learningRate": 0.01})
    session.step(30)
    numbers = session.metrics()["test"]
    assert set(numbers) == {"r2", "rmse"} and numbers["r2"] > 0.8 and 0 < numbers["rmse"] < 0.2


# --- links ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, used, notice",
    [
        ("1", 2, "classes=1 is outside 2–8; using 2"),
        ("99", 8, "classes=99 is outside 2–8; using 8"),
        ("abc", 2, "classes=abc is not a number; using 2"),
        ("3.5", 4, "classes=3.5 is not a whole number; using 4"),
    ],
)
def test_bad_class_counts_in_a_link_take_the_nearest_allowed_value(value, used, notice):
    parsed = parse_hash(f"#dataset=spiral&classes={value}&seed=0.1")
    assert parsed.settings["classes"] == used
    assert notice in [english(n) for n in parsed.notices]
    session = Session(parsed.settings)
    assert session.network.layer_sizes[-1] == (1 if used == 2 else used)


def test_classes_with_regression_are_ignored_with_a_notice():
    parsed = parse_hash("#problem=regression&classes=5&seed=0.1")
    assert parsed.settings["classes"] == 2
    assert Message("classes_regression", {"classes": 5}, ("problem", "classes")) in parsed.notices
    assert "Classes 5 does not apply to regression; ignored" in [english(n) for n in parsed.notices]
    assert "classes=" not in write_hash(parsed.settings)


def test_classes_are_written_only_when_not_two_and_a_k_class_loss_is_chosen_quietly():
    parsed = parse_hash("#dataset=gauss&classes=4&seed=0.3")
    assert parsed.notices == [] and parsed.settings["loss"] == "crossEntropy"
    written = write_hash(parsed.settings)
    assert "classes=4" in written and parse_hash(written).settings == parsed.settings
    assert "classes" not in write_hash(parse_hash("#dataset=gauss&seed=0.3").settings)
    asked = parse_hash("#dataset=gauss&classes=4&loss=squared&seed=0.3")
    assert asked.settings["loss"] == "crossEntropy"
    assert "½ squared error does not suit 4 classes; using Cross-entropy" in [english(n) for n in asked.notices]
