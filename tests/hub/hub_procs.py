"""Real `cvi-hub serve` processes for the multi-process tests and the hub benchmark.

    hub = HubProcess(db_url, "a", log_dir).start()     # `cvi-hub serve --db URL --port 0`
    hub.url                                           # http://127.0.0.1:PORT, from its stdout
    hub.kill()                                        # SIGKILL, as a crash (reaped, bounded)
    hub.start()                                       # again, on the same port by default
    hub.stop()                                        # SIGTERM, then SIGKILL after a deadline

`seed_orgs(db, {"org1": ["011"]}, devices_per_org=3)` makes the organisations, their coverage,
a staff token per device and a CPD token with `sync.hub.admin` on one open database (a SQLite
path or a postgresql:// URL, whichever `sync.hub.db` can open). `incident_record(...)` is a
valid self-found incident (`hub_helpers.record`: envelope + content_hash, as the desktop does);
CPD's notifications are `hub_helpers.notification(district)`.

Everything binds to 127.0.0.1 only, and every wait here has a deadline.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from hub_helpers import record

from sync.hub import admin

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"cvi-hub listening on (http://\S+)")
# The districts the benchmark spreads its organisations over (each one a real CPD district).
DISTRICTS = ("001", "002", "003", "004", "005", "006", "007", "008", "009", "010",
             "011", "012", "014", "015", "016", "017", "018", "019", "020", "022")


class HubProcessError(RuntimeError):
    """A hub process did not start (its log's tail is in the message) or would not stop."""


class HubProcess:
    """One `cvi-hub serve` child process on `db`; its stderr (JSON request logs) goes to a file."""

    def __init__(self, db: str | Path, name: str, log_dir: Path, *, port: int = 0,
                 extra_args: Sequence[str] = ()) -> None:
        self.db = str(db)
        self.name = name
        self.log_path = log_dir / f"hub-{name}.log"
        self.port = port
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.starts = 0
        self._log: IO[str] | None = None

    def command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "sync.hub.cli", "serve", "--db", self.db,
                "--host", "127.0.0.1", "--port", str(port), *self.extra_args]

    def start(self, timeout: float = 30.0, *, same_port: bool = True) -> HubProcess:
        """Start the process and return once it printed its listening line (within `timeout`).

        A restart reuses the previous port unless `same_port` is False (the hub sets SO_REUSEADDR,
        so a port just freed by a kill is bound again at once)."""
        if self.proc is not None and self.proc.poll() is None:
            raise HubProcessError(f"hub {self.name} is already running")
        port = self.port if same_port else 0
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in _reap
        self._log.write(f"--- start {self.starts + 1} ---\n")
        self._log.flush()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            self.command(port), cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=self._log, text=True, bufsize=1,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(self.proc.stdout, lines), daemon=True,
                         name=f"hub-{self.name}-stdout").start()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._reap(signal.SIGKILL)
                raise HubProcessError(f"hub {self.name} printed no listening line in {timeout:.0f} s"
                                      f"{self.log_tail()}")
            try:
                line = lines.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None:
                    self._reap(signal.SIGKILL)
                    raise HubProcessError(f"hub {self.name} exited with {self.proc.returncode} "
                                          f"before listening{self.log_tail()}") from None
                continue
            if line is None:
                continue  # stdout closed: the poll above sees the exit
            found = LISTENING.search(line)
            if found:
                self.url = found.group(1)
                self.port = int(self.url.rsplit(":", 1)[1])
                self.starts += 1
                return self

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise HubProcessError(f"hub {self.name} not started")
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process dies mid-whatever (no shutdown, no flush), and is reaped."""
        self._reap(signal.SIGKILL)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (the hub's clean stop), SIGKILL if it is still there after `timeout`."""
        self._reap(signal.SIGTERM, timeout)

    def _reap(self, sig: signal.Signals, timeout: float = 10.0) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired as exc:
                    raise HubProcessError(f"hub {self.name} (pid {proc.pid}) would not die") from exc
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def rss_kib(self) -> int:
        """The process's resident set size (KiB), from /proc (Linux)."""
        return rss_kib(self.pid)

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n  " + "\n  ".join(text[-lines:]) if text else ""


def _pump(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    """Read the child's stdout to its end (so a full pipe never blocks it)."""
    if stream is None:
        return
    with contextlib.suppress(ValueError, OSError):
        for line in stream:
            lines.put(line)
    lines.put(None)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise HubProcessError(f"no VmRSS for pid {pid}")


@contextlib.contextmanager
def hub_processes(db: str | Path, log_dir: Path, names: Sequence[str] = ("a", "b"),
                  extra_args: Sequence[str] = ()) -> Iterator[list[HubProcess]]:
    """Start one hub process per name on `db`; every one is killed on the way out, whatever happened."""
    hubs = [HubProcess(db, name, log_dir, extra_args=extra_args) for name in names]
    try:
        for hub in hubs:
            hub.start()
        yield hubs
    finally:
        for hub in hubs:
            with contextlib.suppress(HubProcessError):
                hub.stop(timeout=5.0)


# --- seeding -----------------------------------------------------------------------------------


def open_hub_db(db: str | Path) -> Any:
    """An open hub database for `sync.hub.admin`: `sync.hub.db.open_database` when the hub has it
    (a SQLite path or a postgresql:// URL), else the SQLite `Database`."""
    from sync.hub import db as hub_db
    from sync.hub.dburl import DbKind, parse_db

    opener = getattr(hub_db, "open_database", None)
    if opener is not None:
        return opener(db)
    target = parse_db(db)
    if target.kind is not DbKind.SQLITE or target.path is None:
        # Never hand a URL to the SQLite `Database`: it would make a folder named after it.
        raise HubProcessError("this hub has no PostgreSQL engine yet (no sync.hub.db.open_database)")
    return hub_db.Database(target.path)


@dataclass
class Seeded:
    """What `seed_orgs` made: the CPD token and each organisation's device tokens."""

    cpd: str
    districts: dict[str, list[str]]
    tokens: dict[str, list[str]] = field(default_factory=dict)

    def devices(self) -> list[tuple[str, str]]:
        """(org, token) for every device, organisations interleaved."""
        return [(org, token) for org, tokens in self.tokens.items() for token in tokens]

    def covering(self, district: str) -> list[str]:
        return [org for org, districts in self.districts.items() if district in districts]


def seed_orgs(db: str | Path, districts: dict[str, list[str]], devices_per_org: int) -> Seeded:
    database = open_hub_db(db)
    try:
        seeded = Seeded(admin.create_token(database, "cpd", label="cpd integration"), districts)
        for org, covered in districts.items():
            admin.create_org(database, org, f"Org {org}")
            for district in covered:
                admin.add_coverage(database, org, district)
            seeded.tokens[org] = [
                admin.create_token(database, "staff", org_id=org, staff_id=f"{org}-w{n}")
                for n in range(devices_per_org)
            ]
        return seeded
    finally:
        database.close()


def spread_orgs(orgs: int, per_org: int = 2) -> dict[str, list[str]]:
    """`orgs` organisations, each covering `per_org` neighbouring districts (wrapping round), so
    every district is covered by about `orgs * per_org / 20` organisations."""
    return {
        f"org{n:02d}": [DISTRICTS[(n + k) % len(DISTRICTS)] for k in range(per_org)]
        for n in range(orgs)
    }


# --- records -----------------------------------------------------------------------------------


def incident_record(incident_id: str | None = None, district: str = "011") -> dict[str, Any]:
    """A self-found incident (version 1, audience org) as the desktop sends it."""
    incident_id = incident_id or str(uuid.uuid4())
    data = {
        "id": incident_id, "source": "community", "incident_type": "nonfatal_shooting",
        "occurred_at": "2026-11-02T14:00:00+00:00", "district": district, "status": "new",
        "version": 1,
    }
    return record("incident", incident_id, 1, "org", data)
