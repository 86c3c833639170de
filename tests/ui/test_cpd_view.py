""" "What CPD will see" in plain words, and the queue's badges that say where a record went.

Issue 10, point 3: the tab showed raw JSON (snake_case, null, UUIDs, UTC); "Shared" on the
queue meant "the hub has it" while people read "CPD has it"; a brand-new CPD notification was
badged "Saved here". All of it runs on a real encrypted store and real widgets.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from cvi_desktop import fields, outbox, queries
from cvi_desktop.services import people, responses, reviews
from tests.ui.conftest import assert_store_thread_only
from tests.ui.data import seed_incidents
from ui.cpd_tab import private_items
from ui.queue_model import COLUMN, STATE_ROLE

pytestmark = pytest.mark.timeout(60)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_the_tab_reads_as_plain_words_in_chicago_time(make_session, make_window, manual_clock, qtbot, probe):
    session = make_session(clock=manual_clock)
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)

    def work(s):
        # 16:29 UTC on 1 November 2026 is 10:29 in Chicago (CST, UTC-6).
        responses.log_action(
            s,
            {
                "incident_id": ids[0],
                "action_type": "hospital",
                "started_at": datetime(2026, 11, 1, 16, 29, tzinfo=UTC),
                "ended_at": datetime(2026, 11, 1, 17, 5, tzinfo=UTC),
                "staff_count": 2,
                "outcome": "completed",
                "retaliation_risk": "high",
                "risk_basis": "Zq9 risk reason",
            },
        )
        people.add_participant(
            s, {"incident_id": ids[0], "first_name": "Zq9Private", "phone": "773-555-0101"}
        )

    session.tasks.store_op(work).result(10)
    window = make_window(session)
    window.open_incident(ids[0])
    cpd = window.detail.cpd
    qtbot.waitUntil(lambda: cpd.shown is not None and "Hospital response" in cpd.summary.text(), timeout=5000)
    text = cpd.summary.text()
    assert "10:29–11:05" in text and "16:29" not in text  # Chicago wall time, not UTC
    assert "Hospital response" in text and "2 staff" in text and "retaliation risk: high" in text
    assert "Non-fatal shooting" in text or "Fatal shooting" in text
    assert "(Chicago time)" in text
    # No machine words: no snake_case keys, no null, no ids, nothing private.
    for machine in ("incident_type", "null", "None", "action_type", "victims_total", "Zq9", "773-555"):
        assert machine not in text
    assert not UUID.search(text)
    # What is not shared, beside it, derived from the field table's L class.
    kept = cpd.kept.text()
    for words in (
        "Phone numbers",
        "Your notes",
        "Why you judged the retaliation risk",
        "The exact spot on the map",
    ):
        assert words in kept
    assert "Shared with your team only, never with CPD" in kept
    # The exact JSON is one click away, and is exactly the payload.
    assert not cpd.json.isVisibleTo(cpd) and not cpd.copy.isVisibleTo(cpd)
    cpd.toggle.click()
    assert cpd.json.isVisibleTo(cpd) and cpd.toggle.text().replace("&", "") == "Show plain words"
    # The data takes the summary's place; what is not shared stays beside it.
    assert not cpd.summary.isVisibleTo(cpd) and cpd.kept.isVisibleTo(cpd)
    assert json.loads(cpd.json.toPlainText()) == cpd.shown
    assert "Zq9" not in cpd.json.toPlainText()
    cpd.toggle.click()
    assert not cpd.json.isVisibleTo(cpd) and cpd.summary.isVisibleTo(cpd)
    assert_store_thread_only(probe, session)


def test_every_private_field_is_listed_as_not_shared():
    """The "not shared" list follows the share classes: every L field has its line."""
    listed = private_items()
    every = [*fields.RECORDS.values(), *fields.LOCAL_ONLY.values()]
    private = {
        f.name for group in every for f in group if f.share is fields.Share.L and f.kind is not fields.Kind.ID
    }
    from ui.cpd_tab import _PRIVATE_WORDS

    for name in private:
        assert _PRIVATE_WORDS.get(name, name.replace("_", " ").capitalize()) in listed, name


def test_badges_say_saved_shared_with_team_sent_to_cpd_and_from_cpd(
    make_session, make_window, manual_clock, qtbot, probe
):
    session = make_session(clock=manual_clock)
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 3)).result(30)
    window = make_window(session)
    queue, model = window.queue, window.queue.model

    def badge(incident_id: str) -> str:
        return model.index(model.row_of(incident_id), COLUMN["sync"]).data(STATE_ROLE)

    def words(incident_id: str) -> str:
        return model.index(model.row_of(incident_id), COLUMN["sync"]).data()

    # A brand-new CPD notification: "From CPD", not "Saved here".
    qtbot.waitUntil(lambda: model.row_of(ids[0]) >= 0, timeout=5000)
    assert badge(ids[0]) == "from_cpd" and words(ids[0]) == "From CPD"

    # A response logged here waits to be shared.
    session.tasks.store_op(
        lambda s: responses.log_action(
            s, {"incident_id": ids[0], "action_type": "scene", "started_at": s.now()}
        )
    ).result(10)
    queue.refresh()
    qtbot.waitUntil(lambda: badge(ids[0]) == "pending", timeout=5000)

    def acknowledge_all(s):
        outbox.mark_acknowledged(s, [r["seq"] for r in outbox.waiting(s)])

    # The hub acknowledged it: the team has it, CPD has nothing yet.
    session.tasks.store_op(acknowledge_all).result(10)
    queue.refresh()
    qtbot.waitUntil(lambda: badge(ids[0]) == "shared_team", timeout=5000)
    assert words(ids[0]) == "Shared with your team"

    # Approved, and the CPD record acknowledged too: "Sent to CPD".
    session.tasks.store_op(lambda s: reviews.review(s, {"incident_id": ids[0], "state": "approved"})).result(
        10
    )
    queue.refresh()
    qtbot.waitUntil(lambda: badge(ids[0]) == "pending", timeout=5000)
    session.tasks.store_op(acknowledge_all).result(10)
    queue.refresh()
    qtbot.waitUntil(lambda: badge(ids[0]) == "sent_to_cpd", timeout=5000)
    assert words(ids[0]) == "Sent to CPD"
    # The others are untouched CPD notifications still.
    assert badge(ids[1]) == "from_cpd"
    # The open incident's header says it in words too.
    window.open_incident(ids[0])
    qtbot.waitUntil(lambda: window.detail.badge_text.text() == "Sent to CPD", timeout=5000)
    assert_store_thread_only(probe, session)


def test_sync_badges_query(make_session, manual_clock):
    session = make_session(clock=manual_clock)

    def run(s):
        ids = seed_incidents(s, 2)
        before = queries.sync_badges(s, ids)
        incident = s.one("SELECT id FROM incidents WHERE id = ?", [ids[1]])
        s.conn.execute("UPDATE incidents SET status = 'assigned' WHERE id = ?", [incident["id"]])
        return ids, before, queries.sync_badges(s, ids)

    ids, before, after = session.tasks.store_op(run).result(30)
    assert before == {ids[0]: "from_cpd", ids[1]: "from_cpd"}
    # Taken up by the team (through the hub): no longer new, nothing waits here.
    assert after[ids[1]] == "shared_team"
