"""Fault rows 17–23 and 28: kill -9 at named crash points (the engine runs as a real subprocess),
two syncers on one profile, a full disk and a locked database. After each, a clean restart
drains the queue and I1–I4 hold."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cvi_desktop import outbox
from cvi_desktop.errors import CviError
from sync.engine.core import CURSOR_KEY, LocalStorageProblem
from sync.lock import ProfileLock, SyncAlreadyRunning
from tests.sync import helpers as h
from tests.sync import latest

ROOT = Path(__file__).resolve().parents[2]


def run(mode: str, db: Path, *args: str, crash: str | None = None, token: str = "", batch: int = 200,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CVI_TEST_TOKEN": token, "CVI_TEST_BATCH": str(batch)}
    env.pop("CVI_SYNC_CRASH_AT", None)
    if crash:
        env["CVI_SYNC_CRASH_AT"] = crash
    return subprocess.run([sys.executable, "-m", "tests.sync.run_engine", mode, str(db), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def reopen(device) -> None:
    """What a restart sees: a fresh connection to the same file."""
    device.store.conn.close()
    from cvi_desktop.store import Store
    from tests.conftest import TEST_KEY
    fresh = Store(device.store.path, TEST_KEY, clock=device.clock, actor="tester")
    device.store.conn, device.store.db = fresh.conn, fresh.db


@pytest.mark.parametrize("point", ["after_mark_sending", "after_push_before_ack", "mid_ack_transaction"])
def test_row19_kill_between_send_and_ack(device, hub, team, proxy, point) -> None:
    h.seed(device.store)
    result = run("sync", device.store.path, proxy.url, crash=point, token=team.tokens["sup"])
    assert result.returncode == -signal.SIGKILL, result.stderr
    reopen(device)
    assert outbox.counts(device.store)["acknowledged"] == 0
    if point != "after_mark_sending":
        assert h.hub_rows(hub.db, team.org)  # the hub committed what the device never recorded
    h.drain(device)
    h.check_all(device, hub, team, proxy)
    latest.check_i1_latest(device.store, hub.db, team.org)


def test_row18_kill_between_domain_write_and_outbox(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    before = device.store.scalar("SELECT count(*) FROM response_actions")
    result = run("log_action", device.store.path, incident)
    assert result.returncode == -signal.SIGKILL, result.stderr
    reopen(device)
    # All or nothing: no action without its outbox row (here: neither).
    assert device.store.scalar("SELECT count(*) FROM response_actions") == before
    orphans = device.store.scalar(
        "SELECT count(*) FROM response_actions a WHERE NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.record_id = a.id)")
    assert orphans == 0
    h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_row20_kill_mid_pull_page(device, hub, team, proxy) -> None:
    notified = [h.notify(hub.url, hub.cpd) for _ in range(3)]
    result = run("sync", device.store.path, proxy.url, crash="mid_pull_page", token=team.tokens["sup"])
    assert result.returncode == -signal.SIGKILL
    reopen(device)
    # The page and its cursor were one transaction: neither landed.
    assert device.store.scalar("SELECT value FROM sync_state WHERE key = ?", [CURSOR_KEY]) is None
    assert not device.store.rows("SELECT id FROM incidents")
    h.drain(device)
    for incident in notified:
        assert device.store.one("SELECT id FROM incidents WHERE id = ?", [incident])
    h.check_all(device, hub, team, proxy)


def test_row17_two_instances_one_profile(device, hub, team, proxy) -> None:
    holder = subprocess.Popen([sys.executable, "-m", "tests.sync.run_engine", "hold_lock",
                               str(device.store.path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(SyncAlreadyRunning):
            ProfileLock.for_database(device.store.path).acquire()
        # A second engine process refuses to sync this profile while the first holds it.
        h.seed(device.store)
        second = run("sync", device.store.path, proxy.url, token=team.tokens["sup"])
        assert second.returncode != 0 and "SyncAlreadyRunning" in second.stderr
    finally:
        holder.kill()  # kill -9: the OS drops the lock with the process
        holder.wait(10)
    with ProfileLock.for_database(device.store.path):
        h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_row21_disk_full_on_save(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    pages = device.store.scalar("PRAGMA page_count")
    device.store.conn.execute(f"PRAGMA max_page_count = {pages}")
    actions_before = device.store.scalar("SELECT count(*) FROM response_actions")
    with pytest.raises((CviError, Exception)):
        h.bulk_actions(device.store, incident, 200)
    assert device.store.scalar("SELECT count(*) FROM response_actions") == actions_before
    device.store.conn.execute("PRAGMA max_page_count = 1073741823")
    h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_row22_disk_full_while_storing_acks(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    h.bulk_actions(device.store, incident, 300)
    device.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = device.store.scalar("PRAGMA page_count")
    device.store.conn.execute(f"PRAGMA max_page_count = {pages}")
    report = device.sync()
    assert isinstance(report.error, LocalStorageProblem), report.error
    device.store.conn.execute("PRAGMA max_page_count = 1073741823")
    h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_row23_database_locked(device, hub, team, proxy) -> None:
    import sqlcipher3

    from tests.conftest import TEST_KEY
    h.seed(device.store)
    device.store.conn.execute("PRAGMA busy_timeout = 200")
    other = sqlcipher3.connect(str(device.store.path), isolation_level=None, timeout=0.2)
    other.execute(f"PRAGMA key = \"x'{TEST_KEY}'\"")
    other.execute("BEGIN IMMEDIATE")
    try:
        report = device.sync()
        assert isinstance(report.error, LocalStorageProblem), report.error
    finally:
        other.execute("ROLLBACK")
        other.close()
    h.drain(device)
    h.check_all(device, hub, team, proxy)


@pytest.mark.timeout(150)
def test_row28_backlog_10000_restart_half_way(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    h.bulk_actions(device.store, incident, 10_000)
    result = run("sync", device.store.path, proxy.url, crash="after_push_before_ack:25",
                 token=team.tokens["sup"], timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr
    reopen(device)
    acked = outbox.counts(device.store)["acknowledged"]
    assert 4000 <= acked < 5000, acked  # 24 batches recorded, the 25th sent but not recorded
    h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_row19_kill_after_hub_commit_then_edit(device, hub, team, proxy) -> None:
    """Issue 8: the hub commits version 2, the laptop is killed before it records that, the
    worker edits again (version 3). Version 3 is based on the laptop's own version 2, not a
    conflict with it; the hub ends at version 3."""
    from cvi_desktop.services import casework
    incident = h.new_incident(device.store)
    ref = casework.add_referral(device.store, {"incident_id": incident, "category": "medical"})
    h.drain(device)  # acknowledged at version 1
    casework.update_referral(device.store, ref, status="connected")
    result = run("sync", device.store.path, proxy.url, crash="after_push_before_ack",
                 token=team.tokens["sup"])
    assert result.returncode == -signal.SIGKILL, result.stderr
    reopen(device)
    assert max(r["version"] for r in h.hub_rows(hub.db, team.org) if r["id"] == ref) == 2
    sent = device.store.scalar("SELECT state FROM outbox WHERE record_id = ? AND version = 2", [ref])
    assert sent == "sending"  # the outcome is unknown to the laptop
    casework.update_referral(device.store, ref, status="closed")
    h.drain(device)
    assert not outbox.quarantined(device.store), outbox.quarantined(device.store)
    latest.check_i1_latest(device.store, hub.db, team.org)
    h.check_all(device, hub, team, proxy)
