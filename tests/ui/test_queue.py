"""The incident queue: paging, filters, sort, search, badges and the live clock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import assert_store_thread_only
from tests.ui.data import seed_incidents
from ui.queue_model import COLUMN, STATE_ROLE

pytestmark = pytest.mark.timeout(60)


def test_queue_pages_filters_sorts_and_searches(make_session, make_window, manual_clock, qtbot, probe):
    session = make_session(clock=manual_clock)
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 250)).result(60)
    window = make_window(session)
    queue, model = window.queue, window.queue.model
    queue.status.setCurrentIndex(queue.status.findData(""))  # all statuses
    qtbot.waitUntil(lambda: model.total == 250, timeout=5000)
    assert model.rowCount() % model.PAGE == 0 and model.rowCount() < 250  # pages, never every row

    def scrolled_to_end() -> bool:
        # The view asks for more rows as it nears the end; ask the way it does, in case an
        # offscreen viewport is too short to cross its threshold again after a page lands.
        queue.table.scrollToBottom()
        model.fetchMore()
        return model.rowCount() == 250

    qtbot.waitUntil(scrolled_to_end, timeout=5000)
    assert not model.canFetchMore()

    queue.district.setCurrentIndex(queue.district.findData("007"))
    qtbot.waitUntil(lambda: model.total == 83, timeout=5000)
    assert {model.index(r, COLUMN["district"]).data() for r in range(model.rowCount())} == {"007"}

    queue.district.setCurrentIndex(0)
    queue.type.setCurrentIndex(queue.type.findData("fatal_shooting"))
    qtbot.waitUntil(lambda: model.total == 63, timeout=5000)
    queue.type.setCurrentIndex(0)

    # A re-sort keeps the count (the same rows, in another order): wait for the page itself.
    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        queue.table.sortByColumn(COLUMN["rd_number"], Qt.SortOrder.AscendingOrder)
    assert model.filter.sort == "rd_number" and model.total == 250
    first = [model.index(r, COLUMN["rd_number"]).data() for r in range(5)]
    assert first == sorted(first)

    qtbot.keyClicks(queue.search, "BB000023")
    qtbot.waitUntil(lambda: model.total == 1, timeout=5000)
    assert model.index(0, COLUMN["rd_number"]).data() == "BB000023"
    # A CPD notification this laptop has logged nothing for is badged as one, not "saved here".
    assert model.index(0, COLUMN["sync"]).data(STATE_ROLE) == "from_cpd"
    assert ids
    assert_store_thread_only(probe, session)


def test_live_clock_counts_up_on_open_incidents(make_session, make_window, manual_clock, qtbot):
    session = make_session(clock=manual_clock)
    session.tasks.store_op(lambda s: seed_incidents(s, 3)).result(30)
    window = make_window(session)
    model = window.queue.model
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
    before = model.index(0, COLUMN["since"]).data()
    assert before == "40 min"
    manual_clock.advance(hours=2, minutes=5)
    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        model.tick()
    assert model.index(0, COLUMN["since"]).data() == "2 h 45 min"
