"""The page, health check, static files and security headers over real HTTP."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


def test_healthz(server_url):
    status, _, body = get(server_url + "/healthz")
    assert status == 200 and body == '{"status":"ok"}'


def test_page_renders_every_choice_from_the_settings_table(server_url):
    status, headers, page = get(server_url + "/")
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"]
    for element_id in (
        "play-pause-button",
        "reset-button",
        "next-step-button",
        "iter-number",
        "learningRate",
        "activations",
        "regularizations",
        "regularRate",
        "problem",
        "optimizer",
        "loss",
        "init",
        "dropout",
        "speed",
        "heatmap",
        "linechart",
    ):
        assert f'id="{element_id}"' in page, element_id
    for value in ("leakyRelu", "gelu", "adam", "adadelta", "glorotNormal", "huber"):
        assert f'value="{value}"' in page, value


@pytest.mark.parametrize(
    "path", ["/static/../server/app.py", "/static/%2e%2e/server/app.py", "/static/..%2f..%2fetc%2fpasswd"]
)
def test_static_files_cannot_leave_their_folder(server_url, path):
    with pytest.raises(urllib.error.HTTPError) as error:
        get(server_url + path)
    assert error.value.code in (400, 404)


def test_websocket_from_another_origin_is_refused(server_url):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as refused:
        with connect(server_url.replace("http", "ws") + "/ws", origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    with connect(server_url.replace("http", "ws") + "/ws", origin=server_url) as same:
        same.send('{"type": "hello", "hash": "seed=0.1"}')
        assert isinstance(same.recv(timeout=10), bytes)
