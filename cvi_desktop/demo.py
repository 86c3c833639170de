"""The demo team's people, and a standalone demo dataset for `cvi-desktop demo`.

`DEMO_STAFF` is the demo organisation's staff list: the supervisor Renee Williams and her four
workers. `make run` (the desktop's `--demo`) puts them on the demo hub and simulates the workers
as laptops of their own (`sync.demo_team`), so their work reaches the demo laptop by sync.

`seed_demo` is for the CLI's offline, hub-less demo profile only: a small team covering three
districts, a month of notifications, responses, referrals, follow-ups, a few private notes, and
reviews in every state, all on one laptop. Everything goes through the same services a worker
uses, so it also fills the outbox exactly as real work would. Names in the demo are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .domain import ActionType, AgeBand, IncidentType, LocationType, ReferralCategory, ThemeTag
from .services import casework, incidents, people, responses, reviews
from .store.database import Store
from .vocab import FINAL_OUTCOMES

DEMO_STAFF = (
    ("w-ortiz", "Luis Ortiz", "worker"),
    ("w-jackson", "Dana Jackson", "worker"),
    ("w-price", "Terrell Price", "worker"),
    ("w-nguyen", "Mai Nguyen", "worker"),
    ("s-williams", "Renee Williams", "supervisor"),
)
DEMO_DISTRICTS = {
    "007": ("0711", "0722", "0735"),
    "011": ("1112", "1123", "1134"),
    "015": ("1511", "1522", "1533"),
}
BLOCKS = (
    "5900 S HALSTED ST",
    "3900 W MADISON ST",
    "500 N CICERO AVE",
    "6300 S ASHLAND AVE",
    "1100 N PULASKI RD",
    "200 S CENTRAL AVE",
)
FIRST_NAMES = ("Jordan", "Marcus", "Keisha", "Andre", "Tanya", "Darnell", "Rosa", "Jamal")
RD_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"


@dataclass(frozen=True)
class DemoSummary:
    staff: int
    incidents: int
    actions: int
    referrals: int
    followups: int
    reviews: int


def seed_demo(
    store: Store, *, now: datetime, days: int = 30, per_day: float = 1.5, seed: int = 2023
) -> DemoSummary:
    rng = random.Random(seed)
    for staff_id, name, role in DEMO_STAFF:
        people.add_staff(store, {"id": staff_id, "display_name": name, "role": role})
    workers = [s[0] for s in DEMO_STAFF if s[2] == "worker"]
    counts = dict(incidents=0, actions=0, referrals=0, followups=0, reviews=0)
    total = int(days * per_day)
    for n in range(total):
        occurred = now - timedelta(days=days) + timedelta(minutes=rng.randint(0, days * 1440 - 240))
        notified = occurred + timedelta(minutes=rng.randint(5, 60))
        received = notified + timedelta(minutes=rng.randint(1, 20))
        district_code = rng.choice(sorted(DEMO_DISTRICTS))
        kind = rng.choices(list(IncidentType), weights=(15, 60, 5, 15, 5))[0]
        fatal = 1 if kind is IncidentType.FATAL_SHOOTING else 0
        nonfatal = rng.randint(1, 3) if kind is IncidentType.NONFATAL_SHOOTING else 0
        incident_id = incidents.record_incident(
            store,
            {
                "source": "cpd",
                "rd_number": rng.choice(RD_LETTERS)
                + rng.choice(RD_LETTERS)
                + f"{rng.randint(0, 999999):06d}",
                "incident_type": kind,
                "occurred_at": occurred,
                "cpd_notified_at": notified,
                "org_received_at": received,
                "district": district_code,
                "beat": rng.choice(DEMO_DISTRICTS[district_code]),
                "community_area": rng.randint(1, 77),
                "location_type": rng.choice(list(LocationType)),
                "block": rng.choice(BLOCKS),
                "latitude": round(41.75 + rng.random() * 0.2, 6),
                "longitude": round(-87.75 + rng.random() * 0.1, 6),
                "victims_fatal": fatal,
                "victims_nonfatal": nonfatal,
                "victim_age_bands": rng.sample(
                    [a.value for a in AgeBand][:5], k=max(1, fatal + nonfatal) % 3 or 1
                ),
            },
            themes=rng.sample([t.value for t in ThemeTag], k=rng.randint(0, 2)),
        )
        counts["incidents"] += 1
        age_hours = (now - received).total_seconds() / 3600
        if age_hours < 6 and n % 2 == 0:
            continue  # a few fresh notifications nobody has picked up yet
        worker = rng.choice(workers)
        incidents.assign(store, incident_id, worker)
        if rng.random() < 0.08:
            incidents.set_status(store, incident_id, "no_response")
            continue
        first = received + timedelta(minutes=rng.randint(10, 120))
        plan = [rng.choice((ActionType.SCENE, ActionType.HOSPITAL)), ActionType.FAMILY_ENGAGEMENT]
        if rng.random() < 0.4:
            plan.append(ActionType.MEDIATION)
        started = first
        for action_type in plan:
            if started > now:
                break
            responses.log_action(
                store,
                {
                    "incident_id": incident_id,
                    "action_type": action_type,
                    "started_at": started,
                    "ended_at": started + timedelta(minutes=rng.randint(20, 90)),
                    "outcome": rng.choices(FINAL_OUTCOMES, weights=(70, 10, 5, 5, 2, 4, 4))[0],
                    "staff_ids": [worker],
                    "staff_count": rng.randint(1, 3),
                    "mediation_result": rng.choice(("resolved", "ongoing"))
                    if action_type is ActionType.MEDIATION
                    else None,
                    "retaliation_risk": rng.choice(("low", "medium", "high")),
                    "risk_basis": "Heard from family that cousins are talking about it.",
                },
            )
            counts["actions"] += 1
            started += timedelta(hours=rng.randint(2, 30))
        person = people.add_participant(
            store,
            {
                "incident_id": incident_id,
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": "Demo",
                "phone": f"312-555-{rng.randint(0, 9999):04d}",
                "consent": True,
            },
        )
        people.add_note(
            store,
            {
                "incident_id": incident_id,
                "participant_id": person,
                "body": "Met the family at the hospital; mother asked for help with "
                "funeral costs. Brother is angry — check in tomorrow.",
            },
        )
        if rng.random() < 0.6:
            casework.add_referral(
                store,
                {
                    "incident_id": incident_id,
                    "participant_id": person,
                    "category": rng.choice(list(ReferralCategory)),
                    "provider": "Demo Family Services",
                },
            )
            counts["referrals"] += 1
        followup = casework.schedule_followup(
            store,
            {
                "incident_id": incident_id,
                "participant_id": person,
                "assignee": worker,
                "due_at": first + timedelta(days=rng.randint(1, 10)),
                "kind": "call",
            },
        )
        counts["followups"] += 1
        if rng.random() < 0.5 and first + timedelta(days=2) < now:
            casework.complete_followup(
                store, followup, result="Reached mother; stable.", done_at=first + timedelta(days=1)
            )
        if age_hours > 48:
            state = rng.choices(("approved", "has_issues", "rejected"), weights=(80, 15, 5))[0]
            reviews.review(
                store,
                {
                    "incident_id": incident_id,
                    "state": state,
                    "comment": "" if state == "approved" else "Add the hospital visit end time.",
                },
            )
            counts["reviews"] += 1
            if state == "approved":
                incidents.set_status(store, incident_id, "closed")
    return DemoSummary(staff=len(DEMO_STAFF), **counts)
