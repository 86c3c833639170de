"""Run a hub in-process on a background thread (tests, the demo) or in the foreground (CLI).

    from sync.hub import admin
    from sync.hub.server import HubServer

    with HubServer("/tmp/hub.sqlite3") as hub:        # port 0: a free port is picked
        admin.create_org(hub.db_path, "acme", "Acme Outreach")
        admin.add_coverage(hub.db_path, "acme", "011")
        token = admin.create_token(hub.db_path, "staff", org_id="acme", staff_id="w1")
        print(hub.url)                                 # http://127.0.0.1:43817
        hub.faults.fail_next(status=500, times=3)      # see sync.hub.faults
        hub.limiter.configure(rate=1, burst=2)         # tighten the rate limit
        hub.bump_epoch()                               # simulate a restore from backup

`start()` returns once the socket accepts connections; `stop()` ends long-polls and waits for
the thread. The same object serves `cvi-hub serve` via `serve_forever()`.

Transport guards (HubConfig): every accepted connection gets TCP_NODELAY; a request head must be
complete within `header_timeout` (`transport.py`: httptools when installed, else h11), an idle
kept-alive connection closes after `keep_alive_timeout`; body limits and body time-outs are the
app's (`sync.hub.app.BodyLimit`).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn

from . import admin
from .app import AuthFailureLimiter, RateLimiter, create_app
from .config import Clock, HubConfig, Ticks, utc_now
from .dburl import DbTarget, parse_db
from .faults import FaultPlan
from .transport import guarded_protocol


class HubServer:
    def __init__(
        self,
        db_path: str | Path | DbTarget,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        config: HubConfig | None = None,
        clock: Clock = utc_now,
        test_hooks: bool = False,
        ticks: Ticks = time.monotonic,
    ) -> None:
        """`db_path` is what `cvi-hub serve --db` takes (`dburl.parse_db`): a SQLite file, or a
        PostgreSQL URL. `clock` is
        the hub's notion of now (receipt times), `ticks` the rate limits' clock; `test_hooks`
        exposes /v1/test/* (admin token only; never on by default)."""
        self.target = parse_db(db_path)
        # The SQLite file, or the PostgreSQL URL as given: what admin.* and create_app take.
        self.db_path: Path | str = self.target.path if self.target.path is not None else str(self.target.url)
        self.host = host
        self.config = config or HubConfig()
        self.faults = FaultPlan()
        self.app = create_app(self.db_path, self.config, self.faults, clock, test_hooks, ticks=ticks)
        self.limiter: RateLimiter = self.app.state.limiter
        self.auth_limiter: AuthFailureLimiter = self.app.state.auth_limiter
        self._requested_port = port
        self._sock: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("hub not started")
        return int(self._sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _bind(self) -> socket.socket:
        # Bind ourselves so port 0 resolves before uvicorn starts and `url` is known at once.
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only if it sees that
        # proto (the protocol class sets it on each connection anyway, see transport.py).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self._requested_port))
        sock.listen(128)
        sock.setblocking(False)
        return sock

    def start(self, timeout: float = 15.0) -> HubServer:
        if self._thread is not None:
            raise RuntimeError("hub already started")
        self._sock = self._bind()
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
            timeout_keep_alive=self.config.keep_alive_timeout,  # type: ignore[arg-type]
            http=guarded_protocol(self.config.header_timeout, self.config.http),
            loop="auto",  # uvloop when installed (it is with the hub's dependencies), else asyncio
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._sock]},
            name=f"cvi-hub:{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("hub failed to start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.app.state.notifier.closing = True
        self.app.state.notifier.bump()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._sock is not None:
            self._sock.close()
        self.app.state.db.close()
        self._server = self._thread = None

    def serve_forever(self, ready: threading.Event | None = None) -> None:
        """Start and block until stop() is called from elsewhere (e.g. a signal handler)."""
        self.start()
        if ready is not None:
            ready.set()
        assert self._thread is not None
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.2)

    def bump_epoch(self) -> str:
        return admin.bump_epoch(self.db_path)

    def connection_options(self, level: int, option: int, timeout: float = 5.0) -> dict[tuple[str, int], int]:
        """`getsockopt(level, option)` of every open client connection, by client address.

        Read on the server's side of each socket, in the server's event loop (its connection set
        is only touched there). For tests and diagnostics, e.g. that TCP_NODELAY is on.
        """
        loop = self.app.state.notifier.loop
        if self._server is None or loop is None:
            raise RuntimeError("hub not started")
        state = self._server.server_state

        async def collect() -> dict[tuple[str, int], int]:
            found: dict[tuple[str, int], int] = {}
            for connection in list(state.connections):
                transport = getattr(connection, "transport", None)
                sock = transport.get_extra_info("socket") if transport is not None else None
                peer = transport.get_extra_info("peername") if transport is not None else None
                if sock is not None and peer is not None:
                    found[(str(peer[0]), int(peer[1]))] = int(sock.getsockopt(level, option))
            return found

        return asyncio.run_coroutine_threadsafe(collect(), loop).result(timeout)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
