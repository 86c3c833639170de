"""Pull cursors reveal nothing about other organisations (issue 9, point 7).

A cursor carries the caller's own position in its organisation's change log, authenticated
with the hub's secret and bound to the organisation, so it neither moves with nor counts other
organisations' writes, and one organisation's cursor is refused for another. The 410 codes
(`cursor_ahead`, `cursor_expired`, `cursor_other_epoch`, `cursor_invalid`) keep their meaning,
and a hub file from schema 2 is upgraded with its laptops' old cursors still honoured.

Real hubs over HTTP on 127.0.0.1; each test makes its own organisations (district 004,
which the seed leaves uncovered) so counts are exactly what the test wrote.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from hub_helpers import Api, HubEnv, Target, followup, hub_value, new_id, own_incident
from test_hub_upgrade import make_v1

from sync.hub import admin
from sync.hub import db as hubdb
from sync.hub.server import HubServer
from sync.hub.service import encode_cursor, hash_token

pytestmark = pytest.mark.timeout(30)


def make_org(hub: HubEnv) -> tuple[str, Api, Api]:
    """A fresh organisation with a worker and a supervisor token."""
    org = "c" + uuid.uuid4().hex[:10]
    admin.create_org(hub.db, org, org)
    admin.add_coverage(hub.db, org, "004")
    worker = Api(hub.url, admin.create_token(hub.db, "staff", org_id=org, staff_id=f"{org}-w"))
    sup = Api(hub.url, admin.create_token(hub.db, "supervisor", org_id=org, staff_id=f"{org}-s"))
    return org, worker, sup


def body(cursor: str) -> list[str]:
    """The readable part of a cursor: version, epoch, generation, position, organisation."""
    text = cursor.split(".", 1)[0]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode().split(":", 4)


def key(db: Target) -> bytes:
    return bytes.fromhex(hub_value(db, "SELECT value FROM meta WHERE key = 'cursor_key'"))


def generation(db: Target) -> str:
    return str(hub_value(db, "SELECT value FROM meta WHERE key = 'cursor_generation'"))


def write(api: Api, n: int) -> list[str]:
    """n changes for the caller's organisation: a self-found incident and n - 1 follow-ups."""
    incident = own_incident(api, district="004")
    batch = [followup(incident, new_id(), 1, assignee=None) for _ in range(n - 1)]
    assert all(r["status"] == "applied" for r in api.results(*batch))
    return [incident, *(r["id"] for r in batch)]


def pull(api: Api, cursor: str | None, **params: Any) -> Any:
    return api.get("/v1/sync/pull", params={**({"cursor": cursor} if cursor else {}), **params})


def code(response: Any) -> str:
    assert response.status_code == 410, response.text
    return str(response.json()["code"])


def test_a_cursor_neither_moves_with_nor_counts_other_orgs_writes(hub):
    org, mine, _ = make_org(hub)
    _, other, _ = make_org(hub)
    write(mine, 3)
    changes, cursor = mine.pull_all()
    assert len(changes) == 3
    version, epoch, _, position, cursor_org = body(cursor)
    assert (version, position, cursor_org) == ("2", "3", org)  # its own count, nothing else
    assert epoch == hub.api(None).get("/v1/health").json()["epoch"]

    write(other, 20)  # another organisation is busy ...
    page = pull(mine, cursor).json()
    assert page["changes"] == [] and page["cursor"] == cursor  # ... and nothing here shows it
    waited = mine.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 0}).json()
    assert waited["cursor"] == cursor

    write(mine, 2)
    changes, after = mine.pull_all(cursor)
    assert len(changes) == 2 and body(after)[3] == "5"


def test_a_cursor_from_one_org_is_refused_for_another(hub):
    _, mine, mine_sup = make_org(hub)
    _, theirs, _ = make_org(hub)
    write(mine, 2)
    _, cursor = mine.pull_all()
    assert pull(mine_sup, cursor).status_code == 200  # any laptop of the same organisation
    assert code(pull(theirs, cursor)) == "cursor_invalid"
    assert code(theirs.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 0})) == "cursor_invalid"


def test_a_forged_or_altered_cursor_is_invalid(hub):
    org, mine, _ = make_org(hub)
    write(mine, 3)
    _, cursor = mine.pull_all()
    text, mac = cursor.split(".")
    version, epoch, gen, _, _ = body(cursor)

    def b64(raw: str) -> str:
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    moved = b64(f"{version}:{epoch}:{gen}:1:{org}") + "." + mac  # another position, same MAC
    forged = encode_cursor(b"not the hub's secret", epoch, gen, org, 1)
    for bad in (moved, forged, text + "." + mac[:-2], text, "garbage!", "a.b.c", cursor + "x"):
        assert code(pull(mine, bad)) == "cursor_invalid", bad
    # A cursor of the old style made up by hand is refused too (this file never issued any).
    legacy = base64.urlsafe_b64encode(f"1:{epoch}:{gen}:0".encode()).decode()
    assert code(pull(mine, legacy)) == "cursor_invalid"


def test_410_codes_keep_their_meaning(hub):
    org, mine, _ = make_org(hub)
    write(mine, 2)
    _, cursor = mine.pull_all()
    version, epoch, gen, _, _ = body(cursor)
    secret = key(hub.db)

    ahead = encode_cursor(secret, epoch, gen, org, 3)  # one past this org's last change
    assert code(pull(mine, ahead)) == "cursor_ahead"
    assert code(mine.get("/v1/sync/wait", params={"cursor": ahead, "timeout": 0})) == "cursor_ahead"
    assert pull(mine, encode_cursor(secret, epoch, gen, org, 2)).status_code == 200
    # Another epoch is told even when this hub cannot check the MAC (a hub made afresh).
    elsewhere = encode_cursor(b"another hub", "another-epoch", gen, org, 0)
    assert code(pull(mine, elsewhere)) == "cursor_other_epoch"
    admin.expire_cursors(hub.db)
    assert code(pull(mine, cursor)) == "cursor_expired"
    changes, fresh = mine.pull_all()
    assert len(changes) == 2 and body(fresh)[2] == generation(hub.db) != gen


def test_every_org_pages_gap_free_while_several_orgs_write_at_once(hub):
    _, puller, puller_sup = make_org(hub)
    _, other, other_sup = make_org(hub)
    incidents = {id(api): own_incident(api, district="004") for api in (puller, other)}
    _, cursor = puller.pull_all()
    expected: set[str] = set()
    lock = threading.Lock()

    def writer(api: Api, incident: str, mine: bool) -> None:
        for _ in range(8):
            batch = [followup(incident, new_id(), 1, assignee=None) for _ in range(4)]
            if mine:
                with lock:
                    expected.update(r["id"] for r in batch)
            assert all(r["status"] == "applied" for r in api.results(*batch))

    plan = [(puller, incidents[id(puller)], True), (puller_sup, incidents[id(puller)], True),
            (other, incidents[id(other)], False), (other_sup, incidents[id(other)], False)]
    threads = [threading.Thread(target=writer, args=args) for args in plan]
    for t in threads:
        t.start()
    seen: list[str] = []
    positions = [int(body(cursor)[3])]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page = pull(puller, cursor, limit=5).json()
        seen += [c["id"] for c in page["changes"]]
        cursor = page["cursor"]
        positions.append(int(body(cursor)[3]))
        if not any(t.is_alive() for t in threads) and not page["has_more"] and len(seen) >= len(expected):
            break
    for t in threads:
        t.join()
    assert len(seen) == len(set(seen)) == len(expected) == 64 and set(seen) == expected
    # The position is exactly the count of the org's own changes seen: one incident, then 64.
    assert positions == sorted(positions) and positions[-1] == 1 + 64


# --- an existing hub file (schema 2) ------------------------------------------------------------
# SQLite only: these are about upgrading a SQLite file written by an older hub (PostgreSQL
# databases start at the current schema).


def legacy_cursor(epoch: str, seq: int, gen: str = "0") -> str:
    """A cursor exactly as a schema-2 hub issued it: base64 of a hub-wide seq."""
    return base64.urlsafe_b64encode(f"1:{epoch}:{gen}:{seq}".encode()).decode().rstrip("=")


def make_v2(path: Path) -> None:
    """A schema-2 hub file: north (from make_v1) and south, whose changes interleave."""
    make_v1(path)
    conn = sqlite3.connect(path)
    hubdb._upgrade_1_to_2(conn)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.execute("INSERT INTO orgs VALUES ('south', 'South Side Safe', '2026-11-01T12:00:00+00:00')")
    conn.execute(
        "INSERT INTO tokens (id, token_hash, role, org_id, staff_id, created_at) VALUES"
        " (9, ?, 'staff', 'south', 's1', '2026-11-01T12:00:00+00:00')",
        (hash_token("cvi_old_south"),),
    )
    # make_v1 wrote north's changes as seq 1 and 2; now south, north, south, north: 3 .. 6.
    for rowid, org in enumerate(["south", "north", "south", "north"], start=3):
        data = {"id": f"f{rowid}", "incident_id": "i1", "kind": "call", "version": 1}
        conn.execute(
            "INSERT INTO records (rowid, org_id, audience, kind, id, version, sha256, data, origin,"
            " token_id, server_received_at) VALUES (?, ?, 'org', 'followup', ?, 1, ?, ?, 'device', NULL, ?)",
            (rowid, org, f"f{rowid}", "0" * 64, json.dumps(data), "2026-11-01T12:00:00+00:00"),
        )
        conn.execute(
            "INSERT INTO changes (org_id, record_rowid, created_at) VALUES (?, ?, ?)",
            (org, rowid, "2026-11-01T12:00:00+00:00"),
        )
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only("upgrades a schema-2 SQLite file")
def test_a_schema_2_file_is_upgraded_and_old_cursors_still_work(tmp_path):
    path = tmp_path / "v2.sqlite3"
    make_v2(path)
    epoch = "e" * 32
    with HubServer(path) as server:
        with sqlite3.connect(path) as conn:
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            numbered = conn.execute("SELECT seq, org_id, org_seq FROM changes ORDER BY seq").fetchall()
        assert version == str(hubdb.SCHEMA_VERSION)
        # Each organisation's changes numbered 1, 2, ... in the order the hub committed them.
        assert numbered == [(1, "north", 1), (2, "north", 2), (3, "south", 1), (4, "north", 3),
                            (5, "south", 2), (6, "north", 4)]
        north, south = Api(server.url, "cvi_old_worker"), Api(server.url, "cvi_old_south")

        # A laptop that had seen the hub up to seq 4 gets exactly its changes after that ...
        page = pull(north, legacy_cursor(epoch, 4)).json()
        assert [c["id"] for c in page["changes"]] == ["f6"]
        assert body(page["cursor"])[:1] + body(page["cursor"])[3:] == ["2", "4", "north"]  # new-style
        assert [c["id"] for c in pull(south, legacy_cursor(epoch, 4)).json()["changes"]] == ["f5"]
        assert [c["id"] for c in pull(south, legacy_cursor(epoch, 0)).json()["changes"]] == ["f3", "f5"]
        # ... and a long-poll answers at once, with a new-style cursor to wait on next time.
        waited = north.get("/v1/sync/wait", params={"cursor": legacy_cursor(epoch, 6), "timeout": 5})
        assert waited.status_code == 200 and waited.json()["changes"] == []
        assert body(waited.json()["cursor"])[3] == "4"
        # Beyond what the file held at the upgrade: the hub was restored from an older backup.
        assert code(pull(north, legacy_cursor(epoch, 7))) == "cursor_ahead"
        assert code(pull(north, legacy_cursor("another-epoch", 1))) == "cursor_other_epoch"
        assert code(pull(north, legacy_cursor(epoch, 1, gen="7"))) == "cursor_expired"
        # New writes get the next position of their own organisation only.
        translated = pull(south, legacy_cursor(epoch, 6)).json()["cursor"]
        incident = own_incident(south, district="004")
        changes, cursor = south.pull_all(translated)
        assert [c["id"] for c in changes] == [incident] and body(cursor)[3] == "3"
        admin.expire_cursors(path)  # ends old-style cursors as well
        assert code(pull(north, legacy_cursor(epoch, 4))) == "cursor_expired"
    with HubServer(path):  # opening again is a no-op
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT COUNT(*) FROM changes WHERE org_seq = 0").fetchone()[0] == 0


@pytest.mark.sqlite_only("upgrades a schema-2 SQLite file")
def test_a_failed_upgrade_from_schema_2_leaves_the_file_wholly_old(tmp_path, monkeypatch):
    path = tmp_path / "v2.sqlite3"
    make_v2(path)

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE changes ADD COLUMN org_seq INTEGER NOT NULL DEFAULT 0")
        raise sqlite3.OperationalError("disk full (simulated)")

    monkeypatch.setitem(hubdb._UPGRADES, 2, half_then_fail)
    with pytest.raises(sqlite3.OperationalError):
        hubdb.init_db(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
        assert "org_seq" not in {r[1] for r in conn.execute("PRAGMA table_info(changes)")}
        assert conn.execute("SELECT 1 FROM meta WHERE key = 'cursor_key'").fetchone() is None
    monkeypatch.undo()
    hubdb.init_db(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
        assert conn.execute("SELECT 1 FROM meta WHERE key = 'cursor_key'").fetchone() is not None
