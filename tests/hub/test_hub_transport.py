"""The hub's transport guards, over raw sockets on 127.0.0.1: body limits before reading (413),
bounded error bodies, failed sign-ins limited per address in bounded memory, head and body
time-outs for slow or idle connections, and TCP_NODELAY on every accepted connection.

Raw sockets because these are about what the server does before (or instead of) reading a
request: a client library would send the whole body first or hide the connection's fate.
"""

from __future__ import annotations

import json
import selectors
import socket
import sys
import time
from collections.abc import Iterator

import pytest
from hub_helpers import HubEnv, notification, seed
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from sync.hub import HubConfig
from sync.hub.app import AuthFailureLimiter
from sync.hub.server import HubServer
from sync.hub.transport import guarded_protocol

pytestmark = pytest.mark.timeout(60)

SMALL = 8_000  # every route but push
PUSH = 100_000  # push's own, larger limit
HEAD_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0


class Ticks:
    """A monotonic clock the test moves by hand, for the rate limits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def ticks() -> Ticks:
    return Ticks()


def _guarded_config(http: str = "auto") -> HubConfig:
    return HubConfig(
        max_request_bytes=SMALL,
        max_body_bytes=PUSH,
        header_timeout=HEAD_TIMEOUT,
        body_timeout=BODY_TIMEOUT,
        keep_alive_timeout=30,  # longer than the head deadline: that one must do the closing
        auth_fail_per_second=0.5,
        auth_fail_burst=5,
        auth_fail_addresses=50,
        http=http,
    )


@pytest.fixture(scope="module")
def guarded(new_db, ticks: Ticks) -> Iterator[HubEnv]:
    db = new_db("hubguard")
    tokens = seed(db)
    server = HubServer(db, config=_guarded_config(), ticks=ticks).start()
    try:
        yield HubEnv(server, db, tokens)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def guarded_h11(new_db, ticks: Ticks) -> Iterator[HubEnv]:
    """The same guards on the pure-Python parser, the fallback where httptools is missing."""
    db = new_db("hubguard-h11")
    server = HubServer(db, config=_guarded_config("h11"), ticks=ticks).start()
    try:
        yield HubEnv(server, db, {})
    finally:
        server.stop()


@pytest.fixture(params=["httptools", "h11"])
def either(request: pytest.FixtureRequest, hub: HubEnv) -> HubEnv:
    """The slow-connection and TCP_NODELAY tests, on each HTTP parser the hub may run."""
    return hub if request.param == "httptools" else request.getfixturevalue("guarded_h11")


@pytest.fixture
def hub(guarded: HubEnv, ticks: Ticks) -> Iterator[HubEnv]:
    yield guarded
    cfg = guarded.server.config
    guarded.server.auth_limiter.configure(cfg.auth_fail_per_second, cfg.auth_fail_burst)
    guarded.server.limiter.configure(cfg.rate_per_second, cfg.rate_burst)
    ticks.now += 3600


# --- raw HTTP ----------------------------------------------------------------------------------


def connect(hub: HubEnv, source: str = "127.0.0.1") -> socket.socket:
    """A client connection from `source`: all of 127/8 is loopback on Linux, so tests can be
    several client addresses (elsewhere, e.g. macOS, such a test is skipped)."""
    try:
        sock = socket.create_connection(("127.0.0.1", hub.server.port), 10, source_address=(source, 0))
    except OSError as exc:
        if source == "127.0.0.1":
            raise
        pytest.skip(f"cannot connect from {source}: {exc}")
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def head(method: str, path: str, token: str | None = None, **headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> object:
        # parse_constant: NaN or Infinity in a body is not JSON, so it must fail the test.
        return json.loads(self.body, parse_constant=lambda name: pytest.fail(f"{name} in a JSON body"))


def read_reply(sock: socket.socket, timeout: float = 10) -> Reply:
    """One response (Content-Length framed, as the hub answers), read within `timeout`."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    raw_head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = raw_head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Reply(int(status_line.split()[1]), headers, body[:length])


class Replies:
    """Pipelined responses read in order from one connection (Content-Length framed)."""

    def __init__(self, sock: socket.socket, timeout: float = 30) -> None:
        self.sock, self.buffer, self.at = sock, bytearray(), 0
        sock.settimeout(timeout)

    def _more(self) -> None:
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed before every response came")
        del self.buffer[: self.at]  # drop what was read: the buffer stays one window long
        self.at = 0
        self.buffer += chunk

    def next(self) -> Reply:
        while (end := self.buffer.find(b"\r\n\r\n", self.at)) < 0:
            self._more()
        status_line, *lines = bytes(self.buffer[self.at:end]).decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < start + length:
            offset = start - self.at
            self._more()
            start = self.at + offset
        body = bytes(self.buffer[start:start + length])
        self.at = start + length
        return Reply(int(status_line.split()[1]), headers, body)


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """True once the server closes (EOF or reset) within `timeout`; bytes meanwhile are dropped."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
    return False


def send_quietly(sock: socket.socket, data: bytes) -> None:
    """Send what the server may refuse to read: it may answer and close mid-way, which is the point."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


# --- body limits -------------------------------------------------------------------------------

BODY_ROUTES = [
    ("POST", "/v1/cpd/notifications", "cpd"),
    ("PUT", "/v1/cpd/notifications/abc", "cpd"),
    ("POST", "/v1/admin/orgs", "admin"),
    ("POST", "/v1/admin/tokens", "admin"),
    ("POST", "/v1/incidents/abc/assign", "north_sup"),
    ("POST", "/v1/org/staff", "north_sup"),
    ("POST", "/v1/sync/push", "north_staff"),
    ("POST", "/v1/no/such/route", None),
]


@pytest.mark.parametrize("method,path,who", BODY_ROUTES)
@pytest.mark.parametrize("with_token", [False, True])
def test_declared_oversized_body_gets_413_before_a_byte_of_it_is_sent(hub, method, path, who, with_token):
    limit = PUSH if path == "/v1/sync/push" else SMALL
    token = hub.tokens[who] if with_token and who else None
    with connect(hub) as sock:
        # 60 MB announced, none of it sent: an answer now means the body was never read.
        sock.sendall(head(method, path, token, Content_Type="application/json", Content_Length="60000000"))
        reply = read_reply(sock)
        assert reply.status == 413, reply.body
        assert reply.json() == {"detail": f"body over {limit} bytes"}
        assert reply.headers["connection"] == "close"
        assert closed_by_server(sock, 5)


@pytest.mark.parametrize("path,who", [("/v1/cpd/notifications", "cpd"), ("/v1/sync/push", "north_staff")])
@pytest.mark.parametrize("with_token", [False, True])
def test_chunked_body_is_refused_once_it_passes_the_limit(hub, path, who, with_token):
    limit = PUSH if path == "/v1/sync/push" else SMALL
    token = hub.tokens[who] if with_token else None
    with connect(hub) as sock:
        sock.sendall(head("POST", path, token, Content_Type="application/json", Transfer_Encoding="chunked"))
        piece = b"x" * 4096
        # Past the limit, then stop without the final chunk: the answer cannot wait for the end.
        for _ in range(limit // len(piece) + 2):
            send_quietly(sock, f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        reply = read_reply(sock)
        if with_token:
            assert reply.status == 413, reply.body
            assert reply.json() == {"detail": f"body over {limit} bytes"}
        else:
            # Push checks the token before reading; either way nothing past the limit is read.
            assert reply.status in (401, 413), reply.body
        assert reply.headers["connection"] == "close"
        assert closed_by_server(sock, 5)


def test_a_client_sending_a_large_body_anyway_reads_the_413(hub):
    # The hub answers and closes without reading; a client still mid-upload must get the answer
    # rather than only a reset (urllib3 reads the response after a broken pipe).
    body = b"z" * 3_000_000
    for path in ("/v1/cpd/notifications", "/v1/admin/orgs", "/v1/incidents/abc/assign", "/v1/sync/push"):
        response = hub.api(None).post(path, data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 413, (path, response.status_code)
        assert response.json()["detail"].startswith("body over ")


def test_push_keeps_its_larger_limit(hub):
    padding = "p" * (SMALL * 4)  # over every other route's limit, under push's
    body = json.dumps({"records": [{"padding": padding}]}).encode()
    assert SMALL < len(body) < PUSH
    with connect(hub) as sock:
        sock.sendall(head("POST", "/v1/sync/push", hub.tokens["north_staff"], Content_Type="application/json",
                          Content_Length=str(len(body))) + body)
        reply = read_reply(sock)
        assert reply.status == 200, reply.body  # read and answered per record
        assert reply.json()["results"][0]["status"] == "rejected"
        assert "connection" not in reply.headers  # the body was read: the connection stays usable
    body = json.dumps(notification("011", rd_number=padding)).encode()
    with connect(hub) as sock:
        sock.sendall(head("POST", "/v1/cpd/notifications", hub.tokens["cpd"], Content_Type="application/json",
                          Content_Length=str(len(body))) + body)
        assert read_reply(sock).status == 413


def test_answer_before_the_body_is_read_closes_the_connection(hub):
    # A 401 on push comes before the body is read; rather than read and discard an upload of any
    # size, the hub closes the connection after answering.
    with connect(hub) as sock:
        sock.sendall(head("POST", "/v1/sync/push", Content_Type="text/plain", Content_Length="5000") + b"{")
        reply = read_reply(sock)
        assert reply.status == 401 and reply.headers["connection"] == "close"
        assert closed_by_server(sock, 5)


def test_a_stalled_body_gets_408_and_the_connection_closed(hub):
    with connect(hub) as sock:
        sock.sendall(head("POST", "/v1/cpd/notifications", hub.tokens["cpd"], Content_Type="application/json",
                          Content_Length="500") + b'{"id": "')
        started = time.monotonic()
        reply = read_reply(sock, timeout=BODY_TIMEOUT + 5)
        assert reply.status == 408 and reply.headers["connection"] == "close"
        assert time.monotonic() - started >= BODY_TIMEOUT * 0.9
        assert closed_by_server(sock, 5)


# --- error bodies ------------------------------------------------------------------------------


def post_text(hub: HubEnv, path: str, who: str, text: str) -> Reply:
    body = text.encode("utf-8", "surrogatepass")
    with connect(hub) as sock:
        sock.sendall(head("POST", path, hub.tokens[who], Content_Type="application/json",
                          Content_Length=str(len(body))) + body)
        return read_reply(sock)


def test_422_never_echoes_large_input(hub):
    big = "q" * (SMALL - 500)
    # A missing field's `input` is the whole object; a too-long field's is the field itself.
    reply = post_text(hub, "/v1/cpd/notifications", "cpd", json.dumps({"id": big, "note": big[:100]}))
    assert reply.status == 422
    assert len(reply.body) < 2_000 and big[:500].encode() not in reply.body
    detail = reply.json()["detail"]
    assert {e["loc"][-1] for e in detail} >= {"id", "incident_type"}
    for error in detail:
        assert not isinstance(error.get("input"), dict | list)
        assert len(json.dumps(error.get("input"))) < 300


def test_422_lists_a_bounded_number_of_errors(hub):
    note = notification("011", victim_age_bands=[f"band{i}" for i in range(90)])  # 90 errors
    reply = post_text(hub, "/v1/cpd/notifications", "cpd", json.dumps(note))
    assert reply.status == 422
    detail = reply.json()["detail"]
    assert len(detail) <= 51 and detail[-1]["type"] == "too_many_errors"


@pytest.mark.parametrize(
    "text",
    [
        '{"id": "a", "victims_total": NaN, "victims_fatal": Infinity, "victims_nonfatal": -Infinity}',
        '{"id": "a", "incident_type": NaN, "district": Infinity}',
        '{"id": "\\ud800", "incident_type": "\\udfff"}',
        '{"id": ' + "9" * 4000 + "}",
    ],
)
def test_error_bodies_are_always_valid_json(hub, text):
    reply = post_text(hub, "/v1/cpd/notifications", "cpd", text)
    assert 400 <= reply.status < 500, reply.body
    assert reply.headers["content-type"].startswith("application/json")
    reply.json()  # NaN, Infinity or a lone surrogate would fail here (or have been a 500)
    reply.body.decode("ascii")


# --- failed sign-ins ---------------------------------------------------------------------------


@pytest.mark.sqlite_only(
    "the failed sign-in limiter is in memory, in front of the store: 11 s a run, and the engine is "
    "not what it tests (wrong tokens on PostgreSQL: test_hub_auth runs on both)"
)
def test_ten_thousand_bad_tokens_are_limited_per_address_in_bounded_memory(hub, ticks):
    before = len(hub.server.limiter)
    statuses: dict[int, int] = {}
    retry_after = None
    # Pipelined on one kept-alive connection, 250 guesses at a time, as a script guessing fast
    # would send them (and without a round trip each: 10,000 of those took 22 s).
    with connect(hub) as sock:
        replies = Replies(sock)
        for batch in range(40):
            sock.sendall(b"".join(head("GET", "/v1/sync/config", f"cvi_guess{batch * 250 + i:06d}")
                                  for i in range(250)))
            for _ in range(250):
                reply = replies.next()
                statuses[reply.status] = statuses.get(reply.status, 0) + 1
                if reply.status == 429 and retry_after is None:
                    retry_after = reply.headers.get("retry-after")
        # Blocked means blocked: a valid token from this address is not even looked up.
        sock.sendall(head("GET", "/v1/sync/config", hub.tokens["north_staff"]))
        assert replies.next().status == 429
    assert statuses == {401: 5, 429: 9_995}  # the burst, then 429 on one kept-alive connection
    assert retry_after is not None and int(retry_after) >= 1
    assert len(hub.server.auth_limiter) == 1  # one address, however many tokens
    assert len(hub.server.limiter) == before  # bad tokens never get a per-token bucket
    # Another address is not blocked with it.
    with connect(hub, "127.0.0.2") as sock:
        sock.sendall(head("GET", "/v1/sync/config", hub.tokens["north_staff"]))
        assert read_reply(sock).status == 200
    # Time refills the bucket (the hub's clock is the test's): signed in again.
    ticks.now += 2 / hub.server.config.auth_fail_per_second
    with connect(hub) as sock:
        sock.sendall(head("GET", "/v1/sync/config", hub.tokens["north_staff"]))
        assert read_reply(sock).status == 200


def test_remembered_addresses_are_bounded(hub):
    capacity = hub.server.config.auth_fail_addresses
    for i in range(capacity * 3):
        with connect(hub, f"127.0.{1 + i // 250}.{1 + i % 250}") as sock:
            sock.sendall(head("GET", "/v1/me", "cvi_wrong"))
            assert read_reply(sock).status == 401
        assert len(hub.server.auth_limiter) <= capacity


def test_authenticated_callers_keep_a_per_token_bucket(hub):
    hub.server.limiter.configure(rate=1.0, burst=2)
    with connect(hub) as sock:
        codes = []
        for _ in range(4):
            sock.sendall(head("GET", "/v1/sync/config", hub.tokens["north_staff"]))
            codes.append(read_reply(sock).status)
    assert codes[:2] == [200, 200] and 429 in codes[2:]
    assert len(hub.server.auth_limiter) == 0  # rate-limited is not a failed sign-in


def test_auth_failure_limiter_forgets_refilled_addresses_and_caps_the_rest():
    now = [0.0]
    limiter = AuthFailureLimiter(rate=1.0, burst=3, capacity=1000, ticks=lambda: now[0])
    for i in range(100_000):
        limiter.failed(f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")
    assert len(limiter) == 1000
    for _ in range(3):
        limiter.failed("192.0.2.1")
    assert limiter.wait("192.0.2.1") == pytest.approx(1.0)
    now[0] += 10  # every bucket full again: a few are forgotten at each new failure
    for i in range(300):
        limiter.failed(f"198.51.100.{i % 250}")
    assert len(limiter) == 250  # only the addresses still owing failures


# --- slow or idle connections ------------------------------------------------------------------


def test_a_hundred_half_sent_heads_are_closed_while_others_are_served(either):
    socks = [connect(either) for _ in range(100)]
    try:
        opened = time.monotonic()
        for sock in socks:
            sock.sendall(b"GET /v1/hea")
        # Meanwhile a normal client is served at once.
        with connect(either) as client:
            client.sendall(head("GET", "/v1/health"))
            assert read_reply(client, timeout=HEAD_TIMEOUT).status == 200
        selector = selectors.DefaultSelector()
        for sock in socks:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        open_ = set(socks)
        deadline = opened + HEAD_TIMEOUT + 5
        while open_ and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
                sock = key.fileobj
                try:
                    data = sock.recv(4096)  # type: ignore[union-attr]
                except ConnectionResetError:
                    data = b""
                assert data == b"", data  # closed without an answer, never a response
                selector.unregister(sock)
                open_.discard(sock)  # type: ignore[arg-type]
        took = time.monotonic() - opened
        assert not open_, f"{len(open_)} of 100 still open after {took:.1f} s"
        assert took >= HEAD_TIMEOUT * 0.9  # closed by the deadline, not at once
    finally:
        for sock in socks:
            sock.close()


def test_a_silent_new_connection_is_closed(either):
    with connect(either) as sock:
        assert closed_by_server(sock, HEAD_TIMEOUT + 5)


def test_a_kept_alive_connection_must_finish_its_next_head_in_time(either):
    with connect(either) as sock:
        for _ in range(2):  # a reused connection keeps working...
            sock.sendall(head("GET", "/v1/health"))
            assert read_reply(sock).status == 200
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # ...but half a head is cut off
        assert closed_by_server(sock, HEAD_TIMEOUT + 5)


# --- TCP_NODELAY -------------------------------------------------------------------------------


def test_every_accepted_connection_has_tcp_nodelay(either):
    socks = [connect(either), connect(either, "127.0.0.3")]
    try:
        for sock in socks:
            sock.sendall(head("GET", "/v1/health"))
            assert read_reply(sock).status == 200
        ours = {sock.getsockname() for sock in socks}
        seen = either.server.connection_options(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert ours <= set(seen), (ours, seen)
        assert all(seen[address] for address in ours)
        assert all(seen.values())  # and every other open connection too
    finally:
        for sock in socks:
            sock.close()


def test_the_hub_runs_on_httptools_and_uvloop_when_installed(hub):
    """Installed with the hub's dependencies, so a hub that quietly fell back to h11 and asyncio
    (slower on every request, bench/sync_bench.py) fails here."""
    assert issubclass(guarded_protocol(1.0), HttpToolsProtocol)
    if sys.platform != "win32":  # uvloop has no Windows build (pyproject.toml)
        assert type(hub.server.app.state.notifier.loop).__module__.startswith("uvloop")
    assert issubclass(guarded_protocol(1.0, "h11"), H11Protocol)
    with pytest.raises(ValueError, match="http must be one of"):
        guarded_protocol(1.0, "h2")
