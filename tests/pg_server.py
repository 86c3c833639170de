"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl on a private socket.

    server = PgServer.find_or_skip_reason()      # (server, None) or (None, "why not")
    server.start()
    url = server.create_database("hub_a")         # postgresql://cvihub@/hub_a?host=...&port=...
    server.stop()

Debian's `initdb`/`pg_ctl` refuse to run as root, so as root the server runs as the `postgres`
user (`runuser -u postgres --`) in a directory that user owns, under /tmp (pytest's own tmp
dirs are 0700 and root's). It listens only on its own Unix socket directory and on 127.0.0.1
at a free port, with fsync off (a test server: its data is thrown away), and is stopped with
`pg_ctl stop -m immediate`. The hub connects as `cvihub`, a superuser made by initdb
(`--username`), trusted on the socket and on loopback; the hub itself then drops to a role that
does not own its tables (see sync/hub/db_postgres.py).

Under CI (`CI` set) a missing PostgreSQL is an error, never a skip: `.ci/run` installs it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "cvihub"


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One PostgreSQL cluster in a temporary directory, started and stopped by the caller."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="cvi-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self._counter = 0

    @staticmethod
    def find_or_skip_reason() -> tuple[PgServer | None, str | None]:
        bin_dir = _bin_dir()
        if bin_dir is None:
            return None, "PostgreSQL is not installed (no initdb; apt-get install postgresql)"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return None, "running as root and there is no `postgres` user to run initdb as"
        return PgServer(bin_dir), None

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout)

    def start(self) -> PgServer:
        self.sockets.mkdir()
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "--username", SUPERUSER,
            "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -k {self.sockets}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=300 -c shared_buffers=64MB"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )
        return self

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except (subprocess.SubprocessError, OSError):
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{database}?host={self.sockets}&port={self.port}"

    def tcp_url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            [str(self.bin_dir / "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.sockets), "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-c", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )
        return out.stdout

    def create_database(self, prefix: str = "hub") -> str:
        """A new empty database with a unique name; returns its URL."""
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}_{int(time.time() * 1000) % 100000}"
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def bin(self, name: str) -> str:
        """A PostgreSQL client program (pg_dump, psql, ...) of this server's version."""
        return str(self.bin_dir / name)
