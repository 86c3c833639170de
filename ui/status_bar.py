"""The status bar that always tells the truth about where this laptop's data stands.

`SyncView` holds the facts (outbox counts from the store, plus what the sync engine last said);
`status_text` is a pure function from facts to words, so tests can check every sentence. The
words are a button: clicking opens the Sync panel.

The words never lie by omission: "connecting to the hub…" until the first sync has an outcome
(a slow hub is not a missing sign-in), "retrying now…" once an offline retry time has passed
(a timer re-reads the clock while offline), and "Sign-in needed" says that notifications have
stopped. A second button counts the CPD notifications not yet opened.

The bar is part of the window's first frame, so this module imports only Qt widgets: the clock
helpers and `operations` (the store's query layer) load when the first counts are asked for,
and the pointing-hand cursor (PySide6's whole `Qt` namespace, ~40 ms) is set by `finish()`,
after that frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from .language import core_text
from .resources import icon
from .widgets import ElidedLabel

if TYPE_CHECKING:
    from . import operations
    from .context import AppContext
    from .sync_bridge import SyncBridge


def _t(text: str) -> str:
    return QCoreApplication.translate("StatusBar", text)


# lupdate reads `translate("Context", "literal")` calls: the literal strings use it directly.
translate = QCoreApplication.translate


@dataclass(frozen=True)
class SyncView:
    waiting: int = 0
    quarantined: int = 0
    last_shared_at: datetime | None = None
    sharing: tuple[int, int] | None = None
    offline_retry_at: datetime | None = None
    offline_title: str = ""
    sign_in_needed: bool = False
    paused: str = ""
    signed_in: bool = True
    # A hub is set up but no sync has had an outcome yet (first contact, or a slow hub).
    connecting: bool = False
    # The laptop could not save sync progress (disk full, profile locked): its own problem, not
    # the network's, so it is not shown as "offline". The engine's `StorageProblem` event.
    storage_problem: str = ""


def _hhmm(value: datetime) -> str:
    from cvi_desktop.clock import local_text

    return local_text(value)[-5:]


def status_text(v: SyncView, now: datetime | None = None) -> str:
    """The status words. `now` (the app's clock) turns a retry time that has passed into
    "retrying now…"; without it the retry time is shown as it is."""
    if v.sign_in_needed:
        text = translate("StatusBar", "Sign-in needed — CPD notifications have stopped")
        if v.waiting:
            text += " · " + translate("StatusBar", "%n waiting to share", "", v.waiting)
    elif v.storage_problem:
        text = translate("StatusBar", "Sharing stopped — %s") % v.storage_problem
        if v.waiting:
            text += " · " + translate("StatusBar", "%n waiting to share", "", v.waiting)
    elif v.sharing is not None:
        text = translate("StatusBar", "Sharing %d/%d") % v.sharing
    elif v.offline_retry_at is not None:
        title = v.offline_title or translate("StatusBar", "Offline")
        if now is not None and now >= v.offline_retry_at:
            text = translate("StatusBar", "%s — retrying now…") % title
        else:
            text = translate("StatusBar", "%s — retrying at %s") % (title, _hhmm(v.offline_retry_at))
        if v.waiting:
            text += " · " + translate("StatusBar", "%n waiting to share", "", v.waiting)
    elif v.paused:
        text = translate("StatusBar", "Sharing paused — %s") % v.paused
    else:
        if v.waiting:
            text = translate("StatusBar", "Saved on this laptop · %n waiting to share", "", v.waiting)
        elif v.last_shared_at is not None:
            text = translate("StatusBar", "Shared with your team %s") % _hhmm(v.last_shared_at)
        else:
            text = translate("StatusBar", "Saved on this laptop")
        if not v.signed_in:
            if v.waiting:
                text += " " + translate("StatusBar", "(not signed in)")
        elif v.connecting:
            text += " · " + translate("StatusBar", "connecting to the hub…")
    if v.quarantined:
        text += " · " + translate("StatusBar", "%n need(s) attention", "", v.quarantined)
    return text


def status_icon_name(v: SyncView) -> str:
    if v.sign_in_needed:
        return "sign-in"
    if v.storage_problem:
        return "sync-quarantined"
    if v.sharing is not None:
        return "sharing"
    if v.offline_retry_at is not None:
        return "offline"
    if v.quarantined:
        return "sync-quarantined"
    if v.waiting:
        return "sync-pending"
    return "sync-acknowledged" if v.last_shared_at else "sync-local"


class SyncStatusBar(QStatusBar):
    open_sync_panel = Signal()
    share_now = Signal()
    open_notifications = Signal()

    def __init__(self, ctx: AppContext, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = SyncView(signed_in=bridge.engine is not None, connecting=bridge.engine is not None)
        self._ticker: QTimer | None = None
        self.button = QPushButton(self)
        self.button.setObjectName("statusButton")
        self.button.setFlat(True)
        self.button.setAccessibleName(translate("StatusBar", "Sync status"))
        self.button.setToolTip(translate("StatusBar", "Open the Sync panel (Ctrl+Shift+S)"))
        self.button.clicked.connect(self.open_sync_panel)
        self.addWidget(self.button, 1)
        # Who is signed in, as the hub knows them: on a shared laptop the wrong profile is the
        # first thing to rule out, and a supervisor's tools depend on it.
        self.who = ElidedLabel(parent=self)  # a long name, role and organisation gives way first
        self.who.setObjectName("hint")
        self.who.setAccessibleName(translate("StatusBar", "Signed in as"))
        # "Demo data", in view all the time the demo runs, so no one takes its made-up
        # incidents for real ones (or enters real ones into it). Hidden outside the demo.
        self.demo = QLabel(translate("StatusBar", "Demo data"), self)
        self.demo.setObjectName("demoBadge")
        self.demo.setAccessibleName(translate("StatusBar", "This is demo data, not real incidents"))
        self.demo.setToolTip(
            translate("StatusBar", "Everything here is made up for practice; nothing reaches CPD")
        )
        self.demo.hide()
        self.addPermanentWidget(self.demo)
        self.addPermanentWidget(self.who)
        self.set_identity(ctx)
        # The count of notifications not yet opened, in view even when their list is hidden.
        self.alerts = QPushButton(self)
        self.alerts.setObjectName("alertsButton")
        self.alerts.setIcon(icon("notification"))
        self.alerts.setAccessibleName(translate("StatusBar", "New CPD notifications"))
        self.alerts.setToolTip(translate("StatusBar", "Show the new notifications (Ctrl+Shift+N)"))
        self.alerts.clicked.connect(self.open_notifications)
        self.alerts.hide()
        self.addPermanentWidget(self.alerts)
        self.share = QPushButton(translate("StatusBar", "Share now"), self)
        self.share.setAccessibleName(translate("StatusBar", "Share now"))
        self.share.setToolTip(translate("StatusBar", "Send waiting records to the hub now"))
        self.share.clicked.connect(self.share_now)
        self.addPermanentWidget(self.share)
        bridge.started.connect(self._on_started)
        bridge.progress.connect(self._on_progress)
        bridge.finished.connect(self._on_finished)
        bridge.offline.connect(self._on_offline)
        bridge.sign_in_needed.connect(self._on_sign_in)
        bridge.paused.connect(self._on_paused)
        bridge.storage_problem.connect(self._on_storage_problem)
        bridge.attached.connect(lambda: self._apply(signed_in=True, connecting=True))
        bridge.identity_changed.connect(lambda _i: self._apply(connecting=False))
        bridge.quarantined.connect(lambda _e: self.refresh())
        ctx.events.data_changed.connect(lambda _id: self.refresh())
        # A bar made after the first sync had its outcome (the demo, tests) starts there, without
        # reading the counts now: the window asks for them after its first frame.
        self._starting = bridge.outcome is not None
        if bridge.outcome is not None:
            self._on_outcome(bridge.outcome)
        self._starting = False
        self._show()

    def finish(self) -> None:
        """What the first frame does not show: the hand cursor over the status words."""
        from PySide6.QtCore import Qt

        self.button.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_identity(self, ctx: AppContext) -> None:
        """Show who this laptop's person is (name · role · organisation), as the hub said."""
        if ctx.identity_known:
            supervisor, worker = translate("StatusBar", "Supervisor"), translate("StatusBar", "Worker")
            role = supervisor if ctx.supervisor else worker
            parts = [ctx.display_name or ctx.actor, role, ctx.org_name]
            self.who.setText(" · ".join(p for p in parts if p))
        else:
            who = ctx.display_name or ctx.actor
            self.who.setText(translate("StatusBar", "%s · not yet confirmed by the hub") % who)
        self.who.setAccessibleDescription(self.who.text())

    def set_demo(self, demo: bool) -> None:
        """Show the "Demo data" badge (the demo profile only)."""
        self.demo.setVisible(demo)

    def set_signed_in(self, signed_in: bool) -> None:
        self._apply(signed_in=signed_in)

    def set_new_notifications(self, count: int) -> None:
        """How many CPD notifications are not opened yet (hidden at none)."""
        self.alerts.setText(translate("StatusBar", "%n new notification(s)", "", count))
        self.alerts.setAccessibleDescription(self.alerts.text())
        self.alerts.setVisible(count > 0)

    def text(self) -> str:
        return self.button.text()

    def _apply(self, **changes: object) -> None:
        self.view = replace(self.view, **changes)  # type: ignore[arg-type]
        self._show()

    def _show(self) -> None:
        self.button.setText(status_text(self.view, self.ctx.now()))
        self.button.setIcon(icon(status_icon_name(self.view)))
        self.button.setAccessibleDescription(self.button.text())
        self._tick_while_offline()

    def _tick_while_offline(self) -> None:
        # Re-read the clock every second while a retry time is shown, so it turns into
        # "retrying now…" when it passes instead of staying on screen in the past.
        offline = self.view.offline_retry_at is not None
        if offline and self._ticker is None:
            self._ticker = QTimer(self)
            self._ticker.setInterval(1000)
            self._ticker.timeout.connect(self._show)
        if self._ticker is not None:
            if offline and not self._ticker.isActive():
                self._ticker.start()
            elif not offline and self._ticker.isActive():
                self._ticker.stop()

    @Slot()
    def refresh(self) -> None:
        """Re-read the outbox counts on the store thread."""
        if self._starting:
            return
        from . import operations

        operations.load_sync_snapshot(
            ctx=self.ctx, with_rows=False, on_success=self._counts, on_failure=lambda exc: None
        )

    def _counts(self, snap: operations.SyncSnapshot) -> None:
        from cvi_desktop.clock import from_db

        c = snap.counts
        self._apply(
            waiting=c.get("pending", 0) + c.get("sending", 0),
            quarantined=c.get("quarantined", 0),
            last_shared_at=from_db(snap.last_shared_at),
        )

    def _on_started(self, _event: object) -> None:
        pass  # "Sharing n/m" appears with the first Progress, so a no-op sync does not flash

    def _on_progress(self, sent: int, total: int) -> None:
        if total:
            self._apply(sharing=(sent, total))

    def _on_outcome(self, event: object) -> None:
        """The last outcome the bridge saw, by the event's class name (as the bridge does)."""
        handler = {
            "SyncFinished": self._on_finished,
            "Offline": self._on_offline,
            "SignInNeeded": self._on_sign_in,
            "Paused": self._on_paused,
            "StorageProblem": self._on_storage_problem,
        }.get(type(event).__name__)
        if handler is not None:
            handler(event)

    # Each outcome replaces the one before: only one reason is ever shown.
    _CLEAR = {
        "sharing": None,
        "offline_retry_at": None,
        "sign_in_needed": False,
        "paused": "",
        "storage_problem": "",
        "connecting": False,
    }

    def _on_finished(self, _event: object) -> None:
        self._apply(**self._CLEAR)
        self.refresh()

    def _on_offline(self, event: object) -> None:
        self._apply(
            **self._CLEAR
            | {
                "offline_retry_at": getattr(event, "retry_at", None),
                "offline_title": core_text(str(getattr(event, "title", ""))),
            }
        )
        self.refresh()

    def _on_sign_in(self, _event: object) -> None:
        self._apply(**self._CLEAR | {"sign_in_needed": True})
        self.refresh()

    def _on_paused(self, event: object) -> None:
        self._apply(**self._CLEAR | {"paused": core_text(str(getattr(event, "reason", "")))})

    def _on_storage_problem(self, event: object) -> None:
        # The engine's StorageProblem (title, action, kind, retry_at): the title says what is
        # wrong with this laptop's storage; what to do goes in the tooltip and the Sync panel.
        title = core_text(str(getattr(event, "title", ""))) or translate(
            "StatusBar", "a problem with this laptop's storage"
        )
        self._apply(**self._CLEAR | {"storage_problem": title})
        self.button.setToolTip(core_text(str(getattr(event, "action", ""))) or self.button.toolTip())
        self.refresh()
