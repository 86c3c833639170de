"""Pull, routing, corrections, cursor and the long-poll live channel over real HTTP."""

from __future__ import annotations

import threading
import time

import pytest
from hub_helpers import action, followup, new_id, notification, own_incident

from sync.hub import admin

pytestmark = pytest.mark.timeout(30)


def incident_changes(api, incident_id):
    changes, _ = api.pull_all()
    return [c for c in changes if c["kind"] == "incident" and c["id"] == incident_id]


def test_notification_is_routed_to_exactly_the_covering_orgs(hub):
    note = notification("011")  # north and south cover 011; east does not
    response = hub.api("cpd").post("/v1/cpd/notifications", json=note)
    assert response.status_code == 201
    assert response.json() == {"id": note["id"], "version": 1, "status": "created", "routed_to": 2}
    for name in ("north_staff", "north_sup", "south_staff"):
        got = incident_changes(hub.api(name), note["id"])
        assert len(got) == 1, name
        data = got[0]["data"]
        assert got[0]["origin"] == "hub" and got[0]["version"] == 1 and data["version"] == 1
        assert data["status"] == "new" and data["assignee"] is None and data["org_received_at"]
        assert data["district"] == "011" and data["rd_number"] == "JA123456"
    assert incident_changes(hub.api("east_staff"), note["id"]) == []
    # Posting the same notification again is a no-op; other content under its id is a 409.
    again = hub.api("cpd").post("/v1/cpd/notifications", json=note)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert hub.api("cpd").post("/v1/cpd/notifications", json={**note, "victims_total": 3}).status_code == 409
    assert len(incident_changes(hub.api("north_staff"), note["id"])) == 1


def test_uncovered_district_goes_nowhere(hub):
    response = hub.api("cpd").post("/v1/cpd/notifications", json=notification("001"))
    assert response.status_code == 201 and response.json()["routed_to"] == 0


def test_correction_arrives_as_a_new_version_keeping_assignment(hub):
    cpd, sup = hub.api("cpd"), hub.api("north_sup")
    note = notification("010")
    cpd.post("/v1/cpd/notifications", json=note)
    assert sup.post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n1"}).json()["version"] == 2
    body = {k: v for k, v in note.items() if k != "id"}
    corrected = {
        **body,
        "incident_type": "fatal_shooting",
        "victims_fatal": 1,
        "victims_nonfatal": 0,
        "rd_number": "JB654321",
    }
    response = cpd.put(f"/v1/cpd/notifications/{note['id']}", json=corrected)
    assert response.status_code == 200
    assert response.json()["status"] == "corrected" and response.json()["version"] == 2
    versions = incident_changes(hub.api("north_staff"), note["id"])
    assert [c["version"] for c in versions] == [1, 2, 3]
    latest = versions[-1]["data"]
    assert latest["incident_type"] == "fatal_shooting" and latest["rd_number"] == "JB654321"
    assert latest["assignee"] == "n1" and latest["status"] == "assigned"
    assert latest["org_received_at"] == versions[0]["data"]["org_received_at"]
    assert cpd.put(f"/v1/cpd/notifications/{new_id()}", json=corrected).status_code == 404


def test_correction_to_a_new_district_reaches_its_orgs(hub):
    cpd = hub.api("cpd")
    note = notification("012")  # east only
    cpd.post("/v1/cpd/notifications", json=note)
    moved = {k: v for k, v in notification("007").items() if k != "id"}
    assert cpd.put(f"/v1/cpd/notifications/{note['id']}", json=moved).json()["routed_to"] == 2
    assert [c["version"] for c in incident_changes(hub.api("south_staff"), note["id"])] == [1]
    assert [c["version"] for c in incident_changes(hub.api("east_staff"), note["id"])] == [1, 2]


def test_assign_with_stale_base_is_409(hub):
    note = notification("010")
    hub.api("cpd").post("/v1/cpd/notifications", json=note)
    sup = hub.api("north_sup")
    response = sup.post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n1", "base_version": 1})
    assert response.status_code == 200
    stale = sup.post(f"/v1/incidents/{note['id']}/assign", json={"assignee": "n2", "base_version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2


def test_org_records_from_other_devices_arrive_in_pull(hub):
    n1, n2 = hub.api("north_staff"), hub.api("north_staff2")
    incident = own_incident(n1)
    _, cursor = n2.pull_all()
    rec = followup(incident, new_id(), 1)
    n1.results(rec)
    changes, _ = n2.pull_all(cursor)
    assert [(c["id"], c["version"], c["origin"], c["sha256"]) for c in changes] == [
        (rec["id"], 1, "device", rec["sha256"])
    ]
    # CPD-audience records never show up in an org's pull.
    assert all(c["audience"] == "org" for c in n2.pull_all()[0])


def test_cursor_is_gap_free_under_concurrent_writes(hub):
    puller = hub.api("south_sup")
    incident = own_incident(puller, district="007")
    _, cursor = puller.pull_all()
    expected: set[str] = set()
    lock = threading.Lock()

    def writer(name: str) -> None:
        api = hub.api(name)
        for _ in range(10):
            batch = [followup(incident, new_id(), 1) for _ in range(5)]
            with lock:
                expected.update(r["id"] for r in batch)
            assert all(r["status"] == "applied" for r in api.results(*batch))

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("south_staff", "south_sup") * 2]
    for t in threads:
        t.start()
    seen: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page = puller.get("/v1/sync/pull", params={"cursor": cursor, "limit": 7}).json()
        seen += [c["id"] for c in page["changes"]]
        cursor = page["cursor"]
        if not any(t.is_alive() for t in threads) and not page["has_more"] and len(seen) >= len(expected):
            break
    for t in threads:
        t.join()
    seen += [c["id"] for c in puller.pull_all(cursor)[0]]
    assert len(seen) == len(set(seen)) == len(expected) == 200
    assert set(seen) == expected


def test_bad_or_expired_cursor_is_410(hub):
    api = hub.api("north_staff")
    assert api.get("/v1/sync/pull", params={"cursor": "garbage!"}).status_code == 410
    assert api.get("/v1/sync/wait", params={"cursor": "garbage!", "timeout": 0}).status_code == 410
    _, cursor = api.pull_all()
    assert api.get("/v1/sync/pull", params={"cursor": cursor}).status_code == 200
    admin.expire_cursors(hub.db)
    assert api.get("/v1/sync/pull", params={"cursor": cursor}).status_code == 410
    # A full re-pull (no cursor) still works and yields a fresh, valid cursor.
    changes, fresh = api.pull_all()
    assert changes and api.get("/v1/sync/pull", params={"cursor": fresh}).status_code == 200


def test_epoch_bump_invalidates_cursors_and_shows_in_health(hub):
    api = hub.api("north_staff")
    _, cursor = api.pull_all()
    before = api.get("/v1/health").json()["epoch"]
    bumped = hub.api("admin").post("/v1/test/epoch").json()["epoch"]
    assert bumped != before and api.get("/v1/health").json()["epoch"] == bumped
    assert api.get("/v1/sync/config").json()["epoch"] == bumped
    assert api.get("/v1/sync/pull", params={"cursor": cursor}).status_code == 410
    assert api.results(action(own_incident(api)))[0]["status"] == "applied"
    assert api.push().json()["epoch"] == bumped


def test_long_poll_delivers_a_new_notification_in_under_a_second(hub):
    south = hub.api("south_staff")
    _, cursor = south.pull_all()
    got: dict = {}

    def waiter() -> None:
        response = south.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 10}, timeout=15)
        got["at"] = time.monotonic()
        got["body"] = response.json()

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.3)  # let the waiter park
    assert "at" not in got
    note = notification("007")
    posted = time.monotonic()
    assert hub.api("cpd").post("/v1/cpd/notifications", json=note).status_code == 201
    thread.join(5)
    assert got["at"] - posted < 1.0
    assert [c["id"] for c in got["body"]["changes"]] == [note["id"]]


def test_long_poll_times_out_empty_with_the_same_position(hub):
    east = hub.api("east_staff")
    _, cursor = east.pull_all()
    started = time.monotonic()
    body = east.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 0.5}).json()
    assert 0.4 < time.monotonic() - started < 3
    assert body["changes"] == [] and body["cursor"] == cursor


def test_long_poll_sees_writes_from_another_process(hub):
    from sync.hub import service
    from sync.hub.app import utc_now
    from sync.hub.db import open_database
    from sync.protocol import Notification

    east = hub.api("east_staff")
    _, cursor = east.pull_all()
    result: dict = {}
    thread = threading.Thread(
        target=lambda: result.update(
            east.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 10}, timeout=15).json()
        )
    )
    thread.start()
    time.sleep(0.2)
    # A separate connection writing the database directly, as `cvi-hub notify --db` does.
    database = open_database(hub.db)
    posted = time.monotonic()
    service.post_notification(database, Notification.model_validate(notification("012")), utc_now())
    database.close()
    thread.join(5)
    assert time.monotonic() - posted < 1.0
    assert len(result["changes"]) == 1
