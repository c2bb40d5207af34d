"""The `playground` command: headless training, and a plain install that serves the page."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
import venv

from tests.reference import VECTOR_DIR

from .support import ROOT, free_port


def test_train_prints_one_json_line_per_epoch_matching_the_original():
    reference = json.loads((VECTOR_DIR / "circle-tanh-defaults.json").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "server", "train", reference["hash"], "--epochs", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["epoch"] for line in lines] == list(range(21))
    for line, (epoch, train, test) in zip(lines, reference["loss"]):
        assert line["epoch"] == epoch
        assert abs(line["train_loss"] - train) <= 1e-6 * abs(train)
        assert abs(line["test_loss"] - test) <= 1e-6 * abs(test)


def _train(link: str, epochs: int) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "server", "train", link, "--epochs", str(epochs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_train_reports_accuracy_for_classification_and_not_for_regression():
    lines = _train("#dataset=xor&seed=0.5", 3)
    assert all(0 <= line["train_accuracy"] <= 1 and 0 <= line["test_accuracy"] <= 1 for line in lines)
    assert "train_accuracy" not in _train("#problem=regression&seed=0.5", 1)[-1]


def test_four_gaussian_blobs_are_learnt_in_500_epochs():
    lines = _train("#dataset=gauss&classes=4&networkShape=8&learningRate=0.1&seed=0.3", 500)
    assert len(lines) == 501 and lines[-1]["test_accuracy"] >= 0.9


def test_a_three_arm_spiral_is_learnt_with_three_layers_of_eight_and_adam():
    link = (
        "#dataset=spiral&classes=3&networkShape=8,8,8&optimizer=adam&learningRate=0.01"
        "&regularization=L2&regularizationRate=0.001&seed=0.3"
    )
    lines = _train(link, 1500)
    assert lines[-1]["test_accuracy"] >= 0.8 and lines[-1]["train_accuracy"] >= 0.9


def test_train_accepts_a_full_link_and_reports_notices():
    link = "https://playground.tensorflow.org/#activation=toString&dataset=xor&seed=0.5"
    result = subprocess.run(
        [sys.executable, "-m", "server", "train", link, "--epochs", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert len(result.stdout.splitlines()) == 3
    assert "activation" in result.stderr


def test_plain_install_serves_the_page_from_any_folder(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True, timeout=600, capture_output=True)
    port = free_port()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    server = subprocess.Popen(
        [str(env_dir / "bin" / "playground"), "serve", "--port", str(port)],
        cwd=elsewhere,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=1) as response:
                    page = response.read().decode()
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the installed server did not start"
                time.sleep(0.2)
        assert 'id="play-pause-button"' in page
        with urllib.request.urlopen(base + "/static/js/main.js", timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    lines = server.stdout.read().decode().splitlines()
    assert f"http://127.0.0.1:{port}/" in lines[0]
    # a fresh install has no compiled kernel yet: the server says it prepares one
    assert any(line.startswith("Preparing the training engine") for line in lines[1:])


def test_ctrl_c_stops_the_server_cleanly_even_with_a_tab_training(tmp_path):
    import signal

    from .support import Client

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
    tab = Client(base)
    tab.hello("seed=0.1")
    tab.send(type="play")
    tab.frame(where=lambda h: h["epoch"] >= 3)
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=15) == 0
    output = server.stdout.read().decode()
    assert output.splitlines()[0].startswith("Neural Playground is running: open http://127.0.0.1:")
    assert "Traceback" not in output
