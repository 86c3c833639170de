"""Human, translatable labels for every stored choice value, and small display helpers.

`cvi_desktop.clock` (zoneinfo and the Chicago zone) is imported by the two helpers that show
times, on first use: the labels themselves are needed before the window's first frame, times
only once incidents are on screen."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


_LABELS = {
    # incident types
    "fatal_shooting": "Fatal shooting",
    "nonfatal_shooting": "Non-fatal shooting",
    "nonshooting_homicide": "Non-shooting homicide",
    "shots_fired_no_injury": "Shots fired, no injury",
    # statuses
    "new": "New",
    "assigned": "Assigned",
    "responding": "Responding",
    "closed": "Closed",
    "no_response": "No response",
    # action types
    "scene": "Scene response",
    "hospital": "Hospital response",
    "victim_engagement": "Victim engagement",
    "family_engagement": "Family engagement",
    "mediation": "Mediation",
    "canvass_rumor_control": "Canvass / rumour control",
    "vigil_funeral": "Vigil or funeral",
    "community_event": "Community event",
    "referral": "Referral",
    "followup_contact": "Follow-up contact",
    "other": "Other",
    # outcomes
    "completed": "Completed",
    "partial": "Partly done",
    "unable_unsafe": "Unable: unsafe",
    "unable_police_restriction": "Unable: police restriction",
    "unable_no_staff": "Unable: no staff",
    "declined": "Declined",
    "not_located": "Not located",
    # mediation, risk
    "resolved": "Resolved",
    "ongoing": "Ongoing",
    "escalated": "Escalated",
    "unknown": "Unknown",
    "none": "None",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    # referral categories and statuses
    "mental_health": "Mental health",
    "victim_services": "Victim services",
    "medical": "Medical",
    "relocation": "Relocation",
    "employment": "Employment",
    "education": "Education",
    "legal": "Legal",
    "funeral": "Funeral",
    "substance_use": "Substance use",
    "basic_needs": "Basic needs",
    "made": "Made",
    "connected": "Connected",
    # follow-up kinds
    "call": "Call",
    "visit": "Visit",
    "hospital_visit": "Hospital visit",
    "referral_check": "Referral check",
    # review
    "approved": "Approved",
    "has_issues": "Has issues",
    "rejected": "Rejected",
    # location types
    "street": "Street",
    "residence": "Residence",
    "vehicle": "Vehicle",
    "business": "Business",
    "park": "Park",
    "school": "School",
    "transit": "Transit",
    # sources
    "cpd": "CPD",
    "community": "Community",
    "self": "Own team",
    # sync states (badges)
    "pending": "Waiting to share",
    "sending": "Sharing…",
    "acknowledged": "Shared",
    "quarantined": "Needs attention",
    "local": "Saved here",
    # the queue's badges (`queries.sync_badges`): where an incident's records have got to
    "shared_team": "Shared with your team",
    "sent_to_cpd": "Sent to CPD",
    "from_cpd": "From CPD",
}


def label(value: object) -> str:
    if value is None or value == "":
        return ""
    text = str(value)
    english = _LABELS.get(text)
    return _t(english) if english else text.replace("_", " ").capitalize()


def when(value: str | None) -> str:
    from cvi_desktop.clock import local_text

    return local_text(value) if value else ""


def elapsed(since: str | None, now: datetime) -> str:
    """'2 h 05 min' since a stored instant; '' if unknown."""
    from cvi_desktop.clock import from_db

    start = from_db(since) if since else None
    if start is None:
        return ""
    delta = max(now - start, timedelta(0))
    minutes = int(delta.total_seconds() // 60)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    if days:
        return _t("%d d %d h") % (days, hours)
    if hours:
        return _t("%d h %02d min") % (hours, mins)
    return _t("%d min") % mins


# The badges `queries.sync_badges` gives, which `badge_state` passes through unchanged.
BADGES = ("quarantined", "pending", "sent_to_cpd", "shared_team", "from_cpd", "local")


def badge_state(state: str | None) -> str:
    """Collapse outbox states into the badges people see (a `queries.sync_badges` badge is
    already one). A bare "acknowledged" (the hub has it all) is "shared with your team": only
    `sync_badges` knows whether CPD's copy was acknowledged too."""
    if state in BADGES:
        return state  # type: ignore[return-value]
    if state in ("pending", "sending"):
        return "pending"
    if state == "acknowledged":
        return "shared_team"
    if state == "quarantined":
        return state
    return "local"


# --- team records -------------------------------------------------------------------------------

_LABELS.update(
    {
        # review states (`reviews.status`) and why an incident waits in the review queue
        "not_reviewed": "Not reviewed",
        "waiting": "Waiting for review",
        "changed_since_approval": "Changed since approval",
        "resubmitted": "Resubmitted after issues",
        # what a review covers
        "response_action": "Response",
        "followup": "Follow-up",
        "follow-up": "Follow-up",
        "due": "Due",
        "done": "Done",
        # a flag on a response action and how a supervisor settled it
        "incident_reassigned": "Logged after the incident was reassigned",
        "kept": "Kept with its author",
        "moved": "Moved to the new assignee",
    }
)


def ago(value: str | None, now: datetime) -> str:
    """'never', 'just now', '12 min ago', '3 h ago', '2 d ago' for a stored instant."""
    from cvi_desktop.clock import from_db

    start = from_db(value) if value else None
    if start is None:
        return _t("never")
    minutes = int(max(now - start, timedelta(0)).total_seconds() // 60)
    if minutes < 1:
        return _t("just now")
    if minutes < 60:
        return _t("%d min ago") % minutes
    if minutes < 48 * 60:
        return _t("%d h ago") % (minutes // 60)
    return _t("%d d ago") % (minutes // 1440)


def recorded_by(row: dict, actor: str) -> str:
    """Who recorded a record, as a person reads it: 'You', 'Ana Ruiz (teammate)', 'Ana Ruiz'.

    "(teammate)" marks someone else's record that arrived through the hub from their laptop,
    which is also why it is read-only here unless this person is a supervisor."""
    author = row.get("recorded_by")
    name = str(row.get("recorded_by_name") or author or "")
    if author and author == actor:
        return _t("You")
    if not name:
        return "—"
    # Someone else's record is a teammate's, unless this laptop made it (a supervisor logging
    # for a worker, say): "origin" says which; rows without it (review covers) count as team.
    if row.get("origin", "team") == "team":
        return _t("%s (teammate)") % name
    return name


def review_text(status: dict | None) -> str:
    """The review banner's sentence for `reviews.status`: state, and the reviewer's comment."""
    if not status or status.get("state") in (None, "not_reviewed"):
        return _t("Not reviewed yet. CPD receives nothing until a supervisor approves.")
    state = str(status["state"])
    who = str(status.get("reviewer_name") or status.get("reviewer") or "")
    comment = str(status.get("comment") or "").strip()
    if state == "waiting":
        return _t("Waiting for a supervisor's review. CPD receives nothing until it is approved.")
    if state == "changed_since_approval":
        return _t("Changed since approval — review again. CPD has only what was approved.")
    text = label(state)
    if state == "approved":
        text = _t("Approved by %s %s") % (who, when(status.get("at"))) if who else text
        return text + (f" — {comment}" if comment else "")
    # Has issues / rejected: the comment is what the worker needs, so it leads after the state.
    if who and comment:
        return f"{text} — {who}: {comment}"
    return f"{text} — {comment}" if comment else text
