"""A pulled page applied in one go (incident versions written together, new records inserted in
batches) leaves exactly what applying its changes one page each would leave; a refused record in
the middle falls back to record-by-record without losing the rest."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cvi_desktop import replica
from cvi_desktop.clock import ManualClock
from cvi_desktop.store import Store
from tests.conftest import TEST_KEY

INCIDENT = "inc-page-1"


def incident(version: int, **extra: Any) -> dict[str, Any]:
    data = {"id": INCIDENT, "source": "cpd", "incident_type": "fatal_shooting",
            "occurred_at": "2026-11-01T17:40:00.000000+00:00", "district": "011", "beat": "1131",
            "victims_total": 1, "victims_fatal": 1, "victim_age_bands": ["18_24"], "status": "new",
            "assignee": None, **extra}
    return {"kind": "incident", "id": INCIDENT, "version": version, "author": None, "flag": None,
            "data": data}


def record(kind: str, record_id: str, version: int, author: str = "w1", **data: Any) -> dict[str, Any]:
    return {"kind": kind, "id": record_id, "version": version, "author": author, "flag": None,
            "data": {"id": record_id, "incident_id": INCIDENT, **data}}


PAGE = [
    incident(1),
    record("response_action", "act-1", 1, action_type="hospital",
           started_at="2026-11-01T18:30:00.000000+00:00", outcome="completed"),
    incident(2, status="assigned", assignee="w1"),
    record("referral", "ref-1", 1, category="mental_health", status="made"),
    record("referral", "ref-1", 2, category="mental_health", status="connected"),
    incident(3, status="assigned", assignee="w2", block="011XX W MADISON ST"),
    record("review", "rev-1", 1, author="sup1", state="approved", reviewer="sup1", comment="ok",
           covers=[{"kind": "response_action", "id": "act-1", "version": 1}]),
]

TABLES = {
    "incidents": "id", "incident_versions": "incident_id, version", "response_actions": "id",
    "referrals": "id", "reviews": "id", "staff": "id",
}


@pytest.fixture
def two_stores(tmp_path: Path, store_template: Path) -> Iterator[list[Store]]:
    opened = []
    for name in ("whole", "single"):
        path = tmp_path / name / "cvi.db"
        path.parent.mkdir()
        shutil.copy(store_template, path)
        clock = ManualClock(datetime(2026, 11, 1, 19, 0, tzinfo=UTC))
        opened.append(Store(path, TEST_KEY, clock=clock, actor="sup1"))
    yield opened
    for store in opened:
        store.close()


def contents(store: Store) -> dict[str, list[dict[str, Any]]]:
    found = {table: store.rows(f"SELECT * FROM {table} ORDER BY {order}") for table, order in TABLES.items()}
    found["audit_log"] = store.rows("SELECT at, actor, action, entity, entity_id FROM audit_log ORDER BY id")
    return found


def test_a_page_in_one_go_equals_its_changes_one_by_one(two_stores: list[Store]) -> None:
    whole, single = two_stores
    applied = replica.apply_page(whole, None, PAGE, "c-end")
    cursor = None
    for n, change in enumerate(PAGE):
        replica.apply_page(single, cursor, [change], f"c{n}")
        cursor = f"c{n}"
    assert contents(whole) == contents(single)
    assert applied.new_incidents == [INCIDENT]
    assert applied.updated_incidents == [(INCIDENT, 2), (INCIDENT, 3)]
    row = whole.one("SELECT * FROM incidents WHERE id = ?", [INCIDENT])
    # The newest version's facts and assignment, and someone is on it.
    assert (row["version"], row["assignee"], row["block"], row["status"]) == (3, "w2", "011XX W MADISON ST",
                                                                              "responding")
    kept = whole.rows("SELECT version FROM incident_versions ORDER BY version")
    assert [v["version"] for v in kept] == [1, 2, 3]
    assert whole.one("SELECT status, version FROM referrals WHERE id = 'ref-1'") == {"status": "connected",
                                                                                   "version": 2}
    assert whole.scalar("SELECT covers FROM reviews WHERE id = 'rev-1'") == (
        '[{"kind": "response_action", "id": "act-1", "version": 1}]')


def test_a_refused_record_mid_page_is_skipped_and_the_rest_applied(two_stores: list[Store]) -> None:
    store = two_stores[0]
    bad = record("referral", "ref-bad", 1, category="no_such_category", status="made")
    page = [*PAGE[:4], bad, *PAGE[4:]]
    applied = replica.apply_page(store, None, page, "c-end")
    assert applied.skipped == 1
    assert store.scalar("SELECT count(*) FROM referrals WHERE id = 'ref-bad'") == 0
    assert store.one("SELECT status, version FROM referrals WHERE id = 'ref-1'") == {"status": "connected",
                                                                                   "version": 2}
    assert store.scalar("SELECT version FROM incidents WHERE id = ?", [INCIDENT]) == 3
    assert store.scalar("SELECT count(*) FROM incident_versions") == 3
    assert store.scalar("SELECT count(*) FROM reviews") == 1
    assert replica.cursor(store) == "c-end"


def test_a_page_applied_twice_changes_nothing_the_second_time(two_stores: list[Store]) -> None:
    store = two_stores[0]
    replica.apply_page(store, None, PAGE, "c1")
    before = contents(store)
    again = replica.apply_page(store, "c1", PAGE, "c2")
    assert again.changed == 0
    assert contents(store) == before
