"""One incident: a header with who/what/status, the review banner, and the tabs under it.

The review banner tells the worker where the review stands in the supervisor's words ("Has
issues — Renee Sup: add the hospital visit time"), and says "Changed since approval — review
again" when records changed after an approval. Supervisor-only controls (assign, approve, has
issues) follow the role the hub gives (`apply_role`), including when it changes while open.
A teammate's record arriving through the hub reloads the open incident (`data_changed`).

The whole detail is read in one store call (`operations.read_incident_detail`) and shown when it
arrives; any change to this incident (`events.data_changed`) reloads it.

Each tab's content sits in a scroll area: the response form, the log and the casework tables
together want ~450 px, and as a plain tab that became the pane's minimum height, which left the
queue above it ~6 rows. Scrolled, a tab can be as short as the person drags it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.domain import IncidentStatus, ReviewState
from cvi_desktop.queries import sync_badges

from . import operations
from .casework_tab import CaseworkTab
from .context import AppContext
from .cpd_tab import CpdTab
from .facts_tab import FactsTab
from .labels import badge_state, elapsed, label, review_text, when
from .operations import IncidentDetail
from .people_tab import PeopleTab
from .resources import icon
from .responses_tab import ResponsesTab


class IncidentDetailView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: IncidentDetail | None = None
        self.incident_id: str | None = None
        self.setAccessibleName(self.tr("Incident detail"))

        self.stack = QStackedWidget(self)
        empty = QLabel(self.tr("Choose an incident in the queue to see it here."), self)
        empty.setObjectName("hint")
        empty.setWordWrap(True)
        self.stack.addWidget(empty)

        page = QWidget(self)
        self.title = QLabel(page)
        self.title.setObjectName("pageTitle")
        self.title.setAccessibleName(self.tr("Incident"))
        self.title.setWordWrap(True)
        self.subtitle = QLabel(page)
        self.subtitle.setAccessibleName(self.tr("Incident summary"))
        self.subtitle.setWordWrap(True)
        self.badge = QLabel(page)
        self.badge.setAccessibleName(self.tr("Sync state"))
        # The badge in words beside its icon: "Sent to CPD" and "Shared with your team" are the
        # difference people most need to see, and an icon alone does not say it.
        self.badge_text = QLabel(page)
        self.badge_text.setObjectName("hint")
        self.badge_text.setAccessibleName(self.tr("Where this incident's records are"))

        self.assignee = QComboBox(page)
        self.assignee.setAccessibleName(self.tr("Assignee"))
        self.assign_button = QPushButton(self.tr("Assi&gn"), page)
        self.assign_button.setAccessibleName(self.tr("Assign"))
        self.status = QComboBox(page)
        self.status.setAccessibleName(self.tr("Status"))
        for s in IncidentStatus:
            self.status.addItem(label(s.value), s.value)
        self.status_button = QPushButton(self.tr("Set status"), page)
        self.status_button.setAccessibleName(self.tr("Set status"))
        self.approve = QPushButton(self.tr("A&pprove for CPD"), page)
        self.approve.setAccessibleName(self.tr("Approve for CPD"))
        self.issues = QPushButton(self.tr("Has iss&ues…"), page)
        self.issues.setAccessibleName(self.tr("Review: has issues"))
        self.review_label = QLabel(page)
        self.review_label.setObjectName("reviewBanner")
        self.review_label.setAccessibleName(self.tr("Review"))
        self.review_label.setWordWrap(True)

        actions = QHBoxLayout()
        for w in (self.assignee, self.assign_button, self.status, self.status_button):
            actions.addWidget(w)
        actions.addStretch(1)
        for w in (self.approve, self.issues):
            actions.addWidget(w)

        self.tabs = QTabWidget(page)
        self.tabs.setAccessibleName(self.tr("Incident sections"))
        self.facts = FactsTab(page)
        self.responses = ResponsesTab(ctx, page)
        self.casework = CaseworkTab(ctx, page)
        self.people = PeopleTab(ctx, page)
        self.cpd = CpdTab(page)
        self._scrolled: dict[QWidget, QScrollArea] = {}
        for tab, title, name in (
            (self.responses, self.tr("&Responses"), self.tr("Responses")),
            (self.facts, self.tr("CPD f&acts"), self.tr("CPD facts")),
            (self.casework, self.tr("Referrals && f&ollow-ups"), self.tr("Referrals and follow-ups")),
            (self.people, self.tr("People && &notes"), self.tr("People and notes")),
            (self.cpd, self.tr("What CPD will s&ee"), self.tr("What CPD will see")),
        ):
            self.tabs.addTab(self._scroll(tab, name), title)

        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        top.addLayout(heading, 1)
        top.addWidget(self.badge)
        top.addWidget(self.badge_text)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.review_label)
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.assign_button.clicked.connect(self._assign)
        self.status_button.clicked.connect(self._set_status)
        self.approve.clicked.connect(lambda: self._review(ReviewState.APPROVED.value))
        self.issues.clicked.connect(lambda: self._review(ReviewState.HAS_ISSUES.value))
        ctx.events.data_changed.connect(self._changed)

    def _scroll(self, tab: QWidget, name: str) -> QScrollArea:
        area = QScrollArea(self.tabs)
        area.setWidget(tab)
        area.setWidgetResizable(True)  # the tab fills the area when there is room; scrolls when not
        area.setFrameShape(QFrame.Shape.NoFrame)  # the tab widget already draws a frame
        # Not a Tab stop of its own: Tab goes straight into the tab's fields, and the area scrolls
        # to keep the focused one in view (QScrollArea.focusNextPrevChild).
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        area.setAccessibleName(name)
        self._scrolled[tab] = area
        return area

    def show_tab(self, tab: QWidget) -> None:
        """Bring one of the tabs (`responses`, `facts`, `casework`, `people`, `cpd`) to the front."""
        self.tabs.setCurrentWidget(self._scrolled[tab])

    # --- loading -------------------------------------------------------------------------------

    def show_incident(self, incident_id: str) -> None:
        new = incident_id != self.incident_id
        self.incident_id = incident_id
        if new:
            self.responses.form.expect(incident_id)  # no saving against the one shown before
        operations.load_incident(
            ctx=self.ctx, incident_id=incident_id, on_success=lambda d: self._show(d, reset_form=new)
        )

    def _changed(self, incident_id: str) -> None:
        if self.incident_id and incident_id in (self.incident_id, ""):
            operations.load_incident(
                ctx=self.ctx,
                incident_id=self.incident_id,
                on_success=lambda d: self._show(d, reset_form=False),
            )

    def _show(self, detail: IncidentDetail, *, reset_form: bool) -> None:
        if detail.incident["id"] != self.incident_id:
            return  # the person already moved on to another incident
        self.detail = detail
        i = detail.incident
        self.title.setText(
            label(i["incident_type"]) + " · " + self.tr("District %s") % i["district"]
            + (" · " + self.tr("RD %s") % i["rd_number"] if i["rd_number"] else "")
        )
        since = elapsed(i["org_received_at"], self.ctx.now())
        self.subtitle.setText(
            self.tr("Received %s (%s ago) · %s · beat %s")
            % (when(i["org_received_at"]), since, label(i["status"]), i["beat"] or "—")
            + " · "
            + self.tr("%n victim(s)", "", int(i["victims_total"] or 0))
        )
        self._show_badge(badge_state(detail.sync_state))
        incident_id = str(i["id"])
        # The finer badge ("sent to CPD", "from CPD") needs the CPD rows and the source.
        self.ctx.tasks.store_op(
            lambda s: sync_badges(s, [incident_id]).get(incident_id, "local"),
            on_success=lambda state: self._show_badge(state) if self.incident_id == incident_id else None,
        )
        self.assignee.clear()
        self.assignee.addItem(self.tr("Unassigned"), "")
        for s in detail.staff:
            # Inactive staff stay listed only if they hold this incident (so it shows who does).
            if int(s.get("active", 1) or 0) or s["id"] == i["assignee"]:
                self.assignee.addItem(s["display_name"], s["id"])
        self.assignee.setCurrentIndex(max(self.assignee.findData(i["assignee"] or ""), 0))
        self.status.setCurrentIndex(max(self.status.findData(i["status"]), 0))
        status = detail.review_status or {}
        self.review_label.setText(review_text(status))
        # The banner's colour follows the state (style.qss); re-polish so a change shows.
        self.review_label.setProperty("state", str(status.get("state") or "not_reviewed"))
        self.review_label.style().unpolish(self.review_label)
        self.review_label.style().polish(self.review_label)
        self._show_role_controls()
        self.facts.show_detail(detail)
        self.responses.show_detail(detail, reset_form=reset_form)
        self.casework.show_detail(detail)
        self.people.show_detail(detail)
        self.cpd.show_detail(detail)
        self.stack.setCurrentIndex(1)

    def _show_badge(self, state: str) -> None:
        self.badge.setPixmap(icon(f"sync-{state}").pixmap(16, 16))
        self.badge.setToolTip(label(state))
        self.badge.setAccessibleDescription(label(state))
        self.badge_text.setText(label(state))

    def _show_role_controls(self) -> None:
        supervisor = self.ctx.supervisor
        for w in (self.approve, self.issues, self.assignee, self.assign_button):
            w.setVisible(supervisor)

    def apply_role(self) -> None:
        """Show the supervisor's controls only to a supervisor (the hub refuses them otherwise)."""
        self._show_role_controls()
        if self.detail is not None:
            # The flag's Keep / Move buttons are the supervisor's too.
            self.responses.show_detail(self.detail, reset_form=False)

    # --- actions -------------------------------------------------------------------------------

    def _assign(self) -> None:
        if self.incident_id:
            operations.assign_incident(
                ctx=self.ctx, incident_id=self.incident_id, assignee=self.assignee.currentData() or None
            )

    def _set_status(self) -> None:
        if self.incident_id:
            operations.set_status(
                ctx=self.ctx, incident_id=self.incident_id, status=self.status.currentData()
            )

    def _review(self, state: str) -> None:
        if not self.incident_id:
            return
        comment = ""
        if state != ReviewState.APPROVED.value:
            comment, ok = QInputDialog.getText(
                self, self.tr("Review"), self.tr("What should the worker fix?")
            )
            if not ok:
                return
        operations.review_incident(ctx=self.ctx, incident_id=self.incident_id, state=state, comment=comment)

    def focus_response_form(self) -> None:
        self.show_tab(self.responses)
        self.responses.form.action_type.setFocus()
