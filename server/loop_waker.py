"""LoopWaker: wakes an asyncio event loop from another thread without letting go of the GIL.

The engine threads hand finished turns to the event loop by waking it.
`loop.call_soon_threadsafe` wakes it with a `socket.send` on the loop's
self-pipe, and `socket.send` lets go of the GIL around its system call: the
loop thread, just woken, takes the GIL, and the engine thread that woke it
then waits for the GIL (up to a switch interval) before it can start its next
turn. In a class of 30 tabs that wait was a sixth of an engine thread's time.

Here the wake-up byte goes into a pipe of our own through libc's `write`
called by `ctypes.PyDLL`, which keeps the GIL during the call. The loop
thread wakes and takes the GIL when the engine thread next lets it go (in its
next compiled kernel, which runs without the GIL), so the loop sends frames
while the engine trains, instead of one waiting for the other.

Where a loop cannot watch a file descriptor (Windows' proactor loop) or libc
cannot be reached, it falls back on `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import threading
import weakref
from collections.abc import Callable


def _gil_holding_write() -> Callable[[int, bytes, int], int] | None:
    """libc's write(fd, buffer, count), called with the GIL held (None: not reachable)."""
    try:
        write = ctypes.PyDLL(None).write
    except (OSError, AttributeError, TypeError):
        return None
    write.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
    write.restype = ctypes.c_ssize_t
    return write


class LoopWaker:
    """Calls `callback` on `loop` soon after any thread calls `wake()`.

    Made on the loop's thread. Several wakes before the loop gets to them
    give one call or more (the callback must take whatever is there).
    `close()` (on the loop's thread) stops it; `wake()` afterwards returns
    False and writes nothing, so a descriptor number the system hands out
    again is never written to.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, callback: Callable[[], None]):
        self._loop = loop
        self._callback = callback
        self._lock = threading.Lock()  # `wake` and `close` exclude each other: no write after close
        self._closed = False
        self._write = _gil_holding_write()
        self._fds: tuple[int, int] | None = None
        if self._write is None:
            return
        read_fd, write_fd = os.pipe()
        for fd in (read_fd, write_fd):
            os.set_blocking(fd, False)
        try:
            loop.add_reader(read_fd, self._on_readable)
        except NotImplementedError:
            os.close(read_fd)
            os.close(write_fd)
            return
        self._fds = (read_fd, write_fd)
        # Closed by `close()`, or when the waker is collected (its loop let go of it).
        self._release = weakref.finalize(self, _close_all, (read_fd, write_fd))

    def wake(self) -> bool:
        """From any thread: have the loop call the callback. False: closed (or the loop is)."""
        with self._lock:
            if self._closed or self._loop.is_closed():
                return False
            if self._fds is None:
                try:
                    self._loop.call_soon_threadsafe(self._callback)
                except RuntimeError:  # the loop closed meanwhile
                    return False
                return True
            # A full pipe (the write fails with EAGAIN) already holds a wake-up.
            self._write(self._fds[1], b"\0", 1)
            return True

    def _on_readable(self) -> None:
        try:
            while os.read(self._fds[0], 4096):
                pass
        except BlockingIOError:  # drained
            pass
        self._callback()

    def close(self) -> None:
        """Stop waking (on the loop's thread); idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            fds, self._fds = self._fds, None
        if fds is None:
            return
        if not self._loop.is_closed():
            self._loop.remove_reader(fds[0])
        self._release()


def _close_all(fds: tuple[int, ...]) -> None:
    for fd in fds:
        os.close(fd)
