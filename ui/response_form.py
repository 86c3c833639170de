"""The response form: log a response action in under a minute with the keyboard alone.

Defaults follow the situation (`suggest_type`): the first response to a shooting with an
injured victim is a hospital visit, to any other new incident the scene; once an incident has
responses, the type of its latest one. The time is now, the duration "still going", and so
the outcome "Ongoing": a response still going has no final outcome until it is ended (the
log's End…, `responses.end_action`). Setting a duration gives it "Completed" (changeable);
choosing "Ongoing" clears the duration. Tab walks the fields in reading order, Alt+Y jumps to
the type and Alt+M to the outcome (the window has no free letters for more), Ctrl+Enter saves
while the form is shown (as does Enter in the risk basis or on the focused Save button), and
after a save focus returns to the type for the next action.

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
from cvi_desktop.vocab import FINAL_OUTCOMES

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
    from .labels import DATE_TIME_FORMATS
    from .language import current_language, locale

    edit = QDateTimeEdit(parent)
    edit.setTimeZone(CHICAGO_TZ)
    # Written as the language writes dates (its calendar popup speaks it too).
    edit.setLocale(locale())
    edit.setDisplayFormat(DATE_TIME_FORMATS[current_language()])
    edit.setCalendarPopup(True)
    edit.setAccessibleName(accessible_name)
    edit.setToolTip(QCoreApplication.translate("ResponseForm", "Chicago time"))
    return edit


def suggest_type(incident: dict[str, Any], actions: list[dict[str, Any]]) -> tuple[str, str]:
    """The action type a new response to this incident most likely is, and why (for the hint).

    Not the type this worker logged last anywhere: that made a fresh shooting default to the
    mediation of the day before. A response already logged here is continued; a first one goes
    where the victim is: the hospital if someone was injured, else the scene."""
    translate = QCoreApplication.translate
    if actions:
        latest = max(actions, key=lambda a: (str(a.get("started_at") or ""), str(a.get("id"))))
        return str(latest["action_type"]), translate("ResponseForm", "same as the latest response here")
    if int(incident.get("victims_nonfatal") or 0):
        return ActionType.HOSPITAL.value, translate("ResponseForm", "suggested: someone was injured")
    if int(incident.get("victims_fatal") or 0):
        return ActionType.SCENE.value, translate("ResponseForm", "suggested: a fatal incident")
    return ActionType.SCENE.value, translate("ResponseForm", "suggested: a new incident")


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
        # Why the type is what it is (the default follows the incident: `suggest_type`).
        self.suggestion = QLabel(self)
        self.suggestion.setObjectName("hint")
        self.suggestion.setAccessibleName(self.tr("Why this action type is suggested"))
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
        self.outcome = self._combo(
            self.tr("Outcome"),
            [(Outcome.ONGOING.value, self.tr("Ongoing (set when it ends)"))]
            + [(o.value, label(o.value)) for o in FINAL_OUTCOMES],
        )
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
        self.save_button = QPushButton(self.save_text(), self)
        self.save_button.setAccessibleName(self.tr("Save action"))
        self.save_button.setToolTip(self.tr("Save on this laptop (Ctrl+Enter from any field)"))
        # Enter on the focused button presses it, as Space does (and Ctrl+Enter saves from anywhere).
        self.save_button.setAutoDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel correction (Esc)"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel correction"))
        self.cancel_button.setAutoDefault(True)
        self.cancel_button.hide()
        self.message = QLabel(self)
        self.message.setAccessibleName(self.tr("Form message"))
        self.message.setWordWrap(True)

        form = QFormLayout(self)
        kind = QHBoxLayout()
        kind.addWidget(self.action_type, 0)
        kind.addWidget(self.suggestion, 1)
        form.addRow(self.tr("T&ype"), kind)
        when = QHBoxLayout()
        when.addWidget(self.started, 2)
        when.addWidget(self.minutes, 1)
        # Mnemonics here share the window with the menus, the tabs and the detail's buttons
        # (tests/ui/test_mnemonics.py): the fields without one are a Tab away from one that has.
        form.addRow(self.tr("Started / duration"), when)
        form.addRow(self.tr("Staff"), self.staff_count)
        form.addRow(self.tr("Outco&me"), self.outcome)
        form.addRow(self.tr("Mediation"), self.mediation)
        risk = QHBoxLayout()
        risk.addWidget(self.risk, 1)
        risk.addWidget(self.risk_basis, 2)
        form.addRow(self.tr("Risk"), risk)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        type_label = form.labelForField(kind)
        if isinstance(type_label, QLabel):
            type_label.setBuddy(self.action_type)
        for lab_widget in (
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
            self.cancel_button,
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
        self.action_type.activated.connect(lambda _i: self.suggestion.clear())  # the person chose
        self.minutes.valueChanged.connect(self._duration_changed)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._type_changed()

    def save_text(self) -> str:
        """The Save button's text (its mnemonic is V: Alt+S is the Sync menu's)."""
        if self.correcting is not None:
            return self.tr("Sa&ve correction")
        return self.tr("Sa&ve action")

    def _duration_changed(self, minutes: int) -> None:
        # "still going" and a final outcome contradict each other; a length and "Ongoing" too.
        ongoing = self.outcome.currentData() == Outcome.ONGOING.value
        if minutes == 0 and not ongoing:
            self.outcome.setCurrentIndex(self.outcome.findData(Outcome.ONGOING.value))
        elif minutes > 0 and ongoing:
            self.outcome.setCurrentIndex(self.outcome.findData(Outcome.COMPLETED.value))

    def _outcome_changed(self) -> None:
        if self.outcome.currentData() == Outcome.ONGOING.value and self.minutes.value():
            self.minutes.setValue(0)

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

    def reset(self, incident_id: str, suggested: str | None, why: str = "") -> None:
        """Fresh defaults: the suggested type (`suggest_type`), now, still going, me."""
        self._end_correction()
        self.incident_id = incident_id
        self.message.clear()
        self.last_type = suggested or self.last_type or ActionType.SCENE.value
        self.action_type.setCurrentIndex(max(self.action_type.findData(self.last_type), 0))
        self.suggestion.setText(why)
        self.started.setDateTime(to_qdatetime(self.ctx.now()))
        self.minutes.setValue(0)
        self.staff_count.setValue(max(1, len(self.ctx.team) or 1))
        self.outcome.setCurrentIndex(self.outcome.findData(Outcome.ONGOING.value))
        self.mediation.setCurrentIndex(0)
        self.risk.setCurrentIndex(0)
        self.risk_basis.clear()

    def expect(self, incident_id: str) -> None:
        """Another incident is loading: until it arrives (`reset`), Save saves nothing, rather
        than log a quick Ctrl+Enter against the incident shown before."""
        if incident_id != self.incident_id:
            self._end_correction()
            self.incident_id = None
            self.message.setText(self.tr("Loading the incident…"))

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
        self.minutes.blockSignals(True)  # the record's own outcome, not the one its length implies
        self.minutes.setValue(int((ended - started).total_seconds() // 60) if ended else 0)
        self.minutes.blockSignals(False)
        self.staff_count.setValue(int(row.get("staff_count") or 1))
        self.outcome.blockSignals(True)
        self.outcome.setCurrentIndex(max(self.outcome.findData(row.get("outcome")), 0))
        self.outcome.blockSignals(False)
        self.suggestion.clear()
        self.mediation.setCurrentIndex(max(self.mediation.findData(row.get("mediation_result") or ""), 0))
        self.risk.setCurrentIndex(max(self.risk.findData(row.get("retaliation_risk") or ""), 0))
        self.risk_basis.setText(str(row.get("risk_basis") or ""))
        self.save_button.setText(self.save_text())
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
            self.action_type.setFocus()

    def _end_correction(self) -> None:
        self.correcting = None
        self.save_button.setText(self.save_text())
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
            return  # still loading (`expect`) or saving: the message says so
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
