"""The demo is a team: simulated teammates' work reaches the supervisor's laptop by sync.

A real hub on 127.0.0.1, four headless teammate laptops (`sync.demo_team.DemoTeam`) back-fill a
month through it, and a fresh supervisor laptop (its own encrypted store, engine and token, as
the demo profile is) pulls it. No Qt here: this is what `make run` builds before its window.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cvi_desktop import queries
from cvi_desktop.clock import system_clock
from cvi_desktop.services import casework, incidents, people, responses, reviews, settings
from sync.demo_team import SUPERVISOR, WORKERS, DemoTeam, Laptop, open_laptop, start_demo_hub


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[dict[str, Any]]:
    started = time.monotonic()
    server, org = start_demo_hub(tmp_path / "hub")
    team = DemoTeam(server, org, tmp_path / "hub", seed=7)
    sup: Laptop | None = None
    try:
        made = team.back_fill(datetime.now(UTC))
        sup = open_laptop(tmp_path / "supervisor", server.url, SUPERVISOR, org.supervisor_token,
                          system_clock)
        yield {"server": server, "team": team, "made": made, "sup": sup}
    finally:
        if sup is not None:
            sup.close()
        team.close()
        server.stop()
    assert time.monotonic() - started < 20, "the demo team must be quick to start"


def every_incident(store: Any) -> list[dict[str, Any]]:
    everything = queries.IncidentFilter()
    return queries.incident_page(store, everything, limit=queries.incident_count(store, everything))


def test_first_sync_pulls_the_teams_history_and_nothing_private(demo: dict[str, Any]) -> None:
    sup, made = demo["sup"], demo["made"]
    assert demo["server"].url.startswith("http://127.0.0.1:")
    assert sup.store.actor == SUPERVISOR
    report = sup.sync()
    assert report.ok, report.error
    assert settings.identity(sup.store)["role"] == "supervisor"
    assert {s["id"] for s in people.active_staff(sup.store)} == {SUPERVISOR, *WORKERS}

    rows = every_incident(sup.store)
    assert len(rows) == made.incidents >= 40
    actions = [a for row in rows for a in responses.for_incident(sup.store, row["id"])]
    assert len(actions) == made.actions > 0
    assert {a["recorded_by"] for a in actions} <= set(WORKERS)
    assert len({a["recorded_by"] for a in actions}) >= 3  # several teammates, not one laptop
    assert {a["origin"] for a in actions} == {"team"}
    assert {a["risk_basis"] for a in actions} == {""}  # share class L never left their laptops
    assert any(a["action_type"] == "mediation" and a["mediation_result"] for a in actions)
    referrals = [r for row in rows for r in casework.referrals_for(sup.store, row["id"])]
    followups = [f for row in rows for f in casework.followups_for(sup.store, row["id"])]
    assert len(referrals) == made.referrals and len(followups) == made.followups
    assert {r["recorded_by"] for r in referrals + followups} <= set(WORKERS)
    assert all(r["participant_id"] is None for r in referrals + followups)
    # No teammate's people or notes, though every teammate keeps some on their own laptop.
    assert all(not people.participants_for(sup.store, row["id"]) for row in rows)
    assert all(not people.notes_for(sup.store, row["id"]) for row in rows)
    ortiz = demo["team"].laptops["w-ortiz"].store
    assert any(people.notes_for(ortiz, row["id"]) for row in every_incident(ortiz))

    # A realistic month: most of it reviewed (on Renee's office desktop), the recent days waiting.
    reviewed = [row for row in rows if reviews.history(sup.store, row["id"])]
    assert len(reviewed) >= len(rows) // 2
    assert {r["reviewer"] for row in reviewed for r in reviews.history(sup.store, row["id"])} == {SUPERVISOR}
    assert any(row["status"] == "closed" for row in rows)
    queue = queries.review_queue(sup.store)
    assert queue and {q["reason"] for q in queue} <= {"new", "resubmitted", "changed_since_approval"}
    # One fresh incident is Luis's and not yet answered; the newest is nobody's yet.
    fresh = sorted(rows, key=lambda r: r["org_received_at"])[-2:]
    assert [r["assignee"] for r in fresh] == ["w-ortiz", None]
    assert all(not responses.for_incident(sup.store, r["id"]) for r in fresh)


def test_has_issues_is_corrected_by_the_teammate_and_a_fresh_incident_is_answered(
        demo: dict[str, Any]) -> None:
    sup, team = demo["sup"], demo["team"]
    assert sup.sync().ok
    item = next(q for q in queries.review_queue(sup.store) if q["reason"] == "new")
    incident = item["incident_id"]
    [first, *_] = responses.for_incident(sup.store, incident)
    author = first["recorded_by"]
    reviews.review(sup.store, {"incident_id": incident, "state": "has_issues",
                               "comment": "Add when the visit ended."})
    assert sup.sync().ok
    assert all(q["incident_id"] != incident for q in queries.review_queue(sup.store))

    # One step later (the teammate answers within a minute of the review), it is back.
    done = team.step(datetime.now(UTC) + timedelta(minutes=2))
    assert f"{author} corrected their response on {incident}" in done
    assert sup.sync().ok
    corrected = responses.get(sup.store, first["id"])
    assert corrected["version"] == 2 and corrected["recorded_by"] == author
    assert reviews.status(sup.store, incident)["state"] == "waiting"
    assert [q["reason"] for q in queries.review_queue(sup.store) if q["incident_id"] == incident] == [
        "resubmitted"]

    # The fresh incident assigned to Luis gets his response; the newest is taken and answered.
    fresh = sorted(every_incident(sup.store), key=lambda r: r["org_received_at"])[-2:]
    team.step(datetime.now(UTC) + timedelta(minutes=4))
    assert sup.sync().ok
    answered = [responses.for_incident(sup.store, r["id"]) for r in fresh]
    assert [a[0]["recorded_by"] for a in answered][0] == "w-ortiz"
    assert all(a and a[0]["origin"] == "team" for a in answered)
    assert incidents.get(sup.store, fresh[1]["id"])["assignee"] in WORKERS
