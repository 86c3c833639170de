"""Referrals and follow-ups for one incident, each with a one-line form."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.domain import FollowupKind, ReferralCategory, ReferralStatus

from . import operations
from .context import AppContext
from .labels import label, when
from .operations import IncidentDetail
from .response_form import from_qdatetime, to_qdatetime
from .widgets import RecordTable, title_label


class CaseworkTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.incident_id = ""
        self.setAccessibleName(self.tr("Referrals and follow-ups"))
        layout = QVBoxLayout(self)

        layout.addWidget(title_label(self.tr("Referrals"), self))
        self.referrals = RecordTable(
            [
                ("category", self.tr("Category"), lambda r: label(r["category"])),
                ("status", self.tr("Status"), lambda r: label(r["status"])),
                ("provider", self.tr("Provider"), lambda r: r["provider"] or "—"),
                ("updated_at", self.tr("Updated"), lambda r: when(r["updated_at"])),
            ],
            self.tr("Referrals"),
            self,
        )
        layout.addWidget(self.referrals, 1)
        row = QHBoxLayout()
        self.category = QComboBox(self)
        self.category.setAccessibleName(self.tr("Referral category"))
        for c in ReferralCategory:
            self.category.addItem(label(c.value), c.value)
        self.provider = QLineEdit(self)
        self.provider.setPlaceholderText(self.tr("Provider (shared with your organisation only)"))
        self.provider.setAccessibleName(self.tr("Referral provider"))
        self.add_ref = QPushButton(self.tr("Add &referral"), self)
        self.add_ref.setAccessibleName(self.tr("Add referral"))
        self.ref_status = QComboBox(self)
        self.ref_status.setAccessibleName(self.tr("New status for the selected referral"))
        for s in ReferralStatus:
            self.ref_status.addItem(label(s.value), s.value)
        self.update_ref = QPushButton(self.tr("Set status"), self)
        self.update_ref.setAccessibleName(self.tr("Set status of the selected referral"))
        for w in (self.category, self.provider, self.add_ref, self.ref_status, self.update_ref):
            row.addWidget(w)
        layout.addLayout(row)

        layout.addWidget(title_label(self.tr("Follow-ups"), self))
        self.followups = RecordTable(
            [
                ("due_at", self.tr("Due"), lambda r: when(r["due_at"])),
                ("kind", self.tr("Kind"), lambda r: label(r["kind"])),
                ("state", self.tr("State"), self._followup_state),
                ("result", self.tr("Result"), lambda r: r["result"] or "—"),
            ],
            self.tr("Follow-ups"),
            self,
        )
        layout.addWidget(self.followups, 1)
        row2 = QHBoxLayout()
        self.due = QDateTimeEdit(self)
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.due.setCalendarPopup(True)
        self.due.setAccessibleName(self.tr("Follow-up due"))
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Follow-up kind"))
        for k in FollowupKind:
            self.kind.addItem(label(k.value), k.value)
        self.add_fup = QPushButton(self.tr("Schedule &follow-up"), self)
        self.add_fup.setAccessibleName(self.tr("Schedule follow-up"))
        self.done_fup = QPushButton(self.tr("Mark &done…"), self)
        self.done_fup.setAccessibleName(self.tr("Mark the selected follow-up done"))
        for w in (self.due, self.kind, self.add_fup, self.done_fup):
            row2.addWidget(w)
        row2.addStretch(1)
        layout.addLayout(row2)

        self.add_ref.clicked.connect(self._add_referral)
        self.update_ref.clicked.connect(self._update_referral)
        self.add_fup.clicked.connect(self._schedule)
        self.done_fup.clicked.connect(self._complete)

    def _followup_state(self, r: dict) -> str:
        if r["done_at"]:
            return self.tr("Done %s") % when(r["done_at"])
        if r["due_at"] < self.ctx.now().isoformat():
            return self.tr("Overdue")
        return self.tr("Open")

    def show_detail(self, detail: IncidentDetail) -> None:
        if detail.incident["id"] != self.incident_id:
            self.due.setDateTime(to_qdatetime(self.ctx.now() + timedelta(days=2)))
        self.incident_id = detail.incident["id"]
        self.referrals.set_rows(detail.referrals)
        self.followups.set_rows(detail.followups)

    def _add_referral(self) -> None:
        operations.add_referral(
            ctx=self.ctx,
            incident_id=self.incident_id,
            category=self.category.currentData(),
            provider=self.provider.text(),
            on_success=lambda _id: self.provider.clear(),
        )

    def _update_referral(self) -> None:
        record = self.referrals.current_record()
        if record is not None:
            operations.update_referral(
                ctx=self.ctx,
                incident_id=self.incident_id,
                referral_id=record["id"],
                status=self.ref_status.currentData(),
            )

    def _schedule(self) -> None:
        operations.schedule_followup(
            ctx=self.ctx,
            incident_id=self.incident_id,
            due_at=from_qdatetime(self.due.dateTime()),
            kind=self.kind.currentData(),
        )

    def _complete(self) -> None:
        record = self.followups.current_record()
        if record is None or record["done_at"]:
            return
        result, ok = QInputDialog.getText(self, self.tr("Follow-up done"), self.tr("What happened?"))
        if ok and result.strip():
            operations.complete_followup(
                ctx=self.ctx, incident_id=self.incident_id, followup_id=record["id"], result=result
            )
