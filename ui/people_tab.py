"""Participants and notes: private, and marked so on screen.

They never sync, not even to teammates: the tab says so, so that a worker looking at a teammate's
incident does not take an empty list for "nobody wrote anything"."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from . import operations
from .context import AppContext
from .labels import when
from .operations import IncidentDetail
from .widgets import FlowLayout, RecordTable, private_banner, title_label


class PeopleTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.incident_id = ""
        self.setAccessibleName(self.tr("People and notes"))
        layout = QVBoxLayout(self)
        layout.addWidget(private_banner(self, self.tr("Participants and notes")))
        self.team_notice = QLabel(
            self.tr(
                "Notes and people are kept only on the laptop where they were written; "
                "teammates' notes are not shown here."
            ),
            self,
        )
        self.team_notice.setObjectName("hint")
        self.team_notice.setWordWrap(True)
        self.team_notice.setAccessibleName(self.tr("Notes and people stay on their laptop"))
        layout.addWidget(self.team_notice)
        layout.addWidget(title_label(self.tr("Participants"), self))
        self.participants = RecordTable(
            [
                ("name", self.tr("Name"), lambda r: f"{r['first_name']} {r['last_name']}".strip()),
                ("phone", self.tr("Phone"), lambda r: r["phone"] or "—"),
                ("consent", self.tr("Consent"), lambda r: self.tr("Yes") if r["consent"] else self.tr("No")),
                ("created_at", self.tr("Added"), lambda r: when(r["created_at"])),
            ],
            self.tr("Participants"),
            self,
        )
        self.participants.fit_rows()
        # Wraps onto a second line in a narrow pane, so "Add participant" is never cut off.
        row_box = QWidget(self)
        row = FlowLayout(row_box)
        self.first = QLineEdit(self)
        self.first.setPlaceholderText(self.tr("First name"))
        self.first.setAccessibleName(self.tr("Participant first name"))
        self.last = QLineEdit(self)
        self.last.setPlaceholderText(self.tr("Last name"))
        self.last.setAccessibleName(self.tr("Participant last name"))
        self.phone = QLineEdit(self)
        self.phone.setPlaceholderText(self.tr("Phone"))
        self.phone.setAccessibleName(self.tr("Participant phone"))
        self.consent = QCheckBox(self.tr("Consent given"), self)
        self.consent.setAccessibleName(self.tr("Consent given"))
        self.add_person = QPushButton(self.tr("Add parti&cipant"), self)
        self.add_person.setAccessibleName(self.tr("Add participant"))
        for w in (self.first, self.last, self.phone, self.consent, self.add_person):
            w.setParent(row_box)
            row.addWidget(w)
        # The form before the list: "Add participant" is in view without scrolling.
        layout.addWidget(row_box)
        layout.addWidget(self.participants)

        layout.addWidget(title_label(self.tr("Notes"), self))
        self.notes = RecordTable(
            [
                ("created_at", self.tr("Written"), lambda r: when(r["created_at"])),
                # Signed with the author's name as the team knows it, not their login id.
                ("author", self.tr("By"), self._author),
                ("body", self.tr("Note"), lambda r: r["body"].replace("\n", " ")),
            ],
            self.tr("Notes"),
            self,
        )
        self.notes.fit_rows(2, 8)
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(self.tr("Write a note (stays on this laptop)…"))
        self.note.setAccessibleName(self.tr("New note, stays on this laptop"))
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        self.add_note = QPushButton(self.tr("A&dd note"), self)
        self.add_note.setAccessibleName(self.tr("Add note"))
        row2 = QHBoxLayout()
        row2.addWidget(self.note, 1)
        row2.addWidget(self.add_note)
        layout.addLayout(row2)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self.add_person.clicked.connect(self._add_person)
        self.add_note.clicked.connect(self._add_note)

    def _author(self, row: dict) -> str:
        if row.get("author") == self.ctx.actor:
            return self.ctx.display_name or str(row.get("author_name") or row["author"])
        return str(row.get("author_name") or row.get("author") or "—")

    def show_detail(self, detail: IncidentDetail) -> None:
        self.incident_id = detail.incident["id"]
        self.participants.set_rows(detail.participants)
        self.notes.set_rows(list(reversed(detail.notes)))

    def _add_person(self) -> None:
        data = {
            "first_name": self.first.text(),
            "last_name": self.last.text(),
            "phone": self.phone.text(),
            "consent": self.consent.isChecked(),
        }

        def done(_id: str) -> None:
            for w in (self.first, self.last, self.phone):
                w.clear()
            self.consent.setChecked(False)

        operations.add_participant(ctx=self.ctx, incident_id=self.incident_id, data=data, on_success=done)

    def _add_note(self) -> None:
        operations.add_note(
            ctx=self.ctx,
            incident_id=self.incident_id,
            body=self.note.toPlainText(),
            on_success=lambda _id: self.note.clear(),
        )
