"""A hub file written by schema 1 (before the staff list) is upgraded in place and keeps working."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hub_helpers import Api

from sync.hub import db as hubdb
from sync.hub.cli import main
from sync.hub.server import HubServer
from sync.hub.service import hash_token

# SQLite only, the whole module: it is about SQLite files written by older hubs (a PostgreSQL
# database starts at the current schema; "schema too new" on PostgreSQL is in
# tests/hub/test_hub_postgres*.py).
pytestmark = [pytest.mark.timeout(30), pytest.mark.sqlite_only("SQLite files written by older hubs")]

# sync/hub/db.py SCHEMA as it was at schema_version 1, verbatim.
V1_SCHEMA = """
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
    revoked_at TEXT
);
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
    UNIQUE (org_id, audience, kind, id, version)
);
CREATE INDEX IF NOT EXISTS records_cpd ON records (audience, rowid);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL,
    record_rowid INTEGER NOT NULL REFERENCES records(rowid),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_org ON changes (org_id, seq);
"""

T0 = "2026-11-01T12:00:00.000000+00:00"
TOKENS = {  # token -> (id, role, org, staff id, revoked)
    "cvi_old_worker": (1, "staff", "north", "n1", False),
    "cvi_old_sup": (2, "supervisor", "north", "ns", False),
    "cvi_old_lost_laptop": (3, "staff", "north", "n2", True),
    "cvi_old_nameless": (4, "staff", "north", None, False),
    "cvi_old_cpd": (5, "cpd", None, None, False),
}


def make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("epoch", "e" * 32), ("schema_version", "1"), ("cursor_generation", "0")],
    )
    conn.execute("INSERT INTO orgs VALUES ('north', 'North Side Peace', ?)", (T0,))
    for token, (tid, role, org, staff, revoked) in TOKENS.items():
        conn.execute(
            "INSERT INTO tokens (id, token_hash, role, org_id, staff_id, created_at, revoked_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (tid, hash_token(token), role, org, staff, T0, T0 if revoked else None),
        )
    data = {"id": "f1", "incident_id": "i1", "kind": "call", "version": 1}
    for rowid, (record_id, origin, token_id) in enumerate(
        [("f1", "device", 1), ("i1", "hub", None)], start=1
    ):
        kind = "followup" if record_id == "f1" else "incident"
        conn.execute(
            "INSERT INTO records (rowid, org_id, audience, kind, id, version, sha256, data, origin,"
            " token_id, server_received_at) VALUES (?, 'north', 'org', ?, ?, 1, ?, ?, ?, ?, ?)",
            (rowid, kind, record_id, "0" * 64, json.dumps(data), origin, token_id, T0),
        )
        conn.execute(
            "INSERT INTO changes (org_id, record_rowid, created_at) VALUES ('north', ?, ?)", (rowid, T0)
        )
    conn.commit()
    conn.close()


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def meta_version(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])


def test_v1_file_is_upgraded_and_old_tokens_keep_working(tmp_path):
    path = tmp_path / "old.sqlite3"
    make_v1(path)
    with HubServer(path) as server:
        assert meta_version(path) == str(hubdb.SCHEMA_VERSION)
        assert "last_seen_at" in columns(path, "tokens") and "author" in columns(path, "records")
        worker, sup = Api(server.url, "cvi_old_worker"), Api(server.url, "cvi_old_sup")
        assert worker.get("/v1/me").json() == {
            "org_id": "north",
            "org_name": "North Side Peace",
            "role": "staff",
            "staff_id": "n1",
            "display_name": "n1",
        }
        staff = {s["id"]: (s["role"], s["active"]) for s in sup.get("/v1/org/staff").json()}
        # Every staff id that had a token, even one whose laptop was revoked.
        assert staff == {"n1": ("worker", True), "n2": ("worker", True), "ns": ("supervisor", True)}
        # Authors of old device records come from the token that sent them.
        changes, _ = worker.pull_all()
        assert {c["id"]: c["author"] for c in changes} == {"f1": "n1", "i1": None}
        # A staff token from before staff ids were required still works, with no staff row.
        nameless = Api(server.url, "cvi_old_nameless").get("/v1/me")
        assert nameless.status_code == 200 and nameless.json()["staff_id"] is None
        assert Api(server.url, "cvi_old_lost_laptop").get("/v1/me").status_code == 401
        assert Api(server.url, "cvi_old_cpd").get("/v1/me").json()["role"] == "cpd"
    # Opening it again is a no-op.
    with HubServer(path):
        assert meta_version(path) == str(hubdb.SCHEMA_VERSION)


def test_a_failed_upgrade_leaves_the_file_wholly_old(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    make_v1(path)

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE tokens ADD COLUMN last_seen_at TEXT")
        raise sqlite3.OperationalError("disk full (simulated)")

    monkeypatch.setitem(hubdb._UPGRADES, 1, half_then_fail)
    with pytest.raises(sqlite3.OperationalError):
        hubdb.init_db(path)
    assert meta_version(path) == "1"
    assert "last_seen_at" not in columns(path, "tokens")
    monkeypatch.undo()
    hubdb.init_db(path)
    assert meta_version(path) == str(hubdb.SCHEMA_VERSION)


def test_a_file_from_a_newer_hub_is_refused(tmp_path, capsys):
    path = tmp_path / "new.sqlite3"
    hubdb.init_db(path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(hubdb.SchemaTooNew):
        hubdb.init_db(path)
    assert main(["staff", "list", "--db", str(path), "--org", "x"]) == 2
    err = capsys.readouterr().err
    assert "newer than this hub" in err and "Traceback" not in err
