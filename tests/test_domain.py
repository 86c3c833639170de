"""Validation: every refusal names the field and the reason."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cvi_desktop.domain import IncidentFacts, Participant, ResponseAction, Review, rd_number
from cvi_desktop.errors import ValidationError

GOOD = {
    "source": "cpd",
    "incident_type": "nonfatal_shooting",
    "occurred_at": "2026-11-01T10:00:00-06:00",
    "district": "11",
    "beat": "1131",
    "rd_number": "ja123456",
    "victims_nonfatal": 2,
}


def test_good_incident_is_normalised() -> None:
    facts = IncidentFacts.from_input(GOOD)
    assert facts.district == "011"
    assert facts.rd_number == "JA123456"
    assert facts.occurred_at == datetime(2026, 11, 1, 16, 0, tzinfo=UTC)
    assert facts.victims_total == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rd_number": "IO123456"}, "rd_number"),  # I and O are never used
        ({"rd_number": "JA12345"}, "rd_number"),
        ({"district": "013"}, "district"),  # 013 does not exist
        ({"beat": "0711"}, "beat"),  # a district 007 beat, not 011
        ({"occurred_at": "2026-11-01T10:00:00"}, "occurred_at"),  # no time zone
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"incident_type": "stabbing"}, "incident_type"),
        ({"victims_total": 1}, "victims_total"),  # fewer than the 2 non-fatal
        ({"victims_fatal": -1}, "victims_fatal"),
        ({"community_area": 78}, "community_area"),
        ({"cpd_notified_at": "2026-11-01T09:00:00-06:00"}, "cpd_notified_at"),
        ({"latitude": 12.0}, "latitude"),
        ({"victim_age_bands": ["teen"]}, "victim_age_bands"),
    ],
)
def test_bad_incident_names_the_field(change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        IncidentFacts.from_input({**GOOD, **change})
    assert caught.value.field == field
    assert caught.value.reason


def test_rd_number_pattern() -> None:
    assert rd_number("HZ000001") == "HZ000001"
    for bad in ("QA123456", "AU123456", "A1234567", "JA1234567"):
        with pytest.raises(ValidationError):
            rd_number(bad)


def test_action_rules() -> None:
    base = {"incident_id": "x", "action_type": "hospital", "started_at": "2026-11-01T10:00:00+00:00"}
    assert ResponseAction.from_input(base).staff_count == 1
    with pytest.raises(ValidationError) as caught:
        ResponseAction.from_input({**base, "ended_at": "2026-11-01T09:00:00+00:00"})
    assert caught.value.field == "ended_at"
    with pytest.raises(ValidationError) as caught:
        ResponseAction.from_input({**base, "mediation_result": "resolved"})
    assert caught.value.field == "mediation_result"
    with pytest.raises(ValidationError) as caught:
        ResponseAction.from_input({**base, "staff_count": 0})
    assert caught.value.field == "staff_count"


def test_review_needs_a_comment_unless_approved() -> None:
    assert Review.from_input({"incident_id": "x", "state": "approved"}).comment == ""
    with pytest.raises(ValidationError) as caught:
        Review.from_input({"incident_id": "x", "state": "rejected"})
    assert caught.value.field == "comment"


def test_participant_phone() -> None:
    with pytest.raises(ValidationError) as caught:
        Participant.from_input({"first_name": "A", "phone": "call me"})
    assert caught.value.field == "phone"
