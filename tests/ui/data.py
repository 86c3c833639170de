"""Test data made through the core services, run on the session's writer thread."""

from __future__ import annotations

from datetime import timedelta

from cvi_desktop.services import incidents, people
from cvi_desktop.store import Store

RD = "ABCDEFGHJKLMNPRSTVWXYZ"


def seed_incidents(
    store: Store, n: int, district_cycle: tuple[str, ...] = ("011", "007", "015")
) -> list[str]:
    people.add_staff(store, {"id": "sup1", "display_name": "Renee Sup", "role": "supervisor"})
    people.add_staff(store, {"id": "w1", "display_name": "Luis Worker", "role": "worker"})
    made = []
    now = store.now()
    for i in range(n):
        district = district_cycle[i % len(district_cycle)]
        beat = district[1:] + "11"
        occurred = now - timedelta(hours=i + 1)
        made.append(
            incidents.record_incident(
                store,
                {
                    "source": "cpd",
                    "incident_type": "nonfatal_shooting" if i % 4 else "fatal_shooting",
                    "rd_number": f"{RD[i % 22]}{RD[(i // 22) % 22]}{i:06d}",
                    "occurred_at": occurred,
                    "org_received_at": occurred + timedelta(minutes=20),
                    "district": district,
                    "beat": beat,
                    "victims_nonfatal": 1 if i % 4 else 0,
                    "victims_fatal": 0 if i % 4 else 1,
                    "location_type": "street",
                    "block": f"{100 + i} W MADISON ST",
                },
            )
        )
    return made
