"""When sync runs: a background scheduler thread and the live-channel listener (plain threads).

`SyncService` runs `SyncEngine.sync_once` on one worker thread when asked (`request_sync`), a
debounce after a save (`notify_saved`), on a periodic timer, at the backoff retry time after a
failure, and on reconnect (the live listener reaching the hub again). After "sign-in needed" or
a 403 it waits for the person: only `request_sync` (e.g. after signing in) starts it again.

`LiveListener` holds a long-poll on the hub's `/v1/sync/wait`; each page it gets is applied
through the engine (page and cursor in one transaction), which fires `NotificationReceived`
for every new incident the moment it lands.

Waiting uses `threading.Event.wait` on the monotonic clock; the engine's wall clock (injected)
is only used for what gets stored and shown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ..client import CursorExpired, HubClient, SignInNeeded, SyncError
from . import events as ev
from .core import HubRestoredMidPass, SyncEngine, SyncReport

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 300.0  # periodic sync even when nothing happens: pulls and retries
DEFAULT_DEBOUNCE = 3.0  # after a save, wait for the burst of edits to finish


class SyncService:
    """Owns the sync worker thread (and optionally the live listener) for one engine."""

    def __init__(self, engine: SyncEngine, *, interval: float = DEFAULT_INTERVAL,
                 debounce: float = DEFAULT_DEBOUNCE, live: bool = True,
                 live_client: HubClient | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.interval = interval
        self.debounce = debounce
        self._monotonic = monotonic
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._demand: str | None = "start"  # sync once at start
        self._saved_at: float | None = None
        self._next_timer = monotonic() + interval
        self._thread: threading.Thread | None = None
        self.live: LiveListener | None = None
        if live:
            self.live = LiveListener(engine, live_client or engine.client.clone(), self)
        self.last_report: SyncReport | None = None

    # --- control, callable from any thread ------------------------------------------------------

    def start(self) -> SyncService:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cvi-sync", daemon=True)
            self._thread.start()
            if self.live is not None:
                self.live.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop both threads. A pass in flight finishes its current request (each has a timeout)."""
        self._stop.set()
        self._wake.set()
        if self.live is not None:
            self.live.stop(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def request_sync(self, reason: str = "demand") -> None:
        """Sync now (the Sync button, after sign-in, on reconnect). Clears a pause."""
        with self._lock:
            self._demand = reason
        self._wake.set()

    def notify_saved(self) -> None:
        """A record was saved: sync after `debounce` seconds without another save."""
        with self._lock:
            self._saved_at = self._monotonic()
        self._wake.set()

    def status(self) -> ev.SyncStatus:
        return self.engine.status()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # --- the worker ----------------------------------------------------------------------------

    def _due_reason(self, now: float) -> tuple[str | None, float]:
        """(why to sync now, or None; how long to sleep otherwise)."""
        waiting_for_person = self.engine.state in ("sign_in_needed", "paused")
        with self._lock:
            if self._demand is not None:
                reason, self._demand = self._demand, None
                return reason, 0.0
            if waiting_for_person:
                return None, 3600.0
            deadlines: list[tuple[float, str]] = [(self._next_timer, "timer")]
            if self._saved_at is not None:
                deadlines.append((self._saved_at + self.debounce, "saved"))
            retry_at = self.engine.timer.retry_at
            if retry_at is not None:
                wait = (retry_at - self.engine.clock()).total_seconds()
                # A retry time beyond the cap (the wall clock went back) counts as due now.
                if wait > self.engine.timer.backoff.cap:
                    wait = 0.0
                deadlines.append((now + max(0.0, wait), "retry"))
            when, reason = min(deadlines)
            if when <= now:
                if reason == "saved":
                    self._saved_at = None
                return reason, 0.0
            return None, when - now

    def _run(self) -> None:
        while not self._stop.is_set():
            reason, sleep = self._due_reason(self._monotonic())
            if reason is None:
                self._wake.wait(timeout=min(sleep, self.interval))
                self._wake.clear()
                continue
            try:
                self.last_report = self.engine.sync_once(reason)
            except Exception:  # never let the worker die: log and try again on the timer
                log.exception("sync pass failed unexpectedly")
                self.engine.timer.failed()
            with self._lock:
                self._next_timer = self._monotonic() + self.interval


class LiveListener:
    """Long-polls the hub for new changes; applies each page as it comes."""

    def __init__(self, engine: SyncEngine, client: HubClient, service: SyncService | None = None,
                 *, wait_seconds: float | None = None) -> None:
        self.engine = engine
        self.client = client
        self.service = service
        self.wait_seconds = wait_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False
        self._failures = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cvi-sync-live", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        # Close the session so a held long-poll ends now rather than at the hub's timeout.
        self.client.close()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _seconds(self) -> float:
        if self.wait_seconds is not None:
            return self.wait_seconds
        limits = self.engine.limits
        return min(25.0, limits.max_wait_seconds) if limits else 25.0

    def poll_once(self) -> int:
        """One long-poll; returns how many incident versions it applied. Raises SyncError."""
        cursor = self.engine.cursor()
        page = self.client.wait_page(cursor, self._seconds())
        applied = self.engine.apply_page(cursor, page)
        if page["has_more"] and self.service is not None:
            self.service.request_sync("live")
        return applied

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.engine.state in ("sign_in_needed", "paused"):
                self._stop.wait(5.0)
                continue
            try:
                self.poll_once()
            except (CursorExpired, HubRestoredMidPass):
                # The full pass knows how to recover from both; the listener just asks for it.
                if self.service is not None:
                    self.service.request_sync("live")
                self._stop.wait(1.0)
                continue
            except SignInNeeded:
                if self.service is not None:
                    self.service.request_sync("live")  # the pass raises the event and pauses
                self._stop.wait(5.0)
                continue
            except SyncError:
                if self._stop.is_set():
                    return
                self.connected = False
                self._failures += 1
                self._stop.wait(self.engine.timer.backoff.delay(self._failures))
                continue
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("live channel failed unexpectedly")
                self._stop.wait(5.0)
                continue
            if not self.connected:
                # Reconnect: the hub answered after a failure (or for the first time) -> full sync.
                self.connected = True
                if self._failures and self.service is not None:
                    self.service.request_sync("reconnect")
                self._failures = 0

