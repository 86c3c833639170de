"""Privacy by construction: random records full of private data, run through every service,
and not one private value reaches any outbox payload. CPD payloads also carry no
organisation-internal value (staff ids, providers, assignees, review comments)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvi_desktop import sharing
from cvi_desktop.services import casework, incidents, people, responses, reviews
from cvi_desktop.services import settings as profile_settings
from cvi_desktop.store import Store
from tests.conftest import TEST_KEY


def canary(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=10**8 - 1).map(lambda n: f"{prefix}{n:08d}")


lat = st.floats(min_value=41.7, max_value=42.0).map(lambda v: round(v, 7))
lon = st.floats(min_value=-87.9, max_value=-87.55).map(lambda v: round(v, 7))
when = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 10, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(canary("NAME"), min_size=4, max_size=4, unique=True),
    private=st.lists(canary("PRIV"), min_size=5, max_size=5, unique=True),
    org_only=st.lists(canary("ORGX"), min_size=3, max_size=3, unique=True),
    latitude=lat,
    longitude=lon,
    occurred=when,
    action_types=st.lists(
        st.sampled_from(["scene", "hospital", "family_engagement", "mediation", "other"]),
        min_size=1,
        max_size=4,
    ),
    share_block=st.booleans(),
)
def test_no_private_value_ever_reaches_a_payload(
    store_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    names: list[str],
    private: list[str],
    org_only: list[str],
    latitude: float,
    longitude: float,
    occurred: datetime,
    action_types: list[str],
    share_block: bool,
) -> None:
    path = tmp_path_factory.mktemp("privacy") / "cvi.db"
    shutil.copy(store_template, path)
    with Store(path, TEST_KEY) as store:
        _check_one_history(
            store, names, private, org_only, latitude, longitude, occurred, action_types, share_block
        )


def _keys_and_numbers(value: object) -> tuple[set[str], set[float]]:
    """Every key and every number anywhere in a parsed JSON value."""
    keys: set[str] = set()
    numbers: set[float] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            keys.update(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            numbers.add(float(item))
    return keys, numbers


def _check_one_history(
    store: Store,
    names: list[str],
    private: list[str],
    org_only: list[str],
    latitude: float,
    longitude: float,
    occurred: datetime,
    action_types: list[str],
    share_block: bool,
) -> None:
    profile_settings.set_agreement(store, sharing.Agreement(share_block=share_block))
    staff_id = f"S{org_only[0]}"
    people.add_staff(store, {"id": staff_id, "display_name": names[0]})
    incident_id = incidents.record_incident(
        store,
        {
            "source": "self",
            "incident_type": "nonfatal_shooting",
            "district": "011",
            "occurred_at": occurred,
            "latitude": latitude,
            "longitude": longitude,
            "block": "4000 W MADISON ST",
            "victims_nonfatal": 1,
        },
    )
    incidents.assign(store, incident_id, staff_id)
    phone = "773" + private[0][-7:]
    person = people.add_participant(
        store,
        {
            "incident_id": incident_id,
            "first_name": names[1],
            "last_name": names[2],
            "phone": phone,
            "handle": private[1],
            "address": private[2],
        },
    )
    people.add_note(store, {"incident_id": incident_id, "participant_id": person, "body": private[3]})
    for offset, action_type in enumerate(action_types):
        responses.log_action(
            store,
            {
                "incident_id": incident_id,
                "action_type": action_type,
                "started_at": occurred + timedelta(hours=offset + 1),
                "staff_ids": [staff_id],
                "retaliation_risk": "high",
                "risk_basis": private[4],
            },
        )
    referral = casework.add_referral(
        store,
        {"incident_id": incident_id, "category": "legal", "provider": org_only[1], "participant_id": person},
    )
    casework.update_referral(store, referral, status="connected")
    followup = casework.schedule_followup(
        store, {"incident_id": incident_id, "assignee": staff_id, "due_at": occurred + timedelta(days=2)}
    )
    casework.complete_followup(store, followup, result=org_only[2])
    reviews.review(store, {"incident_id": incident_id, "state": "has_issues", "comment": org_only[2]})
    reviews.review(store, {"incident_id": incident_id, "state": "approved"})

    payloads = store.rows("SELECT audience, payload FROM outbox")
    assert {p["audience"] for p in payloads} == {"org", "cpd"}
    local_only = [*names[1:], *private, phone]
    for row in payloads:
        for value in local_only:
            assert value not in row["payload"], (value, row["payload"])
        # The coordinates as values, not text: "41.7" is also in a time stamp "02:03:41.716".
        keys, numbers = _keys_and_numbers(json.loads(row["payload"]))
        assert not {"latitude", "longitude"} & keys, row["payload"]
        assert latitude not in numbers and longitude not in numbers, row["payload"]
    cpd = [p["payload"] for p in payloads if p["audience"] == "cpd"]
    assert len(cpd) == 1
    for value in [names[0], *org_only, staff_id]:
        assert value not in cpd[0]
    assert ("4000 W MADISON ST" in cpd[0]) is share_block


def test_cpd_payload_keys_are_exactly_the_allowlist(store: Store) -> None:
    incident_id = incidents.record_incident(
        store,
        {
            "source": "cpd",
            "incident_type": "fatal_shooting",
            "district": "007",
            "victims_fatal": 1,
            "occurred_at": "2026-10-01T10:00:00+00:00",
        },
    )
    responses.log_action(
        store, {"incident_id": incident_id, "action_type": "scene", "started_at": "2026-10-01T11:00:00+00:00"}
    )
    reviews.review(store, {"incident_id": incident_id, "state": "approved"})
    [row] = store.rows("SELECT payload FROM outbox WHERE audience = 'cpd'")
    data = json.loads(row["payload"])["data"]
    assert set(data) == {"incident", "actions", "referrals", "themes", "followups"}
    assert set(data["incident"]) == set(sharing.INCIDENT_S)
    assert all(set(a) == set(sharing.ACTION_S) for a in data["actions"])


def test_a_new_column_stays_on_the_device(store: Store) -> None:
    """A column added by a later migration is not shared until the allowlist names it."""
    store.conn.execute("ALTER TABLE response_actions ADD COLUMN worker_feelings TEXT DEFAULT 'CANARYNEWCOL'")
    incident_id = incidents.record_incident(
        store,
        {
            "source": "self",
            "incident_type": "other",
            "district": "015",
            "occurred_at": "2026-10-01T10:00:00Z",
        },
    )
    responses.log_action(
        store, {"incident_id": incident_id, "action_type": "scene", "started_at": "2026-10-01T11:00:00+00:00"}
    )
    reviews.review(store, {"incident_id": incident_id, "state": "approved"})
    assert store.scalar("SELECT count(*) FROM response_actions WHERE worker_feelings = 'CANARYNEWCOL'") == 1
    assert store.scalar("SELECT count(*) FROM outbox WHERE payload LIKE '%CANARYNEWCOL%'") == 0
