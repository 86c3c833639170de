"""The supervisor's screens on real widgets over a real encrypted store: the team caseload
(worst first, the overdue follow-ups, opening an incident from one) and the monthly review
(exact figures for a hand-made month, CSV and PDF export)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from cvi_desktop.services import casework, incidents, people, responses
from cvi_desktop.store import Store
from tests.ui.conftest import assert_store_thread_only
from ui.report_view import MonthlyReviewDialog, previous_month, recent_months
from ui.team_view import TeamCaseloadDialog

pytestmark = pytest.mark.timeout(60)

# The manual clock stands at 2026-11-01 18:00 UTC (12:00 in Chicago, the day DST ended), so the
# default month is October 2026. All times below are UTC.
OCT = datetime(2026, 10, 10, 15, 0, tzinfo=UTC)


def incident(store: Store, rd: str, district: str, occurred: datetime, notify_min: int) -> str:
    return incidents.record_incident(
        store,
        {
            "source": "cpd",
            "incident_type": "nonfatal_shooting",
            "rd_number": rd,
            "occurred_at": occurred,
            "org_received_at": occurred + timedelta(minutes=notify_min),
            "district": district,
            "victims_nonfatal": 1,
        },
    )


def respond(store: Store, incident_id: str, action_type: str, after_receipt_min: int) -> None:
    received = datetime.fromisoformat(incidents.get(store, incident_id)["org_received_at"])
    responses.log_action(
        store,
        {
            "incident_id": incident_id,
            "action_type": action_type,
            "started_at": received + timedelta(minutes=after_receipt_min),
        },
    )


def seed_team(store: Store) -> dict[str, str]:
    """Three staff; Luis has 1 open incident and 1 overdue follow-up, Dana 2 open and none overdue.

    October 2026: district 011 has 3 incidents (notified after 10, 20, 30 min), two with a
    qualifying response (15 and 45 min after receipt) and one with only a mediation (not
    qualifying); district 007 has 1 incident answered at the scene after 5 min. One November
    incident must not count in October.
    """
    for staff_id, name, role in (
        ("sup1", "Renee Sup", "supervisor"),
        ("w1", "Luis Worker", "worker"),
        ("w2", "Dana Jackson", "worker"),
    ):
        people.add_staff(store, {"id": staff_id, "display_name": name, "role": role})
    a = incident(store, "AB000001", "011", OCT, 10)
    b = incident(store, "AB000002", "011", OCT + timedelta(days=1), 20)
    c = incident(store, "AB000003", "011", OCT + timedelta(days=2), 30)
    d = incident(store, "AB000004", "007", OCT + timedelta(days=3), 12)
    e = incident(store, "AB000005", "007", datetime(2026, 11, 1, 7, 0, tzinfo=UTC), 8)
    respond(store, a, "scene", 15)
    respond(store, b, "hospital", 45)
    respond(store, c, "mediation", 5)
    respond(store, d, "scene", 5)
    incidents.assign(store, a, "w1")
    incidents.assign(store, b, "w2")
    incidents.assign(store, c, "w2")
    incidents.assign(store, d, "w2")
    incidents.set_status(store, d, "closed")  # closed: not in Dana's open count
    # Luis: one overdue visit (due 2026-10-30 10:00 Chicago), one not yet due, one done late.
    overdue = casework.schedule_followup(
        store,
        {"incident_id": a, "due_at": datetime(2026, 10, 30, 15, 0, tzinfo=UTC), "kind": "visit",
         "assignee": "w1"},
    )
    casework.schedule_followup(
        store,
        {"incident_id": a, "due_at": datetime(2026, 11, 3, 15, 0, tzinfo=UTC), "kind": "call",
         "assignee": "w1"},
    )
    done = casework.schedule_followup(
        store,
        {"incident_id": b, "due_at": datetime(2026, 10, 20, 15, 0, tzinfo=UTC), "kind": "call",
         "assignee": "w2"},
    )
    casework.complete_followup(store, done, result="Reached the family.")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "overdue": overdue}


def cells(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())
    ]


@pytest.fixture
def seeded(make_session, manual_clock):
    session = make_session(clock=manual_clock)
    failures: list[BaseException] = []
    session.tasks.default_failure = failures.append
    ids = session.tasks.store_op(seed_team).result(30)
    yield session, ids
    assert failures == []


def test_team_caseload_worst_first_with_the_overdue_list(seeded, qtbot, probe):
    session, ids = seeded
    dialog = TeamCaseloadDialog(session.ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()

    # Luis first: an overdue follow-up outweighs Dana's two open incidents. Columns: open, due in
    # the next 7 days, overdue, median response this (November) month, laptop last synced.
    assert cells(dialog.staff_table) == [
        ["Luis Worker", "Worker", "1", "1", "1", "—", "never"],
        ["Dana Jackson", "Worker", "2", "0", "0", "—", "never"],
        ["Renee Sup", "Supervisor", "0", "0", "0", "—", "never"],
        # Open incidents no one holds are counted too, on a line of their own.
        ["Unassigned", "", "1", "0", "0", "—", "—"],
    ]
    assert dialog.staff_table.item(0, 4).font().bold()
    assert not dialog.staff_table.item(1, 4).font().bold()
    # The first person's open incidents are listed under the caseload.
    assert dialog.incidents_title.text() == "Open incidents of Luis Worker"
    assert [r["id"] for r in dialog.incidents_table.rows] == [ids["a"]]
    assert cells(dialog.overdue_table) == [
        ["2026-10-30 10:00", "2 d 3 h", "Visit", "Luis Worker", "AB000001", "011"]
    ]
    summary = "3 staff · 4 open incidents · 1 unassigned · 1 follow-up overdue · as of 2026-11-01 12:00"
    assert dialog.summary.text() == summary
    assert dialog.no_overdue.isHidden()

    # Double-click a follow-up: its incident id goes out (once).
    seen: list[str] = []
    dialog.open_incident.connect(seen.append)
    table = dialog.overdue_table
    rect = table.visualItemRect(table.item(0, 2))
    with qtbot.waitSignal(dialog.open_incident, timeout=3000) as opened:
        # A real double-click is press, release, double-click: the view only acts on a
        # double-click that lands on the row its press selected.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [ids["a"]]
    # And from the keyboard.
    table.setFocus()
    table.selectRow(0)
    with qtbot.waitSignal(dialog.open_incident, timeout=3000) as opened:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened.args == [ids["a"]]
    assert seen == [ids["a"], ids["a"]]

    # The visit is done elsewhere; the open dialog follows the change.
    session.tasks.store_op(
        lambda s: casework.complete_followup(s, ids["overdue"], result="Visited.")
    ).result(10)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        session.events.data_changed.emit(ids["a"])
    assert cells(dialog.staff_table)[0] == ["Dana Jackson", "Worker", "2", "0", "0", "—", "never"]
    summary = "3 staff · 4 open incidents · 1 unassigned · 0 follow-ups overdue"
    assert dialog.summary.text().startswith(summary)
    assert dialog.overdue_table.rowCount() == 0 and dialog.overdue_table.isHidden()
    assert not dialog.no_overdue.isHidden()
    assert not dialog.open_button.isEnabled()

    # Refresh runs again on the store thread.
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert_store_thread_only(probe, session)


# The monthly review's figures, charts and exports: tests/ui/test_monthly_review.py.


def test_cancelled_export_writes_nothing(seeded, qtbot, tmp_path: Path):
    session, _ids = seeded
    dialog = MonthlyReviewDialog(session.ctx, ask_path=lambda *_a: "")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    with qtbot.assertNotEmitted(dialog.exported):
        qtbot.mouseClick(dialog.export_csv, Qt.MouseButton.LeftButton)
    assert dialog.saved.text() == ""


def test_month_picker_defaults():
    # 2027-01-01 03:00 UTC is still 31 December 2026 in Chicago: the previous month is November.
    assert previous_month(datetime(2027, 1, 1, 3, 0, tzinfo=UTC)) == "2026-11"
    assert previous_month(datetime(2027, 1, 15, 18, 0, tzinfo=UTC)) == "2026-12"
    months = recent_months(datetime(2027, 1, 15, 18, 0, tzinfo=UTC), 3)
    assert months == ["2027-01", "2026-12", "2026-11"]


def test_main_window_team_menu_opens_both_and_lock_hides_them(make_session, make_window, qtbot):
    window = make_window(make_session())
    team_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Team")
    actions = {a.text(): a for a in team_menu.actions()}
    actions["Team &caseload…"].trigger()
    actions["&Monthly review…"].trigger()
    team, review = window._team, window._review
    assert team is not None and review is not None
    qtbot.waitUntil(lambda: team.isVisible() and review.isVisible(), timeout=3000)
    window.lock()
    assert not team.isVisible() and not review.isVisible()
