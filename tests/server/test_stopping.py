"""Stop conditions over the wire: playing stops by itself and the frame says why."""

from __future__ import annotations


def test_playing_stops_at_the_epoch_in_the_link_and_goes_on_when_asked(client):
    header, _ = client.hello("dataset=gauss&seed=0.3&stopEpoch=12&speed=5")
    assert "stopEpoch=12" in header["settings"]["hash"] and "stopped" not in header
    client.send(type="play")
    stopped, _ = client.frame(where=lambda h: "stopped" in h, timeout=30)
    assert stopped["epoch"] == 12 and stopped["playing"] is False
    assert stopped["stopped"] == {
        "epoch": 12,
        "code": "stopped_epoch",
        "params": {"epoch": 12},
        "message": "Stopped at epoch 12, as asked.",
    }
    client.send(type="step")
    after, _ = client.frame(where=lambda h: h["epoch"] == 13)
    assert "stopped" not in after


def test_a_bad_stop_value_is_moved_with_a_notice(client):
    header, _ = client.hello("seed=0.3&stopTestAccuracy=250")
    assert "stopTestAccuracy=250 is outside 0–100; using 100" in [n["message"] for n in header["settings"]["notices"]]
    client.send(type="set", settings={"stopTestLoss": "low"})
    error = client.error()
    assert "Stop at test loss must be a number" in error["message"]
    client.send(type="step")
    client.frame(where=lambda h: h["epoch"] == 1)
