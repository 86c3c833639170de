"""Labels for stored choice values (the core's catalog's words) and small display helpers.

`cvi_desktop.clock` (zoneinfo and the Chicago zone) is imported by the two helpers that show
times, on first use: the labels themselves are needed before the window's first frame, times
only once incidents are on screen."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication

# lupdate reads `translate("Context", "literal")` calls: the literal strings use it directly.
translate = QCoreApplication.translate


def label(value: object) -> str:
    """A stored choice as a person reads it, in the language in use: the core's words
    (`cvi_desktop.i18n`, one catalog for the app, the PDF, the CSV headers and the hub's page)."""
    from cvi_desktop import i18n

    return i18n.label(value)


# How a Chicago wall time is written in each language: English keeps the team's unambiguous
# year-first form; Spanish writes the day first, as Spanish-speaking Chicago reads dates.
DATE_TIME_FORMATS = {"en": "yyyy-MM-dd HH:mm", "es": "dd/MM/yyyy HH:mm"}


def local_when(value: datetime | str | None) -> str:
    """A stored instant as Chicago wall time, written for the language in use (QLocale)."""
    from PySide6.QtCore import QDate, QDateTime, QTime

    from cvi_desktop.clock import CHICAGO, from_db

    from .language import current_language, locale

    instant = from_db(value) if isinstance(value, str) else value
    if instant is None:
        return ""
    wall = instant.astimezone(CHICAGO)
    moment = QDateTime(QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute))
    return locale().toString(moment, DATE_TIME_FORMATS[current_language()])


def when(value: str | None) -> str:
    return local_when(value) if value else ""


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
        return translate("labels", "%d d %d h") % (days, hours)
    if hours:
        return translate("labels", "%d h %02d min") % (hours, mins)
    return translate("labels", "%d min") % mins


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



def ago(value: str | None, now: datetime) -> str:
    """'never', 'just now', '12 min ago', '3 h ago', '2 d ago' for a stored instant."""
    from cvi_desktop.clock import from_db

    start = from_db(value) if value else None
    if start is None:
        return translate("labels", "never")
    minutes = int(max(now - start, timedelta(0)).total_seconds() // 60)
    if minutes < 1:
        return translate("labels", "just now")
    if minutes < 60:
        return translate("labels", "%d min ago") % minutes
    if minutes < 48 * 60:
        return translate("labels", "%d h ago") % (minutes // 60)
    return translate("labels", "%d d ago") % (minutes // 1440)


def recorded_by(row: dict, actor: str) -> str:
    """Who recorded a record, as a person reads it: 'You', 'Ana Ruiz (teammate)', 'Ana Ruiz'.

    "(teammate)" marks someone else's record that arrived through the hub from their laptop,
    which is also why it is read-only here unless this person is a supervisor."""
    author = row.get("recorded_by")
    name = str(row.get("recorded_by_name") or author or "")
    if author and author == actor:
        return translate("labels", "You")
    if not name:
        return "—"
    # Someone else's record is a teammate's, unless this laptop made it (a supervisor logging
    # for a worker, say): "origin" says which; rows without it (review covers) count as team.
    if row.get("origin", "team") == "team":
        return translate("labels", "%s (teammate)") % name
    return name


def review_text(status: dict | None) -> str:
    """The review banner's sentence for `reviews.status`: state, and the reviewer's comment."""
    if not status or status.get("state") in (None, "not_reviewed"):
        return translate("labels", "Not reviewed yet. CPD receives nothing until a supervisor approves.")
    state = str(status["state"])
    who = str(status.get("reviewer_name") or status.get("reviewer") or "")
    comment = str(status.get("comment") or "").strip()
    if state == "waiting":
        return translate(
            "labels", "Waiting for a supervisor's review. CPD receives nothing until it is approved."
        )
    if state == "changed_since_approval":
        return translate("labels", "Changed since approval — review again. CPD has only what was approved.")
    text = label(state)
    if state == "approved":
        text = translate("labels", "Approved by %s %s") % (who, when(status.get("at"))) if who else text
        return text + (f" — {comment}" if comment else "")
    # Has issues / rejected: the comment is what the worker needs, so it leads after the state.
    if who and comment:
        return f"{text} — {who}: {comment}"
    return f"{text} — {comment}" if comment else text
