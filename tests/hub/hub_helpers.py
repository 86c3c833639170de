"""Helpers for the hub tests: an HTTP client per token and builders for valid records.

Records are built with `cvi_desktop.sharing` (envelope, canonical_json, content_hash), exactly
as the device builds them, so the tests exercise the real hash contract.

A hub's database (`HubEnv.db`, a `Target`) is a SQLite file path or a `postgresql://` URL; the
tests read and write its tables through `hub_sql` / `hub_exec`, which go through the hub's own
`open_database` (`?` placeholders on both engines), never through a SQLite file of their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests

from cvi_desktop.sharing import Audience, RecordKind, canonical_json, content_hash, envelope
from sync.hub import admin
from sync.hub.server import HubServer
from tests.hub_tables import Target, forget, hub_exec, hub_sql, hub_value  # noqa: F401 - re-exported

ENGINES = ("sqlite", "postgresql")


class Api:
    """requests.Session bound to the hub URL and one bearer token (or none)."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        return self.session.get(self.url + path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        return self.session.post(self.url + path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        return self.session.put(self.url + path, **kw)

    def push(self, *records: dict[str, Any]) -> requests.Response:
        return self.post("/v1/sync/push", json={"records": list(records)})

    def results(self, *records: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push(*records)
        assert response.status_code == 200, response.text
        return list(response.json()["results"])

    def pull_all(self, cursor: str | None = None) -> tuple[list[dict[str, Any]], str]:
        changes: list[dict[str, Any]] = []
        while True:
            params = {"cursor": cursor} if cursor else {}
            response = self.get("/v1/sync/pull", params={**params, "limit": 50})
            assert response.status_code == 200, response.text
            page = response.json()
            changes += page["changes"]
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes, cursor


def new_id() -> str:
    return str(uuid.uuid4())


def record(
    kind: str,
    record_id: str,
    version: int,
    audience: str,
    data: dict[str, Any],
    base_version: int | None = None,
    sha256: str | None = None,
) -> dict[str, Any]:
    env = envelope(RecordKind(kind), record_id, version, Audience(audience), data)
    out = {**env, "sha256": sha256 or content_hash(canonical_json(env))}
    if base_version is not None:
        out["base_version"] = base_version
    return out


def action(incident_id: str, action_id: str | None = None, version: int = 1, **fields: Any) -> dict[str, Any]:
    action_id = action_id or new_id()
    data = {
        "id": action_id,
        "action_type": "hospital",
        "started_at": "2026-11-02T15:00:00+00:00",
        "ended_at": None,
        "staff_count": 1,
        "outcome": "completed",
        "mediation_result": None,
        "retaliation_risk": "low",
        "device_recorded_at": "2026-11-02T15:30:00+00:00",
        "incident_id": incident_id,
        "staff_ids": ["n1"],
        **fields,
    }
    return record("response_action", action_id, version, "org", data)


def followup(
    incident_id: str, followup_id: str, version: int, base_version: int | None = None, **fields: Any
) -> dict[str, Any]:
    data = {
        "id": followup_id,
        "incident_id": incident_id,
        "due_at": "2026-11-05T15:00:00+00:00",
        "done_at": None,
        "kind": "call",
        "result": None,
        "assignee": "n1",
        "version": version,
        **fields,
    }
    return record("followup", followup_id, version, "org", data, base_version)


def own_incident(api: Api, incident_id: str | None = None, district: str = "011", **fields: Any) -> str:
    """Push a self-found incident for the caller's organisation and return its id.

    Every other record must name an incident of the pushing organisation (routed to it or
    recorded by it), so a test that only needs "some valid record" makes one of these first.
    """
    incident_id = incident_id or new_id()
    data = {
        "id": incident_id,
        "source": "community",
        "incident_type": "nonfatal_shooting",
        "occurred_at": "2026-11-02T14:00:00+00:00",
        "district": district,
        "status": "new",
        "version": 1,
        **fields,
    }
    (result,) = api.results(record("incident", incident_id, 1, "org", data))
    assert result["status"] in ("applied", "duplicate"), result
    return incident_id


def notification(district: str = "011", notification_id: str | None = None, **fields: Any) -> dict[str, Any]:
    beat = {"011": "1131", "010": "1012", "007": "0711", "012": "1215", "001": "0111"}.get(district)
    if "occurred_at" in fields and "cpd_notified_at" not in fields:
        # CPD is notified after the incident (the hub refuses otherwise): five minutes after.
        try:
            occurred = datetime.fromisoformat(fields["occurred_at"])
            fields["cpd_notified_at"] = (occurred + timedelta(minutes=5)).isoformat()
        except (ValueError, OverflowError):
            pass  # a hostile time: the test is about that time, keep the default
    return {
        "id": notification_id or new_id(),
        "rd_number": "JA123456",
        "incident_type": "nonfatal_shooting",
        "occurred_at": "2026-11-02T14:00:00+00:00",
        "cpd_notified_at": "2026-11-02T14:05:00+00:00",
        "district": district,
        "beat": beat,
        "community_area": 25,
        "location_type": "street",
        "victims_total": 1,
        "victims_fatal": 0,
        "victims_nonfatal": 1,
        "victim_age_bands": ["18_24"],
        **fields,
    }


def response_record(
    incident: dict[str, Any], actions: list[dict[str, Any]], record_id: str | None = None, version: int = 1
) -> dict[str, Any]:
    """A CPD response_record for a notification dict (as posted by CPD) and S-only actions."""
    inc = {
        "id": incident["id"],
        "source": "cpd",
        "rd_number": incident.get("rd_number"),
        "incident_type": incident["incident_type"],
        "occurred_at": incident["occurred_at"],
        "cpd_notified_at": incident.get("cpd_notified_at"),
        "org_received_at": incident.get("org_received_at"),
        "district": incident["district"],
        "beat": incident.get("beat"),
        "community_area": incident.get("community_area"),
        "location_type": incident.get("location_type"),
        "victims_total": incident.get("victims_total"),
        "victims_fatal": incident.get("victims_fatal"),
        "victims_nonfatal": incident.get("victims_nonfatal"),
        "victim_age_bands": incident.get("victim_age_bands"),
    }
    data = {
        "incident": inc,
        "actions": actions,
        "referrals": [{"category": "medical", "status": "made"}],
        "themes": ["interpersonal_dispute"],
        "followups": {"scheduled": 1, "done_on_time": 1},
    }
    return record("response_record", record_id or new_id(), version, "cpd", data)


def cpd_action(action_type: str, started_at: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "action_type": action_type,
        "started_at": started_at,
        "ended_at": None,
        "staff_count": 2,
        "outcome": "completed",
        "mediation_result": None,
        "retaliation_risk": None,
        "device_recorded_at": started_at,
    }


# The hub's own tables: tests/hub_tables.py.


def stored(target: Target, record_id: str) -> int:
    """How many versions of the record `record_id` the hub holds, in every organisation."""
    return int(hub_value(target, "SELECT COUNT(*) FROM records WHERE id = ?", (record_id,)))


@dataclass
class HubEnv:
    server: HubServer
    db: Target
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def api(self, name: str | None) -> Api:
        return Api(self.url, self.tokens[name] if name else None)


def seed(db: Target) -> dict[str, str]:
    """`north` covers districts 011 and 010, `south` 011 and 007, `east` 012; a token per role."""
    for org, name, districts in (
        ("north", "North Side Peace", ["011", "010"]),
        ("south", "South Side Safe", ["011", "007"]),
        ("east", "East Outreach", ["012"]),
    ):
        admin.create_org(db, org, name)
        for district in districts:
            admin.add_coverage(db, org, district)
    return {
        "cpd": admin.create_token(db, "cpd", label="cpd integration"),
        "admin": admin.create_token(db, "admin"),
        "north_staff": admin.create_token(db, "staff", org_id="north", staff_id="n1"),
        "north_staff2": admin.create_token(db, "staff", org_id="north", staff_id="n2"),
        "north_sup": admin.create_token(db, "supervisor", org_id="north", staff_id="ns"),
        "south_staff": admin.create_token(db, "staff", org_id="south", staff_id="s1"),
        "south_sup": admin.create_token(db, "supervisor", org_id="south", staff_id="ss"),
        "east_staff": admin.create_token(db, "staff", org_id="east", staff_id="e1"),
    }
