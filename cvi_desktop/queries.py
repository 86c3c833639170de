"""Read-side queries that must stay fast at 100,000 incidents and 500,000 response actions.

The incident list pages in SQL (never loading every row), sorts only by indexed columns, and
searches through FTS5. The monthly review figures come from one pass over a month's rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


def caseload(store: Store, month: str | None = None) -> list[dict[str, Any]]:
    """The team on one screen, one row per staff member: open incidents, follow-ups due in the
    next 7 days and overdue (a follow-up is its assignee's, or its incident's assignee's), the
    median response latency in minutes for incidents received this Chicago month, and when
    their laptop last synced (the hub's word)."""
    from .domain import QUALIFYING_ACTIONS  # here, not at import: see OPEN_STATUSES

    now = store.now()
    start, end = month_bounds(month or now.astimezone(CHICAGO).strftime("%Y-%m"))
    open_params = {f"open{n}": status for n, status in enumerate(OPEN_STATUSES)}
    open_marks = ", ".join(f":{name}" for name in open_params)
    qualifying = ", ".join("?" * len(QUALIFYING_ACTIONS))
    rows = store.rows(
        f"""
        SELECT s.id, s.display_name, s.role, s.active, s.last_synced_at,
               (SELECT count(*) FROM incidents i WHERE i.assignee = s.id AND i.status IN ({open_marks}))
                   AS open_incidents,
               (SELECT count(*) FROM followups f JOIN incidents i ON i.id = f.incident_id
                    WHERE COALESCE(f.assignee, i.assignee) = s.id AND f.done_at IS NULL
                    AND f.due_at >= :now AND f.due_at < :week) AS followups_due,
               (SELECT count(*) FROM followups f JOIN incidents i ON i.id = f.incident_id
                    WHERE COALESCE(f.assignee, i.assignee) = s.id AND f.done_at IS NULL
                    AND f.due_at < :now) AS followups_overdue
        FROM staff s ORDER BY s.active DESC, open_incidents DESC, s.display_name
        """,
        {"now": to_db(now), "week": to_db(now + timedelta(days=7)), **open_params},
    )
    latencies: dict[str, list[float]] = {}
    for row in store.rows(
        f"""
        SELECT i.assignee, (julianday(min(a.started_at)) - julianday(i.org_received_at)) * 1440 AS minutes
        FROM incidents i JOIN response_actions a ON a.incident_id = i.id AND a.action_type IN ({qualifying})
        WHERE i.assignee IS NOT NULL AND i.org_received_at >= ? AND i.org_received_at < ?
        GROUP BY i.id
        """,
        [*QUALIFYING_ACTIONS, to_db(start), to_db(end)],
    ):
        if row["minutes"] is not None and row["minutes"] >= 0:
            latencies.setdefault(row["assignee"], []).append(row["minutes"])
    for row in rows:
        row["median_response_minutes"] = percentile(latencies.get(row["id"], []), 50)
        row["overdue_followups"] = row["followups_overdue"]  # the name older callers use
    return rows


def review_queue(store: Store) -> list[dict[str, Any]]:
    """Incidents waiting for a supervisor's review, oldest first: some response, referral or
    follow-up of theirs is not covered by their latest review (never reviewed: `new`; changed
    after "has issues" or "rejected": `resubmitted`; changed after approval:
    `changed_since_approval`). `waiting_since` is when the oldest uncovered record was made."""
    return store.rows(
        """
        WITH latest AS (
            SELECT r.incident_id, r.state, r.covers FROM reviews r
            WHERE r.rowid = (SELECT q.rowid FROM reviews q WHERE q.incident_id = r.incident_id
                             ORDER BY q.created_at DESC, q.rowid DESC LIMIT 1)
        ), refs AS (
            SELECT 'response_action' AS kind, id, version, incident_id, device_recorded_at AS at
                FROM response_actions
            UNION ALL SELECT 'referral', id, version, incident_id, updated_at FROM referrals
            UNION ALL SELECT 'followup', id, version, incident_id, COALESCE(updated_at, created_at)
                FROM followups
        ), uncovered AS (
            SELECT refs.incident_id, min(refs.at) AS waiting_since FROM refs
            LEFT JOIN latest l ON l.incident_id = refs.incident_id
            WHERE l.incident_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM json_each(l.covers) c
                WHERE json_extract(c.value, '$.kind') = refs.kind AND json_extract(c.value, '$.id') = refs.id
                  AND json_extract(c.value, '$.version') = refs.version)
            GROUP BY refs.incident_id
        )
        SELECT i.id AS incident_id, i.rd_number, i.district, i.incident_type, i.occurred_at, i.assignee,
               COALESCE(s.display_name, i.assignee) AS assignee_name, u.waiting_since,
               CASE WHEN l.state IS NULL THEN 'new'
                    WHEN l.state = 'approved' THEN 'changed_since_approval'
                    ELSE 'resubmitted' END AS reason
        FROM uncovered u JOIN incidents i ON i.id = u.incident_id
        LEFT JOIN latest l ON l.incident_id = u.incident_id
        LEFT JOIN staff s ON s.id = i.assignee
        WHERE EXISTS (SELECT 1 FROM response_actions a WHERE a.incident_id = i.id)
        ORDER BY u.waiting_since, i.id
        """
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
