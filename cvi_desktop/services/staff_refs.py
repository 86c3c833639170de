"""Staff ids that records from the hub name, known locally at least by id.

Records refer to staff by foreign key; a record from the hub may name someone the hub's staff
list has not reached this laptop with yet. The next sync's staff list fills in the name.
"""

from __future__ import annotations

from sqlite_utils import Database


def ensure_staff(db: Database, staff_id: str | None) -> None:
    """Call inside the write transaction that stores the record naming `staff_id`."""
    if staff_id:
        db.execute("INSERT INTO staff (id, display_name, role) VALUES (?, ?, 'worker') "
                   "ON CONFLICT(id) DO NOTHING", [staff_id, staff_id])
