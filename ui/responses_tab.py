"""The response log (append-only, with versions) and the quick-entry form above it.

Each action says who recorded it: "You", or "Ana Ruiz (teammate)" for one that came through the
hub from another laptop. Only actions this person may correct (`IncidentDetail.editable`: their
own, or any for a supervisor) can be loaded into the form with "Correct…"; the others are
read-only here and say so.

An action logged after its incident was reassigned carries a flag ("Logged after the incident
was reassigned"). The banner above the log names the first unsettled one; a supervisor settles
it there: Keep (the follow-through stays with its author) or Move to the current assignee.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from . import operations
from .context import AppContext
from .labels import label, recorded_by, when
from .operations import IncidentDetail
from .response_form import ResponseForm
from .widgets import RecordTable, title_label

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
        self.correct = QPushButton(self.tr("Co&rrect…"), self)
        self.correct.setAccessibleName(self.tr("Correct the selected response"))
        self.correct.setToolTip(self.tr("Load the selected response into the form to correct it"))
        log_title.addWidget(self.read_only)
        log_title.addWidget(self.correct)
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
            self.form.reset(detail.incident["id"], detail.last_action_type)
        self._show_flag(detail)
        self._selection_changed()

    # --- who may correct what -------------------------------------------------------------------

    def can_edit(self, row: dict[str, Any] | None) -> bool:
        return row is not None and self.detail is not None and str(row["id"]) in self.detail.editable

    def _selection_changed(self) -> None:
        row = self.log.current_record() if self.log.selectedItems() else None
        editable = self.can_edit(row)
        self.correct.setEnabled(editable)
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
            text += " " + self.tr("(%d more below.)") % (len(open_flags) - 1)
        supervisor = self.ctx.supervisor
        if not supervisor:
            text += " " + self.tr("A supervisor decides who follows through.")
        self.flag_text.setText(text)
        self.move.setText(self.tr("&Move to %s") % self._assignee_name(detail))
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
