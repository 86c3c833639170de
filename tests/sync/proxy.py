"""A fault-injecting TCP proxy on 127.0.0.1 that records every byte the client sends.

Each fault applies to the next `times` requests whose first bytes contain `match` (e.g.
b"POST /v1/sync/push"); everything else is forwarded untouched. Faults:
- refuse: stop listening (connection refused) until `heal()`;
- stall: take the request, never forward it (the client's read time-out fires);
- cut_response: forward the request, then close after `after` bytes of the response's first
  piece (on an event stream that is the response head);
- cut_at: forward the response until `after` bytes in all, however the hub's writes arrive,
  then reset (inside an event stream's event);
- reset_request: forward `after` bytes of the request, then reset both sides (RST);
- delay: sleep `seconds` before forwarding each chunk, both ways.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass

METHODS = (b"GET ", b"POST ", b"PUT ", b"DELETE ", b"PATCH ", b"HEAD ")


@dataclass
class Fault:
    kind: str
    match: bytes = b""
    times: int = 1
    after: int = 0
    seconds: float = 0.0


def _cut_length(fault: Fault | None, out: int, size: int) -> int | None:
    """How much of a response chunk goes through before the reset (None: all of it, no reset),
    `out` bytes having gone before it."""
    if fault is None:
        return None
    if fault.kind == "cut_response":
        return max(0, fault.after - out)
    if fault.kind == "cut_at" and out + size >= fault.after:
        return fault.after - out
    return None


def _rst(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)  # also wakes a thread blocked in recv() on it
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class Proxy:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.sent = bytearray()  # client -> hub, every byte, for the privacy scan
        self.received = bytearray()  # hub -> client
        self.faults: list[Fault] = []
        self.requests = 0
        self._lock = threading.Lock()
        self._closing = False
        self._conns: list[socket.socket] = []
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def _listen(self, port: int) -> socket.socket:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()
        return sock

    # --- control -------------------------------------------------------------------------------

    def add(self, kind: str, match: bytes = b"", times: int = 1, after: int = 0,
            seconds: float = 0.0) -> None:
        with self._lock:
            self.faults.append(Fault(kind, match, times, after, seconds))
        self.drop_connections()  # pooled keep-alive connections must meet the fault too

    def refuse(self) -> None:
        self._stop_listening()
        self.drop_connections()

    def _stop_listening(self) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        except OSError:
            pass
        self._listener.close()

    def heal(self) -> None:
        with self._lock:
            self.faults.clear()
        self.drop_connections()
        if self._listener.fileno() == -1:
            self._listener = self._listen(self.port)

    def drop_connections(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            _rst(conn)

    def close(self) -> None:
        self._closing = True
        self._stop_listening()
        self.drop_connections()

    # --- plumbing ------------------------------------------------------------------------------

    def _take(self, head: bytes) -> Fault | None:
        with self._lock:
            self.requests += 1
            for fault in self.faults:
                if fault.times > 0 and fault.match in head:
                    fault.times -= 1
                    return fault
        return None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _rst(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
            state: dict[str, object] = {"fault": None, "out": 0}
            threading.Thread(target=self._up, args=(client, upstream, state), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client, state), daemon=True).start()

    def _up(self, client: socket.socket, upstream: socket.socket, state: dict[str, object]) -> None:
        in_request = 0
        while True:
            try:
                chunk = client.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            with self._lock:
                self.sent += chunk
            if chunk.startswith(METHODS):
                state["fault"], state["out"], in_request = self._take(chunk[:200]), 0, 0
            fault = state["fault"]
            assert fault is None or isinstance(fault, Fault)
            if fault is not None and fault.kind == "stall":
                continue  # swallow: the hub never hears of it
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.seconds)
            if fault is not None and fault.kind == "reset_request" and in_request + len(chunk) > fault.after:
                upstream.sendall(chunk[: max(0, fault.after - in_request)])
                _rst(upstream)
                _rst(client)
                return
            in_request += len(chunk)
            try:
                upstream.sendall(chunk)
            except OSError:
                break
        _rst(upstream)

    def _down(self, upstream: socket.socket, client: socket.socket, state: dict[str, object]) -> None:
        while True:
            try:
                chunk = upstream.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            fault = state["fault"]
            out = int(state["out"])  # type: ignore[call-overload]
            assert fault is None or isinstance(fault, Fault)
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.seconds)
            cut = _cut_length(fault, out, len(chunk))
            if cut is not None:
                chunk = chunk[:cut]
                with self._lock:
                    self.received += chunk
                try:
                    client.sendall(chunk)
                finally:
                    _rst(client)
                    _rst(upstream)
                return
            state["out"] = out + len(chunk)
            with self._lock:
                self.received += chunk
            try:
                client.sendall(chunk)
            except OSError:
                break
        try:
            client.close()
        except OSError:
            pass
