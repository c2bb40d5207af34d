"""Fixtures: one real server for the module's tests, and a connected client."""

from __future__ import annotations

import pytest

from .support import Client, running_server


@pytest.fixture(scope="session")
def server_url():
    with running_server("--hold-seconds", "3") as base:
        yield base


@pytest.fixture
def client(server_url):
    c = Client(server_url)
    yield c
    c.close()
