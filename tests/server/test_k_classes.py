"""K classes over the wire: the layout ends with K, the map comes as winner
and confidence grids, frames carry accuracy and the confusion matrix (or R²
and RMSE: every paused frame, every fourth while playing), and bad class
counts in a link are moved with a notice."""

from __future__ import annotations

import numpy as np

from server.frames import dequantize

from .support import Client


def test_a_three_class_spiral_frame(client):
    header, grids = client.hello("dataset=spiral&classes=3&networkShape=8,8&seed=0.3")
    layout = header["layout"]
    assert layout["layers"] == [2, 8, 8, 3]
    assert (layout["labelKind"], layout["classes"]) == ("index", 3)
    assert len(layout["palette"]) == 3 and len(set(layout["palette"])) == 3
    assert header["grids"]["output"] is None
    winners = np.frombuffer(grids["outputClass"], np.uint8)
    confidence = np.frombuffer(grids["outputConfidence"], np.uint8)
    assert winners.size == confidence.size == 10000 and winners.max() <= 2
    assert confidence.min() >= 255 // 3  # a winner among three has at least a third
    thumbs = dequantize(grids["thumbnails"]).reshape(-1, 10, 10)
    assert thumbs.shape[0] == 7 + 16 + 3  # features, hidden nodes, the three outputs
    outputs = thumbs[-3:]
    assert np.allclose(outputs.sum(axis=0), 1.0, atol=0.03)  # probabilities (within a byte's step each)
    test = header["metrics"]["test"]
    assert len(test["confusion"]) == 3 and sum(map(sum, test["confusion"])) == len(header["data"]["test"])
    assert 0 <= test["accuracy"] <= 1
    assert {p[2] for p in header["data"]["train"]} == {0.0, 1.0, 2.0}
    for _ in range(20):
        client.send(type="step")
    stepped, _ = client.frame(where=lambda h: h["epoch"] == 20)
    assert stepped["metrics"]["train"]["accuracy"] > test["accuracy"]


def test_two_classes_keep_the_signed_map_and_gain_accuracy(client):
    header, grids = client.hello("dataset=gauss&seed=0.3")
    assert header["layout"]["layers"][-1] == 1 and header["layout"]["labelKind"] == "sign"
    assert header["layout"]["palette"] == ["#f59322", "#0877bd"]
    assert len(grids["output"]) == 10000 and header["grids"]["outputClass"] is None
    assert len(header["metrics"]["test"]["confusion"]) == 2


def test_regression_frames_carry_r2_and_rmse(client):
    header, _ = client.hello("problem=regression&seed=0.3")
    assert header["layout"]["classes"] is None and header["layout"]["labelKind"] == "real"
    assert set(header["metrics"]["test"]) >= {"r2", "rmse"} and header["metrics"]["test"]["rmse"] > 0


def test_bad_class_counts_are_moved_with_a_notice_and_the_session_runs(server_url):
    for value, used, words in (
        ("1", 2, "classes=1 is outside 2–8; using 2"),
        ("99", 8, "classes=99 is outside 2–8; using 8"),
        ("abc", 2, "classes=abc is not a number; using 2"),
    ):
        client = Client(server_url)
        try:
            header, _ = client.hello(f"dataset=spiral&classes={value}&seed=0.2")
            assert words in [notice["message"] for notice in header["settings"]["notices"]]
            assert header["settings"]["values"]["classes"] == used
            client.send(type="step")
            stepped, _ = client.frame(where=lambda h: h["epoch"] == 1)
            assert stepped["layoutVersion"] == header["layoutVersion"]
        finally:
            client.close()
    client = Client(server_url)
    try:
        header, _ = client.hello("problem=regression&classes=5&seed=0.2")
        notices = header["settings"]["notices"]
        assert "Classes 5 does not apply to regression; ignored" in [notice["message"] for notice in notices]
        assert [notice["code"] for notice in notices] == ["classes_regression"]
        assert "classes=" not in header["settings"]["hash"]
    finally:
        client.close()


def test_changing_classes_live_rebuilds_with_k_outputs(client):
    client.hello("dataset=circle&seed=0.3")
    client.send(type="set", settings={"classes": 5})
    header, grids = client.frame(where=lambda h: h.get("layout") and h["layout"]["layers"][-1] == 5)
    assert header["settings"]["values"]["loss"] == "crossEntropy"
    assert "classes=5" in header["settings"]["hash"]
    assert np.frombuffer(grids["outputClass"], np.uint8).max() <= 4
    client.send(type="set", settings={"classes": 0})
    client.frame(where=lambda h: h.get("settings") is not None and h["settings"]["values"]["classes"] == 2)
    assert any("Classes 0 is outside 2–8; using 2" in n["message"] for n in client.notices)


def test_metrics_travel_in_every_fourth_frame_while_playing_and_in_every_paused_one(client):
    client.hello("dataset=xor&seed=0.4")
    client.send(type="play")
    playing = []
    while len(playing) < 24:
        header = client.frame()[0]
        if header["playing"]:
            playing.append("metrics" in header)
    runs, gap = [], 0
    for has in playing:
        gap = 0 if has else gap + 1
        runs.append(gap)
    assert max(runs) <= 3 and sum(playing) >= 24 // 4 - 1  # never more than three frames without
    assert sum(playing) < len(playing)  # and not in every one
    client.send(type="pause")
    paused = client.frame(where=lambda h: not h["playing"])[0]
    assert "metrics" in paused
    client.send(type="step")
    stepped = client.frame(where=lambda h: not h["playing"] and h["epoch"] > paused["epoch"])[0]
    assert stepped["metrics"]["test"]["accuracy"] is not None
