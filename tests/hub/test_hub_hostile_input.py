"""Hostile input (issue 9): one regression test per case an attacker found against `cvi-hub serve`.

Every case runs against a real hub over HTTP (the module's hub from conftest.py) or the real
CLI. What is checked each time: no 5xx and no traceback; a bad record is rejected alone, naming
the field, and the good records of its batch are applied; the hub refuses what the laptop's
own validation would refuse (fields.py bounds, domain.py cross-field rules).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hub_helpers import HubEnv, action, cpd_action, new_id, notification, record, response_record

from sync.hub import admin
from sync.hub.cli import main

pytestmark = pytest.mark.timeout(60)

OVERFLOW = "9999-12-31T23:59:59-23:59"  # the offset is accepted by Python; UTC conversion overflows
ARABIC_DIGITS = "\u0661\u0662\u0663\u0664\u0665\u0666"
NO_HASH = "0" * 64  # for records whose data cannot even be hashed (the hub must refuse them first)


def routed(hub: HubEnv, **fields: Any) -> dict[str, Any]:
    """A CPD notification routed to north and south (district 011)."""
    note = notification("011", **fields)
    response = hub.api("cpd").post("/v1/cpd/notifications", json=note)
    assert response.status_code == 201, response.text
    return note


def fields_of(result: dict[str, Any]) -> set[str]:
    return {e["field"] for e in result.get("errors") or []}


def assert_rejected(result: dict[str, Any], field: str) -> None:
    assert result["status"] == "rejected", result
    assert result["reason"] == "invalid", result
    assert field in fields_of(result), result


def monthly(hub: HubEnv, month: str = "2026-11") -> int:
    return hub.api("cpd").get("/v1/cpd/monthly", params={"month": month}).status_code


# --- 1: one record could break CPD's monthly report for good ---------------------------------


def test_response_record_with_an_overflowing_occurrence_is_refused_and_monthly_keeps_working(hub):
    note = routed(hub)
    scene = [cpd_action("scene", "2026-11-02T15:00:00+00:00")]
    bad = response_record({**note, "occurred_at": OVERFLOW}, scene)
    (result,) = hub.api("north_sup").results(bad)
    assert_rejected(result, "data.incident.occurred_at")
    assert monthly(hub) == 200
    good = response_record(note, [cpd_action("scene", "2026-11-02T15:00:00+00:00")])
    assert hub.api("north_sup").results(good)[0]["status"] == "applied"
    assert monthly(hub) == 200


# --- 3: one poison record failed the whole batch ----------------------------------------------


DEEP = "__deep__"


def deep_body(records: list[dict[str, Any]], depth: int) -> str:
    """The batch as JSON text with each DEEP value nested `depth` lists down. Written by hand:
    json.dumps itself cannot write JSON deeper than the recursion limit."""
    return json.dumps({"records": records}).replace(json.dumps(DEEP), "[" * depth + '"x"' + "]" * depth)


def test_poison_records_are_rejected_alone_and_the_rest_of_the_batch_is_applied(hub):
    note = routed(hub)
    api = hub.api("north_staff")
    first, last = action(note["id"]), action(note["id"])
    surrogate = action(note["id"], outcome="completed")
    surrogate["data"]["staff_ids"] = ["n1\ud800"]
    surrogate["sha256"] = NO_HASH
    huge_version = action(note["id"])
    huge_version["version"] = 2**63
    huge_base = action(note["id"])
    huge_base["base_version"] = 2**63
    incident = routed_incident(api, note["id"])
    overflowing = {**incident, "occurred_at": OVERFLOW, "version": 2}
    out_of_range = record("incident", note["id"], 2, "org", overflowing, base_version=1)
    deep = action(note["id"])
    deep["data"]["staff_ids"] = DEEP  # 1,500 levels: deeper than Python's json reader can go
    deep["sha256"] = NO_HASH
    batch = [first, surrogate, huge_version, huge_base, out_of_range, deep, last]
    response = api.post("/v1/sync/push", data=deep_body(batch, 1_500),
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(len(batch)))
    assert results[0]["status"] == results[-1]["status"] == "applied"
    assert_rejected(results[1], "data.staff_ids.0")
    assert_rejected(results[2], "version")
    assert_rejected(results[3], "base_version")
    assert_rejected(results[4], "data.occurred_at")
    assert_rejected(results[5], "data")


def routed_incident(api: Any, incident_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/records/incident/{incident_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def test_a_record_nested_just_below_the_reader_limit_is_rejected_alone(hub):
    note = routed(hub)
    api = hub.api("north_staff")
    deep = action(note["id"])
    deep["data"]["staff_ids"] = DEEP  # readable (600 levels), but deeper than any record may nest
    deep["sha256"] = NO_HASH
    good = action(note["id"])
    response = api.post("/v1/sync/push", data=deep_body([deep, good], 600),
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert_rejected(results[0], "data")
    assert results[1]["status"] == "applied"


# --- 4: reproducible 500s ------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [
    ("occurred_at", OVERFLOW),
    ("occurred_at", "0001-01-01T00:00:00+23:59"),
    ("cpd_notified_at", OVERFLOW),
    ("block", "4000 W MADISON \ud800"),
    ("rd_number", "JA12345\udfff"),
    ("victims_total", 2**64),
])
def test_hostile_notifications_are_a_422(hub, field, value):
    cpd = hub.api("cpd")
    note = notification("011", **{field: value})
    response = cpd.post("/v1/cpd/notifications", json=note)
    assert response.status_code == 422, response.text
    # A correction of a real notification is held to the same bounds.
    good = routed(hub)
    body = {**good, field: value}
    del body["id"]
    response = cpd.put(f"/v1/cpd/notifications/{good['id']}", json=body)
    assert response.status_code == 422, response.text


def test_nan_community_area_is_a_422(hub):
    text = json.dumps(notification("011")).replace('"community_area": 25', '"community_area": NaN')
    response = hub.api("cpd").post(
        "/v1/cpd/notifications", data=text, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text


def test_cpd_records_since_beyond_63_bits_is_a_422(hub):
    response = hub.api("cpd").get("/v1/cpd/records", params={"since": str(2**63)})
    assert response.status_code == 422, response.text
    assert hub.api("cpd").get("/v1/cpd/records", params={"since": str(2**63 - 1)}).status_code == 200


def test_revoking_a_token_id_beyond_64_bits_is_a_422(hub):
    response = hub.api("admin").post(f"/v1/admin/tokens/{2**64 + 1}/revoke")
    assert response.status_code == 422, response.text


def test_lone_surrogate_in_a_record_id_or_key_is_rejected_alone(hub):
    note = routed(hub)
    api = hub.api("north_staff")
    bad_id = action(note["id"])
    bad_id["id"] = "a\ud800"
    bad_id["sha256"] = NO_HASH
    bad_key = action(note["id"])
    bad_key["data"]["\udc00"] = 1
    bad_key["sha256"] = NO_HASH
    results = api.results(bad_id, bad_key, action(note["id"]))
    assert results[0]["status"] == results[1]["status"] == "rejected"
    assert results[0]["id"] is None  # not echoed: it cannot be sent back as UTF-8
    assert results[2]["status"] == "applied"


# --- 6: validation weaker than the device's -------------------------------------------------------


@pytest.mark.parametrize(("fields", "bad"), [
    ({"rd_number": "JA" + ARABIC_DIGITS}, "rd_number"),
    ({"beat": "\u0661\u0661\u0663\u0661"}, "beat"),
    ({"victims_total": 1, "victims_fatal": 1, "victims_nonfatal": 1}, "victims_total"),
    ({"occurred_at": "3000-01-01T00:00:00+00:00", "cpd_notified_at": "3000-01-01T00:05:00+00:00"},
     "occurred_at"),
    ({"occurred_at": "2026-11-02T14:00:00+00:00", "cpd_notified_at": "2026-11-02T13:00:00+00:00"},
     "cpd_notified_at"),
    ({"occurred_at": "1999-12-31T23:59:59+00:00", "cpd_notified_at": "2000-01-01T00:05:00+00:00"},
     "occurred_at"),
    ({"beat": "0711"}, "beat"),  # beat 0711 lies in district 007, not 011
])
def test_notifications_are_held_to_the_device_rules(hub, fields, bad):
    response = hub.api("cpd").post("/v1/cpd/notifications", json=notification("011", **fields))
    assert response.status_code == 422, response.text
    assert bad in response.text


def test_cpd_cannot_date_a_notification_in_the_future_but_a_fast_laptop_clock_still_syncs(hub):
    ahead = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    note = notification("011", occurred_at=ahead, cpd_notified_at=ahead)
    response = hub.api("cpd").post("/v1/cpd/notifications", json=note)
    assert response.status_code == 422, response.text
    assert "must not be in the future" in response.text
    # A laptop's clock is not trusted to be right, and a laptop a year ahead keeps syncing (fault
    # row 24): its records are held to the fixed window (2000 .. 2100) only.
    year_ahead = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    own = action(routed(hub)["id"], started_at=year_ahead, device_recorded_at=year_ahead)
    assert hub.api("north_staff").results(own)[0]["status"] == "applied"


def test_pushed_incidents_and_actions_are_held_to_the_device_rules(hub):
    api = hub.api("north_staff")
    own = new_id()
    base = {
        "id": own, "source": "self", "rd_number": None, "incident_type": "nonfatal_shooting",
        "occurred_at": "2026-11-02T14:00:00+00:00", "cpd_notified_at": None,
        "org_received_at": "2026-11-02T14:10:00+00:00", "district": "011", "beat": "1131",
        "community_area": 25, "location_type": "street", "block": None, "victims_total": 2,
        "victims_fatal": 0, "victims_nonfatal": 2, "victim_age_bands": [], "status": "new",
        "assignee": None, "version": 1,
    }
    cases = [
        ({"victims_total": 1}, "data.victims_total"),
        ({"rd_number": "JA" + ARABIC_DIGITS}, "data.rd_number"),
        ({"beat": "\u0661\u0661\u0663\u0661"}, "data.beat"),
        ({"org_received_at": "2026-11-02T13:00:00+00:00"}, "data.org_received_at"),
        ({"occurred_at": "3000-01-01T00:00:00+00:00"}, "data.occurred_at"),
    ]
    batch = [record("incident", own, 1, "org", {**base, **change}) for change, _ in cases]
    results = api.results(*batch, record("incident", own, 1, "org", base))
    for result, (_, field) in zip(results[:-1], cases, strict=True):
        assert_rejected(result, field)
    assert results[-1]["status"] == "applied"
    late_end = action(own, ended_at="2026-11-02T14:00:00+00:00", started_at="2026-11-02T15:00:00+00:00")
    assert_rejected(api.results(late_end)[0], "data.ended_at")


def test_block_reaches_cpd_only_if_the_organisations_agreement_allows_it(hub):
    note = routed(hub)
    api = hub.api("south_sup")
    with_block = response_record({**note, "block": "4000 W MADISON ST"}, [])
    with_block["data"]["incident"]["block"] = "4000 W MADISON ST"
    with_block = record("response_record", with_block["id"], 1, "cpd", with_block["data"])
    (result,) = api.results(with_block)
    assert_rejected(result, "data.incident.block")
    assert "agreement" in result["errors"][0]["message"]
    admin.set_agreement(hub.db, "south", share_block=True)
    try:
        assert api.results(with_block)[0]["status"] == "applied"
    finally:
        admin.set_agreement(hub.db, "south", share_block=False)


# --- 6 and 9: the admin CLI ------------------------------------------------------------------


class InProcess:
    """`cvi-hub` admin commands run in this process (the same `main`, no interpreter start-up)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.capsys.readouterr()
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)


def no_traceback(result: Any) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_org_add_enforces_the_api_org_id_pattern(new_db, capsys):
    run, db = InProcess(capsys), str(new_db("cli"))
    for bad in ("North", "_north", "no rth", "x" * 65, "n\u0661"):
        no_traceback(run("org", "add", bad, "Name", "--db", db))
    assert run("org", "add", "north-1", "North", "--db", db).returncode == 0


def test_admin_cli_prints_one_line_never_a_traceback(new_db, tmp_path, capsys):
    run, db = InProcess(capsys), str(new_db("cli"))
    assert run("org", "add", "north", "North", "--db", db).returncode == 0
    no_traceback(run("token", "revoke", "9" * 30, "--db", db))
    overflow = tmp_path / "overflow.json"
    overflow.write_text(json.dumps(notification("011", occurred_at=OVERFLOW, cpd_notified_at=None)))
    no_traceback(run("notify", "--db", db, "--json", str(overflow)))
    not_utf8 = tmp_path / "latin1.json"
    not_utf8.write_bytes(b'{"block": "\xe9"}')
    no_traceback(run("notify", "--db", db, "--json", str(not_utf8)))
    no_traceback(run("notify", "--db", db, "--json", str(tmp_path / "missing.json")))
    no_traceback(run("org", "agreement", "nobody", "--share-block", "on", "--db", db))
