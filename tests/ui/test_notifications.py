"""CPD notifications are never lost from view, the alert really plays, and a lost sign-in is
loud and fixable; the status bar names the real reason (a slow hub is "connecting", a retry
time that passed is "retrying now…").

Against a real hub on 127.0.0.1 and real widgets. The sound test hands `AlertSound` a real
program in place of the platform's player (this machine has none), and proves the GUI does not
wait for it.
"""

from __future__ import annotations

import sys
import uuid
import wave
from datetime import UTC, datetime, timedelta

import pytest
import requests
from PySide6.QtCore import Qt

from cvi_desktop.clock import ManualClock
from cvi_desktop.services import notifications, responses
from sync.credentials import get_token, set_token
from sync.engine import events
from tests.ui.data import seed_incidents
from ui.notifier import AlertSound, alert_path, player_command
from ui.sign_in import prefs
from ui.status_bar import SyncView, status_text

pytestmark = pytest.mark.timeout(90)
T = datetime(2026, 11, 1, 20, 2, tzinfo=UTC)  # 14:02 in Chicago


def notify(hub, incident_type: str = "nonfatal_shooting", rd: str = "JB123456", fatal: int = 0) -> str:
    incident_id = str(uuid.uuid4())
    response = requests.post(
        f"{hub.url}/v1/cpd/notifications",
        timeout=10,
        headers={"Authorization": f"Bearer {hub.cpd}"},
        json={
            "id": incident_id,
            "incident_type": incident_type,
            "rd_number": rd,
            "occurred_at": "2026-11-01T17:00:00+00:00",
            "district": "011",
            "beat": "1131",
            "victims_fatal": fatal,
            "victims_nonfatal": 0 if fatal or incident_type.startswith("shots") else 1,
        },
    )
    assert response.status_code in (200, 201), response.text
    return incident_id


# --- the sound ----------------------------------------------------------------------------------


def test_the_bundled_alert_is_a_short_wav_every_player_reads():
    with wave.open(str(alert_path())) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getcomptype()) == (1, 2, "NONE")
        seconds = w.getnframes() / w.getframerate()
    assert 0.3 < seconds < 1.5


def test_the_platform_player_is_chosen_by_what_exists():
    wav = alert_path()
    have = {"paplay": "/usr/bin/paplay", "pw-play": "/usr/bin/pw-play", "aplay": "/usr/bin/aplay"}
    assert player_command(wav, platform="linux", which=have.get) == ["/usr/bin/paplay", str(wav)]
    pipewire_only = {"pw-play": "/usr/bin/pw-play"}
    assert player_command(wav, platform="linux", which=pipewire_only.get) == ["/usr/bin/pw-play", str(wav)]
    alsa_only = {"aplay": "/usr/bin/aplay"}
    assert player_command(wav, platform="linux", which=alsa_only.get) == ["/usr/bin/aplay", "-q", str(wav)]
    assert player_command(wav, platform="linux", which={}.get) is None
    mac = {"afplay": "/usr/bin/afplay"}
    assert player_command(wav, platform="darwin", which=mac.get) == ["/usr/bin/afplay", str(wav)]
    assert player_command(wav, platform="win32", which=have.get) is None  # winsound, in-process


def test_the_alert_plays_in_its_own_process_and_the_gui_does_not_wait(tmp_path, qtbot):
    go, heard = tmp_path / "go", tmp_path / "heard"
    # A stand-in player: waits until told to go, then reads the WAV it was given, like a real one.
    player = (
        "import pathlib, sys, time, wave\n"
        "go, heard, wav = map(pathlib.Path, sys.argv[1:])\n"
        "end = time.monotonic() + 30\n"
        "while not go.exists() and time.monotonic() < end: time.sleep(0.02)\n"
        "with wave.open(str(wav)) as w: heard.write_text(str(w.getnframes()))\n"
    )
    sound = AlertSound([sys.executable, "-c", player, str(go), str(heard), str(alert_path())])
    assert sound.play() == sys.executable
    assert not heard.exists()  # play() returned while the player still waits: nothing blocked
    go.touch()
    qtbot.waitUntil(heard.exists, timeout=10_000)
    assert int(heard.read_text()) > 0


# --- what is new, in the core ---------------------------------------------------------------------


def test_a_notification_is_new_until_opened_and_history_is_not_news(store, clock):
    fresh, old = seed_incidents(store, 2)  # received 40 min and 1 h 40 min ago
    assert notifications.record(store, fresh) is True
    assert notifications.record(store, fresh) is False  # the same one twice rings once
    assert [e["id"] for e in notifications.unopened(store)] == [fresh]
    clock.advance(hours=30)
    # A first sync pulling yesterday's incidents: queued quietly, not a notification.
    assert notifications.record(store, old) is False
    assert [e["id"] for e in notifications.unopened(store)] == [fresh]  # still new a day later
    assert notifications.mark_opened(store, fresh) is True
    assert notifications.mark_opened(store, fresh) is False
    assert notifications.unopened(store) == []


# --- the list, the count and the setting, against a real hub --------------------------------------


def test_every_new_notification_stays_listed_until_opened(hub, team, make_session, make_window, qtbot):
    set_token("sup1", team.tokens["sup"])
    session = make_session("sup1")
    session.connect_hub(hub.url, debounce=600, interval=600)
    window = make_window(session)
    status = window.status
    qtbot.waitUntil(
        lambda: "connecting" not in status.text() and status.text().startswith(("Saved", "Shared")),
        timeout=15_000,
    )
    window.notifier.sound = AlertSound([sys.executable, "-c", "pass"])  # a real, silent player

    # A fatal shooting, then "shots fired" a minute later: both stay in view.
    with qtbot.waitSignal(session.events.notification, timeout=15_000):
        fatal = notify(hub, "fatal_shooting", "JB100001", fatal=1)
    qtbot.waitUntil(lambda: window.banner.count == 1, timeout=5000)
    with qtbot.waitSignal(session.events.notification, timeout=15_000):
        shots = notify(hub, "shots_fired_no_injury", "JB100002")
    qtbot.waitUntil(lambda: window.banner.count == 2 and window.notifier.count == 2, timeout=5000)
    banner = window.banner
    assert banner.isVisible()
    assert banner.title.text() == "<b>2 new CPD notifications</b>"
    kinds = [banner.list.item(i).text().split(" · ")[0] for i in range(2)]
    assert kinds == ["Shots fired, no injury", "Fatal shooting"]  # newest first
    assert banner.list.item(1).font().bold() and not banner.list.item(0).font().bold()
    assert status.alerts.isVisible() and status.alerts.text() == "2 new notifications"
    assert window.notifier.sounds_played == 2 and window.notifier.sound.last_way == sys.executable

    # "Hide" folds the list away; the status bar's count brings it back.
    qtbot.mouseClick(banner.hide_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible() and status.alerts.isVisible()
    qtbot.mouseClick(status.alerts, Qt.MouseButton.LeftButton)
    assert banner.isVisible() and banner.list.hasFocus()

    # Open the fatal one from the list with the keyboard: it leaves; the other stays.
    banner.list.setCurrentRow(1)
    qtbot.keyClick(banner.list, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.incident["id"] == fatal,
        timeout=5000,
    )
    qtbot.waitUntil(lambda: banner.count == 1, timeout=5000)
    assert banner.entries[0]["id"] == shots and status.alerts.text() == "1 new notification"

    # Still new after a restart: a new window on the same profile lists it.
    again = make_window(session)
    qtbot.waitUntil(lambda: again.banner.count == 1, timeout=5000)
    assert again.banner.entries[0]["id"] == shots
    again.close()

    # Selecting it in the queue opens it too: the list empties and goes away.
    qtbot.waitUntil(lambda: window.queue.model.row_of(shots) >= 0, timeout=5000)
    window.queue.select_incident(shots)
    qtbot.waitUntil(lambda: banner.count == 0 and not banner.isVisible(), timeout=5000)
    assert not status.alerts.isVisible()

    # The sound is a per-profile setting in the Incident menu; off, the next one is silent.
    action = window._sound_action
    assert action is not None and action.isChecked()
    action.trigger()
    assert prefs("sup1").value("alert_sound") == "false"
    with qtbot.waitSignal(session.events.notification, timeout=15_000):
        notify(hub, "nonfatal_shooting", "JB100003")
    qtbot.waitUntil(lambda: window.banner.count == 1 and window.notifier.count == 3, timeout=5000)
    assert window.notifier.sounds_played == 2
    later = make_window(session)
    assert later._sound_action is not None and not later._sound_action.isChecked()
    later.close()


# --- the sign-in lost and found again --------------------------------------------------------------


def test_a_lost_sign_in_is_loud_and_signing_in_again_resumes_notifications(
    hub, team, make_session, make_window, qtbot
):
    set_token("sup1", team.tokens["sup"])
    session = make_session("sup1")
    session.connect_hub(hub.url, debounce=600, interval=600)
    window = make_window(session)
    status = window.status
    qtbot.waitUntil(
        lambda: status.text().startswith(("Saved", "Shared")) and "connecting" not in status.text(),
        timeout=15_000,
    )

    # Another copy of the app on this profile took over its keyring entry.
    set_token("sup1", "cvi_taken-over-by-another-copy-of-the-app-000")
    window.session.bridge.request_sync()
    qtbot.waitUntil(window.sign_in_banner.isVisible, timeout=15_000)
    assert "CPD notifications have stopped" in window.sign_in_banner.text.text()
    assert status.text().startswith("Sign-in needed — CPD notifications have stopped")

    # The status bar opens the Sync panel, which offers Sign in too.
    qtbot.mouseClick(status.button, Qt.MouseButton.LeftButton)
    panel = window.sync_panel
    qtbot.waitUntil(lambda: panel.isVisible() and panel.sign_in_box.isVisible(), timeout=5000)
    qtbot.mouseClick(panel.sign_in, Qt.MouseButton.LeftButton)
    dialog = window._sign_in_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.profile.currentText() == "sup1" and not dialog.profile.isEditable()
    assert dialog.profile.count() == 1 and not dialog.demo.isVisible()
    assert dialog.url.text() == hub.url
    qtbot.keyClicks(dialog.token, team.tokens["sup"])
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClick(dialog.token, Qt.Key.Key_Return)
    assert get_token("sup1") == team.tokens["sup"]  # saved to the keyring by the bridge's function

    # Sync resumes by itself: the banners go, and the next notification arrives.
    qtbot.waitUntil(lambda: not window.sign_in_banner.isVisible() and not panel.sign_in_box.isVisible(),
                    timeout=15_000)
    qtbot.waitUntil(lambda: status.text().startswith(("Saved", "Shared")), timeout=10_000)
    with qtbot.waitSignal(session.events.notification, timeout=20_000):
        notify(hub, "nonfatal_shooting", "JB200001")
    qtbot.waitUntil(lambda: window.banner.count == 1, timeout=5000)


# --- the status bar names the real reason ---------------------------------------------------------


def test_status_words_for_connecting_retrying_and_storage():
    assert status_text(SyncView(waiting=2, signed_in=False)) == (
        "Saved on this laptop · 2 waiting to share (not signed in)"
    )
    assert status_text(SyncView(waiting=2, connecting=True)) == (
        "Saved on this laptop · 2 waiting to share · connecting to the hub…"
    )
    offline = SyncView(offline_retry_at=T + timedelta(minutes=3), offline_title="The hub is busy", waiting=1)
    assert status_text(offline, T) == "The hub is busy — retrying at 14:05 · 1 waiting to share"
    passed = T + timedelta(minutes=3)
    assert status_text(offline, passed) == "The hub is busy — retrying now… · 1 waiting to share"
    assert status_text(SyncView(storage_problem="This laptop's disk is full", waiting=1)) == (
        "Sharing stopped — This laptop's disk is full · 1 waiting to share"
    )


def test_a_slow_hub_says_connecting_never_not_signed_in(hub, team, make_session, make_window, qtbot):
    set_token("sup1", team.tokens["sup"])
    session = make_session("sup1")
    def one_waiting(store):
        [incident_id] = seed_incidents(store, 1)
        responses.log_action(store, {"incident_id": incident_id, "action_type": "scene",
                                     "started_at": store.now() - timedelta(minutes=5)})

    # One response waiting to share, and the CPD incident it is under: typed in here, the hub has
    # not seen it, so it goes first (outbox.enqueue).
    session.tasks.store_op(one_waiting).result(10)
    window = make_window(session)
    status = window.status
    qtbot.waitUntil(lambda: "waiting" in status.text(), timeout=5000)
    assert status.text() == "Saved on this laptop · 2 waiting to share (not signed in)"
    hub.server.faults.delay(4.0, route="/v1/health")
    seen: list[str] = []
    session.bridge.any_event.connect(lambda _e: seen.append(status.text()))
    session.connect_hub(hub.url, debounce=600, interval=600)
    assert status.text() == "Saved on this laptop · 2 waiting to share · connecting to the hub…"
    qtbot.waitUntil(lambda: "connecting" not in status.text(), timeout=20_000)
    hub.server.faults.clear()
    assert not any("not signed in" in text for text in seen + [status.text()])


def test_a_retry_time_that_passed_reads_retrying_now(make_session, make_window, qtbot):
    clock = ManualClock(T)
    session = make_session("sup1", clock=clock)
    window = make_window(session)
    status = window.status
    # The engine's own event, through the real bridge, as it arrives from the sync thread.
    session.bridge.deliver(events.Offline(T + timedelta(seconds=30), "Offline", "Check the connection."))
    assert status.text() == "Offline — retrying at 14:02"
    clock.advance(seconds=31)
    qtbot.waitUntil(lambda: status.text() == "Offline — retrying now…", timeout=3000)
    # This laptop's own storage failing is not "offline", and says what to do.
    session.bridge.deliver(
        events.StorageProblem("This laptop's disk is full", "Free some space.", "disk_full", T)
    )
    assert status.text() == "Sharing stopped — This laptop's disk is full"
    assert status.button.toolTip() == "Free some space."
