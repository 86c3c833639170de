"""The queue's columns: keys, headers, sort keys and starting widths.

Kept apart from `queue_model` (which needs the store's query types and PySide6's `Qt`
namespace) so the queue's header can be drawn in the window's first frame with nothing but
this list: see `IncidentQueueView`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# (key, header, sort key in queries.SORTABLE or None)
COLUMNS: list[tuple[str, str, str | None]] = [
    ("sync", "Sync", None),
    ("received", "Received", "received"),
    ("since", "Since notification", None),
    ("rd_number", "RD number", "rd_number"),
    ("type", "Type", "type"),
    ("district", "District", "district"),
    ("beat", "Beat", None),
    ("victims", "Victims", None),
    ("status", "Status", "status"),
    ("assignee", "Assignee", None),
]
COLUMN = {key: i for i, (key, _h, _s) in enumerate(COLUMNS)}

# Starting widths in pixels; the last column (assignee) stretches.
WIDTHS = {
    "sync": 150,
    "received": 150,
    "since": 140,
    "rd_number": 100,
    "type": 170,
    "district": 70,
    "beat": 60,
    "victims": 90,
    "status": 100,
}

# The queue opens sorted by this column, newest first.
DEFAULT_SORT_COLUMN = COLUMN["received"]


def header_text(section: int) -> str:
    """A column's translated header (the model's context, so one translation serves both)."""
    return QCoreApplication.translate("IncidentQueueModel", COLUMNS[section][1])
