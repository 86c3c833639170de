"""One sync pass: health and epoch check, drain the outbox in batches, then pull the hub's changes.

The engine writes no SQL and holds no connection: every store access is one whole core
function (`cvi_desktop.outbox`, `cvi_desktop.replica`, the services) handed to `run`, which
the desktop points at its store thread (Datasette's `execute_write_fn` pattern) and the CLI and
tests at the store itself.

The engine keeps no state that matters in memory: every decision it must not forget (which
records were sent, acknowledged or set aside, the pull cursor, the hub epoch) is written to the
store in the same transaction as the change it describes, so a kill at any instant leaves the
profile consistent and the next pass simply carries on. Rows left `sending` by a crash are sent
again; the hub answers `duplicate` for what it already has.

Errors come from `sync.client` as one taxonomy; here each kind becomes an outcome:
transient -> back off (full jitter, Retry-After honoured) and try later; 401 -> "sign-in needed",
queue kept, attempt not counted; 403 / too-old client -> paused; 413 -> halve the batch; 400 ->
bisect to the poison record; per-record rejection or conflict -> quarantine with the hub's reason.
A `StorageProblem` from the store (disk full, database locked, read-only, damaged) is no network
trouble: state "storage_problem" and a `StorageProblem` event, retried on the timer.

A pass is bounded: it sends at most the records that were waiting when it began (a steady writer
saving meanwhile cannot keep it going; the next pass takes the new ones) and pulls at most
`max_pull_pages` pages (the live channel and the next pass take the rest).

A hub restored from a backup is noticed two ways: a new epoch, or (restored without one) a pull
answered 410 `cursor_ahead`. Both requeue what the hub acknowledged and re-pull from scratch.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlcipher3

from cvi_desktop import outbox, replica
from cvi_desktop.clock import from_db, to_db
from cvi_desktop.errors import StorageProblem
from cvi_desktop.services import people, settings
from cvi_desktop.sharing import RecordKind
from cvi_desktop.store.database import Store, storage_problem

from ..backoff import Backoff, RetryTimer
from ..client import (
    AccessDenied,
    BadBatch,
    ClientTooOld,
    CursorAhead,
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

CURSOR_KEY = replica.CURSOR_KEY
EPOCH_KEY = replica.EPOCH_KEY
LAST_SYNCED_KEY = "sync.last_synced_at"
CONFLICT_PREFIX = outbox.CONFLICT_PREFIX

T = TypeVar("T")
# Runs one whole core function against the profile's store and returns its result.
StoreRunner = Callable[[Callable[[Store], T]], T]

DEFAULT_BATCH = 200
TEAM_REFRESH_SECONDS = 60.0  # who am I and the staff list; names and roles change rarely
# Pages one pass pulls at most (500 records each by default): a pass ends even while other
# laptops keep pushing; what is left comes through the live channel or the next pass.
MAX_PULL_PAGES = 50
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
    batches: int = 0  # push requests made
    pull_pages: int = 0
    more_to_pull: bool = False  # the page cap ended the pull; the hub has more

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Pass:
    total: int
    report: SyncReport = field(default_factory=SyncReport)


class LocalStorageProblem(SyncError):
    """This laptop's own database failed during a pass (never the hub or the network). Carries
    the store's `StorageProblem` words; every write is one transaction, so nothing half-applied
    remains and rows left `sending` go again."""

    title = "This laptop could not save sync progress"
    action = ("Free some disk space, or close other programs using this profile; sync tries "
              "again by itself and nothing already saved is lost.")
    transient = True

    def __init__(self, problem: StorageProblem | None = None, detail: str = "") -> None:
        super().__init__(detail or (problem.detail if problem else ""))
        self.kind = problem.kind if problem else "unavailable"
        if problem is not None:
            self.title, self.action = problem.title, problem.action


class HubRestoredMidPass(Exception):
    """The hub's epoch changed during a pass; the pass stops and the next one re-pushes."""


class SyncEngine:
    """Syncs one profile's store with one hub. Call `sync_once()` from one thread at a time
    (`SyncService` does); `apply_live_page` may be called from the live listener thread."""

    def __init__(self, store: Store | None, client: HubClient, *, clock: Callable[[], datetime] | None = None,
                 backoff: Backoff | None = None, listeners: Iterable[ev.Listener] = (),
                 batch_size: int = DEFAULT_BATCH, run: StoreRunner[Any] | None = None) -> None:
        """`store` for a caller that owns it on this thread (CLI, tests); or `run`, which runs a
        function on the thread that owns the store (the desktop's store thread)."""
        if run is None:
            if store is None:
                raise ValueError("give the store or a runner for it")
            owned = store

            def run(fn: Callable[[Store], Any]) -> Any:
                return fn(owned)

        self.run: StoreRunner[Any] = run
        self.client = client
        self.clock = clock or self._store_clock
        self.identity: dict[str, Any] | None = None
        self.team_refresh_seconds = TEAM_REFRESH_SECONDS
        self._team_learned = 0.0
        self.timer = RetryTimer(self.clock, backoff or Backoff())
        self.listeners: list[ev.Listener] = list(listeners)
        self.batch_size = batch_size
        self.limits: SyncConfig | None = None
        self.state = "idle"
        self.message = ""
        self.max_pull_pages = MAX_PULL_PAGES
        self.pull_page_limit: int | None = None  # records per pull page; None: the hub's maximum
        self._last_counts: tuple[int, int, str | None] = (0, 0, None)  # for status() if the store fails
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

    def _store_clock(self) -> datetime:
        return self.run(lambda s: s.now())

    def status(self) -> ev.SyncStatus:
        """Built from the store; if the store itself fails, the last counts it gave, in state
        "storage_problem" (the status bar must not break with the database)."""
        try:
            found, last = self.run(lambda s: (outbox.counts(s), settings.get_value(s, LAST_SYNCED_KEY)))
            waiting = found[outbox.OutboxState.PENDING] + found[outbox.OutboxState.SENDING]
            self._last_counts = (waiting, found[outbox.OutboxState.QUARANTINED], last)
            state, message = self.state, self.message
        except StorageProblem as exc:
            state, message = "storage_problem", exc.title
        waiting, quarantined, last = self._last_counts
        return ev.SyncStatus(
            state=state,
            waiting=waiting,
            quarantined=quarantined,
            last_synced_at=from_db(last),
            retry_at=self.timer.retry_at if state in ("offline", "storage_problem") else None,
            message=message,
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
        run = _Pass(total=0)
        try:
            # What is waiting now bounds this pass's push walk (see `_push_all`).
            run.total = self.run(outbox.waiting_count)
            health = self.client.health()
            self._check_epoch(health.epoch)
            self.limits = self.client.config()
            self._check_epoch(self.limits.epoch)
            self._learn_identity()
            self._push_all(run)
            self._pull_all(run.report)
            now = self.clock()
            self.run(lambda s: settings.set_value(s, LAST_SYNCED_KEY, to_db(now)))
        except HubRestoredMidPass:
            # Re-run once right away: the requeue is committed, so this is cheap and bounded.
            if reason != "hub_restored":
                return self._sync_once("hub_restored")
            return self._failed(run.report, ProtocolError("the hub was restored twice in one sync"))
        except SyncError as exc:
            return self._failed(run.report, exc)
        except StorageProblem as exc:
            # This laptop's disk or database, not the network: every write is one transaction,
            # so nothing half-applied remains; rows left `sending` go again.
            return self._failed(run.report, LocalStorageProblem(exc))
        except sqlcipher3.DatabaseError as exc:
            # Raised by a core function that reached SQLite around the store's wrappers.
            found = storage_problem(exc, self.run(lambda s: s.path))
            return self._failed(run.report, LocalStorageProblem(found, type(exc).__name__))
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
        elif isinstance(exc, LocalStorageProblem):
            # Not "offline": the person may have to free disk space or close a program. The
            # timer still retries, since a lock or a full disk often clears by itself.
            self.state = "storage_problem"
            report.retry_at = self.timer.failed()
            self.emit(ev.StorageProblem(exc.title, exc.action, exc.kind, report.retry_at))
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

    # --- who this laptop's person is, and their team ----------------------------------------

    def _learn_identity(self) -> None:
        """Role and staff id come from the hub, never a local setting; so does the staff list.
        Asked before records are pushed (so they carry the staff id the hub knows): on the
        first pass, then at most every `team_refresh_seconds` (two small requests)."""
        if self.identity is not None and time.monotonic() - self._team_learned < self.team_refresh_seconds:
            return
        me = self.client.me().model_dump(mode="json")
        if self.run(lambda s: settings.set_identity(s, me)) or self.identity is None:
            self.identity = self.run(settings.identity)
            self.emit(ev.IdentityChanged(dict(self.identity or {})))
        if me.get("org_id") and me.get("staff_id"):
            members = [m.model_dump(mode="json") for m in self.client.staff()]
            if self.run(lambda s: people.apply_team(s, members)):
                self.emit(ev.TeamChanged(len(members)))
        self._team_learned = time.monotonic()

    # --- epoch -------------------------------------------------------------------------------

    def _check_epoch(self, epoch: str) -> None:
        """A new hub epoch means it was restored from a backup and may have lost what we sent
        (`replica.change_epoch` requeues and forgets the cursor in one transaction)."""
        known, requeued = self.run(lambda s: replica.change_epoch(s, epoch))
        if known is not None and known != epoch:
            self.emit(ev.HubRestored(known, epoch, requeued))
            raise HubRestoredMidPass()

    # --- push --------------------------------------------------------------------------------

    def _push_all(self, run: _Pass) -> None:
        limits = self.limits
        batch = min(self.batch_size, limits.max_batch_records) if limits else self.batch_size
        max_bytes = limits.max_body_bytes if limits else 1 << 20
        after = 0
        # Walk the queue once in seq order: each row is tried at most once per pass, so a row
        # that keeps failing cannot spin this loop. And take at most as many rows as were
        # waiting when the pass began: rows saved meanwhile get higher seqs, so they come after
        # every row that was waiting, and the budget runs out before a steady writer's new rows
        # can keep the pass going (they are the next pass's).
        budget = run.total
        while budget > 0:
            now, take = self.clock(), min(batch, budget)
            rows = self.run(lambda s, a=after, n=now, k=take: outbox.due_after(s, a, k, n))
            if not rows:
                return
            after = rows[-1]["seq"]
            budget -= len(rows)
            for chunk in _by_size(rows, max_bytes):
                self._send(run, chunk, max_bytes)

    def _send(self, run: _Pass, rows: list[dict[str, Any]], max_bytes: int) -> None:
        if len(rows) == 1 and _body_size(rows) > max_bytes:
            self._quarantine(run, rows, "too_large", "too large for the hub even on its own")
            return
        seqs = [r["seq"] for r in rows]
        self.run(lambda s: outbox.mark_sending(s, seqs))
        crash_point("after_mark_sending")
        bases = self.run(lambda s: outbox.base_versions(s, rows))
        try:
            run.report.batches += 1
            response = self.client.push(body=_push_body(rows, bases))
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
            now, why = self.clock(), exc.title
            self.run(lambda s: outbox.mark_retry(s, seqs, now, why))
            raise
        crash_point("after_push_before_ack")
        if self.limits is not None and response.epoch != self.limits.epoch:
            self._release(seqs)
            self._check_epoch(response.epoch)
        self._record_results(run, rows, response.results)

    def _record_results(self, run: _Pass, rows: list[dict[str, Any]], results: Sequence[PushResult]) -> None:
        by_index = {r.index: r for r in results}
        now = self.clock()
        settled = outbox.Settlement()
        quarantined: list[ev.RecordQuarantined] = []
        for index, row in enumerate(rows):
            result = by_index.get(index)
            if result is None or result.id != row["record_id"] or result.version != row["version"]:
                # No usable answer: stays pending, as if never sent.
                delay = self.timer.backoff.delay(int(row["attempts"]) + 1)
                settled.retry.append((row["seq"], now + timedelta(seconds=delay),
                                      "the hub sent no result for this record"))
            elif result.status in SUCCESS_STATUSES:
                settled.acknowledged.append(row["seq"])
                if result.flag is not None and row["kind"] == RecordKind.RESPONSE_ACTION:
                    settled.flags.append((row["record_id"], result.flag.value))
            else:
                quarantined.append(self._set_aside(settled, row, result))
        # Acknowledgements, quarantines, retries and flags of one batch land in one transaction.
        self.run(lambda s: outbox.settle(s, settled, now, during=lambda: crash_point("mid_ack_transaction")))
        run.report.acknowledged += len(settled.acknowledged)
        run.report.quarantined += len(quarantined)
        for event in quarantined:
            self.emit(event)
        self.emit(ev.Progress(run.report.acknowledged + run.report.quarantined, run.total))

    @staticmethod
    def _set_aside(settled: outbox.Settlement, row: dict[str, Any],
                   result: PushResult) -> ev.RecordQuarantined:
        """Quarantine one record with the hub's answer (recorded with the rest of the batch)."""
        if result.status is ResultStatus.CONFLICT:
            code = "conflict"
            text = f"conflict: the hub has version {result.current_version}"
            settled.conflicts[row["seq"]] = {"current_version": result.current_version,
                                             "current": result.current}
        else:
            code = f"rejected:{result.reason.value if result.reason else 'unknown'}"
            fields = "; ".join(f"{e.field}: {e.message}" for e in (result.errors or [])[:5])
            text = f"{code}{' — ' + fields if fields else ''}"
        settled.quarantined.append((row["seq"], text))
        return ev.RecordQuarantined(row["seq"], row["kind"], row["record_id"], row["version"], code)

    def _quarantine(self, run: _Pass, rows: list[dict[str, Any]], code: str, detail: str) -> None:
        seqs = [r["seq"] for r in rows]
        self.run(lambda s: outbox.quarantine(s, seqs, f"{code}: {detail}"[:1000]))
        run.report.quarantined += len(rows)
        for row in rows:
            self.emit(ev.RecordQuarantined(row["seq"], row["kind"], row["record_id"], row["version"], code))

    def _release(self, seqs: list[int], *, uncount: bool = False) -> None:
        """Back to pending, due now, without an error of its own (e.g. before a split)."""
        self.run(lambda s: outbox.release(s, seqs, uncount=uncount))

    # --- pull --------------------------------------------------------------------------------

    def _pull_all(self, report: SyncReport) -> None:
        limit = self.limits.max_pull_limit if self.limits else 500
        if self.pull_page_limit is not None:
            limit = min(limit, self.pull_page_limit)
        restarted = False
        for _ in range(self.max_pull_pages):
            cursor = self.cursor()
            try:
                report.pull_pages += 1
                page = self.client.pull_page(cursor, limit)
            except CursorAhead:
                if cursor is None:
                    raise ProtocolError("the hub refused a pull from the start") from None
                # Our cursor is past the end of the hub's log: it was restored from a backup
                # without a new epoch and may have lost what it acknowledged. As for a new epoch:
                # requeue and forget the cursor in one transaction, then run the pass again.
                requeued = self.run(lambda s, c=cursor: replica.reset_cursor(s, c, requeue=True))
                epoch = self.run(replica.known_epoch) or ""
                self.emit(ev.HubRestored(epoch, epoch, requeued))
                raise HubRestoredMidPass() from None
            except CursorExpired:
                if cursor is None or restarted:
                    raise ProtocolError("the hub refused a pull from the start") from None
                # Full re-pull. Only the cursor is forgotten: versions this laptop already has
                # are ignored, and unsent local records are never touched.
                restarted = True
                self.run(lambda s, c=cursor: replica.reset_cursor(s, c))
                continue
            report.pulled += self.apply_page(cursor, page)
            if not page["has_more"]:
                return
        report.more_to_pull = True

    def apply_page(self, cursor: str | None, page: PullResponse | Mapping[str, Any]) -> int:
        """Apply one page of changes and its cursor in ONE transaction (`replica.apply_page`);
        skipped if another thread moved the cursor meanwhile (the live listener and a pass may
        race). `page` as the hub's model (the live channel) or as `HubClient.pull_page`'s plain
        dicts. Returns how many incidents changed."""
        return self.apply_page_result(cursor, page).changed

    def apply_page_result(self, cursor: str | None, page: PullResponse | Mapping[str, Any]
                          ) -> replica.AppliedPage:
        """`apply_page`, answering what the page did, including whether it was applied at all
        (`applied` False: the stored cursor was no longer `cursor`). The event stream needs
        that to notice it has fallen out of step with the stored cursor."""
        if isinstance(page, PullResponse):
            page = page.model_dump(mode="json")
        epoch, new_cursor, changes = page["epoch"], page["cursor"], page["changes"]

        def apply(s: Store) -> replica.AppliedPage:
            return replica.apply_page(s, cursor, changes, new_cursor,
                                      during=lambda: crash_point("mid_pull_page"))

        def apply_if_same_epoch(s: Store) -> replica.AppliedPage | None:
            # The epoch check and the page in one trip to the store's thread: a live page is
            # on its way to the notification bell.
            known_epoch = replica.known_epoch(s)
            if known_epoch is not None and epoch != known_epoch:
                return None
            return apply(s)

        with self._pull_lock:
            applied = self.run(apply_if_same_epoch)
        if applied is None:
            self._check_epoch(epoch)  # another epoch: raises HubRestoredMidPass (a pass recovers)
            with self._pull_lock:
                applied = self.run(apply)
        for incident_id in applied.new_incidents:
            self.emit(ev.NotificationReceived(incident_id))
        for incident_id, version in applied.updated_incidents:
            self.emit(ev.IncidentUpdated(incident_id, version))
        if applied.team_incidents:
            self.emit(ev.TeamRecordsReceived(tuple(applied.team_incidents)))
        return applied

    def cursor(self) -> str | None:
        return self.run(replica.cursor)


# --- the push body ------------------------------------------------------------------------------


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
