"""Layout and first-use states (issue 10, points 5-7): the window fits a 1024x700 laptop, the
splitter remembers where it was left, the queue says when it is loading or why it is empty,
the demo says it is a demo, and the smaller fixes (coverage districts, "Unassigned", notes
signed with a name, cancelling a duplicate follow-up). Real widgets, a real store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from cvi_desktop import outbox
from cvi_desktop.services import casework, incidents
from tests.ui.conftest import assert_store_thread_only
from tests.ui.data import seed_incidents
from ui.main_window import MainWindow

pytestmark = pytest.mark.timeout(60)


def _right_edge(widget: QWidget, root: QWidget) -> int:
    return widget.mapTo(root, QPoint(widget.width(), 0)).x()


@pytest.mark.parametrize("size", [(1024, 700), (1366, 768), (1920, 1080)])
def test_filters_and_columns_fit_without_sideways_scrolling(make_session, make_window, qtbot, size):
    session = make_session()
    session.tasks.store_op(lambda s: seed_incidents(s, 5)).result(30)
    window = make_window(session)
    window.resize(*size)
    queue = window.queue
    qtbot.waitUntil(lambda: queue.width() > size[0] - 40, timeout=5000)
    qtbot.waitUntil(lambda: queue.model.rowCount() == 5, timeout=5000)
    controls = [queue.search, queue.status, queue.district, queue.type, queue.assignee, queue.range]
    for control in controls:
        assert control.isVisible()
        assert 0 <= control.mapTo(queue, QPoint(0, 0)).x() and _right_edge(control, queue) <= queue.width()
    # The search box stays wide enough for an RD number and a word or two.
    assert queue.search.width() >= 200
    assert not queue.table.horizontalScrollBar().isVisible()
    if size[0] >= 1366:  # one line of filters on a common laptop and up
        middles = [c.mapTo(queue, QPoint(0, c.height() // 2)).y() for c in controls]
        assert max(middles) - min(middles) <= 4


def test_loading_then_empty_states_say_what_to_do(make_session, qtbot):
    session = make_session()
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    queue = window.queue
    # Before the first page: a loading sign, not a blank grid; in the first frame already (the
    # count line), then over the table once the model is attached.
    assert queue.count.text() == "Loading incidents…"
    qtbot.waitUntil(lambda: queue.empty is not None and queue.empty.isVisible(), timeout=5000)
    assert queue.empty_text.text() == "Loading incidents…"
    window.start()
    # No incidents at all, no filters: what will happen, and no button.
    qtbot.waitUntil(lambda: queue.empty_text.text().startswith("No open incidents"), timeout=10_000)
    assert queue.empty.isVisible() and not queue.clear_filters.isVisible()
    window.close()


def test_no_match_offers_to_clear_the_filters(make_session, make_window, qtbot):
    session = make_session()
    session.tasks.store_op(lambda s: seed_incidents(s, 4)).result(30)
    window = make_window(session)
    queue = window.queue
    qtbot.waitUntil(lambda: queue.model.rowCount() == 4, timeout=5000)
    assert not queue.empty.isVisible()
    qtbot.keyClicks(queue.search, "nosuchthing")
    qtbot.waitUntil(lambda: queue.clear_filters.isVisible(), timeout=5000)
    assert queue.empty_text.text() == "No incidents match these filters."
    qtbot.mouseClick(queue.clear_filters, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: queue.model.rowCount() == 4, timeout=5000)
    assert queue.search.text() == "" and not queue.empty.isVisible()


def test_the_splitter_remembers_its_place_per_profile(make_session, make_window, qtbot):
    session = make_session()
    window = make_window(session)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.detail is not None and window.splitter.sizes()[0] > 0, timeout=5000)
    handle = window.splitter.handle(1)
    before = window.splitter.sizes()[0]
    start = QPoint(handle.width() // 2, handle.height() // 2)
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, start + QPoint(0, 120))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + QPoint(0, 120))
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > before + 60, timeout=3000)
    dragged = window.splitter.sizes()
    window.close()

    again = MainWindow(session)
    qtbot.addWidget(again)
    again.resize(1366, 768)
    again.start()
    again.show()
    qtbot.waitUntil(lambda: again.queue.model.total is not None, timeout=10_000)
    qtbot.waitUntil(lambda: abs(again.splitter.sizes()[0] - dragged[0]) <= 2, timeout=3000)
    again.close()


def test_demo_badge_and_who_is_signed_in_are_in_view(make_session, qtbot):
    session = make_session()
    window = MainWindow(session, demo=True)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    status = window.status
    assert status.demo.isVisible() and status.demo.text() == "Demo data"
    assert status.who.isVisible() and status.who.text().startswith("sup1")
    assert _right_edge(status.who, window) <= window.width()
    window.close()

    real = MainWindow(session)
    qtbot.addWidget(real)
    real.show()
    assert not real.status.demo.isVisible()
    real.close()


def test_district_filter_lists_coverage_and_unassigned_filter(make_session, make_window, qtbot, probe):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 6, ("011", "015"))).result(30)
    session.tasks.store_op(lambda s: incidents.assign(s, ids[0], "w1")).result(10)
    window = make_window(session)
    queue = window.queue
    qtbot.waitUntil(lambda: queue.district.count() == 3, timeout=5000)
    assert [queue.district.itemData(i) for i in range(queue.district.count())] == ["", "011", "015"]
    queue.assignee.setCurrentIndex(queue.assignee.findText("Unassigned"))
    qtbot.waitUntil(lambda: queue.model.total == 5, timeout=5000)
    assert ids[0] not in {queue.model.incident_id(r) for r in range(queue.model.rowCount())}
    assert_store_thread_only(probe, session)


def test_notes_are_signed_with_the_authors_name(make_session, make_window, qtbot):
    session = make_session()
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 1)).result(30)
    window = make_window(session)
    window.open_incident(ids[0])
    tab = window.detail.people
    qtbot.waitUntil(lambda: tab.incident_id == ids[0], timeout=5000)
    tab.note.setPlainText("Met the family at the hospital.")
    qtbot.mouseClick(tab.add_note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.notes.rowCount() == 1, timeout=5000)
    assert tab.notes.item(0, 1).text() == "Renee Sup"  # the staff list's name, not "sup1"


def test_a_duplicate_follow_up_can_be_cancelled(make_session, make_window, qtbot, probe):
    session = make_session()

    def seed(s):
        ids = seed_incidents(s, 1)
        due = s.now() + timedelta(days=2)
        made = [
            casework.schedule_followup(s, {"incident_id": ids[0], "due_at": due, "kind": "call"})
            for _ in range(2)
        ]
        return ids, made

    ids, followups = session.tasks.store_op(seed).result(30)
    window = make_window(session)
    window.open_incident(ids[0])
    tab = window.detail.casework
    qtbot.waitUntil(lambda: tab.followups.rowCount() == 2, timeout=5000)
    tab.followups.selectRow(1)
    assert tab.cancel_fup.isEnabled()
    duplicate = tab.followups.current_record()["id"]
    tab.cancel_followup(duplicate, "Duplicate")
    qtbot.waitUntil(
        lambda: any(tab.followups.item(r, 2).text().startswith("Cancelled") for r in range(2)), timeout=5000
    )

    def check(s):
        row = s.one("SELECT version, done_at, result FROM followups WHERE id = ?", [duplicate])
        audited = s.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'cancel_followup' AND entity_id = ?", [duplicate]
        )
        queued = [r for r in outbox.waiting(s) if r["record_id"] == duplicate and r["kind"] == "followup"]
        return row, audited, queued

    row, audited, queued = session.tasks.store_op(check).result(10)
    assert row["version"] == 2 and row["done_at"] and row["result"] == "Cancelled: Duplicate"
    assert audited == 1 and [r["version"] for r in queued] == [2]
    # Once cancelled it is closed: neither done nor cancelled again.
    tab.followups.selectRow([r["id"] for r in tab.followups.rows].index(duplicate))
    assert not tab.cancel_fup.isEnabled() and not tab.done_fup.isEnabled()
    assert set(followups) == {r["id"] for r in tab.followups.rows}
    assert_store_thread_only(probe, session)


def test_a_taller_window_shares_its_height_with_the_detail(make_session, make_window, qtbot):
    session = make_session()
    window = make_window(session)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window._detail is not None and window.splitter.height() > 500, timeout=5000)
    queue_before, detail_before = window.splitter.sizes()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: sum(window.splitter.sizes()) > queue_before + detail_before + 200, timeout=5000)
    queue_after, detail_after = window.splitter.sizes()
    # Both panes grow, roughly in the 9:11 ratio, not the queue alone.
    assert detail_after - detail_before > 100 and queue_after - queue_before > 100
