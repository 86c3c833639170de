"""The outbox: pending changes as data, written in the same transaction as the change.

A row holds the frozen payload (built by `sharing`), its sha256 and size. States:
pending → sending → acknowledged, or quarantined (kept, with the hub's reason, until the user
retries or edits). A newer pending version of a record supersedes an older pending one that
has not been sent. Nothing here deletes a row: acknowledged rows are the device's receipt.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .clock import to_db
from .sharing import Audience, RecordKind, canonical_json, content_hash, envelope, org_incident

if TYPE_CHECKING:  # type hints only: the GUI imports this module before it opens a store
    from sqlite_utils import Database

    from .store.database import Store


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    QUARANTINED = "quarantined"
    SUPERSEDED = "superseded"


# Records whose id is the incident's own id; every other kind names its incident in its data.
_INCIDENT_KEYED = (RecordKind.INCIDENT, RecordKind.RESPONSE_RECORD)


def incident_of(kind: RecordKind, record_id: str, data: dict[str, Any]) -> str | None:
    """The incident an outbox record belongs to (the `incident_id` column, added by m004)."""
    if kind in _INCIDENT_KEYED:
        return record_id
    found = data.get("incident_id")
    return None if found is None else str(found)


def enqueue(
    db: Database,
    now: datetime,
    audience: Audience,
    kind: RecordKind,
    record_id: str,
    version: int,
    data: dict[str, Any],
    *,
    incident_id: str | None = None,
) -> int:
    """Freeze one payload into the outbox. Call inside the domain write's transaction.

    `incident_id` files the row under its incident for the per-incident sync badge; by default
    it is read from the record (its own id for incidents and CPD response records, else
    `data["incident_id"]`, which every org payload of an incident's child record carries)."""
    if incident_id is None:
        incident_id = incident_of(kind, record_id, data)
    if kind is not RecordKind.INCIDENT and incident_id is not None:
        _incident_first(db, now, incident_id)
    payload = canonical_json(envelope(kind, record_id, version, audience, data))
    if version > 1:
        db.execute(
            "UPDATE outbox SET state = ? WHERE audience = ? AND kind = ? AND record_id = ? "
            "AND version < ? AND state = ?",
            [OutboxState.SUPERSEDED, audience, kind, record_id, version, OutboxState.PENDING],
        )
    cursor = db.execute(
        "INSERT INTO outbox (audience, kind, record_id, version, payload, sha256, size, state, "
        "created_at, incident_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            audience,
            kind,
            record_id,
            version,
            payload,
            content_hash(payload),
            len(payload.encode("utf-8")),
            OutboxState.PENDING,
            to_db(now),
            incident_id,
        ],
    )
    return int(cursor.lastrowid)


def came_from_hub(db: Database, incident_id: str) -> bool:
    """Whether the hub sent this incident (a routed notification, or a teammate's)."""
    return db.execute("SELECT 1 FROM incident_versions WHERE incident_id = ? AND recorded_by = 'hub' "
                      "LIMIT 1", [incident_id]).fetchone() is not None


def queued_before(db: Database, kind: RecordKind, record_id: str) -> bool:
    return db.execute("SELECT 1 FROM outbox WHERE kind = ? AND record_id = ? LIMIT 1",
                      [kind, record_id]).fetchone() is not None


def _incident_first(db: Database, now: datetime, incident_id: str) -> None:
    """The hub takes a record only under an incident it knows for this organisation. One made on
    this laptop and never queued (an incident imported from the city's data, say) is queued
    just before the first record under it, in the same transaction; one the hub sent, or one
    already queued, needs nothing."""
    if queued_before(db, RecordKind.INCIDENT, incident_id) or came_from_hub(db, incident_id):
        return
    cursor = db.execute("SELECT * FROM incidents WHERE id = ?", [incident_id])
    found = cursor.fetchone()
    if found is None:
        return
    row = dict(zip([d[0] for d in cursor.description], found, strict=True))
    enqueue(db, now, Audience.ORG, RecordKind.INCIDENT, incident_id, int(row["version"]), org_incident(row))


# A retry time further out than this counts as due now, so a clock jump cannot strand a record.
MAX_BACKOFF = timedelta(minutes=15)


def due(store: Store, limit: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """Pending rows whose retry time has come, oldest first. `sending` rows left by a crash are
    due again: their outcome is unknown and the hub acknowledges a resend idempotently."""
    now = now or store.now()
    return store.rows(
        "SELECT * FROM outbox WHERE state IN (?, ?) AND (next_attempt_at IS NULL "
        "OR next_attempt_at <= ? OR next_attempt_at > ?) ORDER BY seq LIMIT ?",
        [OutboxState.PENDING, OutboxState.SENDING, to_db(now), to_db(now + MAX_BACKOFF), limit],
    )


def _set(store: Store, seqs: list[int], sql: str, params: list[Any], *, kept_elsewhere: bool = False) -> None:
    if not seqs:
        return
    marks = ",".join("?" * len(seqs))
    with store.write(kept_elsewhere=kept_elsewhere) as db:
        db.execute(f"UPDATE outbox SET {sql} WHERE seq IN ({marks})", [*params, *seqs])


def mark_sending(store: Store, seqs: list[int]) -> None:
    # Not worth an fsync: if a power cut loses it the rows are simply pending, and go again
    # (the hub answers "duplicate" for any it has; see `Store.write`).
    _set(store, seqs, "state = ?, attempts = attempts + 1", [OutboxState.SENDING], kept_elsewhere=True)


def mark_acknowledged(store: Store, seqs: list[int], at: datetime | None = None) -> None:
    _set(
        store,
        seqs,
        "state = ?, acknowledged_at = ?, last_error = ''",
        [OutboxState.ACKNOWLEDGED, to_db(at or store.now())],
    )


def mark_retry(store: Store, seqs: list[int], next_attempt_at: datetime, error: str) -> None:
    _set(
        store,
        seqs,
        "state = ?, next_attempt_at = ?, last_error = ?",
        [OutboxState.PENDING, to_db(next_attempt_at), error],
    )


def quarantine(store: Store, seqs: list[int], reason: str) -> None:
    _set(store, seqs, "state = ?, last_error = ?", [OutboxState.QUARANTINED, reason])


def retry_quarantined(store: Store, seq: int) -> None:
    """The user's Retry: the record goes again with the same frozen payload, and with its base
    version computed afresh at send time (`base_versions`), so a conflict whose cause is gone
    (e.g. the hub's newer version was this laptop's own) is resolved; a real one stays."""
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET state = ?, next_attempt_at = NULL WHERE seq = ? AND state = ?",
            [OutboxState.PENDING, seq, OutboxState.QUARANTINED],
        )


def due_after(store: Store, after: int, limit: int, now: datetime) -> list[dict[str, Any]]:
    """`due` restricted to seq > after: the sync pass walks the queue once, in seq order."""
    return store.rows(
        "SELECT * FROM outbox WHERE seq > ? AND state IN (?, ?) AND (next_attempt_at IS NULL "
        "OR next_attempt_at <= ? OR next_attempt_at > ?) ORDER BY seq LIMIT ?",
        [after, OutboxState.PENDING, OutboxState.SENDING, to_db(now), to_db(now + MAX_BACKOFF), limit],
    )


def waiting_count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM outbox WHERE state IN (?, ?)",
                            [OutboxState.PENDING, OutboxState.SENDING]) or 0)


def release(store: Store, seqs: list[int], *, uncount: bool = False) -> None:
    """Back to pending, due now, without an error of its own (e.g. before a batch is split).
    `uncount` takes back the attempt (a 401 is not the record's fault)."""
    _set_where_sending(store, seqs, "state = ?, next_attempt_at = NULL, attempts = attempts - ?",
                       [OutboxState.PENDING, 1 if uncount else 0])


def _set_where_sending(store: Store, seqs: list[int], sql: str, params: list[Any]) -> None:
    if not seqs:
        return
    marks = ",".join("?" * len(seqs))
    with store.write() as db:
        db.execute(f"UPDATE outbox SET {sql} WHERE seq IN ({marks}) AND state = ?",
                   [*params, *seqs, OutboxState.SENDING])


def requeue_acknowledged(db: Database) -> int:
    """Everything the hub acknowledged goes back to pending (the hub was restored and may have
    lost it; it answers `duplicate` for what it kept). Call inside a write transaction."""
    cursor = db.execute("UPDATE outbox SET state = ?, next_attempt_at = NULL WHERE state = ?",
                        [OutboxState.PENDING, OutboxState.ACKNOWLEDGED])
    return int(cursor.rowcount)


@dataclass(frozen=True)
class Settlement:
    """What the hub said about one batch, to be recorded in one transaction (`settle`)."""

    acknowledged: list[int] = field(default_factory=list)
    quarantined: list[tuple[int, str]] = field(default_factory=list)  # (seq, reason shown)
    conflicts: dict[int, dict[str, Any]] = field(default_factory=dict)  # seq -> the hub's side
    retry: list[tuple[int, datetime, str]] = field(default_factory=list)  # (seq, when, why)
    flags: list[tuple[str, str]] = field(default_factory=list)  # (response action id, flag)


CONFLICT_PREFIX = "sync.conflict."


def settle(store: Store, result: Settlement, now: datetime, *,
           during: Callable[[], None] | None = None) -> None:
    """Acknowledgements, quarantines, retries and flags of one batch, in ONE transaction. All
    of it is the hub's answer, which the hub gives again if a power cut loses this commit (the
    rows are then still "sending", go again, and come back "duplicate"): no fsync for it."""
    with store.write(kept_elsewhere=True) as db:
        mark_acknowledged(store, result.acknowledged, now)
        _settle_older_quarantined(db, result.acknowledged)
        for seq, hub_side in result.conflicts.items():
            # Keep the hub's side as data so the person can compare and choose; never overwrite.
            db.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                       "SET value = excluded.value",
                       [f"{CONFLICT_PREFIX}{seq}", json.dumps(hub_side, sort_keys=True)])
        for seq, reason in result.quarantined:
            quarantine(store, [seq], reason[:1000])
        for seq, when, why in result.retry:
            mark_retry(store, [seq], when, why)
        for action_id, flag in result.flags:
            db.execute("UPDATE response_actions SET flag = ? WHERE id = ? AND flag IS NULL",
                       [flag, action_id])
        if during is not None:
            during()


def _settle_older_quarantined(db: Database, acked: list[int]) -> None:
    """Once a newer version of a record is acknowledged (the person's Edit went through), older
    quarantined versions of it are settled: marked superseded, never deleted."""
    if not acked:
        return
    marks = ",".join("?" * len(acked))
    db.execute(
        f"UPDATE outbox SET state = ? WHERE state = ? AND EXISTS (SELECT 1 FROM outbox n WHERE "
        f"n.seq IN ({marks}) AND n.audience = outbox.audience AND n.kind = outbox.kind AND "
        f"n.record_id = outbox.record_id AND n.version > outbox.version)",
        [OutboxState.SUPERSEDED, OutboxState.QUARANTINED, *acked])


def conflicts(store: Store) -> list[dict[str, Any]]:
    """Quarantined conflicts with the hub's current version, for a "sync issues" view."""
    found = []
    for row in quarantined(store):
        saved = store.scalar("SELECT value FROM sync_state WHERE key = ?", [f"{CONFLICT_PREFIX}{row['seq']}"])
        if saved is not None and row["last_error"].startswith("conflict"):
            found.append({**row, "hub": json.loads(saved)})
    return found


# States of an earlier version that count as "this laptop sent it": acknowledged, or sent with
# an unknown outcome (attempts > 0) and then left pending, in flight, or superseded by a newer
# edit. The hub may hold such a version (it committed, the answer was lost), so an edit made
# after it is based on it; basing it on the last acknowledged one would make the edit a false
# conflict with this laptop's own earlier version (sync.md, "Lessons"). Quarantined versions are
# left out: the hub refused them, so it does not hold them.
_SENT_UNKNOWN = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.SUPERSEDED)


def base_versions(store: Store, rows: list[dict[str, Any]]) -> dict[int, int]:
    """The hub version each edit was based on: the newest earlier version this laptop sent
    (acknowledged, or sent with an unknown outcome), or one the hub gave it (for incidents and
    teammates' records a version the hub sent, or the version the hub showed in a conflict of
    an earlier version). Omitted for new records.

    Computed afresh at every send, so a Retry of a quarantined record goes with the base as it
    stands then; the record's own conflict answer is deliberately not a base (Retry must not
    turn a real conflict into an overwrite: only an Edit, a new version, answers it)."""
    bases: dict[int, int] = {}
    for row in rows:
        if row["version"] <= 1:
            continue
        key = [row["audience"], row["kind"], row["record_id"], row["version"]]
        unknown = ",".join("?" * len(_SENT_UNKNOWN))
        sent = store.scalar(
            "SELECT max(version) FROM outbox WHERE audience = ? AND kind = ? AND record_id = ? "
            f"AND version < ? AND (state = ? OR (attempts > 0 AND state IN ({unknown})))",
            [*key, OutboxState.ACKNOWLEDGED, *_SENT_UNKNOWN]) or 0
        from_hub = _version_from_hub(store, row["kind"], row["record_id"], row["version"])
        seen = 0
        for saved in store.rows(
                "SELECT s.value FROM sync_state s JOIN outbox o ON s.key = ? || o.seq "
                "WHERE o.audience = ? AND o.kind = ? AND o.record_id = ? AND o.version < ?",
                [CONFLICT_PREFIX, *key]):
            seen = max(seen, int(json.loads(saved["value"]).get("current_version") or 0))
        base = max(sent, from_hub, seen)
        if base:
            bases[row["seq"]] = base
    return bases


def _version_from_hub(store: Store, kind: str, record_id: str, below: int) -> int:
    """The newest version below `below` that this laptop has from the hub rather than made itself
    (an incident version the hub routed, or a teammate's or supervisor's record version)."""
    if kind == RecordKind.INCIDENT:
        return int(store.scalar(
            "SELECT max(version) FROM incident_versions WHERE incident_id = ? AND version < ? "
            "AND recorded_by = 'hub'", [record_id, below]) or 0)
    # The version an edit was made from, if this laptop never queued it, came from the hub
    # (a teammate's record, or a supervisor's new version of ours).
    previous = below - 1
    queued = store.scalar("SELECT 1 FROM outbox WHERE kind = ? AND record_id = ? AND version = ?",
                          [kind, record_id, previous])
    return 0 if queued else previous


def counts(store: Store) -> dict[str, int]:
    """How many rows are in each state, for the status bar and `doctor`."""
    found = {state.value: 0 for state in OutboxState}
    for row in store.rows("SELECT state, count(*) AS n FROM outbox GROUP BY state"):
        found[row["state"]] = row["n"]
    return found


def quarantined(store: Store) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM outbox WHERE state = ? ORDER BY seq", [OutboxState.QUARANTINED])


def record_state(store: Store, kind: RecordKind, record_id: str) -> str | None:
    """The newest outbox state of one record, for its badge (None: nothing to share)."""
    return store.scalar(
        "SELECT state FROM outbox WHERE kind = ? AND record_id = ? AND state != ? "
        "ORDER BY version DESC, seq DESC LIMIT 1",
        [kind, record_id, OutboxState.SUPERSEDED],
    )


def latest_payload(store: Store, kind: RecordKind, record_id: str) -> dict[str, Any] | None:
    """The newest frozen payload of one record (exactly what the sync sends), with its state and
    version; None if the record was never queued."""
    row = store.one(
        "SELECT payload, state, version FROM outbox WHERE kind = ? AND record_id = ? AND state != ? "
        "ORDER BY version DESC, seq DESC LIMIT 1",
        [kind, record_id, OutboxState.SUPERSEDED],
    )
    if row is None:
        return None
    return {"payload": json.loads(row["payload"]), "state": row["state"], "version": row["version"]}


def waiting(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """Rows still to be shared (pending or in flight), oldest first, for the sync panel."""
    return store.rows(
        "SELECT seq, audience, kind, record_id, incident_id, version, state, attempts, next_attempt_at, "
        "last_error, created_at, payload FROM outbox WHERE state IN (?, ?) ORDER BY seq LIMIT ?",
        [OutboxState.PENDING, OutboxState.SENDING, limit],
    )


def last_acknowledged_at(store: Store) -> str | None:
    """When the hub last acknowledged anything (None: never)."""
    return store.scalar("SELECT max(acknowledged_at) FROM outbox")


# Worst first: one quarantined record makes the whole incident's badge say so.
_RANK = {
    OutboxState.QUARANTINED: 3,
    OutboxState.PENDING: 2,
    OutboxState.SENDING: 2,
    OutboxState.ACKNOWLEDGED: 1,
}


def incident_states(store: Store, incident_ids: Sequence[str]) -> dict[str, str]:
    """The worst outbox state over each incident's records (the incident, its actions,
    referrals, follow-ups, reviews and CPD response record): quarantined > pending/sending >
    acknowledged. Incidents with nothing queued are absent.

    One indexed lookup per page of incidents (`outbox_incident`, m004), so the queue's cost does
    not grow with the outbox."""
    if not incident_ids:
        return {}
    found: dict[str, str] = {}
    # SQLite allows 32,766 parameters; a queue page is 100, but stay safe for any caller.
    for start in range(0, len(incident_ids), 500):
        chunk = list(incident_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = store.rows(
            f"SELECT incident_id, state FROM outbox WHERE incident_id IN ({marks}) AND state != ? "
            "GROUP BY incident_id, state",
            [*chunk, OutboxState.SUPERSEDED],
        )
        for row in rows:
            current = found.get(row["incident_id"])
            if current is None or _RANK.get(row["state"], 0) > _RANK.get(current, 0):
                found[row["incident_id"]] = row["state"]
    return found
