"""The recovery kit as a person meets it in the app, with real widgets (offscreen), a real
SQLCipher profile opened through the keyring path, and the in-memory keyring.

* a new profile shows its recovery key once, until the person says it is written down;
* File ▸ Recovery key… shows it again only after the hub token is re-entered;
* after the keyring is lost, the launcher offers the recovery dialog instead of an error, and the
  profile opens with every note.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cvi_desktop import recovery
from cvi_desktop.paths import ensure_identity
from cvi_desktop.services import incidents, people
from cvi_desktop.store import open_profile
from ui.error_dialog import ErrorDialog
from ui.launcher import offer_recovery, show_main_window, show_new_recovery_key
from ui.main_window import MainWindow
from ui.recovery_dialog import RecoverDialog, RecoveryKeyDialog
from ui.session import Session

pytestmark = pytest.mark.timeout(90)
SHOTS = os.environ.get("CVI_SHOTS")  # a folder: save what the dialogs look like there

INCIDENT = {
    "source": "self",
    "incident_type": "shots_fired_no_injury",
    "district": "011",
    "occurred_at": "2026-11-01T10:00:00-06:00",
}


@pytest.fixture
def home(tmp_path: Path, memory_keyring: object, monkeypatch: pytest.MonkeyPatch) -> Path:
    # As the launcher does with --home: one data folder for the whole process.
    folder = tmp_path / "home"
    monkeypatch.setenv("CVI_DESKTOP_HOME", str(folder))
    return folder


@pytest.fixture
def launch(qtbot, home: Path) -> Iterator[Callable[..., MainWindow]]:
    """The launcher's open: window first, then the profile through the keyring path."""
    sessions: list[Session] = []

    def start(profile: str, on_opened: Callable[[MainWindow], None],
              on_refused: Callable[[BaseException], None] = lambda exc: pytest.fail(str(exc))) -> MainWindow:
        session = Session(profile, home=home)
        sessions.append(session)
        holder: list[MainWindow] = []
        window = show_main_window(
            session,
            idle_timeout_s=0,
            on_opened=lambda: on_opened(holder[0]),
            on_open_failure=lambda exc: offer_recovery(
                holder[0], exc, on_opened=lambda: on_opened(holder[0]), on_refused=on_refused
            ),
        )
        holder.append(window)
        qtbot.addWidget(window)
        window.resize(1024, 700)
        return window

    yield start
    for session in sessions:
        session.close()


def _dialog(window: MainWindow, kind: type) -> object | None:
    found = [d for d in window.findChildren(kind) if d.isVisible()]
    return found[-1] if found else None


def _shot(widget: object, name: str) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # let the layout take the text just set
    image = widget.grab()  # type: ignore[attr-defined]
    assert not image.isNull() and image.width() >= 600
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(SHOTS) / name))


def test_a_new_profile_shows_its_recovery_key_once(launch, qtbot, home: Path) -> None:
    shown: list[RecoveryKeyDialog | None] = []
    window = launch("alice", lambda w: shown.append(show_new_recovery_key(w)))
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    dialog = shown[0]
    assert isinstance(dialog, RecoveryKeyDialog) and dialog.isVisible()
    expected = recovery.saved_recovery_key("alice", home)
    qtbot.waitUntil(lambda: dialog.key.text() == expected, timeout=5_000)
    assert dialog.current_page() == 1  # no token asked the first time
    _shot(window, "window-with-new-key.png")
    _shot(dialog, "recovery-key-first-time.png")
    assert not dialog.done_button.isEnabled()  # not before they say it is written down
    dialog.written.setChecked(True)
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert not recovery.needs_showing("alice", home)
    assert show_new_recovery_key(window) is None  # once


def test_closing_without_writing_it_down_shows_it_again_next_start(launch, qtbot, home: Path) -> None:
    shown: list[RecoveryKeyDialog | None] = []
    launch("bob", lambda w: shown.append(show_new_recovery_key(w)))
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    shown[0].reject()  # Escape or the window's close button
    assert recovery.needs_showing("bob", home)


def test_recovery_key_again_only_after_the_hub_token(launch, qtbot, home: Path) -> None:
    from sync.credentials import set_token

    ensure_identity("alice", home)  # as the sign-in does before saving the token
    set_token("alice", "cvi_alice-token")
    opened: list[MainWindow] = []
    window = launch("alice", opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    [action] = [a for a in window.menuBar().actions()[0].menu().actions() if "Recovery" in a.text()]
    action.trigger()
    dialog = _dialog(window, RecoveryKeyDialog)
    assert dialog is not None and dialog.current_page() == 0
    assert recovery.saved_recovery_key("alice", home) not in dialog.key.text()
    qtbot.keyClicks(dialog.token, "cvi_someone-else")
    qtbot.keyClick(dialog.token, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not this profile" in dialog.confirm_message.text(), timeout=5_000)
    _shot(dialog, "recovery-key-confirm-refused.png")
    assert dialog.current_page() == 0 and dialog.token.text() == ""
    qtbot.keyClicks(dialog.token, "cvi_alice-token")
    qtbot.keyClick(dialog.token, Qt.Key.Key_Return)
    expected = recovery.saved_recovery_key("alice", home)
    qtbot.waitUntil(lambda: dialog.key.text() == expected, timeout=5_000)
    _shot(dialog, "recovery-key-again.png")


def test_lost_keyring_offers_recovery_and_every_note_comes_back(
    launch, qtbot, home: Path, memory_keyring
) -> None:
    with open_profile("alice", home=home) as store:
        incident_id = incidents.record_incident(store, INCIDENT)
        for n in range(12):
            people.add_note(store, {"incident_id": incident_id, "body": f"note {n}"})
    recovery.mark_shown("alice", home)
    written_down = recovery.saved_recovery_key("alice", home)
    memory_keyring.secrets.clear()  # the keyring was reset

    opened: list[MainWindow] = []
    refused: list[BaseException] = []
    window = launch("alice", opened.append, refused.append)
    qtbot.waitUntil(lambda: _dialog(window, RecoverDialog) is not None, timeout=20_000)
    dialog = _dialog(window, RecoverDialog)
    assert isinstance(dialog, RecoverDialog)
    qtbot.wait(300)  # the window's first reads, queued behind the failed open, fail quietly
    assert _dialog(window, ErrorDialog) is None  # no "Something went wrong" stacked behind it
    _shot(dialog, "recover-dialog.png")
    typo = written_down[:1] + ("Z" if written_down[1] != "Z" else "Y") + written_down[2:]
    qtbot.keyClicks(dialog.key, typo)
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
    assert "group 1" in dialog.message.text() and not dialog.recovered
    _shot(dialog, "recover-typo.png")
    dialog.key.clear()
    qtbot.keyClicks(dialog.key, written_down)
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
    assert dialog.recovered and refused == []
    qtbot.waitUntil(lambda: window.queue.model.total == 1, timeout=10_000)  # the queue loads again
    notes = window.session.tasks.store_op(lambda s: people.notes_for(s, incident_id)).result(10)
    assert sorted(n["body"] for n in notes) == sorted(f"note {n}" for n in range(12))


def test_cancelled_recovery_is_refused_with_the_message(launch, qtbot, home: Path, memory_keyring) -> None:
    with open_profile("alice", home=home) as store:
        incidents.record_incident(store, INCIDENT)
    memory_keyring.secrets.clear()
    refused: list[BaseException] = []
    window = launch("alice", lambda _w: pytest.fail("opened without a key"), refused.append)
    qtbot.waitUntil(lambda: _dialog(window, RecoverDialog) is not None, timeout=20_000)
    _dialog(window, RecoverDialog).reject()
    qtbot.waitUntil(lambda: bool(refused), timeout=5_000)
    assert "recovery key" in str(refused[0])


def test_same_profile_name_in_two_data_folders_keeps_two_sign_ins(
    hub, team, make_session, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The launcher's sign-in (real hub) for "renee" in two folders: neither overwrites the other."""
    from sync.credentials import get_token
    from ui.launcher import sign_in_saver
    from ui.sign_in import SignInDialog
    from ui.sync_bridge import check_hub, save_sign_in, saved_token

    session = make_session()  # for its task manager (network pool)
    for folder, token in (("first", team.tokens["sup"]), ("second", team.tokens["w1"])):
        home = tmp_path / folder
        monkeypatch.setenv("CVI_DESKTOP_HOME", str(home))  # what --home does in the launcher
        dialog = SignInDialog(session.tasks, checker=check_hub, save_token=sign_in_saver(home, save_sign_in),
                              saved_token=saved_token, home=home)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.profile.setCurrentText("renee")
        dialog.url.clear()  # (the hub address is remembered per profile name in QSettings)
        qtbot.keyClicks(dialog.url, hub.url)
        qtbot.keyClicks(dialog.token, token)
        qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda d=dialog: d.result_value is not None or d.sign_in.isEnabled(), timeout=10_000)
        assert dialog.result_value is not None, dialog.message.text()
    assert get_token("renee", home=tmp_path / "first") == team.tokens["sup"]
    assert get_token("renee", home=tmp_path / "second") == team.tokens["w1"]
