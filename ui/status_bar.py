"""The status bar that always tells the truth about where this laptop's data stands.

`SyncView` holds the facts (outbox counts from the store, plus what the sync engine last said);
`status_text` is a pure function from facts to words, so tests can check every sentence. The
words are a button: clicking opens the Sync panel.

The bar is part of the window's first frame, so this module imports only Qt widgets: the clock
helpers and `operations` (the store's query layer) load when the first counts are asked for,
and the pointing-hand cursor (PySide6's whole `Qt` namespace, ~40 ms) is set by `finish()`,
after that frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from .resources import icon

if TYPE_CHECKING:
    from . import operations
    from .context import AppContext
    from .sync_bridge import SyncBridge


def _t(text: str) -> str:
    return QCoreApplication.translate("StatusBar", text)


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


def _hhmm(value: datetime) -> str:
    from cvi_desktop.clock import local_text

    return local_text(value)[-5:]


def status_text(v: SyncView) -> str:
    if v.sign_in_needed:
        text = _t("Sign-in needed")
        if v.waiting:
            text += " · " + _t("%d waiting to share") % v.waiting
    elif v.sharing is not None:
        text = _t("Sharing %d/%d") % v.sharing
    elif v.offline_retry_at is not None:
        title = v.offline_title or _t("Offline")
        text = _t("%s — retrying at %s") % (title, _hhmm(v.offline_retry_at))
        if v.waiting:
            text += " · " + _t("%d waiting to share") % v.waiting
    elif v.paused:
        text = _t("Sharing paused — %s") % v.paused
    elif v.waiting:
        text = _t("Saved on this laptop · %d waiting to share") % v.waiting
        if not v.signed_in:
            text += " " + _t("(not signed in)")
    elif v.last_shared_at is not None:
        text = _t("Shared %s") % _hhmm(v.last_shared_at)
    else:
        text = _t("Saved on this laptop")
    if v.quarantined:
        text += (
            " · "
            + (_t("%d needs attention") if v.quarantined == 1 else _t("%d need attention")) % v.quarantined
        )
    return text


def status_icon_name(v: SyncView) -> str:
    if v.sign_in_needed:
        return "sign-in"
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

    def __init__(self, ctx: AppContext, bridge: SyncBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = SyncView(signed_in=bridge.engine is not None)
        self.button = QPushButton(self)
        self.button.setObjectName("statusButton")
        self.button.setFlat(True)
        self.button.setAccessibleName(_t("Sync status"))
        self.button.setToolTip(_t("Open the Sync panel (Ctrl+Shift+S)"))
        self.button.clicked.connect(self.open_sync_panel)
        self.addWidget(self.button, 1)
        # Who is signed in, as the hub knows them: on a shared laptop the wrong profile is the
        # first thing to rule out, and a supervisor's tools depend on it.
        self.who = QLabel(self)
        self.who.setObjectName("hint")
        self.who.setAccessibleName(_t("Signed in as"))
        self.addPermanentWidget(self.who)
        self.set_identity(ctx)
        self.share = QPushButton(_t("Share now"), self)
        self.share.setAccessibleName(_t("Share now"))
        self.share.setToolTip(_t("Send waiting records to the hub now"))
        self.share.clicked.connect(self.share_now)
        self.addPermanentWidget(self.share)
        bridge.started.connect(self._on_started)
        bridge.progress.connect(self._on_progress)
        bridge.finished.connect(self._on_finished)
        bridge.offline.connect(self._on_offline)
        bridge.sign_in_needed.connect(self._on_sign_in)
        bridge.paused.connect(self._on_paused)
        bridge.quarantined.connect(lambda _e: self.refresh())
        ctx.events.data_changed.connect(lambda _id: self.refresh())
        self._show()

    def finish(self) -> None:
        """What the first frame does not show: the hand cursor over the status words."""
        from PySide6.QtCore import Qt

        self.button.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_identity(self, ctx: AppContext) -> None:
        """Show who this laptop's person is (name · role · organisation), as the hub said."""
        if ctx.identity_known:
            role = _t("Supervisor") if ctx.supervisor else _t("Worker")
            parts = [ctx.display_name or ctx.actor, role, ctx.org_name]
            self.who.setText(" · ".join(p for p in parts if p))
        else:
            self.who.setText(_t("%s · not yet confirmed by the hub") % (ctx.display_name or ctx.actor))
        self.who.setAccessibleDescription(self.who.text())

    def set_signed_in(self, signed_in: bool) -> None:
        self._apply(signed_in=signed_in)

    def text(self) -> str:
        return self.button.text()

    def _apply(self, **changes: object) -> None:
        self.view = replace(self.view, **changes)  # type: ignore[arg-type]
        self._show()

    def _show(self) -> None:
        self.button.setText(status_text(self.view))
        self.button.setIcon(icon(status_icon_name(self.view)))
        self.button.setAccessibleDescription(self.button.text())

    @Slot()
    def refresh(self) -> None:
        """Re-read the outbox counts on the store thread."""
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

    def _on_finished(self, _event: object) -> None:
        self._apply(sharing=None, offline_retry_at=None, sign_in_needed=False, paused="")
        self.refresh()

    def _on_offline(self, event: object) -> None:
        self._apply(
            sharing=None,
            offline_retry_at=getattr(event, "retry_at", None),
            offline_title=str(getattr(event, "title", "")),
        )
        self.refresh()

    def _on_sign_in(self, _event: object) -> None:
        self._apply(sharing=None, sign_in_needed=True)
        self.refresh()

    def _on_paused(self, event: object) -> None:
        self._apply(sharing=None, paused=str(getattr(event, "reason", "")))
