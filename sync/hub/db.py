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

Schema versions (`meta.schema_version`): a new file gets the current SCHEMA; an older file is
upgraded in place by the explicit steps in `_UPGRADES`, all in one transaction, so a file is
either wholly old or wholly new. `CREATE TABLE IF NOT EXISTS` alone would never add a column.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 3

_STAFF_TABLE = """
CREATE TABLE IF NOT EXISTS staff (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
)
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coverage (
    org_id TEXT NOT NULL REFERENCES orgs(id), district TEXT NOT NULL,
    PRIMARY KEY (org_id, district)
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    org_id TEXT REFERENCES orgs(id),
    staff_id TEXT,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_seen_at TEXT
);
{staff};
CREATE TABLE IF NOT EXISTS notifications (
    id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE IF NOT EXISTS routes (
    notification_id TEXT NOT NULL, org_id TEXT NOT NULL, routed_at TEXT NOT NULL,
    PRIMARY KEY (notification_id, org_id)
);
CREATE TABLE IF NOT EXISTS records (
    rowid INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    base_version INTEGER,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL,
    origin TEXT NOT NULL,
    token_id INTEGER,
    flag TEXT,
    server_received_at TEXT NOT NULL,
    author TEXT,
    UNIQUE (org_id, audience, kind, id, version)
);
CREATE INDEX IF NOT EXISTS records_cpd ON records (audience, rowid);
CREATE INDEX IF NOT EXISTS records_id ON records (id, kind, audience);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL,
    record_rowid INTEGER NOT NULL REFERENCES records(rowid),
    created_at TEXT NOT NULL,
    org_seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_org ON changes (org_id, seq);
CREATE UNIQUE INDEX IF NOT EXISTS changes_org_seq ON changes (org_id, org_seq);
""".replace("{staff}", _STAFF_TABLE)


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


class Database:
    """Thread-local connections to one hub file. Safe to share across threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
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
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; commits on success (durably: synchronous=FULL)."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        conn = self.conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def epoch(self) -> str:
        value = self.meta("epoch")
        assert value is not None
        return value

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()


def _upgrade_1_to_2(conn: sqlite3.Connection) -> None:
    """Staff list, token last-seen times and record authors, for a file made by schema 1."""
    conn.execute("ALTER TABLE tokens ADD COLUMN last_seen_at TEXT")
    conn.execute("ALTER TABLE records ADD COLUMN author TEXT")
    conn.execute(_STAFF_TABLE)
    # Everyone who already has a token becomes an active staff member, so existing laptops keep
    # syncing and their ids stay valid assignees. Revoked tokens count too: a lost laptop is not
    # a person who left.
    conn.execute(
        "INSERT OR IGNORE INTO staff (org_id, id, display_name, role, active, created_at)"
        " SELECT org_id, staff_id, staff_id,"
        " CASE WHEN MAX(role = 'supervisor') THEN 'supervisor' ELSE 'worker' END, 1, MIN(created_at)"
        " FROM tokens WHERE role IN ('staff', 'supervisor') AND org_id IS NOT NULL AND staff_id IS NOT NULL"
        " GROUP BY org_id, staff_id"
    )
    # The author of an old device record is knowable: it is the staff id of the token that sent it.
    conn.execute(
        "UPDATE records SET author = (SELECT staff_id FROM tokens WHERE tokens.id = records.token_id)"
        " WHERE origin = 'device' AND token_id IS NOT NULL"
    )


def _upgrade_2_to_3(conn: sqlite3.Connection) -> None:
    """Per-organisation change positions, for a file made by schema 2 (cursors carried the
    hub-wide seq, which let one organisation watch another's write volume)."""
    # SQLite adds a NOT NULL column only with a default; every existing row is numbered next.
    conn.execute("ALTER TABLE changes ADD COLUMN org_seq INTEGER NOT NULL DEFAULT 0")
    # Each organisation's changes numbered 1, 2, 3 ... in the order the hub committed them, so
    # its position in the new numbering says exactly what the old hub-wide seq said for it.
    conn.execute(
        "UPDATE changes SET org_seq = numbered.n FROM (SELECT seq,"
        " ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY seq) AS n FROM changes) AS numbered"
        " WHERE numbered.seq = changes.seq"
    )
    # Laptops still hold old-style cursors (a hub-wide seq). They stay usable -- translated to
    # the caller's own position -- but only up to what the file held at the upgrade: anything
    # beyond was never issued by this hub (a restore from backup), answered as cursor_ahead.
    conn.execute(
        "INSERT OR REPLACE INTO meta VALUES ('legacy_cursor_top',"
        " (SELECT CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM changes))"
    )


# from-version -> the step that brings a file to from-version + 1
_UPGRADES = {1: _upgrade_1_to_2, 2: _upgrade_2_to_3}


class SchemaTooNew(RuntimeError):
    """The file was written by a newer hub; refusing beats silently misreading it."""


def _schema_version(conn: sqlite3.Connection) -> int | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else int(row[0])


def init_db(path: Path) -> None:
    """Create the schema and the epoch if the file is new, upgrade an older file; else a no-op."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = _schema_version(conn)
            if version is not None and version > SCHEMA_VERSION:
                raise SchemaTooNew(f"hub file schema {version} is newer than this hub ({SCHEMA_VERSION})")
            while version is not None and version < SCHEMA_VERSION:
                _UPGRADES[version](conn)
                version += 1
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('epoch', ?)", (uuid.uuid4().hex,))
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('cursor_generation', '0')")
            # The secret that authenticates pull cursors (new files and upgraded ones alike).
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('cursor_key', ?)", (secrets.token_hex(32),))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
