"""Ending a response logged as still going, and the history of its versions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cvi_desktop.errors import ValidationError
from cvi_desktop.services import audit, incidents, people, responses
from cvi_desktop.store import Store
from cvi_desktop.vocab import FINAL_OUTCOMES, Outcome
from tests.test_services import CPD_INCIDENT


@pytest.fixture
def action(store: Store) -> str:
    people.add_staff(store, {"id": "tester", "display_name": "Tess Tester"})
    incident_id = incidents.record_incident(store, CPD_INCIDENT)
    return responses.log_action(
        store,
        {"incident_id": incident_id, "action_type": "hospital", "started_at": store.now(),
         "outcome": "ongoing"},
    )


def test_ongoing_is_an_outcome_code_but_not_a_final_one():
    assert Outcome("ongoing") is Outcome.ONGOING
    assert Outcome.ONGOING not in FINAL_OUTCOMES and Outcome.COMPLETED in FINAL_OUTCOMES
    assert list(Outcome)[-1] is Outcome.ONGOING  # appended: the shipped codes keep their places


def test_a_still_going_response_is_ended_as_a_new_audited_version(store, clock, action):
    row = responses.get(store, action)
    assert responses.is_ongoing(row) and row["outcome"] == "ongoing" and row["ended_at"] is None
    clock.advance(minutes=45)
    assert responses.end_action(store, action, store.now(), "completed") == 2
    row = responses.get(store, action)
    assert not responses.is_ongoing(row) and row["outcome"] == "completed" and row["ended_at"]
    assert [e["action"] for e in audit.entries(store, action)] == ["end_action", "log_action"]
    # Ended once: a second end is refused (a correction changes it), as is a non-final outcome.
    with pytest.raises(ValidationError, match="already ended"):
        responses.end_action(store, action, store.now(), "partial")


def test_ending_refuses_an_ongoing_outcome_and_a_time_before_the_start(store, action):
    with pytest.raises(ValidationError, match="final outcome"):
        responses.end_action(store, action, store.now(), "ongoing")
    with pytest.raises(ValidationError, match="before started_at"):
        responses.end_action(store, action, store.now() - timedelta(hours=1), "completed")
    assert responses.get(store, action)["version"] == 1


def test_history_lists_every_version_with_what_it_said(store, clock, action):
    clock.advance(minutes=30)
    responses.end_action(store, action, store.now(), "partial")
    responses.correct_action(store, action, {"outcome": "completed", "staff_count": 2})
    steps = responses.history(store, action)
    assert [(s["version"], s["what"], s["fields"]["outcome"]) for s in steps] == [
        (1, "log_action", "ongoing"),
        (2, "end_action", "partial"),
        (3, "correct_action", "completed"),
    ]
    assert steps[0]["fields"]["ended_at"] is None and steps[2]["fields"]["staff_count"] == 2
    assert {s["by"] for s in steps} == {"Tess Tester"}
