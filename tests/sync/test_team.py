"""The team, connected: three laptops (two workers and their supervisor), each with its own
encrypted store and token, through one real hub over HTTP.

Worker 1 syncs through the recording proxy, so every byte that left that laptop is scanned for
the canaries planted in its share-class-L fields; CPD's view is read with a `cpd` token.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from cvi_desktop import outbox, queries
from cvi_desktop.services import incidents, people, responses, reviews, settings
from cvi_desktop.sharing import (
    ACTION_O,
    ACTION_S,
    INCIDENT_O,
    INCIDENT_S,
    INCIDENT_S_IF_AGREED,
    REFERRAL_O,
    REFERRAL_S,
)
from tests.sync import helpers as h


@pytest.fixture
def laptops(make_device: Any, hub: Any, team: Any, proxy: Any) -> dict[str, Any]:
    """Supervisor and worker 2 talk to the hub straight; worker 1 through the proxy."""
    return {"sup": make_device("sup", hub.url), "w1": make_device("w1"), "w2": make_device("w2", hub.url)}


def sync(*devices: Any) -> None:
    for device in devices:
        report = device.sync()
        assert report.ok, report.error


def cpd_records(hub: Any) -> list[dict[str, Any]]:
    response = requests.get(f"{hub.url}/v1/cpd/records", params={"since": 0, "limit": 500}, timeout=10,
                            headers={"Authorization": f"Bearer {hub.cpd}"})
    assert response.status_code == 200, response.text
    return response.json()["records"]


def cpd_record(hub: Any, incident_id: str) -> dict[str, Any]:
    mine = [r for r in cpd_records(hub) if r["id"] == incident_id]
    assert mine, "CPD has no record for the incident"
    return max(mine, key=lambda r: r["version"])


def hospital(device: Any, incident_id: str, **extra: Any) -> str:
    return responses.log_action(device.store, {
        "incident_id": incident_id, "action_type": "hospital", "started_at": device.store.now().isoformat(),
        "outcome": "completed", "retaliation_risk": "medium", "risk_basis": f"{h.CANARY}RiskBasis",
        **extra,
    })


def test_identity_and_staff_list_come_from_the_hub(laptops: dict[str, Any]) -> None:
    sync(*laptops.values())
    sup, w1 = laptops["sup"], laptops["w1"]
    assert settings.identity(sup.store)["role"] == "supervisor"
    assert settings.identity(w1.store) | {"org_name": None} == {
        "org_id": settings.identity(w1.store)["org_id"], "org_name": None, "role": "worker",
        "staff_id": "w1", "display_name": "w1"}
    assert w1.store.actor == "w1" and sup.store.actor == "sup1"
    assert {s["id"] for s in people.active_staff(w1.store)} >= {"sup1", "w1", "w2"}
    # The worker's laptop refuses a supervisor's work before the hub has to.
    incident = h.new_incident(w1.store, canary=False)
    hospital(w1, incident)
    with pytest.raises(Exception, match="supervisor"):
        reviews.review(w1.store, {"incident_id": incident, "state": "approved"})


def test_notification_to_approval_across_three_laptops(laptops: dict[str, Any], hub: Any, proxy: Any) -> None:
    sup, w1, w2 = laptops["sup"], laptops["w1"], laptops["w2"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup, w1, w2)
    assert all(d.store.one("SELECT id FROM incidents WHERE id = ?", [incident]) for d in (sup, w1, w2))

    # The supervisor assigns on their laptop; the assignment reaches the team.
    incidents.assign(sup.store, incident, "w1")
    sync(sup, w1, w2)
    assert incidents.get(w1.store, incident)["assignee"] == "w1"
    assert incidents.get(w2.store, incident)["assignee"] == "w1"

    # Worker 1 responds offline: private people, a note and a risk basis stay on their laptop.
    person = people.add_participant(w1.store, {"incident_id": incident, "first_name": f"{h.CANARY}First",
                                               "last_name": f"{h.CANARY}Last", "phone": "773-555-0199"})
    people.add_note(w1.store, {"incident_id": incident, "participant_id": person,
                               "body": f"{h.CANARY}NoteBody"})
    action = hospital(w1, incident, staff_ids=["w1"])
    sync(w1)
    assert outbox.counts(w1.store)["acknowledged"] >= 1

    # The supervisor sees it, read-only, with who recorded it, and it waits for review.
    sync(sup)
    [theirs] = responses.for_incident(sup.store, incident)
    assert theirs["id"] == action and theirs["recorded_by"] == "w1" and theirs["origin"] == "team"
    assert theirs["risk_basis"] == ""  # L never arrived
    assert not responses.can_edit(w2.store, {**theirs, "recorded_by": "w1"})
    assert responses.can_edit(sup.store, theirs)
    queue = queries.review_queue(sup.store)
    assert [(q["incident_id"], q["reason"]) for q in queue] == [(incident, "new")]
    preview = reviews.preview(sup.store, incident)
    assert [(c["kind"], c["id"], c["version"]) for c in preview["covers"]] == [("response_action", action, 1)]
    assert [a["id"] for a in preview["cpd_payload"]["actions"]] == [action]

    reviews.review(sup.store, {"incident_id": incident, "state": "approved"})
    sync(sup)
    record = cpd_record(hub, incident)
    assert [a["id"] for a in record["data"]["actions"]] == [action]
    assert record["data"]["actions"][0]["action_type"] == "hospital"
    assert queries.review_queue(sup.store) == []

    # The worker sees the approval.
    sync(w1)
    assert reviews.status(w1.store, incident)["state"] == "approved"

    # Nothing organisation-only or private on any CPD route.
    for record in cpd_records(hub):
        data = record["data"]
        assert set(data["incident"]) <= set(INCIDENT_S + INCIDENT_S_IF_AGREED)
        assert all(set(a) <= set(ACTION_S) for a in data["actions"])
        assert all(set(r) <= set(REFERRAL_S) for r in data["referrals"])
    text = requests.get(f"{hub.url}/v1/cpd/records", params={"since": 0}, timeout=10,
                        headers={"Authorization": f"Bearer {hub.cpd}"}).text
    org_only = {*ACTION_O, *INCIDENT_O, *REFERRAL_O, "risk_basis", "recorded_by", "comment", "covers"}
    for name in org_only - set(ACTION_S + INCIDENT_S + REFERRAL_S) - {"version"}:
        assert f'"{name}"' not in text, name
    assert '"w1"' not in text and '"sup1"' not in text
    h.check_i4_private(proxy.sent)
    h.check_i4_hub_file(hub)


def test_has_issues_round_trip_and_late_record_reopens_review(laptops: dict[str, Any], hub: Any) -> None:
    sup, w1, w2 = laptops["sup"], laptops["w1"], laptops["w2"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup, w2)
    first = hospital(w2, incident)
    sync(w2, sup)
    reviews.review(sup.store, {"incident_id": incident, "state": "has_issues",
                               "comment": "Add when the hospital visit ended"})
    sync(sup, w2)
    status = reviews.status(w2.store, incident)
    assert status["state"] == "has_issues" and status["comment"] == "Add when the hospital visit ended"
    assert status["reviewer"] == "sup1"

    # The worker corrects their response: a new version, back in the supervisor's queue.
    assert responses.correct_action(w2.store, first, {"ended_at": w2.store.now().isoformat()}) == 2
    sync(w2, sup)
    assert responses.get(sup.store, first)["version"] == 2
    queue = queries.review_queue(sup.store)
    assert [(q["incident_id"], q["reason"]) for q in queue] == [(incident, "resubmitted")]
    reviews.review(sup.store, {"incident_id": incident, "state": "approved"})
    sync(sup)
    assert cpd_record(hub, incident)["version"] == 1

    # A teammate's late record invalidates the approval; nothing new goes to CPD until re-approval.
    sync(w1)
    late = hospital(w1, incident, action_type="family_engagement")
    sync(w1, sup)
    assert reviews.status(sup.store, incident)["state"] == "changed_since_approval"
    assert [q["reason"] for q in queries.review_queue(sup.store)] == ["changed_since_approval"]
    assert cpd_record(hub, incident)["version"] == 1
    assert [a["id"] for a in cpd_record(hub, incident)["data"]["actions"]] == [first]
    reviews.review(sup.store, {"incident_id": incident, "state": "approved"})
    sync(sup)
    again = cpd_record(hub, incident)
    assert again["version"] == 2 and {a["id"] for a in again["data"]["actions"]} == {first, late}


def test_a_teammate_cannot_correct_anothers_record(laptops: dict[str, Any], hub: Any) -> None:
    w1, w2 = laptops["w1"], laptops["w2"]
    incident = h.notify(hub.url, hub.cpd)
    sync(w1, w2)
    action = hospital(w1, incident)
    sync(w1, w2)
    with pytest.raises(Exception, match="Only the person who logged"):
        responses.correct_action(w2.store, action, {"outcome": "partial"})


def test_reassigned_while_offline_is_accepted_flagged_and_resolved(laptops: dict[str, Any], hub: Any) -> None:
    sup, w1, w2 = laptops["sup"], laptops["w1"], laptops["w2"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup)
    incidents.assign(sup.store, incident, "w1")
    sync(sup, w1, w2)
    # Worker 1 is offline and logs a response; meanwhile the supervisor reassigns to worker 2.
    action = hospital(w1, incident, staff_ids=["w1"])
    incidents.assign(sup.store, incident, "w2")
    sync(sup)
    sync(w1)  # accepted, flagged
    assert outbox.counts(w1.store)["quarantined"] == 0
    assert responses.get(w1.store, action)["flag"] == "incident_reassigned"
    sync(sup, w2)
    assert responses.get(sup.store, action)["flag"] == "incident_reassigned"
    assert responses.get(w2.store, action)["flag"] == "incident_reassigned"
    assert incidents.get(w1.store, incident)["assignee"] == "w2"

    with pytest.raises(Exception, match="supervisor"):
        responses.resolve_flag(w1.store, action, "keep")
    assert responses.resolve_flag(sup.store, action, "move") == 2
    sync(sup, w1, w2)
    for device in (sup, w1, w2):
        resolved = responses.get(device.store, action)
        assert resolved["flag_resolution"] == "moved" and resolved["owner"] == "w2", device.profile
    assert outbox.counts(sup.store)["quarantined"] == 0


def test_pull_is_idempotent_and_keeps_local_private_columns(laptops: dict[str, Any], hub: Any) -> None:
    sup, w1 = laptops["sup"], laptops["w1"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup, w1)
    action = hospital(w1, incident)
    sync(w1, sup)
    # The supervisor's new version of the worker's action comes back to the worker; their own
    # risk basis (L) stays as they wrote it.
    responses.correct_action(sup.store, action, {"outcome": "partial"})
    sync(sup, w1)
    mine = responses.get(w1.store, action)
    assert mine["version"] == 2 and mine["outcome"] == "partial"
    assert mine["risk_basis"] == f"{h.CANARY}RiskBasis"
    # A full re-pull changes nothing and duplicates nothing.
    before = w1.store.rows("SELECT * FROM response_actions ORDER BY id")
    w1.store.conn.execute("DELETE FROM sync_state WHERE key = 'sync.cursor'")
    sync(w1)
    assert w1.store.rows("SELECT * FROM response_actions ORDER BY id") == before
    assert w1.store.scalar("SELECT count(*) FROM reviews") == 0


def test_the_assignee_of_a_follow_up_completes_it(laptops: dict[str, Any], hub: Any) -> None:
    from cvi_desktop.services import casework

    sup, w1, w2 = laptops["sup"], laptops["w1"], laptops["w2"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup)
    followup = casework.schedule_followup(sup.store, {"incident_id": incident, "assignee": "w1",
                                                      "due_at": sup.store.now().isoformat(), "kind": "call"})
    sync(sup, w1, w2)
    assert casework.complete_followup(w1.store, followup, result="Reached the family") == 2
    sync(w1, sup)
    assert outbox.counts(w1.store)["quarantined"] == 0
    [done] = casework.followups_for(sup.store, incident)
    assert done["version"] == 2 and done["done_at"] is not None and done["recorded_by"] == "sup1"
    with pytest.raises(Exception, match="Only the person"):
        casework.complete_followup(w2.store, followup, result="not mine")


def test_an_approval_refuses_records_it_did_not_show(laptops: dict[str, Any], hub: Any) -> None:
    sup, w1 = laptops["sup"], laptops["w1"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup, w1)
    hospital(w1, incident)
    sync(w1, sup)
    shown = reviews.preview(sup.store, incident)["covers"]
    hospital(w1, incident, action_type="family_engagement")  # arrives while the supervisor reads
    sync(w1, sup)
    with pytest.raises(Exception, match="changed since you looked"):
        reviews.review(sup.store, {"incident_id": incident, "state": "approved", "covers": shown})
    assert sup.store.scalar("SELECT count(*) FROM reviews WHERE incident_id = ?", [incident]) == 0
    fresh = reviews.preview(sup.store, incident)["covers"]
    reviews.review(sup.store, {"incident_id": incident, "state": "approved", "covers": fresh})
    assert reviews.status(sup.store, incident)["state"] == "approved"


def test_one_refused_record_in_a_pulled_page_is_skipped_alone(laptops: dict[str, Any], hub: Any) -> None:
    from cvi_desktop import replica

    sup = laptops["sup"]
    incident = h.notify(hub.url, hub.cpd)
    sync(sup)
    good = {"kind": "response_action", "id": "a-good", "version": 1, "author": "w1", "flag": None,
            "data": {"id": "a-good", "incident_id": incident, "action_type": "scene",
                     "started_at": "2026-11-01T18:30:00+00:00", "outcome": "completed"}}
    orphan = {**good, "id": "a-orphan", "data": {**good["data"], "id": "a-orphan", "incident_id": "nope"}}
    garbled = {**good, "id": "a-bad", "data": {**good["data"], "id": "a-bad", "action_type": "teleport"}}
    before = replica.cursor(sup.store)
    applied = replica.apply_page(sup.store, before, [orphan, good, garbled], "next-cursor")
    assert applied.skipped == 2 and applied.team_incidents == [incident]
    assert [a["id"] for a in responses.for_incident(sup.store, incident)] == ["a-good"]
    assert replica.cursor(sup.store) == "next-cursor"
    assert incidents.get(sup.store, incident)["status"] == "responding"
