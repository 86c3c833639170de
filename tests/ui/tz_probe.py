"""The time-zone probe: run only by `test_time_zone.py`, in a fresh process per zone (its name
does not start with `test_`, so the suite never collects it in its own zone). CVI_TZ_PROBE names
the zone the process must be in; the probe first proves it is, for Qt and for Python.
"""

from __future__ import annotations

import os
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit

from tests.ui.data import seed_incidents

pytestmark = pytest.mark.timeout(120)
PROBE_ENV = "CVI_TZ_PROBE"


def type_time(qtbot: object, edit: QDateTimeEdit, hour: str, minute: str) -> None:
    """Type hours and minutes the way a person does: pick the section, type its digits."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClicks(edit, hour)  # type: ignore[attr-defined]
    edit.setSelectedSection(QDateTimeEdit.Section.MinuteSection)
    qtbot.keyClicks(edit, minute)  # type: ignore[attr-defined]
    qtbot.keyClick(edit, Qt.Key.Key_Tab)  # type: ignore[attr-defined]


def test_typed_times_in_this_process(make_session, make_window, manual_clock, qtbot):
    from PySide6.QtCore import QTimeZone

    wanted = os.environ[PROBE_ENV]
    # Proof that this process really runs in the zone under test, for Qt and for Python.
    assert QTimeZone.systemTimeZoneId().data().decode() == wanted
    offset = {"UTC": "+0000", "Asia/Tokyo": "+0900"}[wanted]
    assert time.strftime("%z", time.localtime(1_793_000_000)) == offset

    # 2026-11-01 18:00 UTC is 12:00 in Chicago (CST since that morning) and 03:00 next day in Tokyo.
    session = make_session(clock=manual_clock)
    [incident_id] = session.tasks.store_op(lambda s: seed_incidents(s, 1)).result(10)
    window = make_window(session)
    window.open_incident(incident_id)
    detail = window.detail
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.casework.incident_id == incident_id, timeout=10_000
    )

    # A follow-up: the picker starts two days ahead, shown in Chicago time.
    casework = detail.casework
    assert casework.due.text() == "2026-11-03 12:00"
    type_time(qtbot, casework.due, "14", "09")
    assert casework.due.text() == "2026-11-03 14:09"
    qtbot.mouseClick(casework.add_fup, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: casework.followups.rowCount() == 1, timeout=10_000)
    assert casework.followups.item(0, 0).text() == "2026-11-03 14:09"

    # A response, started 11:09 Chicago time today.
    form = detail.responses.form
    assert form.started.text() == "2026-11-01 12:00"
    type_time(qtbot, form.started, "11", "09")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()

    def stored(store):
        return (
            store.scalar("SELECT due_at FROM followups WHERE incident_id = ?", [incident_id]),
            store.scalar("SELECT started_at FROM response_actions WHERE incident_id = ?", [incident_id]),
        )

    due_at, started_at = session.tasks.store_op(stored).result(10)
    assert due_at.startswith("2026-11-03T20:09:00"), due_at  # 14:09 CST = 20:09 UTC
    assert started_at.startswith("2026-11-01T17:09:00"), started_at  # 11:09 CST = 17:09 UTC
