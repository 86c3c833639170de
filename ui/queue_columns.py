"""The queue's columns: keys, headers, sort keys and starting widths.

Kept apart from `queue_model` (which needs the store's query types and PySide6's `Qt`
namespace) so the queue's header can be drawn in the window's first frame with nothing but
this list: see `IncidentQueueView`.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

# (key, header, sort key in queries.SORTABLE or None)
COLUMNS: list[tuple[str, str, str | None]] = [
    ("sync", QT_TRANSLATE_NOOP("IncidentQueueModel", "Sync"), None),
    ("received", QT_TRANSLATE_NOOP("IncidentQueueModel", "Received"), "received"),
    # How long an open incident has waited since the notification ("Open for": short enough
    # for a 1024 px window; the tooltip says the rest).
    ("since", QT_TRANSLATE_NOOP("IncidentQueueModel", "Open for"), None),
    ("rd_number", QT_TRANSLATE_NOOP("IncidentQueueModel", "RD number"), "rd_number"),
    ("type", QT_TRANSLATE_NOOP("IncidentQueueModel", "Type"), "type"),
    ("district", QT_TRANSLATE_NOOP("IncidentQueueModel", "District"), "district"),
    ("beat", QT_TRANSLATE_NOOP("IncidentQueueModel", "Beat"), None),
    ("victims", QT_TRANSLATE_NOOP("IncidentQueueModel", "Victims"), None),
    ("status", QT_TRANSLATE_NOOP("IncidentQueueModel", "Status"), "status"),
    ("assignee", QT_TRANSLATE_NOOP("IncidentQueueModel", "Assignee"), None),
]
COLUMN = {key: i for i, (key, _h, _s) in enumerate(COLUMNS)}

# Starting widths in pixels; the last column (assignee) stretches.
WIDTHS = {
    "sync": 190,  # "Shared with your team" and its icon, in bold
    "received": 150,
    "since": 96,
    "rd_number": 100,
    "type": 152,
    "district": 66,
    "beat": 60,
    "victims": 72,
    "status": 100,
}
# Left out of a narrow window (under NARROW px) so the rest fit without sideways scrolling;
# the incident's detail shows both.
NARROW = 1200
NARROW_HIDDEN = ("beat", "victims")

# The queue opens sorted by this column, newest first.
DEFAULT_SORT_COLUMN = COLUMN["received"]


def header_text(section: int) -> str:
    """A column's translated header (the model's context, so one translation serves both)."""
    return QCoreApplication.translate("IncidentQueueModel", COLUMNS[section][1])
