"""The hub's event stream, `GET /v1/sync/events` (issue 12), and the per-organisation Notifier.

Over real HTTP on 127.0.0.1 (one hub per module, heartbeats of 0.2 s so nothing sleeps long):
pages arrive as events (`id:` = the page's cursor, `data:` = exactly what a pull answers),
heartbeats come while nothing changes, a reconnect resumes from `Last-Event-ID` (which beats
`?cursor=`), a bad or expired cursor is the pull's 410 before any stream starts, auth answers
401/403/429 first, one organisation's stream never carries (or wakes for) another's changes, a
page limit splits a backlog into consecutive events, and the stream ends cleanly when its time
is up, when its cursor stops being valid and when the hub shuts down.

The stream is read here with a parser of the test's own (not the desktop's `EventParser`),
so a bug there cannot hide one in the hub. Every read has a time-out; every loop is bounded.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from hub_helpers import Api, HubEnv, Target, notification, own_incident, seed

from sync import protocol as p
from sync.hub import HubConfig, admin, routes_sync
from sync.hub import service as hub_service
from sync.hub.config import utc_now
from sync.hub.db import open_database
from sync.hub.deps import Notifier
from sync.hub.server import HubServer

pytestmark = pytest.mark.timeout(60)

HEARTBEAT = 0.2
EVENTS = "/v1/sync/events"


@dataclass
class Frame:
    """One frame of the stream: a comment (`comment` set) or an event (`id`, `data`)."""

    comment: str | None = None
    id: str | None = None
    data: bytes = b""

    def page(self) -> dict[str, Any]:
        return dict(json.loads(self.data))


class Stream:
    """An open event stream, read frame by frame (a frame ends at a blank line)."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        assert response.raw.chunked, "an event stream has no length: it must be chunked"
        self._chunks = response.raw.stream(None, decode_content=False)
        self._buffer = b""
        self.ended = False

    def frame(self) -> Frame | None:
        """The next frame, or None once the hub has ended the stream cleanly."""
        while b"\n\n" not in self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.ended = True
                assert not self._buffer.strip(), f"the stream ended mid-frame: {self._buffer[:80]!r}"
                return None
            self._buffer += chunk
        text, self._buffer = self._buffer.split(b"\n\n", 1)
        frame = Frame()
        for line in text.split(b"\n"):
            if line.startswith(b":"):
                frame.comment = line[1:].strip().decode()
            elif line.startswith(b"id: "):
                frame.id = line[4:].decode()
            elif line.startswith(b"data: "):
                frame.data = line[6:]
            else:
                raise AssertionError(f"unexpected line in the stream: {line[:80]!r}")
        return frame

    def event(self, max_frames: int = 50) -> Frame:
        """The next event, skipping comments; fails if none comes within `max_frames` frames."""
        for _ in range(max_frames):
            frame = self.frame()
            assert frame is not None, "the stream ended before an event came"
            if frame.comment is None:
                return frame
        raise AssertionError(f"no event within {max_frames} frames")

    def comments(self, n: int) -> list[str]:
        """The next `n` frames, which must all be comments (no event among them)."""
        seen = []
        for _ in range(n):
            frame = self.frame()
            assert frame is not None, "the stream ended"
            assert frame.comment is not None, f"unexpected event: {frame.data[:200]!r}"
            seen.append(frame.comment)
        return seen

    def close(self) -> None:
        self.response.close()


def open_stream(url: str, token: str | None, *, cursor: str | None = None, last_event_id: str | None = None,
                limit: int | None = None, read_timeout: float = 5.0) -> requests.Response:
    headers = {"Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    params: dict[str, Any] = {}
    if cursor is not None:
        params["cursor"] = cursor
    if limit is not None:
        params["limit"] = limit
    return requests.get(url + EVENTS, params=params, headers=headers, stream=True, timeout=(5, read_timeout))


@pytest.fixture(scope="module")
def sse_hub(new_db: Callable[..., Target]) -> Iterator[HubEnv]:
    """A hub of this module's own: short heartbeats, streams that last longer than any test."""
    db = new_db("sse")
    tokens = seed(db)
    config = HubConfig(sse_heartbeat_seconds=HEARTBEAT, max_stream_seconds=60)
    server = HubServer(db, config=config, test_hooks=True).start()
    try:
        yield HubEnv(server, db, tokens)
    finally:
        server.stop()


@pytest.fixture
def streams() -> Iterator[Callable[..., Stream]]:
    """`streams(url, token, ...)`: an open stream (200 asserted), closed after the test."""
    opened: list[Stream] = []

    def make(url: str, token: str, **kw: Any) -> Stream:
        response = open_stream(url, token, **kw)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        opened.append(stream)
        assert stream.frame() == Frame(comment="open")  # the hub says so at once
        return stream

    yield make
    for stream in opened:
        stream.close()


def post_notification(env: HubEnv, district: str) -> str:
    body = notification(district)
    response = env.api("cpd").post("/v1/cpd/notifications", json=body)
    assert response.status_code == 201, response.text
    return str(body["id"])


def ids(page: dict[str, Any]) -> list[str]:
    return [c["id"] for c in page["changes"]]


def end_cursor(api: Api) -> str:
    return api.pull_all()[1]


# --- events ------------------------------------------------------------------------------------


def test_the_config_advertises_the_event_stream(sse_hub: HubEnv) -> None:
    config = p.SyncConfig.model_validate(sse_hub.api("north_staff").get("/v1/sync/config").json())
    assert config.live_channels == ["sse", "long-poll"]
    assert config.heartbeat_seconds == HEARTBEAT


def test_an_old_hubs_config_reads_as_long_poll_only() -> None:
    old = {"protocol": 1, "epoch": "e", "max_batch_records": 500, "max_body_bytes": 1, "max_pull_limit": 500,
           "max_wait_seconds": 30.0, "min_client_version": "0.1.0"}
    config = p.SyncConfig.model_validate(old)
    assert config.live_channels == ["long-poll"] and config.heartbeat_seconds is None


def test_a_new_change_arrives_as_one_event_with_exactly_the_pull_page(sse_hub: HubEnv, streams) -> None:
    api = sse_hub.api("north_staff")
    start = end_cursor(api)
    stream = streams(sse_hub.url, sse_hub.tokens["north_staff"], cursor=start)
    incident = post_notification(sse_hub, "011")
    event = stream.event()
    page = event.page()
    assert ids(page) == [incident]
    assert event.id == page["cursor"] and page["has_more"] is False
    p.PullResponse.model_validate(page)
    # Byte for byte what a pull from the same cursor answers (the same JSON, the same cursor).
    pulled = api.get("/v1/sync/pull", params={"cursor": start})
    assert pulled.status_code == 200
    assert json.loads(pulled.content) == page and pulled.content == event.data


def test_heartbeats_come_while_nothing_changes(sse_hub: HubEnv, streams) -> None:
    stream = streams(sse_hub.url, sse_hub.tokens["east_staff"], cursor=end_cursor(sse_hub.api("east_staff")),
                     read_timeout=HEARTBEAT * 10)
    started = time.monotonic()
    assert stream.comments(3) == ["ping", "ping", "ping"]
    took = time.monotonic() - started
    assert HEARTBEAT * 2 <= took < HEARTBEAT * 10, took


def test_a_backlog_comes_as_consecutive_pages_of_the_limit(sse_hub: HubEnv, streams) -> None:
    api = sse_hub.api("south_staff")
    start = end_cursor(api)
    posted = [post_notification(sse_hub, "007") for _ in range(5)]  # south only
    stream = streams(sse_hub.url, sse_hub.tokens["south_staff"], cursor=start, limit=2)
    pages = [stream.event().page() for _ in range(3)]
    assert [ids(pg) for pg in pages] == [posted[0:2], posted[2:4], posted[4:5]]
    assert [pg["has_more"] for pg in pages] == [True, True, False]
    assert stream.comments(1) == ["ping"]  # and then nothing more


def test_last_event_id_resumes_after_it_and_beats_the_query_cursor(sse_hub: HubEnv, streams) -> None:
    api = sse_hub.api("north_sup")
    start = end_cursor(api)
    first = post_notification(sse_hub, "010")  # north only
    stream = streams(sse_hub.url, sse_hub.tokens["north_sup"], cursor=start)
    event = stream.event()
    assert ids(event.page()) == [first]
    stream.close()  # the connection drops; two more arrive meanwhile
    later = [post_notification(sse_hub, "010") for _ in range(2)]
    # The header wins over a (stale) query cursor: nothing is sent twice, nothing skipped.
    again = streams(sse_hub.url, sse_hub.tokens["north_sup"], cursor=start, last_event_id=event.id)
    assert ids(again.event().page()) == later
    # An empty Last-Event-ID means none (as a browser sends it): the query cursor is used.
    third = streams(sse_hub.url, sse_hub.tokens["north_sup"], cursor=start, last_event_id="")
    assert ids(third.event().page()) == [first, *later]


def test_opening_a_stream_counts_as_the_laptop_syncing(sse_hub: HubEnv, streams) -> None:
    token = admin.create_token(sse_hub.db, "staff", org_id="east", staff_id="fresh")

    def last_synced() -> str | None:
        staff = sse_hub.api("east_staff").get("/v1/org/staff").json()
        return next(s["last_synced_at"] for s in staff if s["id"] == "fresh")

    assert last_synced() is None
    streams(sse_hub.url, token)
    assert last_synced() is not None


# --- refusals before the stream ----------------------------------------------------------------


@pytest.mark.parametrize("where", ["header", "query"])
def test_a_bad_cursor_is_the_pulls_410_before_any_stream(sse_hub: HubEnv, where: str) -> None:
    api = sse_hub.api("north_staff")
    bad = "not-a-cursor"
    kw = {"last_event_id": bad} if where == "header" else {"cursor": bad}
    response = open_stream(sse_hub.url, sse_hub.tokens["north_staff"], **kw)
    pulled = api.get("/v1/sync/pull", params={"cursor": bad})
    assert response.status_code == pulled.status_code == 410
    assert response.headers["content-type"] == "application/json"
    assert response.json() == pulled.json() and response.json()["code"] == "cursor_invalid"


def test_another_organisations_cursor_is_refused(sse_hub: HubEnv) -> None:
    south_cursor = end_cursor(sse_hub.api("south_staff"))
    response = open_stream(sse_hub.url, sse_hub.tokens["north_staff"], last_event_id=south_cursor)
    assert response.status_code == 410 and response.json()["code"] == "cursor_invalid"


def test_auth_is_answered_before_the_stream(sse_hub: HubEnv) -> None:
    nobody = open_stream(sse_hub.url, None)
    assert nobody.status_code == 401 and nobody.headers["content-type"] == "application/json"
    assert open_stream(sse_hub.url, "wrong-token").status_code == 401
    cpd = open_stream(sse_hub.url, sse_hub.tokens["cpd"])
    assert cpd.status_code == 403 and "role" in cpd.json()["detail"]
    limiter = sse_hub.server.limiter
    try:
        limiter.configure(0.001, 1)
        statuses = [open_stream(sse_hub.url, sse_hub.tokens["east_staff"]) for _ in range(2)]
        assert statuses[1].status_code == 429 and "Retry-After" in statuses[1].headers
        for response in statuses:
            response.close()
    finally:
        cfg = sse_hub.server.config
        limiter.configure(cfg.rate_per_second, cfg.rate_burst)


# --- isolation ---------------------------------------------------------------------------------


def test_one_organisations_stream_never_carries_or_wakes_for_anothers_changes(
    sse_hub: HubEnv, streams, monkeypatch: pytest.MonkeyPatch
) -> None:
    east = streams(sse_hub.url, sse_hub.tokens["east_staff"], cursor=end_cursor(sse_hub.api("east_staff")))
    north = streams(sse_hub.url, sse_hub.tokens["north_staff"], cursor=end_cursor(sse_hub.api("north_staff")))
    east_only = post_notification(sse_hub, "012")
    assert ids(east.event().page()) == [east_only]
    north.comments(2)  # heartbeats only: no event for east's notification
    north_only = post_notification(sse_hub, "010")
    assert ids(north.event().page()) == [north_only]
    east.comments(2)
    # A push wakes its own organisation only: north's stream reads no page for east's push
    # (a heartbeat's look at the change log finds nothing of north's, so reads none either).
    pulls: list[str | None] = []
    real_pull = routes_sync.service.pull

    def counted(db: Any, principal: Any, *args: Any, **kwargs: Any) -> Any:
        pulls.append(principal.org_id)
        return real_pull(db, principal, *args, **kwargs)

    monkeypatch.setattr(routes_sync.service, "pull", counted)
    pushed = own_incident(sse_hub.api("east_staff"), district="012")
    assert ids(east.event().page()) == [pushed]
    north.comments(3)
    assert pulls == ["east"]


def test_writes_nobody_woke_the_stream_for_are_seen_by_the_recheck(sse_hub: HubEnv, streams) -> None:
    # Another hub process on the same database, without a LISTEN bridge: its writes never
    # reach this process's Notifier. Heartbeats 30 s apart, so only the recheck can find it.
    cfg = sse_hub.server.config
    saved = (cfg.sse_heartbeat_seconds, cfg.sse_recheck_seconds)
    cfg.sse_heartbeat_seconds, cfg.sse_recheck_seconds = 30.0, 0.05
    try:
        stream = streams(sse_hub.url, sse_hub.tokens["east_staff"],
                         cursor=end_cursor(sse_hub.api("east_staff")), read_timeout=3.0)
        body = notification("012")
        other = open_database(sse_hub.db)
        try:
            hub_service.post_notification(other, p.Notification.model_validate(body), utc_now())
        finally:
            other.close()
        assert ids(stream.event(max_frames=3).page()) == [body["id"]]
    finally:
        cfg.sse_heartbeat_seconds, cfg.sse_recheck_seconds = saved


# --- how a stream ends ---------------------------------------------------------------------------


def test_a_stream_ends_when_its_cursor_expires_and_the_reconnect_is_410(sse_hub: HubEnv, streams) -> None:
    api = sse_hub.api("south_sup")
    start = end_cursor(api)
    stream = streams(sse_hub.url, sse_hub.tokens["south_sup"], cursor=start)
    assert sse_hub.api("admin").post("/v1/test/expire-cursors").status_code == 200
    post_notification(sse_hub, "007")  # wakes the stream, whose cursor no longer reads
    for _ in range(50):
        frame = stream.frame()
        if frame is None:
            break
        assert frame.comment is not None, "an event from an expired cursor"
    assert stream.ended
    again = open_stream(sse_hub.url, sse_hub.tokens["south_sup"], last_event_id=start)
    assert again.status_code == 410 and again.json()["code"] == "cursor_expired"


@pytest.mark.parametrize("how", ["revoked", "deactivated"])
def test_a_stream_ends_without_another_page_once_its_token_is_revoked(sse_hub: HubEnv, streams,
                                                                      how: str) -> None:
    info = admin.create_token_info(sse_hub.db, "staff", org_id="north", staff_id=f"gone-{how}")
    token = str(info["token"])
    stream = streams(sse_hub.url, token, cursor=end_cursor(Api(sse_hub.url, token)))
    if how == "revoked":
        assert admin.revoke_token(sse_hub.db, int(info["id"]))
    else:
        admin.deactivate_staff(sse_hub.db, "north", f"gone-{how}")
    post_notification(sse_hub, "010")  # north's: would be this stream's next page
    for _ in range(50):
        frame = stream.frame()
        if frame is None:
            break
        assert frame.comment is not None, "a page for a token that is no longer valid"
    assert stream.ended
    again = open_stream(sse_hub.url, token)
    assert again.status_code == (401 if how == "revoked" else 403)


@pytest.fixture
def short_hub(new_db: Callable[..., Target]) -> Iterator[HubEnv]:
    db = new_db("sse-short")
    tokens = seed(db)
    config = HubConfig(sse_heartbeat_seconds=HEARTBEAT, max_stream_seconds=0.6)
    server = HubServer(db, config=config).start()
    try:
        yield HubEnv(server, db, tokens)
    finally:
        server.stop()


def test_a_stream_ends_cleanly_when_its_time_is_up(short_hub: HubEnv, streams) -> None:
    stream = streams(short_hub.url, short_hub.tokens["north_staff"], read_timeout=2.0)
    started = time.monotonic()
    for _ in range(50):
        if stream.frame() is None:
            break
    assert stream.ended and 0.3 < time.monotonic() - started < 2.0


def test_hub_shutdown_ends_every_stream_cleanly(new_db: Callable[..., Target]) -> None:
    db = new_db("sse-stop")
    tokens = seed(db)
    # Heartbeats and lifetime far beyond the test: only the shutdown can end these streams.
    server = HubServer(db, config=HubConfig(sse_heartbeat_seconds=30.0, max_stream_seconds=600)).start()
    opened: list[Stream] = []
    stopper = threading.Thread(target=server.stop)
    try:
        for name in ("north_staff", "south_staff", "east_staff"):
            response = open_stream(server.url, tokens[name], read_timeout=5.0)
            assert response.status_code == 200
            opened.append(Stream(response))
            assert opened[-1].frame() == Frame(comment="open")
        started = time.monotonic()
        stopper.start()
        for stream in opened:
            assert stream.frame() is None  # the terminating chunk: not a cut, not a time-out
        assert time.monotonic() - started < 2.0  # at once, not after uvicorn's graceful wait
    finally:
        if not stopper.is_alive() and not server.app.state.notifier.closing:
            server.stop()
        if stopper.ident is not None:
            stopper.join(15)
        for stream in opened:
            stream.close()


# --- the Notifier --------------------------------------------------------------------------------


def test_the_notifier_wakes_one_organisation_or_everyone_from_any_thread() -> None:
    async def scenario() -> None:
        notifier = Notifier()
        notifier.attach(asyncio.get_running_loop())
        north, south = notifier.watch("north"), notifier.watch("south")
        assert notifier.watch("north") is north  # one watch per organisation
        notifier.wake("north")  # on the loop: at once
        assert north.fired and not south.fired
        assert await notifier.wait(0.01, south) is False  # a time-out, not a wake
        # From another thread (a LISTEN thread): delivered on the loop.
        waiting = asyncio.ensure_future(notifier.wait(5.0, south))
        await asyncio.sleep(0)
        threading.Thread(target=notifier.wake, args=("south",)).start()
        assert await asyncio.wait_for(waiting, 5.0) is True
        # A wake between the watch and the wait is not lost.
        east = notifier.watch("east")
        notifier.wake("east")
        assert await notifier.wait(5.0, east) is True
        # None wakes everyone, and the untouched wait() form too.
        a, b = notifier.watch("a"), notifier.watch("b")
        anyone = asyncio.ensure_future(notifier.wait(5.0))
        await asyncio.sleep(0)
        threading.Thread(target=notifier.bump).start()
        assert await asyncio.wait_for(anyone, 5.0) is True
        assert a.fired and b.fired and notifier.waiting() == 0
        notifier.close()
        assert notifier.closing

    asyncio.run(scenario())


def test_the_notifier_is_a_no_op_before_the_hub_serves_and_after_its_loop_closed() -> None:
    notifier = Notifier()
    notifier.wake("north")  # nobody waits yet: nothing to do, no error
    loop = asyncio.new_event_loop()
    notifier.attach(loop)
    loop.close()
    notifier.wake("north")
    notifier.bump()
    assert notifier.wakes == 0
