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
import json
import math
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from cvi_desktop.domain import QUALIFYING_ACTIONS
from cvi_desktop.sharing import INCIDENT_S, Audience, RecordKind, canonical_json, content_hash

from ..protocol import (
    DATA_MODELS,
    Change,
    ChangeOrigin,
    CpdRecord,
    CpdRecordsPage,
    DistrictMonth,
    FieldError,
    FlagReason,
    LatencyStats,
    Me,
    MonthlyReport,
    Notification,
    NotificationCorrection,
    NotificationResult,
    NotificationStatus,
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
)
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
    conn = db.conn()
    conn.execute("PRAGMA busy_timeout=250")
    try:
        with db.write() as write:
            _touch(write, principal, now)
    except sqlite3.OperationalError:
        pass  # busy or full: the next sync call tries again
    finally:
        conn.execute("PRAGMA busy_timeout=30000")


def me(db: Database, principal: Principal) -> Me:
    org_name = None
    if principal.org_id is not None:
        row = db.conn().execute("SELECT name FROM orgs WHERE id = ?", (principal.org_id,)).fetchone()
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
    with db.read() as conn:
        if not _org_exists(conn, org_id):
            raise UnknownOrg(org_id)
        rows = conn.execute(_STAFF_SELECT + " ORDER BY s.display_name COLLATE NOCASE, s.id", (org_id,))
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
    with db.write() as conn:
        if not _org_exists(conn, org_id):
            raise UnknownOrg(org_id)
        created = register_staff(conn, org_id, staff, iso(now))
        row = conn.execute(_STAFF_SELECT + " AND s.id = ?", (org_id, staff.id)).fetchone()
    return _staff_out(row), created


def deactivate_staff(db: Database, org_id: str, staff_id: str) -> bool:
    """Deactivate; False if the organisation has no such staff member. Idempotent."""
    with db.write() as conn:
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


def _errors(exc: ValidationError, prefix: str) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        out.append(FieldError(field=loc, message=err["msg"]))
    return out


def _echo(index: int, raw: Any) -> dict[str, Any]:
    """Identify a result by what the record said about itself, when that is usable."""
    src = raw if isinstance(raw, dict) else {}

    def pick(name: str, kind: type) -> Any:
        value = src.get(name)
        return value if isinstance(value, kind) and not isinstance(value, bool) else None

    return {
        "index": index,
        "id": pick("id", str),
        "kind": pick("kind", str),
        "audience": pick("audience", str),
        "version": pick("version", int),
    }


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
        " AND version IS NOT ? ORDER BY version DESC LIMIT 1",
        (org, audience, kind, record_id, exclude_version),
    ).fetchone()


def _same_fact(field: str, a: Any, b: Any) -> bool:
    # Devices store instants in their own canonical form and lists in their own order, so
    # compare meaning, not spelling.
    if field in _INSTANT_FACTS and isinstance(a, str) and isinstance(b, str):
        try:
            return _parse_instant(a) == _parse_instant(b)
        except ValueError:
            return a == b
    if field == "victim_age_bands":
        return sorted(a or []) == sorted(b or [])
    return bool(a == b)


def push(db: Database, principal: Principal, records: Sequence[Any], now: datetime) -> list[PushResult]:
    """Store a batch; one result per record, in order. Returned only after COMMIT."""
    assert principal.org_id is not None
    stamp = iso(now)
    results: list[PushResult] = []
    with db.write() as conn:
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

    try:
        rec = PushRecord.model_validate(raw)
    except ValidationError as exc:
        return rejected(RejectReason.INVALID, _errors(exc, ""))
    # Hash the data exactly as received (not the parsed model) so it matches the device's bytes.
    if envelope_hash(raw["kind"], rec.id, rec.version, raw["audience"], rec.data) != rec.sha256:
        return rejected(RejectReason.HASH_MISMATCH)
    model = DATA_MODELS.get((rec.audience, rec.kind))
    if model is None:
        return rejected(RejectReason.KIND_NOT_ALLOWED)
    if (rec.audience, rec.kind) in _SUPERVISOR_KINDS and principal.role is not TokenRole.SUPERVISOR:
        return rejected(RejectReason.ROLE_NOT_ALLOWED)
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

    audience, kind = rec.audience.value, rec.kind.value
    cur = conn.execute(
        "INSERT INTO records (org_id, audience, kind, id, version, base_version, sha256, data, origin,"
        " token_id, server_received_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'device', ?, ?, ?)"
        " ON CONFLICT (org_id, audience, kind, id, version) DO NOTHING",
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
    if cur.rowcount == 0:
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
    rowid = cur.lastrowid

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
        conn.execute(
            "INSERT INTO changes (org_id, record_rowid, created_at) VALUES (?, ?, ?)", (org, rowid, stamp)
        )
    status = ResultStatus.ACCEPTED_FLAGGED if flag else ResultStatus.APPLIED
    return PushResult(**echo, status=status, server_received_at=stamp, flag=flag)


NOT_STAFF = "not an active staff member of this organisation"


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
        " AND version != ? AND (origin != 'device' OR token_id IS NOT ?) LIMIT 1",
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


def encode_cursor(epoch: str, generation: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"1:{epoch}:{generation}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(db: Database, cursor: str | None) -> int:
    """The change seq a cursor stands for; raises CursorGone if it cannot be honoured."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, epoch, generation, seq_text = text.split(":")
        seq = int(seq_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise CursorGone("not a cursor this hub issued", "cursor_invalid") from None
    if version != "1" or seq < 0:
        raise CursorGone("not a cursor this hub issued", "cursor_invalid")
    if epoch != db.epoch():
        raise CursorGone("cursor from another hub epoch", "cursor_other_epoch")
    if generation != db.meta("cursor_generation"):
        raise CursorGone("cursor expired", "cursor_expired")
    if seq > _top(db.conn()):
        raise CursorGone("cursor ahead of this hub", "cursor_ahead")
    return seq


def _top(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])


def latest_seq(db: Database, org_id: str) -> int:
    row = (
        db.conn().execute("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE org_id = ?", (org_id,)).fetchone()
    )
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
    with db.read() as conn:
        seq = decode_cursor(db, cursor)
        rows = conn.execute(
            "SELECT c.seq, r.* FROM changes c JOIN records r ON r.rowid = c.record_rowid"
            " WHERE c.org_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?",
            (principal.org_id, seq, limit + 1),
        ).fetchall()
        epoch, generation, top = db.epoch(), db.meta("cursor_generation") or "0", _top(conn)
    has_more = len(rows) > limit
    rows = rows[:limit]
    if has_more:
        seq = rows[-1]["seq"]
    else:
        # Everything up to the hub-wide top of this snapshot has been seen for this org, so the
        # cursor may move there (other orgs' changes in between are not this org's).
        seq = max(seq, top)
    return PullResponse(
        epoch=epoch,
        changes=[_change(r) for r in rows],
        cursor=encode_cursor(epoch, generation, seq),
        has_more=has_more,
    )


def get_record(db: Database, principal: Principal, kind: str, record_id: str) -> RecordOut | None:
    row = _current(db.conn(), principal.org_id or "", "org", kind, record_id)
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
    cur = conn.execute(
        "INSERT INTO records (org_id, audience, kind, id, version, base_version, sha256, data, origin,"
        " server_received_at) VALUES (?, 'org', 'incident', ?, ?, ?, ?, ?, 'hub', ?)",
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
    conn.execute(
        "INSERT INTO changes (org_id, record_rowid, created_at) VALUES (?, ?, ?)", (org, cur.lastrowid, stamp)
    )
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


def _route_new(conn: sqlite3.Connection, facts: dict[str, Any], stamp: str, skip: set[str]) -> int:
    count = 0
    for (org,) in conn.execute(
        "SELECT org_id FROM coverage WHERE district = ? ORDER BY org_id", (facts["district"],)
    ).fetchall():
        if org in skip:
            continue
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


def post_notification(db: Database, body: Notification, now: datetime) -> NotificationResult:
    """Create a notification and route it to every organisation covering its district.

    Posting the same content again is a no-op (`unchanged`); other content under an existing
    id raises NotificationConflict (corrections go through `correct_notification`).
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
    with db.write() as conn:
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


def cpd_records(db: Database, since: int, limit: int) -> CpdRecordsPage:
    rows = (
        db.conn()
        .execute(
            "SELECT rowid, org_id, id, version, data, sha256, server_received_at FROM records"
            " WHERE audience = 'cpd' AND rowid > ? ORDER BY rowid LIMIT ?",
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


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _stats(values: list[float]) -> LatencyStats:
    return LatencyStats(n=len(values), p50_s=percentile(values, 50), p90_s=percentile(values, 90))


def monthly(db: Database, month: str) -> MonthlyReport:
    """Review figures per district for incidents that occurred in `month` (Chicago time).

    Incidents: CPD notifications routed to at least one organisation (latest version decides
    district and time), plus incidents known only from approved response records (e.g. a
    hospital referral). Received = the first time the hub routed it to an organisation (or the
    record's org_received_at). Responses come only from response_records (what a supervisor
    approved for CPD), latest version of each.
    """
    match = MONTH.match(month)
    if match is None:
        raise ValueError("month must be YYYY-MM")
    year, mon = int(match[1]), int(match[2])
    if not 1 <= year <= 9998:
        raise ValueError("month out of range")
    start = datetime(year, mon, 1, tzinfo=CHICAGO)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=CHICAGO)

    incidents: dict[str, dict[str, Any]] = {}
    first_response: dict[str, datetime] = {}
    qualifying = {a.value for a in QUALIFYING_ACTIONS}
    with db.read() as conn:
        for row in conn.execute(
            "SELECT n.id, n.data,"
            " (SELECT MIN(routed_at) FROM routes WHERE notification_id = n.id) AS received"
            " FROM notifications n"
            " WHERE n.version = (SELECT MAX(version) FROM notifications m WHERE m.id = n.id)"
        ):
            if row["received"] is not None:
                data = json.loads(row["data"])
                incidents[row["id"]] = {
                    "district": data["district"],
                    "occurred_at": data["occurred_at"],
                    "received": row["received"],
                }
        for row in conn.execute(
            "SELECT r.data FROM records r WHERE r.audience = 'cpd' AND r.kind = 'response_record'"
            " AND r.version = (SELECT MAX(version) FROM records q WHERE q.org_id = r.org_id"
            " AND q.audience = r.audience AND q.kind = r.kind AND q.id = r.id)"
        ):
            data = json.loads(row["data"])
            incident = data["incident"]
            incidents.setdefault(
                incident["id"],
                {
                    "district": incident["district"],
                    "occurred_at": incident["occurred_at"],
                    "received": incident.get("org_received_at"),
                },
            )
            for action in data.get("actions", []):
                if action.get("action_type") in qualifying:
                    started = _parse_instant(action["started_at"])
                    best = first_response.get(incident["id"])
                    if best is None or started < best:
                        first_response[incident["id"]] = started

    by_district: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for incident_id, info in incidents.items():
        if start <= _parse_instant(info["occurred_at"]) < end:
            by_district.setdefault(info["district"], []).append((incident_id, info))
    report = []
    for district in sorted(by_district):
        notify: list[float] = []
        respond: list[float] = []
        covered = 0
        for incident_id, info in by_district[district]:
            received = _parse_instant(info["received"]) if info["received"] else None
            if received is not None:
                notify.append((received - _parse_instant(info["occurred_at"])).total_seconds())
            if incident_id in first_response:
                covered += 1
                if received is not None:
                    respond.append((first_response[incident_id] - received).total_seconds())
        total = len(by_district[district])
        report.append(
            DistrictMonth(
                district=district,
                incidents=total,
                notification_latency=_stats(notify),
                response_latency=_stats(respond),
                covered=covered,
                coverage=covered / total if total else None,
            )
        )
    return MonthlyReport(month=month, timezone="America/Chicago", districts=report)
