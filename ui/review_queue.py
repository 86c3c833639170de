"""The review queue: the supervisor's list of incidents waiting for review, oldest first.

Left, the queue (how long each has waited and why it is here: new, resubmitted after issues,
changed since approval). Right, for the selected incident, exactly what an approval would cover
(`reviews.preview`: each record with its version and who recorded it, and a warning when some
records have not reached the hub yet), the exact JSON CPD would get, and the decision: Approve,
Has issues or Reject, with a comment that is required for the last two.

All from the keyboard: arrows move in the queue, Enter opens the incident in the main window,
Alt+A / Alt+H / Alt+J decide, Alt+C goes to the comment, Ctrl+R reassigns. After a decision the
incident leaves the queue and the next one is selected, so a supervisor can work down the list.

Reads run on the store thread (`read_queue`, `read_preview`), the decision through
`operations.review_incident`; nothing here touches the store from the GUI thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from . import operations
from .context import AppContext
from .labels import elapsed, label, recorded_by, review_text, when
from .staff_picker import incident_words, reassign
from .widgets import RecordTable, title_label

if TYPE_CHECKING:
    from cvi_desktop.store import Store

APPROVED, HAS_ISSUES, REJECTED = "approved", "has_issues", "rejected"


@dataclass(frozen=True)
class QueueSnapshot:
    rows: list[dict[str, Any]]
    as_of: datetime


@dataclass(frozen=True)
class ReviewPreview:
    incident_id: str
    covers: list[dict[str, Any]]
    cpd_payload: dict[str, Any]
    unsent: int
    status: dict[str, Any]


def read_queue(store: Store) -> QueueSnapshot:
    """Runs on the store thread only."""
    from cvi_desktop import queries

    return QueueSnapshot(rows=queries.review_queue(store), as_of=store.now())


def read_preview(store: Store, incident_id: str) -> ReviewPreview:
    """What approving `incident_id` now would include, and where its review stands. Store thread."""
    from cvi_desktop.services import reviews

    preview = reviews.preview(store, incident_id)
    return ReviewPreview(
        incident_id=incident_id,
        covers=list(preview.get("covers", [])),
        cpd_payload=dict(preview.get("cpd_payload") or {}),
        unsent=int(preview.get("unsent") or 0),
        status=reviews.status(store, incident_id),
    )


class ReviewQueueDialog(QDialog):
    """Non-modal. Emits `open_incident(id)`; `loaded` after each queue load, `preview_loaded(id)`
    after each preview, `decided(id, state)` after a decision is saved."""

    open_incident = Signal(str)
    loaded = Signal()
    preview_loaded = Signal(str)
    decided = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.snapshot: QueueSnapshot | None = None
        self.preview: ReviewPreview | None = None
        self._generation = 0
        self._preview_generation = 0
        self._current_id: str | None = None
        # After a decision: select whatever is now at the decided row's place (the next one).
        self._prefer_row: int | None = None
        self._deciding = False
        # The incident whose preview was last asked for (reset by each queue load, so a record
        # that arrived meanwhile shows in the preview too).
        self._preview_for: str | None = None
        self.setWindowTitle(self.tr("Review queue"))
        self.setAccessibleName(self.tr("Review queue"))

        self.summary = QLabel(self.tr("Loading…"), self)
        self.summary.setAccessibleName(self.tr("Review queue summary"))
        self.summary.setWordWrap(True)
        self.table = RecordTable(
            [
                ("waiting_since", self.tr("Waiting"), self._waiting),
                ("reason", self.tr("Why"), lambda r: label(r["reason"])),
                ("rd_number", self.tr("RD number"), lambda r: r["rd_number"] or "—"),
                ("district", self.tr("District"), lambda r: str(r["district"])),
                ("incident_type", self.tr("Type"), lambda r: label(r["incident_type"])),
                ("assignee", self.tr("Assigned to"), self._assignee),
            ],
            self.tr("Incidents waiting for review"),
            self,
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip(self.tr("Enter opens the incident · Ctrl+R reassigns · right-click for more"))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.empty = QLabel(self.tr("Nothing is waiting for review."), self)
        self.empty.setObjectName("hint")
        self.empty.setAccessibleName(self.tr("Nothing is waiting for review."))
        self.empty.hide()

        right = QWidget(self)
        self.heading = title_label(self.tr("What an approval will include"), right)
        self.state = QLabel(right)
        self.state.setObjectName("reviewBanner")
        self.state.setAccessibleName(self.tr("Review state"))
        self.state.setWordWrap(True)
        self.covers = RecordTable(
            [
                ("summary", self.tr("Record"), self._record),
                ("recorded_by", self.tr("Recorded by"), lambda r: recorded_by(r, self.ctx.actor)),
                ("at", self.tr("Recorded"), lambda r: when(r.get("at"))),
                ("version", self.tr("Version"), lambda r: str(r.get("version") or 1)),
            ],
            self.tr("Records an approval will include"),
            right,
        )
        header = self.covers.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.unsent = QLabel(right)
        self.unsent.setObjectName("warning")
        self.unsent.setAccessibleName(self.tr("Records not yet synced"))
        self.unsent.setWordWrap(True)
        self.unsent.hide()
        self.show_json = QPushButton(self.tr("Show what CPD will &get"), right)
        self.show_json.setCheckable(True)
        self.show_json.setAccessibleName(self.tr("Show the exact record CPD will get"))
        self.json = QPlainTextEdit(right)
        self.json.setObjectName("json")
        self.json.setReadOnly(True)
        self.json.setAccessibleName(self.tr("The exact record CPD will get"))
        self.json.hide()
        self.comment_label = QLabel(self.tr("&Comment to the worker"), right)
        self.comment = QPlainTextEdit(right)
        self.comment.setAccessibleName(self.tr("Comment to the worker"))
        self.comment.setPlaceholderText(self.tr("What should be fixed? (required for Has issues and Reject)"))
        self.comment.setTabChangesFocus(True)
        self.comment.setMinimumHeight(60)
        self.comment_label.setBuddy(self.comment)
        self.message = QLabel(self.tr("A comment is required for Has issues and Reject."), right)
        self.message.setObjectName("hint")
        self.message.setAccessibleName(self.tr("Review message"))
        self.message.setWordWrap(True)
        self.approve_button = QPushButton(self.tr("&Approve"), right)
        self.approve_button.setAccessibleName(self.tr("Approve for CPD"))
        self.approve_button.setToolTip(self.tr("Approve these records for CPD (Alt+A)"))
        self.issues_button = QPushButton(self.tr("&Has issues"), right)
        self.issues_button.setAccessibleName(self.tr("Has issues"))
        self.issues_button.setToolTip(self.tr("Send back to the worker with your comment (Alt+H)"))
        self.reject_button = QPushButton(self.tr("Re&ject"), right)
        self.reject_button.setAccessibleName(self.tr("Reject"))
        self.reject_button.setToolTip(self.tr("Reject: nothing goes to CPD (Alt+J)"))

        decisions = QHBoxLayout()
        decisions.addWidget(self.approve_button)
        decisions.addWidget(self.issues_button)
        decisions.addWidget(self.reject_button)
        decisions.addStretch(1)
        # Below the queue, side by side: what the approval covers (and, on request, CPD's exact
        # JSON) on the left, the state and the decision on the right. The queue above keeps the
        # full width, so all its columns show on a 1024-pixel screen.
        covered = QVBoxLayout()
        covered.setContentsMargins(0, 0, 0, 0)
        covered.addWidget(self.heading)
        covered.addWidget(self.covers, 2)
        covered.addWidget(self.unsent)
        covered.addWidget(self.show_json, 0, Qt.AlignmentFlag.AlignLeft)
        covered.addWidget(self.json, 2)
        decision = QVBoxLayout()
        decision.setContentsMargins(0, 0, 0, 0)
        decision.addWidget(title_label(self.tr("Decision"), right))
        decision.addWidget(self.state)
        decision.addWidget(self.comment_label)
        decision.addWidget(self.comment, 1)
        decision.addWidget(self.message)
        decision.addLayout(decisions)
        rlay = QHBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        rlay.addLayout(covered, 7)
        rlay.addLayout(decision, 4)

        left = QWidget(self)
        llay = QVBoxLayout(left)
        llay.setContentsMargins(0, 0, 0, 0)
        llay.addWidget(title_label(self.tr("Waiting for review"), left))
        llay.addWidget(self.table, 1)
        llay.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)

        self.open_button = QPushButton(self.tr("&Open incident"), self)
        self.open_button.setAccessibleName(self.tr("Open the selected incident"))
        self.reassign_button = QPushButton(self.tr("Rea&ssign…"), self)
        self.reassign_button.setAccessibleName(self.tr("Reassign the selected incident"))
        self.reassign_button.setToolTip(self.tr("Reassign (Ctrl+R)"))
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setAccessibleName(self.tr("Refresh the review queue"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Review queue"), self, "pageTitle"))
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        row = QHBoxLayout()
        for w in (self.refresh_button, self.open_button, self.reassign_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(1000, 620)
        QWidget.setTabOrder(self.table, self.covers)
        QWidget.setTabOrder(self.covers, self.comment)
        QWidget.setTabOrder(self.comment, self.approve_button)

        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(self._open_current)
        self.reassign_button.clicked.connect(self.reassign_current)
        self.approve_button.clicked.connect(lambda: self.decide(APPROVED))
        self.issues_button.clicked.connect(lambda: self.decide(HAS_ISSUES))
        self.reject_button.clicked.connect(lambda: self.decide(REJECTED))
        self.show_json.toggled.connect(self.json.setVisible)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda _r, _c: self._open_current())
        self.table.customContextMenuRequested.connect(self._context_menu)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._open_current)
        reassign_key = QShortcut(QKeySequence("Ctrl+R"), self)
        reassign_key.activated.connect(self.reassign_current)
        # New work arrives (a teammate resubmits, an approval elsewhere): follow it while shown.
        ctx.events.data_changed.connect(lambda _id: self.refresh() if self.isVisible() else None)
        self._set_enabled()

    # --- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.refresh_button.setEnabled(False)
        self.ctx.tasks.store_op(
            read_queue,
            on_success=lambda snap: self._show(generation, snap),
            on_failure=lambda exc: self._failed(generation, exc),
        )

    def _show(self, generation: int, snap: QueueSnapshot) -> None:
        if generation != self._generation:
            return  # an older load finishing after a newer one was asked for
        self.refresh_button.setEnabled(True)
        self.snapshot = snap
        n = len(snap.rows)
        if n:
            oldest = elapsed(snap.rows[0]["waiting_since"], snap.as_of)
            self.summary.setText(
                self.tr("%n incident(s) waiting", "", n)
                + " · "
                + self.tr("the oldest for %s") % oldest
            )
        else:
            self.summary.setText(self.tr("Nothing is waiting for review."))
        self._preview_for = None
        self.table.blockSignals(True)
        self.table.set_rows(snap.rows)
        self.table.blockSignals(False)
        self.empty.setVisible(not n)
        ids = [str(r["incident_id"]) for r in snap.rows]
        if self._current_id in ids:
            row = ids.index(self._current_id)
        elif self._prefer_row is not None and n:
            row = min(self._prefer_row, n - 1)
        else:
            row = 0 if n else -1
        self._prefer_row = None
        if row >= 0:
            self.table.setCurrentCell(row, 0)
            self.table.selectRow(row)
        self._selection_changed()
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.refresh_button.setEnabled(True)
        self.summary.setText(self.tr("The review queue could not be loaded."))
        self.ctx.tasks.default_failure(exc)

    def _selection_changed(self) -> None:
        record = self.current_record()
        incident_id = str(record["incident_id"]) if record else None
        if incident_id != self._current_id:
            # Another incident: its own comment. (The same one reloaded keeps what is typed.)
            self._current_id = incident_id
            self.comment.clear()
            self._reset_message()
        if incident_id != self._preview_for:
            self._load_preview()
        self._set_enabled()

    def _load_preview(self) -> None:
        self._preview_generation += 1
        generation = self._preview_generation
        incident_id = self._preview_for = self._current_id
        # No decision until the new preview is here: an approval covers what the store holds at
        # that moment, and the screen must not show something older.
        self.preview = None
        if incident_id is None:
            self._show_preview(None)
            return
        self.ctx.tasks.store_op(
            lambda s: read_preview(s, incident_id),
            on_success=lambda p: self._preview_arrived(generation, p),
        )

    def _preview_arrived(self, generation: int, preview: ReviewPreview) -> None:
        if generation != self._preview_generation:
            return
        self.preview = preview
        self._show_preview(preview)
        self._set_enabled()
        self.preview_loaded.emit(preview.incident_id)

    def _show_preview(self, preview: ReviewPreview | None) -> None:
        if preview is None:
            self.state.setText("")
            self.state.setProperty("state", "")
            self.covers.set_rows([])
            self.unsent.hide()
            self.json.setPlainText("")
            return
        self.state.setText(review_text(preview.status))
        # The banner's colour follows the state (style.qss), re-polished so the change shows.
        self.state.setProperty("state", str(preview.status.get("state") or "not_reviewed"))
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        self.covers.set_rows(preview.covers)
        if preview.unsent:
            self.unsent.setText(
                self.tr("%n record(s) not yet synced", "", preview.unsent)
                + " — "
                + self.tr(
                    "an approval covers only the records listed above; share first or review again later."
                )
            )
        self.unsent.setVisible(bool(preview.unsent))
        self.json.setPlainText(json.dumps(preview.cpd_payload, indent=2, sort_keys=True, ensure_ascii=False))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._generation == 0:
            self.refresh()
        super().showEvent(event)

    # --- cells -------------------------------------------------------------------------------

    def _waiting(self, row: dict[str, Any]) -> str:
        now = self.snapshot.as_of if self.snapshot is not None else self.ctx.now()
        return self.tr("waiting %s") % elapsed(row["waiting_since"], now)

    def _assignee(self, row: dict[str, Any]) -> str:
        if not row.get("assignee"):
            return self.tr("Unassigned")
        return str(row.get("assignee_name") or row["assignee"])

    @staticmethod
    def _record(row: dict[str, Any]) -> str:
        # The core's summary is stored codes joined by " · " ("hospital · completed",
        # "referral · victim_services · made"): each part gets its human, translated label.
        summary = str(row.get("summary") or "")
        if not summary:
            return label(row.get("kind"))
        return " · ".join(label(part.strip()) for part in summary.split(" · "))

    # --- actions -----------------------------------------------------------------------------

    def current_record(self) -> dict[str, Any] | None:
        return self.table.current_record() if self.table.selectedItems() else None

    def _set_enabled(self) -> None:
        ready = self.current_record() is not None and self.preview is not None and not self._deciding
        for b in (self.approve_button, self.issues_button, self.reject_button):
            b.setEnabled(ready)
        has_row = self.current_record() is not None
        self.open_button.setEnabled(has_row)
        self.reassign_button.setEnabled(has_row and self.ctx.supervisor)

    def _reset_message(self) -> None:
        self.message.setObjectName("hint")
        self.message.setText(self.tr("A comment is required for Has issues and Reject."))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def decide(self, state: str) -> None:
        """Approve / has issues / reject the selected incident (comment required unless approving)."""
        record = self.current_record()
        if record is None or self.preview is None or self._deciding:
            return
        comment = self.comment.toPlainText().strip()
        if state != APPROVED and not comment:
            self.message.setObjectName("warning")
            self.message.setText(
                self.tr("Write a comment first: the worker needs to know what to fix.")
                if state == HAS_ISSUES
                else self.tr("Write a comment first: say why the record is rejected.")
            )
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
            self.comment.setFocus()
            return
        incident_id = str(record["incident_id"])
        row = self.table.currentRow()
        self._deciding = True
        self._set_enabled()
        self.message.setText(self.tr("Saving…"))

        def saved(_review_id: object) -> None:
            self._deciding = False
            self._current_id = None
            self._prefer_row = row
            self.comment.clear()
            self._reset_message()
            self.decided.emit(incident_id, state)
            self.table.setFocus()  # back to the list for the next one
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._deciding = False
            self._set_enabled()
            self._reset_message()
            self.ctx.tasks.default_failure(exc)

        operations.review_incident(
            ctx=self.ctx,
            incident_id=incident_id,
            state=state,
            comment=comment,
            # What was shown, so a record that arrived since is never approved unseen.
            covers=(self.preview.covers if self.preview is not None
                    and self.preview.incident_id == incident_id else None),
            on_success=saved,
            on_failure=failed,
        )

    def _open_current(self) -> None:
        record = self.current_record()
        if record is not None:
            self.open_incident.emit(str(record["incident_id"]))

    def reassign_current(self) -> None:
        record = self.current_record()
        if record is None:
            return
        reassign(
            ctx=self.ctx,
            parent=self,
            incident_id=str(record["incident_id"]),
            current=record.get("assignee"),
            what=incident_words(record.get("rd_number")),
        )

    def _context_menu(self, pos: QPoint) -> None:
        if self.table.itemAt(pos) is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("&Open incident"), self._open_current)
        if self.ctx.supervisor:
            menu.addAction(self.tr("Rea&ssign…") + "\tCtrl+R", self.reassign_current)
        menu.addSeparator()
        for text, state, button in (
            (self.tr("&Approve"), APPROVED, self.approve_button),
            (self.tr("&Has issues"), HAS_ISSUES, self.issues_button),
            (self.tr("Re&ject"), REJECTED, self.reject_button),
        ):
            menu.addAction(text, lambda state=state: self.decide(state)).setEnabled(button.isEnabled())
        menu.popup(self.table.viewport().mapToGlobal(pos))
