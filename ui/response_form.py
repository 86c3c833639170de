"""The response form: log a response action in under a minute with the keyboard alone.

Defaults do most of the work: the time is now, the staff is me, the type is the one I logged
last. Tab walks the fields in reading order, Alt+letter jumps to one, Ctrl+Enter (or Enter in a
text field) saves, and after a save focus returns to the type for the next action.

The same form corrects an action already logged (`start_correction`): it is filled from the
record, saving sends only the fields that changed (`responses.correct_action`, a new version),
and Escape or "Cancel correction" goes back to logging a new one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimeZone, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from cvi_desktop.domain import ActionType, MediationResult, Outcome, RiskLevel

from . import operations
from .context import AppContext
from .errors import explain
from .labels import label

CHICAGO_TZ = QTimeZone(b"America/Chicago")


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()), CHICAGO_TZ)


def from_qdatetime(value: QDateTime) -> datetime:
    """The instant a picker holds. Seconds since the epoch carry no zone, so this is right
    whichever zone the QDateTime is in; what the person typed is read by the picker's own zone
    (`chicago_datetime_edit`)."""
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


def chicago_datetime_edit(parent: QWidget, accessible_name: str) -> QDateTimeEdit:
    """A date-time picker that reads and shows America/Chicago wall time, whatever zone the
    laptop's clock is set to. Without its own zone a QDateTimeEdit reads typed digits in the
    system zone: on a laptop set to UTC, "14:09" became 08:09 Chicago time once saved."""
    edit = QDateTimeEdit(parent)
    edit.setTimeZone(CHICAGO_TZ)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(accessible_name)
    edit.setToolTip(QCoreApplication.translate("ResponseForm", "Chicago time"))
    return edit


def local_hhmm(value: datetime) -> str:
    from cvi_desktop.clock import local_text

    return local_text(value)[-5:]


class ResponseForm(QWidget):
    saved = Signal(str)  # the new action's id (or the corrected action's id)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.incident_id: str | None = None
        self.last_type: str | None = None
        # The action being corrected (its stored row), or None when logging a new one.
        self.correcting: dict[str, Any] | None = None
        self.setAccessibleName(self.tr("Log a response action"))
        self.setMaximumWidth(820)  # short fields read better than full-width ones

        self.action_type = self._combo(
            self.tr("Action type"), [(a.value, label(a.value)) for a in ActionType]
        )
        self.started = chicago_datetime_edit(self, self.tr("Started at (Chicago time)"))
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setSpecialValueText(self.tr("still going"))
        self.minutes.setAccessibleName(self.tr("Duration in minutes"))
        self.staff_count = QSpinBox(self)
        self.staff_count.setRange(1, 50)
        self.staff_count.setAccessibleName(self.tr("Staff on this action"))
        self.outcome = self._combo(self.tr("Outcome"), [(o.value, label(o.value)) for o in Outcome])
        self.mediation = self._combo(
            self.tr("Mediation result"),
            [("", self.tr("—"))] + [(m.value, label(m.value)) for m in MediationResult],
        )
        self.risk = self._combo(
            self.tr("Retaliation risk"),
            [("", self.tr("Not assessed"))] + [(r.value, label(r.value)) for r in RiskLevel],
        )
        self.risk_basis = QLineEdit(self)
        self.risk_basis.setPlaceholderText(self.tr("Why? (stays on this laptop)"))
        self.risk_basis.setAccessibleName(self.tr("Basis for the risk level, stays on this laptop"))
        self.save_button = QPushButton(self.tr("&Save action"), self)
        self.save_button.setAccessibleName(self.tr("Save action"))
        self.save_button.setToolTip(self.tr("Save on this laptop (Ctrl+Enter)"))
        self.cancel_button = QPushButton(self.tr("Cancel correction"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel correction"))
        self.cancel_button.hide()
        self.message = QLabel(self)
        self.message.setAccessibleName(self.tr("Form message"))
        self.message.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow(self.tr("&Type"), self.action_type)
        when = QHBoxLayout()
        when.addWidget(self.started, 2)
        when.addWidget(self.minutes, 1)
        form.addRow(self.tr("S&tarted / duration"), when)
        form.addRow(self.tr("Sta&ff"), self.staff_count)
        form.addRow(self.tr("&Outcome"), self.outcome)
        form.addRow(self.tr("&Mediation"), self.mediation)
        risk = QHBoxLayout()
        risk.addWidget(self.risk, 1)
        risk.addWidget(self.risk_basis, 2)
        form.addRow(self.tr("&Risk"), risk)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        for lab_widget in (
            self.action_type,
            self.started,
            self.staff_count,
            self.outcome,
            self.mediation,
            self.risk,
        ):
            lab = form.labelForField(lab_widget)
            if lab is not None and isinstance(lab, QLabel):
                lab.setBuddy(lab_widget)
        started_label = form.labelForField(when)
        if isinstance(started_label, QLabel):
            started_label.setBuddy(self.started)
        risk_label = form.labelForField(risk)
        if isinstance(risk_label, QLabel):
            risk_label.setBuddy(self.risk)
        order = [
            self.action_type,
            self.started,
            self.minutes,
            self.staff_count,
            self.outcome,
            self.mediation,
            self.risk,
            self.risk_basis,
            self.save_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel_correction)
        escape = QShortcut(QKeySequence("Escape"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_correction)
        self.risk_basis.returnPressed.connect(self.save)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.activated.connect(self.save)
        self.action_type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        for value, text in items:
            combo.addItem(text, value)
        return combo

    def _type_changed(self) -> None:
        is_mediation = self.action_type.currentData() == ActionType.MEDIATION.value
        self.mediation.setEnabled(is_mediation)
        if not is_mediation:
            self.mediation.setCurrentIndex(0)

    def reset(self, incident_id: str, last_type: str | None) -> None:
        """Fresh defaults: now, me, the last action type I logged."""
        self._end_correction()
        self.incident_id = incident_id
        self.last_type = last_type or self.last_type or ActionType.SCENE.value
        self.action_type.setCurrentIndex(max(self.action_type.findData(self.last_type), 0))
        self.started.setDateTime(to_qdatetime(self.ctx.now()))
        self.minutes.setValue(0)
        self.staff_count.setValue(max(1, len(self.ctx.team) or 1))
        self.outcome.setCurrentIndex(0)
        self.mediation.setCurrentIndex(0)
        self.risk.setCurrentIndex(0)
        self.risk_basis.clear()

    def data(self) -> dict[str, Any]:
        started = from_qdatetime(self.started.dateTime())
        minutes = self.minutes.value()
        return {
            "action_type": self.action_type.currentData(),
            "started_at": started,
            "ended_at": started + timedelta(minutes=minutes) if minutes else None,
            "staff_count": self.staff_count.value(),
            "staff_ids": [self.ctx.actor],
            "outcome": self.outcome.currentData(),
            "mediation_result": self.mediation.currentData() or None,
            "retaliation_risk": self.risk.currentData() or None,
            "risk_basis": self.risk_basis.text(),
        }

    # --- correcting ---------------------------------------------------------------------------

    def start_correction(self, row: dict[str, Any]) -> None:
        """Fill the form from a stored action to correct it (the caller checked `can_edit`)."""
        from cvi_desktop.clock import from_db

        self.correcting = dict(row)
        self.incident_id = str(row["incident_id"])
        self.action_type.setCurrentIndex(max(self.action_type.findData(row["action_type"]), 0))
        started = from_db(row["started_at"]) or self.ctx.now()
        ended = from_db(row["ended_at"]) if row.get("ended_at") else None
        self.started.setDateTime(to_qdatetime(started))
        self.minutes.setValue(int((ended - started).total_seconds() // 60) if ended else 0)
        self.staff_count.setValue(int(row.get("staff_count") or 1))
        self.outcome.setCurrentIndex(max(self.outcome.findData(row.get("outcome")), 0))
        self.mediation.setCurrentIndex(max(self.mediation.findData(row.get("mediation_result") or ""), 0))
        self.risk.setCurrentIndex(max(self.risk.findData(row.get("retaliation_risk") or ""), 0))
        self.risk_basis.setText(str(row.get("risk_basis") or ""))
        self.save_button.setText(self.tr("&Save correction"))
        self.save_button.setAccessibleName(self.tr("Save correction"))
        self.cancel_button.show()
        self.message.setText(
            self.tr("Correcting the %s of %s. Only the fields you change are sent.")
            % (label(row["action_type"]).lower(), local_hhmm(started))
        )
        self.action_type.setFocus()

    def cancel_correction(self) -> None:
        if self.correcting is None:
            return
        incident_id = self.incident_id
        self._end_correction()
        self.message.setText("")
        if incident_id is not None:
            self.reset(incident_id, self.last_type)

    def _end_correction(self) -> None:
        self.correcting = None
        self.save_button.setText(self.tr("&Save action"))
        self.save_button.setAccessibleName(self.tr("Save action"))
        self.cancel_button.hide()

    def changes(self) -> dict[str, Any]:
        """The fields of the form that differ from the action being corrected."""
        from cvi_desktop.clock import from_db

        assert self.correcting is not None
        row = self.correcting
        new = self.data()
        old = {
            "action_type": row["action_type"],
            "started_at": from_db(row["started_at"]),
            "ended_at": from_db(row["ended_at"]) if row.get("ended_at") else None,
            "staff_count": int(row.get("staff_count") or 1),
            "outcome": row.get("outcome"),
            "mediation_result": row.get("mediation_result") or None,
            "retaliation_risk": row.get("retaliation_risk") or None,
            "risk_basis": str(row.get("risk_basis") or ""),
        }
        # Whole minutes: the form shows no seconds, so an untouched time must not count as changed.
        def same(key: str) -> bool:
            a, b = old[key], new[key]
            if isinstance(a, datetime) and isinstance(b, datetime):
                return int(a.timestamp() // 60) == int(b.timestamp() // 60)
            return a == b

        return {k: new[k] for k in old if not same(k)}

    def save(self) -> None:
        if self.incident_id is None or not self.save_button.isEnabled():
            return
        if self.correcting is not None:
            self._save_correction()
            return
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))
        chosen = self.action_type.currentData()
        operations.log_response(
            ctx=self.ctx,
            incident_id=self.incident_id,
            data=self.data(),
            on_success=lambda action_id: self._saved(action_id, chosen),
            on_failure=self._failed,
        )

    def _save_correction(self) -> None:
        assert self.correcting is not None and self.incident_id is not None
        changes = self.changes()
        if not changes:
            self.message.setText(self.tr("Nothing changed: change a field, or cancel the correction."))
            return
        action_id = str(self.correcting["id"])
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))

        def done(_version: object) -> None:
            self.save_button.setEnabled(True)
            assert self.incident_id is not None
            self.reset(self.incident_id, self.last_type)
            self.message.setText(self.tr("Correction saved on this laptop."))
            self.action_type.setFocus()
            self.saved.emit(action_id)

        operations.correct_response(
            ctx=self.ctx,
            incident_id=self.incident_id,
            action_id=action_id,
            changes=changes,
            on_success=done,
            on_failure=self._failed,
        )

    def _saved(self, action_id: str, chosen: str) -> None:
        self.save_button.setEnabled(True)
        self.last_type = chosen
        assert self.incident_id is not None
        self.reset(self.incident_id, chosen)
        self.message.setText(self.tr("Saved on this laptop."))
        self.action_type.setFocus()
        self.saved.emit(action_id)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        explained = explain(exc)
        self.message.setText(f"{explained.title}. {explained.what_to_do}")
