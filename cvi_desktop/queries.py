"""Read-side queries that must stay fast at 100,000 incidents and 500,000 response actions.

The incident list pages in SQL (never loading every row), sorts only by indexed columns, and
searches through FTS5. The monthly review figures come from one pass over a month's rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .clock import CHICAGO, to_db
from .errors import ValidationError

if TYPE_CHECKING:  # type hints only: the GUI builds filters before it opens (or imports) a store
    from .store.database import Store

SORTABLE = {
    "received": "org_received_at",
    "occurred": "occurred_at",
    "district": "district",
    "type": "incident_type",
    "status": "status",
    "rd_number": "rd_number",
}
# `IncidentStatus` NEW, ASSIGNED and RESPONDING, spelled as their values so that building a filter
# does not import `domain` (its many enums and dataclasses cost the desktop's first frame ~60 ms);
# tests/test_outbox_states.py checks the two agree.
OPEN_STATUSES: tuple[str, ...] = ("new", "assigned", "responding")


@dataclass(frozen=True)
class IncidentFilter:
    statuses: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    assignee: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    search: str = ""
    sort: str = "received"
    descending: bool = True


def fts_query(text: str) -> str:
    """User words as a safe FTS5 query: every word a quoted prefix term, all required."""
    words = re.findall(r"[\w]+", text, flags=re.UNICODE)
    return " ".join(f'"{w}"*' for w in words)


def _where(f: IncidentFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, values in (("status", f.statuses), ("district", f.districts), ("incident_type", f.types)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if f.assignee is not None:
        clauses.append("assignee = ?")
        params.append(f.assignee)
    if f.received_from is not None:
        clauses.append("org_received_at >= ?")
        params.append(to_db(f.received_from))
    if f.received_to is not None:
        clauses.append("org_received_at < ?")
        params.append(to_db(f.received_to))
    match = fts_query(f.search)
    if match:
        clauses.append(
            "rowid IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ? "
            "UNION SELECT i.rowid FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid "
            "JOIN incidents i ON i.id = n.incident_id WHERE notes_fts MATCH ?)"
        )
        params.extend([match, match])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


LIST_COLUMNS = (
    "id, rd_number, incident_type, occurred_at, org_received_at, district, beat, location_type, "
    "victims_total, victims_fatal, status, assignee, version"
)


def incident_page(
    store: Store, f: IncidentFilter, *, offset: int = 0, limit: int = 50
) -> list[dict[str, Any]]:
    if f.sort not in SORTABLE:
        raise ValidationError("sort", f"can sort by {', '.join(SORTABLE)}")
    where, params = _where(f)
    direction = "DESC" if f.descending else "ASC"
    # rowid breaks ties so pages never repeat or skip rows between two sorts of equal values.
    sql = (f"SELECT {LIST_COLUMNS} FROM incidents{where} "
           f"ORDER BY {SORTABLE[f.sort]} {direction}, rowid {direction} LIMIT ? OFFSET ?")
    return store.rows(sql, [*params, limit, offset])


def incident_count(store: Store, f: IncidentFilter) -> int:
    where, params = _where(f)
    return int(store.scalar(f"SELECT count(*) FROM incidents{where}", params))


def search(store: Store, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Incidents matching the words in their facts or in their notes, newest first."""
    return incident_page(store, IncidentFilter(search=text), limit=limit)


def caseload(store: Store) -> list[dict[str, Any]]:
    """Open incidents and overdue follow-ups per staff member, for the supervisor."""
    now = to_db(store.now())
    open_marks = ", ".join("?" * len(OPEN_STATUSES))
    return store.rows(
        f"""
        SELECT s.id, s.display_name, s.role,
               (SELECT count(*) FROM incidents i WHERE i.assignee = s.id AND i.status IN ({open_marks}))
                   AS open_incidents,
               (SELECT count(*) FROM followups f WHERE f.assignee = s.id AND f.done_at IS NULL
                    AND f.due_at < ?) AS overdue_followups
        FROM staff s ORDER BY open_incidents DESC, s.display_name
        """,
        [*OPEN_STATUSES, now],
    )


def overdue_followups(store: Store, assignee: str | None = None) -> list[dict[str, Any]]:
    now = to_db(store.now())
    sql = ("SELECT f.*, i.rd_number, i.district FROM followups f JOIN incidents i ON i.id = f.incident_id "
           "WHERE f.done_at IS NULL AND f.due_at < ?")
    params: list[Any] = [now]
    if assignee is not None:
        sql += " AND f.assignee = ?"
        params.append(assignee)
    return store.rows(sql + " ORDER BY f.due_at", params)


# --- the monthly review ----------------------------------------------------------------------


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """A calendar month in Chicago, as a UTC half-open range."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValidationError("month", f"{month!r} is not YYYY-MM")
    year, mon = int(month[:4]), int(month[5:])
    start = datetime(year, mon, 1, tzinfo=CHICAGO)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=CHICAGO)
    return start.astimezone(UTC), end.astimezone(UTC)


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class DistrictMonth:
    district: str
    incidents: int
    responded: int
    notification_p50_min: float | None
    notification_p90_min: float | None
    response_p50_min: float | None
    response_p90_min: float | None

    @property
    def coverage(self) -> float | None:
        return None if self.incidents == 0 else self.responded / self.incidents


def monthly_review(store: Store, month: str) -> list[DistrictMonth]:
    """Notification latency (received − occurred), response latency (first scene, hospital or
    family contact − received) and coverage, per district, for incidents that occurred in the
    month (Chicago time)."""
    from .domain import QUALIFYING_ACTIONS  # here, not at import: see OPEN_STATUSES

    start, end = month_bounds(month)
    qualifying = ", ".join("?" * len(QUALIFYING_ACTIONS))
    rows = store.rows(
        f"""
        SELECT i.district,
               (julianday(i.org_received_at) - julianday(i.occurred_at)) * 1440 AS notify_min,
               (julianday(first.started) - julianday(i.org_received_at)) * 1440 AS response_min
        FROM incidents i
        LEFT JOIN (
            SELECT a.incident_id, min(a.started_at) AS started FROM response_actions a
            JOIN incidents j ON j.id = a.incident_id
            WHERE j.occurred_at >= ? AND j.occurred_at < ? AND a.action_type IN ({qualifying})
            GROUP BY a.incident_id
        ) first ON first.incident_id = i.id
        WHERE i.occurred_at >= ? AND i.occurred_at < ?
        """,
        [to_db(start), to_db(end), *QUALIFYING_ACTIONS, to_db(start), to_db(end)],
    )
    by_district: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_district.setdefault(row["district"], []).append(row)
    result = []
    for district_code in sorted(by_district):
        group = by_district[district_code]
        notify = [r["notify_min"] for r in group if r["notify_min"] is not None]
        respond = [r["response_min"] for r in group if r["response_min"] is not None]
        result.append(DistrictMonth(
            district=district_code,
            incidents=len(group),
            responded=len(respond),
            notification_p50_min=percentile(notify, 50),
            notification_p90_min=percentile(notify, 90),
            response_p50_min=percentile(respond, 50),
            response_p90_min=percentile(respond, 90),
        ))
    return result
