"""Reading, checking and scaling the user's own files (engine/user_data.py)."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import numpy as np
import pytest

from engine.example_data import example_dataset
from engine.user_data import MAX_POINTS, DataError, UserDataset, build_dataset, parse_dataset, read_table
from server.i18n import catalog, english


@contextmanager
def refused(pattern: str, code: str | None = None):
    """Expect a DataError whose English words match `pattern` (and whose code is `code`)."""
    with pytest.raises(DataError) as caught:
        yield
    assert re.search(pattern, english(caught.value.message)), english(caught.value.message)
    if code is not None:
        assert caught.value.code == code


GOOD = b"a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n2,2,dog\n"


def test_a_good_csv_becomes_points_scaled_into_the_plane():
    data = parse_dataset(GOOD)
    assert data.problem == "classification" and data.classes == ("cat", "dog")
    assert data.columns == ("a", "b", "label")
    points = data.plane_points()
    # Each input's range goes onto [−5, 5]; class 0 is −1 (orange), class 1 is +1 (blue).
    assert points[:, 0].min() == -5 and points[:, 0].max() == 5
    assert points[:, 1].min() == -5 and points[:, 1].max() == 5
    assert points[:, 2].tolist() == [-1, 1, -1, 1, 1]
    # The user's units are kept, so exports give them back.
    assert data.values[:, :2].tolist() == [[1, 2], [3, 4], [5, 6], [7, 8], [2, 2]]


def test_scaling_is_kept_and_inverts_exactly_on_export():
    data = parse_dataset(b"height,weight,label\n150.5,50,0\n190,95.25,1\n170,70,0\n160,80,1\n")
    assert data.scales[0].offset == (150.5 + 190) / 2 and data.scales[0].factor == 5 / ((190 - 150.5) / 2)
    rows = data.to_csv().splitlines()
    assert rows[0] == "x1,x2,label,split"
    assert rows[1:] == ["150.5,50,0,", "190,95.25,1,", "170,70,0,", "160,80,1,"]


def test_numeric_labels_order_by_value_so_minus_one_stays_orange():
    data = parse_dataset(b"x,y,label\n0,0,1\n1,1,-1\n2,2,1\n3,3,-1\n")
    assert data.classes == ("-1", "1")
    assert data.plane_points()[:, 2].tolist() == [1, -1, 1, -1]


def test_label_defaults_to_the_last_column_and_inputs_to_the_first_numbers():
    data = parse_dataset(b"name,x,y,kind\nA,1,2,p\nB,2,3,q\nC,3,1,p\nD,4,4,q\n")
    assert data.columns == ("x", "y", "kind")


def test_columns_can_be_chosen():
    body = b"p,q,r,s\n1,2,3,a\n2,3,4,b\n3,4,5,a\n4,5,7,b\n"
    data = parse_dataset(body, x1="r", x2="p", label="s")
    assert data.columns == ("r", "p", "s") and data.values[:, 0].tolist() == [3, 4, 5, 7]


def test_regression_scales_the_target_into_minus_one_to_one():
    body = b"x,y,price\n0,0,100\n1,1,300\n2,0,200\n0,2,250.5\n"
    data = parse_dataset(body)
    assert data.problem == "regression" and data.classes == ()
    targets = data.plane_points()[:, 2]
    assert targets.min() == -1 and targets.max() == 1
    assert data.to_csv().splitlines()[4] == "0,2,250.5,"


def test_problem_can_be_forced():
    body = b"x,y,label\n0,0,1\n1,1,2\n2,0,3\n0,2,1\n"
    assert parse_dataset(body).problem == "classification"
    assert parse_dataset(body, problem="regression").problem == "regression"


def test_semicolons_tabs_decimal_commas_quotes_and_a_bom():
    body = "\ufeffa;b;label\n1,5;2;x\n3;4,25;y\n5;6;x\n7;8;y\n".encode()
    data = parse_dataset(body)
    assert data.values[:, :2].tolist() == [[1.5, 2], [3, 4.25], [5, 6], [7, 8]]
    tabbed = parse_dataset(b'a\tb\tlabel\n1\t2\t"x y"\n3\t4\tz\n5\t6\t"x y"\n7\t8\tz\n')
    assert tabbed.classes == ("x y", "z")


def test_a_file_without_header_names_its_columns():
    data = parse_dataset(b"1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    assert data.columns == ("column1", "column2", "column3") and data.num_points == 4


def test_json_records_and_lists():
    records = [{"x1": i, "x2": i * 2, "label": "ab"[i % 2]} for i in range(6)]
    assert parse_dataset(json.dumps(records).encode(), "json").classes == ("a", "b")
    lists = {"points": [[i, -i, i % 2] for i in range(6)]}
    assert parse_dataset(json.dumps(lists).encode(), "json").columns == ("x1", "x2", "label")


def test_json_export_uploads_again_as_the_same_data_set():
    for data in (
        parse_dataset(GOOD),
        example_dataset("iris"),
        parse_dataset(b"x,y,v\n0,0,1.5\n1,1,3\n2,0,2\n0,2,2.25\n"),
    ):
        again = parse_dataset(json.dumps(data.to_json(["train"] * data.num_points, "id")).encode(), "json")
        assert again.canonical_bytes() == data.canonical_bytes()
        csv_again = parse_dataset(data.to_csv().encode())
        assert np.array_equal(csv_again.values, data.values) and csv_again.classes == data.classes


def test_drawn_data_is_in_the_plane_already():
    drawn = {
        "problem": "classification",
        "classes": ["-1", "1"],
        "scale": "none",
        "points": [[1.5, 2, 1], [2, -3, -1], [0, 0, 1], [-1, -2, 1]],
    }
    data = parse_dataset(json.dumps(drawn).encode(), "json")
    assert data.plane_points().tolist() == [[1.5, 2, 1], [2, -3, -1], [0, 0, 1], [-1, -2, 1]]
    one_class = {**drawn, "points": [[1, 1, 1]] * 4}
    assert parse_dataset(json.dumps(one_class).encode(), "json").classes == ("-1", "1")


def test_the_record_round_trips_and_content_decides_the_bytes():
    data = parse_dataset(GOOD)
    assert UserDataset.from_bytes(data.canonical_bytes()).canonical_bytes() == data.canonical_bytes()
    spaced = b"a , b , label\n1, 2, cat\n3,4,dog\n5,6,cat\n7,8,dog\n2,2,dog\n\n"
    assert parse_dataset(spaced).canonical_bytes() == data.canonical_bytes()
    assert parse_dataset(GOOD, x1="b", x2="a").canonical_bytes() != data.canonical_bytes()


def test_the_iris_example_has_three_classes_and_150_points():
    iris = example_dataset("iris")
    assert iris.num_points == 150 and iris.classes == ("setosa", "versicolor", "virginica")
    assert iris.plane_points()[:, 2].tolist()[:1] == [0.0]  # class indices for K > 2


BAD_FILES = [
    ("empty", b"", "csv", ["empty", "header"]),
    ("blank", b"  \n\n", "csv", ["empty"]),
    ("header only", b"x1,x2,label\n", "csv", ["no rows", "at least 4"]),
    (
        "text in a number column",
        b"x1,x2,label\n1,2,a\n3,four,b\n5,6,a\n7,8,b\n",
        "csv",
        ["Row 3", "'x2'", "'four'", "not a number"],
    ),
    ("NaN", b"x1,x2,label\n1,2,a\n3,NaN,b\n5,6,a\n7,8,b\n", "csv", ["Row 3", "'x2'", "finite"]),
    ("inf", b"x1,x2,label\n1,2,a\n3,4,b\n-inf,6,a\n7,8,b\n", "csv", ["Row 4", "'x1'", "finite"]),
    ("empty cell", b"x1,x2,label\n1,2,a\n3,,b\n5,6,a\n7,8,b\n", "csv", ["Row 3", "'x2'", "empty", "Fill it in"]),
    ("empty label", b"x1,x2,label\n1,2,a\n3,4,\n5,6,a\n7,8,b\n", "csv", ["Row 3", "label", "empty"]),
    ("one column", b"x\n1\n2\n3\n4\n", "csv", ["only one column", "two numeric inputs"]),
    ("two columns", b"x,y\n1,2\n3,4\n5,6\n7,8\n", "csv", ["only 2 columns"]),
    ("ragged rows", b"x1,x2,label\n1,2,a\n3,4\n5,6,a\n7,8,b\n", "csv", ["Row 3", "2 values", "3 columns"]),
    ("binary garbage", bytes(range(256)) * 8, "csv", ["not text", "binary", "CSV"]),
    ("an image", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "csv", ["not text"]),
    (
        "more than 8 classes",
        b"x1,x2,label\n" + b"".join(f"{i},{i},c{i}\n".encode() for i in range(9)),
        "csv",
        ["9 different values", "at most 8"],
    ),
    ("one class", b"x1,x2,label\n1,2,a\n3,4,a\n5,6,a\n7,8,a\n", "csv", ["only one class", "at least two"]),
    ("too few points", b"x1,x2,label\n1,2,a\n3,4,b\n5,6,a\n", "csv", ["3 rows", "at least 4"]),
    ("too many points", b"x1,x2,label\n" + b"1,2,a\n" * (MAX_POINTS + 1), "csv", ["5,001 rows", "most is 5,000"]),
    (
        "latin-1",
        "x1,x2,label\n1,2,caf\u00e9\n3,4,b\n5,6,a\n7,8,b\n".encode("latin-1"),
        "csv",
        ["not UTF-8", "line 2", "0xE9", "Save the file as UTF-8"],
    ),
    ("utf-16", "x1,x2,label\n1,2,a\n".encode("utf-16"), "csv", ["UTF-16", "UTF-8"]),
    ("duplicate names", b"x,x,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n", "csv", ["appears twice", "Rename"]),
    ("bad json", b'[{"x1": 1,}', "json", ["not valid JSON"]),
    ("json not a list", b'{"a": 1}', "json", ["list of points"]),
    ("json nested", b'[{"x1": [1], "x2": 2, "label": "a"}]', "json", ["Point 1", "nested"]),
    (
        "json boolean",
        b"[" + b",".join([b'{"x1": true, "x2": 2, "label": "a"}'] * 4) + b"]",
        "json",
        ["Point 1", "true", "not a number"],
    ),
]


@pytest.mark.parametrize("body, kind, words", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_every_bad_file_gets_a_message_naming_the_place_and_the_fix(body, kind, words):
    with pytest.raises(DataError) as caught:
        parse_dataset(body, kind)
    message = english(caught.value.message)
    for word in words:
        assert word in message, (word, message)
    assert len(message) < 400
    # Every such message has its words in Chinese too, with nothing left unfilled.
    chinese = catalog("zh").render(caught.value.message)
    assert chinese != message and "{" not in chinese.replace('{"', "")


def test_bad_column_choices_are_explained():
    table = read_table(GOOD)
    with refused("no column 'z' for x1.*a, b, label"):
        build_dataset(table, x1="z")
    with refused("both the column 'a'"):
        build_dataset(table, x1="a", x2="a")
    with refused("both an input and the label"):
        build_dataset(table, x1="a", x2="b", label="a")
    with refused("problem must be"):
        build_dataset(table, problem="clustering")
    with refused("'label'.*'cat' is not a number"):
        build_dataset(table, problem="regression")


def test_unscaled_values_must_lie_in_the_plane():
    with refused("Row 3, column 'x1': 7 is outside the plane"):
        parse_dataset(b"x1,x2,label\n1,2,a\n7,4,b\n5,6,a\n1,1,b\n", scale="none")


def test_a_damaged_record_is_refused_plainly():
    with refused("damaged"):
        UserDataset.from_bytes(b'{"format": "neural-playground.dataset", "version": 1}')
    with refused("cannot read"):
        UserDataset.from_bytes(b'{"format": "neural-playground.dataset", "version": 99}')
