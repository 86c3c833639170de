"""The hub's HTTP layer: routes, bearer-token roles, limits, the live channel, request logs.

`create_app(db_path, ...)` builds the FastAPI app; `sync.hub.server.HubServer` runs it. Rules
live in `service.py`; this module parses, authorises, limits and serialises.

- Roles come from the bearer token (`Authorization: Bearer <token>`): 401 without a valid
  token, 403 for a role the route does not allow or for a deactivated staff member (the
  desktop pauses on 403). The organisation comes from the token only.
- A 422 for a rule on a valid-looking value (an assignee who is not staff, a supervisor
  deactivating themselves) has FastAPI's own validation shape, so `loc` names the field.
- Limits: 413 for a body over its route's limit (`HubConfig.body_limit`: `max_body_bytes` for
  push, `max_request_bytes` elsewhere), refused by `BodyLimit` before the body is read and
  before authentication, and for a batch over `max_batch_records`. 429 with Retry-After from a
  per-token token bucket (`rate_per_second`, `rate_burst`) once a token is authenticated, and
  from a per-address bucket of failed sign-ins (`auth_fail_per_second`, `auth_fail_burst`),
  checked before a token is looked up, so guessing tokens is slow and costs bounded memory.
- Error bodies never echo large input back: a 422 keeps only short scalar `input` values, and
  every error body is ASCII JSON that NaN, Infinity or a lone surrogate cannot break.
- Logs: one JSON line per request on logger `sync.hub.access`, with the route *template*
  (never ids, query strings, headers, tokens or bodies).
- The live channel is a long-poll (`GET /v1/sync/wait`): woken at once by writes in this
  process, and by a 0.25 s poll of the change log for writes from other processes (CLI).
"""

# No `from __future__ import annotations` here: FastAPI must resolve the route signatures,
# which use dependency aliases local to create_app.
import asyncio
import json
import logging
import math
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cvi_desktop.fields import MAX_INT
from cvi_desktop.sharing import RecordKind

from .. import protocol as p
from . import admin, service, web
from .bodies import load_push_body
from .config import Clock, HubConfig, Ticks, utc_now
from .db import Database
from .faults import FaultPlan
from .service import Principal

log = logging.getLogger("sync.hub.access")


class RateLimiter:
    """Token bucket per authenticated token (keyed by token id). `take` returns seconds to wait, or None.

    Only principals the hub has authenticated get a bucket, so the keys are bounded by the
    tokens table; unauthenticated callers are limited per address by AuthFailureLimiter.
    """

    def __init__(self, rate: float, burst: int, ticks: Ticks = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[Any, tuple[float, float]] = {}
        self._ticks = ticks
        self.configure(rate, burst)

    def configure(self, rate: float, burst: int) -> None:
        with self._lock:
            self.rate, self.burst = rate, burst
            self._buckets.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)

    def take(self, key: Any) -> float | None:
        with self._lock:
            if self.rate <= 0:
                return None
            now = self._ticks()
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class AuthFailureLimiter:
    """Failed sign-ins per client address: a token bucket each, in bounded memory.

    `wait(address)` (before a token is looked up) says how long a blocked address must wait, or
    None; `failed(address)` spends one failure. At most `capacity` addresses are remembered,
    least recently failed first out; an address whose bucket has refilled is forgotten, as it
    is no different from one never seen. A token is never a key, so guessing costs no memory.
    """

    def __init__(self, rate: float, burst: int, capacity: int, ticks: Ticks = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._ticks = ticks
        self.configure(rate, burst, capacity)

    def configure(self, rate: float, burst: int, capacity: int | None = None) -> None:
        with self._lock:
            self.rate, self.burst = rate, max(1, burst)
            if capacity is not None:
                self.capacity = max(1, capacity)
            self._buckets.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)

    def _level(self, address: str, now: float) -> float:
        tokens, last = self._buckets.get(address, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - last) * self.rate)

    def wait(self, address: str) -> float | None:
        with self._lock:
            if self.rate <= 0 or address not in self._buckets:
                return None
            tokens = self._level(address, self._ticks())
            return None if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def failed(self, address: str) -> None:
        with self._lock:
            if self.rate <= 0:
                return
            now = self._ticks()
            self._buckets[address] = (max(0.0, self._level(address, now) - 1.0), now)
            self._buckets.move_to_end(address)
            while len(self._buckets) > self.capacity:
                self._buckets.popitem(last=False)
            # Forget a few refilled addresses from the old end: bounded work per failure.
            for _ in range(4):
                oldest = next(iter(self._buckets))
                if oldest == address or self._level(oldest, now) < self.burst:
                    break
                del self._buckets[oldest]


class Notifier:
    """Wakes long-poll waiters when this process commits a change."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self.closing = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop, self._event = loop, asyncio.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The server's event loop once it has started (None before)."""
        return self._loop

    def bump(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._fire)

    def _fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        if event is not None:
            event.set()

    async def wait(self, timeout: float) -> None:
        event = self._event
        if event is None:
            await asyncio.sleep(timeout)
            return
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass


# Error bodies documented on routes.
_E = {"model": p.ErrorBody}
_AUTH = {401: _E, 403: _E, 429: _E}

ORG_ROLES = (p.TokenRole.STAFF, p.TokenRole.SUPERVISOR)
ALL_ROLES = tuple(p.TokenRole)


def _invalid(where: str, field: str, message: str, value: Any) -> RequestValidationError:
    """A 422 in FastAPI's own shape, for rules a pydantic model cannot know (the staff list)."""
    error = {"type": "value_error", "loc": (where, field), "msg": message, "input": value}
    return RequestValidationError([error])


# --- error bodies: bounded, and always encodable ---------------------------------------------

_TEXT_CAP = 200  # characters of any one string echoed in an error body
_ERRORS_CAP = 50  # validation errors listed in one 422 (then one "too_many_errors")
_ITEMS_CAP = 100  # items of any other list or object echoed
_DEPTH_CAP = 4


def _bounded(value: Any, depth: int = 0) -> Any:
    """`value` (already JSON-like) with strings cut short, containers capped and non-finite
    floats spelled as strings, so `json.dumps(..., allow_nan=False)` cannot fail on it."""
    if isinstance(value, str):
        return value if len(value) <= _TEXT_CAP else value[:_TEXT_CAP] + "..."
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        # Python ints are unbounded; a 4,000-digit one is not worth echoing (nor always printable).
        return value if abs(value) < 2**63 else "(a very large number)"
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if depth >= _DEPTH_CAP:
        return "..."
    if isinstance(value, dict):
        return {_bounded(str(k)): _bounded(v, depth + 1) for k, v in list(value.items())[:_ITEMS_CAP]}
    if isinstance(value, list | tuple):
        return [_bounded(v, depth + 1) for v in list(value)[:_ITEMS_CAP]]
    return _bounded(str(value), depth)


def _bounded_error(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error without its bulk: `input` is kept only if it is a scalar (a missing
    field's `input` is the whole enclosing object, which a client sent and already has)."""
    out = {key: value for key, value in error.items() if key != "input"}
    given = error.get("input")
    if "input" in error and (given is None or isinstance(given, str | int | float | bool)):
        out["input"] = given
    return out  # cut to size by _error_json (a ctx's exception becomes its message there)


def _error_json(body: dict[str, Any]) -> str:
    # ASCII escapes: a lone surrogate ("\ud800" is valid JSON) cannot break the UTF-8 encoding.
    return json.dumps(_bounded(body), ensure_ascii=True, allow_nan=False)


class BodyLimit:
    """Refuses an oversized request body with 413 before it is read, on every route.

    Runs ahead of routing and authentication, so a caller without a token cannot make the hub
    read (and parse) a large body either. A declared Content-Length over the route's limit is
    answered at once; a chunked body is counted as it streams in and refused as soon as it
    passes the limit. Either way the connection is closed after the answer, rather than left
    for the server to read and discard the rest of the upload; the same goes for any answer
    given before the body was read (a 401 on push). A body that stalls for `idle_timeout`
    between chunks gets 408, so a slow upload cannot hold a connection for ever.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int], idle_timeout: float) -> None:
        self.app = app
        self.limit_for = limit_for
        self.idle_timeout = idle_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        length = int(declared) if declared is not None and declared.strip().isdigit() else None
        if length is not None and length > limit:
            await self._refuse(limit, send)
            return
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        done = not chunked and not length  # no body expected
        received = 0

        async def capped() -> Message:
            nonlocal done, received
            if done:
                return await receive()  # a disconnect, for whoever listens for one
            try:
                with anyio.fail_after(self.idle_timeout):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, "request body too slow", headers={"Connection": "close"}) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, _too_large(limit), headers={"Connection": "close"})
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start" and not done:
                given = list(message.get("headers", []))
                if not any(name.lower() == b"connection" for name, _ in given):
                    message = {**message, "headers": [*given, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, capped, closing)

    @staticmethod
    async def _refuse(limit: int, send: Send) -> None:
        body = _error_json({"detail": _too_large(limit)}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _too_large(limit: int) -> str:
    return f"body over {limit} bytes"


class FaultsAndLogs:
    """Acts out the test fault plan, and logs one JSON line per request (sync.hub.access).

    A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` (`@app.middleware("http")`) runs
    each request through an extra task and memory stream, a measurable share of a loopback
    round trip and so of notification latency. The line is written just before the response's
    last chunk goes out, so it is in the log by the time the client has its answer.
    """

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        status = 500

        async def logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                self._log(scope, status, started)
            await send(message)

        verdict = self.plan.before(path) if not path.startswith("/v1/test/") else None
        if verdict is not None and verdict.delay:
            await asyncio.sleep(verdict.delay)
        if verdict is not None and verdict.status is not None:
            headers = {"Retry-After": str(math.ceil(verdict.retry_after))} if verdict.retry_after else {}
            response = JSONResponse({"detail": "injected fault"}, status_code=verdict.status, headers=headers)
            await response(scope, receive, logged)
        else:
            await self.app(scope, receive, logged)

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        route = scope.get("route")
        state = scope.get("state") or {}  # request.state lives here (role and org, set by auth)
        line = {
            "ts": utc_now().isoformat(timespec="milliseconds"),
            "rid": uuid.uuid4().hex[:12],
            "method": scope["method"],
            "route": getattr(route, "path", None) or "(unmatched)",
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "role": state.get("role"),
            "org": state.get("org"),
        }
        log.info(json.dumps(line))


def _too_many(wait: float) -> HTTPException:
    return HTTPException(429, "too many requests", headers={"Retry-After": str(max(1, math.ceil(wait)))})


def create_app(
    db_path: str | Path,
    config: HubConfig | None = None,
    faults: FaultPlan | None = None,
    clock: Clock = utc_now,
    test_hooks: bool = False,
    *,
    ticks: Ticks = time.monotonic,
) -> FastAPI:
    """Build the hub app on `db_path` (created if missing).

    `test_hooks` exposes /v1/test/* to admin tokens (tests only); `ticks` is the rate limits'
    monotonic clock.
    """
    cfg = config or HubConfig()
    plan = faults or FaultPlan()
    db = Database(db_path)
    limiter = RateLimiter(cfg.rate_per_second, cfg.rate_burst, ticks)
    auth_limiter = AuthFailureLimiter(
        cfg.auth_fail_per_second, cfg.auth_fail_burst, cfg.auth_fail_addresses, ticks
    )
    notifier = Notifier()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        notifier.attach(asyncio.get_running_loop())
        yield
        db.close()

    app = FastAPI(
        title="CVI sharing hub",
        version=f"{p.PROTOCOL_VERSION}.0",
        description="Reference sharing endpoint: CPD notifications in, organisation sync, CPD projections "
        "and monthly aggregates out. Bearer tokens; the organisation comes from the token.",
        lifespan=lifespan,
    )
    app.state.db, app.state.config, app.state.faults = db, cfg, plan
    app.state.limiter, app.state.auth_limiter, app.state.notifier = limiter, auth_limiter, notifier

    # --- auth -----------------------------------------------------------------------------

    def require(*roles: p.TokenRole) -> Callable[[Request], Principal]:
        def dependency(request: Request) -> Principal:
            # An address that has failed to sign in too often is refused before its token is
            # even looked up: answering "valid" or "invalid" while blocked would still let it guess.
            address = request.client.host if request.client else ""
            blocked = auth_limiter.wait(address)
            if blocked is not None:
                raise _too_many(blocked)
            header = request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            principal = None
            if scheme.lower() == "bearer" and token.strip():
                principal = service.authenticate(db, token.strip())
            if principal is None:
                auth_limiter.failed(address)
                raise HTTPException(401, "sign-in needed", headers={"WWW-Authenticate": "Bearer"})
            wait = limiter.take(principal.token_id)
            if wait is not None:
                raise _too_many(wait)
            request.state.role, request.state.org = principal.role.value, principal.org_id
            if not principal.active:
                raise HTTPException(403, "this account is deactivated; ask your supervisor")
            if principal.role not in roles:
                raise HTTPException(403, "this role may not use this route")
            return principal

        return dependency

    Anyone = Annotated[Principal, Depends(require(*ALL_ROLES))]
    Org = Annotated[Principal, Depends(require(*ORG_ROLES))]
    Supervisor = Annotated[Principal, Depends(require(p.TokenRole.SUPERVISOR))]
    Cpd = Annotated[Principal, Depends(require(p.TokenRole.CPD))]
    Admin = Annotated[Principal, Depends(require(p.TokenRole.ADMIN))]

    # --- middleware: body limits, faults and request logs ------------------------------------

    # The last added runs first: logs and faults, then body limits, then routing and auth.
    app.add_middleware(BodyLimit, limit_for=cfg.body_limit, idle_timeout=cfg.body_timeout)
    app.add_middleware(FaultsAndLogs, plan=plan)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own handler echoes every input whole, as UTF-8: a 2 MB body came back in the
        # 422, and a lone surrogate or a NaN broke the encoding. Short scalars only, ASCII JSON.
        errors = list(exc.errors())
        detail = [_bounded_error(dict(error)) for error in errors[:_ERRORS_CAP]]
        if len(errors) > _ERRORS_CAP:
            more = len(errors) - _ERRORS_CAP
            detail.append({"type": "too_many_errors", "loc": ["body"], "msg": f"and {more} more errors"})
        return Response(_error_json({"detail": detail}), status_code=422, media_type="application/json")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        # As FastAPI's own, but a detail can never be long or unencodable either.
        headers = dict(exc.headers or {})
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=headers)
        text = _error_json({"detail": exc.detail})
        return Response(text, status_code=exc.status_code, headers=headers, media_type="application/json")

    @app.exception_handler(UnicodeEncodeError)
    async def not_unicode(_: Request, exc: UnicodeEncodeError) -> JSONResponse:
        # A lone surrogate that passed validation cannot be stored (SQLite text is UTF-8).
        return JSONResponse({"detail": "text must be valid Unicode (no lone surrogates)"}, status_code=400)

    @app.exception_handler(service.CursorGone)
    async def cursor_gone(_: Request, exc: service.CursorGone) -> JSONResponse:
        # `code` is for clients: "cursor_ahead" (this hub was restored from a backup without a
        # new epoch: re-send what it may have lost) must not be mistaken for an expired cursor.
        body = {"detail": f"cursor gone: {exc}; pull again without a cursor", "code": exc.code}
        return JSONResponse(body, status_code=410)

    @app.exception_handler(sqlite3.OperationalError)
    async def busy(_: Request, exc: sqlite3.OperationalError) -> JSONResponse:
        # Locked or full database: nothing was committed, the client should retry later.
        return JSONResponse({"detail": "hub storage busy"}, status_code=503, headers={"Retry-After": "2"})

    # --- sync ------------------------------------------------------------------------------

    @app.get("/v1/health", response_model=p.Health, tags=["sync"])
    def health() -> p.Health:
        return p.Health(
            status="ok", epoch=db.epoch(), protocol=p.PROTOCOL_VERSION, server_time=service.iso(clock())
        )

    @app.get("/v1/sync/config", response_model=p.SyncConfig, tags=["sync"], responses=_AUTH)
    def sync_config(_: Org) -> p.SyncConfig:
        return p.SyncConfig(
            protocol=p.PROTOCOL_VERSION,
            epoch=db.epoch(),
            max_batch_records=cfg.max_batch_records,
            max_body_bytes=cfg.max_body_bytes,
            max_pull_limit=cfg.max_pull_limit,
            max_wait_seconds=cfg.max_wait_seconds,
            min_client_version=cfg.min_client_version,
        )

    @app.post(
        "/v1/sync/push",
        response_model=p.PushResponse,
        tags=["sync"],
        responses={**_AUTH, 400: _E, 413: _E, 503: _E},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
            }
        },
    )
    async def push(request: Request, principal: Org) -> Response:
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

    @app.get("/v1/sync/pull", response_model=p.PullResponse, tags=["sync"], responses={**_AUTH, 410: _E})
    def pull(
        principal: Org, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=10_000)] = 500
    ) -> p.PullResponse:
        """Changes for the caller's organisation after `cursor` (none: from the beginning)."""
        page = service.pull(db, principal, cursor, min(limit, cfg.max_pull_limit))  # CursorGone: 410
        service.touch(db, principal, clock())
        return page

    @app.get("/v1/sync/wait", response_model=p.PullResponse, tags=["sync"], responses={**_AUTH, 410: _E})
    async def wait(
        principal: Org,
        cursor: str | None = None,
        timeout: Annotated[float, Query(ge=0, le=300)] = 25.0,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> p.PullResponse:
        """Long-poll: like pull, but holds the request until there is a change or `timeout` passes."""
        org = principal.org_id or ""
        # With the caller's organisation: another one's cursor is refused here, not after the wait.
        seq = await anyio.to_thread.run_sync(service.decode_cursor, db, cursor, org)  # CursorGone: 410
        deadline = time.monotonic() + min(timeout, cfg.max_wait_seconds)

        def page_if_changed(final: bool) -> p.PullResponse | None:
            # Check, read and note the caller in one trip to a worker thread: on a wake-up each
            # extra hop is a scheduling delay on the way to a waiting laptop's bell.
            if not final and service.latest_seq(db, org) <= seq:
                return None
            page = service.pull(db, principal, cursor, min(limit, cfg.max_pull_limit))
            service.touch(db, principal, clock())
            return page

        while True:
            remaining = deadline - time.monotonic()
            found = await anyio.to_thread.run_sync(page_if_changed, remaining <= 0 or notifier.closing)
            if found is not None:
                return found
            await notifier.wait(min(0.25, remaining))

    @app.get(
        "/v1/records/{kind}/{record_id}",
        response_model=p.RecordOut,
        tags=["org"],
        responses={**_AUTH, 404: _E},
    )
    def get_record(
        principal: Org, kind: RecordKind, record_id: Annotated[str, PathParam(max_length=128)]
    ) -> p.RecordOut:
        """The current version of one of the caller's organisation's records (audience org)."""
        found = service.get_record(db, principal, kind.value, record_id)
        if found is None:
            raise HTTPException(404, "not found")
        return found

    @app.post(
        "/v1/incidents/{incident_id}/assign",
        response_model=p.RecordOut,
        tags=["org"],
        responses={**_AUTH, 404: _E, 409: _E},
    )
    def assign(
        principal: Supervisor, incident_id: Annotated[str, PathParam(max_length=128)], body: p.AssignRequest
    ) -> p.RecordOut | JSONResponse:
        """Supervisor (re)assigns an incident: a new incident version for the org's devices.

        The assignee must be an active member of the organisation's staff list (else 422).
        """
        try:
            out = service.assign(db, principal, incident_id, body.assignee, body.base_version, clock())
        except service.NotStaff:
            raise _invalid("body", "assignee", service.NOT_STAFF, body.assignee) from None
        except service.StaleBase as exc:
            return JSONResponse(
                {"detail": "stale base version", "current_version": exc.current_version}, status_code=409
            )
        if out is None:
            raise HTTPException(404, "not found")
        notifier.bump()
        return out

    # --- who am I, and the staff list ------------------------------------------------------

    @app.get("/v1/me", response_model=p.Me, tags=["org"], responses=_AUTH)
    def whoami(principal: Anyone) -> p.Me:
        """The caller as the hub knows them: role, organisation and staff id from the token."""
        return service.me(db, principal)

    @app.get("/v1/org/staff", response_model=list[p.StaffOut], tags=["org"], responses=_AUTH)
    def org_staff(principal: Org) -> list[p.StaffOut]:
        """The caller's organisation's staff list (deactivated people too), by display name."""
        return service.list_staff(db, principal.org_id or "")

    @app.post(
        "/v1/org/staff",
        response_model=p.StaffOut,
        status_code=201,
        tags=["org"],
        responses={**_AUTH, 200: {"model": p.StaffOut, "description": "Updated (and re-activated)"}},
    )
    def add_org_staff(principal: Supervisor, body: p.StaffIn, response: Response) -> p.StaffOut:
        """Supervisor adds a staff member (201) or updates one's name and role, re-activating (200)."""
        out, created = service.upsert_staff(db, principal.org_id or "", body, clock())
        if not created:
            response.status_code = 200
        return out

    @app.post(
        "/v1/org/staff/{staff_id}/deactivate",
        status_code=204,
        tags=["org"],
        responses={**_AUTH, 404: _E},
    )
    def deactivate_org_staff(
        principal: Supervisor, staff_id: Annotated[str, PathParam(min_length=1, max_length=64)]
    ) -> Response:
        """Supervisor deactivates a staff member: their tokens get 403, they cannot be assigned."""
        if staff_id == principal.staff_id:
            raise _invalid("path", "staff_id", "a supervisor cannot deactivate themselves", staff_id)
        if not service.deactivate_staff(db, principal.org_id or "", staff_id):
            raise HTTPException(404, "not found")
        return Response(status_code=204)

    # --- CPD -------------------------------------------------------------------------------

    @app.post(
        "/v1/cpd/notifications",
        response_model=p.NotificationResult,
        status_code=201,
        tags=["cpd"],
        responses={**_AUTH, 409: _E},
    )
    def post_notification(_: Cpd, body: p.Notification, response: Response) -> p.NotificationResult:
        """New notification, routed to every organisation covering its district (201; 200 if a repeat)."""
        try:
            result = service.post_notification(db, body, clock())
        except service.IncidentIdTaken as exc:
            raise HTTPException(409, str(exc)) from None
        except service.NotificationConflict:
            raise HTTPException(409, "notification exists with other content; PUT a correction") from None
        if result.status is p.NotificationStatus.UNCHANGED:
            response.status_code = 200
        notifier.bump()
        return result

    @app.put(
        "/v1/cpd/notifications/{notification_id}",
        response_model=p.NotificationResult,
        tags=["cpd"],
        responses={**_AUTH, 404: _E},
    )
    def correct_notification(
        _: Cpd, notification_id: Annotated[str, PathParam(max_length=128)], body: p.NotificationCorrection
    ) -> p.NotificationResult:
        """Correction: a new version, routed again (to new covering organisations too)."""
        result = service.correct_notification(db, notification_id, body, clock())
        if result is None:
            raise HTTPException(404, "not found")
        notifier.bump()
        return result

    @app.get("/v1/cpd/records", response_model=p.CpdRecordsPage, tags=["cpd"], responses=_AUTH)
    def cpd_records(
        _: Cpd,
        since: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> p.CpdRecordsPage:
        """Response records (CPD's projection), every version, in the order the hub received them."""
        return service.cpd_records(db, since, limit)

    @app.get("/v1/cpd/monthly", response_model=p.MonthlyReport, tags=["cpd"], responses=_AUTH)
    def cpd_monthly(_: Cpd, month: Annotated[str, Query(pattern=service.MONTH.pattern)]) -> p.MonthlyReport:
        """The monthly review (incidents that occurred in the month, Chicago time): the city, its
        districts, each organisation and the six-month trend, by the laptop's own calculation
        (`cvi_desktop.monthly`, minutes, nearest-rank). Protocol-1 fields kept: `districts[]`
        with `p50_s`/`p90_s` (minutes × 60)."""
        try:
            return service.monthly_report(web.reviews(app).get(month))
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None

    # --- admin -----------------------------------------------------------------------------

    @app.get("/v1/admin/orgs", response_model=list[p.OrgOut], tags=["admin"], responses=_AUTH)
    def list_orgs(_: Admin) -> list[dict[str, Any]]:
        return admin.list_orgs(db)

    @app.post(
        "/v1/admin/orgs",
        response_model=p.OrgOut,
        status_code=201,
        tags=["admin"],
        responses={**_AUTH, 409: _E},
    )
    def create_org(_: Admin, body: p.OrgIn) -> p.OrgOut:
        try:
            admin.create_org(db, body.id, body.name)
        except admin.AdminError as exc:
            raise HTTPException(409, str(exc)) from None
        return p.OrgOut(id=body.id, name=body.name, districts=[])

    @app.post("/v1/admin/coverage", status_code=204, tags=["admin"], responses={**_AUTH, 404: _E})
    def add_coverage(_: Admin, body: p.CoverageIn) -> Response:
        try:
            admin.add_coverage(db, body.org_id, body.district)
        except admin.AdminError as exc:
            raise HTTPException(404, str(exc)) from None
        return Response(status_code=204)

    @app.get(
        "/v1/admin/orgs/{org_id}/staff",
        response_model=list[p.StaffOut],
        tags=["admin"],
        responses={**_AUTH, 404: _E},
    )
    def admin_list_staff(_: Admin, org_id: Annotated[str, PathParam(max_length=64)]) -> list[p.StaffOut]:
        try:
            return service.list_staff(db, org_id)
        except service.UnknownOrg:
            raise HTTPException(404, "not found") from None

    @app.post(
        "/v1/admin/orgs/{org_id}/staff",
        response_model=p.StaffOut,
        status_code=201,
        tags=["admin"],
        responses={**_AUTH, 200: {"model": p.StaffOut, "description": "Updated (and re-activated)"}, 404: _E},
    )
    def admin_add_staff(
        _: Admin, org_id: Annotated[str, PathParam(max_length=64)], body: p.StaffIn, response: Response
    ) -> p.StaffOut:
        try:
            out, created = service.upsert_staff(db, org_id, body, clock())
        except service.UnknownOrg:
            raise HTTPException(404, "not found") from None
        if not created:
            response.status_code = 200
        return out

    @app.post(
        "/v1/admin/orgs/{org_id}/staff/{staff_id}/deactivate",
        status_code=204,
        tags=["admin"],
        responses={**_AUTH, 404: _E},
    )
    def admin_deactivate_staff(
        _: Admin,
        org_id: Annotated[str, PathParam(max_length=64)],
        staff_id: Annotated[str, PathParam(min_length=1, max_length=64)],
    ) -> Response:
        try:
            found = service.deactivate_staff(db, org_id, staff_id)
        except service.UnknownOrg:
            found = False
        if not found:
            raise HTTPException(404, "not found")
        return Response(status_code=204)

    @app.get("/v1/admin/tokens", response_model=list[p.TokenInfo], tags=["admin"], responses=_AUTH)
    def list_tokens(_: Admin) -> list[dict[str, Any]]:
        return admin.list_tokens(db)

    @app.post(
        "/v1/admin/tokens",
        response_model=p.TokenCreated,
        status_code=201,
        tags=["admin"],
        responses={**_AUTH, 400: _E},
    )
    def create_token(_: Admin, body: p.TokenIn) -> dict[str, Any]:
        try:
            return admin.create_token_info(
                db, body.role.value, body.org_id, body.staff_id, body.label, body.display_name
            )
        except admin.AdminError as exc:
            raise HTTPException(400, str(exc)) from None

    @app.post(
        "/v1/admin/tokens/{token_id}/revoke", status_code=204, tags=["admin"], responses={**_AUTH, 404: _E}
    )
    def revoke_token(_: Admin, token_id: Annotated[int, PathParam(ge=1, le=MAX_INT)]) -> Response:
        if not admin.revoke_token(db, token_id):
            raise HTTPException(404, "not found")
        return Response(status_code=204)

    # --- test hooks (never in the schema; only when started with test_hooks) ----------------

    if test_hooks:

        # Admin token only: a hub started with hooks by mistake must not hand its fault plan,
        # its epoch or its rate limits to anyone who can reach it.

        @app.post("/v1/test/faults", include_in_schema=False)
        def arm_fault(_: Admin, spec: dict[str, Any]) -> dict[str, str]:
            try:
                plan.apply(spec)
            except (TypeError, ValueError) as exc:
                raise HTTPException(400, str(exc)) from None
            return {"status": "armed"}

        @app.post("/v1/test/epoch", include_in_schema=False)
        def bump_epoch(_: Admin) -> dict[str, str]:
            return {"epoch": admin.bump_epoch(db)}

        @app.post("/v1/test/expire-cursors", include_in_schema=False)
        def expire_cursors(_: Admin) -> dict[str, str]:
            admin.expire_cursors(db)
            return {"status": "expired"}

        @app.post("/v1/test/rate-limit", include_in_schema=False)
        def rate_limit(_: Admin, spec: dict[str, float]) -> dict[str, str]:
            limiter.configure(float(spec.get("rate_per_second", 0)), int(spec.get("burst", 1)))
            return {"status": "set"}

    # CPD's city-wide review page (HTML): its own session cookie, the same failed-sign-in limiter.
    app.include_router(web.router(app, db, auth_limiter, clock))

    app.openapi = lambda: openapi_schema(app)  # type: ignore[method-assign]
    return app


def _lift_defs(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    for name, sub in schema.pop("$defs", {}).items():
        components.setdefault(name, sub)
    return schema


def openapi_schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the push body, which the route validates per record by hand."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    ref = "#/components/schemas/{model}"
    components["PushRecord"] = _lift_defs(p.PushRecord.model_json_schema(ref_template=ref), components)
    components["PushRequest"] = {
        "title": "PushRequest",
        "type": "object",
        "additionalProperties": False,
        "required": ["records"],
        "properties": {
            "records": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/PushRecord"},
                "description": "Validated one by one: a bad record gets its own result.",
            }
        },
    }
    for model in (
        p.OrgIncident,
        p.OrgAction,
        p.OrgReferral,
        p.OrgFollowup,
        p.OrgReview,
        p.ResponseRecordData,
    ):
        components[model.__name__] = _lift_defs(model.model_json_schema(ref_template=ref), components)
    schema["components"]["schemas"] = dict(sorted(components.items()))
    schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    schema["security"] = [{"bearer": []}]
    app.openapi_schema = schema
    return schema


def write_openapi(path: str | Path) -> None:
    """Regenerate the committed OpenAPI file (the app is built on a throwaway database)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "hub.sqlite3")
        text = json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"
        app.state.db.close()
    Path(path).write_text(text, encoding="utf-8")
