"""Render the main screens offscreen from a running demo and save PNGs (docs/screenshots).

QT_QPA_PLATFORM=offscreen python -m ui.screenshots FOLDER [WIDTHxHEIGHT] [--scaled | --high-contrast]
                                                   [--lang es]

The window is the given size (default 1366x768, a common laptop screen). The same run also
shoots the main window at 1024x700 (a small laptop) and 1920x1080 (16-18), the queue's empty
state (19). `--high-contrast` starts with a high-contrast palette and shoots only 22;
`--scaled` runs at 150 % (QT_SCALE_FACTOR=1.5; give the size in logical pixels, e.g. 1280x720
for a 1920x1080 screen) and shoots only 23. (20-21 are the monthly review's.) `--lang es` shows
the app in Spanish and shoots only 25-28: the main screen, the response form, the review queue
and the team caseload.
A second profile, a worker's on "another laptop", logs a response through the same hub, so the
team screens show a teammate's record arriving by sync, as they would in use.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(
    out: Path,
    size: tuple[int, int] = (1366, 768),
    *,
    scaled: bool = False,
    contrast: bool = False,
    lang: str = "",
) -> int:
    if scaled:
        # Before the application exists: Qt reads it once, at start.
        os.environ["QT_SCALE_FACTOR"] = "1.5"
    import keyring
    import keyring.backend

    class ThrowawayKeyring(keyring.backend.KeyringBackend):
        """Screenshots never touch the person's real keyring."""

        priority = 1  # type: ignore[assignment]
        secrets: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.secrets.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.secrets[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.secrets.pop((service, username), None)

    from cvi_desktop.store import keys

    keys.trust_backend_type(ThrowawayKeyring)
    keyring.set_keyring(ThrowawayKeyring())

    from sync.credentials import set_token

    from . import demo_mode
    from .error_dialog import ErrorDialog
    from .errors import Explained
    from .launcher import make_app, wait_until
    from .main_window import MainWindow
    from .session import Session
    from .sign_in import SignInDialog
    from .sync_bridge import check_hub, save_sign_in, saved_token

    app = make_app(["screenshots"])
    from .language import apply_language

    apply_language(lang or "en")
    if contrast:
        high_contrast(app)
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="cvi-shots-"))
    hub = demo_mode.start_hub()
    set_token("demo", hub.staff_token)
    teammate_token = add_team(hub.folder / "hub.sqlite3")
    session = Session("demo", home=home, actor=demo_mode.DEMO_STAFF)
    session.open_blocking()
    session.connect_hub(hub.url, debounce=600)
    window = MainWindow(session, idle_timeout_s=0, demo=True)
    window.resize(*size)
    window.start()
    window.show()
    wait_until(lambda: window.queue.model.total is not None)
    # The hub says who this is (a supervisor) on the first sync; the Team menu appears then.
    wait_until(lambda: session.ctx.identity_known, 15_000)
    import random

    # Two notifications a minute apart: the list keeps both until each is opened, so after the
    # newest is opened the other still shows, with its count.
    rng = random.Random(7)
    earlier = datetime.now(UTC) - timedelta(minutes=1)
    demo_mode.post_notification(hub.server, demo_mode.notification(rng, earlier))
    incident = demo_mode.post_notification(hub.server, demo_mode.notification(rng, datetime.now(UTC)))
    wait_until(lambda: window.banner.isVisible(), 15_000)
    wait_until(lambda: False, 1500)
    from cvi_desktop import outbox

    reasons = session.tasks.store_op(
        lambda s: sorted({r["last_error"][:60] for r in outbox.quarantined(s)})
    ).result(10)
    print("quarantine reasons in the demo:", reasons)

    def shot(widget: object, name: str) -> None:
        app.processEvents()
        widget.grab().save(str(out / name))  # type: ignore[attr-defined]
        print(out / name)

    window.open_incident(incident)
    wait_until(lambda: window.detail.detail is not None)
    if scaled or contrast:
        name = "23-scaled-150" if scaled else "22-high-contrast"
        window.banner.hide()
        shot(window, f"{name}-queue.png")
        window.detail.show_tab(window.detail.cpd)
        shot(window, f"{name}-what-cpd-will-see.png")
        window.close()
        session.close()
        return 0
    if lang:
        language_shots(window, session, hub, home, teammate_token, shot, size, lang)
        window.close()
        session.close()
        return 0
    shot(window, "01-queue-and-new-notification.png")
    window.banner.hide()
    window.queue.select_incident(window.queue.model.incident_id(5))
    wait_until(lambda: False, 800)
    window.detail.show_tab(window.detail.responses)
    shot(window, "02-incident-responses.png")
    window.detail.show_tab(window.detail.facts)
    shot(window, "03-cpd-facts-and-corrections.png")
    window.detail.show_tab(window.detail.casework)
    shot(window, "04-referrals-followups.png")
    window.detail.show_tab(window.detail.people)
    shot(window, "05-people-and-notes-private.png")
    window.detail.show_tab(window.detail.cpd)
    shot(window, "06-what-cpd-will-see.png")
    layout_shots(window, shot, size)
    team_shots(window, session, hub, home, teammate_token, shot, size)
    # Work saved while the hub is down, so the sync panel has something to show: the hub goes
    # away, two changes are saved, and the automatic sync tries and fails quietly (as it does).
    from cvi_desktop.services import casework, responses

    hub.stop()
    chosen = window.detail.incident_id or incident

    def offline_work(s: object) -> None:
        responses.log_action(s, {"incident_id": chosen, "action_type": "family_engagement",
                                 "started_at": datetime.now(UTC)})
        casework.add_referral(s, {"incident_id": chosen, "category": "victim_services",
                                  "provider": "Demo Victim Services"})

    session.tasks.store_op(offline_work).result(10)
    session.bridge.request_sync()
    wait_until(lambda: False, 2500)
    window.show_sync_panel()
    wait_until(lambda: window.sync_panel.waiting.rowCount() > 0, 5000)
    shot(window.sync_panel, "07-sync-panel.png")
    window.sync_panel.hide()
    window.lock()
    shot(window, "08-locked.png")
    window.unlock()
    dialog = SignInDialog(
        session.tasks, checker=check_hub, save_token=save_sign_in, saved_token=saved_token, home=home
    )
    dialog.profile.setCurrentText("demo")
    dialog.url.setText("https://hub.example.org")
    dialog.show()
    shot(dialog, "09-sign-in.png")
    dialog.close()
    error = ErrorDialog(
        Explained(
            "The hub cannot be reached",
            "Your work is saved on this laptop and will be shared when the hub is reachable.",
            "HubUnreachable: connection refused",
        )
    )
    error.show()
    error.toggle.setChecked(True)
    shot(error, "10-error-dialog.png")
    error.close()
    window.close()
    session.close()
    return 0


def language_shots(
    window: Any, session: Any, hub: Any, home: Path, token: str, shot: Any, size: tuple[int, int], lang: str
) -> None:
    """25-28 in another language: the main screen with its new notifications, an incident's
    response form, the review queue and the team caseload (`team_shots`, renamed)."""
    from .launcher import wait_until

    shot(window, f"25-{lang}-main.png")
    window.banner.hide()
    window.queue.select_incident(window.queue.model.incident_id(5))
    wait_until(lambda: False, 800)
    window.detail.show_tab(window.detail.responses)
    shot(window, f"26-{lang}-response-form.png")
    names = {
        "14-review-queue.png": f"27-{lang}-review-queue.png",
        "11-team-caseload.png": f"28-{lang}-team-caseload.png",
    }

    def renamed(widget: object, name: str) -> None:
        if name in names:
            shot(widget, names[name])

    team_shots(window, session, hub, home, token, renamed, size)


def layout_shots(window: Any, shot: Any, size: tuple[int, int]) -> None:
    """16-18: the same incident at a small laptop's size, the People tab there (its form in
    view), and a desktop monitor's; 19: a filter that matches nothing."""
    from .launcher import wait_until

    detail = window.detail
    window.resize(1024, 700)
    wait_until(lambda: False, 300)
    detail.show_tab(detail.responses)
    shot(window, "16-laptop-1024x700.png")
    detail.show_tab(detail.people)
    shot(window, "17-laptop-1024x700-people.png")
    window.resize(1920, 1080)
    wait_until(lambda: False, 300)
    detail.show_tab(detail.cpd)
    detail.cpd.toggle.setChecked(True)
    wait_until(lambda: False, 200)  # the tab scrolls the data into view
    shot(window, "18-desktop-1920x1080-exact-data.png")
    detail.cpd.toggle.setChecked(False)
    window.resize(*size)
    queue = window.queue
    queue.search.setText("no such incident")
    queue.apply_filters()
    wait_until(lambda: queue.clear_filters.isVisible(), 5000)
    shot(window, "19-no-incidents-match.png")
    queue.reset_filters()
    wait_until(lambda: queue.model.rowCount() > 0, 5000)
    detail.show_tab(detail.responses)


def high_contrast(app: Any) -> None:
    """A high-contrast palette (white on black, yellow selection), as a person with low vision
    sets their desktop before starting the app: the style sheet takes its colours from it."""
    from PySide6.QtGui import QColor, QPalette

    contrast = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#000000"),
        (QPalette.ColorRole.WindowText, "#ffffff"),
        (QPalette.ColorRole.Base, "#000000"),
        (QPalette.ColorRole.AlternateBase, "#202020"),
        (QPalette.ColorRole.Text, "#ffffff"),
        (QPalette.ColorRole.Button, "#000000"),
        (QPalette.ColorRole.ButtonText, "#ffffff"),
        (QPalette.ColorRole.BrightText, "#ffff00"),
        (QPalette.ColorRole.Highlight, "#ffff00"),
        (QPalette.ColorRole.HighlightedText, "#000000"),
        (QPalette.ColorRole.PlaceholderText, "#d8d8d8"),
        (QPalette.ColorRole.Light, "#ffffff"),
        (QPalette.ColorRole.Midlight, "#c0c0c0"),
        (QPalette.ColorRole.Mid, "#c0c0c0"),
        (QPalette.ColorRole.Dark, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, "#000000"),
        (QPalette.ColorRole.ToolTipText, "#ffffff"),
    ):
        contrast.setColor(role, QColor(colour))
    app.setPalette(contrast)


def add_team(hub_db: Path) -> str:
    """The demo organisation's staff on the hub (as its admin would add them), and a token for
    Dana Jackson's laptop."""
    from cvi_desktop.demo import DEMO_STAFF
    from sync.hub import admin

    from . import demo_mode

    for staff_id, name, role in DEMO_STAFF:
        admin.add_staff(hub_db, demo_mode.DEMO_ORG, staff_id, name, role)
    return admin.create_token(hub_db, "staff", org_id=demo_mode.DEMO_ORG, staff_id="w-jackson", label="Dana")


def team_shots(
    window: Any, session: Any, hub: Any, home: Path, token: str, shot: Any, size: tuple[int, int]
) -> None:
    """14: the review queue; 15: a teammate's response arriving in the open incident; 11: the
    team caseload. Dana's laptop is a second profile syncing through the same hub."""
    from cvi_desktop.services import responses
    from sync.credentials import set_token

    from .launcher import wait_until
    from .session import Session

    set_token("dana", token)
    dana = Session("dana", home=home, actor="w-jackson")
    dana.open_blocking()
    dana.connect_hub(hub.url, debounce=0.3)
    chosen = window.detail.incident_id
    wait_until(
        lambda: dana.tasks.store_op(
            lambda s: s.scalar("SELECT count(*) FROM incidents WHERE id = ?", [chosen])
        ).result(5) == 1,
        20_000,
    )
    dana.tasks.store_op(
        lambda s: responses.log_action(
            s,
            {"incident_id": chosen, "action_type": "hospital", "staff_count": 2,
             "started_at": datetime.now(UTC) - timedelta(minutes=40),
             "ended_at": datetime.now(UTC) - timedelta(minutes=10)},
        )
    ).result(10)
    arrived: list[tuple[str, ...]] = []
    session.bridge.team_records.connect(arrived.append)
    dana.bridge.request_sync()
    wait_until(lambda: False, 1500)
    session.bridge.request_sync()
    wait_until(lambda: any(chosen in ids for ids in arrived), 20_000)
    detail = window.detail
    wait_until(lambda: any(r.get("origin") == "team" for r in detail.responses.log.rows), 5000)
    detail.show_tab(detail.responses)
    row = next(i for i, r in enumerate(detail.responses.log.rows) if r.get("origin") == "team")
    detail.responses.log.selectRow(row)
    # The log is under the form: give the detail more room and scroll to it, as a person would
    # to read what arrived.
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sum(sizes) * 3 // 10, sum(sizes) * 7 // 10])
    wait_until(lambda: False, 200)
    area = detail._scrolled[detail.responses]
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    shot(window, "15-teammate-response.png")
    window.splitter.setSizes(sizes)

    queue = window.review_queue
    queue.resize(min(1000, size[0] - 24), min(640, size[1] - 40))
    window.show_review_queue()
    wait_until(lambda: queue.snapshot is not None and queue.preview is not None, 10_000)
    ids = [r["incident_id"] for r in queue.table.rows]
    if chosen in ids:
        queue.table.selectRow(ids.index(chosen))
        wait_until(lambda: queue.preview is not None and queue.preview.incident_id == chosen, 5000)
    # What a supervisor would type, in the language the screenshots are in (demo input).
    from .language import current_language

    comment = {"es": "Agregue la hora en que llegó al hospital."}
    queue.comment.setPlainText(comment.get(current_language(), "Add the time you reached the hospital."))
    shot(queue, "14-review-queue.png")
    queue.hide()

    window.show_team()
    team = window._team
    team.resize(min(960, size[0] - 24), min(680, size[1] - 40))
    wait_until(lambda: team.snapshot is not None, 10_000)
    wait_until(lambda: False, 300)
    shot(team, "11-team-caseload.png")
    team.hide()
    dana.close()


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    wanted = sys.argv[2] if len(sys.argv) > 2 and "x" in sys.argv[2] else "1366x768"
    width, height = (int(n) for n in wanted.lower().split("x"))
    chosen = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else ""
    raise SystemExit(
        main(
            folder,
            (width, height),
            scaled="--scaled" in sys.argv,
            contrast="--high-contrast" in sys.argv,
            lang=chosen,
        )
    )
