"""The desktop's live channel over the hub's event stream (issue 12), on a real hub on 127.0.0.1.

- The engine takes the event stream when /v1/sync/config offers it, and each event goes
  through `apply_page` like a long-poll page: NotificationReceived at once, the cursor stored
  with the page.
- It falls back to the long-poll for a hub that does not advertise the stream (an older hub,
  simulated by `HubConfig.sse = False`) and for one that answers the stream 404 or 405.
- Faults through the recording TCP proxy: the stream cut in the middle of an event, cut
  between events, the hub ending streams on a short lifetime, and a connection that goes
  silent (the read time-out a little above the heartbeat notices it). Each time the engine
  reconnects with Last-Event-ID = the last applied page's cursor, and every notification
  arrives exactly once: nothing lost, nothing duplicated.
- The event parser against the SSE rules the hub relies on.

Heartbeats are made short by setting the module hub's config for the test (restored after);
waits are bounded polls of what the engine reports, never fixed sleeps for the outcome.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cvi_desktop import replica
from cvi_desktop.services.settings import set_value
from sync import client as c
from sync.backoff import Backoff
from sync.credentials import keyring_token_source
from sync.engine import LiveListener, SyncService
from sync.engine import events as ev
from tests.sync import helpers as h
from tests.sync.proxy import Proxy

pytestmark = pytest.mark.timeout(90)

EVENTS = b"GET /v1/sync/events"
WAIT = b"GET /v1/sync/wait"
HEARTBEAT = 0.3


@pytest.fixture
def live_hub(hub: Any) -> Iterator[Any]:
    """The module's hub with short heartbeats (and everything put back after the test)."""
    cfg = hub.server.config
    saved = (cfg.sse, cfg.sse_heartbeat_seconds, cfg.max_stream_seconds)
    cfg.sse_heartbeat_seconds = HEARTBEAT
    try:
        yield hub
    finally:
        cfg.sse, cfg.sse_heartbeat_seconds, cfg.max_stream_seconds = saved
        hub.server.faults.clear()


@pytest.fixture
def fast_retry(device: Any) -> Any:
    # Real time: the listener's reconnect wait after a cut is part of what is under test.
    device.engine.timer.backoff = Backoff(base=0.05, cap=0.2, rand=lambda: 1.0, floor=0.01)
    return device


def until(predicate: Callable[[], bool], seconds: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"{what} not met within {seconds} s")


def received(device: Any) -> list[str]:
    return [e.incident_id for e in list(device.events) if isinstance(e, ev.NotificationReceived)]


def local_incidents(device: Any) -> list[str]:
    return [r["id"] for r in device.store.rows("SELECT id FROM incidents ORDER BY id")]


class Listening:
    """A LiveListener on its own thread, through the proxy (like SyncService's, or through
    `via`), stopped after."""

    def __init__(self, device: Any, channel: str | None = None, via: Proxy | None = None) -> None:
        client = device.engine.client.clone()
        if via is not None:
            client = c.HubClient(via.url, keyring_token_source(device.profile), timeouts=client.timeouts)
        # Short long-polls where one is used: `stop` cannot cut a held long-poll short (its
        # connection is inside `requests`), only the event stream's.
        self.listener = LiveListener(device.engine, client, channel=channel, wait_seconds=0.5)

    def __enter__(self) -> LiveListener:
        self.listener.start()
        return self.listener

    def __exit__(self, *exc: object) -> None:
        thread = self.listener._thread
        started = time.monotonic()
        self.listener.stop(5.0)
        # It really stopped, and at once: a stream silent until its next heartbeat is aborted.
        assert thread is not None and not thread.is_alive()
        assert time.monotonic() - started < 2.0


def requests_to(proxy: Any, head: bytes) -> int:
    return bytes(proxy.sent).count(head)


def last_event_ids(proxy: Any) -> list[str]:
    """The Last-Event-ID header of each event-stream request the laptop sent, in order."""
    found = []
    for request in bytes(proxy.sent).split(EVENTS)[1:]:
        head = request.split(b"\r\n\r\n", 1)[0]
        value = None
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"last-event-id:"):
                value = line.split(b":", 1)[1].strip().decode()
        found.append(value)
    return found


def first_pass(device: Any) -> None:
    report = device.sync()
    assert report.ok, report


# --- the channel the engine picks --------------------------------------------------------------


def test_the_service_uses_the_event_stream_when_the_hub_offers_it(device, live_hub, team, proxy) -> None:
    service = SyncService(device.engine, interval=3600)
    service.start()
    try:
        until(lambda: any(isinstance(e, ev.SyncFinished) for e in device.events), what="the start-up pass")
        assert service.live is not None
        until(lambda: service.live.streams_opened >= 1, what="the stream opening")
        started = time.monotonic()
        incident = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: incident in received(device), what="the notification")
        assert time.monotonic() - started < 2.0
        assert service.live.channel_in_use == "sse"
        # The stored cursor moved with the page: what a pull from it shows next is nothing.
        assert device.engine.cursor() == device.engine.client.pull(device.engine.cursor(), 10).cursor
    finally:
        service.stop()
    assert requests_to(proxy, EVENTS) >= 1 and requests_to(proxy, WAIT) == 0
    assert received(device) == [incident]
    h.check_all(device, live_hub, team, proxy)


def test_a_hub_that_does_not_advertise_the_stream_gets_the_long_poll(device, live_hub, team, proxy) -> None:
    live_hub.server.config.sse = False  # as an older hub: config without live_channels
    first_pass(device)
    assert device.engine.limits is not None and device.engine.limits.live_channels == ["long-poll"]
    with Listening(device) as listener:
        until(lambda: requests_to(proxy, WAIT) >= 1, what="a long-poll")
        incident = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: incident in received(device), what="the notification")
        assert listener.channel_in_use == "long-poll"
    assert requests_to(proxy, EVENTS) == 0
    assert received(device) == [incident]


@pytest.mark.parametrize("status", [404, 405])
def test_a_hub_that_refuses_the_stream_gets_the_long_poll(device, live_hub, team, proxy, status) -> None:
    first_pass(device)
    live_hub.server.faults.fail_next(status=status, times=1, route="/v1/sync/events")
    with Listening(device) as listener:
        until(lambda: requests_to(proxy, WAIT) >= 1, what="the fall-back long-poll")
        incident = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: incident in received(device), what="the notification")
        assert listener.channel_in_use == "long-poll"
    assert requests_to(proxy, EVENTS) == 1  # asked once, then never again
    assert received(device) == [incident]


# --- faults on the stream ----------------------------------------------------------------------


@pytest.fixture
def cutting(live_hub: Any) -> Iterator[Proxy]:
    proxy = Proxy(live_hub.server.port)
    yield proxy
    proxy.close()


def stream_preamble(hub: Any, token: str) -> int:
    """How many bytes an event stream's answer has before its first event: the response head
    and the opening comment (both the same length on every stream of this hub)."""
    with socket.create_connection(("127.0.0.1", hub.server.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/sync/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Authorization: Bearer " + token.encode() + b"\r\n\r\n")
        data = b""
        marker = b": open\n\n\r\n"  # the comment and the end of its chunk
        for _ in range(100):
            if marker in data:
                break
            data += sock.recv(4096)
        assert marker in data, data[:300]
        return data.index(marker) + len(marker)


def test_a_stream_cut_mid_event_is_resumed_from_the_stored_cursor(fast_retry, live_hub, team, proxy,
                                                                   cutting) -> None:
    device = fast_retry
    first_pass(device)
    before = device.engine.cursor()
    preamble = stream_preamble(live_hub, team.tokens["sup"])
    # The first stream is cut 40 bytes into its first event (inside `id: <cursor>`).
    cutting.add("cut_at", match=EVENTS, after=preamble + 40)
    with Listening(device, via=cutting) as listener:
        until(lambda: listener.streams_opened >= 1, what="the first stream")
        incident = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: incident in received(device), what="the notification after the reconnect")
        assert listener.streams_opened >= 2 and listener.channel_in_use == "sse"
        later = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: later in received(device), what="the next notification")
    ids = last_event_ids(cutting)
    assert ids[0] == before and ids[1] == before  # nothing was applied from the cut event
    assert b"id: " in bytes(cutting.received) and bytes(cutting.received).count(b"data: ") >= 2
    assert received(device) == [incident, later]  # each exactly once
    assert {incident, later} <= set(local_incidents(device))
    h.check_all(device, live_hub, team, proxy)


def test_streams_cut_between_events_and_ended_by_the_hub_lose_nothing(fast_retry, live_hub, team,
                                                                       proxy) -> None:
    device = fast_retry
    live_hub.server.config.max_stream_seconds = 0.5  # the hub ends each stream after 0.5 s
    first_pass(device)
    posted: list[str] = []
    with Listening(device) as listener:
        for n in range(6):
            until(lambda: listener.connected, what="a stream")
            posted.append(h.notify(live_hub.url, live_hub.cpd))
            if n % 2:
                proxy.drop_connections()  # cut right after the notification: before or after its event
            until(lambda: posted[-1] in received(device), what=f"notification {n}")  # noqa: B023
        until(lambda: listener.streams_opened >= 4, what="several reconnects")
        stored = device.engine.cursor()
    assert received(device) == posted  # in order, each exactly once
    resumed = [i for i in last_event_ids(proxy)[1:] if i is not None]
    seqs = [h.cursor_seq(i) for i in resumed]
    assert seqs and seqs == sorted(seqs)  # resumed where it left off, never further back
    assert seqs[-1] <= h.cursor_seq(stored)
    h.check_all(device, live_hub, team, proxy)


def test_a_silent_dead_connection_is_noticed_by_the_read_timeout(fast_retry, live_hub, team, proxy) -> None:
    device = fast_retry
    first_pass(device)
    proxy.add("stall", match=EVENTS)  # the first stream's request never reaches the hub
    started = time.monotonic()
    with Listening(device) as listener:
        until(lambda: listener.streams_opened >= 1, seconds=15, what="a stream after the silence")
        waited = time.monotonic() - started
        incident = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: incident in received(device), what="the notification")
    # Given up a little after the heartbeat (read time-out = heartbeat + 1 s here), not later.
    timeout = c.Timeouts().for_stream(HEARTBEAT)
    assert timeout <= waited < timeout + 5.0, waited
    assert requests_to(proxy, EVENTS) == 2
    assert received(device) == [incident]


def test_a_pass_that_moves_the_cursor_under_the_stream_makes_it_reconnect(fast_retry, live_hub, team,
                                                                        proxy) -> None:
    device = fast_retry
    first_pass(device)
    with Listening(device) as listener:
        until(lambda: listener.streams_opened >= 1, what="the stream")
        first = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: first in received(device), what="the first notification")
        # Put the stored cursor back where it was before `first` (as a restore of the laptop's
        # state might): the stream's next page no longer follows it, so the listener must
        # reconnect from the stored cursor, which re-sends `first` (applied again, idempotent).
        set_value(device.store, replica.CURSOR_KEY, last_event_ids(proxy)[0])
        opened = listener.streams_opened
        second = h.notify(live_hub.url, live_hub.cpd)
        until(lambda: listener.streams_opened > opened, what="the reconnect")
        until(lambda: second in received(device), what="the second notification")
    assert received(device).count(second) == 1
    assert set(local_incidents(device)) >= {first, second}


# --- the parser --------------------------------------------------------------------------------


def test_the_event_parser_follows_the_sse_rules_the_hub_relies_on() -> None:
    parser = c.EventParser()
    assert parser.feed(b": open\n\n") == [None]
    # An event split anywhere, CRLF line ends, the optional space, several data lines.
    out: list[Any] = []
    for piece in (b"id: a", b"bc\r\nda", b"ta: {\"x\":\r\ndata:1}\r\n", b"\r\n"):
        out += parser.feed(piece)
    assert out == [c.ServerEvent("abc", "message", b"{\"x\":\n1}")]
    # No data: not dispatched, but its id is remembered; an id with NUL is ignored.
    assert parser.feed(b"id: later\n\n") == [] and parser.last_id == "later"
    assert parser.feed(b"id: bad\0id\ndata: z\n\n") == [c.ServerEvent("later", "message", b"z")]
    other = parser.feed(b"event: other\nretry: 5\nunknown\ndata: y\n\n")
    assert other == [c.ServerEvent("later", "other", b"y")]


def test_the_stream_read_timeout_is_a_little_above_the_heartbeat() -> None:
    timeouts = c.Timeouts()
    assert timeouts.for_stream(15.0) == 20.0
    assert timeouts.for_stream(0.3) == pytest.approx(1.3)
    assert timeouts.for_stream(None) == timeouts.for_wait(25.0)
    assert timeouts.for_stream(10_000) == timeouts.max_read


def test_a_hub_answering_the_stream_with_json_is_a_protocol_error(device, live_hub) -> None:
    # A proxy in front of the hub that answers 200 with something else: not an event stream.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    client = c.HubClient(f"http://127.0.0.1:{port}", lambda: "token")
    try:
        with pytest.raises(c.ProtocolError) as caught:
            list(client.events(None))
        assert caught.value.status == 200
    finally:
        client.close()
        server.close()
        thread.join(5)


def test_stop_ends_a_silent_stream_at_once(device, live_hub) -> None:
    live_hub.server.config.sse_heartbeat_seconds = 30.0  # nothing would wake the reader for 30 s
    first_pass(device)
    listening = Listening(device)
    with listening as listener:
        until(lambda: listener.streams_opened >= 1, what="the stream")
        time.sleep(0.1)  # the reader is now blocked in recv() on a silent socket
    # __exit__ asserted the thread ended within 2 s of stop(), far inside the 40 s read time-out.
    assert listening.listener.channel_in_use == "sse"
