"""The team replica: the organisation's records, pulled from the hub, applied to this laptop.

`apply_page` takes one page of hub changes and applies it with its cursor in ONE transaction:
a kill at any instant leaves either the whole page and the new cursor, or neither. Every kind
the hub keeps for the organisation has a home here — incidents (facts, assignment, status),
response actions, referrals, follow-ups and reviews — applied idempotently by (kind, id,
version): a version this laptop already has (its own, sent earlier, or pulled before) changes
nothing, and a newer one replaces the organisation fields only, so share-class L columns that
this laptop recorded (coordinates, a risk basis) are never touched by what comes back.

The sync engine calls these functions (on the store thread); it writes no SQL of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlcipher3
from sqlite_utils import Database

from . import fields as F
from .clock import to_db
from .errors import CviError, ValidationError
from .services import incidents
from .services.batched import Batched
from .services.responses import mark_responding
from .services.settings import get_value, set_value
from .services.staff_refs import ensure_staff
from .sharing import org_fields
from .store.database import Store
from .vocab import RecordKind

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.cursor"
EPOCH_KEY = "sync.hub_epoch"

_TABLES = {
    RecordKind.RESPONSE_ACTION: "response_actions",
    RecordKind.REFERRAL: "referrals",
    RecordKind.FOLLOWUP: "followups",
}
# Where each pulled kind's local copy is looked up; reviews are never edited, so "version" 1.
_LOOKUP = {**_TABLES, RecordKind.REVIEW: "reviews"}
_VERSION_COLUMN = {"reviews": "1", "incidents": "1"}


@dataclass
class AppliedPage:
    """What one page changed on this laptop (empty when another thread had moved the cursor)."""

    applied: bool = True
    new_incidents: list[str] = field(default_factory=list)
    updated_incidents: list[tuple[str, int]] = field(default_factory=list)
    team_incidents: list[str] = field(default_factory=list)  # incidents with teammates' records
    skipped: int = 0

    @property
    def changed(self) -> int:
        return len(self.new_incidents) + len(self.updated_incidents) + len(self.team_incidents)


def cursor(store: Store) -> str | None:
    return get_value(store, CURSOR_KEY)


def apply_page(store: Store, expected_cursor: str | None, changes: Sequence[Mapping[str, Any]],
               new_cursor: str, *, during: Callable[[], None] | None = None) -> AppliedPage:
    """Apply one pulled page and store its cursor, in one transaction. If the stored cursor is
    no longer `expected_cursor` (the live listener and a pass raced), nothing is applied.

    Each change is a dict with audience, kind, id, version, data, author and flag, as the hub
    sends it. A change that fails validation is skipped alone (logged by kind and id only)."""
    me = store.actor
    # The hub holds all of it, and the cursor moves only with it: see `Store.write`.
    with store.write(kept_elsewhere=True) as db:
        if get_value(store, CURSOR_KEY) != expected_cursor:
            return AppliedPage(applied=False)
        # Fast path: the whole page in one go. Only if some record is refused is the page
        # redone record by record, each in its own savepoint, so that one rolls back alone.
        db.execute("SAVEPOINT page")
        try:
            result = _apply_all(store, db, changes, me, one_by_one=False)
            db.execute("RELEASE page")
        except _REFUSED:
            db.execute("ROLLBACK TO page")
            db.execute("RELEASE page")
            result = _apply_all(store, db, changes, me, one_by_one=True)
        if during is not None:
            during()
        set_value(store, CURSOR_KEY, new_cursor)
    return result


_REFUSED = (CviError, ValueError, KeyError, TypeError, sqlcipher3.IntegrityError)


@dataclass
class _Page:
    """Lookups made once per page rather than once per record."""

    store: Store
    db: Database
    incidents: set[str] = field(default_factory=set)
    staff: set[str] = field(default_factory=set)
    responding: set[str] = field(default_factory=set)
    batch: Batched = field(default_factory=Batched)
    # Incident id -> every version of it in the page, applied together at its first (see
    # `incidents.apply_remote_versions`); then what each later one changed, in page order.
    together: dict[str, list[tuple[dict[str, Any], int]]] = field(default_factory=dict)
    decided: dict[str, list[bool]] = field(default_factory=dict)
    # table -> record id -> the version this laptop holds (None: it has none), for the page's ids.
    versions: dict[str, dict[str, int | None]] = field(default_factory=dict)
    # The page's incidents as stored before it (None: not here), read in one query.
    incident_rows: dict[str, dict[str, Any] | None] = field(default_factory=dict)

    def preload(self, changes: Sequence[Mapping[str, Any]]) -> None:
        """One query per table for every record and incident the page names."""
        wanted: dict[str, set[str]] = {}
        for change in changes:
            table = _LOOKUP.get(change.get("kind"))  # type: ignore[call-overload]
            if table is not None:
                wanted.setdefault(table, set()).add(str(change.get("id")))
            data = change.get("data")
            if isinstance(data, Mapping) and data.get("incident_id"):
                wanted.setdefault("incidents", set()).add(str(data["incident_id"]))
            if change.get("kind") == RecordKind.INCIDENT:
                wanted.setdefault("incidents", set()).add(str(change.get("id")))
        for table, ids in wanted.items():
            if table == "incidents":
                self.incident_rows = dict.fromkeys(ids)
                for row in _rows_by_id(self.store, "SELECT *", table, ids):
                    self.incident_rows[row["id"]] = row
                self.incidents.update(i for i, r in self.incident_rows.items() if r is not None)
                continue
            found: dict[str, int | None] = dict.fromkeys(ids)
            column = _VERSION_COLUMN.get(table, "version")
            for row in _rows_by_id(self.store, f"SELECT id, {column} AS version", table, ids):
                found[row["id"]] = row["version"]
            self.versions[table] = found

    def incident_row(self, incident_id: str) -> Any:
        """The incident's row as this page found it, once; afterwards (or unknown) look it up."""
        return self.incident_rows.pop(incident_id, incidents._LOOK_IT_UP)

    def local_version(self, table: str, record_id: str) -> int | None:
        known = self.versions.get(table, {})
        if record_id in known:
            return known[record_id]
        column = _VERSION_COLUMN.get(table, "version")
        row = self.db.execute(f"SELECT {column} FROM {table} WHERE id = ?", [record_id]).fetchone()
        return None if row is None else int(row[0])

    def has_incident(self, incident_id: str | None) -> bool:
        if not incident_id:
            return False
        if incident_id not in self.incidents and self.db.execute(
                "SELECT 1 FROM incidents WHERE id = ?", [incident_id]).fetchone() is not None:
            self.incidents.add(incident_id)
        return incident_id in self.incidents

    def forget(self) -> None:
        """After a rolled-back record, what it added is gone again: ask the store afresh."""
        self.incidents.clear()
        self.incident_rows.clear()
        self.staff.clear()
        self.versions.clear()

    def ensure_staff(self, staff_id: str | None) -> None:
        if staff_id and staff_id not in self.staff:
            ensure_staff(self.db, staff_id)
            self.staff.add(staff_id)


def _rows_by_id(store: Store, select: str, table: str, ids: set[str]) -> list[dict[str, Any]]:
    listed = sorted(ids)
    found: list[dict[str, Any]] = []
    for start in range(0, len(listed), 500):  # well under SQLite's parameter limit
        chunk = listed[start:start + 500]
        found += store.rows(f"{select} FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    return found


def _apply_all(store: Store, db: Database, changes: Sequence[Mapping[str, Any]], me: str, *,
               one_by_one: bool) -> AppliedPage:
    result = AppliedPage()
    page = _Page(store, db)
    page.preload(changes)
    touched: set[str] = set()
    if not one_by_one:
        for change in changes:
            if change.get("kind") == RecordKind.INCIDENT:
                page.together.setdefault(str(change["id"]), []).append(
                    (_incident_data(change), int(change["version"])))
    for change in changes:
        if not one_by_one:
            _apply_one(store, page, change, me, result, touched)
            continue
        db.execute("SAVEPOINT pulled")
        try:
            _apply_one(store, page, change, me, result, touched)
            page.batch.flush(db)  # inside the record's savepoint: a refused record leaves none
            db.execute("RELEASE pulled")
        except _REFUSED as exc:
            db.execute("ROLLBACK TO pulled")
            db.execute("RELEASE pulled")
            page.forget()
            page.batch = Batched()
            result.skipped += 1
            log.warning("skipped hub %s %s v%s: %s", change.get("kind"), change.get("id"),
                        change.get("version"), type(exc).__name__)
    page.batch.flush(db)
    # Incidents the hub changed too: a new version's status must not hide a response made.
    mark_responding(db, *page.responding, *result.new_incidents, *(i for i, _v in result.updated_incidents))
    result.team_incidents = sorted(touched)
    return result


def _apply_one(store: Store, page: _Page, change: Mapping[str, Any], me: str, result: AppliedPage,
               touched: set[str]) -> None:
    kind = RecordKind(change["kind"])
    version = int(change["version"])
    if kind is RecordKind.INCIDENT:
        incident_id = str(change["id"])
        later = page.decided.get(incident_id)
        if later:
            changed, existed = later.pop(0), True  # written with the page's first version of it
        else:
            existed = page.has_incident(incident_id)
            group = page.together.pop(incident_id, None) or [(_incident_data(change), version)]
            outcome = incidents.apply_remote_versions(
                store, group, current=page.incident_row(incident_id), batch=page.batch,
                staff=lambda _db, s: page.ensure_staff(s))
            changed = outcome[0]
            page.decided[incident_id] = outcome[1:]
        if changed:
            page.incidents.add(incident_id)
            if existed:
                result.updated_incidents.append((incident_id, version))
            else:
                result.new_incidents.append(incident_id)
        return
    data = dict(change["data"])
    data["id"] = change["id"]
    author = change.get("author") or None
    if kind is RecordKind.REVIEW:
        if _apply_review(store, page, data, author):
            touched.add(str(data.get("incident_id")))
        return
    table = _TABLES.get(kind)
    if table is None:
        return  # a kind this laptop has no use for (none today); the cursor still moves on
    if _apply_record(store, page, kind, table, data, version, author, me, change.get("flag")):
        touched.add(str(data["incident_id"]))


def _incident_data(change: Mapping[str, Any]) -> dict[str, Any]:
    # A status the hub left empty keeps the local one.
    data = {k: v for k, v in change["data"].items() if not (k == "status" and v is None)}
    data["id"] = change["id"]
    return data


# The fields a pulled record may carry (S and O: the hub has nothing else to send), per kind,
# looked up once rather than per record. `version` travels beside the data.
_ORG_SPECS = {
    kind: tuple((spec.name, F.stored_check(spec)) for spec in F.RECORDS[kind]
                if spec.name in org_fields(kind) and spec.name != "version")
    for kind in F.RECORDS
}


def _stored_values(kind: RecordKind, data: Mapping[str, Any]) -> dict[str, Any]:
    """The organisation's fields of a pulled record, checked by the field table and in the form
    the local tables store them."""
    return {name: convert(data[name]) for name, convert in _ORG_SPECS[kind] if name in data}


def _apply_record(store: Store, page: _Page, kind: RecordKind, table: str, data: Mapping[str, Any],
                  version: int, author: str | None, me: str, flag: str | None) -> bool:
    db = page.db
    record_id = data.get("id")
    if type(record_id) is str and not (kind is RecordKind.RESPONSE_ACTION and flag):
        held = page.local_version(table, record_id)
        if held is not None and held >= version:
            # A version this laptop already holds (its own, coming back): nothing of it is
            # stored, so there is nothing to check. A laptop's first pull after a big push
            # brings back every record it sent.
            return False
    values = _stored_values(kind, data)
    incident_id = values.get("incident_id")
    if not page.has_incident(incident_id):
        # The hub sends an incident before the records under it; one it never sent is not ours.
        raise ValidationError("incident_id", "names no incident this laptop has")
    local = page.local_version(table, values["id"])
    waiting = page.batch.pending(table, values["id"])  # inserted earlier in this page
    if kind is RecordKind.RESPONSE_ACTION and flag and local == version:
        # Our own action, flagged by the hub on arrival: show the flag here too.
        if waiting is not None:
            waiting["flag"] = waiting.get("flag") or flag
        else:
            db.execute("UPDATE response_actions SET flag = ? WHERE id = ? AND flag IS NULL",
                       [flag, values["id"]])
    if local is not None and local >= version:
        return False
    for staff_field in ("assignee", "owner"):
        page.ensure_staff(values.get(staff_field))
    now = to_db(store.now())
    if local is None:
        page.ensure_staff(author)
        row = {**values, "version": version, "recorded_by": author or "hub",
               "origin": "local" if author == me else "team"}
        if kind is RecordKind.RESPONSE_ACTION:
            row["device_recorded_at"] = row.get("device_recorded_at") or now
            row["staff_count"] = row.get("staff_count") or 1
            row["outcome"] = row.get("outcome") or "completed"
            row["flag"] = flag
        else:
            row["created_at"] = now
            row["updated_at"] = now
        page.batch.insert(table, row)
    else:
        row = {**values, "version": version}
        if kind is not RecordKind.RESPONSE_ACTION:
            row["updated_at"] = now
        if waiting is not None:
            waiting.update(row)  # a newer version of a record this page inserts: insert that
        else:
            row.pop("id")
            db.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                       [*row.values(), values["id"]])
    page.versions.setdefault(table, {})[values["id"]] = version
    if kind is RecordKind.RESPONSE_ACTION:
        page.responding.add(str(incident_id))
    return True


def _apply_review(store: Store, page: _Page, data: Mapping[str, Any], author: str | None) -> bool:
    values = _stored_values(RecordKind.REVIEW, data)
    if not page.has_incident(values.get("incident_id")):
        raise ValidationError("incident_id", "names no incident this laptop has")
    if page.local_version("reviews", values["id"]) is not None:
        return False  # a review is never edited: a new decision is a new review
    reviewer = values.get("reviewer") or author or "hub"
    page.ensure_staff(reviewer)
    row = {**values, "reviewer": reviewer, "created_at": values.get("created_at") or to_db(store.now()),
           "origin": "team", "covers": values.get("covers") or "[]", "comment": values.get("comment") or ""}
    page.batch.insert("reviews", row)
    page.versions.setdefault("reviews", {})[values["id"]] = 1
    return True


# --- hub epoch and cursor ----------------------------------------------------------------------


def known_epoch(store: Store) -> str | None:
    return get_value(store, EPOCH_KEY)


def change_epoch(store: Store, epoch: str) -> tuple[str | None, int]:
    """Record the hub's epoch. A new epoch means the hub was restored from a backup and may have
    lost what this laptop sent: everything acknowledged goes back to pending and the pull starts
    again from scratch, in the same transaction as the epoch change, so a crash cannot skip
    them. Returns (the epoch known before, how many records were requeued)."""
    from .outbox import requeue_acknowledged

    with store.write() as db:
        known = get_value(store, EPOCH_KEY)
        if known == epoch:
            return known, 0
        requeued = 0
        if known is not None:
            requeued = requeue_acknowledged(db)
            db.execute("DELETE FROM sync_state WHERE key = ?", [CURSOR_KEY])
        set_value(store, EPOCH_KEY, epoch)
    return known, requeued


def reset_cursor(store: Store, expected: str | None, *, requeue: bool = False) -> int:
    """Forget the cursor (an expired one: the next pull starts from scratch), unless another
    thread has moved it meanwhile. `requeue` is for a hub that answered "cursor ahead": it was
    restored from a backup without a new epoch, so, as for a new epoch, everything it
    acknowledged goes back to pending in the same transaction. Returns how many were requeued."""
    from .outbox import requeue_acknowledged

    with store.write() as db:
        # Requeued even if the cursor moved: the hub may have lost them all the same, and a
        # resend of what it kept is only answered `duplicate`.
        requeued = requeue_acknowledged(db) if requeue else 0
        if get_value(store, CURSOR_KEY) == expected:
            db.execute("DELETE FROM sync_state WHERE key = ?", [CURSOR_KEY])
    return requeued
