"""The hub's SQLite store: schema, connections and transactions.

One file, WAL, `synchronous=FULL`; every write is one `BEGIN IMMEDIATE` transaction, so writers
are serialised and the change sequence (`changes.seq`) is assigned in commit order. That is
what makes the pull cursor gap-free: a reader can never see seq N+1 before seq N committed.

Tables:
- `meta`: epoch (random id made with the file; bumped to simulate a restore),
  cursor_generation (bumped to expire every cursor issued so far), cursor_key (the hub's secret
  for authenticating pull cursors; never leaves the file), legacy_cursor_top (on files upgraded
  from schema 2: the last hub-wide seq an old-style cursor may name).
- `orgs`, `coverage` (org -> police district), `tokens` (sha256 of the bearer token only;
  `last_seen_at` = its last successful sync call, written at most every ~30 s).
- `staff`: each organisation's people (display name, worker/supervisor, active). A token's
  staff id names a row here; a deactivated row makes that person's tokens answer 403.
- `notifications`: every version CPD posted; `routes`: which org got it and when.
- `records`: every stored record version, per organisation, unique on
  (org_id, audience, kind, id, version) -- the idempotency key, scoped by org so one
  organisation's ids can never collide with (or reveal) another's. `author` is the staff id
  of the token that pushed it (NULL for hub-made versions).
- `changes`: the change log that pull pages through. `seq` is hub-wide (commit order across
  all organisations); `org_seq` is the organisation's own gap-free position (1, 2, 3, ... per
  org), and the only one a cursor carries, so a cursor says nothing about other organisations'
  write volume. `org_seq` is MAX + 1 for the org inside the write transaction: writers are
  serialised here; a database with concurrent writers must hold a per-organisation lock to
  COMMIT while assigning it (see `service._log_change`).

Schema and migrations live in `migrations.py` (both engines); the PostgreSQL engine in
`db_postgres.py`. `open_database(target)` opens either from a path or a postgresql:// URL; both
have the same API (`write(org=None)`, `read(org=None)`, `conn()`, `meta`, `epoch`, `listen`,
`close`, `kind`, `target`, `IntegrityError`/`BusyError`). SQLite ignores `org` (one process,
one file: its isolation is the service's WHERE filters).

Engine-specific parts of the hub's rules are the module functions below (`feed_lock`,
`next_org_seq`, `notify_change`, `json_text`), each a no-op or the SQLite spelling for a
sqlite3 connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import dburl
from .migrations import (  # re-exported: tests and tools reach the SQLite steps through db
    _UPGRADES,
    SCHEMA_VERSION,
    SQLITE_SCHEMA,
    MetaReads,
    SchemaTooNew,
    _upgrade_1_to_2,
    _upgrade_2_to_3,
    run_sqlite,
)

__all__ = [
    "BUSY_ERRORS", "INTEGRITY_ERRORS", "SCHEMA", "SCHEMA_VERSION", "Database", "SchemaTooNew",
    "_UPGRADES", "_upgrade_1_to_2", "_upgrade_2_to_3", "open_database",
]

SCHEMA = SQLITE_SCHEMA


def _engine_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    integrity: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
    busy: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    try:
        from . import db_postgres
    except ImportError:  # psycopg is in the [hub] extra; a SQLite-only install may lack it
        return integrity, busy
    return integrity + db_postgres.INTEGRITY_ERRORS, busy + db_postgres.BUSY_ERRORS


# Engine-neutral names for what callers catch: a constraint violation / "busy, retry".
INTEGRITY_ERRORS, BUSY_ERRORS = _engine_errors()


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly what
    # the code says it is.
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class Database(MetaReads):
    """Thread-local connections to one hub file. Safe to share across threads."""

    kind = "sqlite"
    IntegrityError = (sqlite3.IntegrityError,)
    BusyError = (sqlite3.OperationalError,)

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.target = str(self.path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        init_db(self.path)

    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(
        self, org: str | None = None, busy_timeout: float | None = None
    ) -> Iterator[sqlite3.Connection]:
        """One write transaction; commits on success (durably: synchronous=FULL). `busy_timeout`
        (seconds): give up sooner than 30 s waiting for the write lock."""
        conn = self.conn()
        if busy_timeout is not None:
            conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            if busy_timeout is not None:
                conn.execute("PRAGMA busy_timeout=30000")

    @contextmanager
    def read(self, org: str | None = None) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs. Inside a transaction already open on this
        thread (a helper such as `latest_seq` called within a pull's read) it reads in that one,
        as PostgreSQL's nested transaction (a savepoint) does."""
        conn = self.conn()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def listen(self, callback: Callable[[str | None], None]) -> bool:
        """No cross-process notifications on SQLite: the app keeps polling (returns False)."""
        return False

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()


def init_db(path: Path) -> None:
    """Create the schema and the epoch if the file is new, upgrade an older file; else a no-op."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        run_sqlite(conn)
    finally:
        conn.close()


def open_database(target: str | Path | dburl.DbTarget) -> Any:
    """The hub database `target` names: a SQLite path or a postgresql:// URL (`dburl.parse_db`;
    `dburl.BadDb` for anything else). Both engines have the same API."""
    parsed = dburl.parse_db(target)
    if parsed.kind is dburl.DbKind.POSTGRESQL:
        from .db_postgres import PgDatabase

        assert parsed.url is not None
        return PgDatabase(parsed.url)
    assert parsed.path is not None
    return Database(parsed.path)


# --- the engine-specific parts of the hub's rules ---------------------------------------------


def is_postgres(conn: Any) -> bool:
    return getattr(conn, "kind", None) == "postgresql"


def json_text(conn: Any, column: str, path: str) -> str:
    """SQL for the text at `path` ("a.b") of the JSON stored in `column` (stored as TEXT on both
    engines, so the hash of the exact stored text is unchanged)."""
    if is_postgres(conn):
        return f"({column}::jsonb #>> '{{{path.replace('.', ',')}}}')"
    return f"json_extract({column}, '$.{path}')"


def next_org_seq(conn: Any, org: str) -> int:
    """The organisation's next change position. SQLite: MAX + 1 (writers are serialised by
    BEGIN IMMEDIATE). PostgreSQL: a counter row whose lock is held to COMMIT."""
    if is_postgres(conn):
        return int(conn.next_org_seq(org))
    row = conn.execute(
        "SELECT COALESCE(MAX(org_seq), 0) + 1 FROM changes WHERE org_id = ?", (org,)
    ).fetchone()
    return int(row[0])


def feed_lock(conn: Any) -> None:
    """Before inserting into a hub-wide rowid feed (records, notifications, routes): on
    PostgreSQL serialise such writers to COMMIT, so rowids are handed out in commit order."""
    if is_postgres(conn):
        conn.feed_lock()


def notify_change(conn: Any, org: str) -> None:
    """Wake other hub processes on commit (PostgreSQL NOTIFY; SQLite processes poll)."""
    if is_postgres(conn):
        conn.notify_change(org)
