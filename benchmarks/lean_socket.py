"""A lean websocket client for the load benchmarks: many tabs in one process.

The load clients run on the same cores as the server they measure, so every
cycle they spend is taken from the server. The `websockets` client spent about
0.3 ms per received frame (its parser, assembler and task hand-offs); this one
reads the frames (RFC 6455: unmasked from the server, masked to it) straight
off an asyncio protocol, answers pings, and hands each whole message over as
bytes (binary) or str (text). It is a tool for `classroom.py`, not part of the
server; the tests use the `websockets` package.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections import deque
from urllib.parse import urlsplit

OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class Closed(Exception):
    """The server closed the connection."""


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """One final client frame: header, mask key, payload XOR the key."""
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    key = os.urandom(4)
    # XOR the whole payload at once: as integers, with the key repeated over it.
    repeated = (key * (length // 4 + 1))[:length]
    body = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(length, "big")
    return head + key + body


class _Reader(asyncio.Protocol):
    def __init__(self):
        self.buffer = bytearray()
        self.handshaken = False
        self.messages: deque = deque()
        self.partial: list[bytes] = []
        self.partial_opcode = 0
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self.buffer[: self.buffer.find(b"\r\n")])
            if b" 101 " not in status:
                self._finish()
                return
            del self.buffer[: end + 4]
            self.handshaken = True
            self._wake()
        self._parse()

    def _parse(self) -> None:
        buffer, at = self.buffer, 0
        while len(buffer) - at >= 2:
            first, second = buffer[at], buffer[at + 1]
            length, head = second & 0x7F, 2
            if length == 126:
                if len(buffer) - at < 4:
                    break
                (length,) = struct.unpack_from("!H", buffer, at + 2)
                head = 4
            elif length == 127:
                if len(buffer) - at < 10:
                    break
                (length,) = struct.unpack_from("!Q", buffer, at + 2)
                head = 10
            if len(buffer) - at < head + length:
                break
            payload = bytes(buffer[at + head : at + head + length])
            at += head + length
            self._frame(first & 0x80, first & 0x0F, payload)
        del buffer[:at]

    def _frame(self, final: int, opcode: int, payload: bytes) -> None:
        if opcode == OP_PING:
            self.transport.write(masked_frame(OP_PONG, payload))
        elif opcode == OP_CLOSE:
            self.transport.write(masked_frame(OP_CLOSE, payload[:2]))
            self._finish()
        elif opcode in (OP_TEXT, OP_BINARY, OP_CONTINUATION):
            if opcode != OP_CONTINUATION:
                self.partial_opcode = opcode
            self.partial.append(payload)
            if final:
                whole = b"".join(self.partial)
                self.partial = []
                self.messages.append(whole.decode() if self.partial_opcode == OP_TEXT else whole)
                self._wake()

    def connection_lost(self, exc) -> None:
        self._finish()

    def _finish(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


class LeanSocket:
    """`async with LeanSocket(url) as s`: `await s.send(text)`, `await s.recv()`."""

    def __init__(self, url: str):
        self.url = urlsplit(url)
        self.reader = _Reader()

    async def __aenter__(self) -> LeanSocket:
        loop = asyncio.get_running_loop()
        host, port = self.url.hostname, self.url.port or 80
        await loop.create_connection(lambda: self.reader, host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {self.url.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.reader.transport.write(request.encode())
        while not self.reader.handshaken:
            if self.reader.closed:
                raise Closed("the server refused the websocket")
            await self._wait()
        return self

    async def __aexit__(self, *exc) -> None:
        if not self.reader.closed:
            self.reader.transport.write(masked_frame(OP_CLOSE, struct.pack("!H", 1000)))
            self.reader.transport.close()

    async def send(self, text: str) -> None:
        if self.reader.closed:
            raise Closed("the connection is closed")
        self.reader.transport.write(masked_frame(OP_TEXT, text.encode()))

    async def recv(self, timeout: float | None = None) -> bytes | str | None:
        """The next whole message (bytes or str), or None after `timeout`
        seconds without one; raises Closed once the server closed."""
        if not self.reader.messages:
            if self.reader.closed:
                raise Closed("the connection is closed")
            await self._wait(timeout)
            if not self.reader.messages:
                if self.reader.closed:
                    raise Closed("the connection is closed")
                return None
        return self.reader.messages.popleft()

    async def _wait(self, timeout: float | None = None) -> None:
        loop = asyncio.get_running_loop()
        self.reader.waiter = waiter = loop.create_future()
        timer = None if timeout is None else loop.call_later(timeout, self.reader._wake)
        await waiter
        if timer is not None:
            timer.cancel()
