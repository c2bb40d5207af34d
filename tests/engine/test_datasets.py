"""The data sets and the split, against the original's recorded runs and the spec."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.datasets import (
    DATASETS,
    POINTS_PER_PROBLEM,
    THUMBNAIL_POINTS,
    Data,
    dataset_name,
    make_data,
    split_index,
    thumbnail_points,
)
from engine.rng import SeededStream
from engine.settings import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, defaults
from engine.two_class_datasets import EXTRA_DATASETS
from tests.reference import exact_run_paths, run_vector_paths


def _settings(**changes) -> dict:
    settings = defaults()
    settings.update(changes)
    return settings


def test_there_are_run_vectors(vector_paths):
    assert vector_paths, "no run files found in the vector directory"


_ALL_RUNS = run_vector_paths() + exact_run_paths()


@pytest.mark.parametrize("run_path", _ALL_RUNS, ids=[p.stem for p in _ALL_RUNS])
def test_seed_reproduces_the_original_points_exactly(run_path):
    """Every coordinate and label of every run, both folders, all six data sets: equal
    as float64 (sin, cos and the normal draw's log are V8's, from engine.v8math)."""
    run = json.loads(run_path.read_text())
    config = run["config"]
    data = make_data(config, SeededStream(config["seed"]))
    expected_train = np.array(run["train"], dtype=np.float64).reshape(-1, 3)
    expected_test = np.array(run["test"], dtype=np.float64).reshape(-1, 3)
    assert data.train.shape == (run["nTrain"], 3) == expected_train.shape
    assert data.test.shape == (run["nTest"], 3) == expected_test.shape
    assert np.array_equal(data.train, expected_train)
    assert np.array_equal(data.test, expected_test)


def test_the_runs_cover_every_data_set():
    names = {dataset_name(json.loads(path.read_text())["config"]) for path in _ALL_RUNS}
    # Every data set of the original (ours, moons and the checkerboard, have no reference).
    assert names == set(CLASSIFICATION_DATASETS + REGRESSION_DATASETS) - set(EXTRA_DATASETS)


def test_spec_first_points_before_and_after_the_shuffle():
    points = DATASETS["circle"](500, 0.0, SeededStream("0.12345"))
    np.testing.assert_array_equal(np.round(points[:2], 5), [[0.42484, -2.24821, 1], [-0.43208, 0.10374, 1]])
    data = make_data(_settings(seed="0.12345"), SeededStream("0.12345"))
    np.testing.assert_array_equal(np.round(data.train[:2], 5), [[4.61808, -1.83544, -1], [3.03159, 2.02783, -1]])


def test_make_data_is_generate_then_shuffle_then_split():
    settings = _settings(dataset="spiral", noise=20, percTrainData=30)
    data = make_data(settings, SeededStream("split"))
    twin = SeededStream("split")
    points = DATASETS["spiral"](500, 0.2, twin)
    order = list(range(500))
    twin.shuffle(order)
    assert np.array_equal(data.train, points[order][:150])
    assert np.array_equal(data.test, points[order][150:])
    assert isinstance(data, Data) and data.train.dtype == np.float64


def test_dataset_table_matches_settings():
    assert tuple(DATASETS) == CLASSIFICATION_DATASETS + REGRESSION_DATASETS
    assert POINTS_PER_PROBLEM == {"classification": 500, "regression": 1200}


def test_regression_uses_reg_dataset_and_1200_points():
    settings = _settings(problem="regression", dataset="xor", regDataset="reg-gauss", percTrainData=50)
    data = make_data(settings, SeededStream("r"))
    assert data.train.shape == (600, 3) and data.test.shape == (600, 3)
    everything = np.vstack([data.train, data.test])
    twin_points = DATASETS["reg-gauss"](1200, 0.0, SeededStream("r"))
    assert sorted(map(tuple, everything)) == sorted(map(tuple, twin_points))


@pytest.mark.parametrize(
    "num_points, percent, expected",
    [
        (500, 50, 250),
        (500, 70, 350),
        (500, 10, 50),
        (1200, 90, 1080),
        (500, 30, 150),
        (500, 99, 495),
        (1200, 1, 12),
        (500, 33.3, 166),
        (500, 57.1, 285),
    ],
)
def test_split_index_is_floor_of_the_float_product(num_points, percent, expected):
    assert split_index(num_points, percent) == expected


@pytest.mark.parametrize(
    "name, draws_per_point", [("circle", 4), ("xor", 4), ("spiral", 2), ("reg-plane", 4), ("reg-gauss", 4)]
)
def test_fixed_draws_per_point(name, draws_per_point):
    stream, twin = SeededStream("count"), SeededStream("count")
    DATASETS[name](100, 0.0, stream)
    twin.random_array(100 * draws_per_point)
    assert stream.random() == twin.random()


def test_gauss_draws_one_polar_normal_per_coordinate():
    stream, twin = SeededStream("g"), SeededStream("g")
    points = DATASETS["gauss"](6, 0.1, stream)
    variance = 0.5 * (1 - 0.2) + 4 * 0.2
    expected = [twin.normal(centre, variance) for centre in (2, 2, 2, 2, 2, 2, -2, -2, -2, -2, -2, -2)]
    assert points[:, :2].ravel().tolist() == expected
    assert stream.random() == twin.random()


@pytest.mark.parametrize("name", CLASSIFICATION_DATASETS)
@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
def test_classification_labels_are_pm1_and_balanced_halves(name, noise):
    points = DATASETS[name](500, noise, SeededStream(f"{name}{noise}"))
    assert points.shape == (500, 3)
    assert set(np.unique(points[:, 2])) <= {1.0, -1.0}
    if name in ("gauss", "spiral"):
        # Positions are noisy, labels exact: first half +1, second half -1.
        assert np.all(points[:250, 2] == 1) and np.all(points[250:, 2] == -1)


def test_circle_without_noise():
    points = DATASETS["circle"](500, 0.0, SeededStream("c"))
    radius = np.hypot(points[:, 0], points[:, 1])
    assert np.all(radius[:250] <= 2.5) and np.all(points[:250, 2] == 1)
    assert np.all((radius[250:] >= 3.5 - 1e-12) & (radius[250:] <= 5 + 1e-12)) and np.all(points[250:, 2] == -1)


def test_circle_noise_changes_labels_not_positions():
    clean = DATASETS["circle"](500, 0.0, SeededStream("c"))
    noisy = DATASETS["circle"](500, 0.5, SeededStream("c"))
    assert np.array_equal(clean[:, :2], noisy[:, :2])
    assert np.any(clean[:, 2] != noisy[:, 2])


def test_xor_coordinates_and_noise_free_labels():
    points = DATASETS["xor"](500, 0.0, SeededStream("x"))
    magnitude = np.abs(points[:, :2])
    assert np.all((magnitude >= 0.3) & (magnitude <= 5.3))
    assert np.array_equal(points[:, 2], np.where(points[:, 0] * points[:, 1] >= 0, 1.0, -1.0))
    noisy = DATASETS["xor"](500, 0.5, SeededStream("x"))
    assert np.array_equal(points[:, :2], noisy[:, :2]) and np.any(noisy[:, 2] != points[:, 2])


def test_gauss_centres_and_spread_grow_with_noise():
    tight = DATASETS["gauss"](2000, 0.0, SeededStream("g"))
    wide = DATASETS["gauss"](2000, 0.5, SeededStream("g"))
    np.testing.assert_allclose(tight[:1000, :2].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(tight[1000:, :2].mean(axis=0), [-2, -2], atol=0.1)
    assert abs(tight[:1000, :2].var() - 0.5) < 0.06
    assert abs(wide[:1000, :2].var() - 4) < 0.5


def test_spiral_without_noise_lies_on_the_arms():
    points = DATASETS["spiral"](500, 0.0, SeededStream("s"))
    i = np.arange(250)
    radius = np.hypot(points[:, 0], points[:, 1])
    np.testing.assert_allclose(radius[:250], 5 * i / 250, atol=1e-12)
    np.testing.assert_allclose(radius[250:], 5 * i / 250, atol=1e-12)
    # The second arm is the first turned by pi.
    np.testing.assert_allclose(points[250:, :2], -points[:250, :2], atol=1e-12)


def test_reg_plane_labels():
    points = DATASETS["reg-plane"](1200, 0.0, SeededStream("p"))
    assert np.all(np.abs(points[:, :2]) <= 6)
    np.testing.assert_allclose(points[:, 2], (points[:, 0] + points[:, 1]) / 10, atol=1e-15)
    noisy = DATASETS["reg-plane"](1200, 0.5, SeededStream("p"))
    assert np.array_equal(points[:, :2], noisy[:, :2])
    assert np.abs(noisy[:, 2] - points[:, 2]).max() > 0.1


def test_reg_gauss_labels():
    points = DATASETS["reg-gauss"](1200, 0.0, SeededStream("q"))
    labels = points[:, 2]
    assert np.all((labels >= -1) & (labels <= 1))
    assert np.any(labels > 0.5) and np.any(labels < -0.5) and np.any(labels == 0)
    centres = np.array([(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)])
    for x, y, label in points[:50]:
        values = centres[:, 2] * np.clip(1 - np.hypot(x - centres[:, 0], y - centres[:, 1]) / 2, 0, 1)
        np.testing.assert_allclose(label, values[np.argmax(np.abs(values))], atol=1e-15)


@pytest.mark.parametrize(
    "problem, names", [("classification", ("circle", "xor", "gauss", "spiral")), ("regression", REGRESSION_DATASETS)]
)
def test_thumbnails_draw_each_dataset_in_table_order(problem, names):
    """The original's data sets only: the stream must move as the original's does."""
    stream, twin = SeededStream("thumb"), SeededStream("thumb")
    thumbnails = thumbnail_points(problem, stream)
    assert tuple(thumbnails) == names
    for name in names:
        expected = DATASETS[name](THUMBNAIL_POINTS, 0.0, twin)
        assert thumbnails[name].shape == (200, 3)
        assert np.array_equal(thumbnails[name], expected)
    assert stream.random() == twin.random()


def test_generation_is_deterministic():
    for name, generate in DATASETS.items():
        assert np.array_equal(generate(200, 0.3, SeededStream("d")), generate(200, 0.3, SeededStream("d"))), name
    assert not np.array_equal(DATASETS["xor"](50, 0, SeededStream("d")), DATASETS["xor"](50, 0, SeededStream("e")))


def test_noise_is_the_ui_value_over_100():
    settings = _settings(dataset="xor", noise=35, percTrainData=50)
    data = make_data(settings, SeededStream("n"))
    twin = SeededStream("n")
    points = DATASETS["xor"](500, 35 / 100, twin)
    order = list(range(500))
    twin.shuffle(order)
    assert np.array_equal(np.vstack([data.train, data.test]), points[order])
