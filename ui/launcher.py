"""The app entry point: `main(argv)`.

cvi-desktop-gui                 sign in (or pick a profile), then the main window
cvi-desktop-gui --demo          a hub on 127.0.0.1, a seeded demo profile, a notification
                                every few minutes (what `make run` calls)
cvi-desktop-gui --self-test     for the frozen app: store + keyring + offscreen render, exit 0
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from .resources import icon, load_translator, style_sheet


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvi-desktop-gui", description="cvi-desktop for outreach teams")
    parser.add_argument("--demo", action="store_true", help="run a local demo hub with seeded data")
    parser.add_argument("--self-test", action="store_true", help="check store, keyring and rendering; exit")
    parser.add_argument("--profile", help="open this profile (asks for its token)")
    parser.add_argument("--home", type=Path, help="data folder (default: the platform's user data folder)")
    parser.add_argument(
        "--idle-minutes", type=float, default=15.0, help="lock after this idle time (0: never)"
    )
    parser.add_argument(
        "--notify-every", type=float, default=3.0, help="demo: minutes between CPD notifications"
    )
    return parser


def make_app(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scale factors (150 %) render crisply instead of being rounded.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(list(argv))
    app.setApplicationName("cvi-desktop")
    app.setOrganizationName("cvi")
    app.setApplicationDisplayName("cvi-desktop")
    app.setWindowIcon(icon("app"))
    # Fusion follows the system's light/dark colour scheme on every platform in Qt 6.
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())
    translator = load_translator()
    if translator is not None:
        app.installTranslator(translator)
        app.setProperty("cvi_translator", translator)  # keep it alive
    return app


def wait_until(predicate: object, timeout_ms: int = 15_000) -> bool:
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: loop.quit() if predicate() else None)  # type: ignore[operator]
    QTimer.singleShot(timeout_ms, loop.quit)
    timer.start()
    loop.exec()
    return bool(predicate())  # type: ignore[operator]


def self_test() -> int:
    """Open an encrypted store with a key from the real keyring, render the window, clean up."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_app(sys.argv[:1])
    from cvi_desktop.store import keys

    from .main_window import MainWindow
    from .session import Session

    home = Path(tempfile.mkdtemp(prefix="cvi-self-test-"))
    profile = f"self-test-{os.getpid()}"
    try:
        backend = keys.describe()
        session = Session(profile, home=home)
        session.open_blocking()
        window = MainWindow(session, idle_timeout_s=0)
        window.start()
        window.show()
        rendered = wait_until(lambda: window.queue.model.total is not None)
        image = window.grab()
        ok = rendered and not image.isNull()
        print(f"keyring: {backend}")
        print(f"store: {session.profile} opened (SQLCipher) in {home}")
        print(f"window: {image.width()}x{image.height()} rendered={ok}")
        window.close()
        session.close()
        return 0 if ok else 1
    except Exception as exc:  # noqa: BLE001 - the self-test reports, never crashes
        from .errors import explain

        explained = explain(exc)
        print(f"self-test failed: {explained.title}: {explained.what_to_do}", file=sys.stderr)
        return 2
    finally:
        try:
            keys.delete_secret(f"database-key:{profile}")
        except Exception:  # noqa: BLE001
            pass


def run_demo(args: argparse.Namespace, app: QApplication) -> int:
    from datetime import UTC, datetime

    from sync.credentials import set_token

    from . import demo_mode
    from .main_window import MainWindow
    from .session import Session

    home = args.home or Path(tempfile.mkdtemp(prefix="cvi-demo-home-"))
    hub = demo_mode.start_hub()
    set_token("demo", hub.staff_token)
    session = Session("demo", home=home, actor=demo_mode.DEMO_STAFF, role="supervisor")
    session.open_blocking()
    now = datetime.now(UTC)
    session.tasks.store_op(lambda s: demo_mode.seed_profile(s, hub, now)).result(120)
    session.connect_hub(hub.url, debounce=1.0)
    window = MainWindow(session, idle_timeout_s=args.idle_minutes * 60, demo=True)
    window.start()
    window.show()
    rng = random.Random()

    def post() -> None:
        body = demo_mode.notification(rng, datetime.now(UTC))
        session.tasks.network_op(lambda: demo_mode.post_notification(hub.server, body))

    timer = QTimer(window)
    timer.setInterval(int(args.notify_every * 60_000))
    timer.timeout.connect(post)
    timer.start()
    QTimer.singleShot(8_000, post)  # the first one soon, so the bell rings while they look
    code = app.exec()
    session.close()
    hub.stop()
    return code


def run_normal(args: argparse.Namespace, app: QApplication) -> int:
    from .error_dialog import ErrorDialog
    from .errors import explain
    from .main_window import MainWindow
    from .session import Session
    from .sign_in import SignInDialog
    from .sync_bridge import check_hub, save_sign_in, saved_token
    from .tasks import TaskManager

    tasks = TaskManager()
    dialog = SignInDialog(
        tasks, checker=check_hub, save_token=save_sign_in, saved_token=saved_token, home=args.home
    )
    if args.profile:
        dialog.profile.setCurrentText(args.profile)
    if dialog.exec() != dialog.DialogCode.Accepted or dialog.result_value is None:
        tasks.shutdown()
        return 0
    tasks.shutdown()
    choice = dialog.result_value
    if choice.demo:
        return run_demo(args, app)
    session = Session(choice.profile, home=args.home, role="supervisor" if choice.supervisor else "worker")
    try:
        session.open_blocking()
    except Exception as exc:  # noqa: BLE001 - e.g. no keyring: say so plainly, refuse
        ErrorDialog(explain(exc)).exec()
        return 2
    session.connect_hub(choice.hub_url)
    window = MainWindow(session, idle_timeout_s=args.idle_minutes * 60)
    window.start()
    window.show()
    code = app.exec()
    session.close()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.self_test:
        return self_test()
    app = make_app([sys.argv[0], *argv])
    QCoreApplication.setApplicationVersion("0.1.0")
    if args.demo:
        return run_demo(args, app)
    return run_normal(args, app)


if __name__ == "__main__":
    raise SystemExit(main())
