"""Local storage failures come out as ONE error, `StorageProblem`, with words a person can act on:
from the store (write, read, open), in the UI's error mapping, and from every CLI command --
never a raw SQLCipher error after a long wait, never a traceback.

Real parts: real SQLCipher files; "locked" is a second connection holding BEGIN EXCLUSIVE; "full"
is `PRAGMA max_page_count` on the store's own connection for the store-level tests, and a real
6 MB tmpfs filled to the last byte for the CLI (mounting needs root: skipped with the reason
otherwise); "read-only" is that tmpfs remounted read-only; "damaged" is a file with pages
overwritten.
"""

from __future__ import annotations

import csv
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3

from cvi_desktop.errors import StorageProblem
from cvi_desktop.services import settings
from cvi_desktop.store import database
from cvi_desktop.store.database import Store, open_profile
from sync.credentials import set_token
from sync.hub import admin
from sync.hub.server import HubServer
from tests.conftest import TEST_KEY
from tests.memory_keyring import MemoryKeyring
from tests.sync import helpers as h


def _exclusive(path: Path, key: str = TEST_KEY) -> sqlcipher3.Connection:
    """Another program holding the database: a second connection inside BEGIN EXCLUSIVE."""
    other = sqlcipher3.connect(str(path), isolation_level=None, timeout=0.2)
    other.execute(f"PRAGMA key = \"x'{key}'\"")
    other.execute("BEGIN EXCLUSIVE")
    return other


def _release(other: sqlcipher3.Connection) -> None:
    other.execute("ROLLBACK")
    other.close()


# --- the store ----------------------------------------------------------------------------------


def test_locked_database_is_one_error_after_a_few_seconds_not_ten(store: Store) -> None:
    other = _exclusive(store.path)
    try:
        started = time.monotonic()
        with pytest.raises(StorageProblem) as caught:
            settings.set_value(store, "probe", "1")
        waited = time.monotonic() - started
    finally:
        _release(other)
    problem = caught.value
    assert problem.kind == "locked" and "Another program" in problem.title
    assert "Close the other" in problem.action and "nothing you saved" in problem.action
    assert isinstance(problem.__cause__, sqlcipher3.OperationalError)  # kept for the details
    assert database.BUSY_TIMEOUT_SECONDS - 0.5 <= waited < database.BUSY_TIMEOUT_SECONDS + 2
    settings.set_value(store, "probe", "1")  # the lock gone, the same store works
    assert settings.get_value(store, "probe") == "1"


def test_disk_full_rolls_the_whole_save_back_and_says_so(store: Store) -> None:
    h.new_incident(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute(f"PRAGMA max_page_count = {store.scalar('PRAGMA page_count')}")
    try:
        with pytest.raises(StorageProblem) as caught:
            for _ in range(500):  # bounded: each save needs pages sooner or later
                h.new_incident(store)
    finally:
        store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert caught.value.kind == "disk_full" and caught.value.title == "This laptop's disk is full"
    assert "Free some space" in caught.value.action
    # Domain row and outbox row land together or not at all: none of the failed save remains.
    incidents = store.scalar("SELECT count(*) FROM incidents")
    assert incidents == store.scalar("SELECT count(*) FROM outbox WHERE kind = 'incident'")
    assert not store.conn.in_transaction
    h.new_incident(store)  # space again: saving works


def test_damaged_file_is_one_error_on_read(tmp_path: Path) -> None:
    path = tmp_path / "cvi.db"
    with Store(path, TEST_KEY) as store, store.write() as db:
        for n in range(2000):
            db.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)", [f"k{n}", "x" * 200])
    with Store(path, TEST_KEY) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = store.scalar("PRAGMA page_count")
    data = bytearray(path.read_bytes())
    for page in range(pages // 2, pages - 1):
        data[page * 4096 + 100: page * 4096 + 200] = b"\xff" * 100
    path.write_bytes(bytes(data))
    with Store(path, TEST_KEY) as store, pytest.raises(StorageProblem) as caught:
        store.rows("SELECT * FROM sync_state")
    assert caught.value.kind == "damaged" and "Do not delete" in caught.value.action


def test_other_sqlite_errors_are_not_storage_problems(store: Store) -> None:
    with pytest.raises(sqlcipher3.OperationalError):
        store.rows("SELECT nothing FROM no_such_table")  # a bug in a query stays a bug
    with pytest.raises(sqlcipher3.IntegrityError), store.write() as db:
        db.execute("INSERT INTO sync_state (key, value) VALUES ('a', '1')")
        db.execute("INSERT INTO sync_state (key, value) VALUES ('a', '2')")
    assert settings.get_value(store, "a") is None  # and the block was rolled back


def test_ui_shows_the_storage_problem_as_such(store: Store) -> None:
    from ui.errors import explain

    other = _exclusive(store.path)
    try:
        store.conn.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(StorageProblem) as caught:
            settings.set_value(store, "probe", "1")
    finally:
        _release(other)
    shown = explain(caught.value)
    assert shown.kind == "storage" and shown.title == caught.value.title
    assert shown.what_to_do == caught.value.action and "Something went wrong" not in shown.title
    assert TEST_KEY not in shown.details


# --- a real small disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs, so "full" and "read-only" are what the kernel says, not a simulation."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder: Path) -> None:
    """Write until the file system says no: the disk is full to the last block."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 512):  # big blocks, then the last partial ones
            for _ in range(2000):  # bounded: 128 MB, far above the 6 MB disk
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)


def test_read_only_drive_is_named(small_disk: Path) -> None:
    path = small_disk / "cvi.db"
    Store(path, TEST_KEY).close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(StorageProblem) as caught:
        Store(path, TEST_KEY)
    assert caught.value.kind == "read_only" and "read-only" in caught.value.title
    assert str(small_disk) in caught.value.action


# --- every CLI command ----------------------------------------------------------------------------


def _argv_for(command: str, incident: str, action: str, sheet: Path, out: Path) -> list[list[str]]:
    known = {
        "demo": [["demo", "--days", "2"]],
        "import": [["import", "incidents", str(sheet)]],
        "export": [["export", "incidents"], ["export", "incidents", "--out", str(out)]],
        "report": [["report", "--month", "2026-11"]],
        "doctor": [["doctor"]],
        "whoami": [["whoami"]],
        "incidents": [["incidents"]],
        "show": [["show", incident]],
        "assign": [["assign", incident, "none"]],
        "respond": [["respond", incident, "--type", "hospital"]],
        "review-queue": [["review-queue"]],
        "review": [["review", incident, "approve"]],
        "resolve-flag": [["resolve-flag", action, "keep"]],
        "caseload": [["caseload"]],
        "sync": [["sync", "--once"]],
    }
    return known.get(command, [[command]])  # a command added later still runs, with no arguments


def _commands() -> list[str]:
    from sync.cli import build_parser

    _, commands = build_parser()
    names = list(commands.choices)
    return [n for n in names if n != "demo"] + ["demo"]  # demo replaces the profile: last


def _run_all(home: Path, profile: str, sheet: Path, out: Path,
             capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[int, str]]:
    from sync.cli import main

    with open_profile(profile, home=home) as store:
        incident = store.scalar("SELECT id FROM incidents LIMIT 1")
        action = store.scalar("SELECT id FROM response_actions LIMIT 1")
    results: dict[str, tuple[int, str]] = {}
    for command in _commands():
        for argv in _argv_for(command, incident, action, sheet, out):
            try:
                code = main(["--home", str(home), "--profile", profile, *argv])
            except SystemExit as exc:  # argparse refusing arguments: a usage line, no traceback
                code = int(exc.code or 0)
            captured = capsys.readouterr()
            text = captured.out + captured.err
            assert "Traceback" not in text, (argv, text)
            results[" ".join(argv)] = (code, text)
    return results


@pytest.fixture
def profile_home(tmp_path: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
                 ) -> Iterator[tuple[Path, HubServer]]:
    """A demo profile synced once with a real hub (so `sync --once` gets as far as the store)."""
    from sync.cli import main

    hub_db = tmp_path / "hub.sqlite3"
    admin.create_org(hub_db, "org", "org")
    server = HubServer(hub_db).start()
    try:
        set_token("team", admin.create_token(hub_db, "supervisor", org_id="org", staff_id="sup1"))
        home = tmp_path / "home"
        assert main(["--home", str(home), "--profile", "team", "demo", "--days", "2"]) == 0
        assert main(["--home", str(home), "--profile", "team", "sync", "--once", "--hub", server.url]) == 0
        capsys.readouterr()
        yield home, server
    finally:
        server.stop()


def _sheet(tmp_path: Path, rows: int) -> Path:
    sheet = tmp_path / "incidents.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["incident_type", "occurred_at", "district", "beat", "victims_nonfatal", "block"])
        for n in range(rows):
            block = f"{n} W Madison St"
            writer.writerow(["nonfatal_shooting", "2026-10-05 21:15", "011", "1131", 1, block])
    return sheet


def test_every_command_on_a_locked_database(profile_home, tmp_path, capsys, monkeypatch) -> None:
    home, server = profile_home
    # The wait for a lock is what this test is not about; a short one keeps it quick.
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", 0.2)
    sheet = _sheet(tmp_path, 3)
    with open_profile("team", home=home) as holder:
        holder.conn.execute("BEGIN EXCLUSIVE")
        try:
            remember_hub = _one(home, ["sync", "--once", "--hub", server.url], capsys)
            results = _run_all(home, "team", sheet, tmp_path / "out.csv", capsys)  # demo last
            results["sync --once --hub"] = remember_hub
        finally:
            holder.conn.execute("ROLLBACK")
    for argv in ("import incidents", "respond", "sync --once", "sync --once --hub"):
        code, text = next(v for k, v in results.items() if k.startswith(argv))
        assert code == 5, (argv, text)
        assert "Another program is using this profile's database" in text and "Close the other" in text
    for argv, (code, text) in results.items():
        if code not in (0, 5):  # refused for its own reasons (a role, a record): said plainly
            assert text.strip(), argv


def _one(home: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from sync.cli import main

    code = main(["--home", str(home), "--profile", "team", *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


def test_every_command_on_a_full_disk(small_disk, tmp_path, memory_keyring, capsys) -> None:
    from sync.cli import main

    home = small_disk / "home"
    assert main(["--home", str(home), "--profile", "team", "demo", "--days", "2"]) == 0
    capsys.readouterr()
    # The app stays open meanwhile, as it would be; its connection keeps the WAL index (-shm)
    # file, which a connection opening on a full disk could not create (see the next test).
    with open_profile("team", home=home) as app:
        _fill(small_disk)
        assert os.statvfs(small_disk).f_bavail == 0
        results = _run_all(home, "team", _sheet(tmp_path, 3000), small_disk / "out.csv", capsys)
        assert app.scalar("SELECT count(*) FROM incidents")  # still readable
    code, text = results["import incidents " + str(tmp_path / "incidents.csv")]
    assert code == 5 and "This laptop's disk is full" in text and "Free some space" in text, text
    code, text = results["export incidents --out " + str(small_disk / "out.csv")]
    assert code == 4 and "No space left on device" in text, text
    for argv, (code, text) in results.items():
        if code != 0:
            assert text.strip(), argv


def test_opening_on_a_full_disk_says_the_disk_is_full(small_disk: Path) -> None:
    path = small_disk / "cvi.db"
    Store(path, TEST_KEY).close()  # the last connection closed: its -shm file is gone
    _fill(small_disk)
    with pytest.raises(StorageProblem) as caught:
        Store(path, TEST_KEY)  # SQLite says "disk I/O error"; the file system says why
    assert caught.value.kind == "disk_full", caught.value


def test_opening_a_profile_on_a_full_disk_is_not_a_lost_key(small_disk, memory_keyring) -> None:
    # The key check before opening must not read a full disk as "the keyring's key is wrong":
    # that would send the person to recover a key that was never lost.
    open_profile("team", home=small_disk / "home").close()
    _fill(small_disk)
    with pytest.raises(StorageProblem) as caught:
        open_profile("team", home=small_disk / "home")
    assert caught.value.kind == "disk_full", caught.value
