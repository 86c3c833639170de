"""When sync runs: a background scheduler thread and the live-channel listener (plain threads).

`SyncService` runs `SyncEngine.sync_once` on one worker thread when asked (`request_sync`), a
debounce after a save (`notify_saved`), on a periodic timer, at the backoff retry time after a
failure, and on reconnect (the live listener reaching the hub again). After "sign-in needed" or
a 403 it waits for the person: only `request_sync` (e.g. after signing in) starts it again.

`LiveListener` waits on the hub's live channel: its event stream (`/v1/sync/events`, server-sent
events) when `/v1/sync/config` offers "sse", else the long-poll (`/v1/sync/wait`), and the
long-poll too for a hub that answers the stream 404/405. Either way each page goes through the
engine's `apply_page` (page and cursor in one transaction, so at least once and idempotent),
which fires `NotificationReceived` for every new incident the moment it lands; a reconnect
resumes from the stored cursor (Last-Event-ID).

Waiting uses `threading.Event.wait` on the monotonic clock; the engine's wall clock (injected)
is only used for what gets stored and shown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ..client import CursorExpired, HubClient, ProtocolError, SignInNeeded, SyncError
from ..protocol import LiveChannel, SyncConfig
from . import events as ev
from .core import HubRestoredMidPass, SyncEngine, SyncReport

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 300.0  # periodic sync even when nothing happens: pulls and retries
DEFAULT_DEBOUNCE = 3.0  # after a save, wait for the burst of edits to finish


class SyncService:
    """Owns the sync worker thread (and optionally the live listener) for one engine."""

    def __init__(self, engine: SyncEngine, *, interval: float = DEFAULT_INTERVAL,
                 debounce: float = DEFAULT_DEBOUNCE, live: bool = True,
                 live_client: HubClient | None = None, live_channel: str | None = None,
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
            # live_channel: "sse" or "long-poll" to insist on one; None: what the hub offers.
            self.live = LiveListener(engine, live_client or engine.client.clone(), self,
                                     channel=live_channel)
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
    """Waits on the hub's live channel and applies each page as it comes.

    `channel`: "sse" or "long-poll" to insist on one; None (the default) uses the event stream
    when the hub advertises it, else the long-poll. `channel_in_use` says which it is on now.
    """

    def __init__(self, engine: SyncEngine, client: HubClient, service: SyncService | None = None,
                 *, wait_seconds: float | None = None, channel: str | None = None) -> None:
        self.engine = engine
        self.client = client
        self.service = service
        self.wait_seconds = wait_seconds
        self.channel = channel
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False
        self._failures = 0
        self._config: SyncConfig | None = None  # the hub's config, as this listener read it
        self._sse_refused = False  # the hub answered the stream 404/405: long-poll from now on
        self.channel_in_use: str | None = None
        self.streams_opened = 0  # event-stream connections that answered (tests, diagnostics)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cvi-sync-live", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        # Close the session (and shut the event stream's socket) so a held long-poll or a
        # silent stream ends now rather than at the hub's timeout or heartbeat.
        self.client.close()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _seconds(self) -> float:
        if self.wait_seconds is not None:
            return self.wait_seconds
        limits = self.engine.limits
        return min(25.0, limits.max_wait_seconds) if limits else 25.0

    def _hub_config(self) -> SyncConfig:
        # The last pass's view of the hub if there was one, else this listener's own (the
        # listener starts alongside the first pass and must not wait for it).
        if self.engine.limits is not None:
            return self.engine.limits
        if self._config is None:
            self._config = self.client.config()
        return self._config

    def uses_sse(self) -> bool:
        """Whether the next connection is the event stream. May ask the hub for its config."""
        if self.channel is not None:
            return self.channel == LiveChannel.SSE.value
        if self._sse_refused:
            return False
        return LiveChannel.SSE.value in self._hub_config().live_channels

    def poll_once(self) -> int:
        """One long-poll; returns how many incident versions it applied. Raises SyncError."""
        cursor = self.engine.cursor()
        page = self.client.wait_page(cursor, self._seconds())
        self._answered()
        applied = self.engine.apply_page(cursor, page)
        if page["has_more"] and self.service is not None:
            self.service.request_sync("live")
        return applied

    def stream_once(self) -> int:
        """One event-stream connection, until the hub ends it (or `stop`, or the stored cursor
        moves under it); returns how many incident versions it applied. Raises SyncError.

        Each page is applied against the cursor it follows, exactly as a long-poll page is, and
        the cursor is stored with it, so a stream cut anywhere loses nothing: the reconnect
        sends the stored cursor as Last-Event-ID and the hub resumes after it."""
        cursor = self.engine.cursor()
        limits = self._hub_config()
        applied = 0
        stream = self.client.events(cursor, limit=min(500, limits.max_pull_limit),
                                    heartbeat=limits.heartbeat_seconds)
        opened = False
        try:
            for page in stream:
                if not opened:
                    opened = True
                    self.streams_opened += 1
                if page is None:  # the hub's opening comment or a heartbeat
                    self._answered()
                    if self._stop.is_set():
                        return applied
                    continue
                result = self.engine.apply_page_result(cursor, page)
                applied += result.changed
                if not result.applied and self.engine.cursor() != page["cursor"]:
                    # A pass moved the stored cursor elsewhere: this stream's pages no longer
                    # follow it. Reconnect from the stored one rather than skip page after page.
                    return applied
                cursor = page["cursor"]
                if self._stop.is_set():
                    return applied
        finally:
            stream.close()
        return applied

    def _answered(self) -> None:
        if not self.connected:
            # Reconnect: the hub answered after a failure (or for the first time) -> full sync.
            self.connected = True
            if self._failures and self.service is not None:
                self.service.request_sync("reconnect")
            self._failures = 0

    def listen_once(self) -> int:
        """One long-poll, or one event-stream connection: whichever the hub offers."""
        if not self.uses_sse():
            self.channel_in_use = LiveChannel.LONG_POLL.value
            return self.poll_once()
        self.channel_in_use = LiveChannel.SSE.value
        opened = time.monotonic()
        try:
            return self.stream_once()
        except ProtocolError as exc:
            # A hub (or a proxy before it) without the stream: the long-poll from now on.
            if self.channel is None and (exc.status in (404, 405) or (exc.status or 0) // 100 == 2):
                log.info("the hub's event stream is not available (%s); using the long-poll", exc)
                self._sse_refused = True
                return 0
            raise
        finally:
            # A stream the hub ends at once, again and again, must not become a busy loop.
            if not self._stop.is_set() and time.monotonic() - opened < 0.05:
                self._stop.wait(0.05)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.engine.state in ("sign_in_needed", "paused"):
                self._stop.wait(5.0)
                continue
            try:
                self.listen_once()
            except (CursorExpired, HubRestoredMidPass):
                # The full pass knows how to recover from both; the listener just asks for it.
                if self.service is not None:
                    self.service.request_sync("live")
                self._config = None
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
                self._config = None  # the hub may come back another version: ask it again
                self._failures += 1
                self._stop.wait(self.engine.timer.backoff.delay(self._failures))
                continue
            except Exception:
                if self._stop.is_set():
                    return
                log.exception("live channel failed unexpectedly")
                self._stop.wait(5.0)
                continue
