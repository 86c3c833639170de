"""The team, connected: who am I, the hub's staff list, deactivation, assignee checks, authorship.

Each test makes its own organisation (a supervisor and two workers, each with their own token)
on the module's real hub over HTTP, so staff lists are exactly what the test put there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hub_helpers import Api, HubEnv, action, followup, new_id, notification, record, response_record

from sync.hub import admin
from sync.hub.server import HubServer

pytestmark = pytest.mark.timeout(30)

DISTRICT = "004"  # covered only by the organisations these tests make


@dataclass
class Team:
    org: str
    sup: Api
    w1: Api
    w2: Api
    ids: dict[str, str]  # name -> staff id


def make_team(hub: HubEnv, name: str = "Team") -> Team:
    org = "t" + uuid.uuid4().hex[:10]
    admin.create_org(hub.db, org, name)
    admin.add_coverage(hub.db, org, DISTRICT)
    ids = {"sup": f"{org}-sup", "w1": f"{org}-w1", "w2": f"{org}-w2"}
    names = {"sup": "Sam Supervisor", "w1": "Ana Worker", "w2": "Bo Worker"}
    apis = {
        key: Api(
            hub.url,
            admin.create_token(
                hub.db,
                "supervisor" if key == "sup" else "staff",
                org_id=org,
                staff_id=ids[key],
                display_name=names[key],
            ),
        )
        for key in ids
    }
    return Team(org, apis["sup"], apis["w1"], apis["w2"], ids)


def notify(hub: HubEnv) -> str:
    note = notification(DISTRICT)
    assert hub.api("cpd").post("/v1/cpd/notifications", json=note).status_code == 201
    return str(note["id"])


def incident_push(api: Api, incident_id: str, **changes: Any) -> dict[str, Any]:
    """The next version of an incident as a device would push it, based on the hub's current one."""
    current = api.get(f"/v1/records/incident/{incident_id}").json()
    version = current["version"] + 1
    data = {**current["data"], **changes, "version": version}
    (result,) = api.results(record("incident", incident_id, version, "org", data, current["version"]))
    return result


def field_of(response: Any) -> list[tuple[str, ...]]:
    return [tuple(e["loc"]) for e in response.json()["detail"]]


# --- who am I ---------------------------------------------------------------------------------


def test_whoami_for_each_role(hub):
    team = make_team(hub, "Whoami Outreach")
    assert team.w1.get("/v1/me").json() == {
        "org_id": team.org,
        "org_name": "Whoami Outreach",
        "role": "staff",
        "staff_id": team.ids["w1"],
        "display_name": "Ana Worker",
    }
    assert team.sup.get("/v1/me").json()["role"] == "supervisor"
    assert team.sup.get("/v1/me").json()["display_name"] == "Sam Supervisor"
    # A token made the old way (no display name) names the staff member by their id.
    assert hub.api("north_staff").get("/v1/me").json() == {
        "org_id": "north",
        "org_name": "North Side Peace",
        "role": "staff",
        "staff_id": "n1",
        "display_name": "n1",
    }
    for role in ("cpd", "admin"):
        assert hub.api(role).get("/v1/me").json() == {
            "org_id": None,
            "org_name": None,
            "role": role,
            "staff_id": None,
            "display_name": None,
        }
    assert hub.api(None).get("/v1/me").status_code == 401


# --- the staff list ---------------------------------------------------------------------------


def test_staff_list_is_per_org_and_ordered_by_name(hub):
    one, two = make_team(hub), make_team(hub)
    listed = one.w1.get("/v1/org/staff").json()
    assert [s["display_name"] for s in listed] == ["Ana Worker", "Bo Worker", "Sam Supervisor"]
    assert {s["id"]: s["role"] for s in listed} == {
        one.ids["w1"]: "worker",
        one.ids["w2"]: "worker",
        one.ids["sup"]: "supervisor",
    }
    assert all(s["active"] is True and s["last_synced_at"] is None for s in listed)
    # The other organisation sees only its own people, and admin sees each list by org.
    assert {s["id"] for s in two.sup.get("/v1/org/staff").json()} == set(two.ids.values())
    via_admin = hub.api("admin").get(f"/v1/admin/orgs/{one.org}/staff").json()
    assert via_admin == listed
    assert hub.api("admin").get("/v1/admin/orgs/no-such-org/staff").status_code == 404


def test_supervisor_adds_and_updates_staff(hub):
    team = make_team(hub)
    made = team.sup.post("/v1/org/staff", json={"id": "new1", "display_name": "Cy New"})
    assert made.status_code == 201
    assert made.json() == {
        "id": "new1",
        "display_name": "Cy New",
        "role": "worker",
        "active": True,
        "last_synced_at": None,
    }
    again = team.sup.post("/v1/org/staff", json={"id": "new1", "display_name": "Cy", "role": "supervisor"})
    assert again.status_code == 200 and again.json()["display_name"] == "Cy"
    assert again.json()["role"] == "supervisor"
    assert "new1" in {s["id"] for s in team.w1.get("/v1/org/staff").json()}
    # Another org's list is untouched.
    assert "new1" not in {s["id"] for s in hub.api("north_sup").get("/v1/org/staff").json()}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "x", "display_name": ""}, "display_name"),
        ({"id": "x", "display_name": "   "}, "display_name"),
        ({"id": "x", "display_name": "y" * 101}, "display_name"),
        ({"id": "x", "display_name": "X", "role": "boss"}, "role"),
        ({"id": "", "display_name": "X"}, "id"),
        ({"id": "x" * 65, "display_name": "X"}, "id"),
        ({"display_name": "X"}, "id"),
        ({"id": "x", "display_name": "X", "org_id": "north"}, "org_id"),
        ({"id": "x", "display_name": "A\x00B"}, "display_name"),
        ({"id": "x", "display_name": "\ud800"}, "display_name"),  # a lone surrogate: 422, not 500
        ({"id": "\ud800", "display_name": "X"}, "id"),
    ],
)
def test_bad_staff_input_is_422_naming_the_field(hub, body, field):
    response = hub.api("north_sup").post("/v1/org/staff", json=body)
    assert response.status_code == 422
    assert ("body", field) in field_of(response)


def test_last_synced_at_moves_after_a_sync_call(hub):
    team = make_team(hub)

    def seen(who: str) -> str | None:
        staff = {s["id"]: s for s in team.sup.get("/v1/org/staff").json()}
        return staff[team.ids[who]]["last_synced_at"]

    assert seen("w1") is None
    team.w1.get("/v1/me")  # not a sync call
    team.w1.get("/v1/org/staff")
    assert seen("w1") is None
    team.w1.pull_all()
    after_pull = seen("w1")
    assert after_pull is not None
    assert seen("w2") is None
    team.w2.push()
    assert seen("w2") is not None
    team.w2.get("/v1/sync/wait", params={"timeout": 0})
    assert seen("w1") == after_pull  # written at most every ~30 s


def test_last_synced_at_is_rewritten_after_30_seconds_of_hub_time(new_db):
    now = [datetime(2026, 12, 1, 12, 0, tzinfo=UTC)]
    db = new_db("solo")
    admin.create_org(db, "solo", "Solo")
    token = admin.create_token(db, "staff", org_id="solo", staff_id="w1")
    with HubServer(db, clock=lambda: now[0]) as server:
        api = Api(server.url, token)

        def seen() -> str | None:
            return str(admin.list_staff(db, "solo")[0]["last_synced_at"])

        api.pull_all()
        first = seen()
        assert first.startswith("2026-12-01T12:00:00")
        now[0] += timedelta(seconds=20)
        api.pull_all()
        assert seen() == first
        now[0] += timedelta(seconds=15)
        api.pull_all()
        assert seen().startswith("2026-12-01T12:00:35")
        # A hub clock set back heals instead of freezing the time in the future.
        now[0] -= timedelta(hours=1)
        api.pull_all()
        assert seen().startswith("2026-12-01T11:00:35")


# --- deactivation -----------------------------------------------------------------------------


def test_deactivated_staff_get_403_and_others_are_unaffected(hub):
    team = make_team(hub)
    assert team.w1.pull_all()
    assert team.sup.post(f"/v1/org/staff/{team.ids['w1']}/deactivate").status_code == 204
    for response in (
        team.w1.push(),
        team.w1.get("/v1/sync/pull"),
        team.w1.get("/v1/sync/wait", params={"timeout": 0}),
        team.w1.get("/v1/me"),
        team.w1.get("/v1/org/staff"),
    ):
        assert response.status_code == 403
        assert "deactivated" in response.json()["detail"]
    assert team.w2.get("/v1/sync/pull").status_code == 200
    assert team.sup.get("/v1/sync/pull").status_code == 200
    listed = {s["id"]: s["active"] for s in team.sup.get("/v1/org/staff").json()}
    assert listed[team.ids["w1"]] is False and listed[team.ids["w2"]] is True
    # Deactivating again is fine; adding them again re-activates their tokens.
    assert team.sup.post(f"/v1/org/staff/{team.ids['w1']}/deactivate").status_code == 204
    back = team.sup.post("/v1/org/staff", json={"id": team.ids["w1"], "display_name": "Ana Back"})
    assert back.status_code == 200 and back.json()["active"] is True
    assert team.w1.get("/v1/me").json()["display_name"] == "Ana Back"


def test_deactivate_unknown_and_foreign_ids_look_the_same(hub):
    one, two = make_team(hub), make_team(hub)
    foreign = one.sup.post(f"/v1/org/staff/{two.ids['w1']}/deactivate")
    unknown = one.sup.post(f"/v1/org/staff/{new_id()}/deactivate")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()
    assert set(foreign.headers) == set(unknown.headers)
    assert two.w1.get("/v1/me").status_code == 200


def test_supervisor_cannot_deactivate_themselves(hub):
    team = make_team(hub)
    response = team.sup.post(f"/v1/org/staff/{team.ids['sup']}/deactivate")
    assert response.status_code == 422
    assert field_of(response) == [("path", "staff_id")]
    assert team.sup.get("/v1/me").status_code == 200


def test_admin_deactivates_through_its_own_route(hub):
    team = make_team(hub)
    root = hub.api("admin")
    assert root.post(f"/v1/admin/orgs/{team.org}/staff/{team.ids['w2']}/deactivate").status_code == 204
    assert team.w2.get("/v1/sync/pull").status_code == 403
    assert root.post(f"/v1/admin/orgs/{team.org}/staff/nobody/deactivate").status_code == 404
    assert root.post(f"/v1/admin/orgs/no-such-org/staff/{team.ids['w1']}/deactivate").status_code == 404
    made = root.post(f"/v1/admin/orgs/{team.org}/staff", json={"id": "a1", "display_name": "A One"})
    assert made.status_code == 201
    nowhere = root.post("/v1/admin/orgs/no-such-org/staff", json={"id": "a", "display_name": "A"})
    assert nowhere.status_code == 404


# --- supervisor-only things refuse a staff token --------------------------------------------


def test_staff_token_is_refused_every_supervisor_thing(hub):
    team = make_team(hub)
    incident = notify(hub)
    review = record(
        "review",
        (rid := new_id()),
        1,
        "org",
        {"id": rid, "incident_id": incident, "state": "approved", "comment": None, "reviewer": "x"},
    )
    (refused,) = team.w1.results(review)
    assert refused["status"] == "rejected" and refused["reason"] == "role_not_allowed"
    (refused,) = team.w1.results(response_record(notification(DISTRICT, incident), []))
    assert refused["status"] == "rejected" and refused["reason"] == "role_not_allowed"
    assign = team.w1.post(f"/v1/incidents/{incident}/assign", json={"assignee": team.ids["w1"]})
    assert assign.status_code == 403
    add = team.w1.post("/v1/org/staff", json={"id": "sneaky", "display_name": "Sneaky"})
    assert add.status_code == 403
    assert team.w1.post(f"/v1/org/staff/{team.ids['w2']}/deactivate").status_code == 403
    assert team.w2.get("/v1/me").status_code == 200
    assert "sneaky" not in {s["id"] for s in team.sup.get("/v1/org/staff").json()}


# --- assignees are checked --------------------------------------------------------------------


def test_assign_route_refuses_who_is_not_active_staff(hub):
    team, other = make_team(hub), make_team(hub)
    incident = notify(hub)
    url = f"/v1/incidents/{incident}/assign"
    for nobody in ("no-such-person", other.ids["w1"], "\ud800"):
        response = team.sup.post(url, json={"assignee": nobody})
        assert response.status_code == 422
        assert field_of(response) == [("body", "assignee")]
    team.sup.post(f"/v1/org/staff/{team.ids['w2']}/deactivate")
    assert team.sup.post(url, json={"assignee": team.ids["w2"]}).status_code == 422
    ok = team.sup.post(url, json={"assignee": team.ids["w1"]})
    assert ok.status_code == 200 and ok.json()["data"]["assignee"] == team.ids["w1"]
    assert team.w1.get(f"/v1/records/incident/{incident}").json()["version"] == 2


def test_incident_push_refuses_who_is_not_active_staff(hub):
    team, other = make_team(hub), make_team(hub)
    incident = notify(hub)
    for nobody in ("no-such-person", other.ids["w1"]):
        result = incident_push(team.sup, incident, assignee=nobody, status="assigned")
        assert result["status"] == "rejected" and result["reason"] == "invalid"
        assert result["errors"] == [
            {"field": "data.assignee", "message": "not an active staff member of this organisation"}
        ]
    assigned = incident_push(team.sup, incident, assignee=team.ids["w2"], status="assigned")
    assert assigned["status"] == "applied"
    # Unassigning stays allowed for a supervisor.
    assert incident_push(team.sup, incident, assignee=None, status="new")["status"] == "applied"
    # A worker taking it is checked too, and passes: they are active staff.
    assert incident_push(team.w1, incident, assignee=team.ids["w1"])["status"] == "applied"
    # An unchanged assignee is never re-checked (a status change after they left still syncs).
    team.sup.post(f"/v1/org/staff/{team.ids['w2']}/deactivate")
    assert incident_push(team.sup, incident, status="responding")["status"] == "applied"


def test_new_device_incident_with_a_stranger_as_assignee_is_refused(hub):
    team = make_team(hub)
    incident = notification(DISTRICT)
    data = {
        **{k: v for k, v in incident.items() if k in ("id", "incident_type", "occurred_at", "district")},
        "source": "self",
        "status": "assigned",
        "assignee": "stranger",
        "version": 1,
    }
    (result,) = team.sup.results(record("incident", incident["id"], 1, "org", data))
    assert result["reason"] == "invalid" and result["errors"][0]["field"] == "data.assignee"
    data["assignee"] = team.ids["w1"]
    assert team.sup.results(record("incident", incident["id"], 1, "org", data))[0]["status"] == "applied"


# --- authorship -------------------------------------------------------------------------------


def test_author_shows_in_pull_and_get_record(hub):
    team = make_team(hub)
    incident = notify(hub)
    fid = new_id()
    assert team.w1.results(followup(incident, fid, 1, assignee=None))[0]["status"] == "applied"
    changes, _ = team.w2.pull_all()
    by_id = {c["id"]: c for c in changes}
    assert by_id[fid]["author"] == team.ids["w1"]
    assert by_id[incident]["author"] is None  # made by the hub
    assert team.sup.get(f"/v1/records/followup/{fid}").json()["author"] == team.ids["w1"]
    assigned = team.sup.post(f"/v1/incidents/{incident}/assign", json={"assignee": team.ids["w1"]})
    assert assigned.json()["author"] is None


def _referral(incident: str, rid: str, version: int, base: int | None, **fields: Any) -> dict[str, Any]:
    data = {
        "id": rid,
        "incident_id": incident,
        "category": "medical",
        "status": "made",
        "provider": None,
        "version": version,
        **fields,
    }
    return record("referral", rid, version, "org", data, base)


def _action(incident: str, aid: str, version: int, base: int | None, **fields: Any) -> dict[str, Any]:
    rec = action(incident, aid, version, **fields)
    return record("response_action", aid, version, "org", rec["data"], base)


def _followup(incident: str, fid: str, version: int, base: int | None, **fields: Any) -> dict[str, Any]:
    return followup(incident, fid, version, base, **fields)


@pytest.mark.parametrize(
    ("build", "change"),
    [
        (_action, {"outcome": "partial"}),
        (_referral, {"status": "connected"}),
        (_followup, {"result": "called"}),
    ],
    ids=["response_action", "referral", "followup"],
)
def test_correction_only_by_author_or_supervisor(hub, build, change):
    team = make_team(hub)
    incident, rid = notify(hub), new_id()
    assert team.w1.results(build(incident, rid, 1, None))[0]["status"] == "applied"
    (refused,) = team.w2.results(build(incident, rid, 2, 1, **change))
    assert refused["status"] == "rejected" and refused["reason"] == "role_not_allowed"
    assert refused["errors"][0]["message"] == "only its author or a supervisor may correct it"
    assert team.w1.get(f"/v1/records/{refused['kind']}/{rid}").json()["version"] == 1
    # The author corrects it; then a supervisor does; the original author still may after that.
    assert team.w1.results(build(incident, rid, 2, 1, **change))[0]["status"] == "applied"
    assert team.sup.results(build(incident, rid, 3, 2))[0]["status"] == "applied"
    assert team.w1.results(build(incident, rid, 4, 3, **change))[0]["status"] == "applied"
    assert team.w2.results(build(incident, rid, 5, 4))[0]["reason"] == "role_not_allowed"
    changes, _ = team.sup.pull_all()
    authors = [(c["version"], c["author"]) for c in changes if c["id"] == rid]
    assert authors == [(1, team.ids["w1"]), (2, team.ids["w1"]), (3, team.ids["sup"]), (4, team.ids["w1"])]


def test_supervisors_resolution_of_a_flagged_action_is_not_flagged_again(hub):
    team = make_team(hub)
    incident = notify(hub)
    w1, w2 = team.ids["w1"], team.ids["w2"]
    assert team.sup.post(f"/v1/incidents/{incident}/assign", json={"assignee": w1}).status_code == 200
    assert team.sup.post(f"/v1/incidents/{incident}/assign", json={"assignee": w2}).status_code == 200
    aid = new_id()
    (logged,) = team.w1.results(_action(incident, aid, 1, None, staff_ids=[w1]))
    assert logged["status"] == "accepted_flagged" and logged["flag"] == "incident_reassigned"
    # The supervisor resolves it: a later version, still naming w1, applied and not flagged.
    (resolved,) = team.sup.results(_action(incident, aid, 2, 1, staff_ids=[w1], outcome="partial"))
    assert resolved["status"] == "applied" and resolved["flag"] is None
    changes, _ = team.w2.pull_all()
    flags = [(c["version"], c["flag"]) for c in changes if c["id"] == aid]
    assert flags == [(1, "incident_reassigned"), (2, None)]
    # The author's own later version of it is still flagged: only the supervisor resolves.
    (again,) = team.w1.results(_action(incident, aid, 3, 2, staff_ids=[w1]))
    assert again["status"] == "accepted_flagged"
