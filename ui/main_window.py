"""The main window: composes the queue, the detail, the status bar, the notifier and the lock.

It owns no business logic: views talk to the core through `operations`, sync through the bridge.

Cold start paints first. The constructor builds only what the first frame shows: the menu
titles, the filter bar, the queue's header, the (empty) place of the detail pane and the status
bar, with as few imports as that takes. Everything else is built by `_complete()` right after
that frame: the menus' actions, the queue's model, the notification list and the sign-in
banner, the idle watcher;
then the store opens and the first page is asked for (`when_painted`), and only then is the
incident detail built. The lock screen, the sync panel and the supervisor screens are built when
first needed. Each late part is a property that builds it on first use, so nothing can see it
missing.

Two costs are kept out of the first frame on purpose:

* PySide6's `Qt` namespace: touching any one of its enums builds all ~100 of them (~40 ms). So
  nothing before the first frame names one (the splitter's orientation is set through Qt's
  property system, which takes the plain value; the queue shows a header-only model first).
* An application-wide Python event filter (the idle watcher): while one is installed, every
  event to every object is converted to Python, and the first conversions of Qt's internal
  objects load most of PySide6's classes (~130 more enums), so it is installed after the frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from .queue_view import IncidentQueueView
from .resources import apply_style_sheet, icon, style_first_frame
from .status_bar import SyncStatusBar

if TYPE_CHECKING:  # built (and imported) after the first frame
    from PySide6.QtGui import QAction, QCloseEvent, QKeySequence

    from .detail_view import IncidentDetailView
    from .idle_lock import IdleWatcher, LockScreen
    from .notification_list import NotificationList
    from .notifier import Notifier, SignInBanner
    from .report_view import MonthlyReviewDialog
    from .review_queue import ReviewQueueDialog
    from .session import Session
    from .settings_dialog import SettingsDialog
    from .sign_in import SignInDialog
    from .sync_panel import SyncPanel
    from .team_view import TeamCaseloadDialog

# If no paint event comes (a window shown minimised, a platform that paints late), start anyway.
FIRST_PAINT_FALLBACK_MS = 300
# `Qt::Vertical`, for the splitter's `orientation` property (see the module docstring).
QT_VERTICAL = 2


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
        self.ctx = session.ctx
        self._set_title()
        self.setWindowIcon(icon("app"))
        self.setAccessibleName(self.tr("cvi-desktop main window"))

        self._painted = False
        self._after_paint: list[Callable[[], object]] = []
        self._completed = False
        self._idle_timeout_s = idle_timeout_s
        self._monotonic = monotonic
        self._banner: NotificationList | None = None
        self._sign_in_banner: SignInBanner | None = None
        self._notifier: Notifier | None = None
        self._sign_in_dialog: SignInDialog | None = None
        self._sound_action: QAction | None = None
        self._idle: IdleWatcher | None = None
        self._detail: IncidentDetailView | None = None
        self._lock_screen: LockScreen | None = None
        self._sync_panel: SyncPanel | None = None
        self._team: TeamCaseloadDialog | None = None
        self._review: MonthlyReviewDialog | None = None
        self._review_queue: ReviewQueueDialog | None = None
        # Team-menu actions only a supervisor sees (the hub refuses them from anyone else).
        self._supervisor_actions: list[QAction] = []
        self._demo = demo
        self._token_lookup = token_lookup

        self.queue = IncidentQueueView(self.ctx, self)
        # By keyword: a positional first argument makes PySide6 try the (Qt.Orientation, parent)
        # overload, which builds the `Qt` namespace just to reject it.
        self.splitter = QSplitter(parent=self)
        self.splitter.setProperty("orientation", QT_VERTICAL)
        self.splitter.addWidget(self.queue)
        # An empty pane holds the detail's place (and size) until it is built after the first frame.
        self.splitter.addWidget(QWidget(self.splitter))
        # The queue gets ~45 % (a dozen rows at the default size), the detail the rest, and they
        # share a bigger or smaller window in that ratio. The detail's tabs scroll, so its
        # minimum height no longer decides the queue's.
        self.splitter.setStretchFactor(0, 9)
        self.splitter.setStretchFactor(1, 11)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([9_000, 11_000])  # a ratio: the splitter scales them to its height
        work = QWidget(self)
        self._work_layout = QVBoxLayout(work)
        self._work_layout.setContentsMargins(6, 6, 6, 0)
        # (The sign-in banner and the notification list, hidden until needed, go above the splitter.)
        self._work_layout.addWidget(self.splitter, 1)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(work)
        self.setCentralWidget(self.pages)

        self.status = SyncStatusBar(self.ctx, session.bridge, self)
        self.status.set_demo(demo)
        self.setStatusBar(self.status)
        bar = self.menuBar()
        # The titles are in the first frame; their actions are added by `_complete`.
        self._menu = {
            "file": bar.addMenu(self.tr("&File")),
            "incident": bar.addMenu(self.tr("&Incident")),
            "team": bar.addMenu(self.tr("&Team")),
            "sync": bar.addMenu(self.tr("&Sync")),
            "help": bar.addMenu(self.tr("&Help")),
        }
        # The Team menu is the supervisor's; a worker never sees it (role from the hub).
        self._menu["team"].menuAction().setVisible(self.ctx.supervisor)
        # The style sheet's rules that show in the first frame: the table's header and grid, the
        # status words (the rest of the sheet is for widgets built later).
        style_first_frame(self.queue.table, self.queue.count, self.status.button)
        self.resize(1280, 820)
        # Right after the first frame: the rest of the window, the filter choices; the detail
        # pane once the store has been asked to open and load (see `_build_detail_soon`).
        self.when_painted(self._complete)
        self.when_painted(self.queue.fill_choices)
        self.when_painted(self._build_detail_soon)

    def _complete(self) -> None:
        """Build what the first frame does not show (once): menu actions, the queue's model,
        the banner and notifier, the idle watcher, and the connections between the parts."""
        if self._completed:
            return
        self._completed = True
        apply_style_sheet()
        from .idle_lock import IdleWatcher
        from .notification_list import NotificationList
        from .notifier import Notifier, SignInBanner

        ctx, session = self.ctx, self.session
        self._sign_in_banner = SignInBanner(self)
        self._work_layout.insertWidget(0, self._sign_in_banner)
        self._banner = NotificationList(ctx, self)
        self._work_layout.insertWidget(1, self._banner)
        self._notifier = Notifier(parent=self)
        self._notifier.sound_on = self._sound_setting()
        self._idle = IdleWatcher(
            self._idle_timeout_s, parent=self, **({"monotonic": self._monotonic} if self._monotonic else {})
        )
        self._menus()
        self.apply_identity()
        self.queue.attach_model()
        self.status.finish()
        ctx.tasks.default_failure = self._failed
        self.queue.current_changed.connect(lambda incident_id: self.detail.show_incident(incident_id))
        self.queue.incident_activated.connect(self.open_incident)
        self.status.open_sync_panel.connect(self.show_sync_panel)
        self.status.share_now.connect(self.share_now)
        self._notifier.open_incident.connect(self.open_incident)
        self._banner.open_incident.connect(self.open_incident)
        self._banner.count_changed.connect(self.status.set_new_notifications)
        self.status.open_notifications.connect(self.show_notifications)
        # Opening an incident any way at all (the list, the queue, the tray) means it was seen.
        self.queue.current_changed.connect(self._banner.opened)
        self._sign_in_banner.sign_in.connect(self.sign_in_again)
        ctx.events.open_incident.connect(self.open_incident)
        ctx.events.notification.connect(self._notified)
        ctx.events.data_changed.connect(self._data_changed)
        ctx.events.identity_changed.connect(lambda _ctx: self.apply_identity())
        ctx.events.team_changed.connect(self._load_staff)
        self.queue.reassign_requested.connect(self.reassign)
        self._restore_splitter()
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._save_splitter())
        session.bridge.demand_failed.connect(self._sync_failed)
        session.bridge.sign_in_needed.connect(self._sign_in_lost)
        for outcome in (
            session.bridge.finished,
            session.bridge.offline,
            session.bridge.paused,
            session.bridge.storage_problem,
        ):
            # The banner follows the latest outcome, as the status bar does: shared, offline or
            # paused replaces "sign-in needed" (a later refusal shows it again).
            outcome.connect(lambda _e: self._sign_in_banner.hide() if self._sign_in_banner else None)
        if type(session.bridge.outcome).__name__ == "SignInNeeded":
            self._sign_in_lost(session.bridge.outcome)
        self._idle.idle.connect(lambda: self.lock(reason="idle"))
        from .shortcuts import enter_presses_buttons

        enter_presses_buttons(self)  # Enter presses a focused button, as Space does

    def _build_detail_soon(self) -> None:
        # Queued behind the rest of the first-frame work, which includes asking the store
        # thread to open the profile and read the first page: that runs while this builds.
        QTimer.singleShot(0, lambda: self.detail)

    @property
    def banner(self) -> NotificationList:
        """The list of new notifications across the top of the window."""
        self._complete()
        assert self._banner is not None
        return self._banner

    @property
    def sign_in_banner(self) -> SignInBanner:
        self._complete()
        assert self._sign_in_banner is not None
        return self._sign_in_banner

    @property
    def notifier(self) -> Notifier:
        self._complete()
        assert self._notifier is not None
        return self._notifier

    @property
    def idle(self) -> IdleWatcher:
        self._complete()
        assert self._idle is not None
        return self._idle

    def _failed(self, exc: BaseException) -> None:
        from .error_dialog import show_error  # imported when first needed, not before the first frame

        show_error(self, exc)

    def _sync_failed(self, title: str, todo: str) -> None:
        from .error_dialog import show_explained

        show_explained(self, title, todo)

    # --- parts built after the first frame ---------------------------------------------------

    @property
    def detail(self) -> IncidentDetailView:
        if self._detail is None:
            from .detail_view import IncidentDetailView

            placeholder = self.splitter.widget(1)
            sizes = self.splitter.sizes()
            # No parent yet: a child of the splitter would be added as a third pane by itself.
            self._detail = IncidentDetailView(self.ctx)
            self.splitter.replaceWidget(1, self._detail)
            placeholder.deleteLater()
            # The stretch lives on the pane's widget, and the placeholder took its own away:
            # without this a taller window gave every extra pixel to the queue.
            self.splitter.setStretchFactor(1, 11)
            self.splitter.setSizes(sizes)
            from .shortcuts import enter_presses_buttons

            enter_presses_buttons(self._detail)
        return self._detail

    @property
    def lock_screen(self) -> LockScreen:
        if self._lock_screen is None:
            from .idle_lock import LockScreen
            from .sync_bridge import saved_token

            s = self.session
            self._lock_screen = LockScreen(
                s.profile, s.tasks, self._token_lookup or saved_token, demo=self._demo, parent=self.pages
            )
            self._lock_screen.unlocked.connect(self.unlock)
            # Unlocked with the long hub token and no PIN yet: offer to choose one.
            self._lock_screen.offer_pin.connect(lambda: self.choose_pin(first_time=True))
            self.pages.addWidget(self._lock_screen)
        return self._lock_screen

    @property
    def sync_panel(self) -> SyncPanel:
        if self._sync_panel is None:
            from .sync_panel import SyncPanel

            self._sync_panel = SyncPanel(self.ctx, self, self.session.bridge)
            self._sync_panel.share_now.connect(self.share_now)
            self._sync_panel.sign_in_requested.connect(self.sign_in_again)
            self._sync_panel.edit_incident.connect(self.open_incident)
        return self._sync_panel

    def show_team(self) -> None:
        if self._team is None:
            from .team_view import TeamCaseloadDialog

            self._team = TeamCaseloadDialog(self.ctx, self)
            self._team.open_incident.connect(self.open_incident)
        self._team.refresh()
        self._team.show()
        self._team.raise_()

    @property
    def review_queue(self) -> ReviewQueueDialog:
        if self._review_queue is None:
            from .review_queue import ReviewQueueDialog

            self._review_queue = ReviewQueueDialog(self.ctx, self)
            self._review_queue.open_incident.connect(self.open_incident)
        return self._review_queue

    def show_review_queue(self) -> None:
        if not self.ctx.supervisor:
            return
        self.review_queue.refresh()
        self.review_queue.show()
        self.review_queue.raise_()
        self.review_queue.table.setFocus()

    def reassign(self, incident_id: str = "") -> None:
        """Ctrl+R / Team → Reassign: the staff picker for this incident (the queue's current one
        when none is given). Supervisors only."""
        from .staff_picker import incident_words, reassign

        record = self.queue.current_record()
        if not incident_id:
            incident_id = str(record["id"]) if record else (self._detail.incident_id if self._detail else "")
        if record is None or str(record["id"]) != incident_id:
            shown = self._detail.detail if self._detail is not None else None
            record = shown.incident if shown is not None and shown.incident["id"] == incident_id else None
        if not incident_id:
            return
        reassign(
            ctx=self.ctx,
            parent=self,
            incident_id=incident_id,
            current=record.get("assignee") if record else None,
            what=incident_words(record.get("rd_number") if record else None),
        )

    def show_monthly_review(self) -> None:
        if self._review is None:
            from .report_view import MonthlyReviewDialog

            self._review = MonthlyReviewDialog(self.ctx, self)
        self._review.show()
        self._review.raise_()

    def when_painted(self, fn: Callable[[], object]) -> None:
        """Run `fn` once the window has painted its first frame (now, if it already has)."""
        if self._painted:
            fn()
            return
        if not self._after_paint:
            QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._first_frame_done)
        self._after_paint.append(fn)

    def event(self, ev: QEvent) -> bool:  # noqa: D401 - Qt override
        handled = super().event(ev)
        if ev.type() == QEvent.Type.Paint and not self._painted:
            # Queued, so the frame is flushed to the screen before the deferred work begins.
            QTimer.singleShot(0, self._first_frame_done)
        return handled

    def _first_frame_done(self) -> None:
        if self._painted:
            return
        self._painted = True
        pending, self._after_paint = self._after_paint, []
        for fn in pending:
            fn()

    def _menus(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

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
            self._menu[menu_name].addAction(action)
            return action

        act("file", self.tr("&Lock now"), "Ctrl+Shift+L", lambda: self.lock(reason="hand"))
        act("file", self.tr("Unlock &PIN…"), None, self.choose_pin)
        from .recovery_dialog import show_recovery_key  # here: built after the first frame

        act("file", self.tr("Recovery &key…"), None, lambda: show_recovery_key(self))
        self._menu["file"].addSeparator()
        act("file", self.tr("&Settings…"), None, self.show_settings)
        self._menu["file"].addSeparator()
        act("file", self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        act("incident", self.tr("&Find…"), QKeySequence.StandardKey.Find, self._focus_search)
        act("incident", self.tr("&Log a response"), "Ctrl+L", lambda: self.detail.focus_response_form())
        act("incident", self.tr("&Queue"), "Ctrl+1", lambda: self.queue.table.setFocus())
        act("incident", self.tr("&Refresh"), QKeySequence.StandardKey.Refresh, self.refresh)
        self._menu["incident"].addSeparator()
        act("incident", self.tr("New &notifications"), "Ctrl+Shift+N", self.show_notifications)
        self._sound_action = act("incident", self.tr("Notification &sound"), None, lambda: None)
        self._sound_action.setCheckable(True)
        self._sound_action.setChecked(self.notifier.sound_on)
        self._sound_action.toggled.connect(self.set_sound)
        self._supervisor_actions = [
            act("team", self.tr("&Review queue…"), "Ctrl+Shift+R", self.show_review_queue),
            act("team", self.tr("Rea&ssign…"), "Ctrl+R", self.reassign),
        ]
        self._menu["team"].addSeparator()
        self._supervisor_actions += [
            act("team", self.tr("Team &caseload…"), "Ctrl+Shift+T", self.show_team),
            act("team", self.tr("&Monthly review…"), "Ctrl+Shift+M", self.show_monthly_review),
        ]
        act("sync", self.tr("&Share now"), "Ctrl+Shift+Y", self.share_now)
        act("sync", self.tr("Sync &panel…"), "Ctrl+Shift+S", self.show_sync_panel)
        act("sync", self.tr("Sign &in again…"), None, self.sign_in_again)
        act("help", self.tr("&Keyboard shortcuts"), "F1", self.show_shortcuts)
        act("help", self.tr("&About cvi-desktop"), None, self._about)

    def _set_title(self) -> None:
        ctx = self.ctx
        if ctx.identity_known:
            role = self.tr("Supervisor") if ctx.supervisor else self.tr("Worker")
            who = " · ".join(p for p in (ctx.display_name or ctx.actor, role, ctx.org_name) if p)
            self.setWindowTitle(self.tr("cvi-desktop — %s") % who)
        else:
            self.setWindowTitle(self.tr("cvi-desktop — %s") % self.session.profile)

    def apply_identity(self) -> None:
        """Who the hub says this person is: title, status bar, and the supervisor's tools shown
        or hidden at once (a role can change while the app runs)."""
        supervisor = self.ctx.supervisor
        self._set_title()
        self.status.set_identity(self.ctx)
        self._menu["team"].menuAction().setVisible(supervisor)
        for action in self._supervisor_actions:
            # Hidden actions keep their shortcuts only if enabled: disable them too.
            action.setVisible(supervisor)
            action.setEnabled(supervisor)
        if not supervisor:
            for dialog in (self._team, self._review, self._review_queue):
                if dialog is not None:
                    dialog.hide()
        if self._detail is not None:
            self._detail.apply_role()

    # --- start ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the first page, the team and the sync counts (all on the store thread), once the
        window has painted its empty first frame."""
        self.status.set_signed_in(self.session.bridge.engine is not None)
        self.when_painted(self._load)

    def _load(self) -> None:
        from cvi_desktop.queries import districts_covered

        from . import operations

        self.queue.apply_filters()
        operations.load_staff(ctx=self.ctx, on_success=self.queue.set_staff)
        # The district filter lists this organisation's districts, not all 22 of the city.
        self.ctx.tasks.store_op(districts_covered, on_success=self.queue.set_districts)
        self.status.refresh()
        # Notifications still new from last time stay in view until opened. Here, not when the
        # list is built: this runs after the store was asked to open, so it finds it open.
        self.banner.reload()

    # --- the splitter remembers where the person left it (per profile) ------------------------

    SPLITTER_SETTING = "window/splitter"

    def _restore_splitter(self) -> None:
        from .sign_in import prefs

        state = prefs(self.session.profile).value(self.SPLITTER_SETTING)
        if state:
            self.splitter.restoreState(state)

    def _save_splitter(self) -> None:
        from .sign_in import prefs

        prefs(self.session.profile).setValue(self.SPLITTER_SETTING, self.splitter.saveState())

    def _load_staff(self) -> None:
        from . import operations

        operations.load_staff(ctx=self.ctx, on_success=self.queue.set_staff)

    # --- actions -------------------------------------------------------------------------------

    def open_incident(self, incident_id: str) -> None:
        if not incident_id:
            return
        if self.locked:
            return
        self.raise_()
        self.activateWindow()
        self.queue.select_incident(incident_id)
        self.detail.show_incident(incident_id)
        self.banner.opened(incident_id)

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
        # The list records it in the store first; only news rings (not a month of history
        # pulled by a first sync, nor the same incident twice).
        def ring(entry: dict[str, Any]) -> None:
            self.notifier.notify(incident_id, self.banner.summary(entry, with_rd=False))

        self.banner.received(incident_id, on_news=ring)
        # A notification can be the first from a district the organisation has just taken on.
        from cvi_desktop.queries import districts_covered

        self.ctx.tasks.store_op(districts_covered, on_success=self.queue.set_districts)

    def show_notifications(self) -> None:
        self.banner.reveal()

    # --- notification sound (a per-profile setting) ------------------------------------------

    def _sound_setting(self) -> bool:
        from .notifier import SOUND_SETTING
        from .sign_in import prefs

        return str(prefs(self.session.profile).value(SOUND_SETTING, "true")).lower() == "true"

    def set_sound(self, on: bool) -> None:
        from .notifier import SOUND_SETTING
        from .sign_in import prefs

        prefs(self.session.profile).setValue(SOUND_SETTING, "true" if on else "false")
        self.notifier.sound_on = on
        if self._sound_action is not None and self._sound_action.isChecked() != on:
            self._sound_action.setChecked(on)

    # --- the sign-in lost, and found again ------------------------------------------------------

    def _sign_in_lost(self, _event: object) -> None:
        banner = self.sign_in_banner
        if not banner.isVisible():
            # Once per loss, not on every pass that finds it still lost.
            self.notifier.warn(
                self.tr("CPD notifications have stopped"),
                self.tr("This laptop is no longer signed in to the hub. Sign in again to receive them."),
            )
        banner.show()

    def sign_in_again(self) -> None:
        """The sign-in dialog for this profile and its hub; the new token goes to the keyring
        (through the same bridge functions as at start-up) and sync resumes at once."""
        from .sign_in import SignInDialog, prefs
        from .sync_bridge import check_hub, save_sign_in, saved_token

        if self._sign_in_dialog is not None and self._sign_in_dialog.isVisible():
            self._sign_in_dialog.raise_()
            self._sign_in_dialog.activateWindow()
            return
        session = self.session
        dialog = SignInDialog(
            session.tasks,
            checker=check_hub,
            save_token=save_sign_in,
            saved_token=saved_token,
            home=session.home,
            parent=self,
        )
        # This profile only: signing in as someone else here would mix two people's work.
        dialog.profile.clear()
        dialog.profile.addItem(session.profile)
        dialog.profile.setEditable(False)
        dialog.demo.hide()
        dialog.setWindowTitle(self.tr("Sign in again — %s") % session.profile)
        url = session.hub_url or str(prefs(session.profile).value("hub_url", "") or "")
        dialog.url.setText(url)
        dialog.message.setText(
            self.tr("Enter your token again (ask your supervisor for a new one if needed).")
        )
        dialog.token.setFocus()
        dialog.accepted.connect(lambda: self._signed_in(dialog))
        self._sign_in_dialog = dialog
        dialog.open()  # window-modal, and the window keeps painting

    def _signed_in(self, dialog: SignInDialog) -> None:
        choice = dialog.result_value
        if choice is None:
            return
        session = self.session
        if session.bridge.engine is None or choice.hub_url != session.hub_url:
            session.bridge.stop()
            session.connect_hub(choice.hub_url)
        else:
            session.bridge.signed_in_again()

    def lock(self, reason: str = "hand") -> None:
        """Lock the window: `reason` "hand" (File → Lock now) or "idle"; the lock screen says which."""
        # Nothing a worker was looking at stays on screen behind the lock.
        for dialog in (self._sync_panel, self._team, self._review, self._review_queue):
            if dialog is not None:
                dialog.hide()
        self.pages.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        self.lock_screen.reset(reason)

    def choose_pin(self, first_time: bool = False) -> None:
        """File → Unlock PIN…: choose the PIN or passphrase that unlocks this profile."""
        from .idle_lock import PinDialog

        dialog = PinDialog(self.session.tasks, first_time=first_time, parent=self)
        self._pin_dialog = dialog  # kept: a window-modal dialog with no other owner
        dialog.open()

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts (F1): the menus' shortcuts and each place's keys."""
        from .shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self.menuBar(), self)
        self._shortcuts_dialog = dialog
        dialog.open()

    def show_settings(self) -> None:
        """File → Settings…: this profile's language (applied at the next start)."""
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.session.profile, self)
        self._settings_dialog = dialog
        dialog.accepted.connect(lambda: self._after_settings(dialog))
        dialog.open()

    def _after_settings(self, dialog: SettingsDialog) -> None:
        from PySide6.QtWidgets import QMessageBox

        if dialog.needs_restart():
            QMessageBox.information(
                self,
                self.tr("Restart to apply"),
                self.tr("The new language is saved. Close cvi-desktop and open it again to apply it."),
            )

    def unlock(self) -> None:
        self.pages.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.idle.resume()

    @property
    def locked(self) -> bool:
        return self._lock_screen is not None and self.pages.currentWidget() is self._lock_screen

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            self.tr("About cvi-desktop"),
            self.tr("cvi-desktop — offline-first incident response for street-outreach teams."),
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._idle is not None:
            self._idle.stop()
        super().closeEvent(event)
