"""Push over real HTTP: idempotency, key reuse, conflicts, per-record results, allowlist."""

from __future__ import annotations

import pytest
from hub_helpers import action, followup, new_id, notification, own_incident, record, stored

pytestmark = pytest.mark.timeout(30)


def test_same_key_twice_is_duplicate_and_one_row(hub):
    api = hub.api("north_staff")
    rec = action(own_incident(api))
    (first,) = api.results(rec)
    assert first["status"] == "applied"
    assert first["server_received_at"]
    (again,) = api.results(rec)
    assert again["status"] == "duplicate"
    assert again["server_received_at"] == first["server_received_at"]
    # Same batch twice in one request too.
    both = api.results(rec, rec)
    assert [r["status"] for r in both] == ["duplicate", "duplicate"]
    assert stored(hub.db, rec["id"]) == 1


def test_same_key_other_content_is_key_reuse(hub):
    api = hub.api("north_staff")
    rec = action(own_incident(api))
    assert api.results(rec)[0]["status"] == "applied"
    tampered = action(rec["data"]["incident_id"], rec["id"], outcome="partial")
    (result,) = api.results(tampered)
    assert result["status"] == "rejected"
    assert result["reason"] == "key_reuse"
    assert result["current_version"] == 1
    assert stored(hub.db, rec["id"]) == 1


def test_stale_base_version_is_conflict_with_current(hub):
    # The other writer is a supervisor: only the author or a supervisor may correct a follow-up.
    worker, other = hub.api("north_staff"), hub.api("north_sup")
    incident, fid = own_incident(worker), new_id()
    assert worker.results(followup(incident, fid, 1))[0]["status"] == "applied"
    assert (
        other.results(followup(incident, fid, 2, base_version=1, result="called"))[0]["status"] == "applied"
    )
    # The first device edits from version 1 again: version 2 already exists, written by another.
    (stale,) = worker.results(followup(incident, fid, 2, base_version=1, done_at="2026-11-04T10:00:00+00:00"))
    assert stale["status"] == "conflict"
    assert stale["current_version"] == 2
    assert stale["current"]["result"] == "called"
    # And a version 3 from the stale base is a conflict as well, and is not stored.
    (stale3,) = worker.results(followup(incident, fid, 3, base_version=1))
    assert stale3["status"] == "conflict" and stale3["current_version"] == 2
    assert stored(hub.db, fid) == 2
    # From the current base it applies.
    (ok,) = worker.results(followup(incident, fid, 3, base_version=2))
    assert ok["status"] == "applied"


def test_late_older_version_is_superseded_and_kept(hub):
    api = hub.api("north_staff")
    incident, fid = own_incident(api), new_id()
    assert api.results(followup(incident, fid, 3))[0]["status"] == "applied"
    (late,) = api.results(followup(incident, fid, 2))
    assert late["status"] == "superseded" and late["current_version"] == 3
    assert stored(hub.db, fid) == 2
    current = api.get(f"/v1/records/followup/{fid}").json()
    assert current["version"] == 3


def test_one_bad_record_among_many_gets_its_own_result(hub):
    api = hub.api("north_staff")
    incident = own_incident(api)
    good = [action(incident) for _ in range(20)]
    bad = action(incident, action_type="teleport")
    batch = good[:10] + [bad, "not even an object", {"kind": "incident"}] + good[10:]
    results = api.results(*batch)
    assert len(results) == len(batch)
    assert [r["index"] for r in results] == list(range(len(batch)))
    statuses = [r["status"] for r in results]
    assert statuses.count("applied") == 20
    assert results[10]["status"] == "rejected" and results[10]["reason"] == "invalid"
    assert results[10]["id"] == bad["id"]
    assert any(e["field"] == "data.action_type" for e in results[10]["errors"])
    assert results[11]["status"] == "rejected" and results[11]["id"] is None
    assert results[12]["status"] == "rejected"
    assert stored(hub.db, bad["id"]) == 0


@pytest.mark.parametrize("field", ["notes", "risk_basis", "latitude", "participant_name"])
def test_field_outside_allowlist_is_rejected(hub, field):
    api = hub.api("north_staff")
    rec = action(own_incident(api), **{field: "CANARY-private"})
    (result,) = api.results(rec)
    assert result["status"] == "rejected" and result["reason"] == "invalid"
    assert any(e["field"] == f"data.{field}" for e in result["errors"])
    assert stored(hub.db, rec["id"]) == 0


def test_unknown_envelope_field_kind_and_audience_are_rejected(hub):
    api = hub.api("north_staff")
    rec = action(own_incident(api))
    extra = {**rec, "device_secret": "x"}
    wrong_pair = record("response_action", new_id(), 1, "cpd", rec["data"])
    results = api.results(extra, wrong_pair)
    assert results[0]["status"] == "rejected" and results[0]["reason"] == "invalid"
    assert results[1]["status"] == "rejected" and results[1]["reason"] == "kind_not_allowed"


def test_hash_must_match_the_envelope(hub):
    api = hub.api("north_staff")
    rec = action(own_incident(api))
    rec["data"]["outcome"] = "partial"  # changed after hashing
    (result,) = api.results(rec)
    assert result["status"] == "rejected" and result["reason"] == "hash_mismatch"


def test_data_id_and_version_must_match_envelope(hub):
    api = hub.api("north_staff")
    fid = new_id()
    wrong = followup(new_id(), fid, 2)
    wrong["data"]["version"] = 1
    from hub_helpers import record as rebuild

    wrong = rebuild("followup", fid, 2, "org", wrong["data"])
    (result,) = api.results(wrong)
    assert result["reason"] == "invalid"
    assert result["errors"][0]["field"] == "data.version"


def test_response_record_and_review_need_a_supervisor(hub):
    staff = hub.api("north_staff")
    review = record(
        "review",
        (rid := new_id()),
        1,
        "org",
        {
            "id": rid,
            "incident_id": own_incident(staff),
            "state": "approved",
            "comment": "",
            "reviewer": "ns",
            "created_at": "2026-11-03T10:00:00+00:00",
        },
    )
    assert staff.results(review)[0]["reason"] == "role_not_allowed"
    assert hub.api("north_sup").results(review)[0]["status"] == "applied"


def test_whole_batch_errors(hub):
    api = hub.api("north_staff")
    assert api.post("/v1/sync/push", data=b"{not json").status_code == 400
    assert api.post("/v1/sync/push", json=[1, 2]).status_code == 400
    assert api.post("/v1/sync/push", json={"records": [], "extra": 1}).status_code == 400
    ok = api.post("/v1/sync/push", json={"records": []})
    assert ok.status_code == 200 and ok.json()["results"] == []


def test_response_action_on_reassigned_incident_is_accepted_flagged(hub):
    cpd, sup, worker = hub.api("cpd"), hub.api("north_sup"), hub.api("north_staff")
    note = notification("010")
    assert cpd.post("/v1/cpd/notifications", json=note).status_code == 201
    assert sup.post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n1"}).status_code == 200
    # n1 logs a response offline; meanwhile the supervisor reassigns to n2.
    assert sup.post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n2"}).status_code == 200
    (result,) = worker.results(action(note["id"], staff_ids=["n1"]))
    assert result["status"] == "accepted_flagged"
    assert result["flag"] == "incident_reassigned"
    # n2's own response is not flagged.
    assert hub.api("north_staff2").results(action(note["id"], staff_ids=["n2"]))[0]["status"] == "applied"


def test_device_cannot_change_cpd_facts_or_assignment(hub):
    cpd, worker = hub.api("cpd"), hub.api("north_staff2")
    note = notification("010")
    cpd.post("/v1/cpd/notifications", json=note)
    current = worker.get(f"/v1/records/incident/{note['id']}").json()
    assert current["version"] == 1
    data = {**current["data"], "version": 2}
    changed = record("incident", note["id"], 2, "org", {**data, "district": "011", "beat": "1131"}, 1)
    (result,) = worker.results(changed)
    assert result["reason"] == "hub_owned"
    assert {e["field"] for e in result["errors"]} == {"data.district", "data.beat"}
    # A worker may take an unassigned incident and move its status on.
    took = record("incident", note["id"], 2, "org", {**data, "assignee": "n2", "status": "responding"}, 1)
    assert worker.results(took)[0]["status"] == "applied"
    # But not hand it to someone else.
    data3 = {**data, "version": 3, "assignee": "n1", "status": "responding"}
    assert worker.results(record("incident", note["id"], 3, "org", data3, 2))[0]["reason"] == "hub_owned"


# --- the writer's own versions are not a conflict (issue 8, point 1) ---------------------------


def test_edit_after_own_lost_answer_applies(hub):
    # The hub committed version 2 but the laptop never heard, so its next edit (version 3) says
    # it was based on version 1: every version after that base is this laptop's own.
    worker = hub.api("north_staff")
    incident, fid = own_incident(worker), new_id()
    assert worker.results(followup(incident, fid, 1))[0]["status"] == "applied"
    (sent,) = worker.results(followup(incident, fid, 2, base_version=1, result="called"))
    assert sent["status"] == "applied"  # ... and this answer never reaches the laptop
    (edit,) = worker.results(followup(incident, fid, 3, base_version=1, result="called twice"))
    assert edit["status"] == "applied", edit
    # A base above what the hub has (this laptop's version 4 never arrived) is no conflict either.
    (ahead,) = worker.results(followup(incident, fid, 5, base_version=4, result="met"))
    assert ahead["status"] == "applied", ahead
    assert stored(hub.db, fid) == 4


def test_another_writers_version_after_the_base_is_still_a_conflict(hub):
    worker, sup = hub.api("north_staff"), hub.api("north_sup")
    incident, fid = own_incident(worker), new_id()
    assert worker.results(followup(incident, fid, 1))[0]["status"] == "applied"
    assert worker.results(followup(incident, fid, 2, base_version=1))[0]["status"] == "applied"
    # The supervisor builds on the laptop's version 2, which the laptop never heard was stored.
    assert sup.results(followup(incident, fid, 3, base_version=2, result="sup"))[0]["status"] == "applied"
    (stale,) = worker.results(followup(incident, fid, 4, base_version=1, result="mine"))
    assert stale["status"] == "conflict" and stale["current_version"] == 3
    assert stale["current"]["result"] == "sup"
    assert stored(hub.db, fid) == 3


def test_same_person_on_another_laptop_is_another_writer(hub):
    # The writer is the token (one per laptop), not the staff id: n1's second laptop editing
    # from a stale base must meet n1's first laptop's version as a conflict.
    from sync.hub import admin
    first = hub.api("north_staff")
    second = type(first)(hub.url, admin.create_token(hub.db, "staff", org_id="north", staff_id="n1"))
    incident, fid = own_incident(first), new_id()
    assert first.results(followup(incident, fid, 1))[0]["status"] == "applied"
    (a,) = first.results(followup(incident, fid, 2, base_version=1, result="laptop A"))
    assert a["status"] == "applied"
    (stale,) = second.results(followup(incident, fid, 3, base_version=1, result="laptop B"))
    assert stale["status"] == "conflict" and stale["current_version"] == 2


def test_assign_asked_again_after_a_lost_answer_is_idempotent(hub):
    note = notification("010")
    hub.api("cpd").post("/v1/cpd/notifications", json=note)
    sup = hub.api("north_sup")
    body = {"assignee": "n1", "base_version": 1}
    first = sup.post(f"/v1/incidents/{note['id']}/assign", json=body)
    assert first.status_code == 200 and first.json()["version"] == 2
    again = sup.post(f"/v1/incidents/{note['id']}/assign", json=body)
    assert again.status_code == 200 and again.json()["version"] == 2, again.text
    assert stored(hub.db, note["id"]) == 2  # no third version (only north covers 010)
    # A different assignee from the same stale base is still refused.
    other = sup.post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n2", "base_version": 1})
    assert other.status_code == 409 and other.json()["current_version"] == 2
