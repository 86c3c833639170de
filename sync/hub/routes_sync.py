"""The laptops' sync routes: health, config, push, pull, the live channels, one record by id.

Two live channels, both woken by the `Notifier` (`Live`) for the caller's organisation only:
- the long-poll `GET /v1/sync/wait`: one pull page once there is a change (or empty after its
  timeout);
- the event stream `GET /v1/sync/events` (server-sent events): one connection that carries a
  pull page per event (`id:` the page's cursor, `data:` the page's JSON, exactly as a pull
  answers it) whenever there are new changes, `: ping` comments when silent for
  `HubConfig.sse_heartbeat_seconds`, resumed from `Last-Event-ID` (or `?cursor=`). It ends
  cleanly after `HubConfig.stream_seconds()`, on hub shutdown, or when its cursor stops being
  valid (the reconnect then gets the 410).

Push and the live channels are coroutines (push streams its body under a cap; the live channels
wait on the `Notifier` without holding a thread), and hand their database work to a worker
thread; the rest are plain functions, which FastAPI runs on worker threads.
"""

# No `from __future__ import annotations`: FastAPI resolves the route signatures at runtime.
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse

from cvi_desktop.sharing import RecordKind

from .. import protocol as p
from . import service
from .bodies import load_push_body
from .config import Clock, HubConfig
from .db import Database
from .deps import AUTH, ERROR, Config, Db, Faults, Live, Notifier, Now, Org, Watch
from .service import Principal

router = APIRouter()

# How often a long-poll looks at the change log again without being woken: writes by another
# process that nobody woke this one for (an admin command on the same file).
_WAIT_RECHECK = 0.25


@router.get("/v1/health", response_model=p.Health, tags=["sync"])
def health(db: Db, clock: Now) -> p.Health:
    return p.Health(
        status="ok", epoch=db.epoch(), protocol=p.PROTOCOL_VERSION, server_time=service.iso(clock())
    )


@router.get("/v1/sync/config", response_model=p.SyncConfig, tags=["sync"], responses=AUTH)
def sync_config(_: Org, db: Db, cfg: Config) -> p.SyncConfig:
    return p.SyncConfig(
        protocol=p.PROTOCOL_VERSION,
        epoch=db.epoch(),
        max_batch_records=cfg.max_batch_records,
        max_body_bytes=cfg.max_body_bytes,
        max_pull_limit=cfg.max_pull_limit,
        max_wait_seconds=cfg.max_wait_seconds,
        min_client_version=cfg.min_client_version,
        live_channels=[p.LiveChannel.SSE.value, p.LiveChannel.LONG_POLL.value]
        if cfg.sse
        else [p.LiveChannel.LONG_POLL.value],
        heartbeat_seconds=cfg.sse_heartbeat_seconds if cfg.sse else None,
    )


@router.post(
    "/v1/sync/push",
    response_model=p.PushResponse,
    tags=["sync"],
    responses={**AUTH, 400: ERROR, 413: ERROR, 503: ERROR},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
        }
    },
)
async def push(
    request: Request, principal: Org, db: Db, cfg: Config, plan: Faults, notifier: Live, clock: Now
) -> Response:
    """Store a batch of records; one result per record (see PushResult/ResultStatus)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cfg.max_body_bytes:
        raise HTTPException(413, f"body over {cfg.max_body_bytes} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cfg.max_body_bytes:
            raise HTTPException(413, f"body over {cfg.max_body_bytes} bytes")
    try:
        # One record nested too deeply to read is rejected alone, not the batch (bodies.py).
        payload = load_push_body(bytes(body))
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "body is not JSON") from None
    if (
        not isinstance(payload, dict)
        or set(payload) != {"records"}
        or not isinstance(payload["records"], list)
    ):
        raise HTTPException(400, 'body must be {"records": [...]}')
    records: list[Any] = payload["records"]
    if len(records) > cfg.max_batch_records:
        raise HTTPException(413, f"more than {cfg.max_batch_records} records in one batch")
    ids = [r["id"] for r in records if isinstance(r, dict) and isinstance(r.get("id"), str)]
    injected = plan.push_body(len(body), ids)
    if injected is not None:
        raise HTTPException(injected, "injected fault")
    results = await anyio.to_thread.run_sync(service.push, db, principal, records, clock())
    notifier.wake(principal.org_id)  # a push only ever writes to the caller's organisation
    omit, garble = plan.push_done()
    answer = p.PushResponse(
        epoch=db.epoch(),
        server_time=service.iso(clock()),
        results=[r for r in results if r.id not in omit],
    )
    text = answer.model_dump_json()
    if garble == "truncate":
        text = text[: max(1, len(text) // 2)]
    elif garble == "invalid":
        text = "<html>proxy error</html>"
    return Response(text, media_type="application/json")


@router.get("/v1/sync/pull", response_model=p.PullResponse, tags=["sync"], responses={**AUTH, 410: ERROR})
def pull(
    principal: Org,
    db: Db,
    cfg: Config,
    clock: Now,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> Response:
    """Changes for the caller's organisation after `cursor` (none: from the beginning)."""
    page = service.pull(db, principal, cursor, min(limit, cfg.max_pull_limit))  # CursorGone: 410
    service.touch(db, principal, clock())
    return _page_response(page)


def _page_response(page: p.PullResponse) -> Response:
    # The page was built by the hub from its own models: serialise it once, rather than have
    # FastAPI validate it against the response model again (a page is up to 10,000 changes,
    # and a waiting laptop's bell rings only after this).
    return Response(page.model_dump_json().encode("utf-8"), media_type="application/json")


@router.get("/v1/sync/wait", response_model=p.PullResponse, tags=["sync"], responses={**AUTH, 410: ERROR})
async def wait(
    principal: Org,
    db: Db,
    cfg: Config,
    clock: Now,
    notifier: Live,
    cursor: str | None = None,
    timeout: Annotated[float, Query(ge=0, le=300)] = 25.0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> Response:
    """Long-poll: like pull, but holds the request until there is a change or `timeout` passes."""
    org = principal.org_id or ""
    # With the caller's organisation: another one's cursor is refused here, not after the wait.
    seq = await anyio.to_thread.run_sync(service.decode_cursor, db, cursor, org)  # CursorGone: 410
    deadline = time.monotonic() + min(timeout, cfg.max_wait_seconds)

    def page_if_changed(final: bool) -> Response | None:
        # Check, read, note the caller and serialise in one trip to a worker thread: on a
        # wake-up each extra hop is a scheduling delay on the way to a waiting laptop's bell.
        if not final and service.latest_seq(db, org) <= seq:
            return None
        page = service.pull(db, principal, cursor, min(limit, cfg.max_pull_limit))
        service.touch(db, principal, clock())
        return _page_response(page)

    while True:
        remaining = deadline - time.monotonic()
        # Watched before the check: a wake that lands while the check runs is not missed.
        woken = notifier.watch(org)
        found = await anyio.to_thread.run_sync(page_if_changed, remaining <= 0 or notifier.closing)
        if found is not None:
            return found
        await notifier.wait(min(_WAIT_RECHECK, remaining), woken)


class EventStream(StreamingResponse):
    """A `text/event-stream` response (for the OpenAPI description as much as for the header)."""

    media_type = "text/event-stream"


_STREAM_HEADERS = {
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",  # a reverse proxy must pass each event on at once, not buffer
}
_PING = b": ping\n\n"
_TOUCH_EVERY = service.SEEN_EVERY.total_seconds()  # how often an open stream notes "last synced"
_OPEN = b": open\n\n"
_JSON_ERROR: dict[str, Any] = {
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
}


@router.get(
    p.EVENTS_PATH,
    tags=["sync"],
    response_class=EventStream,
    responses={
        # Errors come before the stream starts, as JSON like every other route's: named by
        # hand, since a `model` would be listed under the route's own media type.
        **{code: _JSON_ERROR for code in (401, 403, 404, 410, 429)},
        200: {
            "description": "Server-sent events, one pull page each: `id:` the page's cursor, "
            "`data:` a PullResponse (JSON on one line); `: ping` comments while nothing changes. "
            "Ends cleanly after a while, on hub shutdown or when the cursor stops being valid; "
            "reconnect with `Last-Event-ID` set to the last applied page's cursor.",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def events(
    request: Request,
    principal: Org,
    db: Db,
    cfg: Config,
    clock: Now,
    notifier: Live,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=1000)] = None,
) -> Response:
    """Live channel as server-sent events: a pull page for each batch of new changes after
    `Last-Event-ID` (which takes precedence) or `cursor` (neither: from the beginning)."""
    if not cfg.sse:
        raise HTTPException(404, "this hub does not offer the event stream; use /v1/sync/wait")
    org = principal.org_id or ""
    start = last_event_id or cursor or None  # an empty Last-Event-ID means "none" (SSE)

    def begin() -> int:
        seq = service.decode_cursor(db, start, org)  # CursorGone: 410, before the stream starts
        service.touch(db, principal, clock())
        return seq

    seq = await anyio.to_thread.run_sync(begin)
    # Authenticated already (`Org`); kept to check again before each page (see _event_pages).
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    pages = _event_pages(
        principal, token, db, cfg, clock, notifier, start, seq, min(limit, cfg.max_pull_limit)
    )
    return EventStream(pages, headers=_STREAM_HEADERS)


class _SignedOut(Exception):
    """The stream's token was revoked, or its staff member deactivated, while it was open."""


async def _event_pages(
    principal: Principal,
    token: str,
    db: Database,
    cfg: HubConfig,
    clock: Clock,
    notifier: Notifier,
    cursor: str | None,
    seq: int,
    limit: int,
) -> AsyncIterator[bytes]:
    """The stream's body. Waits on the notifier in the event loop, so an idle stream costs a
    coroutine and a socket, not a thread; the database is read (on a worker thread) only when
    this organisation was woken, and once per heartbeat as a safety net. Before each page
    the token is looked up again: a revoked token or a deactivated member gets nothing more,
    and the stream ends (the reconnect is answered 401 or 403)."""
    org = principal.org_id or ""
    heartbeat = max(0.01, cfg.sse_heartbeat_seconds)
    ends_at = time.monotonic() + cfg.stream_seconds()
    next_beat = time.monotonic() + heartbeat

    def read_page(position: str | None, at: int) -> tuple[bytes, str, int, bool] | None:
        page = service.pull(db, principal, position, limit)
        if not page.changes:
            return None
        body = page.model_dump_json().encode("utf-8")
        frame = b"id: " + page.cursor.encode("ascii") + b"\ndata: " + body + b"\n\n"
        # Positions are the organisation's own and gap-free (see service.pull).
        return frame, page.cursor, at + len(page.changes), page.has_more

    def next_page(position: str | None, at: int, touch: bool, watch: Watch
                  ) -> tuple[bytes, str, int, bool] | None:
        # Check, read and serialise in one trip to a thread: on a
        # wake-up each extra hop is a scheduling delay on the way to a waiting laptop's bell.
        if touch:
            # "Last synced" for the staff list: an open stream is a laptop in sync. Written
            # at heartbeats only (a write is a commit: never on the way to the bell).
            service.touch(db, principal, clock())
        # Even when woken for it: a wake may be a second one for a change already sent (a
        # PostgreSQL NOTIFY echoing this process's own write), and the cheap look at the change
        # log then saves the organisation's streams a page read each.
        if service.latest_seq(db, org) <= at:
            return None
        now = service.authenticate(db, token)
        if now is None or not now.active or now.token_id != principal.token_id:
            raise _SignedOut()
        # One read per page per wake for the whole organisation on this process (Watch.pages):
        # a page depends only on the organisation and the position, never on who asks.
        with watch.pages_lock:
            key = (position, at)
            if key not in watch.pages:
                watch.pages[key] = read_page(position, at)
            return watch.pages[key]  # type: ignore[no-any-return]

    # A comment first: the client knows at once that the stream is open (nothing else may
    # come for a heartbeat), and a proxy that buffers the start of a response shows itself.
    yield _OPEN
    check, touch = True, False
    touched = time.monotonic()  # by `events`, as the stream opened
    while not notifier.closing:
        woken = notifier.watch(org)  # before the check: a wake during it is not missed
        if check:
            try:
                found = await anyio.to_thread.run_sync(next_page, cursor, seq, touch, woken)
                touch = False
            except service.CursorGone:
                return  # a restore or expired cursors: the reconnect is answered 410
            except _SignedOut:
                return
            if found is not None:
                frame, cursor, seq, more = found
                yield frame
                next_beat = time.monotonic() + heartbeat  # an event shows the connection lives
                check = True  # and with more, the next page at once
                if more:
                    continue
        now = time.monotonic()
        if now >= ends_at:
            return
        if now >= next_beat:
            yield _PING
            next_beat = now + heartbeat
            touch = now - touched >= _TOUCH_EVERY
            touched = now if touch else touched
            check = True
            continue
        until = min(next_beat, ends_at)
        if cfg.sse_recheck_seconds is not None:
            until = min(until, now + max(0.01, cfg.sse_recheck_seconds))
        woke = await notifier.wait(until - now, woken)
        # A recheck (not woken, not a heartbeat) looks at the change log cheaply first.
        check = woke or cfg.sse_recheck_seconds is not None


@router.get(
    "/v1/records/{kind}/{record_id}",
    response_model=p.RecordOut,
    tags=["org"],
    responses={**AUTH, 404: ERROR},
)
def get_record(
    principal: Org, db: Db, kind: RecordKind, record_id: Annotated[str, PathParam(max_length=128)]
) -> p.RecordOut:
    """The current version of one of the caller's organisation's records (audience org)."""
    found = service.get_record(db, principal, kind.value, record_id)
    if found is None:
        raise HTTPException(404, "not found")
    return found
