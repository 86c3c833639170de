"""The HTTP transport to the hub, and the one place where network failures become errors.

Every `requests` exception and every HTTP status the engine can meet is mapped here into the
`SyncError` taxonomy; each error carries a short title and what the person can do, and says
whether it is transient (try again later with backoff) and whether the outcome of the request
is unknown (the hub may have committed it: resend the same keys, it will answer `duplicate`).

TLS verification is always on (a custom CA bundle may be given); plain http is refused except
to a loopback address, where the reference hub and the tests run. Every request has a timeout
that fits it (`Timeouts`): short for the small ones, scaled for big pushes and pull pages, the
long-poll's own wait plus a margin, and for the event stream (`HubClient.events`) a little more
than the hub's heartbeat, so a connection that has silently died is noticed.
The bearer token is read from the keyring at each request and never appears in a message.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from pydantic import BaseModel, RootModel, TypeAdapter, ValidationError

from .backoff import parse_retry_after
from .credentials import TokenSource
from .protocol import EVENTS_PATH, PULL_PAGE, Health, Me, PullResponse, PushResponse, StaffOut, SyncConfig

M = TypeVar("M", bound=BaseModel)

CONNECT_TIMEOUT = 5.0
# The hub answers health, config, me, staff and a small push in milliseconds; a hub that has not
# started answering after a few seconds has stopped, and waiting longer only delays the retry.
READ_TIMEOUT = 5.0

HEALTH_PATH = "/v1/health"
CONFIG_PATH = "/v1/sync/config"
PUSH_PATH = "/v1/sync/push"
PULL_PATH = "/v1/sync/pull"
WAIT_PATH = "/v1/sync/wait"
ME_PATH = "/v1/me"
STAFF_PATH = "/v1/org/staff"


class StaffList(RootModel[list[StaffOut]]):
    """The organisation's staff list as `GET /v1/org/staff` answers it."""


# --- the error taxonomy ------------------------------------------------------------------------


class SyncError(Exception):
    """Base of every error the transport raises. `str()` is safe to show and to log."""

    title = "Sync failed"
    action = "Try again later."
    transient = False  # back off and try again automatically
    unknown_outcome = False  # the hub may have committed the request

    def __init__(self, detail: str = "", *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.title}: {self.detail}" if self.detail else self.title


class HubUnreachable(SyncError):
    title = "Offline"
    action = "Your work is saved on this laptop and will be shared when the hub can be reached."
    transient = True


class HubTimeout(SyncError):
    title = "The hub did not answer in time"
    action = "Your work is saved on this laptop; sync will try again shortly."
    transient = True
    unknown_outcome = True


class ConnectionCut(SyncError):
    title = "The connection to the hub was cut"
    action = "Your work is saved on this laptop; sync will try again shortly."
    transient = True
    unknown_outcome = True


class HubBusy(SyncError):
    title = "The hub is busy"
    action = "Sync will try again when the hub asks it to."
    transient = True


class HubServerError(SyncError):
    title = "The hub had a problem"
    action = "Sync will try again shortly. If it keeps happening, tell your hub administrator."
    transient = True
    unknown_outcome = True


class GarbledResponse(SyncError):
    title = "The hub's answer could not be read"
    action = "Sync will try again shortly. If it keeps happening, tell your hub administrator."
    transient = True
    unknown_outcome = True


class TlsFailure(SyncError):
    title = "The hub's identity could not be verified"
    action = ("Check the hub address, or ask your administrator for the hub's certificate "
              "authority file and set it in the sync settings.")
    transient = True  # often a captive portal that goes away; keep trying quietly


class SignInNeeded(SyncError):
    title = "Sign-in needed"
    action = "Sign in again to keep sharing. Nothing waiting to share has been lost."


class AccessDenied(SyncError):
    title = "Sharing is paused: the hub refused this account"
    action = "Ask your supervisor or hub administrator to check your account."


class PayloadTooLarge(SyncError):
    title = "Too much to send at once"
    action = "Sync sends smaller batches by itself."


class BadBatch(SyncError):
    title = "The hub refused the batch"
    action = "Sync looks for the record the hub cannot read and sets it aside."


class CursorExpired(SyncError):
    title = "The hub no longer has this laptop's place in the change log"
    action = "Sync downloads the team's incidents again; nothing on this laptop is lost."


class CursorAhead(CursorExpired):
    """410 with code `cursor_ahead`: this laptop's cursor is past the end of the hub's change
    log, so the hub was restored from a backup (without a new epoch) and may have lost records
    this laptop holds as acknowledged. Handled like an epoch change: re-send, then re-pull."""

    title = "The hub was restored from a backup"
    action = "Sync sends this laptop's records again; nothing on this laptop is lost."


CURSOR_AHEAD = "cursor_ahead"  # the hub's `code` for a cursor past the end of its change log


class ClientTooOld(SyncError):
    title = "This version of cvi-desktop is too old for the hub"
    action = "Install the latest cvi-desktop; your saved work is kept."


class ProtocolError(SyncError):
    title = "Unexpected answer from the hub"
    action = "Check the hub address; if it is right, tell your hub administrator."


class InsecureHubAddress(SyncError):
    title = "The hub address is not secure"
    action = "Use the hub's https:// address."


def classify_status(status: int, body: str, headers: Mapping[str, str], now: datetime) -> SyncError:
    """The error for a non-2xx answer."""
    detail = _detail(body) or f"HTTP {status}"
    retry_after = parse_retry_after(headers.get("Retry-After"), now)
    if status == 401:
        return SignInNeeded(detail, status=status)
    if status == 403:
        return AccessDenied(detail, status=status)
    if status == 410:
        if _field(body, "code") == CURSOR_AHEAD:
            return CursorAhead(detail, status=status)
        return CursorExpired(detail, status=status)
    if status == 413:
        return PayloadTooLarge(detail, status=status)
    if status == 426:
        return ClientTooOld(detail, status=status)
    if status in (429, 503):
        return HubBusy(detail, status=status, retry_after=retry_after)
    if status >= 500:
        return HubServerError(detail, status=status, retry_after=retry_after)
    if status in (400, 422):
        return BadBatch(detail, status=status)
    return ProtocolError(detail, status=status)


def _field(body: str, name: str) -> Any:
    """One top-level field of a JSON error body, or None."""
    try:
        found = json.loads(body)
    except ValueError:
        return None
    return found.get(name) if isinstance(found, dict) else None


def _detail(body: str) -> str:
    """The hub's `detail`, shortened; hub messages never echo record content."""
    detail = _field(body, "detail")
    if isinstance(detail, str):
        return detail[:200]
    if isinstance(detail, list) and detail:
        return f"{len(detail)} validation error(s)"
    return ""


def check_address(base_url: str) -> str:
    """Normalise the hub address; plain http only to this machine."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureHubAddress(f"{base_url!r} is not an http(s) address")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InsecureHubAddress("plain http is only allowed to this computer")
    if parts.username or parts.password:
        raise InsecureHubAddress("the address must not contain a user name or password")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the client --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeouts:
    """How long each request may wait for the hub's answer (a read time-out: the wait for the
    first byte, and between bytes, of the answer).

    `read` is for the small requests. A push waits longer in proportion to its body, because the
    hub validates and durably commits every record before it answers (`push_bytes_per_second`
    is a slow hub's pace); a pull page in proportion to the records asked for. The long-poll
    (`wait`) holds by design for the seconds asked plus `wait_margin`, and is the only request
    allowed to be silent that long. Nothing waits more than `max_read`."""

    connect: float = CONNECT_TIMEOUT
    read: float = READ_TIMEOUT
    push_bytes_per_second: float = 50_000.0  # 1 MB batch: read + 20 s
    pull_records_per_second: float = 250.0  # 500-record page: read + 2 s
    wait_margin: float = 10.0
    max_read: float = 120.0

    def for_push(self, body_bytes: int) -> float:
        return min(self.max_read, self.read + body_bytes / self.push_bytes_per_second)

    def for_pull(self, limit: int) -> float:
        return min(self.max_read, self.read + limit / self.pull_records_per_second)

    def for_wait(self, seconds: float) -> float:
        return seconds + self.wait_margin

    def for_stream(self, heartbeat: float | None) -> float:
        """The event stream's read time-out: a little over the hub's heartbeat (the longest it
        stays silent), so a connection that died without a word is given up soon after."""
        if heartbeat is None:
            return self.for_wait(25.0)
        return min(self.max_read, heartbeat + max(1.0, heartbeat / 3))


class HubClient:
    """Typed calls to the hub. Thread-safe enough for one sync thread plus one live listener:
    each thread should use its own `HubClient` (a `requests.Session` is not shared)."""

    def __init__(self, base_url: str, token: TokenSource, *, ca_bundle: Path | None = None,
                 timeouts: Timeouts = Timeouts(), now: Any = None) -> None:
        self.base_url = check_address(base_url)
        self._token = token
        self._verify: str | bool = str(ca_bundle) if ca_bundle else True
        self.timeouts = timeouts
        self._now = now or (lambda: datetime.now(UTC))
        self.session = requests.Session()
        self.session.trust_env = False  # a proxy from the environment must not see the token
        self.session.headers["User-Agent"] = "cvi-desktop-sync/1"
        self.bytes_sent = 0
        self._stream_lock = threading.Lock()
        self._stream: requests.Response | None = None  # the open event stream, for `abort_stream`

    def clone(self) -> HubClient:
        """A client with its own connection pool, e.g. for the live listener thread."""
        other = HubClient(self.base_url, self._token, timeouts=self.timeouts, now=self._now)
        other._verify = self._verify
        return other

    def close(self) -> None:
        self.abort_stream()
        self.session.close()

    def abort_stream(self) -> None:
        """End the open event stream now, from any thread: its reader gets `ConnectionCut`.

        Closing the session does not reach a connection that a streamed response has checked
        out of the pool, and a reader blocked on a silent stream would wait out its read
        time-out; shutting the socket down wakes it at once."""
        with self._stream_lock:
            response = self._stream
        if response is None:
            return
        connection = getattr(response.raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            response.close()

    # --- routes --------------------------------------------------------------------------------

    def health(self) -> Health:
        return self._call("GET", HEALTH_PATH, Health, auth=False)

    def config(self) -> SyncConfig:
        return self._call("GET", CONFIG_PATH, SyncConfig)

    def me(self) -> Me:
        """Who this token belongs to: organisation, role, staff id and name."""
        return self._call("GET", ME_PATH, Me)

    def staff(self) -> list[StaffOut]:
        """The organisation's staff list, with when each person's laptop last synced."""
        return self._call("GET", STAFF_PATH, StaffList).root

    def push(self, records: Sequence[Mapping[str, Any]] | None = None, *, body: bytes | None = None
             ) -> PushResponse:
        """Push one batch. `body` lets the engine send bytes it already assembled from the
        frozen payloads (no re-serialisation of what the outbox froze)."""
        if body is None:
            body = json.dumps({"records": list(records or [])}, separators=(",", ":"),
                              ensure_ascii=False).encode("utf-8")
        return self._call("POST", PUSH_PATH, PushResponse, data=body,
                          read_timeout=self.timeouts.for_push(len(body)))

    def pull(self, cursor: str | None, limit: int) -> PullResponse:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._call("GET", PULL_PATH, PullResponse, params=params,
                          read_timeout=self.timeouts.for_pull(limit))

    def pull_page(self, cursor: str | None, limit: int) -> dict[str, Any]:
        """`pull`, validated by the same model but answered as plain dicts (`PULL_PAGE`): what
        the engine hands the replica, without building and then dumping 20,000 model objects."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page: dict[str, Any] = self._call("GET", PULL_PATH, PULL_PAGE, params=params,
                                          read_timeout=self.timeouts.for_pull(limit))
        return page

    def wait(self, cursor: str | None, seconds: float, limit: int = 100) -> PullResponse:
        """Long-poll: returns as soon as there are changes after `cursor`, or empty after
        `seconds`. Its read timeout is that wait plus a margin, apart from the short ones."""
        params: dict[str, Any] = {"timeout": seconds, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self._call("GET", WAIT_PATH, PullResponse, params=params,
                          read_timeout=self.timeouts.for_wait(seconds))

    def wait_page(self, cursor: str | None, seconds: float, limit: int = 100) -> dict[str, Any]:
        """`wait`, answered as plain dicts like `pull_page`: the live channel hands the page
        straight to the replica, a step nearer the notification bell."""
        params: dict[str, Any] = {"timeout": seconds, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        page: dict[str, Any] = self._call("GET", WAIT_PATH, PULL_PAGE, params=params,
                                          read_timeout=self.timeouts.for_wait(seconds))
        return page

    def events(self, cursor: str | None, *, limit: int = 500, heartbeat: float | None = None
               ) -> Iterator[dict[str, Any] | None]:
        """The hub's event stream (`GET /v1/sync/events`): yields each pull page as it arrives
        (plain dicts, validated like `pull_page`), and None for each heartbeat, so the caller
        may look at its stop flag. Resumes after `cursor` (sent as Last-Event-ID). Ends when
        the hub ends the stream; raises a `SyncError` as the other calls do (a 404 or 405 is a
        `ProtocolError` with that `status`: a hub without the stream). `heartbeat` is the hub's
        advertised `heartbeat_seconds`; silence much longer than it is `HubTimeout`."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache",
                   "Accept-Encoding": "identity"}  # each event on its own, never a compressed block
        token = self._token()
        if not token:
            raise SignInNeeded("no hub token on this laptop")
        headers["Authorization"] = f"Bearer {token}"
        if cursor:
            headers["Last-Event-ID"] = cursor
        try:
            response = self.session.get(
                self.base_url + EVENTS_PATH, params={"limit": limit}, headers=headers, stream=True,
                timeout=(self.timeouts.connect, self.timeouts.for_stream(heartbeat)),
                verify=self._verify, allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            raise _transport_error(exc) from None
        try:
            if response.status_code >= 300:
                try:
                    body = response.content
                except requests.exceptions.RequestException as exc:
                    raise _transport_error(exc) from None
                raise classify_status(response.status_code, body.decode("utf-8", "replace"),
                                      response.headers, self._now())
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind != "text/event-stream":
                raise ProtocolError(f"expected an event stream, got {kind or 'no content type'}",
                                    status=response.status_code)
            with self._stream_lock:
                self._stream = response
            yield from self._read_events(response)
        finally:
            with self._stream_lock:
                if self._stream is response:
                    self._stream = None
            response.close()

    def _read_events(self, response: requests.Response) -> Iterator[dict[str, Any] | None]:
        raw = response.raw
        # Each chunk as it arrives: a chunked body chunk by chunk, anything else by `read1`
        # (`read(n)` would wait for n bytes, holding an event back until more come).
        chunks: Iterator[bytes] = (raw.stream(None, decode_content=False) if raw.chunked
                                   else iter(lambda: raw.read1(65_536), b""))
        parser = EventParser()
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except (urllib3.exceptions.HTTPError, requests.exceptions.RequestException, OSError,
                    ValueError) as exc:  # ValueError: urllib3 reading a response closed under it
                raise _transport_error(exc, streaming=True) from None
            for event in parser.feed(chunk):
                if event is None:
                    yield None
                    continue
                try:
                    yield PULL_PAGE.validate_json(event.data)
                except ValidationError:
                    raise GarbledResponse(f"an event of {len(event.data)} bytes that is not a valid "
                                          "PullResponse") from None

    # --- the one mapping -----------------------------------------------------------------------

    def _call(self, method: str, path: str, model: type[M] | TypeAdapter[Any], *, auth: bool = True,
              params: Mapping[str, Any] | None = None, data: bytes | None = None,
              read_timeout: float | None = None) -> Any:
        headers: dict[str, str] = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if auth:
            token = self._token()
            if not token:
                raise SignInNeeded("no hub token on this laptop")
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.session.request(
                method, self.base_url + path, params=params, data=data, headers=headers,
                timeout=(self.timeouts.connect, self.timeouts.read if read_timeout is None else read_timeout),
                verify=self._verify, allow_redirects=False,
            )
            body = response.content  # read here so a cut mid-body is mapped below
        except requests.exceptions.RequestException as exc:
            raise _transport_error(exc) from None
        finally:
            if data is not None:
                self.bytes_sent += len(data)
        if response.status_code >= 300:
            text = body.decode("utf-8", "replace")
            raise classify_status(response.status_code, text, response.headers, self._now())
        try:
            if isinstance(model, TypeAdapter):
                return model.validate_json(body)
            return model.model_validate_json(body)
        except ValidationError:
            name = getattr(model, "__name__", "PullResponse")
            raise GarbledResponse(f"{len(body)} bytes that are not a valid {name}") from None


def _transport_error(exc: BaseException, *, streaming: bool = False) -> SyncError:
    """The error for a request that failed below HTTP (`requests` or, mid-stream, `urllib3`).
    `streaming`: a read time-out wrapped as a connection error is a silent stream (HubTimeout)."""
    if isinstance(exc, requests.exceptions.SSLError | urllib3.exceptions.SSLError):
        return TlsFailure(type(exc).__name__)
    if isinstance(exc, requests.exceptions.ConnectTimeout | urllib3.exceptions.ConnectTimeoutError):
        return HubUnreachable("connection timed out")
    if isinstance(exc, requests.exceptions.ReadTimeout | urllib3.exceptions.ReadTimeoutError):
        return HubTimeout("no answer")
    if isinstance(exc, requests.exceptions.ConnectionError):
        # Refused before anything was sent is safe to retry; anything else may have reached
        # the hub. Both are transient; the engine treats both as unknown outcomes anyway.
        if _refused(exc):
            return HubUnreachable("connection refused")
        root = _root(exc)
        if streaming and isinstance(root, urllib3.exceptions.ReadTimeoutError | TimeoutError):
            return HubTimeout("no answer")  # a read time-out mid-stream, as requests wraps it
        return ConnectionCut(type(root).__name__)
    return ConnectionCut(type(exc).__name__)


# --- the event stream ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerEvent:
    """One dispatched server-sent event: its `id:` (the last one seen, per the SSE rules),
    `event:` type ("message" by default) and its `data:` lines joined by newlines."""

    id: str | None
    event: str
    data: bytes


class EventParser:
    """Incremental `text/event-stream` parser (the WHATWG rules the hub's stream needs).

    `feed(bytes)` returns what the bytes completed: a `ServerEvent` for each event, None for
    each comment line (the hub's `: ping` heartbeat). Lines end with LF or CRLF (a lone CR,
    which the hub never writes, is not a line end here); a field's value loses one leading
    space; an event with no `data:` is not dispatched; an `id:` with a NUL is ignored.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[bytes] = []
        self._event = b""
        self.last_id: str | None = None

    def feed(self, chunk: bytes) -> list[ServerEvent | None]:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        out: list[ServerEvent | None] = []
        for line in lines:
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line:
                if self._data:
                    event = self._event.decode("utf-8", "replace") or "message"
                    out.append(ServerEvent(self.last_id, event, b"\n".join(self._data)))
                self._data, self._event = [], b""
                continue
            if line.startswith(b":"):
                out.append(None)
                continue
            name, _, value = line.partition(b":")
            if value.startswith(b" "):
                value = value[1:]
            if name == b"data":
                self._data.append(value)
            elif name == b"id" and b"\0" not in value:
                self.last_id = value.decode("utf-8", "replace")
            elif name == b"event":
                self._event = value
            # "retry" and unknown fields: nothing to do (reconnecting is the engine's business)
        return out


def _root(exc: BaseException) -> BaseException:
    seen = exc
    for _ in range(10):
        nxt = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and
                                                     isinstance(seen.args[0], BaseException) else None)
        if nxt is None or nxt is seen:
            break
        seen = nxt
        reason = getattr(seen, "reason", None)
        if isinstance(reason, BaseException):
            seen = reason
    return seen


def _refused(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "NewConnectionError" in type(seen).__name__:
            return True
        reason = getattr(seen, "reason", None)
        if isinstance(reason, BaseException) and reason is not seen:
            seen = reason
            continue
        if seen.args and isinstance(seen.args[0], BaseException):
            seen = seen.args[0]
            continue
        seen = seen.__cause__ or seen.__context__
    return False
