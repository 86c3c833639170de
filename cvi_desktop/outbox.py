"""The outbox: pending changes as data, written in the same transaction as the change.

A row holds the frozen payload (built by `sharing`), its sha256 and size. States:
pending → sending → acknowledged, or quarantined (kept, with the hub's reason, until the user
retries or edits). A newer pending version of a record supersedes an older pending one that
has not been sent. Nothing here deletes a row: acknowledged rows are the device's receipt.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from .clock import to_db
from .sharing import Audience, RecordKind, canonical_json, content_hash, envelope
from .store.database import Store


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    ACKNOWLEDGED = "acknowledged"
    QUARANTINED = "quarantined"
    SUPERSEDED = "superseded"


def enqueue(
    db: Database,
    now: datetime,
    audience: Audience,
    kind: RecordKind,
    record_id: str,
    version: int,
    data: dict[str, Any],
) -> int:
    """Freeze one payload into the outbox. Call inside the domain write's transaction."""
    payload = canonical_json(envelope(kind, record_id, version, audience, data))
    if version > 1:
        db.execute(
            "UPDATE outbox SET state = ? WHERE audience = ? AND kind = ? AND record_id = ? "
            "AND version < ? AND state = ?",
            [OutboxState.SUPERSEDED, audience, kind, record_id, version, OutboxState.PENDING],
        )
    cursor = db.execute(
        "INSERT INTO outbox (audience, kind, record_id, version, payload, sha256, size, state, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        ],
    )
    return int(cursor.lastrowid)


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


def _set(store: Store, seqs: list[int], sql: str, params: list[Any]) -> None:
    if not seqs:
        return
    marks = ",".join("?" * len(seqs))
    with store.write() as db:
        db.execute(f"UPDATE outbox SET {sql} WHERE seq IN ({marks})", [*params, *seqs])


def mark_sending(store: Store, seqs: list[int]) -> None:
    _set(store, seqs, "state = ?, attempts = attempts + 1", [OutboxState.SENDING])


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
    """The user's Retry: the record goes again with the same frozen payload."""
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET state = ?, next_attempt_at = NULL WHERE seq = ? AND state = ?",
            [OutboxState.PENDING, seq, OutboxState.QUARANTINED],
        )


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
