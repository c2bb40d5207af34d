"""Which hosts and origins the server serves: its defence against DNS rebinding.

A page on a foreign site can make its own name resolve to this machine's
address (DNS rebinding); the browser then sends that foreign name as `Host`
and as the `Origin`'s host, so an origin check that compares the two passes.
`HostPolicy` therefore first checks `Host` against the names the server is
meant to serve: localhost, the bind address, and the `--allow-host` and
`--allow-origin` ones. A server bound to every address (0.0.0.0 or ::) also
answers to any IP literal and to this machine's own name, which is how a
classroom reaches it; a rebinding page cannot make its origin an IP literal
of this machine without being that machine. `HostGuard` applies the policy
to every HTTP request and websocket before the app sees it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from engine.messages import Message

from . import i18n

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ALL_ADDRESSES = frozenset({"0.0.0.0", "::", ""})


def host_name(host_header: str | None) -> str:
    """The name in a Host header or netloc, lower case, without port or brackets."""
    if not host_header:
        return ""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostPolicy:
    """The Host names and page origins this server accepts."""

    def __init__(self, bind_host: str, allowed_hosts=(), allowed_origins=()):
        self.any_address = bind_host in ALL_ADDRESSES
        names = set(LOCAL_NAMES) | {host_name(h) for h in allowed_hosts}
        names |= {host_name(urlsplit(o).netloc) for o in allowed_origins}
        if not self.any_address:
            names.add(host_name(bind_host))
        else:
            machine = socket.gethostname().lower()
            names |= {machine, f"{machine}.local"}
        self.names = frozenset(n for n in names if n)
        self.origins = frozenset(allowed_origins)

    def host_allowed(self, host_header: str | None) -> bool:
        name = host_name(host_header)
        if name in self.names or name.endswith(".localhost"):
            return True
        return self.any_address and _is_ip(name)

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """Browsers always send Origin; a page of the same (allowed) host, or
        of a listed origin, may connect. Clients that send no Origin (scripts,
        tests) are not pages."""
        if origin is None or origin in self.origins:
            return True
        return host_header is not None and urlsplit(origin).netloc.lower() == host_header.lower()

    def refusal(self, host_header: str | None) -> Message:
        shown = (host_header or "(none)")[:80]
        return Message("host_not_served", {"host": shown, "name": host_name(host_header) or "NAME"})


class HostGuard:
    """ASGI middleware: requests and websockets for a host the policy does not
    accept are refused before the app sees them (HTTP 421 with the reason;
    a websocket is closed before it opens, which the client sees as 403)."""

    def __init__(self, app, policy: HostPolicy):
        self.app = app
        self.policy = policy

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        host = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"host"), None)
        if self.policy.host_allowed(host):
            return await self.app(scope, receive, send)
        message = self.policy.refusal(host)
        # Said in the language the browser prefers (server/i18n.py).
        accept = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"accept-language"), None)
        text = i18n.catalog(i18n.page_language(None, accept)).render(message)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "host not served"})
            return
        body = text.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 421,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
