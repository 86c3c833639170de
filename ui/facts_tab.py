"""CPD's facts about an incident and every correction, oldest first (facts are versioned)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from .labels import label, when
from .operations import IncidentDetail
from .widgets import RecordTable, title_label

FACTS = [
    ("rd_number", QT_TRANSLATE_NOOP("FactsTab", "RD number")),
    ("incident_type", QT_TRANSLATE_NOOP("FactsTab", "Type")),
    ("occurred_at", QT_TRANSLATE_NOOP("FactsTab", "Occurred")),
    ("cpd_notified_at", QT_TRANSLATE_NOOP("FactsTab", "CPD notified")),
    ("org_received_at", QT_TRANSLATE_NOOP("FactsTab", "We received")),
    ("district", QT_TRANSLATE_NOOP("FactsTab", "District")),
    ("beat", QT_TRANSLATE_NOOP("FactsTab", "Beat")),
    ("community_area", QT_TRANSLATE_NOOP("FactsTab", "Community area")),
    ("location_type", QT_TRANSLATE_NOOP("FactsTab", "Location type")),
    ("block", QT_TRANSLATE_NOOP("FactsTab", "Block")),
    ("victims_total", QT_TRANSLATE_NOOP("FactsTab", "Victims")),
    ("victims_fatal", QT_TRANSLATE_NOOP("FactsTab", "Fatal")),
    ("victims_nonfatal", QT_TRANSLATE_NOOP("FactsTab", "Non-fatal")),
    ("victim_age_bands", QT_TRANSLATE_NOOP("FactsTab", "Age bands")),
    ("source", QT_TRANSLATE_NOOP("FactsTab", "Source")),
]
TIMES = {"occurred_at", "cpd_notified_at", "org_received_at"}


def fact_text(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in TIMES:
        return when(value)
    if name == "victim_age_bands":
        bands = json.loads(value) if isinstance(value, str) else value
        return ", ".join(str(b).replace("_", "–") for b in bands) or "—"
    if name in ("incident_type", "location_type", "source"):
        return label(value)
    return str(value)


def changes(previous: dict[str, Any] | None, current: dict[str, Any]) -> str:
    if previous is None:
        return QCoreApplication.translate("FactsTab", "First version")
    diffs = [
        f"{QCoreApplication.translate('FactsTab', title)}: {fact_text(k, previous.get(k))} → "
        f"{fact_text(k, current.get(k))}"
        for k, title in FACTS
        if str(previous.get(k)) != str(current.get(k)) and k in current
    ]
    return "; ".join(diffs) or QCoreApplication.translate("FactsTab", "No fact changed")


class FactsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Incident facts"))
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("What CPD told us"), self))
        self.form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, title in FACTS:
            value = QLabel("—", self)
            value.setAccessibleName(self.tr(title))
            value.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            self.values[key] = value
            self.form.addRow(self.tr(title), value)
        layout.addLayout(self.form)
        layout.addWidget(title_label(self.tr("Correction history"), self))
        self.history = RecordTable(
            [
                ("version", self.tr("Version"), lambda r: str(r["version"])),
                ("recorded_at", self.tr("Recorded"), lambda r: when(r["recorded_at"])),
                ("recorded_by", self.tr("By"), lambda r: str(r["recorded_by"])),
                ("change", self.tr("What changed"), lambda r: str(r["change"])),
            ],
            self.tr("Correction history"),
            self,
        )
        layout.addWidget(self.history, 1)

    def show_detail(self, detail: IncidentDetail) -> None:
        for key, value in self.values.items():
            value.setText(fact_text(key, detail.incident.get(key)))
        rows, previous = [], None
        for v in detail.versions:
            rows.append({**v, "change": changes(previous, v["facts"])})
            previous = v["facts"]
        self.history.set_rows(list(reversed(rows)))
