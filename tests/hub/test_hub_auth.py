"""Roles and organisations are enforced by the server on every route; ids never leak across orgs."""

from __future__ import annotations

import pytest
from hub_helpers import action, followup, new_id, notification, own_incident, record

pytestmark = pytest.mark.timeout(30)

ALL = {"cpd", "admin", "north_staff", "north_sup"}
ORG = {"north_staff", "north_sup"}

# (method, path, json body, roles allowed). Bodies are valid so a 403 is about the role alone.
ROUTES = [
    ("GET", "/v1/sync/config", None, ORG),
    ("POST", "/v1/sync/push", {"records": []}, ORG),
    ("GET", "/v1/sync/pull", None, ORG),
    ("GET", "/v1/sync/wait?timeout=0", None, ORG),
    ("GET", "/v1/records/incident/x", None, ORG),
    ("POST", "/v1/incidents/x/assign", {"assignee": "n1"}, {"north_sup"}),
    ("GET", "/v1/me", None, ALL),
    ("GET", "/v1/org/staff", None, ORG),
    ("POST", "/v1/org/staff", {"id": "n1", "display_name": "n1"}, {"north_sup"}),
    ("POST", "/v1/org/staff/x/deactivate", None, {"north_sup"}),
    ("POST", "/v1/cpd/notifications", notification("012"), {"cpd"}),
    ("PUT", "/v1/cpd/notifications/x", {k: v for k, v in notification().items() if k != "id"}, {"cpd"}),
    ("GET", "/v1/cpd/records", None, {"cpd"}),
    ("GET", "/v1/cpd/monthly?month=2026-11", None, {"cpd"}),
    ("GET", "/v1/admin/orgs", None, {"admin"}),
    ("POST", "/v1/admin/orgs", {"id": "west", "name": "West"}, {"admin"}),
    ("POST", "/v1/admin/coverage", {"org_id": "east", "district": "012"}, {"admin"}),
    ("GET", "/v1/admin/orgs/east/staff", None, {"admin"}),
    ("POST", "/v1/admin/orgs/east/staff", {"id": "e1", "display_name": "e1"}, {"admin"}),
    ("POST", "/v1/admin/orgs/east/staff/x/deactivate", None, {"admin"}),
    ("GET", "/v1/admin/tokens", None, {"admin"}),
    ("POST", "/v1/admin/tokens", {"role": "cpd"}, {"admin"}),
    ("POST", "/v1/admin/tokens/999/revoke", None, {"admin"}),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES]
)
def test_every_role_is_refused_where_it_does_not_belong(hub, method, path, body, allowed):
    for name in sorted(ALL - allowed):
        response = hub.api(name).session.request(method, hub.url + path, json=body, timeout=10)
        assert response.status_code == 403, (name, response.status_code, response.text)
    for token in (None, "cvi_not-a-real-token"):
        api = hub.api(None)
        if token:
            api.session.headers["Authorization"] = f"Bearer {token}"
        response = api.session.request(method, hub.url + path, json=body, timeout=10)
        assert response.status_code == 401
        assert response.headers.get("WWW-Authenticate") == "Bearer"
    # The allowed roles get past authorisation (anything but 401/403).
    for name in allowed:
        response = hub.api(name).session.request(method, hub.url + path, json=body, timeout=10)
        assert response.status_code not in (401, 403), (name, response.text)


def test_health_needs_no_token(hub):
    body = hub.api(None).get("/v1/health").json()
    assert body["status"] == "ok" and len(body["epoch"]) == 32


def test_revoked_token_is_refused(hub):
    from sync.hub import admin

    info = admin.create_token_info(hub.db, "staff", org_id="north", staff_id="tmp")
    api = hub.api(None)
    api.session.headers["Authorization"] = f"Bearer {info['token']}"
    assert api.get("/v1/sync/config").status_code == 200
    assert hub.api("admin").post(f"/v1/admin/tokens/{info['id']}/revoke").status_code == 204
    assert api.get("/v1/sync/config").status_code == 401


def test_other_org_cannot_see_a_record_and_404_is_indistinguishable(hub):
    north, south = hub.api("north_staff"), hub.api("south_staff")
    fid = new_id()
    assert north.results(followup(own_incident(north), fid, 1))[0]["status"] == "applied"
    assert north.get(f"/v1/records/followup/{fid}").status_code == 200
    theirs = south.get(f"/v1/records/followup/{fid}")
    missing = south.get(f"/v1/records/followup/{new_id()}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert set(theirs.headers) == set(missing.headers)
    # Not in south's pull either.
    changes, _ = south.pull_all()
    assert fid not in {c["id"] for c in changes}


def test_other_org_pushing_onto_a_record_lands_in_its_own_space(hub):
    north, south = hub.api("north_staff"), hub.api("south_staff")
    incident, fid = own_incident(north), new_id()
    north.results(followup(incident, fid, 1))
    # South pushing onto north's incident is refused, exactly as for an incident that does not
    # exist (no hint that it is north's).
    (foreign,) = south.results(followup(incident, fid, 1, result="south"))
    (nowhere,) = south.results(followup(new_id(), fid, 1, result="south"))
    assert foreign["reason"] == nowhere["reason"] == "invalid"
    assert foreign["errors"] == nowhere["errors"] == [
        {"field": "data.incident_id", "message": foreign["errors"][0]["message"]}
    ]
    # South recording an incident under the same id gets its own: then the same key with other
    # content, and a "next version" of north's record, behave exactly as for an id south never
    # saw (applied in south's own space).
    assert own_incident(south, incident) == incident
    (clash,) = south.results(followup(incident, fid, 1, result="south"))
    (nxt,) = south.results(followup(incident, fid, 2, base_version=1, result="south"))
    assert clash["status"] == "applied" and nxt["status"] == "applied"
    fresh = new_id()
    assert south.results(followup(incident, fresh, 1))[0]["status"] == "applied"
    assert north.get(f"/v1/records/followup/{fid}").json()["version"] == 1
    assert north.get(f"/v1/records/followup/{fid}").json()["data"]["result"] is None


def test_supervisor_cannot_assign_another_orgs_incident(hub):
    note = notification("007")  # south only
    assert hub.api("cpd").post("/v1/cpd/notifications", json=note).status_code == 201
    theirs = hub.api("north_sup").post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n1"})
    missing = hub.api("north_sup").post(f"/v1/incidents/{new_id()}/assign", json={"assignee": "n1"})
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert (
        hub.api("south_sup").post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "s1"}).status_code
        == 200
    )


def test_org_comes_from_token_not_body(hub):
    # There is no org field anywhere in a push: an envelope with one is refused outright.
    rec = action(new_id())
    (result,) = hub.api("south_staff").results({**rec, "org_id": "north"})
    assert result["status"] == "rejected"
    rec2 = record(
        "followup", (fid := new_id()), 1, "org", {"id": fid, "incident_id": new_id(), "org_id": "north"}
    )
    assert hub.api("south_staff").results(rec2)[0]["reason"] == "invalid"
