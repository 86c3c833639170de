"""Services: versions kept, assignment, append-only actions, outbox entries with frozen payloads,
supersession, and reviews gating what CPD gets."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from cvi_desktop import outbox, sharing
from cvi_desktop.clock import ManualClock
from cvi_desktop.errors import NotFound, StaleVersion, ValidationError
from cvi_desktop.services import audit, casework, incidents, people, responses, reviews
from cvi_desktop.store import Store

CPD_INCIDENT = {
    "source": "cpd",
    "rd_number": "JB100200",
    "incident_type": "nonfatal_shooting",
    "district": "007",
    "beat": "0722",
    "occurred_at": "2026-11-01T09:00:00-06:00",
    "cpd_notified_at": "2026-11-01T09:20:00-06:00",
    "org_received_at": "2026-11-01T09:25:00-06:00",
    "victims_nonfatal": 1,
    "latitude": 41.77,
    "longitude": -87.66,
}


@pytest.fixture
def team(store: Store) -> Store:
    people.add_staff(store, {"id": "w1", "display_name": "Worker One"})
    people.add_staff(store, {"id": "sup", "display_name": "Supervisor", "role": "supervisor"})
    return store


def test_corrections_keep_every_version(team: Store) -> None:
    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    v2 = incidents.correct_incident(
        team,
        incident_id,
        {"incident_type": "fatal_shooting", "victims_fatal": 1, "victims_nonfatal": 0},
        base_version=1,
        reason="died",
    )
    assert v2 == 2
    history = incidents.versions(team, incident_id)
    assert [h["version"] for h in history] == [1, 2]
    assert history[0]["facts"]["incident_type"] == "nonfatal_shooting"
    assert history[1]["facts"]["incident_type"] == "fatal_shooting"
    with pytest.raises(StaleVersion):
        incidents.correct_incident(team, incident_id, {"rd_number": "JB100201"}, base_version=1)
    with pytest.raises(ValidationError) as caught:
        incidents.correct_incident(team, incident_id, {"notes": "x"}, base_version=2)
    assert caught.value.field == "notes"
    assert [e["action"] for e in audit.entries(team, incident_id)][:2] == ["correct", "record"]


def test_cpd_incident_is_not_queued_but_a_self_found_one_is(team: Store) -> None:
    incidents.record_incident(team, CPD_INCIDENT)
    assert outbox.counts(team)["pending"] == 0
    own = incidents.record_incident(team, {**CPD_INCIDENT, "source": "community", "rd_number": None})
    [row] = team.rows("SELECT * FROM outbox")
    assert (row["kind"], row["record_id"], row["audience"]) == ("incident", own, "org")


def test_assign_moves_status_and_queues_next_version(team: Store) -> None:
    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    assert incidents.assign(team, incident_id, "w1") == 2
    row = incidents.get(team, incident_id)
    assert (row["status"], row["assignee"]) == ("assigned", "w1")
    with pytest.raises(ValidationError) as caught:
        incidents.assign(team, incident_id, "nobody")
    assert caught.value.field == "assignee"
    incidents.assign(team, incident_id, "sup")
    states = team.rows(
        "SELECT version, state FROM outbox WHERE record_id = ? ORDER BY version", [incident_id]
    )
    # the unsent version 2 is superseded by version 3, not sent twice
    assert states == [{"version": 2, "state": "superseded"}, {"version": 3, "state": "pending"}]


def test_logging_an_action_freezes_payload_with_hash(team: Store, clock: ManualClock) -> None:
    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    action_id = responses.log_action(
        team,
        {
            "incident_id": incident_id,
            "action_type": "hospital",
            "started_at": clock(),
            "staff_ids": ["w1"],
            "risk_basis": "secret",
        },
    )
    [row] = team.rows("SELECT * FROM outbox WHERE record_id = ?", [action_id])
    assert row["sha256"] == sharing.content_hash(row["payload"])
    assert row["size"] == len(row["payload"].encode())
    payload = json.loads(row["payload"])
    assert payload["data"]["staff_ids"] == ["w1"]
    assert "risk_basis" not in payload["data"]
    assert incidents.get(team, incident_id)["status"] == "responding"
    with pytest.raises(NotFound):
        responses.log_action(team, {"incident_id": "missing", "action_type": "scene", "started_at": clock()})


def test_only_approval_sends_cpd_a_record_and_each_approval_is_a_version(
    team: Store, clock: ManualClock
) -> None:
    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    responses.log_action(team, {"incident_id": incident_id, "action_type": "scene", "started_at": clock()})
    reviews.review(team, {"incident_id": incident_id, "state": "has_issues", "comment": "add end time"})
    assert team.scalar("SELECT count(*) FROM outbox WHERE audience = 'cpd'") == 0
    reviews.review(team, {"incident_id": incident_id, "state": "approved"})
    clock.advance(hours=1)
    responses.log_action(
        team, {"incident_id": incident_id, "action_type": "family_engagement", "started_at": clock()}
    )
    reviews.review(team, {"incident_id": incident_id, "state": "approved"})
    rows = team.rows("SELECT version, state, payload FROM outbox WHERE audience = 'cpd' ORDER BY version")
    assert [(r["version"], r["state"]) for r in rows] == [(1, "superseded"), (2, "pending")]
    assert len(json.loads(rows[1]["payload"])["data"]["actions"]) == 2
    assert reviews.latest(team, incident_id)["state"] == "approved"


def test_followups_overdue_and_completion(team: Store, clock: ManualClock) -> None:
    from cvi_desktop import queries

    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    incidents.assign(team, incident_id, "w1")
    due_soon = casework.schedule_followup(
        team, {"incident_id": incident_id, "assignee": "w1", "due_at": clock() + timedelta(days=1)}
    )
    casework.schedule_followup(
        team, {"incident_id": incident_id, "assignee": "w1", "due_at": clock() + timedelta(days=5)}
    )
    assert queries.overdue_followups(team) == []
    clock.advance(days=2)
    assert [f["id"] for f in queries.overdue_followups(team, "w1")] == [due_soon]
    load = {r["id"]: r for r in queries.caseload(team)}
    assert (load["w1"]["open_incidents"], load["w1"]["overdue_followups"]) == (1, 1)
    assert casework.complete_followup(team, due_soon, result="reached him") == 2
    assert queries.overdue_followups(team) == []
    with pytest.raises(ValidationError):
        casework.complete_followup(team, due_soon, result="  ")


def test_participants_and_notes_never_enter_the_outbox(team: Store) -> None:
    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    person = people.add_participant(
        team, {"incident_id": incident_id, "first_name": "Ana", "phone": "312-555-0100"}
    )
    people.add_note(team, {"incident_id": incident_id, "participant_id": person, "body": "private"})
    assert outbox.counts(team)["pending"] == 0
    assert people.participants_for(team, incident_id)[0]["first_name"] == "Ana"


def test_outbox_states_for_a_syncer(team: Store, clock: ManualClock) -> None:
    incident_id = incidents.record_incident(team, {**CPD_INCIDENT, "source": "self"})
    [row] = outbox.due(team, 10)
    outbox.mark_sending(team, [row["seq"]])
    assert outbox.record_state(team, sharing.RecordKind.INCIDENT, incident_id) == "sending"
    assert [r["seq"] for r in outbox.due(team, 10)] == [row["seq"]]  # unknown outcome: due again
    outbox.mark_retry(team, [row["seq"]], clock() + timedelta(minutes=5), "timeout")
    assert outbox.due(team, 10) == []
    # a retry time beyond the cap (a clock that jumped back) counts as due now
    outbox.mark_retry(team, [row["seq"]], clock() + timedelta(days=365), "timeout")
    assert len(outbox.due(team, 10)) == 1
    outbox.quarantine(team, [row["seq"]], "rejected: district")
    assert outbox.quarantined(team)[0]["last_error"] == "rejected: district"
    outbox.retry_quarantined(team, row["seq"])
    outbox.mark_acknowledged(team, [row["seq"]])
    assert outbox.counts(team)["acknowledged"] == 1
    assert team.scalar("SELECT payload FROM outbox WHERE seq = ?", [row["seq"]]) == row["payload"]


def test_apply_remote_keeps_newer_and_local_coordinates(team: Store) -> None:
    incident_id = incidents.record_incident(team, CPD_INCIDENT)
    hub_version = {
        **CPD_INCIDENT,
        "id": incident_id,
        "rd_number": "JB100299",
        "assignee": "w9",
        "status": "assigned",
    }
    assert incidents.apply_remote(team, hub_version, 3) is True
    row = incidents.get(team, incident_id)
    assert (row["rd_number"], row["version"], row["assignee"], row["latitude"]) == (
        "JB100299",
        3,
        "w9",
        41.77,
    )
    assert incidents.apply_remote(team, {**hub_version, "rd_number": "JB100111"}, 2) is False
    assert incidents.get(team, incident_id)["rd_number"] == "JB100299"


def test_a_cancelled_followup_counts_as_neither_kept_nor_missed(team: Store, clock: ManualClock) -> None:
    from cvi_desktop import monthly, queries

    incident_id = incidents.record_incident(team, {**CPD_INCIDENT, "source": "community", "rd_number": None})
    responses.log_action(team, {"incident_id": incident_id, "action_type": "scene", "started_at": clock()})
    kept = casework.schedule_followup(team, {"incident_id": incident_id,
                                             "due_at": clock() + timedelta(days=1)})
    duplicate = casework.schedule_followup(team, {"incident_id": incident_id,
                                                  "due_at": clock() + timedelta(days=1)})
    casework.complete_followup(team, kept, result="reached her")
    casework.cancel_followup(team, duplicate, reason="entered twice")
    row = team.one("SELECT done_at, cancelled_at, result FROM followups WHERE id = ?", [duplicate])
    assert row["cancelled_at"] and row["done_at"] and row["result"] == "Cancelled: entered twice"
    clock.advance(days=3)
    assert queries.overdue_followups(team) == []
    # The team's copy says it was cancelled; CPD's counts and the monthly review leave it out.
    queued = outbox.latest_payload(team, sharing.RecordKind.FOLLOWUP, duplicate)
    assert queued is not None and queued["payload"]["data"]["cancelled_at"] == row["cancelled_at"]
    reviews.review(team, {"incident_id": incident_id, "state": "approved"})
    cpd = outbox.latest_payload(team, sharing.RecordKind.RESPONSE_RECORD, incident_id)
    assert cpd is not None and cpd["payload"]["data"]["followups"] == {"scheduled": 1, "done_on_time": 1}
    month = clock().astimezone(monthly.CHICAGO).strftime("%Y-%m")
    figures = queries.monthly_review(team, month).total.followups
    assert (figures.scheduled, figures.on_time) == (1, 1)


def test_incidents_from_the_city_data_set_stay_out_of_the_monthly_review(team: Store,
                                                                          clock: ManualClock) -> None:
    from cvi_desktop import monthly, queries

    month = clock().astimezone(monthly.CHICAGO).strftime("%Y-%m")
    incidents.record_incident(team, {**CPD_INCIDENT, "source": "community", "rd_number": None})
    before = queries.monthly_review(team, month).total.incidents
    incidents.record_incident(team, {**CPD_INCIDENT, "source": "city_data", "rd_number": "JB999999"})
    assert before >= 1 and queries.monthly_review(team, month).total.incidents == before
