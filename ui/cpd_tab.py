""" "What CPD will see": the record the sync sends for this incident, in plain words.

The tab is the app's trust promise, so it has to be readable by the people it reassures: the
summary uses the same labels and Chicago times as the rest of the app (`labels`), the list of
what never goes to CPD is derived from the field table's share classes (so a private field
added later shows up here by itself), and the exact JSON, byte for byte what is queued, is one
click away ("Show exact data") for anyone who wants to check the summary against it.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .labels import label, when
from .language import core_text
from .operations import IncidentDetail
from .widgets import title_label

# Plain words for the fields that stay behind, by field name. A field missing here is still
# listed (by its heading from `fields.py`): the list comes from the share classes, not from this.
_PRIVATE_WORDS = {
    "first_name": QT_TRANSLATE_NOOP("CpdTab", "Names of the people you work with"),
    "last_name": QT_TRANSLATE_NOOP("CpdTab", "Names of the people you work with"),
    "phone": QT_TRANSLATE_NOOP("CpdTab", "Phone numbers"),
    "handle": QT_TRANSLATE_NOOP("CpdTab", "Social media handles"),
    "address": QT_TRANSLATE_NOOP("CpdTab", "Addresses"),
    "consent": QT_TRANSLATE_NOOP("CpdTab", "Whether someone gave consent"),
    "body": QT_TRANSLATE_NOOP("CpdTab", "Your notes"),
    "latitude": QT_TRANSLATE_NOOP("CpdTab", "The exact spot on the map"),
    "longitude": QT_TRANSLATE_NOOP("CpdTab", "The exact spot on the map"),
    "risk_basis": QT_TRANSLATE_NOOP("CpdTab", "Why you judged the retaliation risk"),
    "participant_id": QT_TRANSLATE_NOOP("CpdTab", "Which person a referral or follow-up is for"),
}
_TEAM_WORDS = {
    "status": QT_TRANSLATE_NOOP("CpdTab", "The incident's status in your queue"),
    "assignee": QT_TRANSLATE_NOOP("CpdTab", "Who it is assigned to"),
    "staff_ids": QT_TRANSLATE_NOOP("CpdTab", "Which staff responded"),
    "owner": QT_TRANSLATE_NOOP("CpdTab", "Which staff responded"),
    "provider": QT_TRANSLATE_NOOP("CpdTab", "Referral providers' names"),
    "result": QT_TRANSLATE_NOOP("CpdTab", "What happened at each follow-up"),
    "due_at": QT_TRANSLATE_NOOP("CpdTab", "Follow-up dates"),
    "comment": QT_TRANSLATE_NOOP("CpdTab", "Supervisors' review comments"),
    "block": QT_TRANSLATE_NOOP("CpdTab", "The block (unless your agreement with CPD shares it)"),
}


def private_items() -> list[str]:
    """What never leaves this laptop, in plain words: every share-class L field (no ids)."""
    from cvi_desktop import fields as F

    every = [*F.RECORDS.values(), *F.LOCAL_ONLY.values()]
    found: list[str] = []
    for group in every:
        for f in group:
            if f.share is F.Share.L and (f.kind is not F.Kind.ID or f.name in _PRIVATE_WORDS):
                words = _PRIVATE_WORDS.get(f.name) or core_text(f.heading).capitalize()
                if words not in found:
                    found.append(words)
    return found


def team_only_items(agreement_shares_block: bool) -> list[str]:
    """What goes to the organisation's hub but never to CPD: the share-class O fields."""
    from cvi_desktop import fields as F

    found: list[str] = []
    for group in F.RECORDS.values():
        for f in group:
            gated = f.share is F.Share.S and f.agreement and not agreement_shares_block
            if (f.share is F.Share.O and f.name in _TEAM_WORDS) or (gated and f.name in _TEAM_WORDS):
                words = _TEAM_WORDS[f.name]
                if words not in found:
                    found.append(words)
    return found


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CpdTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("What CPD will see"))
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setObjectName("cpdBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("About this record"))

        self.summary = QLabel(self)
        self.summary.setObjectName("cpdSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName(self.tr("What CPD will see, in plain words"))
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.kept = QLabel(self)
        self.kept.setObjectName("cpdKept")
        self.kept.setWordWrap(True)
        self.kept.setTextFormat(Qt.TextFormat.RichText)
        self.kept.setAccessibleName(self.tr("What CPD never sees"))

        self.json = QPlainTextEdit(self)
        self.json.setObjectName("json")
        self.json.setReadOnly(True)
        self.json.setAccessibleName(self.tr("Exact data sent to CPD"))
        self.json.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.json.setMinimumHeight(200)
        self.json.hide()

        # The exact data takes the summary's place, so what is not shared stays beside it
        # either way (and the tab needs no extra height, which a scrolled tab would hide).
        left = QVBoxLayout()
        self.left_title = title_label(self.tr("CPD will see"), self)
        left.addWidget(self.left_title)
        left.addWidget(self.summary)
        left.addWidget(self.json, 1)
        left.addStretch(1)
        self._left = left
        right = QVBoxLayout()
        right.addWidget(title_label(self.tr("CPD will not see"), self))
        right.addWidget(self.kept)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addSpacing(12)
        columns.addLayout(right, 2)

        self.toggle = QPushButton(self.tr("Show e&xact data"), self)
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(self.tr("Show the exact data sent to CPD"))
        self.toggle.toggled.connect(self._toggled)
        self.copy = QPushButton(self.tr("&Copy exact data"), self)
        self.copy.setAccessibleName(self.tr("Copy the exact data"))
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.json.toPlainText()))
        self.copy.hide()
        row = QHBoxLayout()
        row.addWidget(self.toggle)
        row.addStretch(1)
        row.addWidget(self.copy)
        layout.addWidget(self.banner)
        layout.addLayout(row)
        layout.addLayout(columns, 1)
        self.shown: dict | None = None

    def _toggled(self, on: bool) -> None:
        self.summary.setVisible(not on)
        self.json.setVisible(on)
        self.copy.setVisible(on)
        # The stretch under the summary gives way to the data when it shows.
        self._left.setStretch(self._left.count() - 1, 0 if on else 1)
        self.left_title.setText(self.tr("CPD will see — the exact data") if on else self.tr("CPD will see"))
        self.toggle.setText(self.tr("Show plain &words") if on else self.tr("Show e&xact data"))

    def show_detail(self, detail: IncidentDetail) -> None:
        if detail.cpd_sent is not None:
            payload = detail.cpd_sent["payload"]
            state = detail.cpd_sent["state"]
            if state == "acknowledged":
                what = self.tr("This is the exact record sent to CPD (version %d); CPD's copy is this one.")
            else:
                what = self.tr(
                    "This is the exact record queued for CPD (version %d); it has not reached CPD yet."
                )
            self.banner.setText(
                what % detail.cpd_sent["version"]
                + " "
                + self.tr("Only what is listed on the left leaves this laptop for CPD.")
            )
        else:
            payload = detail.cpd_preview
            self.banner.setText(
                self.tr(
                    "Nothing has been sent to CPD for this incident. When a supervisor approves it, CPD "
                    "will receive exactly this, built by the same sharing rules."
                )
            )
        self.shown = payload
        data = payload.get("data", payload) if isinstance(payload, dict) else {}
        incident = data.get("incident") or {}
        self.summary.setText(self.summary_html(data))
        self.kept.setText(self.kept_html("block" in incident))
        self.json.setPlainText(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))

    # --- plain words -----------------------------------------------------------------------------

    def summary_html(self, data: dict[str, Any]) -> str:
        """The record as a short list a person can read (Chicago times, the app's labels)."""
        i = data.get("incident") or {}
        lines: list[str] = []
        what = [label(i.get("incident_type"))]
        if i.get("rd_number"):
            what.append(self.tr("RD %s") % i["rd_number"])
        if i.get("district"):
            what.append(self.tr("District %s") % i["district"])
        if i.get("beat"):
            what.append(self.tr("beat %s") % i["beat"])
        if i.get("block"):
            what.append(str(i["block"]))
        if i.get("location_type"):
            what.append(label(i["location_type"]).lower())
        lines.append("<b>" + _esc(", ".join(p for p in what if p)) + "</b>")
        times = []
        if i.get("occurred_at"):
            times.append(self.tr("happened %s") % when(i["occurred_at"]))
        if i.get("org_received_at"):
            times.append(self.tr("your team was told %s") % when(i["org_received_at"]))
        if times:
            lines.append(_esc(self.tr("When: %s (Chicago time)") % "; ".join(times)))
        total = i.get("victims_total")
        if total is not None:
            fatal = i.get("victims_fatal") or 0
            victims = self.tr("%n victim(s)", "", int(total))
            if fatal:
                victims += self.tr(", %n fatal", "", int(fatal))
            lines.append(_esc(victims))
        actions = data.get("actions") or []
        if actions:
            items = []
            for a in sorted(actions, key=lambda a: str(a.get("started_at") or "")):
                start, end = when(a.get("started_at")), when(a.get("ended_at"))
                span = f"{start}–{end[-5:]}" if end and end[:10] == start[:10] else (
                    f"{start}–{end}" if end else start
                )
                bits = [label(a.get("action_type")), span]
                if a.get("staff_count"):
                    bits.append(self.tr("%n staff", "", int(a["staff_count"])))
                if a.get("outcome"):
                    bits.append(label(a["outcome"]))
                if a.get("mediation_result"):
                    bits.append(self.tr("mediation: %s") % label(a["mediation_result"]).lower())
                if a.get("retaliation_risk"):
                    bits.append(self.tr("retaliation risk: %s") % label(a["retaliation_risk"]).lower())
                items.append(" · ".join(b for b in bits if b))
            lines.append(_esc(self.tr("Your team's response:")) + self._list(items))
        else:
            lines.append(_esc(self.tr("Your team's response: none logged yet")))
        referrals = data.get("referrals") or []
        if referrals:
            items = [
                label(r.get("category")) + (f" ({label(r['status']).lower()})" if r.get("status") else "")
                for r in referrals
            ]
            lines.append(_esc(self.tr("Referrals (kind and status only):")) + self._list(items))
        themes = data.get("themes") or []
        if themes:
            lines.append(_esc(self.tr("Themes: %s") % ", ".join(label(t) for t in themes)))
        fups = data.get("followups") or {}
        if fups.get("scheduled"):
            lines.append(
                _esc(
                    self.tr("Follow-ups: %s, %s (counts only)")
                    % (
                        self.tr("%n scheduled", "", int(fups["scheduled"])),
                        self.tr("%n done on time", "", int(fups.get("done_on_time") or 0)),
                    )
                )
            )
        lines.append(
            "<span style='color: palette(placeholder-text)'>"
            + _esc(self.tr("Plus record numbers that let CPD match later updates to this record."))
            + "</span>"
        )
        return "<br>".join(lines)

    def kept_html(self, block_shared: bool) -> str:
        private = _esc(self.tr("Never leaves this laptop:")) + self._list(
            [self.tr(w) for w in private_items()]
        )
        team = _esc(self.tr("Shared with your team only, never with CPD:")) + self._list(
            [self.tr(w) for w in team_only_items(block_shared)]
        )
        return private + team

    @staticmethod
    def _list(items: list[str]) -> str:
        return "<ul style='margin-top:2px; margin-left:-20px'>" + "".join(
            f"<li>{_esc(item)}</li>" for item in items
        ) + "</ul>"
