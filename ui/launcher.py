"""The app entry point: `main(argv)`.

cvi-desktop-gui                 sign in (or pick a profile), then the main window
cvi-desktop-gui --demo          a hub on 127.0.0.1, a seeded demo profile, a notification
                                every few minutes (what `make run` calls)
cvi-desktop-gui --self-test     for the frozen app: store + keyring + offscreen render, exit 0

Start-up shows the window before any slow work (`show_main_window`): only Qt and the widgets of
the first frame are imported before it paints; the store (sqlite-utils, SQLCipher, keyring), the
sync engine (requests) and the demo hub (FastAPI, uvicorn, pydantic) load afterwards, on the
threads that use them. `python -X importtime -m ui.launcher --help` shows what loads up front.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from .language import apply_language, profile_language, system_language
from .resources import apply_style_sheet, icon

if TYPE_CHECKING:
    import argparse

    from PySide6.QtWidgets import QDialog

    from .main_window import MainWindow
    from .session import Session


def build_parser() -> argparse.ArgumentParser:
    import argparse  # here, not at the top: `make_app` and the bench import this module too

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
    # Fractional scale factors (150 %) render crisply instead of being rounded: that is Qt 6's
    # default rounding policy (PassThrough), so it is not set here; naming the enum would build
    # PySide6's whole `Qt` namespace (~40 ms) before the first frame.
    # Fusion follows the system's light/dark colour scheme on every platform in Qt 6. Asked for
    # on the command line Qt reads, not with `app.setStyle("Fusion")`: that call builds a second
    # style and PySide6's QStyle enums (~15 ms) before the first frame, for the same result.
    app = QApplication([*argv, "-style", "Fusion"])
    app.setApplicationName("cvi-desktop")
    app.setOrganizationName("cvi")
    app.setApplicationDisplayName("cvi-desktop")
    app.setWindowIcon(icon("app"))
    # The style sheet is applied by the main window after its first frame, or by whatever shows
    # a window first (`apply_style_sheet`): see `ui.resources`.
    # The system's language until a profile is chosen (the sign-in dialog); then the profile's
    # own (`show_main_window`). See `ui.language`.
    apply_language(system_language())
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


def show_main_window(
    session: Session,
    *,
    idle_timeout_s: float,
    demo: bool = False,
    on_opened: Callable[[], None] | None = None,
    on_open_failure: Callable[[BaseException], None] | None = None,
) -> MainWindow:
    """Show the main window at once, then open the profile and load the queue.

    The window paints its empty queue first; only then does the store thread open the encrypted
    profile (keyring, SQLCipher, migrations) and read the first page, which fills the queue
    when it arrives. A session that is already open (tests, the demo) just loads."""
    from .main_window import MainWindow

    # The profile's language (Settings…), before any of its widgets is built.
    apply_language(profile_language(session.profile))
    window = MainWindow(session, idle_timeout_s=idle_timeout_s, demo=demo)
    window.show()
    if not session.tasks.has_store:
        tasks = session.tasks

        def open_store() -> None:
            # After the window's `_complete` (which sets the default failure handler). If the
            # open fails, the first reads queued behind it fail too ("no profile is open"): only
            # the open's own failure is for the person (`on_open_failure`: an error, or the
            # recovery dialog), not a stack of "Something went wrong" behind it.
            report = tasks.default_failure

            def quiet(error: BaseException) -> None:
                if tasks.has_store or not isinstance(error, RuntimeError):
                    report(error)

            tasks.default_failure = quiet
            # Queued on the store thread ahead of `start()`'s reads, which therefore find it open.
            session.open(
                on_success=lambda _r: on_opened() if on_opened is not None else None,
                on_failure=on_open_failure,
            )

        window.when_painted(open_store)
    window.start()
    return window


def self_test() -> int:
    """Open an encrypted store with a key from the real keyring, render the window, clean up.

    In a frozen build this also proves that the late imports (the services behind
    `ui.operations`, the detail pane built after the first frame) made it into the bundle."""
    import shutil
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_app(sys.argv[:1])
    from cvi_desktop.store import keys

    from .main_window import MainWindow
    from .session import Session

    home = Path(tempfile.mkdtemp(prefix="cvi-self-test-"))
    profile = f"self-test-{os.getpid()}"
    try:
        backend = keys.describe()
        print(f"keyring: {backend}", flush=True)
        session = Session(profile, home=home)
        session.open_blocking()
        window = MainWindow(session, idle_timeout_s=0)
        window.start()
        window.show()
        rendered = wait_until(lambda: window.queue.model.total is not None)
        rendered = rendered and window.detail.isVisible()  # the pane built after the first frame
        image = window.grab()
        ok = rendered and not image.isNull()
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
            from cvi_desktop.paths import read_identity

            identity = read_identity(profile, home)
            if identity is not None:  # its entries are named by the throwaway profile's id
                for kind in (keys.DATABASE_KEY, keys.RECOVERY_KEY):
                    keys.delete_secret(keys.entry_name(kind, identity.id))
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(home, ignore_errors=True)


def sign_in_saver(home: Path | None, save: Callable[[str, str], None]) -> Callable[[str, str], None]:
    """The sign-in dialog's `save_token`: the token's keyring entry is named by the profile's
    id, so a new profile gets its id (`profile.json`) before its first token is saved, and the
    token lands under the id, never the name another data folder may also use."""

    def save_token(profile: str, token: str) -> None:
        from cvi_desktop.paths import ensure_identity

        ensure_identity(profile, home)
        save(profile, token)

    return save_token


def show_new_recovery_key(window: MainWindow) -> QDialog | None:
    """Once, after a profile is made (or first opened since recovery keys): its recovery key.

    Until the person ticks "I have written it down", it is shown again at each start."""
    from cvi_desktop import recovery

    from .recovery_dialog import RecoveryKeyDialog

    session = window.session
    profile, home = session.profile, session.home
    if not recovery.needs_showing(profile, home):
        return None
    dialog = RecoveryKeyDialog(
        profile,
        session.tasks,
        key_lookup=lambda: recovery.saved_recovery_key(profile, home),
        first_time=True,
        parent=window,
    )
    dialog.accepted.connect(lambda: recovery.mark_shown(profile, home))
    dialog.setModal(True)
    dialog.show()
    return dialog


def offer_recovery(
    window: MainWindow | None,
    exc: BaseException,
    *,
    on_opened: Callable[[], None],
    on_refused: Callable[[BaseException], None],
) -> QDialog | None:
    """The profile did not open. If the keyring lost its key, ask for the recovery key, then open
    again; any other failure (or a cancelled recovery) goes to `on_refused`."""
    from cvi_desktop.recovery import kit_path
    from cvi_desktop.store.keys import DatabaseKeyMissing

    from .recovery_dialog import RecoverDialog

    if window is None or not isinstance(exc, DatabaseKeyMissing):
        on_refused(exc)
        return None
    session = window.session
    if not kit_path(session.profile, session.home).exists():
        on_refused(exc)  # nothing to recover with; the message says what can be done
        return None
    dialog = RecoverDialog(session.profile, session.tasks, home=session.home, parent=window)

    def finished(_code: int) -> None:
        if not dialog.recovered:
            on_refused(exc)
            return

        def reopened(_result: object) -> None:
            window.start()  # the loads that found no store, again
            on_opened()

        def failed_again(again: BaseException) -> None:
            offer_recovery(window, again, on_opened=on_opened, on_refused=on_refused)

        session.open(on_success=reopened, on_failure=failed_again)

    dialog.finished.connect(finished)
    dialog.setModal(True)
    dialog.show()
    return dialog


def run_demo(args: argparse.Namespace, app: QApplication) -> int:
    import random
    import tempfile
    from datetime import UTC, datetime

    from cvi_desktop.paths import ensure_identity
    from sync.credentials import set_token

    from . import demo_mode
    from .main_window import MainWindow
    from .session import Session

    home = args.home or Path(tempfile.mkdtemp(prefix="cvi-demo-home-"))
    # The demo's token is this folder's profile's, under its id: never a real "demo" profile's.
    os.environ["CVI_DESKTOP_HOME"] = str(home)
    ensure_identity("demo", home)
    hub = demo_mode.start_hub()
    set_token("demo", hub.staff_token)
    # The demo token is a supervisor's: the hub says so on the first sync (no role set here).
    session = Session("demo", home=home, actor=demo_mode.DEMO_STAFF)
    session.open_blocking()
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
    # A newcomer at a terminal should know what is running and where their demo data lives.
    print(
        f"cvi-desktop demo: hub on {hub.url} · profile 'demo' in {home} (encrypted) · "
        f"a CPD notification every {args.notify_every:g} min. Close the window to stop.",
        flush=True,
    )
    code = app.exec()
    session.close()
    hub.stop()
    return code


def run_normal(args: argparse.Namespace, app: QApplication) -> int:
    from .error_dialog import ErrorDialog
    from .errors import explain
    from .session import Session
    from .sign_in import SignInDialog
    from .sync_bridge import check_hub, save_sign_in, saved_token
    from .tasks import TaskManager

    apply_style_sheet()  # the sign-in dialog comes before the main window
    tasks = TaskManager()
    dialog = SignInDialog(
        tasks, checker=check_hub, save_token=sign_in_saver(args.home, save_sign_in),
        saved_token=saved_token, home=args.home,
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
    # The role starts as "worker"; the store's last word from the hub (or the first sync) sets it.
    session = Session(choice.profile, home=args.home)

    def refused(exc: BaseException) -> None:
        # E.g. no keyring: say so plainly and stop; nothing was opened or changed.
        ErrorDialog(explain(exc)).exec()
        app.exit(2)

    window: MainWindow | None = None

    def opened() -> None:
        if window is not None:
            show_new_recovery_key(window)
        # Sync starts once the profile is open (the engine's first act is to read the outbox).
        session.connect_hub(choice.hub_url)

    window = show_main_window(
        session,
        idle_timeout_s=args.idle_minutes * 60,
        on_opened=opened,
        on_open_failure=lambda exc: offer_recovery(window, exc, on_opened=opened, on_refused=refused),
    )
    code = app.exec()
    session.close()
    return code


def demo_hub_missing() -> str | None:
    """None if the embedded demo hub can run here, else the name of the package it lacks.

    The hub's server stack (FastAPI, uvicorn, Jinja2) is the `hub` extra, which the desktop
    installs without; importing the server is the one check that cannot drift from its needs."""
    try:
        import sync.hub.server  # noqa: F401
    except ModuleNotFoundError as exc:
        return exc.name or "a hub package"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.self_test:
        return self_test()
    if args.demo and getattr(sys, "frozen", False):
        # The installed app leaves out the reference hub (a server: FastAPI, uvicorn); see build.spec.
        print("The demo runs its own hub and is not part of the installed app; run `make run` from a "
              "source checkout instead.", file=sys.stderr)
        return 2
    if args.demo and (missing := demo_hub_missing()) is not None:
        print(f"The demo runs an embedded hub, which needs the hub's packages ({missing} is not "
              "installed): pip install 'cvi-desktop[hub]' (from a source checkout, `make run` "
              "installs them). The app itself runs without them.", file=sys.stderr)
        return 2
    if args.home is not None:
        # One data folder for the whole process: the parts that find keyring entries by the
        # profile's id (the token, read by the sync engine) look in CVI_DESKTOP_HOME.
        os.environ["CVI_DESKTOP_HOME"] = str(args.home)
    app = make_app([sys.argv[0], *argv])
    QCoreApplication.setApplicationVersion("0.1.0")
    if args.demo:
        return run_demo(args, app)
    return run_normal(args, app)


if __name__ == "__main__":
    raise SystemExit(main())
