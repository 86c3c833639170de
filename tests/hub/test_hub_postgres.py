"""The hub on PostgreSQL: the engine's own guarantees, beyond the shared hub suite.

- `?` placeholders, rows by name, the URL's password never shown;
- a gap-free pull feed when two writers commit out of order on purpose (and proof that a bare
  sequence would have skipped one);
- row-level security: an organisation's transaction cannot read or write another's rows even
  with the service's WHERE filters left out, and a transaction that says nothing sees nothing;
- the hub acts as a role that owns nothing; migrations recorded; a newer schema refused;
- LISTEN/NOTIFY wake-ups; pg_dump backup -> pg_restore into an empty database -> new epoch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from sync.hub import admin, cli, service
from sync.hub.db import SchemaTooNew, open_database
from tests.pg_server import PgServer


@pytest.fixture
def url(pg_server: PgServer) -> str:
    return pg_server.create_database("pgt")


@pytest.fixture
def db(url: str) -> Iterator[Any]:
    database = open_database(url)
    admin.create_org(database, "acme", "Acme")
    admin.create_org(database, "beta", "Beta")
    try:
        yield database
    finally:
        database.close()


def _add_record(conn: Any, org: str, record_id: str) -> int:
    """A record version and its change, as service._push_one / _hub_write store them."""
    service.hubdb.feed_lock(conn)
    rowid = conn.execute(
        "INSERT INTO records (org_id, audience, kind, id, version, sha256, data, origin,"
        " server_received_at) VALUES (?, 'org', 'incident', ?, 1, 'x', '{\"pct\": \"100%\"}', 'hub', ?)"
        " RETURNING rowid",
        (org, record_id, "2026-12-01T00:00:00+00:00"),
    ).fetchone()["rowid"]
    service._log_change(conn, org, rowid, "2026-12-01T00:00:00+00:00")
    return int(rowid)


def _seen(db: Any, org: str, after: int) -> list[int]:
    with db.read(org=org) as conn:
        rows = conn.execute(
            "SELECT org_seq FROM changes WHERE org_id = ? AND org_seq > ? ORDER BY org_seq", (org, after)
        ).fetchall()
    return [r["org_seq"] for r in rows]


def test_placeholders_rows_by_name_and_a_redacted_target(pg_server: PgServer) -> None:
    secret_url = pg_server.create_database("pgt").replace("postgresql://cvihub@", "postgresql://cvihub:s3cret@")
    database = open_database(secret_url)
    try:
        assert database.kind == "postgresql"
        assert "s3cret" not in database.target and "***" in database.target
        row = database.conn().execute("SELECT ? AS a, '5%' AS pct, ? AS b", ("x", 2)).fetchone()
        assert (row[0], row["a"], row["pct"], row["b"]) == ("x", "x", "5%", 2)
        assert dict(row) == {"a": "x", "pct": "5%", "b": 2}
        versions = database.conn().execute("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in versions.fetchall()] == [1, 2, 3]
    finally:
        database.close()


def test_out_of_order_commits_never_let_a_reader_skip(db: Any) -> None:
    """T1 writes first and holds its transaction open; T2 writes and tries to commit first; a
    reader pulls in between. T2 must wait for T1 (the feed and org counter locks), so the reader
    never sees position 2 before 1, and gets both, in order."""
    t1_wrote, release_t1, t2_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def t1() -> None:
        try:
            with db.write(org="acme") as conn:
                _add_record(conn, "acme", "first")
                t1_wrote.set()
                assert release_t1.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def t2() -> None:
        try:
            with db.write(org="acme") as conn:
                _add_record(conn, "acme", "second")
            t2_done.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    first = threading.Thread(target=t1)
    first.start()
    assert t1_wrote.wait(10)
    second = threading.Thread(target=t2)
    second.start()
    # T2 cannot commit while T1 is in flight: it waits on the lock, not racing past.
    assert not t2_done.wait(0.7)
    cursor = 0
    assert _seen(db, "acme", cursor) == []  # the reader pulls between: nothing to skip over
    release_t1.set()
    first.join(10)
    second.join(10)
    assert not errors, errors
    got = _seen(db, "acme", cursor)
    assert got == [1, 2]
    with db.read(org="acme") as conn:
        ids = [r["id"] for r in conn.execute(
            "SELECT r.id FROM changes c JOIN records r ON r.rowid = c.record_rowid"
            " WHERE c.org_id = ? ORDER BY c.org_seq", ("acme",))]
        rowids = [r[0] for r in conn.execute("SELECT rowid FROM records ORDER BY rowid")]
    assert ids == ["first", "second"]  # commit order is position order
    assert rowids == sorted(rowids) and len(rowids) == 2


def test_a_bare_sequence_would_have_skipped(url: str) -> None:
    """The same scenario on a plain identity without the locks: the reader's cursor passes the
    in-flight row and never sees it. This is why the hub takes the locks."""
    owner = psycopg.connect(url, autocommit=True)
    owner.execute("CREATE TABLE naive (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v TEXT)")
    one, two = psycopg.connect(url), psycopg.connect(url)
    try:
        one.execute("INSERT INTO naive (v) VALUES ('t1')")  # seq 1, not committed
        two.execute("INSERT INTO naive (v) VALUES ('t2')")  # seq 2
        two.commit()
        cursor = owner.execute("SELECT COALESCE(MAX(seq), 0) FROM naive").fetchone()[0]
        assert cursor == 2
        one.commit()
        after = owner.execute("SELECT seq FROM naive WHERE seq > %s", (cursor,)).fetchall()
        assert after == []  # seq 1 is committed now, and the reader will never ask for it
        assert owner.execute("SELECT count(*) FROM naive").fetchone()[0] == 2
    finally:
        one.close()
        two.close()
        owner.close()


def test_row_level_security_isolates_organisations_without_the_query_filters(db: Any) -> None:
    with db.write() as conn:  # hub-wide work may write any organisation's rows
        _add_record(conn, "acme", "a1")
        _add_record(conn, "beta", "b1")
    # The queries below leave out WHERE org_id on purpose: only the policies stand between.
    with db.read(org="acme") as conn:
        assert {r["org_id"] for r in conn.execute("SELECT org_id FROM records")} == {"acme"}
        assert {r["org_id"] for r in conn.execute("SELECT org_id FROM changes")} == {"acme"}
        assert [r["id"] for r in conn.execute("SELECT id FROM orgs")] == ["acme"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.write(org="acme") as conn:
        _add_record(conn, "beta", "smuggled")  # WITH CHECK: not acme's row
    with db.write(org="acme") as conn:
        assert conn.execute("UPDATE records SET flag = 'x' WHERE org_id = 'beta'").rowcount == 0
        assert conn.execute("DELETE FROM changes WHERE org_id = 'beta'").rowcount == 0
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM records WHERE org_id = 'beta'").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM records WHERE flag = 'x'").fetchone()[0] == 0
    # Fail closed: a transaction that sets neither cvi.org_id nor cvi.scope sees nothing.
    raw = db.conn()
    with raw.transaction():
        assert raw.execute("SELECT count(*) FROM records").fetchone()[0] == 0
        assert raw.execute("SELECT count(*) FROM tokens").fetchone()[0] == 0


def test_the_hub_acts_as_a_role_that_owns_nothing(db: Any) -> None:
    with db.read() as conn:
        who = conn.execute("SELECT current_user").fetchone()[0]
        owned = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        ).fetchone()[0]
    assert who == "cvi_hub_app" and owned == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege), db.write() as conn:
        conn.execute("ALTER TABLE records DISABLE ROW LEVEL SECURITY")


def test_a_newer_schema_is_refused_on_postgresql(url: str, pg_server: PgServer, capsys: Any) -> None:
    open_database(url).close()
    name = url.split("/")[3].split("?")[0]
    pg_server.psql("UPDATE meta SET value = '99' WHERE key = 'schema_version'", database=name)
    with pytest.raises(SchemaTooNew, match="schema 99 is newer"):
        open_database(url)
    assert cli.main(["org", "list", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer" in err and "Traceback" not in err


def test_changes_notify_other_processes_listeners(db: Any, url: str) -> None:
    other = open_database(url)  # stands for a second hub process
    woken: list[str | None] = []
    got = threading.Event()

    def wake(org: str | None) -> None:
        woken.append(org)
        got.set()

    try:
        assert other.listen(wake) is True
        assert other._listeners[0].ready.wait(10)
        with db.write(org="beta") as conn:
            _add_record(conn, "beta", "b1")
        assert got.wait(10)
        assert woken == ["beta"]  # the organisation id only: a hint, never record data
    finally:
        other.close()


def test_bad_db_values_are_one_line_and_make_no_file(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for value in ("mysql://u@h/db", "postgresql:"):
        assert cli.main(["org", "list", "--db", value]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_backup_and_restore_round_trip_bumps_the_epoch(db: Any, url: str, pg_server: PgServer,
                                                       tmp_path: Path, capsys: Any) -> None:
    with db.write() as conn:
        _add_record(conn, "acme", "a1")
    before = db.epoch()
    dump = tmp_path / "hub.dump"
    assert cli.main(["backup", str(dump), "--db", url]) == 0
    assert dump.is_file() and dump.stat().st_size > 0
    # Not into a database that already holds a hub.
    assert cli.main(["restore", str(dump), "--db", url]) == 2
    assert "not empty" in capsys.readouterr().err
    fresh = pg_server.create_database("pgt_restored")
    assert cli.main(["restore", str(dump), "--db", fresh]) == 0
    restored = open_database(fresh)
    try:
        assert restored.epoch() != before
        with restored.read(org="acme") as conn:
            assert [r["id"] for r in conn.execute("SELECT id FROM records")] == ["a1"]
        # The identity carries on after the restored rows (no rowid reuse).
        with restored.write(org="acme") as conn:
            assert _add_record(conn, "acme", "a2") > 1
        assert _seen(restored, "acme", 0) == [1, 2]
    finally:
        restored.close()



class _OrgScopeOnly:
    """The database as an organisation's request may use it: any hub-wide transaction (`org`
    None, or a bare `conn()`) fails the test, so a service call that still ran hub-wide, with
    only its WHERE filter between organisations, shows here."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self.scopes: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def conn(self) -> Any:
        raise AssertionError("a hub-wide statement (db.conn()) for an organisation's request")

    def read(self, org: str | None = None) -> Any:
        assert org, "a hub-wide read for an organisation's request"
        self.scopes.append(org)
        return self._db.read(org=org)

    def write(self, org: str | None = None, busy_timeout: float | None = None) -> Any:
        assert org, "a hub-wide write for an organisation's request"
        self.scopes.append(org)
        return self._db.write(org=org, busy_timeout=busy_timeout)


def test_every_call_for_an_organisation_runs_in_its_own_scope(db: Any) -> None:
    """Row-level security backs the WHERE filters only where a transaction says whose it is:
    everything an organisation's token can ask for (push and pull, the event stream's checks, a
    record, /v1/me, assignment, the staff list) runs as that organisation, never hub-wide."""
    from datetime import UTC, datetime

    from sync import protocol as p
    from tests.hub.hub_helpers import notification

    now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    admin.add_coverage(db, "acme", "011")
    admin.add_staff(db, "acme", "sup", "Sam Supervisor", "supervisor")
    admin.add_staff(db, "acme", "w1", "Wanda Worker")
    note = p.Notification.model_validate(notification("011"))
    service.post_notification(db, note, now)  # CPD's work: hub-wide by nature
    sup = service.Principal(1, p.TokenRole.SUPERVISOR, "acme", "sup")
    scoped = _OrgScopeOnly(db)

    page = service.pull(scoped, sup, None, 100)
    assert [c.id for c in page.changes] == [note.id]
    assert service.decode_cursor(scoped, page.cursor, "acme") == service.latest_seq(scoped, "acme") == 1
    assert service.pull(scoped, sup, page.cursor, 100).changes == []  # checks the cursor inside its read
    assert service.get_record(scoped, sup, "incident", note.id) is not None
    assert service.me(scoped, sup).org_name == "Acme"
    assigned = service.assign(scoped, sup, note.id, "w1", 1, now)
    assert assigned is not None and assigned.data["assignee"] == "w1"
    assert {s.id for s in service.list_staff(scoped, "acme")} == {"sup", "w1"}
    service.upsert_staff(scoped, "acme", p.StaffIn(id="w2", display_name="Will Worker"), now)
    assert service.deactivate_staff(scoped, "acme", "w2")
    service.touch(scoped, sup, now)
    assert set(scoped.scopes) == {"acme"}
