"""The encrypted store: no plaintext on disk, keyring or nothing, migrations that cannot
half-apply, and writes that land whole or not at all."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from cvi_desktop.errors import CviError, DatabaseTooNew, KeyringUnavailable, ValidationError
from cvi_desktop.paths import read_identity
from cvi_desktop.services import incidents, people, responses
from cvi_desktop.store import Store, open_profile
from cvi_desktop.store.migrations import SCHEMA_VERSION
from tests.conftest import TEST_KEY
from tests.memory_keyring import FileKeyring, MemoryKeyring

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
INCIDENT = {
    "source": "community",
    "incident_type": "nonfatal_shooting",
    "district": "011",
    "beat": "1131",
    "occurred_at": "2026-11-01T10:00:00-06:00",
    "victims_nonfatal": 1,
}


def test_saved_note_is_not_in_the_file_as_plaintext(store: Store) -> None:
    incident_id = incidents.record_incident(store, INCIDENT)
    canary = "CanaryNote-Tavon-773-555-0142"
    people.add_note(store, {"incident_id": incident_id, "body": canary})
    people.add_participant(store, {"incident_id": incident_id, "first_name": "CanaryFirstname"})
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [p for p in store.path.parent.iterdir() if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert canary.encode() not in data, path
        assert b"CanaryFirstname" not in data, path
        assert b"SQLite format 3" not in data[:16]
    # and it is really there, for the right key
    assert people.notes_for(store, incident_id)[0]["body"] == canary


def test_wrong_key_is_refused_and_file_untouched(store: Store, tmp_path: Path) -> None:
    incidents.record_incident(store, INCIDENT)
    store.close()
    before = store.path.read_bytes()
    with pytest.raises(CviError, match="another key"):
        Store(store.path, "ab" * 32)
    assert store.path.read_bytes() == before


def test_profile_key_comes_from_keyring_and_is_reused(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    with open_profile("alice", home=tmp_path) as first:
        incident_id = incidents.record_incident(first, INCIDENT)
    # Named by the profile's own id (profile.json), never its name; plus its recovery key.
    profile_id = read_identity("alice", tmp_path).id
    assert set(memory_keyring.secrets) == {
        ("cvi-desktop", f"database-key:{profile_id}"), ("cvi-desktop", f"recovery-key:{profile_id}")
    }
    assert len(memory_keyring.secrets[("cvi-desktop", f"database-key:{profile_id}")]) == 64
    with open_profile("alice", home=tmp_path) as second:
        assert incidents.get(second, incident_id)["district"] == "011"
    assert len(memory_keyring.secrets) == 2


@pytest.mark.parametrize("backend", [fail.Keyring(), FileKeyring()], ids=["fail", "untrusted"])
def test_no_secure_keyring_means_no_store(tmp_path: Path, backend: object) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with pytest.raises(KeyringUnavailable, match="gnome-keyring"):
            open_profile("bob", home=tmp_path)
    finally:
        keyring.set_keyring(previous)
    assert not (tmp_path / "profiles" / "bob" / "cvi.db").exists()


def test_invalid_input_changes_nothing(store: Store) -> None:
    incident_id = incidents.record_incident(store, INCIDENT)
    before = _snapshot(store)
    with pytest.raises(ValidationError) as caught:
        responses.log_action(
            store,
            {
                "incident_id": incident_id,
                "action_type": "hospital",
                "started_at": "2026-11-01T10:00:00+00:00",
                "outcome": "fine",
            },
        )
    assert caught.value.field == "outcome"
    with pytest.raises(ValidationError):
        incidents.record_incident(store, {**INCIDENT, "rd_number": "OO000000"})
    assert _snapshot(store) == before


def test_a_failing_outbox_insert_rolls_back_the_domain_row(store: Store) -> None:
    incident_id = incidents.record_incident(store, INCIDENT)
    before = _snapshot(store)
    store.conn.execute(
        "CREATE TEMP TRIGGER refuse_outbox BEFORE INSERT ON main.outbox BEGIN "
        "SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(Exception, match="disk trouble"):
        responses.log_action(
            store,
            {"incident_id": incident_id, "action_type": "scene", "started_at": "2026-11-01T17:00:00+00:00"},
        )
    assert _snapshot(store) == before


def test_kill_between_domain_write_and_outbox_leaves_neither(store: Store, tmp_path: Path) -> None:
    """A real process killed with SIGKILL after the action row is written but before its
    outbox row: on reopening, neither exists and the store is healthy."""
    incident_id = incidents.record_incident(store, INCIDENT)
    store.close()
    script = textwrap.dedent(f"""
        import os, signal
        from cvi_desktop import outbox
        from cvi_desktop.services import responses
        from cvi_desktop.store import Store
        def crash(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        responses.outbox.enqueue = crash
        store = Store({str(store.path)!r}, {TEST_KEY!r})
        responses.log_action(store, {{"incident_id": {incident_id!r}, "action_type": "hospital",
                                      "started_at": "2026-11-01T17:00:00+00:00"}})
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=60, capture_output=True)
    assert result.returncode == -9, result.stderr
    with Store(store.path, TEST_KEY) as reopened:
        assert reopened.scalar("SELECT count(*) FROM response_actions") == 0
        assert reopened.scalar("SELECT count(*) FROM outbox WHERE kind = 'response_action'") == 0
        assert reopened.scalar("PRAGMA integrity_check") == "ok"
        responses.log_action(
            reopened,
            {
                "incident_id": incident_id,
                "action_type": "hospital",
                "started_at": "2026-11-01T17:00:00+00:00",
            },
        )
        assert reopened.scalar("SELECT count(*) FROM outbox WHERE kind = 'response_action'") == 1


def test_upgrade_from_first_schema_keeps_data_and_copies_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "cvi.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    with Store(path, TEST_KEY) as store:
        assert store.schema_version() == SCHEMA_VERSION
        backup = store.backup_path
        assert backup is not None and backup.name.startswith("cvi.db.v1-")
        row = incidents.get(store, "11111111-1111-4111-8111-111111111111")
        assert (row["rd_number"], row["assignee"], row["version"]) == ("JA123456", "w-old", 2)
        # m002 indexed the rows that were already there
        from cvi_desktop import queries

        assert [r["id"] for r in queries.search(store, "grandmother")] == [row["id"]]
        assert [r["id"] for r in queries.search(store, "JA123456")] == [row["id"]]
    with Store(path, TEST_KEY) as again:
        assert again.backup_path is None  # nothing left to migrate, nothing copied
    with Store(backup, TEST_KEY, migrate=False) as kept:
        assert kept.schema_version() == 1
        assert kept.scalar("SELECT rd_number FROM incidents") == "JA123456"


def test_database_from_a_newer_app_is_refused(store: Store) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('cvi_desktop', 'm999_from_the_future', 'later')"
        )
    store.close()
    before = store.path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        Store(store.path, TEST_KEY)
    assert store.path.read_bytes() == before


def test_migration_failure_leaves_schema_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cvi_desktop.store import migrations

    path = tmp_path / "cvi.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    [m002] = [m for m in migrations.MIGRATIONS._migrations if m.name == "m002_search_and_list_indexes"]

    def broken(db: object) -> None:
        migrations.run_statements(db, "CREATE INDEX half_done ON incidents(district);\nSELECT nope();\n")

    monkeypatch.setattr(m002, "fn", broken)
    with pytest.raises(Exception, match="nope"):
        Store(path, TEST_KEY)
    monkeypatch.undo()
    with Store(path, TEST_KEY, migrate=False) as store:
        assert store.schema_version() == 1
        assert store.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0


def _snapshot(store: Store) -> dict[str, int]:
    tables = [
        r["name"]
        for r in store.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
            "AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: store.scalar(f"SELECT count(*) FROM {t}") for t in tables}


def test_only_a_write_kept_elsewhere_skips_the_fsync_and_every_other_is_full(store: Store) -> None:
    # synchronous: 2 = FULL (fsync at each commit), 1 = NORMAL (WAL: fsync at checkpoints).
    assert store.scalar("PRAGMA synchronous") == 2
    seen = []
    with store.write(kept_elsewhere=True) as db:
        seen.append(store.scalar("PRAGMA synchronous"))
        db.execute("INSERT INTO sync_state (key, value) VALUES ('probe', '1')")
    assert seen == [1] and store.scalar("PRAGMA synchronous") == 2
    with pytest.raises(RuntimeError), store.write(kept_elsewhere=True) as db:
        db.execute("INSERT INTO sync_state (key, value) VALUES ('probe2', '1')")
        raise RuntimeError("refused")
    assert store.scalar("PRAGMA synchronous") == 2  # back to FULL after a rollback too
    assert store.scalar("SELECT count(*) FROM sync_state WHERE key = 'probe2'") == 0
