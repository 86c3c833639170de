"""The response log (append-only, with versions) and the quick-entry form above it.

Each action says who recorded it: "You", or "Ana Ruiz (teammate)" for one that came through the
hub from another laptop. Only actions this person may correct (`IncidentDetail.editable`: their
own, or any for a supervisor) can be loaded into the form with "Correct…"; the others are
read-only here and say so. A response logged as still going is ended with "End…" (its end
time and final outcome, `responses.end_action`); "History…" lists every version of the selected
response (each correction or end is a new, audited version; none is overwritten).

An action logged after its incident was reassigned carries a flag ("Logged after the incident
was reassigned"). The banner above the log names the first unsettled one; a supervisor settles
it there: Keep (the follow-through stays with its author) or Move to the current assignee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.vocab import FINAL_OUTCOMES, Outcome

from . import operations
from .context import AppContext
from .labels import label, recorded_by, when
from .operations import IncidentDetail
from .response_form import (
    ResponseForm,
    chicago_datetime_edit,
    from_qdatetime,
    local_hhmm,
    suggest_type,
    to_qdatetime,
)
from .widgets import RecordTable, title_label

if TYPE_CHECKING:
    from cvi_desktop.store import Store

FLAG = "incident_reassigned"


def _flag_text(row: dict[str, Any]) -> str:
    if row.get("flag") != FLAG:
        return ""
    if row.get("flag_resolution"):
        return label(row["flag_resolution"])
    return label(FLAG)


class ResponsesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: IncidentDetail | None = None
        self.flagged: dict[str, Any] | None = None
        self.setAccessibleName(self.tr("Responses"))
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Log a response"), self))
        self.form = ResponseForm(ctx, self)
        layout.addWidget(self.form)

        # The flag banner: an action logged after reassignment, and (supervisor) its two outcomes.
        self.flag_box = QFrame(self)
        self.flag_box.setObjectName("flagBanner")
        self.flag_text = QLabel(self.flag_box)
        self.flag_text.setWordWrap(True)
        self.flag_text.setAccessibleName(self.tr("Flagged response"))
        self.keep = QPushButton(self.tr("&Keep with its author"), self.flag_box)
        self.keep.setAccessibleName(self.tr("Keep the response with its author"))
        self.move = QPushButton(self.flag_box)
        self.move.setAccessibleName(self.tr("Move the follow-through to the new assignee"))
        flag_row = QHBoxLayout(self.flag_box)
        flag_row.addWidget(self.flag_text, 1)
        flag_row.addWidget(self.keep)
        flag_row.addWidget(self.move)
        self.flag_box.hide()
        layout.addWidget(self.flag_box)

        log_title = QHBoxLayout()
        log_title.addWidget(title_label(self.tr("Response log"), self))
        log_title.addStretch(1)
        self.read_only = QLabel(self)
        self.read_only.setObjectName("hint")
        self.read_only.setAccessibleName(self.tr("Why the selected response is read-only"))
        self.correct = QPushButton(self.tr("&Correct…"), self)
        self.correct.setAccessibleName(self.tr("Correct the selected response"))
        self.correct.setToolTip(
            self.tr("Load the selected response into the form to correct it (Enter on the row)")
        )
        self.end = QPushButton(self.tr("En&d…"), self)
        self.end.setAccessibleName(self.tr("End the selected response"))
        self.end.setToolTip(self.tr("Give a response that is still going its end time and outcome"))
        self.history = QPushButton(self.tr("History…"), self)
        self.history.setAccessibleName(self.tr("History of the selected response"))
        self.history.setToolTip(self.tr("Every version of the selected response"))
        for b in (self.correct, self.end, self.history, self.keep, self.move):
            b.setAutoDefault(True)  # Enter on the focused button presses it, as Space does
        log_title.addWidget(self.read_only)
        log_title.addWidget(self.end)
        log_title.addWidget(self.correct)
        log_title.addWidget(self.history)
        layout.addLayout(log_title)
        self.log = RecordTable(
            [
                ("started_at", self.tr("Started"), lambda r: when(r["started_at"])),
                ("action_type", self.tr("Action"), lambda r: label(r["action_type"])),
                ("outcome", self.tr("Outcome"), lambda r: label(r["outcome"])),
                ("recorded_by", self.tr("Recorded by"), lambda r: recorded_by(r, self.ctx.actor)),
                ("staff_count", self.tr("Staff"), lambda r: str(r["staff_count"])),
                ("ended_at", self.tr("Ended"), lambda r: when(r["ended_at"]) or self.tr("still going")),
                ("retaliation_risk", self.tr("Risk"), lambda r: label(r["retaliation_risk"]) or "—"),
                ("mediation_result", self.tr("Mediation"), lambda r: label(r["mediation_result"]) or "—"),
                ("version", self.tr("Version"), lambda r: str(r.get("version") or 1)),
                ("flag", self.tr("Note"), _flag_text),
            ],
            self.tr("Response log"),
            self,
        )
        # At least a few rows: inside the tab's scroll area a table would otherwise shrink to one,
        # and the log is where teammates' work shows up.
        self.log.setMinimumHeight(self.log.horizontalHeader().sizeHint().height() + 5 * 30)
        layout.addWidget(self.log, 1)
        self.log.itemSelectionChanged.connect(self._selection_changed)
        self.correct.clicked.connect(self.correct_selected)
        self.end.clicked.connect(self.end_selected)
        self.history.clicked.connect(self.show_history)
        self.keep.clicked.connect(lambda: self._resolve("keep"))
        self.move.clicked.connect(lambda: self._resolve("move"))
        # Enter on an editable row corrects it, as the button does.
        shortcut = QShortcut(QKeySequence("Return"), self.log)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.correct_selected)

    def show_detail(self, detail: IncidentDetail, *, reset_form: bool) -> None:
        self.detail = detail
        selected = self.log.current_record()
        rows = list(reversed(detail.actions))
        self.log.set_rows(rows)
        if selected is not None:
            ids = [r["id"] for r in rows]
            if selected["id"] in ids:
                self.log.selectRow(ids.index(selected["id"]))
        if reset_form or self.form.incident_id != detail.incident["id"]:
            suggested, why = suggest_type(detail.incident, detail.actions)
            self.form.reset(detail.incident["id"], suggested, why)
        self._show_flag(detail)
        self._selection_changed()

    # --- who may correct what -------------------------------------------------------------------

    def can_edit(self, row: dict[str, Any] | None) -> bool:
        return row is not None and self.detail is not None and str(row["id"]) in self.detail.editable

    def _selection_changed(self) -> None:
        row = self.log.current_record() if self.log.selectedItems() else None
        editable = self.can_edit(row)
        self.correct.setEnabled(editable)
        self.end.setEnabled(editable and row is not None and is_ongoing(row))
        self.history.setEnabled(row is not None)
        if row is not None and not editable:
            who = row.get("recorded_by_name") or row.get("recorded_by") or self.tr("a teammate")
            self.read_only.setText(
                self.tr("Read-only: recorded by %s on their laptop; they or a supervisor can correct it.")
                % who
            )
        else:
            self.read_only.setText("")

    def correct_selected(self) -> None:
        row = self.log.current_record() if self.log.selectedItems() else None
        if self.can_edit(row):
            assert row is not None
            self.form.start_correction(row)

    def end_selected(self) -> None:
        """End the selected still-going response: its end time (now by default) and outcome."""
        row = self.log.current_record() if self.log.selectedItems() else None
        if row is None or self.detail is None or not self.can_edit(row) or not is_ongoing(row):
            return
        dialog = EndDialog(self.ctx, row, self)
        dialog.open()  # window-modal; the window keeps painting
        self._end_dialog = dialog

    def show_history(self) -> None:
        row = self.log.current_record() if self.log.selectedItems() else None
        if row is None:
            return
        dialog = HistoryDialog(self.ctx, row, self)
        dialog.open()
        self._history_dialog = dialog

    # --- the flag -------------------------------------------------------------------------------

    def _assignee_name(self, detail: IncidentDetail) -> str:
        who = detail.incident.get("assignee")
        names = {s["id"]: s["display_name"] for s in detail.staff}
        return str(names.get(who, who or self.tr("nobody")))

    def _show_flag(self, detail: IncidentDetail) -> None:
        open_flags = [a for a in detail.actions if a.get("flag") == FLAG and not a.get("flag_resolution")]
        self.flagged = open_flags[0] if open_flags else None
        if self.flagged is None:
            self.flag_box.hide()
            return
        a = self.flagged
        text = self.tr("<b>Logged after the incident was reassigned:</b> %s at %s, recorded by %s.") % (
            label(a["action_type"]),
            when(a["started_at"]),
            a.get("recorded_by_name") or a.get("recorded_by") or "—",
        )
        if len(open_flags) > 1:
            text += " " + self.tr("(%n more below.)", "", len(open_flags) - 1)
        supervisor = self.ctx.supervisor
        if not supervisor:
            text += " " + self.tr("A supervisor decides who follows through.")
        self.flag_text.setText(text)
        self.move.setText(self.tr("Move to %s") % self._assignee_name(detail))
        self.keep.setVisible(supervisor)
        self.move.setVisible(supervisor and bool(detail.incident.get("assignee")))
        self.flag_box.show()

    def _resolve(self, resolution: str) -> None:
        if self.flagged is None or self.detail is None or not self.ctx.supervisor:
            return
        for b in (self.keep, self.move):
            b.setEnabled(False)

        def done(_result: object) -> None:
            for b in (self.keep, self.move):
                b.setEnabled(True)

        def failed(exc: BaseException) -> None:
            done(None)
            self.ctx.tasks.default_failure(exc)

        operations.resolve_flag(
            ctx=self.ctx,
            incident_id=str(self.detail.incident["id"]),
            action_id=str(self.flagged["id"]),
            resolution=resolution,
            on_success=done,
            on_failure=failed,
        )


def is_ongoing(row: dict[str, Any]) -> bool:
    """Still going: no end time and no final outcome (`responses.is_ongoing`, without the import)."""
    return not row.get("ended_at") and row.get("outcome") in (None, "", Outcome.ONGOING.value)


class EndDialog(QDialog):
    """End a response that is still going: when it ended (now by default) and how."""

    def __init__(self, ctx: AppContext, row: dict[str, Any], parent: QWidget | None = None) -> None:
        from cvi_desktop.clock import from_db

        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        started = from_db(row["started_at"]) or ctx.now()
        self.setWindowTitle(self.tr("End response"))
        self.setMinimumWidth(420)
        self.setAccessibleName(self.tr("End a response"))
        intro = QLabel(
            self.tr("The %s started at %s is still going. When did it end, and how?")
            % (label(row["action_type"]).lower(), local_hhmm(started)),
            self,
        )
        intro.setWordWrap(True)
        self.ended = chicago_datetime_edit(self, self.tr("Ended at (Chicago time)"))
        self.ended.setDateTime(to_qdatetime(max(ctx.now(), started)))
        self.outcome = QComboBox(self)
        self.outcome.setAccessibleName(self.tr("Outcome"))
        for o in FINAL_OUTCOMES:
            self.outcome.addItem(label(o.value), o.value)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("End message"))
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(self.tr("&End response"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setDefault(True)  # Enter anywhere in the dialog ends it
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(self.tr("Ended &at"), self.ended)
        form.addRow(self.tr("&Outcome"), self.outcome)
        form.addRow(self.message)
        form.addRow(self.buttons)
        for field in (self.ended, self.outcome):
            lab = form.labelForField(field)
            if isinstance(lab, QLabel):
                lab.setBuddy(field)
        self.ok.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.outcome.setFocus()  # the end time is "now" far more often than the outcome is set

    def submit(self) -> None:
        from .errors import explain

        self.ok.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.ok.setEnabled(True)
            explained = explain(exc)
            self.message.setText(f"{explained.title}. {explained.what_to_do}")

        def done(_version: object) -> None:
            self.ok.setEnabled(True)
            self.accept()

        operations.end_response(
            ctx=self.ctx,
            incident_id=str(self.row["incident_id"]),
            action_id=str(self.row["id"]),
            ended_at=from_qdatetime(self.ended.dateTime()),
            outcome=str(self.outcome.currentData()),
            on_success=done,
            on_failure=failed,
        )


class HistoryDialog(QDialog):
    """Every version of one response this laptop knows, oldest first (`responses.history`)."""

    def __init__(self, ctx: AppContext, row: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Response history"))
        self.setAccessibleName(self.tr("Response history"))
        what = {
            "log_action": self.tr("Logged"),
            "correct_action": self.tr("Corrected"),
            "end_action": self.tr("Ended"),
            "flag_kept": self.tr("Kept with its author"),
            "flag_moved": self.tr("Moved to the assignee"),
        }
        self.table = RecordTable(
            [
                ("version", self.tr("Version"), lambda r: str(r["version"])),
                ("what", self.tr("Change"), lambda r: what.get(r["what"], r["what"])),
                ("by", self.tr("By"), lambda r: str(r.get("by") or "—")),
                ("at", self.tr("Saved"), lambda r: when(r["at"])),
                ("action_type", self.tr("Action"), lambda r: label(r["fields"].get("action_type"))),
                ("outcome", self.tr("Outcome"), lambda r: label(r["fields"].get("outcome"))),
                ("ended_at", self.tr("Ended"), lambda r: when(r["fields"].get("ended_at")) or "—"),
                ("staff_count", self.tr("Staff"), lambda r: str(r["fields"].get("staff_count") or "")),
            ],
            self.tr("Versions of the response"),
            self,
        )
        self.note = QLabel(
            self.tr("Now at version %s. Earlier versions made on a teammate's laptop are kept by the hub.")
            % (row.get("version") or 1),
            self,
        )
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(920, 300)
        action_id = str(row["id"])

        def read(store: Store) -> list[dict[str, Any]]:
            from cvi_desktop.services import responses

            return responses.history(store, action_id)

        ctx.tasks.store_op(
            read, on_success=self.table.set_rows, on_failure=lambda e: ctx.tasks.default_failure(e)
        )
