"""The hub's monthly review is the laptop's calculation (`cvi_desktop.monthly.monthly_review`).

The agreement test pushes response records from three organisations to a real hub on
127.0.0.1 and feeds the very same records to `monthly_review` here: every figure of
`GET /v1/cpd/monthly` -- city, districts, organisations, trend -- must be identical. The same
from the laptop's side: a supervisor's real store approves a month through the core services
and syncs it, and the hub gives the laptop's own review's figures. Then: a
notification routed to two organisations is one incident for the city and one for each
organisation, and stored rows whose times cannot be read are skipped and counted, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hub_helpers import (
    HubEnv,
    Target,
    cpd_action,
    hub_exec,
    new_id,
    notification,
    own_incident,
    response_record,
    seed,
)

from cvi_desktop.monthly import monthly_review
from sync.hub import service
from sync.hub.server import HubServer

pytestmark = pytest.mark.timeout(60)
MONTH = "2026-11"


class SetClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 10, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def hub(new_db) -> Iterator[tuple[HubEnv, SetClock]]:
    db = new_db("review")
    tokens = seed(db)
    clock = SetClock()
    server = HubServer(db, clock=clock).start()
    try:
        yield HubEnv(server, db, tokens), clock
    finally:
        server.stop()


def act(kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
    return {**cpd_action(kind, at.isoformat()), **fields}


def route(
    env: HubEnv, clock: SetClock, district: str, occurred: datetime, routed_after: timedelta, **facts: Any
) -> dict:
    """CPD posts a notification; the hub routes it `routed_after` the incident."""
    clock.now = occurred + routed_after
    note = notification(district, occurred_at=occurred.isoformat(), **facts)
    assert env.api("cpd").post("/v1/cpd/notifications", json=note).status_code == 201
    # The laptop records when it received it (its own clock: a minute after the hub routed it).
    return {**note, "routed_at": clock.now, "org_received_at": (clock.now + timedelta(minutes=1)).isoformat()}


def approved(env: HubEnv, sup: str, incident: dict, actions: list[dict], **data: Any) -> dict[str, Any]:
    """Push an approved response record; return its data as CPD holds it."""
    rec = response_record(incident, actions)
    rec["data"].update(data)
    # Re-hash after the change, exactly as the device does.
    from hub_helpers import record

    rec = record("response_record", rec["id"], 1, "cpd", rec["data"])
    (result,) = env.api(sup).results(rec)
    assert result["status"] == "applied", json.dumps(result)
    return rec["data"]


def unapproved(org: str, note: dict) -> dict[str, Any]:
    """A routed notification with no approved record: the incident, received when routed, no actions."""
    facts = {k: v for k, v in note.items() if k not in ("routed_at", "org_received_at")}
    return {"org_id": org, "incident": {**facts, "org_received_at": note["routed_at"].isoformat()},
            "actions": []}


def figures(report: dict[str, Any]) -> dict[str, Any]:
    return {k: report[k] for k in ("districts", "total", "organisations", "trend", "skipped")}


def test_the_hub_route_and_the_laptop_calculation_agree(hub):
    env, clock = hub
    t0 = datetime(2026, 11, 3, 16, 0, tzinfo=UTC)
    fed: list[dict[str, Any]] = []  # what the laptop-side calculation gets: the same records

    # north (districts 010 only here; 011 is shared and tested below): four incidents.
    a = route(env, clock, "010", t0, timedelta(minutes=12))
    a["org_received_at"] = (t0 + timedelta(minutes=11)).isoformat()  # the laptop's own receipt
    fed.append({"org_id": "north", **approved(env, "north_sup", a, [
        act("canvass_rumor_control", t0 + timedelta(minutes=20)),
        act("scene", t0 + timedelta(minutes=41)),
        act("mediation", t0 + timedelta(hours=5), mediation_result="resolved"),
    ], referrals=[{"category": "employment", "status": "connected"},
                  {"category": "mental_health", "status": "made"}],
        themes=["retaliation_concern", "youth_involved"], followups={"scheduled": 3, "done_on_time": 2})})
    b = route(env, clock, "010", t0 + timedelta(days=2), timedelta(minutes=95))
    fed.append(unapproved("north", b))  # routed, never approved: counts, with no contact
    c = route(env, clock, "010", t0 + timedelta(days=4), timedelta(minutes=7))
    fed.append({"org_id": "north", **approved(env, "north_sup", c, [
        act("hospital", t0 + timedelta(days=4, minutes=30), outcome="unable_unsafe"),
        act("family_engagement", t0 + timedelta(days=4, minutes=50), outcome="declined"),
    ])})
    # A self-found incident: the outreach worker was there before it was logged as received, so
    # the response span is negative: excluded from the percentiles, and counted.
    found = (t0 + timedelta(days=6)).isoformat()
    own = own_incident(env.api("north_staff"), district="011", occurred_at=found)
    selfie = {**notification("011", own, occurred_at=found),
              "org_received_at": (t0 + timedelta(days=6, minutes=20)).isoformat()}
    selfie.pop("rd_number")
    fed.append({"org_id": "north", **approved(env, "north_sup", selfie, [
        act("hospital", t0 + timedelta(days=6, minutes=10))])})
    # October, for the trend (and the change since last month).
    d = route(env, clock, "010", t0 - timedelta(days=20), timedelta(minutes=30))
    fed.append({"org_id": "north", **approved(env, "north_sup", d, [
        act("scene", t0 - timedelta(days=20, minutes=-75))])})

    # south (007): three, one of them with the "Z" form of UTC the laptop may send.
    for k, (delay, contact) in enumerate([(15, 25), (40, 200), (5, None)]):
        occurred = t0 + timedelta(days=8 + k, hours=3)
        n = route(env, clock, "007", occurred, timedelta(minutes=delay))
        if contact is None:
            fed.append(unapproved("south", n))
            continue
        started = (occurred + timedelta(minutes=delay + contact)).isoformat()
        fed.append({"org_id": "south", **approved(env, "south_sup", n, [
            {**cpd_action("scene", started.replace("+00:00", "Z"))}])})

    # east (012): one fatal shooting with a vigil only (no contact) and two victims.
    e = route(env, clock, "012", t0 + timedelta(days=15), timedelta(minutes=3),
              incident_type="fatal_shooting", victims_total=2, victims_fatal=1, victims_nonfatal=1)
    fed.append(unapproved("east", e))

    clock.now = datetime(2026, 12, 2, tzinfo=UTC)
    hub_report = env.api("cpd").get("/v1/cpd/monthly", params={"month": MONTH}).json()
    laptop = monthly_review(fed, MONTH, as_of=clock.now)
    expected = service.monthly_report(service.HubReview(laptop, 0)).model_dump(mode="json")
    assert figures(hub_report) == figures(expected), _diff(figures(hub_report), figures(expected))

    # Notification minutes 3, 5, 8, 11, 16, 20, 41, 95: nearest-rank p50 is the 4th, 11.
    # And the figures are the ones a person would work out by hand (so the agreement is not
    # two empty reviews agreeing).
    total = hub_report["total"]
    assert total["incidents"] == 8 and total["covered"] == 4  # a, selfie, south's two
    assert total["response_latency"]["excluded"] == 1  # the self-found one
    assert total["notification_latency"]["p50_min"] == laptop.total.notification.p50 == 11.0
    assert total["response_latency"]["p50_s"] == laptop.total.response.p50 * 60
    assert total["no_response"] == {"no_attempt_recorded": 3, "declined": 1}
    assert total["mediations_resolved"] == 1 and total["referrals_connected"] == 1
    assert {o["org_id"]: o["incidents"] for o in hub_report["organisations"]} == {
        "north": 4, "south": 3, "east": 1}
    assert [t["incidents"] for t in hub_report["trend"]] == [0, 0, 0, 0, 1, 8]


def test_a_notification_routed_to_two_organisations_is_one_incident_for_the_city(hub):
    env, clock = hub
    t0 = datetime(2026, 11, 10, 20, 0, tzinfo=UTC)
    shared = route(env, clock, "011", t0, timedelta(minutes=10))  # north and south both cover 011
    received = {**shared, "org_received_at": (t0 + timedelta(minutes=10)).isoformat()}
    north = approved(env, "north_sup", received, [act("hospital", t0 + timedelta(minutes=50))],
                     themes=["retaliation_concern"])
    south = approved(env, "south_sup", received, [act("scene", t0 + timedelta(minutes=30))],
                     themes=["youth_involved"])
    clock.now = datetime(2026, 12, 1, tzinfo=UTC)
    report = env.api("cpd").get("/v1/cpd/monthly", params={"month": MONTH}).json()
    assert report["total"]["incidents"] == 1 and report["total"]["victims"] == 1
    # The city's first contact is the earliest of either organisation's: 20 minutes.
    assert report["total"]["response_latency"]["p50_min"] == 20.0
    by_org = {o["org_id"]: o for o in report["organisations"]}
    assert by_org["north"]["response_latency"]["p50_min"] == 40.0
    assert by_org["south"]["response_latency"]["p50_min"] == 20.0
    # Each organisation's figures are exactly its own records through the laptop's calculation.
    for org, data in (("north", north), ("south", south)):
        alone = monthly_review([data], MONTH, as_of=clock.now).total
        assert by_org[org]["response_latency"]["p50_min"] == alone.response.p50
        assert by_org[org]["covered"] == alone.covered == 1


def _insert(db: Target, org: str, audience: str, kind: str, record_id: str, data: Any) -> None:
    """A row as an older hub stored it, before times were checked: straight into the table."""
    hub_exec(
        db,
        "INSERT INTO records (org_id, audience, kind, id, version, sha256, data, origin,"
        " server_received_at) VALUES (?, ?, ?, ?, 1, ?, ?, 'device', '2026-11-20T00:00:00+00:00')",
        (org, audience, kind, record_id, "0" * 64, data if isinstance(data, str) else json.dumps(data)),
    )


def test_old_poison_rows_are_skipped_and_counted_never_a_500(hub):
    env, clock = hub
    t0 = datetime(2026, 11, 5, 15, 0, tzinfo=UTC)
    good = route(env, clock, "010", t0, timedelta(minutes=10))
    approved(env, "north_sup", good, [act("scene", t0 + timedelta(minutes=30))])
    poisons = [
        {"occurred_at": "2026-11-05 at noon"},  # not a time
        {"occurred_at": "2026-11-05T10:00:00"},  # no offset: cannot be compared with the others
        {"occurred_at": "2026-11-05T10:00:00+00:00", "org_received_at": "soon"},
        {"occurred_at": "2026-11-05T10:00:00+00:00", "victims_total": "many"},
        {"occurred_at": "ninth of November"},  # not even a date: read, so it is counted
        {"occurred_at": "0001-01-01T00:00:00+14:00"},  # overflows when compared with a month
        {"occurred_at": "2026-11-05T10:00:00+00:00", "incident_type": ["fatal_shooting"]},
    ]
    for facts in poisons:
        incident_id = new_id()
        _insert(env.db, "north", "org", "incident", incident_id, {"id": incident_id, "district": "011"})
        _insert(env.db, "north", "cpd", "response_record", new_id(), {
            "incident": {"id": incident_id, "district": "011", "incident_type": "nonfatal_shooting", **facts},
            "actions": [], "referrals": [], "themes": [], "followups": {"scheduled": 0, "done_on_time": 0}})
    incident_id = new_id()
    _insert(env.db, "north", "org", "incident", incident_id, {"id": incident_id})
    _insert(env.db, "north", "cpd", "response_record", new_id(), {  # a bad action time
        "incident": {"id": incident_id, "district": "011", "occurred_at": "2026-11-06T10:00:00+00:00"},
        "actions": [{"action_type": "scene", "started_at": "later", "outcome": "completed"}]})
    incident_id = new_id()
    _insert(env.db, "north", "org", "incident", incident_id, {"id": incident_id})
    _insert(env.db, "north", "cpd", "response_record", new_id(), {  # an outcome that is not a code
        "incident": {"id": incident_id, "district": "011", "occurred_at": "2026-11-06T10:00:00+00:00"},
        "actions": [{"action_type": "scene", "started_at": "2026-11-06T10:30:00+00:00",
                     "outcome": {"why": "unsafe"}}]})
    _insert(env.db, "north", "cpd", "response_record", new_id(), "{not json")
    response = env.api("cpd").get("/v1/cpd/monthly", params={"month": MONTH})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["skipped"] == 10
    assert report["total"]["incidents"] == 1 and report["total"]["covered"] == 1


def _diff(a: Any, b: Any, path: str = "") -> list[str]:  # pragma: no cover - debugging aid
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in set(a) | set(b) for d in _diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_a_laptops_approved_month_synced_to_the_hub_gives_the_laptops_figures(hub, store, clock,
                                                                               memory_keyring):
    """The agreement from the laptop's side: a supervisor's real (encrypted) store records and
    approves a month of incidents through the core services, syncs them to the hub, and CPD's
    route gives the figures the laptop's own review (`queries.monthly_review`) gives."""
    from cvi_desktop import queries
    from cvi_desktop.services import casework, incidents, responses, reviews
    from sync.backoff import Backoff
    from sync.client import HubClient, Timeouts
    from sync.credentials import keyring_token_source, set_token
    from sync.engine import SyncEngine

    env, hub_clock = hub
    clock.now = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    for k, (district, delay, contact, outcome) in enumerate([
        ("011", 10, 30, "completed"), ("011", 25, 12, "completed"), ("010", 5, 45, "unable_unsafe"),
        ("010", 40, 5, "completed"), ("011", 15, None, None),
    ]):
        occurred = datetime(2026, 11, 2 + 3 * k, 15, 0, tzinfo=UTC)
        received = occurred + timedelta(minutes=delay)
        incident = incidents.record_incident(store, {
            "source": "community", "incident_type": "nonfatal_shooting", "district": district,
            "occurred_at": occurred.isoformat(), "org_received_at": received.isoformat(),
            "victims_total": 1, "victims_nonfatal": 1}, themes=["retaliation_concern"] if k % 2 else ())
        if contact is not None:
            responses.log_action(store, {
                "incident_id": incident, "action_type": "scene", "outcome": outcome,
                "started_at": (received + timedelta(minutes=contact)).isoformat()})
        if k == 1:
            responses.log_action(store, {"incident_id": incident, "action_type": "mediation",
                                         "started_at": (occurred + timedelta(hours=8)).isoformat(),
                                         "mediation_result": "resolved"})
            casework.add_referral(store, {"incident_id": incident, "category": "employment",
                                          "status": "connected"})
        reviews.review(store, {"incident_id": incident, "state": "approved"})
    set_token("north_sup", env.tokens["north_sup"])
    client = HubClient(env.url, keyring_token_source("north_sup"), timeouts=Timeouts(connect=2.0, read=5.0))
    engine = SyncEngine(store, client, backoff=Backoff(rand=lambda: 0.5))
    try:
        for _ in range(6):
            if engine.sync_once("test").ok and not queries_pending(store):
                break
            clock.advance(minutes=16)
    finally:
        client.close()
    assert not queries_pending(store)

    laptop = queries.monthly_review(store, MONTH)
    hub_clock.now = clock.now
    report = env.api("cpd").get("/v1/cpd/monthly", params={"month": MONTH}).json()
    assert laptop.total.incidents == 5 == report["total"]["incidents"]
    expected = service.monthly_report(service.HubReview(laptop, 0)).model_dump(mode="json")
    (north,) = report["organisations"]
    assert north["org_id"] == "north"
    assert {k: v for k, v in north.items() if k != "org_id"} == expected["total"]
    assert report["total"] == expected["total"]
    assert report["districts"] == expected["districts"]
    assert report["trend"] == expected["trend"]
    # Not two empty reviews agreeing: response minutes 30, 12, 5 (the unsafe attempt is none).
    assert report["total"]["response_latency"]["p50_min"] == 12.0 and report["total"]["covered"] == 3
    assert report["total"]["no_response"] == {"unable_unsafe": 1, "no_attempt_recorded": 1}
    assert report["total"]["mediations_resolved"] == 1 and report["total"]["referrals_connected"] == 1


def queries_pending(store: Any) -> int:
    from cvi_desktop import outbox

    counts = outbox.counts(store)
    return int(counts["pending"] + counts["sending"])
