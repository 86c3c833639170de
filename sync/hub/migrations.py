"""The hub's schema on both engines, and the one migration runner that brings a database to it.

A migration is a named, numbered step with one body per engine (`MIGRATIONS`). The runner
(`run_sqlite`, `run_postgres`) reads `meta.schema_version`, refuses a database written by a
newer hub (`SchemaTooNew`), and otherwise applies every step above that version, in order, in ONE
transaction, recording each in `schema_migrations (version, name, applied_at)` and moving
`meta.schema_version` along: a database is wholly old or wholly new.

An empty database gets the current schema in one go (SQLITE_SCHEMA, or the PostgreSQL baseline)
and every step is recorded as applied. SQLite files of schema 1 and 2 (made before PostgreSQL
existed) upgrade through the explicit steps; a PostgreSQL database starts at schema 3, so the
earlier steps have no PostgreSQL body. `MetaReads` reads the `meta` rows for both stores.

PostgreSQL (docs/HUB_POSTGRESQL.md): the runner runs as the URL's user, who owns the tables; it
creates the NOLOGIN role `cvi_hub_app` with only DML grants, and row-level security policies on
every organisation-scoped table. Serving connections `SET ROLE cvi_hub_app`, so the policies
apply to everything the hub does.
"""

from __future__ import annotations

import secrets
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 3

# The role every serving PostgreSQL connection acts as: owns nothing, no DDL, RLS applies.
APP_ROLE = "cvi_hub_app"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer hub; refusing beats silently misreading it."""


def too_new(found: int) -> SchemaTooNew:
    return SchemaTooNew(
        f"hub database schema {found} is newer than this hub ({SCHEMA_VERSION}); "
        "run the newer cvi-hub that wrote it"
    )


# --- SQLite ------------------------------------------------------------------------------------

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

SQLITE_SCHEMA = """
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


def _upgrade_1_to_2(conn: Any) -> None:
    """Staff list, token last-seen times and record authors, for a file made by schema 1."""
    conn.execute("ALTER TABLE tokens ADD COLUMN last_seen_at TEXT")
    conn.execute("ALTER TABLE records ADD COLUMN author TEXT")
    conn.execute(_STAFF_TABLE)
    # Everyone who already has a token becomes an active staff member, so existing laptops keep
    # syncing and their ids stay valid assignees. Revoked tokens count too: a lost laptop is not
    # a person who left.
    conn.execute(
        "INSERT INTO staff (org_id, id, display_name, role, active, created_at)"
        " SELECT org_id, staff_id, staff_id,"
        " CASE WHEN MAX(role = 'supervisor') THEN 'supervisor' ELSE 'worker' END, 1, MIN(created_at)"
        " FROM tokens WHERE role IN ('staff', 'supervisor') AND org_id IS NOT NULL AND staff_id IS NOT NULL"
        " GROUP BY org_id, staff_id ON CONFLICT DO NOTHING"
    )
    # The author of an old device record is knowable: it is the staff id of the token that sent it.
    conn.execute(
        "UPDATE records SET author = (SELECT staff_id FROM tokens WHERE tokens.id = records.token_id)"
        " WHERE origin = 'device' AND token_id IS NOT NULL"
    )


def _upgrade_2_to_3(conn: Any) -> None:
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
        "INSERT INTO meta VALUES ('legacy_cursor_top',"
        " (SELECT CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM changes))"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )




_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
)
"""

# --- PostgreSQL --------------------------------------------------------------------------------

# Tables whose rows belong to one organisation, and the column that says which. Each gets a
# row-level security policy: visible and writable only inside that organisation's transaction
# (`cvi.org_id`) or in hub-wide work (`cvi.scope = 'hub'`). Unset settings match nothing: a
# transaction that says nothing sees nothing (fail closed).
ORG_TABLES: dict[str, str] = {
    "orgs": "id",
    "coverage": "org_id",
    "tokens": "org_id",
    "staff": "org_id",
    "routes": "org_id",
    "records": "org_id",
    "changes": "org_id",
    "change_counters": "org_id",
}

# `json_extract(data, '$.a.b')` is SQLite's; the baseline defines the same function (text at a
# dotted path of the TEXT-stored JSON) so the service's SQL is one text on both engines and the
# stored text -- and so its hash -- is exactly what was sent.
# Identity columns are GENERATED BY DEFAULT (not ALWAYS) so pg_restore can put back explicit
# ids. `rowid` on notifications/routes stands for SQLite's implicit one, which the CPD
# projection pages by; it is the LAST column, so `INSERT INTO t VALUES (...)` written for
# SQLite's columns still fits (PostgreSQL gives trailing columns their defaults).
_PG_BASELINE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE orgs (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE coverage (
    org_id TEXT NOT NULL REFERENCES orgs(id), district TEXT NOT NULL,
    PRIMARY KEY (org_id, district)
);
CREATE TABLE tokens (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    org_id TEXT REFERENCES orgs(id),
    staff_id TEXT,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_seen_at TEXT
);
CREATE TABLE staff (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('worker', 'supervisor')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE TABLE notifications (
    id TEXT NOT NULL, version BIGINT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL,
    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    PRIMARY KEY (id, version)
);
CREATE TABLE routes (
    notification_id TEXT NOT NULL, org_id TEXT NOT NULL, routed_at TEXT NOT NULL,
    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    PRIMARY KEY (notification_id, org_id)
);
CREATE TABLE records (
    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    org_id TEXT NOT NULL,
    audience TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    base_version BIGINT,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL,
    origin TEXT NOT NULL,
    token_id BIGINT,
    flag TEXT,
    server_received_at TEXT NOT NULL,
    author TEXT,
    UNIQUE (org_id, audience, kind, id, version)
);
CREATE INDEX records_cpd ON records (audience, rowid);
CREATE INDEX records_id ON records (id, kind, audience);
CREATE TABLE changes (
    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    org_id TEXT NOT NULL,
    record_rowid BIGINT NOT NULL REFERENCES records(rowid),
    created_at TEXT NOT NULL,
    org_seq BIGINT NOT NULL
);
CREATE INDEX changes_org ON changes (org_id, seq);
CREATE UNIQUE INDEX changes_org_seq ON changes (org_id, org_seq);
CREATE TABLE change_counters (org_id TEXT PRIMARY KEY, last BIGINT NOT NULL);
CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT doc::jsonb #>> string_to_array(substr(path, 3), '.') $$
"""


def _pg_baseline(conn: Any) -> None:
    for statement in _PG_BASELINE.split(";"):
        if statement.strip():
            conn.execute(statement)


def _pg_security(conn: Any) -> None:
    """The app role, its grants and the row-level security policies (idempotent)."""
    # Roles are cluster-wide: several hub databases on one server share the role.
    conn.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + APP_ROLE + "')"
        " THEN CREATE ROLE " + APP_ROLE + " NOLOGIN; END IF; END $$"
    )
    # The owner must be a member to SET ROLE (a superuser can anyway; a plain owner cannot).
    conn.execute(
        "DO $$ BEGIN IF NOT pg_has_role(current_user, '" + APP_ROLE + "', 'MEMBER')"
        " THEN EXECUTE format('GRANT " + APP_ROLE + " TO %I', current_user); END IF; END $$"
    )
    conn.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    # The migration log is the owner's: the app may read it, never rewrite it.
    conn.execute(f"REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM {APP_ROLE}")
    for table, column in ORG_TABLES.items():
        conn.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        conn.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        conn.execute(f"DROP POLICY IF EXISTS org_isolation ON {table}")
        rule = (
            f"{column} = current_setting('cvi.org_id', true)"
            " OR current_setting('cvi.scope', true) = 'hub'"
        )
        conn.execute(f"CREATE POLICY org_isolation ON {table} USING ({rule}) WITH CHECK ({rule})")


@dataclass(frozen=True)
class Migration:
    """One schema step; `sqlite`/`postgres` is None where that engine never runs it."""

    version: int
    name: str
    sqlite: Callable[[Any], None] | None
    postgres: Callable[[Any], None] | None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", None, None),
    Migration(2, "staff list, token last seen, record authors", _upgrade_1_to_2, None),
    Migration(3, "per-organisation change positions", _upgrade_2_to_3, _pg_baseline),
)
assert MIGRATIONS[-1].version == SCHEMA_VERSION


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _record(conn: Any, steps: list[Migration]) -> None:
    for step in steps:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"
            " ON CONFLICT (version) DO NOTHING",
            (step.version, step.name, _now()),
        )


def _seed_meta(conn: Any) -> None:
    conn.execute("INSERT INTO meta VALUES ('epoch', ?) ON CONFLICT DO NOTHING", (uuid.uuid4().hex,))
    conn.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", (str(SCHEMA_VERSION),)
    )
    conn.execute("INSERT INTO meta VALUES ('cursor_generation', ?) ON CONFLICT DO NOTHING", ("0",))
    # The secret that authenticates pull cursors (new databases and upgraded ones alike).
    conn.execute(
        "INSERT INTO meta VALUES ('cursor_key', ?) ON CONFLICT DO NOTHING", (secrets.token_hex(32),)
    )


def _sqlite_version(conn: sqlite3.Connection) -> int | None:
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return None if row is None else int(row[0])


# Tests replace a step here to simulate a failure half-way (the whole upgrade must roll back).
_UPGRADES: dict[int, Callable[[Any], None]] = {1: _upgrade_1_to_2, 2: _upgrade_2_to_3}


def run_sqlite(conn: sqlite3.Connection) -> None:
    """Bring a SQLite hub file to SCHEMA_VERSION in one IMMEDIATE transaction (`conn` is in
    autocommit mode; the caller closes it)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _sqlite_version(conn)
        if version is not None and version > SCHEMA_VERSION:
            raise too_new(version)
        had_log = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
        ).fetchone() is not None
        applied: list[Migration] = []
        if version is not None and not had_log:
            # A file from before the migration log: what it already had counts as applied.
            applied = [s for s in MIGRATIONS if s.version <= version]
        for step in MIGRATIONS:
            if version is not None and step.version > version:
                _UPGRADES[step.version - 1](conn)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(step.version),))
                applied.append(step)
        for statement in SQLITE_SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(_MIGRATIONS_TABLE)
        if version is None:
            applied = list(MIGRATIONS)  # a new file is made at the current schema
        _record(conn, applied)
        _seed_meta(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# Fixed advisory-lock key: hub processes starting together on one database migrate one at a time.
_PG_MIGRATION_LOCK = 0x6376_6968_7562


def run_postgres(conn: Any) -> None:
    """Bring a PostgreSQL hub database to SCHEMA_VERSION. `conn` is a `db_postgres.PgConn`
    acting as the URL's user (the owner), outside any transaction; the run is one transaction."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_PG_MIGRATION_LOCK,))
        exists = conn.execute("SELECT to_regclass('public.meta') IS NOT NULL").fetchone()[0]
        version: int | None = None
        if exists:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = None if row is None else int(row[0])
        if version is not None and version > SCHEMA_VERSION:
            raise too_new(version)
        conn.execute(_MIGRATIONS_TABLE)
        applied: list[Migration] = []
        if version is None:
            _pg_baseline(conn)  # an empty database: the baseline is the current schema
            applied = list(MIGRATIONS)
        else:
            for step in MIGRATIONS:
                if step.version > version:
                    assert step.postgres is not None, step
                    step.postgres(conn)
                    conn.execute(
                        "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(step.version),)
                    )
                    applied.append(step)
        _record(conn, applied)
        _seed_meta(conn)
        # Grants and policies after every run: a step may add a table; this is idempotent.
        _pg_security(conn)


class MetaReads:
    """The hub's `meta` rows (epoch, cursor key, ...) through a store's `conn()`: the same SQL
    on both engines, so both stores inherit it."""

    def conn(self) -> Any:
        raise NotImplementedError

    def meta(self, key: str) -> str | None:
        row = self.conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def epoch(self) -> str:
        value = self.meta("epoch")
        assert value is not None
        return value
