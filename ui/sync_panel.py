"""The Sync panel: what is waiting to be shared and what needs attention, with Retry and Edit.

Quarantined records are never deleted: the hub's reason is shown, Retry sends the same frozen
payload again, Edit opens the incident so the person can fix it (the fix queues a new version).

While the hub refuses this laptop's sign-in the panel says so at the top, with a Sign in button:
the status bar's "Sign-in needed" opens this panel, so the way back must be here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import operations
from .context import AppContext
from .labels import label, when
from .widgets import RecordTable, title_label

if TYPE_CHECKING:
    from .sync_bridge import SyncBridge


def incident_of(row: dict[str, Any]) -> str:
    """The incident an outbox row belongs to: its `incident_id` column (m004), or for a row
    read some other way, its frozen envelope."""
    if row.get("incident_id"):
        return str(row["incident_id"])
    if row["kind"] in ("incident", "response_record"):
        return str(row["record_id"])
    try:
        data = json.loads(row.get("payload") or "{}").get("data", {})
    except ValueError:
        return ""
    return str(data.get("incident_id") or "")


KIND = {
    "incident": "Incident",
    "response_record": "CPD response record",
    "response_action": "Response action",
    "referral": "Referral",
    "followup": "Follow-up",
    "review": "Review",
}


class SyncPanel(QDialog):
    edit_incident = Signal(str)
    share_now = Signal()
    sign_in_requested = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, bridge: SyncBridge | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Sync"))
        self.setAccessibleName(self.tr("Sync panel"))
        self.sign_in_box = QFrame(self)
        self.sign_in_box.setObjectName("signInBanner")
        self.sign_in_box.setStyleSheet(
            "QFrame#signInBanner { border: 1px solid #b3261e; border-radius: 6px;"
            " background: rgba(179, 38, 30, 0.12); }"
        )
        self.sign_in_text = QLabel(
            self.tr(
                "<b>Sign-in needed.</b> The hub no longer accepts this laptop's sign-in, so CPD "
                "notifications have stopped and nothing is shared. Everything below stays saved."
            ),
            self.sign_in_box,
        )
        self.sign_in_text.setWordWrap(True)
        self.sign_in = QPushButton(self.tr("Sign &in…"), self.sign_in_box)
        self.sign_in.setAccessibleName(self.tr("Sign in to the hub again"))
        box = QHBoxLayout(self.sign_in_box)
        box.setContentsMargins(8, 4, 8, 4)
        box.addWidget(self.sign_in_text, 1)
        box.addWidget(self.sign_in)
        self.sign_in_box.hide()
        self.sign_in.clicked.connect(self.sign_in_requested)
        self.summary = QLabel(self)
        self.summary.setAccessibleName(self.tr("Sync summary"))
        self.summary.setWordWrap(True)
        self.quarantined = RecordTable(
            [
                ("kind", self.tr("Record"), lambda r: self.tr(KIND.get(r["kind"], r["kind"]))),
                ("version", self.tr("Version"), lambda r: str(r["version"])),
                ("last_error", self.tr("Hub's reason"), lambda r: r["last_error"] or "—"),
                ("created_at", self.tr("Saved"), lambda r: when(r["created_at"])),
            ],
            self.tr("Records that need attention"),
            self,
        )
        self.retry = QPushButton(self.tr("&Retry"), self)
        self.retry.setAccessibleName(self.tr("Retry the selected record"))
        self.edit = QPushButton(self.tr("&Edit…"), self)
        self.edit.setAccessibleName(self.tr("Open the selected record's incident to edit it"))
        self.waiting = RecordTable(
            [
                ("kind", self.tr("Record"), lambda r: self.tr(KIND.get(r["kind"], r["kind"]))),
                (
                    "audience",
                    self.tr("For"),
                    lambda r: self.tr("CPD") if r["audience"] == "cpd" else self.tr("Your organisation"),
                ),
                ("state", self.tr("State"), lambda r: label(r["state"])),
                ("attempts", self.tr("Tries"), lambda r: str(r["attempts"])),
                ("next", self.tr("Next try"), lambda r: when(r["next_attempt_at"]) or self.tr("next sync")),
                ("last_error", self.tr("Last problem"), lambda r: r["last_error"] or "—"),
            ],
            self.tr("Records waiting to be shared"),
            self,
        )
        self.share = QPushButton(self.tr("&Share now"), self)
        self.share.setAccessibleName(self.tr("Share now"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sign_in_box)
        layout.addWidget(self.summary)
        layout.addWidget(title_label(self.tr("Needs attention"), self))
        layout.addWidget(self.quarantined, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.retry)
        row.addWidget(self.edit)
        layout.addLayout(row)
        layout.addWidget(title_label(self.tr("Waiting to share"), self))
        layout.addWidget(self.waiting, 2)
        row2 = QHBoxLayout()
        row2.addWidget(self.share)
        row2.addStretch(1)
        row2.addWidget(buttons)
        layout.addLayout(row2)
        self.resize(760, 480)

        self.retry.clicked.connect(self._retry)
        self.edit.clicked.connect(self._edit)
        self.share.clicked.connect(self.share_now)
        ctx.events.data_changed.connect(lambda _id: self.refresh() if self.isVisible() else None)
        if bridge is not None:
            bridge.sign_in_needed.connect(lambda _e: self.set_sign_in_needed(True))
            for signal in (bridge.finished, bridge.offline, bridge.paused, bridge.storage_problem):
                signal.connect(lambda _e: self.set_sign_in_needed(False))
            self.set_sign_in_needed(type(bridge.outcome).__name__ == "SignInNeeded")

    def set_sign_in_needed(self, needed: bool) -> None:
        self.sign_in_box.setVisible(needed)

    def refresh(self) -> None:
        operations.load_sync_snapshot(ctx=self.ctx, with_rows=True, on_success=self._show)

    def _show(self, snap: operations.SyncSnapshot) -> None:
        waiting = snap.counts.get("pending", 0) + snap.counts.get("sending", 0)
        shared = when(snap.last_shared_at) or self.tr("never")
        self.summary.setText(
            " · ".join(
                (
                    self.tr("%n waiting to share", "", waiting),
                    self.tr("%n need(s) attention", "", len(snap.quarantined)),
                    self.tr("%n shared", "", snap.counts.get("acknowledged", 0)),
                )
            )
            + " "
            + self.tr("(last %s)") % shared
        )
        self.quarantined.set_rows(snap.quarantined)
        self.waiting.set_rows(snap.waiting)
        has = bool(snap.quarantined)
        self.retry.setEnabled(has)
        self.edit.setEnabled(has)
        if has and self.quarantined.currentRow() < 0:
            self.quarantined.selectRow(0)

    def _retry(self) -> None:
        row = self.quarantined.current_record()
        if row is not None:
            operations.retry_quarantined(ctx=self.ctx, seq=int(row["seq"]), incident_id=incident_of(row))

    def _edit(self) -> None:
        row = self.quarantined.current_record()
        if row is not None and incident_of(row):
            self.edit_incident.emit(incident_of(row))
            self.accept()
