"""Referrals and follow-ups for one incident, each with a one-line form.

Each row says who recorded it ("You", "Ana Ruiz (teammate)"). Changing a referral's status or
marking a follow-up done is a correction of that record, so it is offered only for the records
this person may correct (`IncidentDetail.editable`); the rest are read-only here.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.domain import FollowupKind, ReferralCategory, ReferralStatus

from . import operations
from .context import AppContext
from .labels import label, recorded_by, when
from .operations import IncidentDetail
from .response_form import chicago_datetime_edit, from_qdatetime, to_qdatetime
from .widgets import RecordTable, title_label

# `casework.cancel_followup` closes a follow-up with this at the start of its result.
CANCELLED = "Cancelled:"


def cancelled(row: dict) -> bool:
    """Whether a follow-up was cancelled (closed without being done)."""
    return bool(row.get("done_at")) and str(row.get("result") or "").startswith(CANCELLED)


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
                ("recorded_by", self.tr("Recorded by"), lambda r: recorded_by(r, self.ctx.actor)),
            ],
            self.tr("Referrals"),
            self,
        )
        self.referrals.fit_rows()
        layout.addWidget(self.referrals)
        row = QHBoxLayout()
        self.category = QComboBox(self)
        self.category.setAccessibleName(self.tr("Referral category"))
        for c in ReferralCategory:
            self.category.addItem(label(c.value), c.value)
        self.provider = QLineEdit(self)
        self.provider.setPlaceholderText(self.tr("Provider (shared with your organisation only)"))
        self.provider.setAccessibleName(self.tr("Referral provider"))
        self.add_ref = QPushButton(self.tr("A&dd referral"), self)
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
                ("recorded_by", self.tr("Recorded by"), lambda r: recorded_by(r, self.ctx.actor)),
            ],
            self.tr("Follow-ups"),
            self,
        )
        self.followups.fit_rows()
        layout.addWidget(self.followups)
        row2 = QHBoxLayout()
        # Read in Chicago time like every other time in the app, whatever the laptop's zone.
        self.due = chicago_datetime_edit(self, self.tr("Follow-up due (Chicago time)"))
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Follow-up kind"))
        for k in FollowupKind:
            self.kind.addItem(label(k.value), k.value)
        self.add_fup = QPushButton(self.tr("S&chedule follow-up"), self)
        self.add_fup.setAccessibleName(self.tr("Schedule follow-up"))
        self.done_fup = QPushButton(self.tr("&Mark done…"), self)
        self.done_fup.setAccessibleName(self.tr("Mark the selected follow-up done"))
        # A duplicate (two people scheduled the same call) or one no longer needed.
        self.cancel_fup = QPushButton(self.tr("Cancel follow-up…"), self)
        self.cancel_fup.setAccessibleName(self.tr("Cancel the selected follow-up"))
        for w in (self.due, self.kind, self.add_fup, self.done_fup, self.cancel_fup):
            row2.addWidget(w)
        row2.addStretch(1)
        layout.addLayout(row2)

        self.read_only = QLabel(self)
        self.read_only.setObjectName("hint")
        self.read_only.setWordWrap(True)
        self.read_only.setAccessibleName(self.tr("Why the selected record is read-only"))
        layout.addWidget(self.read_only)
        layout.addStretch(1)
        self.editable: frozenset[str] = frozenset()
        self.referrals.itemSelectionChanged.connect(self._selection_changed)
        self.followups.itemSelectionChanged.connect(self._selection_changed)

        self.add_ref.clicked.connect(self._add_referral)
        self.update_ref.clicked.connect(self._update_referral)
        self.add_fup.clicked.connect(self._schedule)
        self.done_fup.clicked.connect(self._complete)
        self.cancel_fup.clicked.connect(self._cancel)

    def _followup_state(self, r: dict) -> str:
        if cancelled(r):
            return self.tr("Cancelled %s") % when(r["done_at"])
        if r["done_at"]:
            return self.tr("Done %s") % when(r["done_at"])
        if r["due_at"] < self.ctx.now().isoformat():
            return self.tr("Overdue")
        return self.tr("Open")

    def show_detail(self, detail: IncidentDetail) -> None:
        if detail.incident["id"] != self.incident_id:
            self.due.setDateTime(to_qdatetime(self.ctx.now() + timedelta(days=2)))
        self.incident_id = detail.incident["id"]
        self.editable = detail.editable
        self.referrals.set_rows(detail.referrals)
        self.followups.set_rows(detail.followups)
        self._selection_changed()

    def _selected(self, table: RecordTable) -> dict | None:
        return table.current_record() if table.selectedItems() else None

    def _selection_changed(self) -> None:
        ref, fup = self._selected(self.referrals), self._selected(self.followups)
        self.update_ref.setEnabled(ref is not None and ref["id"] in self.editable)
        self.done_fup.setEnabled(fup is not None and fup["id"] in self.editable and not fup["done_at"])
        self.cancel_fup.setEnabled(self.done_fup.isEnabled())
        locked = [r for r in (ref, fup) if r is not None and r["id"] not in self.editable]
        if locked:
            who = locked[0].get("recorded_by_name") or locked[0].get("recorded_by") or self.tr("a teammate")
            self.read_only.setText(
                self.tr("Read-only: recorded by %s on their laptop; they or a supervisor can change it.")
                % who
            )
        else:
            self.read_only.setText("")

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
        if record is not None and record["id"] in self.editable:
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
        if record is None or record["done_at"] or record["id"] not in self.editable:
            return
        result, ok = QInputDialog.getText(self, self.tr("Follow-up done"), self.tr("What happened?"))
        if ok and result.strip():
            operations.complete_followup(
                ctx=self.ctx, incident_id=self.incident_id, followup_id=record["id"], result=result
            )

    def _cancel(self) -> None:
        record = self.followups.current_record()
        if record is None or record["done_at"] or record["id"] not in self.editable:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("Cancel follow-up"), self.tr("Why is it cancelled?"), text=self.tr("Duplicate")
        )
        if ok and reason.strip():
            self.cancel_followup(record["id"], reason.strip())

    def cancel_followup(self, followup_id: str, reason: str) -> None:
        """Cancel one follow-up on the store thread (`casework.cancel_followup`: a new version,
        audited and queued for the team), then reload and share as every change does."""
        incident_id, ctx = self.incident_id, self.ctx

        def run(store: object) -> int:
            from cvi_desktop.services import casework

            return casework.cancel_followup(store, followup_id, reason=reason)  # type: ignore[arg-type]

        def done(_version: int) -> None:
            ctx.events.data_changed.emit(incident_id)
            ctx.request_sync()

        ctx.tasks.store_op(run, on_success=done)
