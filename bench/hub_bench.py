"""Hub benchmark: many live laptops over two `cvi-hub serve` processes on one PostgreSQL database.

Prints its figures (and ratios against baselines measured in the same run); exits 0 unless the
set-up itself fails. Nothing here is a test: no figure is asserted.

(a) Delivery latency. `--devices` simulated laptops (default 1,000) in ~`--orgs` organisations
    (each covering two neighbouring police districts, so every district is covered by two) hold
    live connections spread over hub processes A and B: the SSE event stream when the hub
    advertises one on /v1/sync/config, else the long-poll `GET /v1/sync/wait`. CPD posts
    `--notifications` notifications (alternately to A and B, `--interval` apart); the latency
    of one delivery is from just before CPD's POST is written to the moment the page (or event)
    naming the incident has been read by a laptop of a covering organisation. p50/p95/max, split
    into same-process and cross-process deliveries; target p95 <= 1 s (PASS/FAIL). Baseline:
    the same with one laptop on B and nothing else connected.
(c) Memory per held connection: the RSS of the two hub processes with no laptop connected (after
    the baseline warmed them up) and with every laptop's connection held, divided by `--devices`.
(b) Push throughput: `--push-devices` laptops (default 200) push `--batches` batches of
    `--batch` self-found incidents each, all at once, to the two processes on PostgreSQL; the
    same bodies to one SQLite hub process; and a bare loop of `INSERT ... ON CONFLICT DO
    NOTHING` of the same rows into PostgreSQL (psycopg, one connection, one transaction per
    batch) as the floor. Records/s, the push p50/p99, and the ratios.

The laptops are simulated cheaply: one asyncio loop in this process holding one raw HTTP/1.1
socket per laptop (no HTTP library), so a laptop costs a socket and a coroutine. The
file-descriptor limit is raised to what the run needs. PostgreSQL is a throwaway server started
here (tests/pg_server.PgServer: initdb + pg_ctl, fsync off); without PostgreSQL installed the
bench says so and exits 2. `--db sqlite` runs (a) and (c) on one SQLite file instead (for a hub
without its PostgreSQL engine); (b) always compares both.

Run: `.venv/bin/python bench/hub_bench.py [--devices 1000] [--orgs 20] [--notifications 100]
      [--push-devices 200] [--batches 5] [--batch 50] [--quick]`   (--quick: 100 laptops, 20
      notifications, 20 pushing laptops)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests" / "hub"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from hub_helpers import notification  # noqa: E402
from hub_procs import (  # noqa: E402 - after the path set-up
    DISTRICTS,
    HubProcess,
    HubProcessError,
    Seeded,
    incident_record,
    seed_orgs,
    spread_orgs,
)

from tests.pg_server import PgServer  # noqa: E402

WAIT_SECONDS = 25
TARGET_P95 = 1.0


# --- a raw HTTP/1.1 client on asyncio streams ---------------------------------------------------


class HttpError(Exception):
    """The connection failed or the answer was not HTTP we can read."""


class Conn:
    """One kept-alive HTTP/1.1 connection; reconnects on the next request after a failure."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.auth = f"Authorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, method: str, path: str, body: bytes | None = None,
                   accept: str = "application/json", extra: str = "") -> None:
        await self.open()
        assert self.writer is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.auth}"
                f"Accept: {accept}\r\n{extra}")
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + (body or b""))
        await self.writer.drain()

    async def head(self) -> tuple[int, dict[str, str]]:
        assert self.reader is not None
        line = await self.reader.readline()
        if not line:
            raise HttpError("connection closed")
        try:
            status = int(line.split()[1])
        except (IndexError, ValueError):
            raise HttpError(f"not an HTTP status line: {line[:80]!r}") from None
        headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    async def body(self, headers: dict[str, str]) -> bytes:
        assert self.reader is not None
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            data = b"".join([chunk async for chunk in self.chunks()])
        else:
            data = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return data

    async def chunks(self) -> AsyncIterator[bytes]:
        assert self.reader is not None
        while True:
            size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await self.reader.readline()
                return
            chunk = await self.reader.readexactly(size)
            await self.reader.readexactly(2)
            yield chunk

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        try:
            await self.send(method, path, body)
            status, headers = await self.head()
            return status, await self.body(headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, HttpError):
            self.close()
            raise


# --- (a) live laptops ----------------------------------------------------------------------------


@dataclass
class Laptop:
    org: str
    token: str
    hub: int  # index of the hub process it is connected to
    url: str
    cursor: str | None = None
    held: bool = False  # its live request is written and unanswered (or its stream is open)


@dataclass
class Deliveries:
    """Who received which incident when (perf_counter), and what CPD posted when and where."""

    posted: dict[str, tuple[float, int, str]] = field(default_factory=dict)  # id -> (t, hub, district)
    arrived: dict[tuple[str, int], float] = field(default_factory=dict)  # (id, laptop #) -> t
    errors: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    hits: int = 0  # first arrivals of what CPD posted in this phase (not of older changes)

    def note(self, page: dict[str, Any], laptop: int, now: float) -> None:
        self.pages += 1
        for change in page.get("changes", ()):
            if change.get("kind") == "incident" and change.get("origin") == "hub":
                key = (change["id"], laptop)
                if key not in self.arrived and change["id"] in self.posted:
                    self.arrived[key] = now
                    self.hits += 1


async def live_config(url: str, token: str) -> dict[str, Any]:
    conn = Conn(url, token)
    try:
        status, body = await conn.request("GET", "/v1/sync/config")
    finally:
        conn.close()
    if status != 200:
        raise HttpError(f"/v1/sync/config answered {status}: {body[:200]!r}")
    return dict(json.loads(body))


def events_path(config: dict[str, Any], channel: str) -> str | None:
    """The SSE path to use: the hub's event stream when it offers one (`live_channels`) and
    `channel` allows it, else None (the long-poll)."""
    from sync.protocol import EVENTS_PATH

    offered = config.get("live_channels") or []
    if channel == "long-poll":
        return None
    if "sse" in offered:
        return EVENTS_PATH
    if channel == "sse":
        raise HttpError(f"--channel sse, but the hub offers only {offered or ['long-poll']}")
    return None


async def long_poll(n: int, laptop: Laptop, seen: Deliveries, stop: asyncio.Event) -> None:
    """Hold `GET /v1/sync/wait` open, and again after each answer, until `stop`."""
    conn = Conn(laptop.url, laptop.token)
    try:
        while not stop.is_set():
            cursor = f"&cursor={quote(laptop.cursor)}" if laptop.cursor else ""
            try:
                await conn.send("GET", f"/v1/sync/wait?timeout={WAIT_SECONDS}{cursor}")
                laptop.held = True
                status, headers = await conn.head()
                body = await conn.body(headers)
            except (OSError, asyncio.IncompleteReadError, ValueError, HttpError) as exc:
                laptop.held = False
                conn.close()
                seen.errors[type(exc).__name__] += 1
                await asyncio.sleep(0.2)
                continue
            now = time.perf_counter()
            laptop.held = False
            if status != 200:
                seen.errors[f"HTTP {status}"] += 1
                await asyncio.sleep(0.5)
                continue
            page = json.loads(body)
            laptop.cursor = page["cursor"]
            seen.note(page, n, now)
    finally:
        conn.close()


async def event_stream(n: int, laptop: Laptop, path: str, seen: Deliveries, stop: asyncio.Event) -> None:
    """Hold the SSE stream open (reconnecting with Last-Event-ID) until `stop`; each `data:` is a
    JSON page (changes and cursor) or an event naming changes."""
    conn = Conn(laptop.url, laptop.token)
    while not stop.is_set():
        try:
            # The last applied page's cursor is the event id the hub resumes from.
            resume = f"Last-Event-ID: {laptop.cursor}\r\n" if laptop.cursor else ""
            await conn.send("GET", path, accept="text/event-stream", extra=resume)
            status, headers = await conn.head()
            if status != 200:
                await conn.body(headers)
                seen.errors[f"HTTP {status}"] += 1
                await asyncio.sleep(0.5)
                continue
            laptop.held = True
            buffer = b""
            async for chunk in conn.chunks():
                buffer += chunk
                while b"\n\n" in buffer:
                    raw, buffer = buffer.split(b"\n\n", 1)
                    now = time.perf_counter()
                    data = []
                    for line in raw.decode("utf-8").splitlines():
                        if line.startswith("data:"):
                            data.append(line[5:].lstrip())
                    if data:
                        with contextlib.suppress(ValueError):
                            page = json.loads("\n".join(data))
                            if isinstance(page, dict):
                                laptop.cursor = page.get("cursor", laptop.cursor)
                                seen.note(page if "changes" in page else {"changes": [page]}, n, now)
            conn.close()
        except (OSError, asyncio.IncompleteReadError, ValueError, HttpError) as exc:
            conn.close()
            seen.errors[type(exc).__name__] += 1
            await asyncio.sleep(0.2)
        finally:
            laptop.held = False
    conn.close()


async def hold(laptops: list[Laptop], seen: Deliveries, stop: asyncio.Event,
               sse: str | None) -> list[asyncio.Task[None]]:
    """Connect every laptop (at most 50 connecting at once: the listen backlog is 128)."""
    tasks = []
    for start in range(0, len(laptops), 50):
        for n in range(start, min(start + 50, len(laptops))):
            coro = (event_stream(n, laptops[n], sse, seen, stop) if sse
                    else long_poll(n, laptops[n], seen, stop))
            tasks.append(asyncio.create_task(coro))
        await asyncio.sleep(0.02)
    deadline = time.monotonic() + 30 + len(laptops) / 50
    while sum(1 for laptop in laptops if laptop.held) < len(laptops) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return tasks


async def post_notifications(hubs: Sequence[HubProcess], cpd: str, districts: Sequence[str], count: int,
                             interval: float, seen: Deliveries) -> None:
    conns = [Conn(hub.url, cpd) for hub in hubs]
    try:
        for conn in conns:
            await conn.open()
        for i in range(count):
            which = i % len(hubs)
            district = districts[i % len(districts)]
            body = notification(district)
            started = time.perf_counter()
            seen.posted[body["id"]] = (started, which, district)
            status, answer = await conns[which].request("POST", "/v1/cpd/notifications",
                                                        json.dumps(body).encode())
            if status != 201:
                seen.errors[f"CPD POST {status}"] += 1
                print(f"  CPD POST answered {status}: {answer[:200]!r}")
            await asyncio.sleep(interval)
    finally:
        for conn in conns:
            conn.close()


def latencies(seen: Deliveries, laptops: list[Laptop], covering: dict[str, list[str]]
              ) -> tuple[list[float], list[float], int]:
    """Same-process and cross-process delivery latencies, and how many expected deliveries never came."""
    by_org: dict[str, list[int]] = {}
    for n, laptop in enumerate(laptops):
        by_org.setdefault(laptop.org, []).append(n)
    same, cross, missing = [], [], 0
    for incident, (started, which, district) in seen.posted.items():
        for org in covering[district]:
            for n in by_org.get(org, []):
                t = seen.arrived.get((incident, n))
                if t is None:
                    missing += 1
                elif laptops[n].hub == which:
                    same.append(t - started)
                else:
                    cross.append(t - started)
    return same, cross, missing


async def wait_for_deliveries(seen: Deliveries, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while seen.hits < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_pids(pg: PgServer | None) -> list[int]:
    """The postmaster and its children (the backends), if the server is ours."""
    if pg is None:
        return []
    try:
        master = int((pg.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
    return pids


@dataclass
class Cpu:
    """CPU seconds used by the simulated laptops (this process), each hub and PostgreSQL."""

    hubs: Sequence[HubProcess]
    pg: PgServer | None

    def snapshot(self) -> dict[str, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out = {"laptops": usage.ru_utime + usage.ru_stime}
        for hub in self.hubs:
            out[f"hub {hub.name}"] = cpu_seconds(hub.pid)
        if self.pg is not None:
            total = 0.0
            for pid in postgres_pids(self.pg):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    total += cpu_seconds(pid)
            out["postgres"] = total
        return out

    @staticmethod
    def share(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
        """Each one's CPU over the interval as a percentage of one core."""
        return ", ".join(f"{name} {100 * (after[name] - before.get(name, 0.0)) / seconds:.0f}%"
                         for name in after)


@dataclass
class LiveRun:
    seen: Deliveries
    same: list[float]  # CPD posted to the laptop's own hub process
    cross: list[float]  # CPD posted to the other one
    missing: int  # deliveries expected and never made
    rss_held: list[int]  # KiB per hub process while every connection was held
    idle_cpu: str  # CPU shares while every connection was held and nothing happened
    busy_cpu: str  # CPU shares while CPD posted and the laptops received


async def live_phase(hubs: list[HubProcess], laptops: list[Laptop], seeded: Seeded, count: int,
                     interval: float, sse: str | None, pg: PgServer | None) -> LiveRun:
    seen = Deliveries()
    stop = asyncio.Event()
    tasks = await hold(laptops, seen, stop, sse)
    held = sum(1 for laptop in laptops if laptop.held)
    if held < len(laptops):
        print(f"  only {held}/{len(laptops)} connections held after the connect deadline")
    await asyncio.sleep(1.0 + len(laptops) / 1000)  # every held request reached its wait
    cpu = Cpu(hubs, pg)
    idle_from, idle_started = cpu.snapshot(), time.perf_counter()
    await asyncio.sleep(3.0)
    busy_from, busy_started = cpu.snapshot(), time.perf_counter()
    idle_cpu = cpu.share(idle_from, busy_from, busy_started - idle_started)
    orgs = {laptop.org for laptop in laptops}
    districts = [d for d in DISTRICTS if any(o in orgs for o in seeded.covering(d))]
    covering = {d: [o for o in seeded.covering(d) if o in orgs] for d in districts}
    rss_held = [hub.rss_kib() for hub in hubs]
    await post_notifications(hubs, seeded.cpd, districts, count, interval, seen)
    per_org = Counter(laptop.org for laptop in laptops)
    expected = sum(per_org[o] for d in (seen.posted[i][2] for i in seen.posted) for o in covering[d])
    await wait_for_deliveries(seen, expected, 15.0)
    busy_cpu = cpu.share(busy_from, cpu.snapshot(), time.perf_counter() - busy_started)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    same, cross, missing = latencies(seen, laptops, covering)
    return LiveRun(seen, same, cross, missing, rss_held, idle_cpu, busy_cpu)


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def show(name: str, values: Sequence[float]) -> None:
    if not values:
        print(f"  {name:<44} none")
        return
    ms = 1000
    print(f"  {name:<44} n={len(values):<6} p50 {statistics.median(values) * ms:7.1f} ms"
          f"   p95 {pct(values, 95) * ms:7.1f} ms   max {max(values) * ms:7.1f} ms")


def bench_live(hubs: list[HubProcess], seeded: Seeded, devices: int, count: int, interval: float,
               channel: str, pg: PgServer | None) -> None:
    config = asyncio.run(live_config(hubs[0].url, seeded.devices()[0][1]))
    sse = events_path(config, channel)
    channel = f"SSE {sse}" if sse else "long-poll /v1/sync/wait"
    all_devices = seeded.devices()
    # Baseline: one laptop on B, nothing else connected; CPD posts to A.
    org, token = all_devices[0]
    baseline_laptop = [Laptop(org, token, 1, hubs[1].url)]
    base_count = max(5, min(20, count // 5))
    base = asyncio.run(live_phase(hubs, baseline_laptop, seeded, base_count * 2, interval, sse, pg))
    rss_idle = [hub.rss_kib() for hub in hubs]
    laptops = [Laptop(org, token, n % len(hubs), hubs[n % len(hubs)].url)
               for n, (org, token) in enumerate(all_devices[:devices])]
    print(f"\n(a) delivery latency: {len(laptops)} laptops of {len({lp.org for lp in laptops})} "
          f"organisations on {len(hubs)} hub processes, {channel}; CPD posts {count} notifications "
          f"{interval * 1000:.0f} ms apart, alternately to A and B")
    run = asyncio.run(live_phase(hubs, laptops, seeded, count, interval, sse, pg))
    seen, missing, rss_held = run.seen, run.missing, run.rss_held
    both = run.same + run.cross
    show("baseline: 1 laptop on B, CPD -> A", base.cross)
    show("same process (CPD and laptop on one)", run.same)
    show("cross process (CPD on one, laptop on other)", run.cross)
    show("all deliveries", both)
    delivered = len(both)
    print(f"  delivered {delivered}/{delivered + missing} expected deliveries; "
          f"{seen.pages} pages read; errors: {dict(seen.errors) or 'none'}"
          f"{f'; baseline missing {base.missing}' if base.missing else ''}")
    if both and base.cross:
        ratio = statistics.median(both) / statistics.median(base.cross)
        print(f"  p50 under load / baseline p50: {ratio:.1f}x")
    p95 = pct(both, 95) if both else float("inf")
    verdict = "PASS" if both and missing == 0 and p95 <= TARGET_P95 else "FAIL"
    print(f"  target p95 <= {TARGET_P95:.0f} s with every delivery made: {verdict}"
          f" (p95 {p95 * 1000:.0f} ms, {missing} missing)")
    print(f"  CPU (% of one core) holding the connections, nothing happening: {run.idle_cpu}")
    print(f"  CPU while CPD posted and the laptops received:                  {run.busy_cpu}")
    print(f"\n(c) memory per held connection ({channel}):")
    for hub, idle, held in zip(hubs, rss_idle, rss_held, strict=True):
        print(f"  hub {hub.name}: RSS {idle / 1024:7.1f} MiB idle -> {held / 1024:7.1f} MiB holding "
              f"{sum(1 for lp in laptops if lp.hub == hubs.index(hub))} connections")
    per = (sum(rss_held) - sum(rss_idle)) / max(1, len(laptops))
    print(f"  {per:.1f} KiB per held connection ({len(laptops)} connections, both processes)")


# --- (b) push throughput -------------------------------------------------------------------------


@dataclass
class PushRun:
    seconds: float
    records: int
    latencies: list[float]
    bad: Counter[str]


Rows = list[list[dict[str, Any]]]


def build_bodies(devices: int, batches: int, batch: int) -> tuple[list[list[bytes]], Rows]:
    """Each device's push bodies, and every batch's records (for the bare INSERT loop)."""
    bodies, rows = [], []
    for _ in range(devices):
        mine = []
        for _ in range(batches):
            records = [incident_record(district="011") for _ in range(batch)]
            rows.append(records)
            mine.append(json.dumps({"records": records}).encode())
        bodies.append(mine)
    return bodies, rows


async def push_all(urls: Sequence[str], tokens: Sequence[str], bodies: list[list[bytes]]) -> PushRun:
    conns = [Conn(urls[n % len(urls)], token) for n, token in enumerate(tokens)]
    for start in range(0, len(conns), 50):
        await asyncio.gather(*(c.open() for c in conns[start:start + 50]))
    go = asyncio.Event()
    timings: list[float] = []
    bad: Counter[str] = Counter()
    records = 0

    async def device(conn: Conn, mine: list[bytes]) -> None:
        nonlocal records
        await go.wait()
        for body in mine:
            for _attempt in range(5):
                started = time.perf_counter()
                try:
                    status, answer = await conn.request("POST", "/v1/sync/push", body)
                except (OSError, asyncio.IncompleteReadError, ValueError, HttpError) as exc:
                    bad[type(exc).__name__] += 1
                    await asyncio.sleep(0.2)
                    continue
                timings.append(time.perf_counter() - started)
                if status != 200:
                    bad[f"HTTP {status}"] += 1
                    await asyncio.sleep(0.2)
                    continue
                results = json.loads(answer)["results"]
                ok = [r for r in results if r["status"] in ("applied", "duplicate")]
                records += len(ok)
                bad.update(f"status {r['status']}" for r in results if r not in ok)
                break

    tasks = [asyncio.create_task(device(c, mine)) for c, mine in zip(conns, bodies, strict=True)]
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - started
    for conn in conns:
        conn.close()
    return PushRun(seconds, records, timings, bad)


BARE_INSERT = (
    "INSERT INTO bare_records (org_id, audience, kind, id, version, sha256, data)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def bare_inserts(url: str, rows: Rows, *, many: bool) -> PushRun:
    """The same rows into a table with the hub's idempotency key, one transaction per batch:
    one INSERT round trip per row (`many` False), or psycopg's pipelined executemany."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bare_records (org_id text NOT NULL, audience text NOT NULL, kind text NOT NULL,"
            " id text NOT NULL, version integer NOT NULL, sha256 text NOT NULL, data jsonb NOT NULL,"
            " received_at timestamptz NOT NULL DEFAULT now(),"
            " UNIQUE (org_id, audience, kind, id, version))"
        )
        timings = []
        started = time.perf_counter()
        for n, batch in enumerate(rows):
            t = time.perf_counter()
            values = [(f"org{n % 20:02d}", r["audience"], r["kind"], r["id"], r["version"], r["sha256"],
                       json.dumps(r["data"])) for r in batch]
            with conn.transaction(), conn.cursor() as cur:
                if many:
                    cur.executemany(BARE_INSERT, values)
                else:
                    for value in values:
                        cur.execute(BARE_INSERT, value)
            timings.append(time.perf_counter() - t)
        seconds = time.perf_counter() - started
        (count,) = conn.execute("SELECT count(*) FROM bare_records").fetchone() or (0,)
    return PushRun(seconds, int(count), timings, Counter())


def report_push(name: str, run: PushRun | None) -> float:
    if run is None:
        print(f"  {name:<44} not run")
        return 0.0
    rate = run.records / run.seconds if run.seconds else 0.0
    ms = 1000
    lat = ""
    if run.latencies:
        p50, p99 = statistics.median(run.latencies) * ms, pct(run.latencies, 99) * ms
        lat = f"push p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
    bad = f"  problems: {dict(run.bad)}" if run.bad else ""
    print(f"  {name:<44} {run.records:>7} records in {run.seconds:6.2f} s = {rate:8.0f} records/s"
          f"  {lat}{bad}")
    return rate


def bench_push(pg: PgServer | None, folder: Path, devices: int, batches: int, batch: int,
               hub_args: Sequence[str]) -> None:
    orgs = min(20, devices)
    per_org = -(-devices // orgs)
    districts = spread_orgs(orgs)
    bodies, rows = build_bodies(devices, batches, batch)
    total = devices * batches * batch
    print(f"\n(b) push throughput: {devices} laptops at once, {batches} batches of {batch} new incidents "
          f"each ({total} records)")
    rates: dict[str, float] = {}
    targets: list[tuple[str, str, int]] = []
    if pg is not None:
        targets.append(("PostgreSQL hub, 2 processes", pg.create_database("bench_push"), 2))
    targets.append(("SQLite hub, 1 process", str(folder / "push.sqlite3"), 1))
    for name, db, processes in targets:
        hubs = [HubProcess(db, f"push-{name[:2].lower()}{n}", folder, extra_args=hub_args)
                for n in range(processes)]
        run: PushRun | None = None
        try:
            seeded = seed_orgs(db, districts, per_org)
            tokens = [token for _, token in seeded.devices()][:devices]
            for hub in hubs:
                hub.start()
            run = asyncio.run(push_all([hub.url for hub in hubs], tokens, bodies))
        except HubProcessError as exc:
            print(f"  {name}: a hub process failed: {exc}")
        finally:
            for hub in hubs:
                with contextlib.suppress(HubProcessError):
                    hub.stop(5.0)
        rates[name] = report_push(name, run)
    if pg is not None:
        bare = bare_inserts(pg.create_database("bench_bare"), rows, many=False)
        rates["bare"] = report_push("bare INSERT ... ON CONFLICT loop, PostgreSQL", bare)
        many = bare_inserts(pg.create_database("bench_many"), rows, many=True)
        report_push("  the same, executemany (pipelined)", many)
        pg_rate, sqlite_rate = rates["PostgreSQL hub, 2 processes"], rates["SQLite hub, 1 process"]
        if pg_rate and sqlite_rate:
            print(f"  PostgreSQL hub / SQLite hub:  {pg_rate / sqlite_rate:5.2f}x")
        for name, rate in (("PostgreSQL hub", pg_rate), ("SQLite hub", sqlite_rate)):
            if rate and rates["bare"]:
                print(f"  {name} / bare INSERT: {rate / rates['bare']:5.2f}x")


# --- main -----------------------------------------------------------------------------------------


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(max(soft, needed), hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < needed:
        print(f"warning: file-descriptor limit {hard} is below the {needed} this run wants")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--notifications", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between CPD posts")
    parser.add_argument("--push-devices", type=int, default=200)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql",
                        help="the database of (a) and (c); (b) runs both when PostgreSQL is there")
    parser.add_argument("--channel", choices=["auto", "sse", "long-poll", "both"], default="auto",
                        help="auto: the event stream when the hub offers it, else the long-poll; "
                        "both: (a) and (c) once with each, on fresh hub processes")
    parser.add_argument("--skip", choices=["live", "push"], action="append", default=[])
    parser.add_argument("--quick", action="store_true", help="100 laptops, 20 notifications, 20 pushing")
    args = parser.parse_args(argv)
    if args.quick:  # smaller figures for whatever was not given explicitly
        for name, small in (("devices", 100), ("notifications", 20), ("push_devices", 20), ("batches", 3)):
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, small)
    raise_fd_limit(2 * (args.devices + args.push_devices) + 256)
    pg: PgServer | None = None
    server, why = PgServer.find_or_skip_reason()
    if server is None:
        print(f"hub_bench: PostgreSQL is needed and not usable here: {why}", file=sys.stderr)
        if args.db == "postgresql":
            return 2
    # The limiter would only measure itself: 1,000 laptops of 20 organisations are real traffic.
    hub_args = ["--rate", "0"]
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        folder = Path(tmp)
        try:
            if server is not None:
                pg = server.start()
                print(f"PostgreSQL {pg.psql('SHOW server_version').strip()} at 127.0.0.1:{pg.port} "
                      "(throwaway, fsync off)")
            if "live" not in args.skip:
                db = pg.create_database("bench_live") if args.db == "postgresql" and pg else str(
                    folder / "live.sqlite3")
                per_org = -(-args.devices // args.orgs)
                seeded = seed_orgs(db, spread_orgs(args.orgs), per_org)
                channels = ["sse", "long-poll"] if args.channel == "both" else [args.channel]
                for channel in channels:
                    # Fresh processes per channel: memory a run freed is rarely given back.
                    hubs = [HubProcess(db, name, folder, extra_args=hub_args) for name in ("a", "b")]
                    try:
                        for hub in hubs:
                            hub.start()
                        print(f"\nhub processes on {args.db}: A pid {hubs[0].pid} {hubs[0].url}, "
                              f"B pid {hubs[1].pid} {hubs[1].url}")
                        bench_live(hubs, seeded, args.devices, args.notifications, args.interval,
                                   channel, pg)
                    finally:
                        for hub in hubs:
                            with contextlib.suppress(HubProcessError):
                                hub.stop(5.0)
            if "push" not in args.skip:
                bench_push(pg, folder, args.push_devices, args.batches, args.batch, hub_args)
        except HubProcessError as exc:
            print(f"hub_bench: a hub process failed: {exc}", file=sys.stderr)
            return 2
        finally:
            if pg is not None:
                pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
