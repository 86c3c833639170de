"""The test fault plan: each hook does what the sync-engine tests rely on, and only when armed."""

from __future__ import annotations

import json

import pytest
from hub_helpers import action, new_id, own_incident, stored

pytestmark = pytest.mark.timeout(30)


def test_fail_next_then_ok_and_nothing_stored(hub):
    api = hub.api("north_staff")
    rec = action(own_incident(api))
    hub.server.faults.fail_next(status=500, times=2)
    assert [api.push(rec).status_code for _ in range(3)] == [500, 500, 200]
    assert stored(hub.db, rec["id"]) == 1


def test_retry_after(hub):
    hub.server.faults.retry_after(7, status=503)
    response = hub.api("north_staff").push(action(new_id()))
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"


def test_unauthorized_after_n_pushes(hub):
    api = hub.api("north_staff")
    incident = own_incident(api)
    hub.server.faults.unauthorized_after(2, times=1)
    assert [api.push(action(incident)).status_code for _ in range(4)] == [200, 200, 401, 200]


def test_forbid_and_poison_and_size(hub):
    api = hub.api("north_staff")
    hub.server.faults.forbid(times=1)
    assert api.push().status_code == 403
    assert api.push().status_code == 200
    poison = action(new_id())
    hub.server.faults.poison(poison["id"])
    others = [action(new_id()) for _ in range(3)]
    assert api.push(*others, poison).status_code == 400
    assert all(stored(hub.db, r["id"]) == 0 for r in others)
    assert api.push(*others).status_code == 200
    hub.server.faults.limit_body(500)
    assert api.push(*[action(new_id()) for _ in range(3)]).status_code == 413
    assert api.push().status_code == 200


def test_omit_results_still_commits(hub):
    api = hub.api("north_staff")
    incident = own_incident(api)
    recs = [action(incident) for _ in range(3)]
    hub.server.faults.omit_results(recs[1]["id"])
    results = api.results(*recs)
    assert [r["id"] for r in results] == [recs[0]["id"], recs[2]["id"]]
    assert stored(hub.db, recs[1]["id"]) == 1


def test_garbled_200_after_commit(hub):
    api = hub.api("north_staff")
    rec = action(own_incident(api))
    hub.server.faults.garble_next()
    response = api.push(rec)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert stored(hub.db, rec["id"]) == 1
    assert api.results(rec)[0]["status"] == "duplicate"


def test_faults_over_http_only_with_test_hooks_and_an_admin_token(hub, new_db):
    api = hub.api("north_staff")
    hooks = hub.api("admin")
    assert hooks.post("/v1/test/faults", json={"fault": "fail_next", "status": 502}).status_code == 200
    assert api.push().status_code == 502
    assert hooks.post("/v1/test/faults", json={"fault": "nope"}).status_code == 400
    assert hooks.post("/v1/test/faults", json={"fault": "omit_results", "ids": ["a"]}).status_code == 200
    assert hooks.post("/v1/test/faults", json={"fault": "clear"}).status_code == 200
    # Without a token, or with any other role, no hook does anything.
    callers = ((hub.api(None), 401), (api, 403), (hub.api("cpd"), 403), (hub.api("north_sup"), 403))
    for caller, status in callers:
        for path, body in (
            ("/v1/test/faults", {"fault": "fail_next", "status": 502}),
            ("/v1/test/epoch", None),
            ("/v1/test/expire-cursors", None),
            ("/v1/test/rate-limit", {"rate_per_second": 1, "burst": 1}),
        ):
            assert caller.post(path, json=body).status_code == status, (path, status)
    assert api.push().status_code == 200  # nothing was armed
    assert hub.server.limiter.rate == hub.server.config.rate_per_second

    from sync.hub import admin
    from sync.hub.server import HubServer

    plain = new_db("plain")
    with HubServer(plain) as server:  # hooks are off by default
        from hub_helpers import Api

        token = admin.create_token(plain, "admin")
        assert Api(server.url, token).post("/v1/test/faults", json={"fault": "clear"}).status_code == 404
        assert Api(server.url, token).post("/v1/test/epoch").status_code == 404


# SQLite only: admin.backup / admin.restore copy the hub's SQLite file.
@pytest.mark.sqlite_only("admin.backup / admin.restore copy the SQLite file")
def test_restore_from_backup_loses_recent_rows_and_changes_epoch(hub, tmp_path):
    from sync.hub import admin

    api = hub.api("east_staff")
    incident = own_incident(api, district="012")
    kept, lost = action(incident), action(incident)
    api.results(kept)
    admin.backup(hub.db, tmp_path / "backup.sqlite3")
    api.results(lost)
    _, cursor = api.pull_all()
    before = api.get("/v1/health").json()["epoch"]
    new_epoch = admin.restore(tmp_path / "backup.sqlite3", hub.db)
    assert api.get("/v1/health").json()["epoch"] == new_epoch != before
    assert api.get("/v1/sync/pull", params={"cursor": cursor}).status_code == 410
    assert stored(hub.db, lost["id"]) == 0
    # The client re-pushes what the hub may have lost: idempotent for what survived.
    assert [r["status"] for r in api.results(kept, lost)] == ["duplicate", "applied"]
