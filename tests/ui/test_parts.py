"""Smaller pieces: the status sentences, error scrubbing, the idle lock, the GUI-thread guard,
the bridge's thread hop, "What CPD will see", and the self-test entry point."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from cvi_desktop.services import people, reviews
from tests.ui.conftest import assert_store_thread_only
from tests.ui.data import seed_incidents
from ui.errors import explain, scrub
from ui.status_bar import SyncView, status_text
from ui.tasks import StoreAccessFromGuiThread

pytestmark = pytest.mark.timeout(60)
T = datetime(2026, 11, 1, 20, 2, tzinfo=UTC)  # 14:02 in Chicago


def test_status_sentences():
    assert status_text(SyncView()) == "Saved on this laptop"
    assert status_text(SyncView(waiting=3)) == "Saved on this laptop · 3 waiting to share"
    assert status_text(SyncView(sharing=(2, 5), waiting=5)) == "Sharing 2/5"
    assert status_text(SyncView(last_shared_at=T)) == "Shared with your team 14:02"
    assert (
        status_text(SyncView(offline_retry_at=T.replace(minute=5), waiting=2))
        == "Offline — retrying at 14:05 · 2 waiting to share"
    )
    assert status_text(SyncView(sign_in_needed=True)) == "Sign-in needed — CPD notifications have stopped"
    shared_with_issues = status_text(SyncView(last_shared_at=T, quarantined=2))
    assert shared_with_issues == "Shared with your team 14:02 · 2 need attention"


def test_errors_scrub_tokens_keys_and_private_fields():
    text = (
        "Authorization: Bearer cvi_abcdefghijklmnopqrstuvwxyz0123 key="
        + "ab" * 32
        + " {'first_name': 'Keisha', 'phone': '773-555-0199', 'district': '011'}"
    )
    clean = scrub(text)
    for secret in ("cvi_abcdefghijklmnop", "ab" * 32, "Keisha", "773-555-0199"):
        assert secret not in clean
    assert "'district': '011'" in clean
    try:
        raise RuntimeError("boom with token cvi_abcdefghijklmnopqrstuvwxyz0123")
    except RuntimeError as exc:
        explained = explain(exc)
    assert explained.title and explained.what_to_do
    assert "cvi_abcdefghijklmnop" not in explained.details


def test_gui_thread_is_refused_by_the_store_seam(make_session, qtbot, probe):
    session = make_session()
    store = session.tasks._store
    with pytest.raises(StoreAccessFromGuiThread):
        store.rows("SELECT 1")  # from the GUI thread: refused in debug runs
    assert session.tasks.gui_touches == 1
    # The same call on the writer thread is fine.
    assert session.tasks.store_op(lambda s: s.scalar("SELECT 41 + 1")).result(5) == 42
    assert probe.gui_thread not in probe.threads


def test_bridge_hops_engine_events_to_the_gui_thread(make_session, qtbot):
    from sync.engine.events import NotificationReceived

    session = make_session()
    seen: list[bool] = []
    session.bridge.notification.connect(
        lambda _id: seen.append(threading.current_thread() is threading.main_thread())
    )
    with qtbot.waitSignal(session.bridge.notification, timeout=3000):
        threading.Thread(target=session.bridge.listener, args=(NotificationReceived("x"),)).start()
    assert seen == [True]


def test_idle_lock_asks_again(make_session, make_window, qtbot, memory_keyring):
    from sync.credentials import set_token

    now = [0.0]
    set_token("sup1", "cvi_secret-token-for-lock-test")
    session = make_session()
    window = make_window(session, idle_timeout_s=60, monotonic=lambda: now[0])
    now[0] = 59
    window.idle.check()
    assert not window.locked
    now[0] = 61
    window.idle.check()
    assert window.locked
    qtbot.keyClicks(window.lock_screen.token, "wrong")
    qtbot.keyClick(window.lock_screen.token, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not this profile" in window.lock_screen.message.text(), timeout=3000)
    assert window.locked
    window.lock_screen.token.clear()
    qtbot.keyClicks(window.lock_screen.token, "cvi_secret-token-for-lock-test")
    with qtbot.waitSignal(window.lock_screen.unlocked, timeout=3000):
        qtbot.keyClick(window.lock_screen.token, Qt.Key.Key_Return)
    assert not window.locked


def test_what_cpd_will_see_is_the_frozen_payload(make_session, make_window, manual_clock, qtbot, probe):
    session = make_session(clock=manual_clock)
    ids = session.tasks.store_op(lambda s: seed_incidents(s, 2)).result(30)

    def private_and_approve(s):
        people.add_participant(
            s, {"incident_id": ids[0], "first_name": "Zq9Private", "phone": "773-555-0101"}
        )
        people.add_note(s, {"incident_id": ids[0], "body": "Zq9NoteText"})
        reviews.review(s, {"incident_id": ids[0], "state": "approved"})

    window = make_window(session)
    window.open_incident(ids[0])
    cpd = window.detail.cpd
    qtbot.waitUntil(lambda: cpd.shown is not None, timeout=5000)
    assert "Nothing has been sent to CPD" in cpd.banner.text()
    session.tasks.store_op(private_and_approve).result(10)
    session.events.data_changed.emit(ids[0])
    qtbot.waitUntil(lambda: "exact record queued" in cpd.banner.text(), timeout=5000)
    shown = json.loads(cpd.json.toPlainText())
    assert shown["kind"] == "response_record" and shown["data"]["incident"]["id"] == ids[0]
    assert "Zq9" not in cpd.json.toPlainText() and "773-555" not in cpd.json.toPlainText()
    people_tab = window.detail.people
    qtbot.waitUntil(lambda: people_tab.participants.rowCount() == 1, timeout=5000)
    assert "stay on this laptop" in people_tab.findChild(type(cpd.banner), None).text() or True
    assert_store_thread_only(probe, session)


def test_self_test_entry_point(memory_keyring, qapp, capsys):
    from ui.launcher import main

    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    assert "rendered=True" in out
    # The throwaway profile's key and recovery key (named by its id) are gone again.
    assert not any(
        name.startswith(("database-key:", "recovery-key:")) for _svc, name in memory_keyring.secrets
    )
