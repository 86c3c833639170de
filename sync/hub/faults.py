"""Test fault hooks: a plan of misbehaviours the hub acts out on purpose (sync.md fault matrix).

Never active unless a test arms it. In-process: `server.faults.fail_next(status=500, times=3)`.
Over HTTP only if the server was started with `test_hooks=True` / `cvi-hub serve --test-hooks`
(off by default), and only with an admin token (401 without one, 403 for other roles):
`POST /v1/test/faults` with `{"fault": "<method name>", ...kwargs}`, e.g.
`{"fault": "fail_next", "status": 503, "times": 2, "retry_after": 1}`, or `{"fault": "clear"}`.
The other hooks (same rules): `POST /v1/test/epoch`, `/v1/test/expire-cursors`, and
`/v1/test/rate-limit` with `{"rate_per_second": r, "burst": b}`.

Faults and where they bite (`route` is a path prefix; push = "/v1/sync/push"):
- fail_next(status, times, retry_after, route): answer `status` (with Retry-After if given)
  before the request is processed -- nothing is stored.
- retry_after(seconds, status=429, times=1, route): shorthand for the above.
- unauthorized_after(pushes, times=None): after `pushes` successful pushes, answer 401 to the
  next `times` pushes (None: until cleared -- "sign-in cannot be renewed").
- forbid(times=None, route="/v1/sync"): 403 (user deactivated).
- poison(record_id): 400 for any push batch containing that record id; nothing is stored.
- limit_body(max_bytes): 413 for any push body above max_bytes; nothing is stored.
- omit_results(*ids): push processes and commits every record but leaves these ids out of
  the results.
- garble_next(times=1, mode="truncate"|"invalid"): the next push is committed, then its 200
  body is cut short (or replaced with non-JSON).
- delay(seconds, times=1, route): sleep before processing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PUSH = "/v1/sync/push"


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: float | None
    route: str


@dataclass
class _State:
    failures: list[_Failure] = field(default_factory=list)
    pushes_ok: int = 0
    unauthorized_after: int | None = None
    unauthorized_times: int | None = None
    forbid_times: int | None = None
    forbid_route: str = "/v1/sync"
    forbid_on: bool = False
    poison: set[str] = field(default_factory=set)
    max_bytes: int | None = None
    omit: set[str] = field(default_factory=set)
    garble_times: int = 0
    garble_mode: str = "truncate"
    delays: list[tuple[float, int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    """What the hub should do instead of (or before) handling a request."""

    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0


class FaultPlan:
    """Thread-safe; one per server. All methods return self so calls can be chained."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._s = _State()

    # --- arming ---------------------------------------------------------------------------

    def clear(self) -> FaultPlan:
        with self._lock:
            self._s = _State()
        return self

    def fail_next(
        self, status: int = 500, times: int = 1, retry_after: float | None = None, route: str = PUSH
    ) -> FaultPlan:
        with self._lock:
            self._s.failures.append(_Failure(status, times, retry_after, route))
        return self

    def retry_after(self, seconds: float, status: int = 429, times: int = 1, route: str = PUSH) -> FaultPlan:
        return self.fail_next(status=status, times=times, retry_after=seconds, route=route)

    def unauthorized_after(self, pushes: int, times: int | None = None) -> FaultPlan:
        with self._lock:
            self._s.unauthorized_after = self._s.pushes_ok + pushes
            self._s.unauthorized_times = times
        return self

    def forbid(self, times: int | None = None, route: str = "/v1/sync") -> FaultPlan:
        with self._lock:
            self._s.forbid_on, self._s.forbid_times, self._s.forbid_route = True, times, route
        return self

    def poison(self, record_id: str) -> FaultPlan:
        with self._lock:
            self._s.poison.add(record_id)
        return self

    def limit_body(self, max_bytes: int | None) -> FaultPlan:
        with self._lock:
            self._s.max_bytes = max_bytes
        return self

    def omit_results(self, *record_ids: str) -> FaultPlan:
        with self._lock:
            self._s.omit.update(record_ids)
        return self

    def garble_next(self, times: int = 1, mode: str = "truncate") -> FaultPlan:
        if mode not in ("truncate", "invalid"):
            raise ValueError("mode is truncate or invalid")
        with self._lock:
            self._s.garble_times, self._s.garble_mode = times, mode
        return self

    def delay(self, seconds: float, times: int = 1, route: str = PUSH) -> FaultPlan:
        with self._lock:
            self._s.delays.append((seconds, times, route))
        return self

    _HTTP_FAULTS = frozenset(
        {
            "clear",
            "fail_next",
            "retry_after",
            "unauthorized_after",
            "forbid",
            "poison",
            "limit_body",
            "omit_results",
            "garble_next",
            "delay",
        }
    )

    def apply(self, spec: dict[str, Any]) -> FaultPlan:
        """Arm from a JSON spec: {"fault": name, **kwargs}; omit_results takes {"ids": [...]}."""
        spec = dict(spec)
        name = spec.pop("fault", None)
        if name not in self._HTTP_FAULTS:
            raise ValueError(f"unknown fault {name!r}")
        if name == "omit_results":
            return self.omit_results(*spec.get("ids", []))
        method = getattr(self, name)
        return method(**spec)  # type: ignore[no-any-return]

    # --- consulted by the app ---------------------------------------------------------------

    def before(self, path: str) -> Verdict:
        """Called for every request before it is handled."""
        with self._lock:
            s = self._s
            delay = 0.0
            for i, (seconds, times, route) in enumerate(s.delays):
                if path.startswith(route) and times > 0:
                    delay = seconds
                    s.delays[i] = (seconds, times - 1, route)
                    break
            for failure in s.failures:
                if path.startswith(failure.route) and failure.times > 0:
                    failure.times -= 1
                    return Verdict(failure.status, failure.retry_after, delay)
            if (
                path.startswith(PUSH)
                and s.unauthorized_after is not None
                and s.pushes_ok >= s.unauthorized_after
            ):
                if s.unauthorized_times is None or s.unauthorized_times > 0:
                    if s.unauthorized_times is not None:
                        s.unauthorized_times -= 1
                    return Verdict(401, None, delay)
            if s.forbid_on and path.startswith(s.forbid_route):
                if s.forbid_times is None or s.forbid_times > 0:
                    if s.forbid_times is not None:
                        s.forbid_times -= 1
                    return Verdict(403, None, delay)
            return Verdict(None, None, delay)

    def push_body(self, body_size: int, record_ids: Iterable[str]) -> int | None:
        """Status to answer instead of processing this push batch, if any."""
        with self._lock:
            if self._s.max_bytes is not None and body_size > self._s.max_bytes:
                return 413
            if self._s.poison and self._s.poison.intersection(record_ids):
                return 400
        return None

    def push_done(self) -> tuple[set[str], str | None]:
        """After a push committed: ids to leave out of the results, and a garble mode if any."""
        with self._lock:
            self._s.pushes_ok += 1
            garble = None
            if self._s.garble_times > 0:
                self._s.garble_times -= 1
                garble = self._s.garble_mode
            return set(self._s.omit), garble
