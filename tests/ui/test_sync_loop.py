"""The whole loop against a real hub on 127.0.0.1: sign in, a CPD notification arrives, a
response is logged with the keyboard and goes from waiting to shared, the hub goes away and comes
back, and a record the hub refused is resolved from the Sync panel."""

from __future__ import annotations

import uuid

import pytest
import requests
from PySide6.QtCore import Qt

from sync.credentials import get_token, set_token
from tests.ui.conftest import assert_store_thread_only
from ui.queue_model import STATE_ROLE
from ui.sign_in import SignInDialog
from ui.sync_bridge import check_hub, save_sign_in, saved_token

pytestmark = pytest.mark.timeout(90)


def notify(hub, district: str = "011") -> str:
    incident_id = str(uuid.uuid4())
    response = requests.post(
        f"{hub.url}/v1/cpd/notifications",
        timeout=10,
        headers={"Authorization": f"Bearer {hub.cpd}"},
        json={
            "id": incident_id,
            "incident_type": "nonfatal_shooting",
            "rd_number": "JB123456",
            "occurred_at": "2026-11-01T17:00:00+00:00",
            "district": district,
            "beat": "1131",
            "victims_nonfatal": 1,
        },
    )
    assert response.status_code in (200, 201), response.text
    return incident_id


def test_sign_in_checks_the_hub_and_keeps_the_token_in_the_keyring(hub, team, make_session, qtbot, tmp_path):
    session = make_session()  # only for its task manager (network pool)
    dialog = SignInDialog(
        session.tasks,
        checker=check_hub,
        save_token=save_sign_in,
        saved_token=saved_token,
        home=tmp_path / "nobody",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.profile.setCurrentText("renee")
    qtbot.keyClicks(dialog.url, hub.url)
    qtbot.keyClicks(dialog.token, "cvi_not-a-real-token-at-all")
    qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.sign_in.isEnabled() and bool(dialog.message.text()), timeout=10_000)
    assert "Sign-in needed" in dialog.message.text(), dialog.message.text()
    assert "cvi_not" not in dialog.message.text()
    assert get_token("renee") is None

    dialog.token.clear()
    qtbot.keyClicks(dialog.token, team.tokens["sup"])
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClick(dialog.token, Qt.Key.Key_Return)
    assert dialog.result_value is not None and dialog.result_value.hub_url == hub.url
    assert get_token("renee") == team.tokens["sup"]


def test_notification_response_shared_offline_and_quarantine(
    hub, team, make_session, make_window, qtbot, probe
):
    set_token("sup1", team.tokens["sup"])
    session = make_session("sup1")
    # A long debounce: records wait until "Share now", so each state can be seen.
    session.connect_hub(hub.url, debounce=600, interval=600)
    window = make_window(session)
    status = window.status
    qtbot.waitUntil(lambda: status.text().startswith(("Saved on this laptop", "Shared")), timeout=10_000)

    # 1. CPD notifies; the live channel brings it; the bell rings; clicking opens it.
    with qtbot.waitSignal(session.events.notification, timeout=15_000) as ring:
        incident_id = notify(hub)
    assert ring.args == [incident_id]
    qtbot.waitUntil(lambda: window.banner.isVisible() and window.notifier.count == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.queue.model.row_of(incident_id) >= 0, timeout=5000)
    qtbot.mouseClick(window.banner.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.incident["id"] == incident_id,
        timeout=5000,
    )
    assert "JB123456" in window.detail.title.text()

    # 2. Log a hospital response with the keyboard alone.
    form = window.detail.responses.form
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(form.action_type.hasFocus, timeout=3000)
    qtbot.keyClicks(form.action_type, "Hos")  # type-ahead picks "Hospital response"
    assert form.action_type.currentData() == "hospital"
    qtbot.keyClick(form.minutes, Qt.Key.Key_Up)  # duration: +15 min; time, staff, outcome keep defaults
    assert form.minutes.value() == 15
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        qtbot.keyClick(form.minutes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    action_id = saved.args[0]
    qtbot.waitUntil(lambda: status.text() == "Saved on this laptop · 1 waiting to share", timeout=5000)
    row = window.queue.model.row_of(incident_id)
    qtbot.waitUntil(
        lambda: (
            window.queue.model.index(window.queue.model.row_of(incident_id), 0).data(STATE_ROLE) == "pending"
        ),
        timeout=5000,
    )
    assert row >= 0

    # 3. Share now: waiting → shared.
    qtbot.mouseClick(status.share, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status.text().startswith("Shared "), timeout=15_000)
    qtbot.waitUntil(
        lambda: (
            window.queue.model.index(window.queue.model.row_of(incident_id), 0).data(STATE_ROLE)
            == "shared_team"
        ),
        timeout=5000,
    )
    assert action_id

    # 4. Offline: the hub goes away. Saving still works; a sync I ask for explains itself.
    hub.server.stop()
    form.reset(incident_id, "family_engagement")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    with qtbot.waitSignal(session.bridge.demand_failed, timeout=20_000) as failed:
        window.share_now()
    assert failed.args[0] == "Offline"
    qtbot.waitUntil(
        lambda: (
            status.text().startswith("Offline — retrying at ")
            and status.text().endswith("1 waiting to share")
        ),
        timeout=10_000,
    )
    hub.restart()
    window.share_now()
    qtbot.waitUntil(lambda: status.text().startswith("Shared "), timeout=20_000)

    # 5. The hub refuses a record: it is set aside, shown, and retried from the Sync panel.
    form.reset(incident_id, "mediation")
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save()
    hub.server.faults.poison(saved.args[0])
    window.share_now()
    qtbot.waitUntil(lambda: "1 needs attention" in status.text(), timeout=20_000)
    qtbot.mouseClick(status.button, Qt.MouseButton.LeftButton)
    panel = window.sync_panel
    qtbot.waitUntil(lambda: panel.isVisible() and panel.quarantined.rowCount() == 1, timeout=5000)
    assert "bad_request" in panel.quarantined.item(0, 2).text()
    hub.server.faults.clear()
    qtbot.mouseClick(panel.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.quarantined.rowCount() == 0, timeout=5000)
    qtbot.mouseClick(panel.share, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: status.text().startswith("Shared ") and "attention" not in status.text(), timeout=20_000
    )

    # The GUI thread never ran a statement; the sync engine's SQL ran on the writer thread too.
    assert_store_thread_only(probe, session)
    assert session.bridge.other_thread_deliveries == 0
