"""One sync pass: health and epoch check, drain the outbox in batches, then pull the hub's changes.

The engine keeps no state that matters in memory: every decision it must not forget (which
records were sent, acknowledged or set aside, the pull cursor, the hub epoch) is written to the
store in the same transaction as the change it describes, so a kill at any instant leaves the
profile consistent and the next pass simply carries on. Rows left `sending` by a crash are sent
again; the hub answers `duplicate` for what it already has.

Errors come from `sync.client` as one taxonomy; here each kind becomes an outcome:
transient -> back off (full jitter, Retry-After honoured) and try later; 401 -> "sign-in needed",
queue kept, attempt not counted; 403 / too-old client -> paused; 413 -> halve the batch; 400 ->
bisect to the poison record; per-record rejection or conflict -> quarantine with the hub's reason.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlcipher3

from cvi_desktop import outbox
from cvi_desktop.clock import from_db, to_db
from cvi_desktop.errors import CviError
from cvi_desktop.services import incidents, settings
from cvi_desktop.sharing import RecordKind
from cvi_desktop.store.database import Store

from ..backoff import Backoff, RetryTimer
from ..client import (
    AccessDenied,
    BadBatch,
    ClientTooOld,
    CursorExpired,
    HubClient,
    PayloadTooLarge,
    ProtocolError,
    SignInNeeded,
    SyncError,
)
from ..protocol import SUCCESS_STATUSES, PullResponse, PushResult, ResultStatus, SyncConfig
from . import events as ev

log = logging.getLogger(__name__)

CURSOR_KEY = "sync.cursor"
EPOCH_KEY = "sync.hub_epoch"
LAST_SYNCED_KEY = "sync.last_synced_at"
CONFLICT_PREFIX = "sync.conflict."

DEFAULT_BATCH = 200
MAX_PULL_PAGES = 10_000  # a bound on one pass, far above any real backlog
CRASH_ENV = "CVI_SYNC_CRASH_AT"

_crash_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process (SIGKILL, like kill -9) when `CVI_SYNC_CRASH_AT` names this point.

    `name:N` crashes at the N-th time the point is reached. Used by the crash tests, which run
    the engine as a real subprocess; costs one dictionary lookup otherwise.
    """
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    target, _, count = wanted.partition(":")
    if target != name:
        return
    _crash_hits[name] = _crash_hits.get(name, 0) + 1
    if _crash_hits[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class SyncReport:
    """What one pass did. `error` is None on success."""

    acknowledged: int = 0
    quarantined: int = 0
    pulled: int = 0
    error: SyncError | None = None
    retry_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Pass:
    total: int
    report: SyncReport = field(default_factory=SyncReport)


class LocalStorageProblem(SyncError):
    title = "This laptop could not save sync progress"
    action = ("Free some disk space, or close other programs using this profile; sync tries "
              "again by itself and nothing already saved is lost.")
    transient = True


class HubRestoredMidPass(Exception):
    """The hub's epoch changed during a pass; the pass stops and the next one re-pushes."""


class SyncEngine:
    """Syncs one profile's store with one hub. Call `sync_once()` from one thread at a time
    (`SyncService` does); `apply_live_page` may be called from the live listener thread."""

    def __init__(self, store: Store, client: HubClient, *, clock: Callable[[], datetime] | None = None,
                 backoff: Backoff | None = None, listeners: Iterable[ev.Listener] = (),
                 batch_size: int = DEFAULT_BATCH) -> None:
        self.store = store
        self.client = client
        self.clock = clock or store.now
        self.timer = RetryTimer(self.clock, backoff or Backoff())
        self.listeners: list[ev.Listener] = list(listeners)
        self.batch_size = batch_size
        self.limits: SyncConfig | None = None
        self.state = "idle"
        self.message = ""
        self._pull_lock = threading.Lock()
        self._pass_lock = threading.Lock()

    # --- events and status -------------------------------------------------------------------

    def add_listener(self, listener: ev.Listener) -> None:
        self.listeners.append(listener)

    def emit(self, event: ev.SyncEvent) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not break sync
                log.exception("sync listener failed on %s", type(event).__name__)

    def status(self) -> ev.SyncStatus:
        found = outbox.counts(self.store)
        last = settings.get_value(self.store, LAST_SYNCED_KEY)
        return ev.SyncStatus(
            state=self.state,
            waiting=found[outbox.OutboxState.PENDING] + found[outbox.OutboxState.SENDING],
            quarantined=found[outbox.OutboxState.QUARANTINED],
            last_synced_at=from_db(last),
            retry_at=self.timer.retry_at if self.state == "offline" else None,
            message=self.message,
        )

    # --- one pass ----------------------------------------------------------------------------

    def sync_once(self, reason: str = "demand") -> SyncReport:
        """Push everything due, then pull. Never raises a `SyncError`: it is in the report,
        in `state`, and in the events."""
        with self._pass_lock:
            return self._sync_once(reason)

    def _sync_once(self, reason: str) -> SyncReport:
        self.state = "syncing"
        self.emit(ev.SyncStarted(self.clock(), reason))
        run = _Pass(total=self._waiting())
        try:
            health = self.client.health()
            self._check_epoch(health.epoch)
            self.limits = self.client.config()
            self._check_epoch(self.limits.epoch)
            self._push_all(run)
            self._pull_all(run.report)
        except HubRestoredMidPass:
            # Re-run once right away: the requeue is committed, so this is cheap and bounded.
            return self._sync_once("hub_restored") if reason != "hub_restored" else run.report
        except SyncError as exc:
            return self._failed(run.report, exc)
        except sqlcipher3.DatabaseError as exc:
            # Disk full or the database locked by another program: every write is one
            # transaction, so nothing half-applied remains; rows left `sending` go again.
            return self._failed(run.report, LocalStorageProblem(type(exc).__name__))
        now = self.clock()
        settings.set_value(self.store, LAST_SYNCED_KEY, to_db(now))
        self.timer.succeeded()
        self.state, self.message = "idle", ""
        self.emit(ev.SyncFinished(now, run.report.acknowledged, run.report.quarantined, run.report.pulled))
        return run.report

    def _failed(self, report: SyncReport, exc: SyncError) -> SyncReport:
        report.error = exc
        self.message = exc.title
        if isinstance(exc, SignInNeeded):
            self.state = "sign_in_needed"
            self.emit(ev.SignInNeeded(exc.title, exc.action))
        elif isinstance(exc, AccessDenied | ClientTooOld):
            self.state = "paused"
            self.emit(ev.Paused(exc.title, exc.action))
        else:
            # Transient, or a hub answer we do not understand: either way a timer retries, so a
            # failure always leads to another try.
            self.state = "offline"
            report.retry_at = self.timer.failed(exc.retry_after)
            self.emit(ev.Offline(report.retry_at, exc.title, exc.action))
        log.info("sync stopped: %s", exc)  # titles and hub details only; never tokens or content
        return report

    def _waiting(self) -> int:
        return int(self.store.scalar("SELECT count(*) FROM outbox WHERE state IN (?, ?)",
                                     [outbox.OutboxState.PENDING, outbox.OutboxState.SENDING]) or 0)

    # --- epoch -------------------------------------------------------------------------------

    def _check_epoch(self, epoch: str) -> None:
        """A new hub epoch means it was restored from a backup and may have lost what we sent:
        everything acknowledged goes back to pending, and the pull starts again from scratch.
        Both happen in the same transaction as the epoch change, so a crash cannot skip them."""
        with self.store.write():
            known = settings.get_value(self.store, EPOCH_KEY)
            if known == epoch:
                return
            requeued = 0
            if known is not None:
                cursor = self.store.conn.execute(
                    "UPDATE outbox SET state = ?, next_attempt_at = NULL WHERE state = ?",
                    [outbox.OutboxState.PENDING, outbox.OutboxState.ACKNOWLEDGED])
                requeued = cursor.rowcount
                self.store.conn.execute("DELETE FROM sync_state WHERE key = ?", [CURSOR_KEY])
            settings.set_value(self.store, EPOCH_KEY, epoch)
        if known is not None:
            self.emit(ev.HubRestored(known, epoch, requeued))
            raise HubRestoredMidPass()

    # --- push --------------------------------------------------------------------------------

    def _push_all(self, run: _Pass) -> None:
        limits = self.limits
        batch = min(self.batch_size, limits.max_batch_records) if limits else self.batch_size
        max_bytes = limits.max_body_bytes if limits else 1 << 20
        after = 0
        # Walk the queue once in seq order: each row is tried at most once per pass, so a row
        # that keeps failing cannot spin this loop.
        while True:
            rows = _due_after(self.store, after, batch, self.clock())
            if not rows:
                return
            after = rows[-1]["seq"]
            for chunk in _by_size(rows, max_bytes):
                self._send(run, chunk, max_bytes)

    def _send(self, run: _Pass, rows: list[dict[str, Any]], max_bytes: int) -> None:
        if len(rows) == 1 and _body_size(rows) > max_bytes:
            self._quarantine(run, rows, "too_large", "too large for the hub even on its own")
            return
        seqs = [r["seq"] for r in rows]
        outbox.mark_sending(self.store, seqs)
        crash_point("after_mark_sending")
        try:
            response = self.client.push(body=_push_body(rows, _base_versions(self.store, rows)))
        except PayloadTooLarge:
            self._release(seqs)
            if len(rows) == 1:
                self._quarantine(run, rows, "too_large", "too large for the hub")
                return
            self.batch_size = max(1, len(rows) // 2)  # remember: the next batches start smaller
            half = len(rows) // 2
            self._send(run, rows[:half], max_bytes)
            self._send(run, rows[half:], max_bytes)
            return
        except BadBatch as exc:
            self._release(seqs)
            if len(rows) == 1:
                self._quarantine(run, rows, "bad_request", exc.detail or "the hub could not read it")
                return
            # Bisect: log2(n) extra requests find the one record that breaks the batch.
            half = len(rows) // 2
            self._send(run, rows[:half], max_bytes)
            self._send(run, rows[half:], max_bytes)
            return
        except SignInNeeded:
            self._release(seqs, uncount=True)
            raise
        except SyncError as exc:
            # Unknown outcome or refused: back to pending with the same frozen payload; the hub
            # answers `duplicate` for any it did commit.
            outbox.mark_retry(self.store, seqs, self.clock(), exc.title)
            raise
        crash_point("after_push_before_ack")
        if self.limits is not None and response.epoch != self.limits.epoch:
            self._release(seqs)
            self._check_epoch(response.epoch)
        self._record_results(run, rows, response.results)

    def _record_results(self, run: _Pass, rows: list[dict[str, Any]], results: Sequence[PushResult]) -> None:
        by_index = {r.index: r for r in results}
        acked: list[int] = []
        missing: list[dict[str, Any]] = []
        set_aside: list[tuple[dict[str, Any], PushResult]] = []
        for index, row in enumerate(rows):
            result = by_index.get(index)
            if result is None or result.id != row["record_id"] or result.version != row["version"]:
                missing.append(row)  # no usable answer: stays pending, as if never sent
            elif result.status in SUCCESS_STATUSES:
                acked.append(row["seq"])
            else:
                set_aside.append((row, result))
        now = self.clock()
        quarantined: list[ev.RecordQuarantined] = []
        # Acknowledgements, quarantines and retries of one batch land in one transaction.
        with self.store.write():
            outbox.mark_acknowledged(self.store, acked, now)
            _settle_older_quarantined(self.store, acked)
            for row, result in set_aside:
                quarantined.append(self._set_aside(row, result))
            for row in missing:
                delay = self.timer.backoff.delay(int(row["attempts"]) + 1)
                outbox.mark_retry(self.store, [row["seq"]], now + timedelta(seconds=delay),
                                  "the hub sent no result for this record")
            crash_point("mid_ack_transaction")
        run.report.acknowledged += len(acked)
        run.report.quarantined += len(set_aside)
        for event in quarantined:
            self.emit(event)
        self.emit(ev.Progress(run.report.acknowledged + run.report.quarantined, run.total))

    def _set_aside(self, row: dict[str, Any], result: PushResult) -> ev.RecordQuarantined:
        """Quarantine one record with the hub's answer; call inside a write transaction."""
        if result.status is ResultStatus.CONFLICT:
            code = "conflict"
            text = f"conflict: the hub has version {result.current_version}"
            # Keep the hub's side as data so the person can compare and choose; never overwrite.
            settings.set_value(self.store, f"{CONFLICT_PREFIX}{row['seq']}", json.dumps(
                {"current_version": result.current_version, "current": result.current},
                sort_keys=True))
        else:
            code = f"rejected:{result.reason.value if result.reason else 'unknown'}"
            fields = "; ".join(f"{e.field}: {e.message}" for e in (result.errors or [])[:5])
            text = f"{code}{' — ' + fields if fields else ''}"
        outbox.quarantine(self.store, [row["seq"]], text[:1000])
        return ev.RecordQuarantined(row["seq"], row["kind"], row["record_id"], row["version"], code)

    def _quarantine(self, run: _Pass, rows: list[dict[str, Any]], code: str, detail: str) -> None:
        outbox.quarantine(self.store, [r["seq"] for r in rows], f"{code}: {detail}"[:1000])
        run.report.quarantined += len(rows)
        for row in rows:
            self.emit(ev.RecordQuarantined(row["seq"], row["kind"], row["record_id"], row["version"], code))

    def _release(self, seqs: list[int], *, uncount: bool = False) -> None:
        """Back to pending, due now, without an error of its own (e.g. before a split)."""
        if not seqs:
            return
        marks = ",".join("?" * len(seqs))
        with self.store.write() as db:
            db.execute(
                f"UPDATE outbox SET state = ?, next_attempt_at = NULL, "
                f"attempts = attempts - ? WHERE seq IN ({marks}) AND state = ?",
                [outbox.OutboxState.PENDING, 1 if uncount else 0, *seqs, outbox.OutboxState.SENDING])

    # --- pull --------------------------------------------------------------------------------

    def _pull_all(self, report: SyncReport) -> None:
        limit = self.limits.max_pull_limit if self.limits else 500
        restarted = False
        for _ in range(MAX_PULL_PAGES):
            cursor = settings.get_value(self.store, CURSOR_KEY)
            try:
                page = self.client.pull(cursor, limit)
            except CursorExpired:
                if cursor is None or restarted:
                    raise ProtocolError("the hub refused a pull from the start") from None
                # Full re-pull. Only the cursor is forgotten: apply_remote ignores versions this
                # laptop already has, and unsent local records are never touched.
                restarted = True
                self._reset_cursor(cursor)
                continue
            report.pulled += self.apply_page(cursor, page)
            if not page.has_more:
                return

    def _reset_cursor(self, expected: str | None) -> None:
        with self.store.write():
            if settings.get_value(self.store, CURSOR_KEY) == expected:
                self.store.conn.execute("DELETE FROM sync_state WHERE key = ?", [CURSOR_KEY])

    def apply_page(self, cursor: str | None, page: PullResponse) -> int:
        """Apply one page of changes and its cursor in ONE transaction; skip it if another thread
        moved the cursor meanwhile (the live listener and a pass may race). Returns how many
        incident versions changed."""
        known_epoch = settings.get_value(self.store, EPOCH_KEY)
        if known_epoch is not None and page.epoch != known_epoch:
            self._check_epoch(page.epoch)
        new: list[str] = []
        updated: list[tuple[str, int]] = []
        with self._pull_lock, self.store.write():
            if settings.get_value(self.store, CURSOR_KEY) != cursor:
                return 0
            for change in page.changes:
                if change.kind is not RecordKind.INCIDENT:
                    continue  # other kinds from team devices have no local home yet
                data = {k: v for k, v in change.data.items() if not (k == "status" and v is None)}
                data["id"] = change.id
                existed = self.store.conn.execute(
                    "SELECT 1 FROM incidents WHERE id = ?", [change.id]).fetchone() is not None
                try:
                    changed = incidents.apply_remote(self.store, data, change.version)
                except CviError as exc:
                    # Validation runs before any write, so skipping leaves the page consistent.
                    log.warning("skipped hub incident %s v%s: %s", change.id, change.version,
                                type(exc).__name__)
                    continue
                if changed and existed:
                    updated.append((change.id, change.version))
                elif changed:
                    new.append(change.id)
            crash_point("mid_pull_page")
            settings.set_value(self.store, CURSOR_KEY, page.cursor)
        for incident_id in new:
            self.emit(ev.NotificationReceived(incident_id))
        for incident_id, version in updated:
            self.emit(ev.IncidentUpdated(incident_id, version))
        return len(new) + len(updated)

    def cursor(self) -> str | None:
        return settings.get_value(self.store, CURSOR_KEY)


# --- queries over the outbox that the core does not offer (see report: candidates for outbox.py) --


def _due_after(store: Store, after: int, limit: int, now: datetime) -> list[dict[str, Any]]:
    """`outbox.due` restricted to seq > after (same rules, incl. far-future retry = due now)."""
    return store.rows(
        "SELECT * FROM outbox WHERE seq > ? AND state IN (?, ?) AND (next_attempt_at IS NULL "
        "OR next_attempt_at <= ? OR next_attempt_at > ?) ORDER BY seq LIMIT ?",
        [after, outbox.OutboxState.PENDING, outbox.OutboxState.SENDING, to_db(now),
         to_db(now + outbox.MAX_BACKOFF), limit],
    )


def _settle_older_quarantined(store: Store, acked: list[int]) -> None:
    """Once a newer version of a record is acknowledged (the person's Edit went through), older
    quarantined versions of it are settled: marked superseded, never deleted."""
    if not acked:
        return
    marks = ",".join("?" * len(acked))
    store.conn.execute(
        f"UPDATE outbox SET state = ? WHERE state = ? AND EXISTS (SELECT 1 FROM outbox n WHERE "
        f"n.seq IN ({marks}) AND n.audience = outbox.audience AND n.kind = outbox.kind AND "
        f"n.record_id = outbox.record_id AND n.version > outbox.version)",
        [outbox.OutboxState.SUPERSEDED, outbox.OutboxState.QUARANTINED, *acked])


def conflicts(store: Store) -> list[dict[str, Any]]:
    """Quarantined conflicts with the hub's current version, for a "sync issues" view."""
    found = []
    for row in outbox.quarantined(store):
        saved = settings.get_value(store, f"{CONFLICT_PREFIX}{row['seq']}")
        if saved is not None and row["last_error"].startswith("conflict"):
            found.append({**row, "hub": json.loads(saved)})
    return found


def _base_versions(store: Store, rows: list[dict[str, Any]]) -> dict[int, int]:
    """The hub version each edit was based on: the newest version the hub confirmed to us (an
    acknowledgement, or for incidents a version the hub sent). Omitted for new records."""
    bases: dict[int, int] = {}
    for row in rows:
        if row["version"] <= 1:
            continue
        acked = store.scalar(
            "SELECT max(version) FROM outbox WHERE audience = ? AND kind = ? AND record_id = ? "
            "AND version < ? AND state = ?",
            [row["audience"], row["kind"], row["record_id"], row["version"],
             outbox.OutboxState.ACKNOWLEDGED]) or 0
        from_hub = 0
        if row["kind"] == RecordKind.INCIDENT:
            from_hub = store.scalar(
                "SELECT max(version) FROM incident_versions WHERE incident_id = ? AND version < ? "
                "AND recorded_by = 'hub'", [row["record_id"], row["version"]]) or 0
        # After a conflict, an Edit is based on the version the hub showed us.
        seen = 0
        for saved in store.rows(
                "SELECT s.value FROM sync_state s JOIN outbox o ON s.key = ? || o.seq "
                "WHERE o.audience = ? AND o.kind = ? AND o.record_id = ? AND o.version < ?",
                [CONFLICT_PREFIX, row["audience"], row["kind"], row["record_id"], row["version"]]):
            seen = max(seen, int(json.loads(saved["value"]).get("current_version") or 0))
        base = max(acked, from_hub, seen)
        if base:
            bases[row["seq"]] = base
    return bases


def _record_json(row: dict[str, Any], base: int | None) -> str:
    # The frozen payload is canonical JSON of the envelope; add the hash (and base) by splicing
    # text, so the bytes the hub hashes are exactly the ones frozen at save time.
    extra = f',"sha256":"{row["sha256"]}"'
    if base is not None:
        extra += f',"base_version":{int(base)}'
    payload: str = row["payload"]
    return payload[:-1] + extra + "}"


def _push_body(rows: list[dict[str, Any]], bases: dict[int, int]) -> bytes:
    return ('{"records":[' + ",".join(_record_json(r, bases.get(r["seq"])) for r in rows)
            + "]}").encode("utf-8")


_ENVELOPE_OVERHEAD = 120  # sha256, base_version, commas and the batch wrapper, generously


def _body_size(rows: list[dict[str, Any]]) -> int:
    return sum(int(r["size"]) + _ENVELOPE_OVERHEAD for r in rows) + 16


def _by_size(rows: list[dict[str, Any]], max_bytes: int) -> list[list[dict[str, Any]]]:
    """Split a batch so each request stays under the hub's advertised body limit."""
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 16
    for row in rows:
        cost = int(row["size"]) + _ENVELOPE_OVERHEAD
        if chunks[-1] and size + cost > max_bytes:
            chunks.append([])
            size = 16
        chunks[-1].append(row)
        size += cost
    return [c for c in chunks if c]
