"""The team, connected: several laptops through one hub, on real widgets over real stores.

* The review queue fills oldest first, shows what an approval covers, and is worked from the
  keyboard: "Has issues" needs a comment, a decided incident leaves and the next is selected.
* A teammate's response, pushed from a second profile through the same hub, appears in the
  open incident on the first laptop, read-only and with its author.
* Signing in asks nothing about roles; the role comes from the hub (a worker's token shows no
  Team menu, a supervisor's does).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from cvi_desktop.services import responses, reviews, settings
from sync.credentials import set_token
from tests.ui.conftest import assert_store_thread_only
from tests.ui.data import seed_incidents
from ui.review_queue import ReviewQueueDialog
from ui.sign_in import SignIn, SignInDialog
from ui.sync_bridge import check_hub, save_sign_in, saved_token

pytestmark = pytest.mark.timeout(90)

SUPERVISOR = {
    "org_id": "uiorg",
    "org_name": "Outreach Test",
    "role": "supervisor",
    "staff_id": "sup1",
    "display_name": "Renee Sup",
}


def become(session: Any, identity: dict[str, Any]) -> None:
    """What the sync engine does on contact with the hub: keep its answer, tell the UI."""
    session.tasks.store_op(lambda s: settings.set_identity(s, identity)).result(10)
    session.apply_identity(identity)


def notify(hub: Any, rd: str = "JB123456") -> str:
    incident_id = str(uuid.uuid4())
    response = requests.post(
        f"{hub.url}/v1/cpd/notifications",
        timeout=10,
        headers={"Authorization": f"Bearer {hub.cpd}"},
        json={
            "id": incident_id,
            "incident_type": "nonfatal_shooting",
            "rd_number": rd,
            "occurred_at": "2026-11-01T17:00:00+00:00",
            "district": "011",
            "beat": "1131",
            "victims_nonfatal": 1,
        },
    )
    assert response.status_code in (200, 201), response.text
    return incident_id


def menu_actions(window: Any, title: str) -> tuple[dict[str, Any], Any]:
    action = next(a for a in window.menuBar().actions() if a.text() == title)
    return {a.text(): a for a in action.menu().actions() if a.text()}, action


# --- the review queue --------------------------------------------------------------------------


def test_review_queue_keyboard_approve_and_has_issues_needs_a_comment(
    make_session, manual_clock, qtbot, probe
):
    session = make_session(clock=manual_clock)
    become(session, SUPERVISOR)

    def seed(s):
        ids = seed_incidents(s, 3)
        for incident_id in ids:  # the first is logged first, so it has waited longest
            responses.log_action(
                s, {"incident_id": incident_id, "action_type": "hospital", "started_at": s.now()}
            )
            manual_clock.advance(minutes=30)
        return ids

    ids = session.tasks.store_op(seed).result(30)
    manual_clock.advance(hours=2)
    failures: list[BaseException] = []
    session.tasks.default_failure = failures.append

    dialog = ReviewQueueDialog(session.ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_loaded, timeout=10_000) as first:
        dialog.show()
    # Oldest first, with how long each has waited and why it is here.
    assert [r["incident_id"] for r in dialog.table.rows] == ids
    assert [dialog.table.item(r, 0).text() for r in range(3)] == [
        "waiting 3 h 30 min",
        "waiting 3 h 00 min",
        "waiting 2 h 30 min",
    ]
    assert {dialog.table.item(r, 1).text() for r in range(3)} == {"New"}
    assert dialog.summary.text() == "3 incidents waiting · the oldest for 3 h 30 min"
    # The first is selected, and the preview shows what approving it would include.
    assert first.args == [ids[0]]
    assert dialog.covers.rowCount() == 1
    assert dialog.covers.item(0, 0).text() == "Hospital response · Completed"
    assert dialog.covers.item(0, 1).text() == "You"
    assert "Waiting for a supervisor's review" in dialog.state.text()
    assert not dialog.unsent.isHidden()  # nothing has been shared from this laptop yet
    assert "1 record is not yet synced" in dialog.unsent.text()
    assert dialog.preview is not None and dialog.preview.cpd_payload

    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    dialog.table.setFocus()
    # Arrows move; the preview follows.
    with qtbot.waitSignal(dialog.preview_loaded, timeout=5000) as moved:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert moved.args == [ids[1]]
    with qtbot.waitSignal(dialog.preview_loaded, timeout=5000) as moved:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Up)
    assert moved.args == [ids[0]]

    # "Has issues" without a comment is refused, and says why; the comment box gets the focus.
    with qtbot.assertNotEmitted(dialog.decided, wait=300):
        qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert dialog.message.text() == "Write a comment first: the worker needs to know what to fix."
    assert dialog.comment.hasFocus()
    qtbot.keyClicks(dialog.comment, "Add the hospital visit time")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        with qtbot.waitSignal(dialog.decided, timeout=10_000) as decided:
            qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert decided.args == [ids[0], "has_issues"]
    # It left the queue; the next one is selected.
    qtbot.waitUntil(lambda: [r["incident_id"] for r in dialog.table.rows] == ids[1:], timeout=5000)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.incident_id == ids[1], timeout=5000)
    assert dialog.current_record()["incident_id"] == ids[1]
    assert dialog.comment.toPlainText() == ""

    # Approve needs no comment.
    with qtbot.waitSignal(dialog.decided, timeout=10_000) as decided:
        qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert decided.args == [ids[1], "approved"]
    qtbot.waitUntil(lambda: [r["incident_id"] for r in dialog.table.rows] == ids[2:], timeout=5000)

    # Enter opens the selected incident.
    dialog.table.setFocus()
    with qtbot.waitSignal(dialog.open_incident, timeout=3000) as opened:
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert opened.args == [ids[2]]

    state = session.tasks.store_op(lambda s: [reviews.status(s, i) for i in ids[:2]]).result(10)
    assert state[0]["state"] == "has_issues" and state[0]["comment"] == "Add the hospital visit time"
    assert state[1]["state"] == "approved"
    assert failures == []
    assert_store_thread_only(probe, session)


# --- a teammate's record arrives ---------------------------------------------------------------


def test_teammates_response_arrives_in_the_open_detail_read_only_with_its_author(
    hub, team, make_session, make_window, qtbot, probe
):
    from tests.ui.conftest import Probe

    set_token("sup1", team.tokens["sup"])
    set_token("w1", team.tokens["w1"])
    mine = make_session("sup1")
    mine.connect_hub(hub.url, debounce=0.2, interval=600)
    theirs_probe = Probe(set(), probe.gui_thread)
    theirs = make_session("w1", actor="w1", role="worker", probe_for=theirs_probe)
    theirs.connect_hub(hub.url, debounce=0.2, interval=600)
    window = make_window(mine)
    # The hub says who each laptop's person is.
    qtbot.waitUntil(lambda: mine.ctx.identity_known and theirs.ctx.identity_known, timeout=15_000)
    assert (mine.ctx.role, theirs.ctx.role) == ("supervisor", "worker")

    # CPD notifies; both laptops get the incident; the supervisor has it open.
    with qtbot.waitSignal(mine.events.notification, timeout=15_000):
        incident_id = notify(hub)
    window.open_incident(incident_id)
    detail = window.detail
    qtbot.waitUntil(
        lambda: detail.detail is not None and detail.detail.incident["id"] == incident_id, timeout=5000
    )
    assert detail.responses.log.rowCount() == 0

    # Ana logs a hospital response on her laptop; it goes to the hub.
    def arrived_there(s):
        return s.scalar("SELECT count(*) FROM incidents WHERE id = ?", [incident_id])

    qtbot.waitUntil(lambda: theirs.tasks.store_op(arrived_there).result(5) == 1, timeout=15_000)
    theirs.tasks.store_op(
        lambda s: responses.log_action(
            s,
            {
                "incident_id": incident_id,
                "action_type": "hospital",
                "started_at": s.now() - timedelta(minutes=5),
            },
        )
    ).result(10)
    theirs.bridge.request_sync()

    # It arrives on the supervisor's laptop, in the view that is open, without touching it.
    with qtbot.waitSignal(
        mine.bridge.team_records, timeout=20_000, check_params_cb=lambda ids: incident_id in ids
    ):
        mine.bridge.request_sync()
    log = detail.responses.log
    qtbot.waitUntil(lambda: log.rowCount() == 1, timeout=5000)
    row = log.rows[0]
    assert row["origin"] == "team" and row["recorded_by"] == "w1"
    assert log.item(0, 3).text() == "Ana Ruiz (teammate)"
    # A supervisor may correct a teammate's record; Ana's own laptop would let her too. A worker
    # looking at someone else's would see it read-only: checked on Ana's side below.
    log.selectRow(0)
    assert detail.responses.correct.isEnabled()

    # On Ana's laptop, a supervisor's record is read-only for her.
    def supervisor_action(s):
        return responses.log_action(
            s, {"incident_id": incident_id, "action_type": "family_engagement", "started_at": s.now()}
        )

    mine.tasks.store_op(supervisor_action).result(10)
    their_window = make_window(theirs)
    their_window.open_incident(incident_id)
    with qtbot.waitSignal(
        theirs.bridge.team_records, timeout=20_000, check_params_cb=lambda ids: incident_id in ids
    ):
        mine.bridge.request_sync()
        qtbot.wait(300)
        theirs.bridge.request_sync()
    their_log = their_window.detail.responses.log
    qtbot.waitUntil(lambda: their_log.rowCount() == 2, timeout=5000)
    by_author = {r["recorded_by"]: i for i, r in enumerate(their_log.rows)}
    their_log.selectRow(by_author["sup1"])
    assert their_log.item(by_author["sup1"], 3).text() == "Renee Sup (teammate)"
    assert not their_window.detail.responses.correct.isEnabled()
    assert "Read-only: recorded by Renee Sup" in their_window.detail.responses.read_only.text()
    their_log.selectRow(by_author["w1"])
    assert their_log.item(by_author["w1"], 3).text() == "You"
    assert their_window.detail.responses.correct.isEnabled()
    # Notes and people say they stay where they were written.
    assert "teammates' notes are not shown here" in their_window.detail.people.team_notice.text()
    assert_store_thread_only(probe, mine)
    assert_store_thread_only(theirs_probe, theirs)


# --- sign-in and the role ----------------------------------------------------------------------


def test_sign_in_has_no_role_box(make_session, qtbot, tmp_path):
    session = make_session()  # only for its task manager
    dialog = SignInDialog(
        session.tasks, checker=check_hub, save_token=save_sign_in, saved_token=saved_token, home=tmp_path
    )
    qtbot.addWidget(dialog)
    assert dialog.findChildren(QCheckBox) == []
    assert "supervisor" not in SignIn.__dataclass_fields__


@pytest.mark.parametrize(("who", "supervisor"), [("w1", False), ("sup", True)])
def test_role_comes_from_the_hub(hub, team, make_session, make_window, qtbot, who, supervisor):
    staff_id = "w1" if who == "w1" else "sup1"
    set_token(staff_id, team.tokens[who])
    # The session starts with the other role on purpose: what the hub says wins, either way.
    session = make_session(staff_id, actor=staff_id, role="worker" if supervisor else "supervisor")
    window = make_window(session)
    actions, team_menu = menu_actions(window, "&Team")
    assert team_menu.isVisible() is not supervisor
    assert "not yet confirmed by the hub" in window.status.who.text()

    with qtbot.waitSignal(session.events.identity_changed, timeout=15_000):
        session.connect_hub(hub.url, debounce=0.2, interval=600)
    name = "Ana Ruiz" if who == "w1" else "Renee Sup"
    role = "Supervisor" if supervisor else "Worker"
    assert session.ctx.role == ("supervisor" if supervisor else "worker")
    assert team_menu.isVisible() is supervisor
    assert actions["&Review queue…"].isEnabled() is supervisor
    assert actions["Rea&ssign…"].isEnabled() is supervisor
    assert window.status.who.text() == f"{name} · {role} · Outreach {team.org}"
    assert name in window.windowTitle()
    # The shortcut is dead for a worker, not only hidden.
    window.activateWindow()
    qtbot.keyClick(
        window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.wait(200)
    assert (window._review_queue is not None and window._review_queue.isVisible()) is supervisor


# --- reassigning and the reassignment flag ------------------------------------------------------


def test_reassign_from_the_queue_offers_active_staff_only(
    make_session, make_window, manual_clock, qtbot, probe
):
    from cvi_desktop.services import incidents, people
    from ui.staff_picker import StaffPicker

    session = make_session(clock=manual_clock)
    become(session, SUPERVISOR)

    def seed(s):
        ids = seed_incidents(s, 2)
        people.apply_team(
            s,
            [
                {"id": "sup1", "display_name": "Renee Sup", "role": "supervisor"},
                {"id": "w1", "display_name": "Luis Worker", "role": "worker"},
                {"id": "w9", "display_name": "Gone Person", "role": "worker", "active": False},
            ],
        )
        return ids

    ids = session.tasks.store_op(seed).result(30)
    window = make_window(session)
    window.queue.select_incident(ids[0])
    qtbot.waitUntil(lambda: window.queue.current_record() is not None, timeout=5000)
    window.activateWindow()
    window.queue.table.setFocus()
    qtbot.keyClick(window.queue.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(window, "staff_picker", None), StaffPicker), timeout=5000)
    picker = window.staff_picker
    qtbot.waitUntil(picker.isVisible, timeout=3000)
    names = [picker.list.item(r).text() for r in range(picker.list.count())]
    assert names == ["Unassigned", "Luis Worker", "Renee Sup"]  # the inactive one is not offered
    qtbot.keyClicks(picker.filter, "luis")
    assert picker.chosen() == "w1"
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: session.tasks.store_op(lambda s: incidents.get(s, ids[0])["assignee"]).result(5) == "w1",
        timeout=5000,
    )
    assert_store_thread_only(probe, session)


def test_flagged_response_keep_or_move_for_a_supervisor_only(make_session, make_window, manual_clock, qtbot):
    from cvi_desktop.services import incidents

    session = make_session(clock=manual_clock)
    become(session, SUPERVISOR)

    def seed(s):
        incident_id = seed_incidents(s, 1)[0]
        action_id = responses.log_action(
            s, {"incident_id": incident_id, "action_type": "hospital", "started_at": s.now()}
        )
        incidents.assign(s, incident_id, "w1")
        # The hub flags a response that reached it after the incident was reassigned.
        with s.write() as db:
            db.execute("UPDATE response_actions SET flag = 'incident_reassigned' WHERE id = ?", [action_id])
        return incident_id, action_id

    incident_id, action_id = session.tasks.store_op(seed).result(30)
    window = make_window(session)
    window.open_incident(incident_id)
    tab = window.detail.responses
    qtbot.waitUntil(lambda: tab.flag_box.isVisible(), timeout=5000)
    assert "Logged after the incident was reassigned" in tab.flag_text.text()
    assert tab.move.text() == "Move to Luis Worker"
    assert tab.keep.isVisible() and tab.move.isVisible()
    assert tab.log.item(0, 9).text() == "Logged after the incident was reassigned"

    # A worker sees the flag but not the supervisor's buttons (the role can change live).
    session.apply_identity({**SUPERVISOR, "role": "worker"})
    assert tab.flag_box.isVisible() and not tab.keep.isVisible() and not tab.move.isVisible()
    assert "A supervisor decides" in tab.flag_text.text()
    assert not window.detail.approve.isVisible() and not window.detail.assign_button.isVisible()
    session.apply_identity(SUPERVISOR)

    qtbot.mouseClick(tab.move, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.flag_box.isVisible(), timeout=5000)
    row = session.tasks.store_op(lambda s: responses.get(s, action_id)).result(5)
    assert (row["flag_resolution"], row["owner"]) == ("moved", "w1")
    assert tab.log.item(0, 9).text() == "Moved to the new assignee"


def test_review_banner_tells_the_worker(make_session, make_window, manual_clock, qtbot):
    session = make_session(clock=manual_clock)
    become(session, SUPERVISOR)

    def seed(s):
        incident_id = seed_incidents(s, 1)[0]
        responses.log_action(
            s, {"incident_id": incident_id, "action_type": "hospital", "started_at": s.now()}
        )
        reviews.review(
            s, {"incident_id": incident_id, "state": "has_issues", "comment": "Add the hospital visit time"}
        )
        return incident_id

    incident_id = session.tasks.store_op(seed).result(30)
    become(session, {**SUPERVISOR, "role": "worker", "staff_id": "w1", "display_name": "Luis Worker"})
    window = make_window(session)
    window.open_incident(incident_id)
    banner = window.detail.review_label
    qtbot.waitUntil(lambda: banner.text().startswith("Has issues"), timeout=5000)
    assert banner.text() == "Has issues — Renee Sup: Add the hospital visit time"
    assert banner.property("state") == "has_issues"

    # Approved, then a new response: the banner asks for another review.
    become(session, SUPERVISOR)
    session.tasks.store_op(
        lambda s: reviews.review(s, {"incident_id": incident_id, "state": "approved"})
    ).result(10)
    session.tasks.store_op(
        lambda s: responses.log_action(
            s, {"incident_id": incident_id, "action_type": "family_engagement", "started_at": s.now()}
        )
    ).result(10)
    session.events.data_changed.emit(incident_id)
    qtbot.waitUntil(lambda: banner.text().startswith("Changed since approval — review again"), timeout=5000)


def test_correct_a_response_sends_only_what_changed(make_session, make_window, manual_clock, qtbot):
    session = make_session(clock=manual_clock)
    become(session, SUPERVISOR)

    def seed(s):
        incident_id = seed_incidents(s, 1)[0]
        action_id = responses.log_action(
            s, {"incident_id": incident_id, "action_type": "hospital", "started_at": s.now()}
        )
        return incident_id, action_id

    incident_id, action_id = session.tasks.store_op(seed).result(30)
    window = make_window(session)
    window.open_incident(incident_id)
    tab = window.detail.responses
    qtbot.waitUntil(lambda: tab.log.rowCount() == 1, timeout=5000)
    tab.log.selectRow(0)
    assert tab.correct.isEnabled()
    qtbot.mouseClick(tab.correct, Qt.MouseButton.LeftButton)
    form = tab.form
    assert form.correcting is not None and form.save_button.text() == "Sa&ve correction"
    assert form.changes() == {}
    form.outcome.setCurrentIndex(form.outcome.findData("partial"))
    assert form.changes() == {"outcome": "partial"}
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()
    row = session.tasks.store_op(lambda s: responses.get(s, action_id)).result(5)
    assert (row["outcome"], row["version"]) == ("partial", 2)
    assert form.correcting is None
    qtbot.waitUntil(lambda: tab.log.item(0, 8).text() == "2", timeout=5000)
