"""The laptops' sync routes: health, config, push, pull, the long-poll, and one record by id.

Push and the long-poll are coroutines (push streams its body under a cap; the long-poll waits
on the `Notifier`), and hand their database work to a worker thread; the rest are plain
functions, which FastAPI runs on worker threads. Every write wakes the long-polls (`Live`).
"""

# No `from __future__ import annotations`: FastAPI resolves the route signatures at runtime.
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi import Path as PathParam

from cvi_desktop.sharing import RecordKind

from .. import protocol as p
from . import service
from .bodies import load_push_body
from .deps import AUTH, ERROR, Config, Db, Faults, Live, Now, Org

router = APIRouter()


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
    notifier.bump()
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
        found = await anyio.to_thread.run_sync(page_if_changed, remaining <= 0 or notifier.closing)
        if found is not None:
            return found
        await notifier.wait(min(0.25, remaining))


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
