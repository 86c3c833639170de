"""`--demo`: a whole working loop on one laptop, for newcomers.

Starts the reference hub in-process on 127.0.0.1 with a demo organisation covering the demo
districts, seeds the demo profile (`cvi_desktop.demo.seed_demo`), tells the hub about the seeded
incidents as CPD would have, signs the app in (token in the keyring) and, every few minutes,
posts a fresh CPD notification so the bell rings. CPD's side is simulated in-process through the
hub's own service functions; the app itself only ever talks to the hub through `sync`.
"""

from __future__ import annotations

import random
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cvi_desktop.store import Store

DEMO_ORG = "demo-outreach"
DEMO_STAFF = "s-williams"
DISTRICTS = {
    "007": ("0711", "0722", "0735"),
    "011": ("1112", "1123", "1134"),
    "015": ("1511", "1522", "1533"),
}
RD_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"
TYPES = ("nonfatal_shooting", "nonfatal_shooting", "fatal_shooting", "shots_fired_no_injury")


@dataclass
class DemoHub:
    server: Any  # sync.hub.server.HubServer
    staff_token: str
    folder: Path

    @property
    def url(self) -> str:
        return str(self.server.url)

    def stop(self) -> None:
        self.server.stop()


def start_hub(folder: Path | None = None) -> DemoHub:
    from sync.hub import admin
    from sync.hub.server import HubServer

    folder = folder or Path(tempfile.mkdtemp(prefix="cvi-demo-hub-"))
    db = folder / "hub.sqlite3"
    admin.create_org(db, DEMO_ORG, "Demo Outreach Collective")
    for district in DISTRICTS:
        admin.add_coverage(db, DEMO_ORG, district)
    token = admin.create_token(db, "supervisor", org_id=DEMO_ORG, staff_id=DEMO_STAFF, label="demo laptop")
    server = HubServer(db).start()
    return DemoHub(server, token, folder)


def notification(rng: random.Random, now: datetime, incident_id: str | None = None) -> dict[str, Any]:
    district = rng.choice(sorted(DISTRICTS))
    kind = rng.choice(TYPES)
    fatal = 1 if kind == "fatal_shooting" else 0
    nonfatal = rng.randint(1, 2) if kind == "nonfatal_shooting" else 0
    occurred = now - timedelta(minutes=rng.randint(8, 25))
    return {
        "id": incident_id or str(uuid.uuid4()),
        "rd_number": rng.choice(RD_LETTERS) + rng.choice(RD_LETTERS) + f"{rng.randint(0, 999999):06d}",
        "incident_type": kind,
        "occurred_at": occurred.isoformat(),
        "cpd_notified_at": (occurred + timedelta(minutes=4)).isoformat(),
        "district": district,
        "beat": rng.choice(DISTRICTS[district]),
        "location_type": rng.choice(("street", "residence", "vehicle", "park")),
        "victims_total": fatal + nonfatal,
        "victims_fatal": fatal,
        "victims_nonfatal": nonfatal,
        "victim_age_bands": ["18_24"],
    }


def post_notification(hub: Any, body: dict[str, Any], now: datetime | None = None) -> str:
    """CPD posts a notification (in-process, as the hub's own route does), and long-polls wake."""
    from sync.hub import service
    from sync.protocol import Notification

    state = hub.app.state
    service.post_notification(state.db, Notification.model_validate(body), now or datetime.now(UTC))
    state.notifier.bump()
    return str(body["id"])


def seed_profile(store: Store, hub: DemoHub | None, now: datetime) -> int:
    """Seed the demo store (writer thread) and register its incidents on the hub as CPD's."""
    from cvi_desktop import queries
    from cvi_desktop.demo import seed_demo
    from cvi_desktop.services import incidents

    summary = seed_demo(store, now=now)
    if hub is not None:
        every = queries.IncidentFilter()
        for row in queries.incident_page(store, every, limit=queries.incident_count(store, every)):
            facts = incidents.get(store, row["id"])
            body = {
                k: facts[k]
                for k in (
                    "id",
                    "rd_number",
                    "incident_type",
                    "occurred_at",
                    "cpd_notified_at",
                    "district",
                    "beat",
                    "community_area",
                    "location_type",
                    "block",
                    "victims_total",
                    "victims_fatal",
                    "victims_nonfatal",
                )
            }
            body["victim_age_bands"] = __import__("json").loads(facts["victim_age_bands"])
            try:
                post_notification(hub.server, {k: v for k, v in body.items() if v is not None}, now)
            except Exception:  # noqa: BLE001 - a demo incident the hub refuses just stays local
                pass
    return summary.incidents
