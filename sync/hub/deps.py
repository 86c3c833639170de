"""What the hub's routers share: the bearer-token role dependencies, the app's parts, error shapes.

Every router (`routes_sync`, `routes_org`, `routes_cpd`, `routes_admin`, `routes_test`) is a
module-level `APIRouter` with no state of its own: a route asks for what it uses through the
aliases here, and each alias reads it from the app that is serving the request
(`request.app.state`, filled in by `app.create_app`). So one router serves any number of apps in
one process (the tests build many), and a route's signature says which parts of the hub it
touches.

- Roles: `Anyone`, `Org` (staff or supervisor), `Supervisor`, `Cpd`, `Admin` are the caller's
  `Principal`, or 401 without a valid token, 403 for another role or a deactivated staff
  member, 429 when the token's bucket is empty or the caller's address has failed to sign in
  too often (checked before its token is looked up).
- Parts: `Db`, `Config`, `Now` (the hub's clock), `Live` (wakes long-polls and event streams),
  `Faults` (the test fault plan), `Limits` (the per-token rate limiter), `ReviewCache` (CPD's
  monthly reviews).
- `ERROR`/`AUTH` document error bodies on routes; `invalid()` is a 422 in FastAPI's own shape.
"""

# No `from __future__ import annotations`: FastAPI reads these aliases' metadata at runtime.
import asyncio
import math
import threading
from collections.abc import Callable
from typing import Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError

from .. import protocol as p
from . import web
from .config import Clock, HubConfig
from .db import Database
from .faults import FaultPlan
from .service import Principal, authenticate


class Watch:
    """What a waiter waits on (from `Notifier.watch`): set once by a wake, then replaced.

    Not an `asyncio.Event`: `asyncio.wait_for(event.wait(), t)` runs the wait as a task of its
    own, a loop iteration or two between a wake and the waiter running, on the way to a
    waiting laptop's bell. Here a wake resolves each waiter's future directly. Loop-only.
    """

    __slots__ = ("_waiters", "fired", "pages", "pages_lock")

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[bool]] = set()
        self.fired = False
        # Pages read while this watch was unfired, shared by every stream of the organisation
        # holding it (see routes_sync._event_pages): a page after a position holds every change
        # committed before the watch fires, so one read serves the organisation's 50 laptops on
        # this process instead of 50 reads. A change committed meanwhile fires the watch, and
        # its holders read again. Worker threads fill it, one at a time per watch.
        self.pages: dict[Any, Any] = {}
        self.pages_lock = threading.Lock()

    def set(self) -> None:
        self.fired = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(True)
        self._waiters.clear()

    async def wait(self, timeout: float) -> bool:
        """True once set, False after `timeout` seconds."""
        if self.fired:
            return True
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        self._waiters.add(waiter)
        timer = loop.call_later(max(0.0, timeout), _expire, waiter)
        try:
            return await waiter
        finally:
            timer.cancel()
            self._waiters.discard(waiter)


def _expire(waiter: "asyncio.Future[bool]") -> None:
    if not waiter.done():
        waiter.set_result(False)


class Notifier:
    """Wakes the live channels (long-polls, event streams) when a change is committed.

    Waiters are kept per organisation, so a write for one organisation wakes only that
    organisation's waiting laptops: 1,000 devices of 20 organisations must not all re-query the
    database on every write. A waiter takes its organisation's `Watch` with `watch()` *before*
    it checks the database and then awaits it with `wait()`: a wake that lands between the check
    and the wait has already set that watch, so it is never lost.

    `wake()` (and `bump()`, which wakes everyone) may be called from any thread: from the event
    loop (a route), from a worker thread, or from a thread that listens for other hub processes'
    writes (PostgreSQL LISTEN). Watches are touched only on the loop itself.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        # One watch per organisation that has waiters; set and dropped by a wake, so the next
        # waiter gets a fresh one. `_any` is set by every wake (for `wait()` without a watch).
        self._watches: dict[str, Watch] = {}
        self._any = Watch()
        self.closing = False
        self.wakes = 0  # wakes handled on the loop, for tests and diagnostics

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._watches, self._any = {}, Watch()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The server's event loop once it has started (None before)."""
        return self._loop

    def wake(self, org_id: str | None = None) -> None:
        """Wake the waiters of `org_id` (None: everyone's). Thread-safe; never blocks."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # not serving: there is nobody to wake
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            # Already on the loop (a coroutine route): no hop, the bell rings a step sooner.
            self._fire(org_id)
            return
        try:
            loop.call_soon_threadsafe(self._fire, org_id)
        except RuntimeError:
            pass  # the loop closed between the check and the call (shutdown): nobody waits

    def bump(self) -> None:
        """Wake every waiter (shutdown, or a write whose organisations are not known)."""
        self.wake(None)

    def close(self) -> None:
        """Make every live channel finish: long-polls answer at once, event streams end."""
        self.closing = True
        self.wake(None)

    def _fire(self, org_id: str | None) -> None:
        self.wakes += 1
        if org_id is None:
            woken, self._watches = list(self._watches.values()), {}
        else:
            one = self._watches.pop(org_id, None)
            woken = [one] if one is not None else []
        any_watch, self._any = self._any, Watch()
        any_watch.set()
        for watch in woken:
            watch.set()

    def watch(self, org_id: str) -> Watch:
        """What the next wake of `org_id` (or of everyone) sets. Call on the loop, before
        checking for changes; then `wait(timeout, watch)`."""
        watch = self._watches.get(org_id)
        if watch is None:
            watch = self._watches[org_id] = Watch()
        return watch

    async def wait(self, timeout: float, watch: Watch | None = None) -> bool:
        """Wait up to `timeout` seconds for `watch` (from `watch()`), or without one for any
        wake. True if woken, False on time-out."""
        if self._loop is None:
            await asyncio.sleep(timeout)
            return False
        return await (watch if watch is not None else self._any).wait(timeout)

    def waiting(self) -> int:
        """How many organisations have a watch outstanding (for tests)."""
        return len(self._watches)


class TokenLimiter(Protocol):
    """The per-token rate limiter (`app.RateLimiter`); a protocol, so this module need not
    import app.py, which imports the routers."""

    def take(self, key: Any) -> float | None: ...

    def configure(self, rate: float, burst: int) -> None: ...


# --- the app's parts, from the app serving the request ------------------------------------------
# Coroutines, not plain functions: FastAPI runs a plain dependency on a worker thread, and a
# thread hop per part per request would add to every round trip (and so to notification latency).


async def _db(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


async def _config(request: Request) -> HubConfig:
    return request.app.state.config  # type: ignore[no-any-return]


async def _clock(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]


async def _notifier(request: Request) -> Notifier:
    return request.app.state.notifier  # type: ignore[no-any-return]


async def _faults(request: Request) -> FaultPlan:
    return request.app.state.faults  # type: ignore[no-any-return]


async def _limiter(request: Request) -> TokenLimiter:
    return request.app.state.limiter  # type: ignore[no-any-return]


async def _reviews(request: Request) -> web.Reviews:
    return web.reviews(request.app)


Db = Annotated[Database, Depends(_db)]
Config = Annotated[HubConfig, Depends(_config)]
Now = Annotated[Clock, Depends(_clock)]
Live = Annotated[Notifier, Depends(_notifier)]
Faults = Annotated[FaultPlan, Depends(_faults)]
Limits = Annotated[TokenLimiter, Depends(_limiter)]
ReviewCache = Annotated[web.Reviews, Depends(_reviews)]


# --- who is calling --------------------------------------------------------------------------------

ORG_ROLES = (p.TokenRole.STAFF, p.TokenRole.SUPERVISOR)
ALL_ROLES = tuple(p.TokenRole)


def too_many(wait: float) -> HTTPException:
    return HTTPException(429, "too many requests", headers={"Retry-After": str(max(1, math.ceil(wait)))})


def require(*roles: p.TokenRole) -> Callable[[Request], Principal]:
    """A dependency: the caller's Principal if their token is valid and has one of `roles`."""

    # A plain function, so FastAPI runs it on a worker thread: it reads the tokens table.
    def dependency(request: Request) -> Principal:
        state = request.app.state
        # An address that has failed to sign in too often is refused before its token is
        # even looked up: answering "valid" or "invalid" while blocked would still let it guess.
        address = request.client.host if request.client else ""
        blocked = state.auth_limiter.wait(address)
        if blocked is not None:
            raise too_many(blocked)
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        principal = None
        if scheme.lower() == "bearer" and token.strip():
            principal = authenticate(state.db, token.strip())
        if principal is None:
            state.auth_limiter.failed(address)
            raise HTTPException(401, "sign-in needed", headers={"WWW-Authenticate": "Bearer"})
        wait = state.limiter.take(principal.token_id)
        if wait is not None:
            raise too_many(wait)
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


# --- error shapes ----------------------------------------------------------------------------------

# Error bodies documented on routes.
ERROR = {"model": p.ErrorBody}
AUTH: dict[int | str, dict[str, Any]] = {401: ERROR, 403: ERROR, 429: ERROR}


def invalid(where: str, field: str, message: str, value: Any) -> RequestValidationError:
    """A 422 in FastAPI's own shape, for rules a pydantic model cannot know (the staff list)."""
    error = {"type": "value_error", "loc": (where, field), "msg": message, "input": value}
    return RequestValidationError([error])
