"""Read-side queries that must stay fast at 100,000 incidents and 500,000 response actions.

The incident list pages in SQL (never loading every row), sorts only by indexed columns, and
searches through FTS5. The monthly review figures come from one pass over a month's rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import monthly
from .clock import CHICAGO, to_db
from .errors import ValidationError
from .monthly import month_bounds

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
    # Only incidents no one holds yet (the queue's "Unassigned" choice); `assignee` is then unused.
    unassigned: bool = False
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
    if f.unassigned:
        clauses.append("assignee IS NULL")
    elif f.assignee is not None:
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
# The figures themselves are `monthly.monthly_review`, shared with the hub; here the laptop only
# gathers its records and projects them through the sharing allowlist.


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values. Only the caseload's
    median uses it; the monthly review uses `monthly.percentile` (nearest-rank)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def review_records(store: Store, month: str, months: int = monthly.TREND_MONTHS) -> list[dict[str, Any]]:
    """Every incident that occurred in `month`'s trailing `months` months (Chicago), in the
    shape of the CPD response record (`sharing.response_record`), for `monthly.monthly_review`.

    Each part holds only fields that both the sharing allowlist lets out and the calculation
    reads (`monthly.READS`): the incident's, actions' and referrals' S fields, and of follow-ups
    (share class O: the organisation's own review tells late from overdue; CPD's record has
    counts only) the due and done times. Columns are selected from that intersection, so
    nothing else is even read. Four indexed reads over the window and no per-row copying: at
    100,000 incidents a six-month window is some 16,000 incidents and 80,000 actions."""
    from . import sharing  # here, not at import: see OPEN_STATUSES

    def allowed(part: str, allowlist: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in monthly.READS[part] if f in allowlist)

    incident_fields = allowed("incident", sharing.cpd_incident_fields(sharing.Agreement()))
    # Named indexes (m007): each read is answered from an index, not a random (decrypted) table
    # page per row; named, since statistics gathered before m007 steer the planner elsewhere.
    parts = {
        "actions": ("response_actions x INDEXED BY actions_review", allowed("actions", sharing.ACTION_S)),
        "referrals": ("referrals x", allowed("referrals", sharing.REFERRAL_S)),
        "followups": ("followups x", allowed("followups", sharing.FOLLOWUP_O)),
    }
    start, end = monthly.window(month, months)
    span = [to_db(start), to_db(end)]
    # Incidents imported from the city's public data set were never notified to the
    # organisation: counting them would show every one as a shooting it failed to cover.
    city = " AND source IS NOT 'city_data'"
    incidents = store.rows(
        f"SELECT {', '.join(incident_fields)} FROM incidents "
        f"WHERE occurred_at >= ? AND occurred_at < ?{city} ORDER BY occurred_at, id",
        span,
    )
    records: dict[str, dict[str, Any]] = {}
    for incident in incidents:
        records[incident["id"]] = {"incident": incident, "actions": [], "referrals": [], "themes": [],
                                   "followups": []}
    joined = ("JOIN incidents i INDEXED BY incidents_window ON i.id = x.incident_id"
              " WHERE i.occurred_at >= ? AND i.occurred_at < ?" + city.replace("source", "i.source"))
    for part, (table, columns) in parts.items():
        picked = ", ".join(f"x.{c}" for c in columns)
        for row in store.rows(f"SELECT x.incident_id AS of_incident, {picked} FROM {table} {joined}", span):
            # The row without its grouping key is exactly the allowed fields: no second copy.
            records[row.pop("of_incident")][part].append(row)
    for row in store.rows(f"SELECT x.incident_id, x.tag FROM incident_themes x {joined}", span):
        records[row["incident_id"]]["themes"].append(row["tag"])
    for record in records.values():
        record["themes"].sort()  # as `sharing.response_record` sorts them
    return list(records.values())


def monthly_review(store: Store, month: str) -> monthly.MonthlyReview:
    """The monthly shooting review of `month` (YYYY-MM, Chicago) from this laptop's records,
    as of the store's clock. See `monthly` for what each figure means."""
    monthly.month_bounds(month)  # refuse a bad month before reading anything
    return monthly.monthly_review(review_records(store, month), month, as_of=store.now())


# --- the queue's sync badges -------------------------------------------------------------------

BADGE_QUARANTINED = "quarantined"
BADGE_PENDING = "pending"
BADGE_SENT_TO_CPD = "sent_to_cpd"
BADGE_TEAM = "shared_team"
BADGE_FROM_CPD = "from_cpd"
BADGE_LOCAL = "local"


def sync_badges(store: Store, incident_ids: list[str]) -> dict[str, str]:
    """The badge each incident wears, as a person reads it (one of the BADGE_* values).

    "Shared" used to mean only that the hub had everything, which people took to mean CPD had
    it: so an incident whose every record is acknowledged is "sent to CPD" only when one of its
    CPD-audience rows (the approved response record) was acknowledged, and otherwise "shared
    with your team". An incident this laptop has queued nothing for is "from CPD" while it is a
    new CPD notification (source `cpd`, status new) and "shared with your team" once the team
    has taken it up (CPD's incidents reach every laptop through the hub); else "saved here".
    Worse states win, as in
    `outbox.incident_states` (which this reads, unchanged)."""
    from . import outbox  # here: the queue's filter types must not pull the outbox in

    if not incident_ids:
        return {}
    states = outbox.incident_states(store, incident_ids)
    sent: set[str] = set()
    sources: dict[str, str | None] = {}
    fresh: set[str] = set()
    for start in range(0, len(incident_ids), 500):
        chunk = list(incident_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        sent.update(
            r["incident_id"]
            for r in store.rows(
                f"SELECT DISTINCT incident_id FROM outbox WHERE incident_id IN ({marks}) "
                "AND audience = 'cpd' AND state = 'acknowledged'",
                chunk,
            )
        )
        for r in store.rows(f"SELECT id, source, status FROM incidents WHERE id IN ({marks})", chunk):
            if r["source"] == "cpd":
                sources[r["id"]] = r["source"]
                if r["status"] == "new":
                    fresh.add(r["id"])
    badges: dict[str, str] = {}
    for incident_id in incident_ids:
        state = states.get(incident_id)
        if state == "quarantined":
            badges[incident_id] = BADGE_QUARANTINED
        elif state in ("pending", "sending"):
            badges[incident_id] = BADGE_PENDING
        elif state == "acknowledged":
            badges[incident_id] = BADGE_SENT_TO_CPD if incident_id in sent else BADGE_TEAM
        elif incident_id in fresh:
            badges[incident_id] = BADGE_FROM_CPD
        elif incident_id in sources:
            # Nothing of it waits here, and it came from the hub (CPD's or a teammate's): the
            # team's copy is this one.
            badges[incident_id] = BADGE_TEAM
        else:
            badges[incident_id] = BADGE_LOCAL
    return badges


def districts_covered(store: Store) -> list[str]:
    """The districts this organisation works in, as this laptop knows them: those of the
    incidents it holds (the hub routes only its coverage's incidents here). Sorted; empty for
    a laptop that has none yet, where the caller offers every district."""
    rows = store.rows("SELECT DISTINCT district FROM incidents ORDER BY district")
    return [str(r["district"]) for r in rows]
