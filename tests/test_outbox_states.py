"""The outbox as the queue sees it: each incident's worst sync state through the `incident_id`
column (m004), which migration fills in for rows written before it existed."""

from __future__ import annotations

import json
from pathlib import Path

from cvi_desktop import outbox, queries
from cvi_desktop.clock import ManualClock
from cvi_desktop.domain import IncidentStatus
from cvi_desktop.services import casework, incidents, people, responses
from cvi_desktop.sharing import RecordKind
from cvi_desktop.store import Store
from cvi_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import TEST_KEY

INCIDENT = {
    "source": "community",
    "incident_type": "nonfatal_shooting",
    "district": "011",
    "beat": "1131",
    "occurred_at": "2026-11-01T10:00:00-06:00",
    "victims_nonfatal": 1,
}


def test_every_outbox_row_is_filed_under_its_incident(store: Store, clock: ManualClock) -> None:
    people.add_staff(store, {"id": "w1", "display_name": "Worker One"})
    incident_id = incidents.record_incident(store, INCIDENT)
    action_id = responses.log_action(
        store, {"incident_id": incident_id, "action_type": "scene", "started_at": clock()}
    )
    referral_id = casework.add_referral(store, {"incident_id": incident_id, "category": "relocation"})
    rows = store.rows("SELECT kind, record_id, incident_id FROM outbox ORDER BY seq")
    assert {r["record_id"] for r in rows} >= {incident_id, action_id, referral_id}
    assert {r["incident_id"] for r in rows} == {incident_id}


def test_the_badge_is_the_worst_state_over_the_incidents_records(store: Store, clock: ManualClock) -> None:
    first = incidents.record_incident(store, INCIDENT)
    second = incidents.record_incident(store, {**INCIDENT, "beat": "1132"})
    untouched = incidents.record_incident(store, {**INCIDENT, "source": "cpd", "rd_number": "JB000001"})
    action_id = responses.log_action(
        store, {"incident_id": first, "action_type": "scene", "started_at": clock()}
    )
    seqs = {r["record_id"]: r["seq"] for r in store.rows("SELECT seq, record_id FROM outbox")}
    outbox.mark_acknowledged(store, list(seqs.values()))
    assert outbox.incident_states(store, [first, second]) == {first: "acknowledged", second: "acknowledged"}

    outbox.quarantine(store, [seqs[action_id]], "rejected by the hub")
    states = outbox.incident_states(store, [first, second, untouched])
    assert states[first] == "quarantined" and states[second] == "acknowledged"
    assert states.get(untouched) in (None, "pending")  # a CPD incident may not be shared back
    assert outbox.incident_states(store, []) == {}
    latest = outbox.latest_payload(store, RecordKind.RESPONSE_ACTION, action_id)
    assert latest is not None and latest["state"] == "quarantined"
    assert latest["payload"]["data"]["incident_id"] == first
    assert outbox.last_acknowledged_at(store) is not None
    assert [r["record_id"] for r in outbox.waiting(store)] == []


def test_m004_fills_incident_id_for_rows_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    old = Store(path, TEST_KEY, migrate=False)
    MIGRATIONS.apply(old.db, stop_before="m004_outbox_incident")
    rows = [
        ("incident", "inc-1", {"id": "inc-1"}),
        ("response_record", "inc-1", {"incident_id": "inc-1"}),
        ("response_action", "act-1", {"id": "act-1", "incident_id": "inc-1"}),
        ("followup", "fu-1", {"id": "fu-1", "incident_id": "inc-2"}),
    ]
    with old.write() as db:
        for kind, record_id, data in rows:
            payload = json.dumps({"kind": kind, "id": record_id, "data": data})
            db.execute(
                "INSERT INTO outbox (audience, kind, record_id, version, payload, sha256, size, created_at) "
                "VALUES ('org', ?, ?, 1, ?, '', 0, '2026-11-01T00:00:00Z')",
                [kind, record_id, payload],
            )
    old.close()
    upgraded = Store(path, TEST_KEY)
    try:
        assert upgraded.schema_version() == SCHEMA_VERSION
        rows = upgraded.rows("SELECT record_id, incident_id FROM outbox")
        found = {r["record_id"]: r["incident_id"] for r in rows}
        assert found == {"inc-1": "inc-1", "act-1": "inc-1", "fu-1": "inc-2"}
        states = outbox.incident_states(upgraded, ["inc-1", "inc-2"])
        assert states == {"inc-1": "pending", "inc-2": "pending"}
    finally:
        upgraded.close()


def test_open_statuses_are_the_domains() -> None:
    # queries spells them as strings so that the GUI's first frame need not import the domain.
    open_ones = (IncidentStatus.NEW, IncidentStatus.ASSIGNED, IncidentStatus.RESPONDING)
    assert queries.OPEN_STATUSES == tuple(s.value for s in open_ones)
