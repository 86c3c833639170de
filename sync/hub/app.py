"""The hub's HTTP app: `create_app`, its middleware, error handlers and limits.

`create_app(db_path, ...)` builds the FastAPI app; `sync.hub.server.HubServer` runs it. Rules
live in `service.py`. The routes are routers, one module per audience, included here in a fixed
order (the OpenAPI file's): `routes_sync` (the laptops' sync), `routes_org` (who am I, the staff
list, assignment), `routes_cpd`, `routes_admin`, `routes_test` (test hooks, only with
`test_hooks`), and `web` (CPD's review pages). What they share, the role dependencies and the
app's parts, is `deps.py`: each route reads its parts from `app.state`, set here.

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

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import protocol as p
from . import routes_admin, routes_cpd, routes_org, routes_sync, routes_test, service, web
from .config import Clock, HubConfig, Ticks, utc_now
from .db import BUSY_ERRORS, open_database
from .deps import Notifier
from .faults import FaultPlan

__all__ = [
    "AuthFailureLimiter", "BodyLimit", "FaultsAndLogs", "HubConfig", "Notifier", "RateLimiter",
    "create_app", "openapi_schema", "utc_now", "write_openapi",
]

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


def create_app(
    db_path: str | Path,
    config: HubConfig | None = None,
    faults: FaultPlan | None = None,
    clock: Clock = utc_now,
    test_hooks: bool = False,
    *,
    ticks: Ticks = time.monotonic,
) -> FastAPI:
    """Build the hub app on `db_path` (created if missing): a file path, or a `--db` value that
    `dburl.parse_db` reads (a SQLite path or a postgresql:// URL).

    `test_hooks` exposes /v1/test/* to admin tokens (tests only); `ticks` is the rate limits'
    monotonic clock.
    """
    cfg = config or HubConfig()
    plan = faults or FaultPlan()
    db = open_database(db_path)  # a SQLite path or a postgresql:// URL (dburl.parse_db)
    limiter = RateLimiter(cfg.rate_per_second, cfg.rate_burst, ticks)
    auth_limiter = AuthFailureLimiter(
        cfg.auth_fail_per_second, cfg.auth_fail_burst, cfg.auth_fail_addresses, ticks
    )
    notifier = Notifier()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        notifier.attach(asyncio.get_running_loop())
        # PostgreSQL: other hub processes' commits wake this one's waiters (LISTEN/NOTIFY);
        # SQLite returns False and the 0.25 s poll below stays the only cross-process path.
        db.listen(notifier.wake)
        yield
        db.close()

    app = FastAPI(
        title="CVI sharing hub",
        version=f"{p.PROTOCOL_VERSION}.0",
        description="Reference sharing endpoint: CPD notifications in, organisation sync, CPD projections "
        "and monthly aggregates out. Bearer tokens; the organisation comes from the token.",
        lifespan=lifespan,
    )
    # What the routers' dependencies read (sync.hub.deps); server.py and tests read them too.
    app.state.db, app.state.config, app.state.faults, app.state.clock = db, cfg, plan, clock
    app.state.limiter, app.state.auth_limiter, app.state.notifier = limiter, auth_limiter, notifier

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

    async def busy(_: Request, exc: Exception) -> JSONResponse:
        # Locked or full database: nothing was committed, the client should retry later.
        return JSONResponse({"detail": "hub storage busy"}, status_code=503, headers={"Retry-After": "2"})

    for busy_error in BUSY_ERRORS:  # either engine's "locked / timed out / went away"
        app.add_exception_handler(busy_error, busy)

    # The routers: each route reads the parts it uses from app.state (sync.hub.deps). The order
    # is the OpenAPI file's order of paths.
    app.include_router(routes_sync.router)
    app.include_router(routes_org.router)
    app.include_router(routes_cpd.router)
    app.include_router(routes_admin.router)
    if test_hooks:
        # Never in the schema; admin token only (see routes_test).
        app.include_router(routes_test.router)

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
