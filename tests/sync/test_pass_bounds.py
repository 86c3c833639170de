"""A sync pass ends, and each request waits only as long as it should.

- Push: a pass sends what was waiting when it began, however fast new records are saved meanwhile.
- Pull: a pass pulls at most `max_pull_pages` pages, however fast the hub grows meanwhile.
- Time-outs: a stalled hub costs the short read time-out for health, not 30 s; a push waits in
  proportion to its body; the long-poll waits its own seconds plus a margin.

Real hub over HTTP behind the fault proxy, real encrypted store; the writers are real threads
and real HTTP posts, paced per batch so the test is exact rather than a race.
"""

from __future__ import annotations

import math
import queue
import threading
import time

from cvi_desktop import outbox
from sync.client import HubTimeout, Timeouts
from sync.engine import LiveListener
from sync.engine import events as ev
from tests.sync import helpers as h

BATCH = 10


def test_a_pass_under_a_steady_writer_ends_after_what_was_waiting(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    h.bulk_actions(device.store, incident, 95)
    waiting = outbox.waiting_count(device.store)
    device.engine.batch_size = BATCH

    # A writer thread that saves a batch's worth of new records for every batch the pass sends:
    # the queue never shrinks, so a pass that walked to the end of the queue would never end.
    asks: queue.Queue[int] = queue.Queue()
    saved: queue.Queue[int] = queue.Queue()
    stop = threading.Event()

    def writer() -> None:
        for _ in range(200):  # bounded however the pass behaves
            try:
                n = asks.get(timeout=0.1)
            except queue.Empty:
                if stop.is_set():
                    return
                continue
            for _ in range(n):
                h.log_action(device.store, incident)
            saved.put(n)

    def on_event(event: ev.SyncEvent) -> None:
        if isinstance(event, ev.Progress):
            asks.put(BATCH)
            saved.get(timeout=10)  # the new records are committed before the pass goes on

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    device.engine.add_listener(on_event)
    try:
        report = device.sync()
    finally:
        device.engine.listeners.remove(on_event)
        stop.set()
        thread.join(10)

    assert report.ok, report.error
    batches = math.ceil(waiting / BATCH)
    assert report.batches == batches and report.acknowledged == waiting
    assert outbox.waiting_count(device.store) == batches * BATCH  # saved during the pass: next time
    h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_a_pass_pulls_at_most_its_page_cap_while_the_hub_keeps_growing(device, hub, team, proxy) -> None:
    for _ in range(4):
        h.notify(hub.url, hub.cpd)
    posted = []

    def hub_writer(event: ev.SyncEvent) -> None:
        # CPD posts a new notification for every one the laptop receives: the hub's log grows
        # as fast as the pull reads it.
        if isinstance(event, ev.NotificationReceived) and len(posted) < 200:
            posted.append(h.notify(hub.url, hub.cpd))

    device.engine.add_listener(hub_writer)
    device.engine.pull_page_limit = 2
    device.engine.max_pull_pages = 3
    try:
        report = device.sync()
    finally:
        device.engine.listeners.remove(hub_writer)
    assert report.ok, report.error
    assert report.pull_pages == 3 and report.more_to_pull and report.pulled == 6
    assert len(posted) == 6  # the hub did grow meanwhile
    device.engine.max_pull_pages = 50
    report = device.sync()  # the hub writer gone: the next pass finishes the rest
    assert report.ok and not report.more_to_pull and report.pulled == 4


def test_a_stalled_hub_costs_the_short_timeout_for_health(device, proxy) -> None:
    defaults = Timeouts()  # what the app and `sync --once` use
    device.engine.client.timeouts = defaults
    proxy.add("stall", match=b"GET /v1/health")
    started = time.monotonic()
    report = device.sync()
    waited = time.monotonic() - started
    assert isinstance(report.error, HubTimeout), report.error
    assert device.engine.state == "offline"
    assert defaults.read <= 10 and defaults.read - 0.5 <= waited < defaults.read + 3, waited


def test_a_push_waits_in_proportion_to_its_body(device, proxy) -> None:
    incident = h.new_incident(device.store)
    h.bulk_actions(device.store, incident, 60)
    timeouts = Timeouts(connect=2.0, read=0.3, push_bytes_per_second=40_000.0)
    device.engine.client.timeouts = timeouts
    proxy.add("stall", match=b"POST /v1/sync/push")
    before = device.engine.client.bytes_sent
    started = time.monotonic()
    report = device.sync()
    waited = time.monotonic() - started
    assert isinstance(report.error, HubTimeout), report.error
    body = device.engine.client.bytes_sent - before
    expected = timeouts.for_push(body)
    assert expected > 1.0 and expected - 0.3 <= waited < expected + 2, (body, expected, waited)


def test_the_long_poll_waits_its_seconds_plus_a_margin_not_the_read_timeout(device, proxy) -> None:
    assert device.sync().ok  # a cursor to wait from
    client = device.engine.client.clone()
    client.timeouts = Timeouts(connect=2.0, read=8.0, wait_margin=0.5)
    proxy.add("stall", match=b"GET /v1/sync/wait")
    listener = LiveListener(device.engine, client, wait_seconds=0.5)
    started = time.monotonic()
    try:
        listener.poll_once()
        raise AssertionError("a stalled long-poll must time out")
    except HubTimeout:
        waited = time.monotonic() - started
    finally:
        client.close()
    assert 0.8 <= waited < 3.0, waited  # 0.5 s asked + 0.5 s margin; never the 8 s read time-out


def test_timeouts_fit_the_request() -> None:
    t = Timeouts()
    assert t.for_push(2_000) < t.read + 0.1  # a small push: the short time-out
    assert t.for_push(1_000_000) == t.read + 20.0  # a 1 MB batch: scaled by its size
    assert t.for_push(1 << 40) == t.max_read  # never unbounded
    assert t.for_pull(500) == t.read + 2.0
    assert t.for_wait(25.0) == 25.0 + t.wait_margin
