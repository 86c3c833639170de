""" "What CPD will see": the exact JSON the sync sends for this incident, or a preview of it."""

from __future__ import annotations

import json

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from .labels import label
from .operations import IncidentDetail


class CpdTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("What CPD will see"))
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setObjectName("cpdBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("About this record"))
        self.json = QPlainTextEdit(self)
        self.json.setObjectName("json")
        self.json.setReadOnly(True)
        self.json.setAccessibleName(self.tr("JSON sent to CPD"))
        self.json.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copy = QPushButton(self.tr("&Copy JSON"), self)
        self.copy.setAccessibleName(self.tr("Copy JSON"))
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.json.toPlainText()))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy)
        layout.addWidget(self.banner)
        layout.addWidget(self.json, 1)
        layout.addLayout(row)
        self.shown: dict | None = None

    def show_detail(self, detail: IncidentDetail) -> None:
        if detail.cpd_sent is not None:
            payload = detail.cpd_sent["payload"]
            self.banner.setText(
                self.tr(
                    "This is the exact record queued for CPD (version %d, %s). Only these fields leave this "
                    "laptop; names, notes, phone numbers, coordinates and risk reasons never do."
                )
                % (detail.cpd_sent["version"], label(detail.cpd_sent["state"]).lower())
            )
        else:
            payload = detail.cpd_preview
            self.banner.setText(
                self.tr(
                    "Nothing has been sent to CPD for this incident. When a supervisor approves it, CPD will "
                    "receive exactly this, built by the same sharing rules. Names, notes, phone numbers, "
                    "coordinates and risk reasons never leave this laptop."
                )
            )
        self.shown = payload
        self.json.setPlainText(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False))
