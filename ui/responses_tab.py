"""The response log (append-only) with the quick-entry form above it."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from .context import AppContext
from .labels import label, when
from .operations import IncidentDetail
from .response_form import ResponseForm
from .widgets import RecordTable, title_label


class ResponsesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Responses"))
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Log a response"), self))
        self.form = ResponseForm(ctx, self)
        layout.addWidget(self.form)
        layout.addWidget(title_label(self.tr("Response log"), self))
        self.log = RecordTable(
            [
                ("started_at", self.tr("Started"), lambda r: when(r["started_at"])),
                ("action_type", self.tr("Action"), lambda r: label(r["action_type"])),
                ("outcome", self.tr("Outcome"), lambda r: label(r["outcome"])),
                ("staff_count", self.tr("Staff"), lambda r: str(r["staff_count"])),
                ("ended_at", self.tr("Ended"), lambda r: when(r["ended_at"]) or self.tr("still going")),
                ("retaliation_risk", self.tr("Risk"), lambda r: label(r["retaliation_risk"]) or "—"),
                ("mediation_result", self.tr("Mediation"), lambda r: label(r["mediation_result"]) or "—"),
            ],
            self.tr("Response log"),
            self,
        )
        layout.addWidget(self.log, 1)

    def show_detail(self, detail: IncidentDetail, *, reset_form: bool) -> None:
        self.log.set_rows(list(reversed(detail.actions)))
        if reset_form or self.form.incident_id != detail.incident["id"]:
            self.form.reset(detail.incident["id"], detail.last_action_type)
