"""Render the main screens offscreen from a running demo and save PNGs (docs/screenshots).

QT_QPA_PLATFORM=offscreen python -m ui.screenshots docs/screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> int:
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
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="cvi-shots-"))
    hub = demo_mode.start_hub()
    set_token("demo", hub.staff_token)
    session = Session("demo", home=home, actor=demo_mode.DEMO_STAFF, role="supervisor")
    session.open_blocking()
    session.tasks.store_op(lambda s: demo_mode.seed_profile(s, hub, datetime.now(UTC))).result(120)
    session.connect_hub(hub.url, debounce=600)
    window = MainWindow(session, idle_timeout_s=0, demo=True)
    window.resize(1360, 860)
    window.start()
    window.show()
    wait_until(lambda: window.queue.model.total is not None)
    import random

    incident = demo_mode.post_notification(
        hub.server, demo_mode.notification(random.Random(7), datetime.now(UTC))
    )
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


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
