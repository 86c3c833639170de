"""The hub's HTTP/1.1 connections: uvicorn's protocols with a request-head deadline and
TCP_NODELAY, on httptools (a C parser) when it is installed and on h11 otherwise.

uvicorn closes a kept-alive connection that stays silent, but a connection that sends half a
request line (or nothing at all, on a fresh connection) is kept for ever: a hundred such sockets
pin a hundred file descriptors. Here the head must be complete within `header_timeout` seconds
of the connection opening, or of the first byte of a later head on a kept-alive connection
(before that byte uvicorn's own keep-alive timer runs).

Why httptools by default: h11 parses in Python. With httptools and uvloop (uvicorn's "auto" loop
when it is installed) a small authenticated GET on a kept-alive loopback connection took p50
2.5-3.5 ms instead of 4.6-5.0 ms on the 2-core test machine. Both come with the hub's
dependencies; h11 stays the fallback (`HubConfig.http`), and the guards are tested on both.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HTTP_CHOICES = ("auto", "httptools", "h11")


def _set_nodelay(transport: asyncio.BaseTransport) -> None:
    # uvicorn writes a response's head and body in two writes; with Nagle on, the body waits for
    # the client's delayed ACK (~40 ms per request on a kept-alive connection). asyncio only sets
    # TCP_NODELAY itself when the socket's proto is IPPROTO_TCP, and inheriting it from the
    # listening socket is a Linux habit, so set it on every connection here.
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _HeadDeadline:
    """The head timer both protocols share. `_awaiting_head()` says whether the connection is
    between requests or inside an unfinished head (the protocol's own parser knows)."""

    header_timeout: float = 5.0
    _head_timer: asyncio.TimerHandle | None = None
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport

    def _awaiting_head(self) -> bool:
        raise NotImplementedError

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        # Nothing has been answered on this cycle (no request was parsed), so just close, as
        # uvicorn's keep-alive time-out does.
        if self._awaiting_head() and not self.transport.is_closing():
            self.transport.close()


class GuardedH11Protocol(_HeadDeadline, H11Protocol):
    """uvicorn's h11 protocol with the head deadline and TCP_NODELAY."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _set_nodelay(transport)
        self._arm_head_timer()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # h11 keeps the client side IDLE until a whole head is parsed. Bytes of a head have come
        # (uvicorn has just cancelled its keep-alive timer): the rest must follow in time.
        if self._awaiting_head():
            if self._head_timer is None:
                self._arm_head_timer()
        else:
            self._cancel_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _awaiting_head(self) -> bool:
        return self.conn.their_state is h11.IDLE


def _httptools_protocol() -> type[Any] | None:
    if importlib.util.find_spec("httptools") is None:
        return None
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedHttpToolsProtocol(_HeadDeadline, HttpToolsProtocol):  # type: ignore[misc]
        """uvicorn's httptools protocol with the head deadline and TCP_NODELAY."""

        _in_head = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            _set_nodelay(transport)
            self._arm_head_timer()  # the first head: from the connection opening

        def on_message_begin(self) -> None:
            super().on_message_begin()
            # A head's first byte. On a fresh connection the timer runs already; on a kept-alive
            # one uvicorn's keep-alive timer has just been cancelled: the rest must follow in time.
            self._in_head = True
            if self._head_timer is None:
                self._arm_head_timer()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._cancel_head_timer()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            super().connection_lost(exc)

        def _awaiting_head(self) -> bool:
            # No head begun yet (a fresh connection's timer) or one begun and unfinished.
            return self._in_head or self.cycle is None

    return GuardedHttpToolsProtocol


def guarded_protocol(header_timeout: float, http: str = "auto") -> type[Any]:
    """The protocol class for uvicorn's `http=`: httptools for "auto" when installed, else h11,
    with this head deadline (uvicorn builds protocol instances itself)."""
    if http not in HTTP_CHOICES:
        raise ValueError(f"http must be one of {', '.join(HTTP_CHOICES)}, not {http!r}")
    base: type[Any] | None = GuardedH11Protocol
    if http in ("auto", "httptools"):
        fast = _httptools_protocol()
        if fast is None and http == "httptools":
            raise ValueError("http='httptools' but httptools is not installed")
        base = fast or GuardedH11Protocol
    assert base is not None
    return type(base.__name__, (base,), {"header_timeout": header_timeout})
