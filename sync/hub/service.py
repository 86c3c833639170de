"""The hub's rules, independent of HTTP: push, pull, notifications, assignment, staff, CPD views.

Every function takes a `Database`, the caller's `Principal` where it matters, and `now`
(the hub's clock, injected so tests control receipt times). The HTTP layer (`app.py`) only
parses, authorises and serialises.

Key rules (see sync.md):
- Idempotency: `INSERT ... ON CONFLICT DO NOTHING` on the unique key first, then compare the
  stored hash; never check-then-insert.
- A batch is one write transaction with one SAVEPOINT per record, so a record that fails
  rolls back alone and every record gets a result; results leave only after COMMIT.
- Organisation scope comes from the principal (the token), never from a body; lookups of
  another organisation's ids find nothing, exactly like ids that do not exist.
- Records are bound to the organisation's own incidents (routed to it, or recorded by it):
  a record naming any other incident is refused (`_unbound_incident`), CPD's views count a
  response only for its organisation's incident (`_CPD_BOUND`), and CPD's notifications never
  overwrite an incident an organisation recorded itself (`IncidentIdTaken`, `_route_new`).
- Pull cursors carry the organisation's own change position, MAC'd and bound to the org
  (`encode_cursor`), so they reveal nothing about other organisations' writes.
- People: the org's staff list lives here. An assignee must be an active staff member; a
  correction of an action/referral/follow-up comes from its author or a supervisor; every
  device record remembers its author (the pushing token's staff id).
- Conflicts: an edit is a conflict only if a version after its base came from another writer
  (another token, or the hub itself); versions after the base that the same token sent are its
  own, whose answer it lost (`_newer_by_another`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import sqlite3
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from cvi_desktop import monthly as review_math
from cvi_desktop.errors import ValidationError as CoreValidationError
from cvi_desktop.fields import MAX_INT, text_problem
from cvi_desktop.sharing import (
    INCIDENT_S,
    INCIDENT_S_IF_AGREED,
    Agreement,
    Audience,
    RecordKind,
    canonical_json,
    content_hash,
)

from ..protocol import (
    DATA_MODELS,
    Change,
    ChangeOrigin,
    CpdRecord,
    CpdRecordsPage,
    DistrictMonth,
    FieldError,
    FlagReason,
    GroupFigures,
    LatencyStats,
    Me,
    MonthlyReport,
    Notification,
    NotificationCorrection,
    NotificationResult,
    NotificationStatus,
    OrgMonth,
    PullResponse,
    PushRecord,
    PushResult,
    RecordOut,
    RejectReason,
    ResultStatus,
    StaffIn,
    StaffOut,
    StaffRole,
    TokenRole,
    TrendMonth,
    cpd_data_model,
)
from . import db as hubdb
from .bodies import TOO_DEEP
from .db import Database

CHICAGO = ZoneInfo("America/Chicago")


@dataclass(frozen=True)
class Principal:
    """Who is calling, from the bearer token alone."""

    token_id: int
    role: TokenRole
    org_id: str | None
    staff_id: str | None
    display_name: str | None = None
    # False only for a staff row explicitly deactivated; a legacy token with no staff row is
    # left working rather than locked out by an upgrade.
    active: bool = True
    last_seen_at: str | None = None


class CursorGone(Exception):
    """The cursor is unknown, from another epoch, or older than the retained change log (410).

    `code` tells a client which, without parsing English: "cursor_ahead" means the cursor points
    past the end of this hub's change log -- the hub was restored from a backup without a new
    epoch and may have lost records the client holds as acknowledged, so it must re-send them;
    the other codes ("cursor_expired", "cursor_other_epoch", "cursor_invalid") only need a
    full re-pull."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class StaleBase(Exception):
    def __init__(self, current_version: int) -> None:
        super().__init__(f"current version is {current_version}")
        self.current_version = current_version


class NotStaff(Exception):
    """The assignee is not an active staff member of the caller's organisation."""


class NotificationConflict(Exception):
    """POST of an existing notification id with different content: use PUT to correct."""


class IncidentIdTaken(NotificationConflict):
    """POST of a notification whose id is an incident an organisation recorded itself (409).

    The organisation's incident is its own: routing CPD's facts under the same id would
    overwrite it (assignee reset, source changed). A NotificationConflict so that it is a 409
    wherever that one is; its message says what is wrong."""

    def __init__(self, notification_id: str) -> None:
        super().__init__(
            f"notification id {notification_id} is already the id of an incident an organisation"
            " recorded itself; post it under another id"
        )
        self.notification_id = notification_id


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def envelope_hash(kind: str, record_id: str, version: int, audience: str, data: Mapping[str, Any]) -> str:
    return content_hash(
        canonical_json(
            {"kind": kind, "id": record_id, "version": version, "audience": audience, "data": data}
        )
    )


def hash_token(token: str) -> str:
    """Only this digest of a bearer token is ever stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(db: Database, token: str) -> Principal | None:
    row = (
        db.conn()
        .execute(
            "SELECT t.id, t.role, t.org_id, t.staff_id, t.last_seen_at, s.display_name, s.active"
            " FROM tokens t LEFT JOIN staff s ON s.org_id = t.org_id AND s.id = t.staff_id"
            " WHERE t.token_hash = ? AND t.revoked_at IS NULL",
            (hash_token(token),),
        )
        .fetchone()
    )
    if row is None:
        return None
    return Principal(
        row["id"],
        TokenRole(row["role"]),
        row["org_id"],
        row["staff_id"],
        display_name=row["display_name"],
        active=row["active"] is None or bool(row["active"]),
        last_seen_at=row["last_seen_at"],
    )


# A token's last_seen_at is written at most this often: the staff list wants "synced a minute
# ago", not a write on every long-poll.
SEEN_EVERY = timedelta(seconds=30)


def _seen_recently(principal: Principal, stamp: str, threshold: str) -> bool:
    seen = principal.last_seen_at
    # A stored time ahead of the hub clock (the clock was set back) counts as stale, so it heals.
    return seen is not None and threshold <= seen <= stamp


def _touch(conn: sqlite3.Connection, principal: Principal, now: datetime) -> None:
    stamp, threshold = iso(now), iso(now - SEEN_EVERY)
    if _seen_recently(principal, stamp, threshold):
        return
    conn.execute(
        "UPDATE tokens SET last_seen_at = ? WHERE id = ?"
        " AND (last_seen_at IS NULL OR last_seen_at < ? OR last_seen_at > ?)",
        (stamp, principal.token_id, threshold, stamp),
    )


def touch(db: Database, principal: Principal, now: datetime) -> None:
    """Note a successful pull/wait. Best effort: never makes a read wait long for the write lock."""
    if _seen_recently(principal, iso(now), iso(now - SEEN_EVERY)):
        return
    try:
        with db.write(org=principal.org_id, busy_timeout=0.25) as write:
            _touch(write, principal, now)
    except hubdb.BUSY_ERRORS:
        pass  # busy or full: the next sync call tries again


def me(db: Database, principal: Principal) -> Me:
    org_name = None
    if principal.org_id is not None:
        with db.read(org=principal.org_id) as conn:
            row = conn.execute("SELECT name FROM orgs WHERE id = ?", (principal.org_id,)).fetchone()
        org_name = None if row is None else row["name"]
    return Me(
        org_id=principal.org_id,
        org_name=org_name,
        role=principal.role,
        staff_id=principal.staff_id,
        display_name=principal.display_name,
    )


# --- staff -------------------------------------------------------------------------------------


class UnknownOrg(Exception):
    """No such organisation (admin paths only: org tokens always name an existing one)."""


def _org_exists(conn: sqlite3.Connection, org_id: str) -> bool:
    return conn.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is not None


def is_active_staff(conn: sqlite3.Connection, org_id: str, staff_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM staff WHERE org_id = ? AND id = ? AND active = 1", (org_id, staff_id)
    ).fetchone()
    return row is not None


_STAFF_SELECT = (
    "SELECT s.id, s.display_name, s.role, s.active,"
    " (SELECT MAX(t.last_seen_at) FROM tokens t WHERE t.org_id = s.org_id AND t.staff_id = s.id)"
    " AS last_synced_at FROM staff s WHERE s.org_id = ?"
)


def _staff_out(row: sqlite3.Row) -> StaffOut:
    return StaffOut(
        id=row["id"],
        display_name=row["display_name"],
        role=StaffRole(row["role"]),
        active=bool(row["active"]),
        last_synced_at=row["last_synced_at"],
    )


def list_staff(db: Database, org_id: str) -> list[StaffOut]:
    """Everyone in the organisation (deactivated people too), by display name."""
    with db.read(org=org_id) as conn:
        if not _org_exists(conn, org_id):
            raise UnknownOrg(org_id)
        rows = conn.execute(_STAFF_SELECT + " ORDER BY LOWER(s.display_name), s.id", (org_id,))
        return [_staff_out(r) for r in rows.fetchall()]


def register_staff(
    conn: sqlite3.Connection, org_id: str, staff: StaffIn, stamp: str, update: bool = True
) -> bool:
    """Insert (True) or, if `update`, rename/re-role and re-activate (False). In the caller's txn."""
    cur = conn.execute(
        "INSERT INTO staff (org_id, id, display_name, role, active, created_at) VALUES (?, ?, ?, ?, 1, ?)"
        " ON CONFLICT (org_id, id) DO NOTHING",
        (org_id, staff.id, staff.display_name, staff.role.value, stamp),
    )
    if cur.rowcount == 1:
        return True
    if update:
        conn.execute(
            "UPDATE staff SET display_name = ?, role = ?, active = 1 WHERE org_id = ? AND id = ?",
            (staff.display_name, staff.role.value, org_id, staff.id),
        )
    return False


def upsert_staff(db: Database, org_id: str, staff: StaffIn, now: datetime) -> tuple[StaffOut, bool]:
    """Add a staff member or update one; returns it and whether it was created."""
    with db.write(org=org_id) as conn:
        if not _org_exists(conn, org_id):
            raise UnknownOrg(org_id)
        created = register_staff(conn, org_id, staff, iso(now))
        row = conn.execute(_STAFF_SELECT + " AND s.id = ?", (org_id, staff.id)).fetchone()
    return _staff_out(row), created


def deactivate_staff(db: Database, org_id: str, staff_id: str) -> bool:
    """Deactivate; False if the organisation has no such staff member. Idempotent."""
    with db.write(org=org_id) as conn:
        if not _org_exists(conn, org_id):
            raise UnknownOrg(org_id)
        cur = conn.execute("UPDATE staff SET active = 0 WHERE org_id = ? AND id = ?", (org_id, staff_id))
        return cur.rowcount == 1


# --- push --------------------------------------------------------------------------------------

# Kinds only a supervisor's device may send: CPD only gets what a supervisor approved.
_SUPERVISOR_KINDS = {(Audience.CPD, RecordKind.RESPONSE_RECORD), (Audience.ORG, RecordKind.REVIEW)}

# Incident facts the hub owns for incidents it routed (CPD's notification). org_received_at is
# left out: the hub measures receipt itself (routes.routed_at).
_HUB_FACTS = tuple(f for f in INCIDENT_S if f not in ("id", "org_received_at")) + ("block",)
_INSTANT_FACTS = {"occurred_at", "cpd_notified_at"}


def _safe(text: str, longest: int = 200) -> str:
    """Text fit to send back: valid Unicode (a lone surrogate in an echoed key or message cannot
    be encoded as UTF-8, which would fail the whole answer) and short."""
    if not text.isascii() and text_problem(text) is not None:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= longest else text[: longest - 3] + "..."


def _errors(exc: ValidationError, prefix: str) -> list[FieldError]:
    out = []
    for err in exc.errors(include_url=False, include_input=False):
        parts = [prefix, *err["loc"]]
        ctx = err.get("ctx") or {}
        if err["type"] == "cross_field" and isinstance(ctx.get("field"), str):
            # A rule across fields (IncidentRules, ActionRules) names the field it refuses.
            parts.append(ctx["field"])
            message = str(ctx.get("reason", err["msg"]))
        elif err["type"] == "extra_forbidden" and parts[-1] in INCIDENT_S_IF_AGREED and "incident" in parts:
            message = "not shared with CPD: the organisation's data-sharing agreement does not allow it"
        else:
            message = err["msg"]
        loc = ".".join(str(p) for p in parts if p != "")
        out.append(FieldError(field=_safe(loc), message=_safe(message, 500)))
    return out


def _echo(index: int, raw: Any) -> dict[str, Any]:
    """Identify a result by what the record said about itself, when that is usable: text that
    is valid and short (an id of a megabyte, or with a lone surrogate, is not echoed) and a
    version within 63 bits."""
    src = raw if isinstance(raw, dict) else {}

    def text(name: str, longest: int) -> str | None:
        value = src.get(name)
        if isinstance(value, str) and len(value) <= longest and text_problem(value) is None:
            return value
        return None

    version = src.get("version")
    return {
        "index": index,
        "id": text("id", 128),
        "kind": text("kind", 32),
        "audience": text("audience", 32),
        "version": version if type(version) is int and 0 <= version <= MAX_INT else None,
    }


# How deep a pushed record may nest (object in list in object ...). The deepest real one, a
# response record's action's staff list, is 5 levels; 32 leaves room and keeps every walk of a
# record (validation, hashing, storing) far from Python's recursion limit.
MAX_DEPTH = 32


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests deeper than `limit` (iterative: a hostile record cannot recurse us)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def agreement(conn: sqlite3.Connection, org_id: str) -> Agreement:
    """The organisation's data-sharing agreement terms as the hub knows them (default: none).

    Kept in `meta` under `agreement.share_block.<org>` ("1" = on; see admin.set_agreement)."""
    key = f"agreement.share_block.{org_id}"
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return Agreement(share_block=row is not None and row[0] == "1")


def _current(
    conn: sqlite3.Connection,
    org: str,
    audience: str,
    kind: str,
    record_id: str,
    exclude_version: int | None = None,
) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM records WHERE org_id = ? AND audience = ? AND kind = ? AND id = ?"
        " AND version IS DISTINCT FROM ? ORDER BY version DESC LIMIT 1",
        (org, audience, kind, record_id, exclude_version),
    ).fetchone()


def _same_fact(field: str, a: Any, b: Any) -> bool:
    # Devices store instants in their own canonical form and lists in their own order, so
    # compare meaning, not spelling.
    if field in _INSTANT_FACTS and isinstance(a, str) and isinstance(b, str):
        try:
            return _parse_instant(a) == _parse_instant(b)
        except (ValueError, OverflowError):  # a time stored before bounds were checked (issue 9)
            return a == b
    if field == "victim_age_bands":
        return sorted(a or []) == sorted(b or [])
    return bool(a == b)


def push(db: Database, principal: Principal, records: Sequence[Any], now: datetime) -> list[PushResult]:
    """Store a batch; one result per record, in order. Returned only after COMMIT."""
    assert principal.org_id is not None
    stamp = iso(now)
    results: list[PushResult] = []
    with db.write(org=principal.org_id) as conn:
        for index, raw in enumerate(records):
            conn.execute("SAVEPOINT rec")
            try:
                result = _push_one(conn, principal, index, raw, stamp)
            except BaseException:
                conn.execute("ROLLBACK TO rec")
                conn.execute("RELEASE rec")
                raise
            if result.status in (ResultStatus.REJECTED, ResultStatus.CONFLICT):
                conn.execute("ROLLBACK TO rec")
            conn.execute("RELEASE rec")
            results.append(result)
        _touch(conn, principal, now)
    return results


def _push_one(conn: sqlite3.Connection, principal: Principal, index: int, raw: Any, stamp: str) -> PushResult:
    org = principal.org_id
    assert org is not None
    echo = _echo(index, raw)

    def rejected(reason: RejectReason, errors: list[FieldError] | None = None, **extra: Any) -> PushResult:
        return PushResult(**echo, status=ResultStatus.REJECTED, reason=reason, errors=errors, **extra)

    # Everything is validated before anything else reads the record: the hash walks and encodes
    # the data, so a value it cannot take (a lone surrogate, a hostile depth) must already be
    # refused -- for this record alone -- by then.
    if raw is TOO_DEEP or _too_deep(raw):
        return rejected(RejectReason.INVALID,
                        [FieldError(field="data", message=f"nested deeper than {MAX_DEPTH} levels")])
    try:
        rec = PushRecord.model_validate(raw)
    except ValidationError as exc:
        return rejected(RejectReason.INVALID, _errors(exc, ""))
    model = DATA_MODELS.get((rec.audience, rec.kind))
    if model is None:
        return rejected(RejectReason.KIND_NOT_ALLOWED)
    if (rec.audience, rec.kind) in _SUPERVISOR_KINDS and principal.role is not TokenRole.SUPERVISOR:
        return rejected(RejectReason.ROLE_NOT_ALLOWED)
    if (rec.audience, rec.kind) == (Audience.CPD, RecordKind.RESPONSE_RECORD):
        # CPD gets agreement-gated fields (the block) only if this organisation agreed to them.
        model = cpd_data_model(agreement(conn, org))
    try:
        parsed: BaseModel = model.model_validate(rec.data)
    except ValidationError as exc:
        return rejected(RejectReason.INVALID, _errors(exc, "data"))
    consistency = []
    if "id" in type(parsed).model_fields and rec.data.get("id") != rec.id:
        consistency.append(FieldError(field="data.id", message="must equal the record id"))
    if rec.data.get("version") is not None and rec.data.get("version") != rec.version:
        consistency.append(FieldError(field="data.version", message="must equal the record version"))
    if consistency:
        return rejected(RejectReason.INVALID, consistency)
    # Hash the data exactly as received (not the parsed model) so it matches the device's bytes.
    if envelope_hash(rec.kind.value, rec.id, rec.version, rec.audience.value, rec.data) != rec.sha256:
        return rejected(RejectReason.HASH_MISMATCH)
    unbound = _unbound_incident(conn, org, rec)
    if unbound is not None:
        return rejected(RejectReason.INVALID, [unbound])

    audience, kind = rec.audience.value, rec.kind.value
    hubdb.feed_lock(conn)  # records.rowid is a feed CPD pages through: commit order on PG
    cur = conn.execute(
        "INSERT INTO records (org_id, audience, kind, id, version, base_version, sha256, data, origin,"
        " token_id, server_received_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'device', ?, ?, ?)"
        " ON CONFLICT (org_id, audience, kind, id, version) DO NOTHING RETURNING rowid",
        (
            org,
            audience,
            kind,
            rec.id,
            rec.version,
            rec.base_version,
            rec.sha256,
            canonical_json(rec.data),
            principal.token_id,
            stamp,
            principal.staff_id,
        ),
    )
    inserted = cur.fetchone()
    if inserted is None:
        existing = conn.execute(
            "SELECT * FROM records WHERE org_id = ? AND audience = ? AND kind = ? AND id = ? AND version = ?",
            (org, audience, kind, rec.id, rec.version),
        ).fetchone()
        if existing["sha256"] == rec.sha256:
            return PushResult(
                **echo,
                status=ResultStatus.DUPLICATE,
                server_received_at=existing["server_received_at"],
                flag=existing["flag"],
            )
        latest = _current(conn, org, audience, kind, rec.id)
        assert latest is not None
        # Someone else (the hub, another device) wrote this version: the edit was based on a
        # stale version. The same writer changing content under the same key is key reuse.
        if existing["origin"] == ChangeOrigin.HUB or existing["token_id"] != principal.token_id:
            return PushResult(
                **echo,
                status=ResultStatus.CONFLICT,
                current_version=latest["version"],
                current=json.loads(latest["data"]),
            )
        return rejected(RejectReason.KEY_REUSE, current_version=latest["version"])
    rowid = int(inserted[0])

    if rec.kind in _AUTHORED_KINDS and rec.version > 1 and not _may_correct(conn, principal, rec):
        return rejected(
            RejectReason.ROLE_NOT_ALLOWED,
            [FieldError(field="version", message="only its author or a supervisor may correct it")],
        )
    previous = _current(conn, org, audience, kind, rec.id, exclude_version=rec.version)
    if previous is not None and rec.version < previous["version"]:
        # A late, older version: keep it (nothing is lost) but it does not become current.
        return PushResult(
            **echo,
            status=ResultStatus.SUPERSEDED,
            server_received_at=stamp,
            current_version=previous["version"],
        )
    if (previous is not None and rec.base_version is not None and rec.base_version < previous["version"]
            and _newer_by_another(conn, principal, rec, rec.base_version)):
        return PushResult(
            **echo,
            status=ResultStatus.CONFLICT,
            current_version=previous["version"],
            current=json.loads(previous["data"]),
        )

    flag: FlagReason | None = None
    if rec.kind is RecordKind.INCIDENT and previous is not None:
        errors = _incident_owned(conn, principal, rec.id, json.loads(previous["data"]), rec.data)
        if errors:
            return rejected(RejectReason.HUB_OWNED, errors, current_version=previous["version"])
    if rec.kind is RecordKind.INCIDENT:
        assignee = rec.data.get("assignee")
        old = None if previous is None else json.loads(previous["data"]).get("assignee")
        if assignee is not None and assignee != old and not is_active_staff(conn, org, assignee):
            return rejected(
                RejectReason.INVALID,
                [FieldError(field="data.assignee", message=NOT_STAFF)],
                current_version=None if previous is None else previous["version"],
            )
    # A supervisor's later version of an action is the resolution of its flag, not a new case.
    resolution = principal.role is TokenRole.SUPERVISOR and rec.version > 1
    if rec.kind is RecordKind.RESPONSE_ACTION and not resolution:
        flag = _reassigned_flag(conn, principal, rec.data)
    if flag is not None:
        conn.execute("UPDATE records SET flag = ? WHERE rowid = ?", (flag.value, rowid))
    if rec.audience is Audience.ORG:
        _log_change(conn, org, rowid, stamp)
    status = ResultStatus.ACCEPTED_FLAGGED if flag else ResultStatus.APPLIED
    return PushResult(**echo, status=status, server_received_at=stamp, flag=flag)


NOT_STAFF = "not an active staff member of this organisation"
# The same words whether the incident is another organisation's or does not exist at all: the
# answer must not tell one organisation which incident ids another holds.
NOT_OUR_INCIDENT = "not an incident of this organisation (neither routed to it nor recorded by it)"


def _unbound_incident(conn: sqlite3.Connection, org: str, rec: PushRecord) -> FieldError | None:
    """The error for a record that describes an incident which is not the pushing org's, or None.

    Every record but an incident itself names its incident, and everything the hub derives from
    it (CPD's figures above all) is keyed by that id. An organisation's incidents are the ones
    the hub holds for it: routed to it (the hub wrote its first version) or recorded by one of
    its laptops (a self-found incident it pushed). Anything else would let one organisation
    attach records to -- and change CPD's figures for -- an incident of another.
    """
    if rec.kind is RecordKind.INCIDENT:
        return None  # an incident record is the org's own by being pushed (see _incident_owned)
    if rec.kind is RecordKind.RESPONSE_RECORD:
        incident = rec.data.get("incident")
        field, incident_id = "data.incident.id", incident.get("id") if isinstance(incident, dict) else None
    else:
        field, incident_id = "data.incident_id", rec.data.get("incident_id")
    if incident_id is None:
        return None  # names no incident (where the model allows that): nothing to bind
    found = conn.execute(
        "SELECT 1 FROM records WHERE org_id = ? AND audience = 'org' AND kind = 'incident' AND id = ?"
        " LIMIT 1",
        (org, str(incident_id)),
    ).fetchone()
    return None if found is not None else FieldError(field=field, message=NOT_OUR_INCIDENT)


def _log_change(conn: sqlite3.Connection, org: str, record_rowid: int, stamp: str) -> None:
    """Append a record version to the organisation's change log at its next position.

    `org_seq` is the org's own count (1, 2, 3, ...), so the cursor that carries it reveals
    nothing about other organisations. MAX + 1 is safe and gap-free here because every hub write
    is one BEGIN IMMEDIATE transaction (writers serialised, positions handed out in commit order;
    a rolled-back SAVEPOINT gives its position back). A database with concurrent writers must
    take a per-organisation lock held to COMMIT first (e.g. `SELECT ... FROM orgs WHERE id = ?
    FOR UPDATE`), or a reader could see position N+1 before N committed and skip N for good.
    The unique index (org_id, org_seq) turns any such mistake into an error, never a gap.
    """
    # Called last in each record's work, so PostgreSQL's per-organisation counter lock
    # (hubdb.next_org_seq) is taken as late as possible and held only to COMMIT.
    org_seq = hubdb.next_org_seq(conn, org)
    conn.execute(
        "INSERT INTO changes (org_id, org_seq, record_rowid, created_at) VALUES (?, ?, ?, ?)",
        (org, org_seq, record_rowid, stamp),
    )
    hubdb.notify_change(conn, org)


def _newer_by_another(conn: sqlite3.Connection, principal: Principal, rec: PushRecord, base: int) -> bool:
    """Whether a version after `base` came from a writer other than this one: only then is an
    edit from `base` a conflict (it would overwrite a version its writer never saw).

    Versions after the base that this writer sent itself are ones it has: the answer to them
    was lost, or the laptop was killed before it recorded it, and the laptop based this edit on
    what it knew was acknowledged. That is not a conflict with anyone.

    The writer is the token, not the staff id: a token belongs to one laptop, and the same
    person on two laptops is two writers, whose edits from a stale base must still meet as a
    conflict. Hub-made versions (CPD's facts, assignments) have no token, so they are always
    another writer's. (A laptop whose token was replaced meets its own older versions as
    another writer's: a visible conflict, answered by an Edit, never a silent overwrite.)"""
    found = conn.execute(
        "SELECT 1 FROM records WHERE org_id = ? AND audience = ? AND kind = ? AND id = ? AND version > ?"
        " AND version != ? AND (origin != 'device' OR token_id IS DISTINCT FROM ?) LIMIT 1",
        (principal.org_id, rec.audience.value, rec.kind.value, rec.id, base, rec.version, principal.token_id),
    ).fetchone()
    return found is not None


# Records that belong to the person who logged them: a later version is a correction of it.
_AUTHORED_KINDS = {RecordKind.RESPONSE_ACTION, RecordKind.REFERRAL, RecordKind.FOLLOWUP}


def _may_correct(conn: sqlite3.Connection, principal: Principal, rec: PushRecord) -> bool:
    """A supervisor, or the author of the previous version (or of the first, its owner)."""
    if principal.role is TokenRole.SUPERVISOR:
        return True
    authors = conn.execute(
        "SELECT (SELECT author FROM records WHERE org_id = :org AND audience = :aud AND kind = :kind"
        "  AND id = :id AND version < :v ORDER BY version DESC LIMIT 1),"
        " (SELECT author FROM records WHERE org_id = :org AND audience = :aud AND kind = :kind"
        "  AND id = :id AND version < :v ORDER BY version LIMIT 1)",
        {"org": principal.org_id, "aud": rec.audience.value, "kind": rec.kind.value, "id": rec.id,
         "v": rec.version},
    ).fetchone()
    previous, first = authors[0], authors[1]
    if previous is None:
        # Nothing earlier on the hub (it arrived first), or pushed before authors were kept:
        # there is no one to protect it for.
        return True
    allowed = {previous, first}
    if rec.kind is RecordKind.FOLLOWUP:
        # The person a follow-up is assigned to does it, so they may record that it is done.
        latest = _current(conn, principal.org_id or "", rec.audience.value, rec.kind.value, rec.id,
                          exclude_version=rec.version)
        if latest is not None:
            allowed.add(json.loads(latest["data"]).get("assignee"))
    return principal.staff_id is not None and principal.staff_id in allowed


def _incident_owned(
    conn: sqlite3.Connection,
    principal: Principal,
    incident_id: str,
    current: dict[str, Any],
    new: dict[str, Any],
) -> list[FieldError]:
    errors = []
    routed = conn.execute(
        "SELECT 1 FROM routes WHERE notification_id = ? AND org_id = ?", (incident_id, principal.org_id)
    ).fetchone()
    if routed is not None:
        for name in _HUB_FACTS:
            if not _same_fact(name, current.get(name), new.get(name)):
                errors.append(FieldError(field=f"data.{name}", message="set by CPD; the hub owns it"))
    old, assignee = current.get("assignee"), new.get("assignee")
    if assignee != old:
        worker_takes = old is None and assignee == principal.staff_id
        if principal.role is not TokenRole.SUPERVISOR and not worker_takes:
            errors.append(FieldError(field="data.assignee", message="only a supervisor assigns"))
    return errors


def _reassigned_flag(
    conn: sqlite3.Connection, principal: Principal, data: dict[str, Any]
) -> FlagReason | None:
    """Flag an action whose staff had the incident, but it was reassigned to someone else since."""
    incident = _current(conn, principal.org_id or "", "org", "incident", str(data.get("incident_id")))
    if incident is None:
        return None
    assignee = json.loads(incident["data"]).get("assignee")
    staff = {s for s in (data.get("staff_ids") or []) if s} | {principal.staff_id}
    staff.discard(None)
    if assignee is None or assignee in staff or not staff:
        return None
    marks = ",".join("?" * len(staff))
    had_it = conn.execute(
        "SELECT 1 FROM records WHERE org_id = ? AND audience = 'org' AND kind = 'incident' AND id = ?"
        f" AND json_extract(data, '$.assignee') IN ({marks}) LIMIT 1",
        (principal.org_id, incident["id"], *staff),
    ).fetchone()
    return FlagReason.INCIDENT_REASSIGNED if had_it else None


# --- pull --------------------------------------------------------------------------------------


# Pull cursors. A cursor is `base64url(body) "." base64url(mac)` with body
# "2:<epoch>:<generation>:<org_seq>:<org_id>": the caller's own position in its organisation's
# change log (`changes.org_seq`), so it says nothing about anyone else's writes, and an
# HMAC-SHA256 (truncated to 128 bits) under the hub's secret `meta.cursor_key` over the body,
# so it cannot be forged or moved, and names the org so a cursor from one organisation is
# refused for another. The body is not secret: it holds the caller's own count and the public
# epoch. Old-style cursors ("1:<epoch>:<generation>:<hub-wide seq>", issued before schema 3)
# are still honoured on an upgraded hub, translated to the caller's own position.
CURSOR_VERSION = "2"
_MAC_BYTES = 16
_INVALID = "not a cursor this hub issued to this organisation"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _cursor_mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, body.encode(), hashlib.sha256).digest()[:_MAC_BYTES]


def cursor_key(db: Database) -> bytes:
    """The hub's secret for cursors (made with the file; see db.init_db)."""
    value = db.meta("cursor_key")
    assert value is not None
    return bytes.fromhex(value)


def encode_cursor(key: bytes, epoch: str, generation: str, org_id: str, seq: int) -> str:
    """The cursor for position `seq` of organisation `org_id`'s change log."""
    body = f"{CURSOR_VERSION}:{epoch}:{generation}:{seq}:{org_id}"
    return _b64(body.encode()) + "." + _b64(_cursor_mac(key, body))


def decode_cursor(db: Database, cursor: str | None, org_id: str | None = None) -> int:
    """The position in the caller's change log a cursor stands for; CursorGone if it cannot be
    honoured. With `org_id` (the caller's organisation) a cursor issued to another one is
    refused; without it (a long-poll deciding only whether to answer yet) the cursor's own
    organisation is used, and `pull` then checks the caller.

    Order matters for the client's recovery: another epoch is told even for a cursor whose MAC
    this hub cannot check (a hub file made afresh has a new secret as well as a new epoch); only
    an authentic cursor can be "expired" or "ahead".
    """
    if not cursor:
        return 0
    if "." not in cursor:
        return _decode_legacy(db, cursor, org_id)
    try:
        body_text, mac_text = cursor.split(".", 1)
        body = _unb64(body_text).decode()
        mac = _unb64(mac_text)
        version, epoch, generation, seq_text, cursor_org = body.split(":", 4)
        seq = int(seq_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise CursorGone(_INVALID, "cursor_invalid") from None
    # int() also reads "+3", " 3" and non-ASCII digits; a cursor this hub wrote has none of them.
    if version != CURSOR_VERSION or not (seq_text.isascii() and seq_text.isdigit()):
        raise CursorGone(_INVALID, "cursor_invalid")
    if epoch != db.epoch():
        raise CursorGone("cursor from another hub epoch", "cursor_other_epoch")
    if not hmac.compare_digest(mac, _cursor_mac(cursor_key(db), body)):
        raise CursorGone(_INVALID, "cursor_invalid")
    if org_id is not None and cursor_org != org_id:
        raise CursorGone(_INVALID, "cursor_invalid")
    if generation != db.meta("cursor_generation"):
        raise CursorGone("cursor expired", "cursor_expired")
    if seq > latest_seq(db, cursor_org):
        raise CursorGone("cursor ahead of this hub", "cursor_ahead")
    return seq


def _decode_legacy(db: Database, cursor: str, org_id: str | None) -> int:
    """An old-style cursor (a hub-wide seq, before schema 3), as the caller's own position.

    Honoured only on a file upgraded from schema 2, and only up to the hub-wide seq it held
    then (`legacy_cursor_top`): the old cursors already showed those numbers, so answering them
    shows nothing new, and every answer carries a new-style cursor. `cvi-hub expire-cursors`
    (a new generation) ends them. Without `org_id` there is no position to give yet: -1 makes a
    long-poll answer at once, and its pull translates the cursor.
    """
    try:
        version, epoch, generation, seq_text = _unb64(cursor).decode().split(":")
        seq = int(seq_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise CursorGone(_INVALID, "cursor_invalid") from None
    legacy_top = db.meta("legacy_cursor_top")
    if version != "1" or not (seq_text.isascii() and seq_text.isdigit()) or legacy_top is None:
        raise CursorGone(_INVALID, "cursor_invalid")
    if epoch != db.epoch():
        raise CursorGone("cursor from another hub epoch", "cursor_other_epoch")
    if generation != db.meta("cursor_generation"):
        raise CursorGone("cursor expired", "cursor_expired")
    if seq > int(legacy_top):
        raise CursorGone("cursor ahead of this hub", "cursor_ahead")
    if org_id is None:
        return -1
    with db.read(org=org_id) as conn:
        row = conn.execute(
            "SELECT COALESCE(MAX(org_seq), 0) FROM changes WHERE org_id = ? AND seq <= ?", (org_id, seq)
        ).fetchone()
    return int(row[0])


def latest_seq(db: Database, org_id: str) -> int:
    """The organisation's newest position in its change log (0: none yet)."""
    with db.read(org=org_id) as conn:
        row = conn.execute("SELECT COALESCE(MAX(org_seq), 0) FROM changes WHERE org_id = ?",
                           (org_id,)).fetchone()
    return int(row[0])


def _change(row: sqlite3.Row) -> Change:
    return Change(
        audience=row["audience"],
        kind=row["kind"],
        id=row["id"],
        version=row["version"],
        base_version=row["base_version"],
        data=json.loads(row["data"]),
        sha256=row["sha256"],
        origin=row["origin"],
        server_received_at=row["server_received_at"],
        flag=row["flag"],
        author=row["author"],
    )


def pull(db: Database, principal: Principal, cursor: str | None, limit: int) -> PullResponse:
    """A page of the caller's organisation's changes after `cursor`, and the cursor after it."""
    org = principal.org_id
    assert org is not None
    with db.read(org=org) as conn:
        seq = decode_cursor(db, cursor, org)
        rows = conn.execute(
            "SELECT c.org_seq, r.* FROM changes c JOIN records r ON r.rowid = c.record_rowid"
            " WHERE c.org_id = ? AND c.org_seq > ? ORDER BY c.org_seq LIMIT ?",
            (org, seq, limit + 1),
        ).fetchall()
        epoch, generation, key = db.epoch(), db.meta("cursor_generation") or "0", cursor_key(db)
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        # Positions are the org's own and gap-free, so the last one returned is exactly how far
        # the caller has seen; with no rows it stays where it was.
        seq = rows[-1]["org_seq"]
    return PullResponse(
        epoch=epoch,
        changes=[_change(r) for r in rows],
        cursor=encode_cursor(key, epoch, generation, org, seq),
        has_more=has_more,
    )


def get_record(db: Database, principal: Principal, kind: str, record_id: str) -> RecordOut | None:
    with db.read(org=principal.org_id or "") as conn:
        row = _current(conn, principal.org_id or "", "org", kind, record_id)
    if row is None:
        return None
    # The same row as a pull change, less the fields that only describe a change.
    return RecordOut(**_change(row).model_dump(include=set(RecordOut.model_fields)))


# --- hub-made incident versions (notifications, corrections, assignment) ----------------------


def _hub_write(
    conn: sqlite3.Connection, org: str, record_id: str, data: dict[str, Any], stamp: str
) -> RecordOut:
    latest = _current(conn, org, "org", "incident", record_id)
    version = 1 if latest is None else latest["version"] + 1
    data = {**data, "version": version}
    sha = envelope_hash("incident", record_id, version, "org", data)
    hubdb.feed_lock(conn)  # records.rowid is a feed CPD pages through: commit order on PG
    cur = conn.execute(
        "INSERT INTO records (org_id, audience, kind, id, version, base_version, sha256, data, origin,"
        " server_received_at) VALUES (?, 'org', 'incident', ?, ?, ?, ?, ?, 'hub', ?) RETURNING rowid",
        (
            org,
            record_id,
            version,
            None if latest is None else latest["version"],
            sha,
            canonical_json(data),
            stamp,
        ),
    )
    _log_change(conn, org, int(cur.fetchone()[0]), stamp)
    return RecordOut(
        audience=Audience.ORG,
        kind=RecordKind.INCIDENT,
        id=record_id,
        version=version,
        data=data,
        sha256=sha,
        server_received_at=stamp,
    )


def _facts(body: BaseModel, notification_id: str) -> dict[str, Any]:
    """A notification as incident S fields, in the forms the device stores (UTC, filled counts)."""
    raw = body.model_dump(mode="json")
    fatal = raw.get("victims_fatal") or 0
    nonfatal = raw.get("victims_nonfatal") or 0
    total = raw.get("victims_total")
    facts: dict[str, Any] = {
        "id": notification_id,
        "source": "cpd",
        "rd_number": raw.get("rd_number"),
        "incident_type": raw["incident_type"],
        "occurred_at": iso(_parse_instant(raw["occurred_at"])),
        "cpd_notified_at": iso(_parse_instant(raw["cpd_notified_at"]))
        if raw.get("cpd_notified_at")
        else None,
        "district": raw["district"],
        "beat": raw.get("beat"),
        "community_area": raw.get("community_area"),
        "location_type": raw.get("location_type"),
        "block": raw.get("block"),
        "victims_total": fatal + nonfatal if total is None else total,
        "victims_fatal": fatal,
        "victims_nonfatal": nonfatal,
        "victim_age_bands": list(raw.get("victim_age_bands") or []),
    }
    return facts


def _current_notification(conn: sqlite3.Connection, notification_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM notifications WHERE id = ? ORDER BY version DESC LIMIT 1", (notification_id,)
    ).fetchone()


def _org_incident_exists(conn: sqlite3.Connection, incident_id: str) -> bool:
    """Whether any organisation holds an incident under this id (used before CPD's first
    version of a notification exists, when every such incident is one an org recorded itself)."""
    found = conn.execute(
        "SELECT 1 FROM records WHERE id = ? AND kind = 'incident' AND audience = 'org' LIMIT 1",
        (incident_id,),
    ).fetchone()
    return found is not None


def _route_new(conn: sqlite3.Connection, facts: dict[str, Any], stamp: str, skip: set[str]) -> int:
    count = 0
    for (org,) in conn.execute(
        "SELECT org_id FROM coverage WHERE district = ? ORDER BY org_id", (facts["district"],)
    ).fetchall():
        if org in skip:
            continue
        if _current(conn, org, "org", "incident", facts["id"]) is not None:
            # Not routed here yet, yet the org holds this id: its own incident, recorded after CPD
            # posted the notification (a correction now brings the org into coverage). Routing
            # would overwrite it with CPD's facts; the org keeps its incident, and CPD's figures
            # count only the organisations the notification did reach.
            continue
        hubdb.feed_lock(conn)
        conn.execute("INSERT INTO routes VALUES (?, ?, ?)", (facts["id"], org, stamp))
        _hub_write(
            conn,
            org,
            facts["id"],
            {**facts, "org_received_at": stamp, "status": "new", "assignee": None},
            stamp,
        )
        count += 1
    return count


def routed_orgs(db: Database, notification_id: str) -> list[str]:
    """The organisations a notification has been routed to (whose laptops a post wakes)."""
    with db.read() as conn:
        rows = conn.execute(
            "SELECT org_id FROM routes WHERE notification_id = ? ORDER BY org_id", (notification_id,)
        ).fetchall()
    return [str(r[0]) for r in rows]


def post_notification(db: Database, body: Notification, now: datetime) -> NotificationResult:
    """Create a notification and route it to every organisation covering its district.

    Posting the same content again is a no-op (`unchanged`); other content under an existing
    id raises NotificationConflict (corrections go through `correct_notification`); an id that
    is an incident an organisation recorded itself raises IncidentIdTaken, touching nothing.
    """
    stamp = iso(now)
    facts = _facts(body, body.id)
    with db.write() as conn:
        existing = _current_notification(conn, body.id)
        if existing is not None:
            if json.loads(existing["data"]) != facts:
                raise NotificationConflict(body.id)
            routed = conn.execute("SELECT COUNT(*) FROM routes WHERE notification_id = ?", (body.id,))
            return NotificationResult(
                id=body.id,
                version=existing["version"],
                status=NotificationStatus.UNCHANGED,
                routed_to=routed.fetchone()[0],
            )
        if _org_incident_exists(conn, body.id):
            raise IncidentIdTaken(body.id)
        hubdb.feed_lock(conn)
        conn.execute("INSERT INTO notifications VALUES (?, 1, ?, ?)", (body.id, canonical_json(facts), stamp))
        count = _route_new(conn, facts, stamp, skip=set())
    return NotificationResult(id=body.id, version=1, status=NotificationStatus.CREATED, routed_to=count)


def correct_notification(
    db: Database, notification_id: str, body: NotificationCorrection, now: datetime
) -> NotificationResult | None:
    """CPD corrects a notification: a new version to every org that had it (and new coverers)."""
    stamp = iso(now)
    facts = _facts(body, notification_id)
    with db.write() as conn:
        existing = _current_notification(conn, notification_id)
        if existing is None:
            return None
        routed = [
            r[0]
            for r in conn.execute(
                "SELECT org_id FROM routes WHERE notification_id = ? ORDER BY org_id", (notification_id,)
            )
        ]
        if json.loads(existing["data"]) == facts:
            return NotificationResult(
                id=notification_id,
                version=existing["version"],
                status=NotificationStatus.UNCHANGED,
                routed_to=len(routed),
            )
        version = existing["version"] + 1
        hubdb.feed_lock(conn)
        conn.execute(
            "INSERT INTO notifications VALUES (?, ?, ?, ?)",
            (notification_id, version, canonical_json(facts), stamp),
        )
        for org in routed:
            latest = _current(conn, org, "org", "incident", notification_id)
            keep = json.loads(latest["data"]) if latest is not None else {}
            _hub_write(
                conn,
                org,
                notification_id,
                {
                    **facts,
                    "org_received_at": keep.get("org_received_at"),
                    "status": keep.get("status", "new"),
                    "assignee": keep.get("assignee"),
                },
                stamp,
            )
        count = len(routed) + _route_new(conn, facts, stamp, skip=set(routed))
    return NotificationResult(
        id=notification_id, version=version, status=NotificationStatus.CORRECTED, routed_to=count
    )


def assign(
    db: Database,
    principal: Principal,
    incident_id: str,
    assignee: str,
    base_version: int | None,
    now: datetime,
) -> RecordOut | None:
    """Supervisor (re)assigns one of their organisation's incidents; None if it is not theirs."""
    assert principal.org_id is not None
    with db.write(org=principal.org_id) as conn:
        latest = _current(conn, principal.org_id, "org", "incident", incident_id)
        if latest is None:
            return None
        if not is_active_staff(conn, principal.org_id, assignee):
            raise NotStaff(assignee)
        if base_version is not None and base_version != latest["version"]:
            if _same_assignment(latest, base_version, assignee):
                # This very assignment, made from this base, is already the current version: the
                # answer to it was lost and the caller asks again. Idempotent, not stale.
                return _record_out(latest)
            raise StaleBase(latest["version"])
        data = json.loads(latest["data"])
        status = data.get("status")
        data.update(assignee=assignee, status="assigned" if status in (None, "new") else status)
        return _hub_write(conn, principal.org_id, incident_id, data, iso(now))


def _same_assignment(latest: sqlite3.Row, base_version: int, assignee: str) -> bool:
    """Whether the current version is a hub assignment to `assignee` made from `base_version`.
    Hub-made versions carry no writer, so the request is recognised by what it asked for."""
    return (latest["origin"] == ChangeOrigin.HUB and latest["base_version"] == base_version
            and json.loads(latest["data"]).get("assignee") == assignee)


def _record_out(row: sqlite3.Row) -> RecordOut:
    return RecordOut(**_change(row).model_dump(include=set(RecordOut.model_fields)))


# --- CPD views ---------------------------------------------------------------------------------


# Whether response record `r` describes an incident of the organisation that sent it: a CPD
# notification routed to that org, or (an id CPD never posted) an incident the org recorded
# itself. Pushes are refused otherwise (`_unbound_incident`); CPD's views apply the same rule
# so that records stored before that check cannot count for another organisation's incident.
_CPD_BOUND = (
    "(EXISTS (SELECT 1 FROM routes WHERE notification_id = json_extract(r.data, '$.incident.id')"
    "  AND org_id = r.org_id)"
    " OR (NOT EXISTS (SELECT 1 FROM notifications WHERE id = json_extract(r.data, '$.incident.id'))"
    "  AND EXISTS (SELECT 1 FROM records i WHERE i.org_id = r.org_id AND i.audience = 'org'"
    "   AND i.kind = 'incident' AND i.id = json_extract(r.data, '$.incident.id'))))"
)


def cpd_records(db: Database, since: int, limit: int) -> CpdRecordsPage:
    """Response records after `since` (hub order), only those bound to their org's incident."""
    rows = (
        db.conn()
        .execute(
            "SELECT r.rowid, r.org_id, r.id, r.version, r.data, r.sha256, r.server_received_at"
            f" FROM records r WHERE r.audience = 'cpd' AND r.rowid > ? AND {_CPD_BOUND}"
            " ORDER BY r.rowid LIMIT ?",
            (since, limit + 1),
        )
        .fetchall()
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    return CpdRecordsPage(
        records=[
            CpdRecord(
                org_id=r["org_id"],
                id=r["id"],
                version=r["version"],
                data=json.loads(r["data"]),
                sha256=r["sha256"],
                server_received_at=r["server_received_at"],
            )
            for r in rows
        ],
        next=rows[-1]["rowid"] if rows else since,
        has_more=has_more,
    )


MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# One percentile for the laptop and the hub: nearest-rank, in `cvi_desktop.monthly`.
percentile = review_math.percentile
# Instants in a review record that the calculation reads (`review_math.READS`).
_INCIDENT_TIMES = ("occurred_at", "org_received_at")
_INCIDENT_COUNTS = ("victims_total", "victims_fatal")


@dataclass(frozen=True)
class HubReview:
    """The monthly review as the hub computes it from its shareable projection.

    `review`: the city (each incident once: a notification routed to two organisations is one
    incident, with both organisations' approved actions), its districts and the trend; its
    `orgs` are each organisation's own incidents (the routes it got and the incidents it
    recorded), from its own approved records. `skipped`: stored rows left out because a time
    or count in them cannot be read (rows stored before the hub checked them)."""

    review: review_math.MonthlyReview
    skipped: int


def _when(value: Any) -> datetime | None:
    """An aware instant, or None for absent; ValueError for anything unreadable (naive too:
    comparing it with an aware one would raise inside the calculation)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("not text")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("no offset")
    # In UTC now: an instant at the edge of the calendar ("0001-01-01T00:00+14:00") would
    # otherwise overflow later, when compared with the month's bounds (OverflowError here).
    return moment.astimezone(UTC)


def _codes(part: Mapping[str, Any]) -> Mapping[str, Any]:
    """`part` if each of its codes is text or absent (the calculation counts and compares
    them: a list where a code belongs could not even be looked up); else ValueError."""
    if any(v is not None and not isinstance(v, str) for k, v in part.items() if k != "started_at"):
        raise ValueError("a code that is not text")
    return part


def _clean(data: Any) -> dict[str, Any] | None:
    """The fields the calculation reads (`review_math.READS`) of a response-record-shaped dict,
    with its instants parsed (so nothing is parsed twice, nor kept twice), or None for a poison
    row the calculation could not read without raising."""
    try:
        raw = data["incident"]
        incident = {name: raw.get(name) for name in review_math.READS["incident"]}
        for name in _INCIDENT_TIMES:
            incident[name] = _when(incident[name])
        if incident["occurred_at"] is None or not isinstance(incident["district"], str):
            return None
        if not isinstance(incident["incident_type"], str | None) or isinstance(incident["id"], dict | list):
            return None
        for name in _INCIDENT_COUNTS:
            if incident[name] is not None:
                incident[name] = int(incident[name])
        actions = []
        for action in data.get("actions") or ():
            picked = {name: action.get(name) for name in review_math.READS["actions"]}
            picked["started_at"] = _when(picked["started_at"])
            actions.append(_codes(picked))
        referrals = [_codes({"category": r.get("category"), "status": r.get("status")})
                     for r in data.get("referrals") or ()]
        themes = [str(t) for t in data.get("themes") or ()]
        followups = data.get("followups") or None
        if followups is not None:
            followups = {
                "scheduled": int(followups.get("scheduled") or 0),
                "done_on_time": int(followups.get("done_on_time") or 0),
            }
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None
    return {"incident": incident, "actions": actions, "referrals": referrals, "themes": themes,
            "followups": followups}


def _occurred(data: Any) -> datetime | None:
    """When a poison row's incident occurred, if even that can be read (to place it in a month)."""
    try:
        return _when(data["incident"]["occurred_at"])
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return None


@dataclass
class _Response:
    rowid: int
    version: int
    record: dict[str, Any] | None  # None: poison
    occurred: datetime | None  # for poison: placed in a month if it can be
    incident_id: str | None  # the incident it names (None for poison)


class CpdProjection:
    """CPD's shareable projection of one hub database, kept in memory and brought up to date
    from the rows added since the last review (every table it reads only ever gains rows), so
    a review parses each stored row once, not once per review, and rebuilds only the incidents
    those rows touched. A database whose rows went backwards (restored from a backup) is read
    again from the start.

    `entries` holds what `cpd_review` feeds the calculation, one record per organisation and
    incident (see there), each already tagged with its `org_id`. Rows are added in rowid order
    (one writer at a time), so "after the last rowid read" misses none; the hub's epoch (bumped
    by a restore) starts it again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.epoch: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.seen = (0, 0, 0)  # records, notifications, routes: the last rowid read
        self.facts: dict[str, tuple[int, dict[str, Any] | None]] = {}  # id -> (version, facts)
        self.routes: dict[str, dict[str, datetime | None]] = {}  # id -> org -> routed_at
        self.own: set[tuple[str, str]] = set()  # (org, incident id) the org recorded
        self.responses: dict[tuple[str, str], _Response] = {}  # (org, record id) -> latest
        self.naming: dict[str, set[tuple[str, str]]] = {}  # incident id -> responses naming it
        self.entries: dict[tuple[str, str], dict[str, Any]] = {}  # (org, incident id) -> record
        self.entry_orgs: dict[str, set[str]] = {}  # incident id -> orgs with an entry
        # CPD incidents with entries from two or more organisations, merged for the city.
        self.merged: dict[str, dict[str, Any]] = {}
        # Each entry's and merged record's digest (`review_math.digest`), made when a review first
        # reads it and kept with the record it was made from, so the calculation reads each
        # record once, not once per review. Keyed by the record's `id()` (an int: a tuple key is
        # hashed anew on every look-up, ~0.1 s a review at 150,000 entries); the record is kept
        # with its row, so that number is never another record's while the row is kept.
        self.rows: dict[int, tuple[dict[str, Any], review_math.Row]] = {}
        self.poison: set[tuple[str, str]] = set()  # responses that cannot be read
        self.poison_notes: set[str] = set()  # notifications whose latest facts cannot be read

    def refresh(self, conn: sqlite3.Connection) -> None:
        top = review_version_of(conn)
        epoch = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        epoch = epoch[0] if epoch else None
        # A restore from backup bumps the epoch (and may leave fewer rows): start again, as the
        # rows after the marks might be new ones over the restored ones.
        if epoch != self.epoch or any(now < before for now, before in zip(top, self.seen, strict=True)):
            self._reset()
            self.epoch = epoch
        records, notes, routes = self.seen
        dirty: set[str] = set()
        for row in conn.execute(
            "SELECT id, version, data FROM notifications WHERE rowid > ? AND rowid <= ?", (notes, top[1])
        ):
            known = self.facts.get(row["id"])
            if known is not None and known[0] >= row["version"]:
                continue
            try:
                cleaned = _clean({"incident": {**json.loads(row["data"]), "id": row["id"]}})
            except (ValueError, TypeError, RecursionError):
                cleaned = None
            self.facts[row["id"]] = (row["version"], None if cleaned is None else cleaned["incident"])
            (self.poison_notes.add if cleaned is None else self.poison_notes.discard)(row["id"])
            dirty.add(row["id"])
        for row in conn.execute(
            "SELECT notification_id, org_id, routed_at FROM routes WHERE rowid > ? AND rowid <= ?",
            (routes, top[2]),
        ):
            try:
                routed = _when(row["routed_at"])
            except ValueError:
                routed = None
            self.routes.setdefault(row["notification_id"], {})[row["org_id"]] = routed
            dirty.add(row["notification_id"])
        for row in conn.execute(
            "SELECT rowid, org_id, audience, kind, id, version, data FROM records"
            " WHERE rowid > ? AND rowid <= ? AND ((audience = 'cpd' AND kind = 'response_record')"
            " OR (audience = 'org' AND kind = 'incident'))",
            (records, top[0]),
        ):
            if row["audience"] == "org":
                self.own.add((row["org_id"], row["id"]))
                dirty.add(row["id"])
                continue
            key = (row["org_id"], row["id"])
            before = self.responses.get(key)
            if before is not None and before.version >= row["version"]:
                continue
            try:
                data = json.loads(row["data"])
            except (ValueError, RecursionError):
                data = None
            cleaned = _clean(data)
            incident_id = None if cleaned is None else str(cleaned["incident"]["id"])
            if before is not None and before.incident_id is not None:
                self.naming[before.incident_id].discard(key)
                dirty.add(before.incident_id)
            self.responses[key] = _Response(row["rowid"], row["version"], cleaned,
                                            None if cleaned is not None else _occurred(data), incident_id)
            (self.poison.add if cleaned is None else self.poison.discard)(key)
            if incident_id is not None:
                self.naming.setdefault(incident_id, set()).add(key)
                dirty.add(incident_id)
        self.seen = top
        for incident_id in dirty:
            self._rebuild(incident_id)

    def _rebuild(self, incident_id: str) -> None:
        """The entries of one incident, from scratch."""
        for org in self.entry_orgs.pop(incident_id, ()):
            self.rows.pop(id(self.entries.pop((org, incident_id))), None)
        old = self.merged.pop(incident_id, None)
        if old is not None:
            self.rows.pop(id(old), None)
        # Each organisation's approved record for it: the latest row wins (two laptops' ids).
        best: dict[str, tuple[int, dict[str, Any]]] = {}
        for org, rid in self.naming.get(incident_id, ()):
            response = self.responses[(org, rid)]
            if response.record is not None and (org not in best or best[org][0] < response.rowid):
                best[org] = (response.rowid, response.record)
        made: dict[str, dict[str, Any]] = {}
        if incident_id in self.facts:
            # CPD's incident (`_CPD_BOUND`): only organisations it was routed to count, and each
            # of them counts, with its approved record or without one.
            facts = self.facts[incident_id][1]
            if facts is not None:
                for org, routed in self.routes.get(incident_id, {}).items():
                    if org not in best:
                        made[org] = {"org_id": org, "incident": {**facts, "org_received_at": routed},
                                     "actions": []}
                        continue
                    record = best[org][1]
                    if record["incident"]["org_received_at"] is None:
                        # The hub knows when it routed the notification to this organisation.
                        record = {**record, "incident": {**record["incident"], "org_received_at": routed}}
                    made[org] = {**record, "org_id": org}
            if len(made) > 1:
                self.merged[incident_id] = _merge(incident_id, list(made.values()), facts)
        else:
            # Not CPD's: only the organisation that recorded the incident itself.
            made = {org: {**record, "org_id": org} for org, (_r, record) in best.items()
                    if (org, incident_id) in self.own}
        for org, record in made.items():
            self.entries[(org, incident_id)] = record
        if made:
            self.entry_orgs[incident_id] = set(made)

    def _row(self, record: dict[str, Any]) -> review_math.Row:
        """`record`'s digest, made once."""
        kept = self.rows.get(id(record))
        if kept is not None and kept[0] is record:
            return kept[1]
        row = review_math.digest(record)
        assert row is not None  # every entry has an `occurred_at` (`_clean`)
        self.rows[id(record)] = (record, row)
        return row

    def feed(
        self, first: datetime, end: datetime
    ) -> tuple[list[review_math.Row], list[review_math.Row] | None, int]:
        """For incidents that occurred in [first, end), digested for `review_math.review_rows`:
        each organisation's records; the city's (one per incident), or None when they are the
        same; and the poison rows skipped (those placed in the window, or that cannot be placed
        at all). Only the window's records are digested: one outside it is never read."""
        # One loop that makes no object per entry: at 100,000 entries a tuple each was enough
        # garbage to set off full collections of the whole projection (~0.5 s) mid-review.
        records: list[review_math.Row] = []
        alone: list[review_math.Row] = []  # of incidents not merged for the city, in order
        kept, merged_ids = self.rows, self.merged
        for record in self.entries.values():
            incident = record["incident"]
            if first <= incident["occurred_at"] < end:
                cached = kept.get(id(record))
                row = cached[1] if cached is not None and cached[0] is record else self._row(record)
                records.append(row)
                if incident["id"] not in merged_ids:
                    alone.append(row)
        merged = [self._row(m) for m in self.merged.values()
                  if first <= m["incident"]["occurred_at"] < end]
        # In the order the records came: the city's figures count in that order too.
        city = alone + merged if merged else None
        skipped = sum(1 for key in self.poison
                      if (when := self.responses[key].occurred) is None or first <= when < end)
        skipped += sum(1 for nid in self.poison_notes if self.routes.get(nid))
        return records, city, skipped


_projections: weakref.WeakKeyDictionary[Database, CpdProjection] = weakref.WeakKeyDictionary()
_projections_lock = threading.Lock()


def cpd_projection(db: Database) -> CpdProjection:
    """The database's projection (one per `Database`, made on first use)."""
    with _projections_lock:
        projection = _projections.get(db)
        if projection is None:
            projection = _projections[db] = CpdProjection()
        return projection


def cpd_review(db: Database, month: str, now: datetime) -> HubReview:
    """The monthly review of `month` (YYYY-MM, Chicago) from what the hub holds for CPD.

    Fed to `cvi_desktop.monthly.monthly_review`, the laptop's own calculation, one record per
    organisation and incident:
    - each organisation's latest approved response record, only for an incident of that
      organisation (routed to it, or recorded by it: the `_CPD_BOUND` rule), as approved (its
      `org_received_at`, or when the hub routed it if the record has none);
    - each route of a CPD notification to an organisation with no approved record for it: the
      notification's latest facts with no actions, received when the hub routed it.
    For the city and its districts the records of one notification are merged into one incident
    (CPD's latest facts, the earliest receipt, every organisation's actions); an organisation's
    self-found incidents stay its own. The organisations' figures are their own records. Rows
    whose times cannot be read are skipped and counted (`HubReview.skipped`), never an error.
    """
    review_math.month_bounds(month)  # ValidationError for a bad month, before reading anything
    first, end = review_math.window(month)
    projection = cpd_projection(db)
    with projection.lock, db.read() as conn:
        projection.refresh(conn)
        records, city, skipped = projection.feed(first, end)
    if city is None:  # every incident belongs to one organisation: one pass gives everything
        return HubReview(review_math.review_rows(records, month, as_of=now), skipped)
    whole = review_math.review_rows(city, month, as_of=now)
    start = review_math.month_bounds(month)[0]
    by_org = review_math.review_rows(
        [r for r in records if r.occurred >= start], month, as_of=now, trend_months=1
    )
    return HubReview(replace(whole, orgs=by_org.orgs), skipped)


def _merge(incident_id: str, group: list[dict[str, Any]], facts: dict[str, Any] | None) -> dict[str, Any]:
    """One CPD incident as the city sees it, from the records of the organisations it was routed
    to: CPD's latest facts, the earliest receipt, every organisation's actions, referrals and
    follow-up counts, the themes any of them tagged."""
    received = [r["incident"]["org_received_at"] for r in group if r["incident"].get("org_received_at")]
    followups = [r["followups"] for r in group if r.get("followups")]
    return {
        "incident": {**(facts or group[0]["incident"]), "id": incident_id,
                     "org_received_at": min(received) if received else None},
        "actions": [a for r in group for a in r["actions"]],
        "referrals": [x for r in group for x in r.get("referrals") or ()],
        "themes": sorted({t for r in group for t in r.get("themes") or ()}),
        "followups": {
            "scheduled": sum(f["scheduled"] for f in followups),
            "done_on_time": sum(f["done_on_time"] for f in followups),
        } if followups else None,
    }


def _minutes_to_stats(latency: review_math.Latency) -> LatencyStats:
    p50, p90 = latency.p50, latency.p90
    return LatencyStats(
        n=latency.n,
        p50_s=None if p50 is None else p50 * 60,
        p90_s=None if p90 is None else p90 * 60,
        p50_min=p50,
        p90_min=p90,
        excluded=latency.excluded,
    )


def group_figures(f: review_math.Figures) -> dict[str, Any]:
    """One group's figures as the protocol's `GroupFigures` fields."""
    return {
        "incidents": f.incidents,
        "notification_latency": _minutes_to_stats(f.notification),
        "response_latency": _minutes_to_stats(f.response),
        "covered": f.covered,
        "coverage": f.coverage.share,
        "notified": f.notified,
        "victims": f.victims,
        "fatal": f.fatal,
        "mediations": f.mediations,
        "mediations_resolved": f.defused.count,
        "referrals_made": f.referrals_made,
        "referrals_connected": f.referrals_connected.count,
        "no_response": f.no_response,
    }


def monthly_report(hub: HubReview) -> MonthlyReport:
    """The review as `GET /v1/cpd/monthly` sends it."""
    review = hub.review
    return MonthlyReport(
        month=review.month,
        timezone="America/Chicago",
        districts=[DistrictMonth(district=d, **group_figures(f)) for d, f in review.districts.items()],
        total=GroupFigures(**group_figures(review.total)),
        organisations=[OrgMonth(org_id=o, **group_figures(f)) for o, f in review.orgs.items()],
        trend=[
            TrendMonth(month=m, incidents=f.incidents, covered=f.covered, coverage=f.coverage.share,
                       notification_p50_min=f.notification.p50, response_p50_min=f.response.p50)
            for m, f in review.trend
        ],
        skipped=hub.skipped,
    )


def monthly(db: Database, month: str, now: datetime | None = None) -> MonthlyReport:
    """Review figures for incidents that occurred in `month` (Chicago time): `cpd_review`,
    as the protocol sends it. ValueError for a month that is not YYYY-MM."""
    try:
        hub = cpd_review(db, month, now or datetime.now(UTC))
    except CoreValidationError as exc:
        raise ValueError(str(exc)) from None
    return monthly_report(hub)


def review_version_of(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """The last rowid of each table a review reads (records, notifications, routes)."""
    row = conn.execute(
        "SELECT (SELECT COALESCE(MAX(rowid), 0) FROM records),"
        " (SELECT COALESCE(MAX(rowid), 0) FROM notifications),"
        " (SELECT COALESCE(MAX(rowid), 0) FROM routes)"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def review_version(db: Database) -> tuple[str, int, int, int]:
    """Changes whenever anything a review reads may have changed (a cache key): rows are only
    ever added to these tables, and a restore from backup bumps the epoch."""
    with db.read() as conn:
        epoch = conn.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()
        return (epoch[0] if epoch else "", *review_version_of(conn))
