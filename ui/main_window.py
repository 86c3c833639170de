"""The main window: composes the queue, the detail, the status bar, the notifier and the lock.

It owns no business logic: views talk to the core through `operations`, sync through the bridge.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from . import operations
from .detail_view import IncidentDetailView
from .error_dialog import show_error, show_explained
from .idle_lock import IdleWatcher, LockScreen
from .labels import label
from .notifier import NotificationBanner, Notifier
from .queue_view import IncidentQueueView
from .resources import icon
from .session import Session
from .status_bar import SyncStatusBar
from .sync_panel import SyncPanel


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        *,
        idle_timeout_s: float = 15 * 60,
        monotonic: Callable[[], float] | None = None,
        demo: bool = False,
        token_lookup: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        ctx = self.ctx = session.ctx
        self.setWindowTitle(self.tr("cvi-desktop — %s") % session.profile)
        self.setWindowIcon(icon("app"))
        self.setAccessibleName(self.tr("cvi-desktop main window"))

        self.queue = IncidentQueueView(ctx, self)
        self.detail = IncidentDetailView(ctx, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([340, 480])  # the queue shows a dozen rows; the detail gets the rest
        self.banner = NotificationBanner(self)
        work = QWidget(self)
        layout = QVBoxLayout(work)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)

        from .sync_bridge import saved_token

        self.lock_screen = LockScreen(
            session.profile, session.tasks, token_lookup or saved_token, demo=demo, parent=self
        )
        self.pages = QStackedWidget(self)
        self.pages.addWidget(work)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)

        self.status = SyncStatusBar(ctx, session.bridge, self)
        self.setStatusBar(self.status)
        self.sync_panel = SyncPanel(ctx, self)
        self.notifier = Notifier(self.banner, self)
        self.idle = IdleWatcher(
            idle_timeout_s, parent=self, **({"monotonic": monotonic} if monotonic else {})
        )

        self._menus()
        ctx.tasks.default_failure = lambda exc: show_error(self, exc)
        self.queue.current_changed.connect(self.detail.show_incident)
        self.queue.incident_activated.connect(self.open_incident)
        self.status.open_sync_panel.connect(self.show_sync_panel)
        self.status.share_now.connect(self.share_now)
        self.sync_panel.share_now.connect(self.share_now)
        self.sync_panel.edit_incident.connect(self.open_incident)
        self.notifier.open_incident.connect(self.open_incident)
        ctx.events.open_incident.connect(self.open_incident)
        ctx.events.notification.connect(self._notified)
        ctx.events.data_changed.connect(self._data_changed)
        session.bridge.demand_failed.connect(lambda title, todo: show_explained(self, title, todo))
        session.bridge.sign_in_needed.connect(lambda _e: self.status.set_signed_in(True))
        self.idle.idle.connect(self.lock)
        self.lock_screen.unlocked.connect(self.unlock)
        self.resize(1280, 820)

    def _menus(self) -> None:
        def act(
            menu_name: str,
            text: str,
            shortcut: str | QKeySequence.StandardKey | None,
            slot: Callable[[], object],
        ) -> QAction:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menus[menu_name].addAction(action)
            return action

        bar = self.menuBar()
        menus = {
            "file": bar.addMenu(self.tr("&File")),
            "incident": bar.addMenu(self.tr("&Incident")),
            "sync": bar.addMenu(self.tr("&Sync")),
            "help": bar.addMenu(self.tr("&Help")),
        }
        act("file", self.tr("&Lock now"), "Ctrl+Shift+L", self.lock)
        act("file", self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        act("incident", self.tr("&Find…"), QKeySequence.StandardKey.Find, self._focus_search)
        act("incident", self.tr("&Log a response"), "Ctrl+L", self.detail.focus_response_form)
        act("incident", self.tr("&Queue"), "Ctrl+1", lambda: self.queue.table.setFocus())
        act("incident", self.tr("&Refresh"), QKeySequence.StandardKey.Refresh, self.refresh)
        act("sync", self.tr("&Share now"), "Ctrl+Shift+Y", self.share_now)
        act("sync", self.tr("Sync &panel…"), "Ctrl+Shift+S", self.show_sync_panel)
        act("help", self.tr("&About cvi-desktop"), None, self._about)

    # --- start ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the first page, the team and the sync counts (all on the store thread)."""
        self.queue.apply_filters()
        operations.load_staff(ctx=self.ctx, on_success=self.queue.set_staff)
        self.status.set_signed_in(self.session.bridge.engine is not None)
        self.status.refresh()

    # --- actions -------------------------------------------------------------------------------

    def open_incident(self, incident_id: str) -> None:
        if not incident_id:
            return
        if self.pages.currentWidget() is self.lock_screen:
            return
        self.raise_()
        self.activateWindow()
        self.queue.select_incident(incident_id)
        self.detail.show_incident(incident_id)

    def refresh(self) -> None:
        self.queue.refresh()
        self.status.refresh()

    def share_now(self) -> None:
        self.session.bridge.request_sync(on_demand=True)

    def show_sync_panel(self) -> None:
        self.sync_panel.refresh()
        self.sync_panel.show()
        self.sync_panel.raise_()

    def _focus_search(self) -> None:
        self.queue.search.setFocus()
        self.queue.search.selectAll()

    def _data_changed(self, incident_id: str) -> None:
        self.queue.refresh()

    def _notified(self, incident_id: str) -> None:
        def ring(detail: operations.IncidentDetail) -> None:
            i = detail.incident
            text = self.tr("%s in district %s, received %s") % (
                label(i["incident_type"]),
                i["district"],
                (i["org_received_at"] or "")[11:16] and self._local_time(i["org_received_at"]),
            )
            self.notifier.notify(incident_id, text)

        operations.load_incident(
            ctx=self.ctx,
            incident_id=incident_id,
            on_success=ring,
            on_failure=lambda exc: self.notifier.notify(incident_id, ""),
        )

    @staticmethod
    def _local_time(value: str) -> str:
        from .labels import when

        return when(value)[-5:]

    def lock(self) -> None:
        self.sync_panel.hide()
        self.pages.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        self.lock_screen.reset()

    def unlock(self) -> None:
        self.pages.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.idle.resume()

    @property
    def locked(self) -> bool:
        return self.pages.currentWidget() is self.lock_screen

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About cvi-desktop"),
            self.tr("cvi-desktop — offline-first incident response for street-outreach teams."),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.idle.stop()
        super().closeEvent(event)
