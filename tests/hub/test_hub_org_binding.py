"""Records are bound to the organisation whose incident they describe (issue 9, point 5).

A real hub over HTTP on 127.0.0.1 with a settable clock, the seeded organisations (`north`
covers 011 and 010, `south` 011 and 007, `east` 012) and their tokens:
- a push of any record naming an incident that was neither routed to the pushing organisation
  nor recorded by it is refused alone, with the same answer as for an incident that does not
  exist (no hint that another organisation has it);
- CPD's figures (`/v1/cpd/monthly`, `/v1/cpd/records`) for an incident count only the
  organisations it was routed to, and an organisation's self-found incident is its own;
- CPD cannot overwrite an organisation's own incident, by a notification or a correction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hub_helpers import (
    Api,
    HubEnv,
    action,
    cpd_action,
    followup,
    hub_exec,
    new_id,
    notification,
    own_incident,
    record,
    response_record,
    seed,
    stored,
)

from sync.hub import admin
from sync.hub.server import HubServer

pytestmark = pytest.mark.timeout(30)


class SetClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, text: str) -> None:
        self.now = datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def env(new_db) -> Iterator[tuple[HubEnv, SetClock]]:
    db = new_db("hubbinding")
    tokens = seed(db)
    # East has no supervisor in the seed; CPD's response records need one.
    tokens["east_sup"] = admin.create_token(db, "supervisor", org_id="east", staff_id="es")
    clock = SetClock()
    server = HubServer(db, clock=clock).start()
    try:
        yield HubEnv(server, db, tokens), clock
    finally:
        server.stop()


def post(hub: HubEnv, clock: SetClock, at: str, note: dict[str, Any]) -> dict[str, Any]:
    clock.at(at)
    response = hub.api("cpd").post("/v1/cpd/notifications", json=note)
    assert response.status_code == 201, response.text
    return note


def note_at(district: str, occurred_at: str, **fields: Any) -> dict[str, Any]:
    """A notification that occurred (and was notified) at `occurred_at`."""
    return notification(district, occurred_at=occurred_at, cpd_notified_at=occurred_at, **fields)


def referral(incident_id: str) -> dict[str, Any]:
    rid = new_id()
    data = {"id": rid, "incident_id": incident_id, "category": "medical", "status": "made",
            "provider": None, "version": 1}
    return record("referral", rid, 1, "org", data)


def review(incident_id: str) -> dict[str, Any]:
    rid = new_id()
    data = {"id": rid, "incident_id": incident_id, "state": "approved", "comment": "",
            "reviewer": "ns", "created_at": "2026-11-03T10:00:00+00:00"}
    return record("review", rid, 1, "org", data)


def every_kind(incident: dict[str, Any]) -> list[dict[str, Any]]:
    """One record of each kind that names an incident, for the incident `incident`."""
    return [
        action(incident["id"]),
        referral(incident["id"]),
        followup(incident["id"], new_id(), 1),
        review(incident["id"]),
        response_record(incident, [cpd_action("hospital", "2026-11-02T15:00:00+00:00")]),
    ]


FIELDS = ["data.incident_id"] * 4 + ["data.incident.id"]


def cpd_records_for(hub: HubEnv, incident_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    since = 0
    while True:
        page = hub.api("cpd").get("/v1/cpd/records", params={"since": since, "limit": 50}).json()
        out += [r for r in page["records"] if r["data"]["incident"]["id"] == incident_id]
        since = page["next"]
        if not page["has_more"]:
            return out


def monthly(hub: HubEnv, month: str) -> dict[str, dict[str, Any]]:
    """Each district's protocol-1 fields (the richer review fields are tested in test_hub_cpd_review)."""
    report = hub.api("cpd").get("/v1/cpd/monthly", params={"month": month}).json()
    legacy = ("district", "incidents", "notification_latency", "response_latency", "covered", "coverage")
    return {
        d["district"]: {
            k: ({f: d[k][f] for f in ("n", "p50_s", "p90_s")} if k.endswith("_latency") else d[k])
            for k in legacy
        }
        for d in report["districts"]
    }


# --- pushes ------------------------------------------------------------------------------------


def test_a_record_naming_another_orgs_incident_is_refused_alone_like_a_missing_one(env):
    hub, clock = env
    east_only = post(hub, clock, "2026-11-02T14:10:00+00:00", note_at("012", "2026-11-02T14:00:00+00:00"))
    north_own = post(hub, clock, "2026-11-02T14:20:00+00:00", note_at("010", "2026-11-02T14:00:00+00:00"))
    missing = {**east_only, "id": new_id()}
    north = hub.api("north_sup")
    foreign, nowhere, good = every_kind(east_only), every_kind(missing), action(north_own["id"])

    results = north.results(*foreign, good, *nowhere)

    assert len(results) == 11 and results[5]["status"] == "applied"  # the rest of the batch applies
    for result, rec, field in zip(results[:5] + results[6:], foreign + nowhere, FIELDS * 2, strict=True):
        assert result["id"] == rec["id"] and result["status"] == "rejected", result
        assert result["reason"] == "invalid"
        assert [e["field"] for e in result["errors"]] == [field]
        assert stored(hub.db, rec["id"]) == 0
    # Another organisation's incident and one that does not exist get the very same answer.
    strip = [{k: v for k, v in r.items() if k not in ("index", "id")} for r in results]
    assert strip[:5] == strip[6:]
    # Nothing reached east or CPD.
    assert not cpd_records_for(hub, east_only["id"])
    east_ids = {c["id"] for c in hub.api("east_staff").pull_all()[0]}
    assert east_only["id"] in east_ids and not east_ids & {r["id"] for r in foreign}


def test_an_orgs_self_found_incident_is_its_own(env):
    hub, _ = env
    north, south = hub.api("north_sup"), hub.api("south_sup")
    incident = {**note_at("010", "2026-11-04T09:00:00+00:00"), "id": new_id()}
    own = {
        "id": incident["id"], "source": "community", "incident_type": "nonfatal_shooting",
        "occurred_at": incident["occurred_at"], "district": "010", "status": "new", "version": 1,
    }
    # The incident and the records that name it may travel in one batch, incident first.
    batch = [record("incident", incident["id"], 1, "org", own), *every_kind(incident)]
    assert [r["status"] for r in north.results(*batch)] == ["applied"] * 6
    assert [r["org_id"] for r in cpd_records_for(hub, incident["id"])] == ["north"]
    # ... and only its own: south (which covers neither this incident nor knows of it) is refused.
    (refused,) = south.results(action(incident["id"]))
    assert refused["reason"] == "invalid" and refused["errors"][0]["field"] == "data.incident_id"


# --- CPD's figures ------------------------------------------------------------------------------


def test_cpd_figures_for_an_incident_count_only_the_orgs_it_was_routed_to(env):
    hub, clock = env
    # Routed to east only at 14:10; east's first qualifying response at 14:40 (1800 s).
    x = post(hub, clock, "2025-03-10T14:10:00+00:00", note_at("012", "2025-03-10T14:00:00+00:00"))
    clock.at("2025-03-11T00:00:00+00:00")
    east = hub.api("east_sup")
    rec_east = response_record(x, [cpd_action("hospital", "2025-03-10T14:40:00+00:00")])
    assert east.results(rec_east)[0]["status"] == "applied"
    # North cannot push under east's incident; recording "its own" incident under the same id is
    # allowed (answering otherwise would tell north the id exists) -- and must not count for
    # CPD's incident, whose figures an earlier "response" at 14:11 would otherwise change.
    north = hub.api("north_sup")
    assert north.results(response_record(x, []))[0]["reason"] == "invalid"
    own_incident(north, x["id"], district="012", occurred_at=x["occurred_at"])
    rec_north = response_record(x, [cpd_action("hospital", "2025-03-10T14:11:00+00:00")])
    assert north.results(rec_north)[0]["status"] == "applied"

    assert monthly(hub, "2025-03")["012"] == {
        "district": "012",
        "incidents": 1,
        "notification_latency": {"n": 1, "p50_s": 600.0, "p90_s": 600.0},
        "response_latency": {"n": 1, "p50_s": 1800.0, "p90_s": 1800.0},
        "covered": 1,
        "coverage": 1.0,
    }
    assert [(r["org_id"], r["id"]) for r in cpd_records_for(hub, x["id"])] == [("east", rec_east["id"])]


def test_two_orgs_self_found_incidents_under_one_id_are_two_incidents(env):
    hub, _ = env
    shared_id = new_id()
    incident = {
        **note_at("011", "2025-04-05T10:00:00+00:00"),
        "id": shared_id,
        "org_received_at": "2025-04-05T10:30:00+00:00",
    }
    first_responses = {"north_sup": "2025-04-05T10:40:00+00:00", "south_sup": "2025-04-05T11:30:00+00:00"}
    for name, started in first_responses.items():
        api = hub.api(name)
        own_incident(api, shared_id, occurred_at=incident["occurred_at"])
        (result,) = api.results(response_record(incident, [cpd_action("hospital", started)]))
        assert result["status"] == "applied"

    # Neither organisation's response changes the other's figures: 600 s and 3600 s, both kept.
    assert monthly(hub, "2025-04")["011"] == {
        "district": "011",
        "incidents": 2,
        "notification_latency": {"n": 2, "p50_s": 1800.0, "p90_s": 1800.0},
        "response_latency": {"n": 2, "p50_s": 600.0, "p90_s": 3600.0},
        "covered": 2,
        "coverage": 1.0,
    }
    assert sorted(r["org_id"] for r in cpd_records_for(hub, shared_id)) == ["north", "south"]


def test_records_stored_before_the_binding_count_for_no_one_else(env):
    """A hub upgraded from before this check may hold a record of north's under east's
    incident: CPD's views leave it out rather than trust it."""
    hub, clock = env
    x = post(hub, clock, "2025-05-10T14:10:00+00:00", note_at("012", "2025-05-10T14:00:00+00:00"))
    forged = response_record(x, [cpd_action("hospital", "2025-05-10T14:11:00+00:00")])
    hub_exec(  # exactly what the old hub stored for such a push
        hub.db,
        "INSERT INTO records (org_id, audience, kind, id, version, sha256, data, origin,"
        " server_received_at) VALUES ('north', 'cpd', 'response_record', ?, 1, ?, ?, 'device', ?)",
        (forged["id"], forged["sha256"], json.dumps(forged["data"], separators=(",", ":")),
         "2025-05-11T00:00:00+00:00"),
    )
    assert not cpd_records_for(hub, x["id"])
    figures = monthly(hub, "2025-05")["012"]
    assert (figures["incidents"], figures["covered"], figures["response_latency"]["n"]) == (1, 0, 0)


# --- CPD cannot overwrite an organisation's own incident ---------------------------------------


def current(api: Api, incident_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/records/incident/{incident_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_notification_under_an_orgs_own_incident_id_is_refused_and_touches_nothing(env):
    hub, clock = env
    north, cpd = hub.api("north_sup"), hub.api("cpd")
    mine = own_incident(north, district="011", status="assigned", assignee="n1")
    before = current(north, mine)
    clock.at("2026-11-06T10:00:00+00:00")
    colliding = note_at("011", "2026-11-06T09:00:00+00:00", notification_id=mine)
    for _ in range(2):  # and the same again: still refused, never "unchanged"
        refused = cpd.post("/v1/cpd/notifications", json=colliding)
        assert refused.status_code == 409, refused.text
        assert "post it under another id" in refused.text  # says what is wrong, not "PUT a correction"
    assert current(north, mine) == before  # version 1, its source and assignee kept
    assert before["data"]["source"] == "community" and before["data"]["assignee"] == "n1"
    # No notification exists under that id (nothing to correct), and south, which covers 011
    # too, was given nothing.
    correction = {k: v for k, v in note_at("011", "2026-11-06T09:00:00+00:00").items() if k != "id"}
    assert cpd.put(f"/v1/cpd/notifications/{mine}", json=correction).status_code == 404
    assert hub.api("south_sup").get(f"/v1/records/incident/{mine}").status_code == 404
    # An organisation that does not even cover the district is protected the same way.
    theirs = own_incident(hub.api("east_staff"), district="012")
    again = cpd.post("/v1/cpd/notifications", json={**colliding, "id": theirs})
    assert again.status_code == 409


def test_a_correction_routing_to_an_org_that_holds_the_id_leaves_its_incident_alone(env):
    hub, clock = env
    cpd, north = hub.api("cpd"), hub.api("north_sup")
    w = post(hub, clock, "2026-11-07T10:10:00+00:00", note_at("012", "2026-11-07T10:00:00+00:00"))
    own_incident(north, w["id"], district="010")  # recorded after CPD posted (north never saw it)
    before = current(north, w["id"])
    clock.at("2026-11-07T11:00:00+00:00")
    moved = {k: v for k, v in note_at("010", "2026-11-07T10:00:00+00:00").items() if k != "id"}
    corrected = cpd.put(f"/v1/cpd/notifications/{w['id']}", json=moved)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["routed_to"] == 1  # east only: north's incident is its own
    assert current(north, w["id"]) == before
    east = current(hub.api("east_staff"), w["id"])
    assert east["version"] == 2 and east["data"]["district"] == "010"
