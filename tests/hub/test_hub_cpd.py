"""CPD views: response-record projections and the monthly review figures on a hand-made dataset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hub_helpers import HubEnv, action, cpd_action, notification, response_record, seed

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
def clocked(new_db) -> Iterator[tuple[HubEnv, SetClock]]:
    db = new_db("hubclock")
    tokens = seed(db)
    clock = SetClock()
    server = HubServer(db, clock=clock).start()
    try:
        yield HubEnv(server, db, tokens), clock
    finally:
        server.stop()


LEGACY = ("district", "incidents", "notification_latency", "response_latency", "covered", "coverage")


def legacy(district: dict) -> dict:
    """A district as a protocol-1 client reads it: those fields, latencies in seconds only."""
    out = {k: district[k] for k in LEGACY}
    for k in ("notification_latency", "response_latency"):
        out[k] = {f: district[k][f] for f in ("n", "p50_s", "p90_s")}
    return out


def post(env: HubEnv, clock: SetClock, at: str, note: dict) -> dict:
    clock.at(at)
    response = env.api("cpd").post("/v1/cpd/notifications", json=note)
    assert response.status_code == 201, response.text
    return note


def test_monthly_figures_on_a_small_dataset(clocked):
    env, clock = clocked
    cpd = env.api("cpd")
    a = post(
        env, clock, "2026-11-02T14:10:00+00:00", notification("011", occurred_at="2026-11-02T14:00:00+00:00")
    )
    b = post(
        env, clock, "2026-11-03T10:30:00+00:00", notification("011", occurred_at="2026-11-03T10:00:00+00:00")
    )
    c = post(
        env, clock, "2026-11-10T20:05:00+00:00", notification("011", occurred_at="2026-11-10T20:00:00+00:00")
    )
    d = post(
        env, clock, "2026-11-15T09:00:00+00:00", notification("010", occurred_at="2026-11-15T08:00:00+00:00")
    )
    # 23:30 on Oct 31 in Chicago: belongs to October even though it is November in UTC.
    post(
        env, clock, "2026-11-01T04:40:00+00:00", notification("011", occurred_at="2026-11-01T04:30:00+00:00")
    )
    # Posted for 012 (east) at 12:15, corrected to 011 later: received is the first routing.
    f = post(
        env, clock, "2026-11-20T12:15:00+00:00", notification("012", occurred_at="2026-11-20T12:00:00+00:00")
    )
    clock.at("2026-11-20T13:00:00+00:00")
    moved = {
        k: v for k, v in notification("011", occurred_at="2026-11-20T12:00:00+00:00").items() if k != "id"
    }
    assert cpd.put(f"/v1/cpd/notifications/{f['id']}", json=moved).status_code == 200

    clock.at("2026-11-25T00:00:00+00:00")
    north, south = env.api("north_sup"), env.api("south_sup")
    rec_a = response_record(
        a,
        [
            cpd_action("canvass_rumor_control", "2026-11-02T14:12:00+00:00"),
            cpd_action("scene", "2026-11-02T14:30:00+00:00"),
            cpd_action("hospital", "2026-11-02T14:20:00+00:00"),
        ],
    )
    b_v1 = response_record(b, [cpd_action("scene", "2026-11-03T10:35:00+00:00")])
    b_v2 = response_record(
        b, [cpd_action("family_engagement", "2026-11-03T12:30:00+00:00")], record_id=b_v1["id"], version=2
    )
    rec_d = response_record(d, [cpd_action("vigil_funeral", "2026-11-16T09:00:00+00:00")])
    assert {r["status"] for r in north.results(rec_a, rec_d)} == {"applied"}
    assert [r["status"] for r in south.results(b_v1, b_v2)] == ["applied", "applied"]
    # An org-only action is not something CPD sees, so it does not count for incident c.
    assert env.api("north_staff").results(action(c["id"], action_type="scene"))[0]["status"] == "applied"

    report = cpd.get("/v1/cpd/monthly", params={"month": "2026-11"}).json()
    assert report["month"] == "2026-11" and report["timezone"] == "America/Chicago"
    by = {d["district"]: legacy(d) for d in report["districts"]}
    assert set(by) == {"010", "011"}
    assert by["011"] == {
        "district": "011",
        "incidents": 4,
        # latencies 600, 1800, 300, 900 s: nearest-rank p50 = 600, p90 = 1800
        "notification_latency": {"n": 4, "p50_s": 600.0, "p90_s": 1800.0},
        # a: hospital 14:20 - 14:10 = 600 s; b (latest version): 12:30 - 10:30 = 7200 s
        "response_latency": {"n": 2, "p50_s": 600.0, "p90_s": 7200.0},
        "covered": 2,
        "coverage": 0.5,
    }
    assert by["010"] == {
        "district": "010",
        "incidents": 1,
        "notification_latency": {"n": 1, "p50_s": 3600.0, "p90_s": 3600.0},
        "response_latency": {"n": 0, "p50_s": None, "p90_s": None},
        "covered": 0,
        "coverage": 0.0,
    }
    # The same figures in minutes (seconds are minutes x 60, one calculation), and the rest.
    (d011,) = [d for d in report["districts"] if d["district"] == "011"]
    assert d011["notification_latency"]["p50_min"] == 10.0 and d011["response_latency"]["p90_min"] == 120.0
    assert report["total"]["incidents"] == 5 and report["percentiles"] == "nearest-rank"
    by_org = {o["org_id"]: o["incidents"] for o in report["organisations"]}
    assert by_org == {"north": 5, "south": 4, "east": 1}  # east's route of f, moved on from 012
    assert report["skipped"] == 0 and [t["month"] for t in report["trend"]][-1] == "2026-11"
    october = [legacy(d) for d in cpd.get("/v1/cpd/monthly", params={"month": "2026-10"}).json()["districts"]]
    assert october == [
        {
            "district": "011",
            "incidents": 1,
            "notification_latency": {"n": 1, "p50_s": 600.0, "p90_s": 600.0},
            "response_latency": {"n": 0, "p50_s": None, "p90_s": None},
            "covered": 0,
            "coverage": 0.0,
        }
    ]
    assert cpd.get("/v1/cpd/monthly", params={"month": "2026-13"}).status_code == 422


def test_cpd_records_are_the_projection_only(clocked):
    env, _ = clocked
    cpd = env.api("cpd")
    page = cpd.get("/v1/cpd/records", params={"limit": 2}).json()
    assert len(page["records"]) == 2 and page["has_more"]
    rest = cpd.get("/v1/cpd/records", params={"since": page["next"]}).json()
    records = page["records"] + rest["records"]
    assert len(records) == 4 and not rest["has_more"]
    assert {r["org_id"] for r in records} == {"north", "south"}
    for r in records:
        assert set(r["data"]) == {"incident", "actions", "referrals", "themes", "followups"}
        assert "assignee" not in r["data"]["incident"] and "status" not in r["data"]["incident"]
        assert all("staff_ids" not in a and "incident_id" not in a for a in r["data"]["actions"])
    # Org-audience records (the response_action pushed above) never appear here.
    assert all(r["data"].get("incident") for r in records)
