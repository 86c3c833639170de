"""The sync engine reports this laptop's storage failing as a storage problem, not as "offline":
its own state ("storage_problem"), its own event (`ev.StorageProblem`) with the store's words,
a retry on the timer, and nothing lost once the problem clears (rows 21-23 of the fault matrix
cover the data side; this covers what the person is told).

Real hub over HTTP behind the proxy, real encrypted store; locked = a second connection holding
BEGIN EXCLUSIVE; full = `PRAGMA max_page_count` on the store's own connection.
"""

from __future__ import annotations

import sqlcipher3

from sync.engine import events as ev
from sync.engine.core import LocalStorageProblem
from tests.conftest import TEST_KEY
from tests.sync import helpers as h


def test_locked_database_is_a_storage_problem_not_offline(device, hub, team, proxy) -> None:
    h.seed(device.store, incidents_n=1)
    device.store.conn.execute("PRAGMA busy_timeout = 200")  # the wait is not what this is about
    other = sqlcipher3.connect(str(device.store.path), isolation_level=None, timeout=0.2)
    other.execute(f"PRAGMA key = \"x'{TEST_KEY}'\"")
    other.execute("BEGIN EXCLUSIVE")
    try:
        report = device.sync()
        status = device.engine.status()  # readable while locked (WAL readers are not blocked)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert isinstance(report.error, LocalStorageProblem) and report.retry_at is not None
    problems = [e for e in device.events if isinstance(e, ev.StorageProblem)]
    assert len(problems) == 1 and not any(isinstance(e, ev.Offline) for e in device.events)
    problem = problems[0]
    assert problem.kind == "locked" and problem.title.startswith("Another program is using")
    assert "Close the other" in problem.action and problem.retry_at == report.retry_at
    assert device.engine.state == "storage_problem" and status.state == "storage_problem"
    assert status.retry_at == report.retry_at
    assert "Offline" not in status.text() and problem.title in status.text()
    h.drain(device)  # the lock gone: the next passes carry on
    assert device.engine.state == "idle"
    h.check_all(device, hub, team, proxy)


def test_disk_full_while_storing_acks_says_the_disk_is_full(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    h.bulk_actions(device.store, incident, 300)
    device.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    device.store.conn.execute(f"PRAGMA max_page_count = {device.store.scalar('PRAGMA page_count')}")
    try:
        report = device.sync()
    finally:
        device.store.conn.execute("PRAGMA max_page_count = 1073741823")
    problems = [e for e in device.events if isinstance(e, ev.StorageProblem)]
    assert isinstance(report.error, LocalStorageProblem)
    assert [p.kind for p in problems] == ["disk_full"]
    assert problems[0].title == "This laptop's disk is full" and report.error.title == problems[0].title
    h.drain(device)
    h.check_all(device, hub, team, proxy)
