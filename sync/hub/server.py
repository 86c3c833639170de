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
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn

from . import admin
from .app import RateLimiter, create_app
from .config import Clock, HubConfig, utc_now
from .faults import FaultPlan


class HubServer:
    def __init__(
        self,
        db_path: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        config: HubConfig | None = None,
        clock: Clock = utc_now,
        test_hooks: bool = False,
    ) -> None:
        """`clock` is the hub's notion of now (receipt times); `test_hooks` exposes /v1/test/*."""
        self.db_path = Path(db_path)
        self.host = host
        self.config = config or HubConfig()
        self.faults = FaultPlan()
        self.app = create_app(self.db_path, self.config, self.faults, clock, test_hooks)
        self.limiter: RateLimiter = self.app.state.limiter
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
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # uvicorn writes a response's head and body separately; with Nagle on, the body waits
        # for the client's delayed ACK (~40 ms a keep-alive request). Accepted sockets inherit it.
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
            timeout_keep_alive=5,
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

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
