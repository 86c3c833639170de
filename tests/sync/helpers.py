"""Device-side data with private canaries, and the invariants I1–I5 of sync.md checked against the
hub's own database (a SQLite file or a PostgreSQL database, read through the hub's
`open_database`, so the same checks hold on both engines).

Canaries are planted in every share-class-L field (participant names, phones, handles,
addresses, notes, coordinates, risk basis); I4 scans every byte the proxy saw (and the hub file)
for them.
"""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from cvi_desktop import outbox
from cvi_desktop.services import casework, incidents, people, responses, reviews
from cvi_desktop.store import Store
from sync.engine.core import CURSOR_KEY, EPOCH_KEY
from tests.hub_tables import Target, forget, hub_sql, hub_value  # noqa: F401 - re-exported

ENGINES = ("sqlite", "postgresql")

CANARY = "Zq9Canary"
LAT, LON = "41.8765432", "-87.6543219"  # coordinates that must never leave the device
CANARIES = [
    f"{CANARY}First", f"{CANARY}Last", "773-555-0199", f"{CANARY}Handle", f"{CANARY}Address",
    f"{CANARY}NoteBody", f"{CANARY}RiskBasis", LAT, LON,
]


def datetime_start() -> Any:
    from datetime import UTC, datetime
    return datetime(2026, 11, 1, 18, 0, tzinfo=UTC)


def new_incident(store: Store, *, canary: bool = True) -> str:
    incident_id = incidents.record_incident(store, {
        "source": "community", "incident_type": "nonfatal_shooting",
        "occurred_at": store.now().isoformat(), "district": "011", "beat": "1131",
        "community_area": 26, "location_type": "street", "block": "4000 W Madison",
        "latitude": LAT if canary else None, "longitude": LON if canary else None,
        "victims_nonfatal": 1,
    })
    if canary:
        person = people.add_participant(store, {
            "incident_id": incident_id, "first_name": f"{CANARY}First", "last_name": f"{CANARY}Last",
            "phone": "773-555-0199", "handle": f"{CANARY}Handle", "address": f"{CANARY}Address",
        })
        people.add_note(store, {"incident_id": incident_id, "participant_id": person,
                                "body": f"{CANARY}NoteBody"})
    return incident_id


def log_action(store: Store, incident_id: str, *, staff: str = "sup1", canary: bool = True) -> str:
    return responses.log_action(store, {
        "incident_id": incident_id, "action_type": "hospital",
        "started_at": store.now().isoformat(), "outcome": "completed", "staff_ids": [staff],
        "retaliation_risk": "medium", "risk_basis": f"{CANARY}RiskBasis" if canary else "",
    })


def seed(store: Store, incidents_n: int = 2, actions_per: int = 3) -> list[str]:
    """Incidents with actions, a referral and follow-up each, one approved review: every kind."""
    people.add_staff(store, {"id": "sup1", "display_name": "Sup", "role": "supervisor"})
    made = []
    for n in range(incidents_n):
        incident_id = new_incident(store)
        for _ in range(actions_per):
            log_action(store, incident_id)
        ref = casework.add_referral(store, {"incident_id": incident_id, "category": "medical",
                                            "provider": "Stroger"})
        casework.update_referral(store, ref, status="connected")
        casework.schedule_followup(store, {"incident_id": incident_id, "due_at": store.now().isoformat(),
                                           "kind": "call"})
        if n == 0:
            reviews.review(store, {"incident_id": incident_id, "state": "approved"})
        made.append(incident_id)
    return made


def notify(hub_url: str, cpd_token: str, *, district: str = "011", incident_id: str | None = None) -> str:
    """CPD posts a notification to the hub (straight, not through the proxy)."""
    incident_id = incident_id or str(uuid.uuid4())
    response = requests.post(f"{hub_url}/v1/cpd/notifications", timeout=10,
                             headers={"Authorization": f"Bearer {cpd_token}"},
                             json={"id": incident_id, "incident_type": "nonfatal_shooting",
                                   "occurred_at": "2026-11-01T17:00:00+00:00", "district": district,
                                   "beat": "1131", "victims_nonfatal": 1})
    assert response.status_code in (200, 201), response.text
    return incident_id


def hub_assign(hub_url: str, token: str, incident_id: str, assignee: str) -> int:
    response = requests.post(f"{hub_url}/v1/incidents/{incident_id}/assign", timeout=10,
                             headers={"Authorization": f"Bearer {token}"}, json={"assignee": assignee})
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


RECORD_COLUMNS = ("org_id", "audience", "kind", "id", "version", "base_version", "sha256", "data",
                  "origin", "token_id", "flag", "server_received_at", "author")


# --- invariants --------------------------------------------------------------------------------


def hub_rows(hub_db: Target, org: str) -> list[dict[str, Any]]:
    """Every record version the hub stores for `org`, by column name."""
    rows = hub_sql(hub_db, f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE org_id = ?", (org,))
    return [dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows]


def check_i1_no_loss(store: Store, hub_db: Target, org: str,
                     expect_quarantined: set[str] = frozenset(),
                     allow_older_quarantined: set[str] = frozenset()) -> None:
    """The hub holds every local record at its latest version (same hash), except exactly the
    expected quarantined ones, which are still local."""
    on_hub = {(r["audience"], r["kind"], r["id"], r["version"]): r["sha256"] for r in hub_rows(hub_db, org)}
    latest = store.rows(
        "SELECT o.* FROM outbox o WHERE o.version = (SELECT max(version) FROM outbox i WHERE "
        "i.audience = o.audience AND i.kind = o.kind AND i.record_id = o.record_id)")
    missing = []
    for row in latest:
        key = (row["audience"], row["kind"], row["record_id"], row["version"])
        if row["record_id"] in expect_quarantined:
            assert row["state"] == outbox.OutboxState.QUARANTINED, row
            continue
        if on_hub.get(key) != row["sha256"]:
            missing.append((key, row["state"], row["last_error"]))
    assert not missing, f"I1: not on the hub at their latest version: {missing[:5]}"
    quarantined = {r["record_id"] for r in outbox.quarantined(store)}
    assert set(expect_quarantined) <= quarantined <= set(expect_quarantined) | set(allow_older_quarantined), \
        f"I1: unexpected quarantine {quarantined}"


def check_i2_no_duplicates(hub_db: Target) -> None:
    dup = hub_sql(hub_db, "SELECT org_id, audience, kind, id, version, count(*) FROM records "
                          "GROUP BY org_id, audience, kind, id, version HAVING count(*) > 1")
    twice = hub_sql(hub_db, "SELECT record_rowid, count(*) FROM changes GROUP BY record_rowid"
                            " HAVING count(*) > 1")
    assert not dup, f"I2: duplicate keys on the hub {dup[:5]}"
    assert not twice, f"I2: side effect (change) counted twice {twice[:5]}"


def check_i3_drained(store: Store) -> None:
    counts = outbox.counts(store)
    assert counts["pending"] == 0 and counts["sending"] == 0, f"I3: queue not drained {counts}"


def check_i4_private(*blobs: bytes | bytearray) -> None:
    for blob in blobs:
        for canary in CANARIES:
            assert canary.encode() not in blob, f"I4: private value {canary!r} left the device"


def check_i4_hub_file(hub: Any) -> None:
    """No private value anywhere in what the hub stores: every byte of its SQLite file (and its
    -wal/-shm), or a full `pg_dump` of its PostgreSQL database."""
    if hub.pg is None:
        path = Path(hub.db)
        files = list(path.parent.glob(path.name + "*"))
        assert path in files
        for each in files:
            check_i4_private(each.read_bytes())
        return
    dump = subprocess.run([hub.pg.bin("pg_dump"), "--dbname", str(hub.db)], check=True,
                          capture_output=True, timeout=60).stdout
    assert b"records" in dump, dump[:500]  # the dump really holds the hub's tables
    check_i4_private(dump)


def cursor_seq(cursor: str | None) -> int:
    """Test-only peek into the hub's opaque cursor, to prove it never goes backwards: the
    organisation's own position, from the readable body before the MAC
    ("2:<epoch>:<generation>:<position>:<org>", see sync/hub/service.py)."""
    if not cursor:
        return 0
    text = cursor.split(".", 1)[0]
    body = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    return int(body.split(":", 4)[3])


@dataclass
class Monotonic:
    """I5: local state never goes backwards, checked at each `check()` against the last one."""

    store: Store
    cursor: int = 0
    epoch: str | None = None
    acked: set[int] = field(default_factory=set)
    outbox_rows: int = 0
    domain_rows: dict[str, int] = field(default_factory=dict)

    def check(self) -> None:
        state = dict((r["key"], r["value"]) for r in self.store.rows("SELECT key, value FROM sync_state"))
        epoch = state.get(EPOCH_KEY)
        cursor = cursor_seq(state.get(CURSOR_KEY))
        acked = {r["seq"] for r in self.store.rows("SELECT seq FROM outbox WHERE state = 'acknowledged'")}
        same_epoch = self.epoch is None or epoch == self.epoch
        if same_epoch:
            # A 410 re-pull may drop the cursor (0) and climb again; otherwise it only rises.
            assert cursor >= self.cursor or cursor == 0 or CURSOR_KEY not in state, \
                f"I5: cursor went back {self.cursor} -> {cursor}"
            assert self.acked <= acked, f"I5: acknowledgement lost {sorted(self.acked - acked)[:5]}"
        rows = self.store.scalar("SELECT count(*) FROM outbox")
        assert rows >= self.outbox_rows, "I5: outbox rows deleted"
        for table in ("incidents", "response_actions", "referrals", "followups", "participants", "notes"):
            n = self.store.scalar(f"SELECT count(*) FROM {table}")
            assert n >= self.domain_rows.get(table, 0), f"I5: rows deleted from {table}"
            self.domain_rows[table] = n
        self.cursor, self.epoch, self.acked, self.outbox_rows = cursor, epoch, acked, rows


def payload_json(store: Store, seq: int) -> dict[str, Any]:
    return json.loads(store.scalar("SELECT payload FROM outbox WHERE seq = ?", [seq]))


def drain(device: Any, passes: int = 6) -> Any:
    """Sync until the queue is empty, moving the manual clock past any retry time; bounded."""
    report = None
    for _ in range(passes):
        report = device.sync()
        counts = outbox.counts(device.store)
        if report.ok and counts["pending"] == 0 and counts["sending"] == 0:
            return report
        device.clock.advance(minutes=16)
    raise AssertionError(f"queue did not drain: {outbox.counts(device.store)}, last {report}")


def check_all(device: Any, hub: Any, team: Any, proxy: Any, mono: Monotonic | None = None,
              expect_quarantined: set[str] = frozenset()) -> None:
    check_i1_no_loss(device.store, hub.db, team.org, set(expect_quarantined))
    check_i2_no_duplicates(hub.db)
    check_i3_drained(device.store)
    check_i4_private(proxy.sent, proxy.received)
    if mono is not None:
        mono.check()


def tamper(store: Store, seq: int, change: Any) -> None:
    """Test-only: rewrite a frozen payload (and its hash/size, as a buggy device would)."""
    from cvi_desktop.sharing import canonical_json, content_hash
    payload = payload_json(store, seq)
    change(payload)
    text = canonical_json(payload)
    with store.write() as db:
        db.execute("UPDATE outbox SET payload = ?, sha256 = ?, size = ? WHERE seq = ?",
                   [text, content_hash(text), len(text.encode()), seq])


def bulk_actions(store: Store, incident_id: str, n: int) -> None:
    """n response actions with their outbox rows in one transaction (fast backlog seeding),
    built exactly as `responses.log_action` builds them, canary in risk_basis included."""
    from cvi_desktop.clock import to_db
    from cvi_desktop.domain import new_id
    from cvi_desktop.sharing import Audience, RecordKind, org_action
    now = to_db(store.now())
    with store.write() as db:
        for _ in range(n):
            row = {"id": new_id(), "incident_id": incident_id, "action_type": "canvass_rumor_control",
                   "started_at": now, "ended_at": None, "staff_count": 2, "staff_ids": '["sup1"]',
                   "outcome": "completed", "mediation_result": None, "retaliation_risk": "low",
                   "risk_basis": f"{CANARY}RiskBasis", "device_recorded_at": now, "recorded_by": "sup1"}
            marks = ", ".join("?" * len(row))
            db.execute(f"INSERT INTO response_actions ({', '.join(row)}) VALUES ({marks})",
                       list(row.values()))
            outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.RESPONSE_ACTION, row["id"], 1,
                           org_action(row))
