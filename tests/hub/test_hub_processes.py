"""Two real `cvi-hub serve` processes on ONE PostgreSQL database (issue 12).

- What CPD posts to process A reaches a laptop waiting on process B within a second, measured
  from the POST to arrival: the real desktop engine on its live channel (the event stream when
  the hub offers it) to NotificationReceived, and a raw long-poll beside it.
- A laptop resumes from its saved cursor after B is killed and restarted: nothing skipped,
  nothing repeated (a raw pull with the cursor, the event stream with it as Last-Event-ID, the
  long-poll, and the real engine's pass).
- Nothing is lost or duplicated when A is killed -9 mid-push: devices push batches to A and B at
  once, A dies under them, the devices send their unacknowledged batches again to B (at least
  once; the hub is idempotent on (kind, id, version)), and a full pull shows every record
  exactly once, every acknowledged one among them.

The processes are children of this test (`hub_procs.HubProcess`: `--port 0`, the listening
line parsed, every wait bounded) and are killed in teardown whatever happened. Organisations
and tokens are made with `sync.hub.admin` on the database URL. Only 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from hub_helpers import Api, notification
from hub_procs import HubProcess, Seeded, hub_processes, incident_record, seed_orgs

from cvi_desktop.store import Store
from sync.backoff import Backoff
from sync.client import HubClient, Timeouts
from sync.credentials import keyring_token_source, set_token
from sync.engine import SyncEngine, SyncService
from sync.engine import events as ev
from sync.protocol import EVENTS_PATH, SUCCESS_STATUSES
from tests.memory_keyring import MemoryKeyring
from tests.pg_server import PgServer
from tests.sync.helpers import cursor_seq

pytestmark = pytest.mark.timeout(240)

HTTP_TIMEOUT = 10.0
SUCCESS = {status.value for status in SUCCESS_STATUSES}
Key = tuple[str, str, int]  # (kind, id, version): the hub's idempotency key within an organisation


@pytest.fixture
def hub_db(pg_server: PgServer) -> str:
    """A fresh PostgreSQL database for the test's two hub processes."""
    return pg_server.create_database("procs")


def post_notification(cpd: Api, district: str) -> str:
    body = notification(district)
    response = cpd.post("/v1/cpd/notifications", json=body)
    assert response.status_code == 201, response.text
    return str(body["id"])


def incident_ids(changes: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in changes if c["kind"] == "incident"]


def make_engine(store: Store, url: str, profile: str, listeners: list[Any]) -> SyncEngine:
    client = HubClient(url, keyring_token_source(profile), timeouts=Timeouts(connect=2.0, read=5.0))
    return SyncEngine(store, client, listeners=listeners, backoff=Backoff(rand=lambda: 0.5))


def local_incidents(store: Store) -> set[str]:
    return {row["id"] for row in store.rows("SELECT id FROM incidents")}


# --- (a) a notification posted to A reaches a laptop waiting on B ------------------------------


class LongPoller(threading.Thread):
    """A second laptop on raw HTTP: holds `GET /v1/sync/wait` on its hub, again after each answer,
    and notes when each incident first arrived (time.monotonic)."""

    def __init__(self, hub: HubProcess, token: str) -> None:
        super().__init__(daemon=True, name="long-poller")
        self.api = Api(hub.url, token)
        self.arrived: dict[str, float] = {}
        self.stop = threading.Event()
        self.error: str | None = None
        _, self.cursor = self.api.pull_all()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.api.get("/v1/sync/wait", params={"cursor": self.cursor, "timeout": 2})
            except requests.RequestException as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                return
            now = time.monotonic()
            if response.status_code != 200:
                self.error = f"HTTP {response.status_code}: {response.text[:200]}"
                return
            page = response.json()
            self.cursor = page["cursor"]
            for incident in incident_ids(page["changes"]):
                self.arrived.setdefault(incident, now)


def test_notification_posted_to_a_reaches_a_laptop_waiting_on_b_within_a_second(
    hub_db: str, tmp_path: Path, store: Store, memory_keyring: MemoryKeyring
) -> None:
    seeded = seed_orgs(hub_db, {"north": ["011"], "south": ["012"]}, devices_per_org=2)
    set_token("w1", seeded.tokens["north"][0])
    arrived: dict[str, float] = {}
    got = threading.Condition()

    def on_event(event: ev.SyncEvent) -> None:
        if isinstance(event, ev.NotificationReceived):
            with got:
                arrived[event.incident_id] = time.monotonic()
                got.notify_all()

    with hub_processes(hub_db, tmp_path) as (a, b):
        engine = make_engine(store, b.url, "w1", [on_event])
        service = SyncService(engine, interval=3600).start()
        cpd = Api(a.url, seeded.cpd)
        poller = LongPoller(b, seeded.tokens["north"][1])
        poller.start()
        delays: list[float] = []
        polled: list[float] = []
        try:
            deadline = time.monotonic() + 15
            while service.last_report is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert service.last_report is not None and service.last_report.ok, service.last_report
            time.sleep(0.5)  # the live channel is parked on B
            # Another organisation's notification first: it must not wake north's laptop with
            # anything, and north's next one must still arrive in time.
            post_notification(cpd, "012")
            for _ in range(5):
                started = time.monotonic()
                incident = post_notification(cpd, "011")
                with got:
                    got.wait_for(lambda: incident in arrived, timeout=10)  # noqa: B023 - read at once
                assert incident in arrived, f"notification {incident} posted to A never reached B's laptop"
                delays.append(arrived[incident] - started)
                wait_until = time.monotonic() + 10
                while incident not in poller.arrived and time.monotonic() < wait_until and not poller.error:
                    time.sleep(0.005)
                assert incident in poller.arrived, poller.error or f"{incident} never reached the long-poll"
                polled.append(poller.arrived[incident] - started)
                time.sleep(0.2)
        finally:
            service.stop()
            poller.stop.set()
            poller.join(HTTP_TIMEOUT)
    channel = getattr(service.live, "channel_in_use", None) or "long-poll"
    print(f"A -> B, the engine ({channel}): {', '.join(f'{d * 1000:.0f} ms' for d in delays)}; "
          f"a raw long-poll: {', '.join(f'{d * 1000:.0f} ms' for d in polled)}")
    assert max(delays) < 1.0, f"a notification took {max(delays):.3f} s from A to the engine on B"
    assert max(polled) < 1.0, f"a notification took {max(polled):.3f} s from A to a long-poll on B"
    assert len(local_incidents(store)) == 5  # north's five, not south's


# --- (b) a laptop resumes from its cursor after B restarts --------------------------------------


def first_event(api: Api, last_event_id: str) -> dict[str, Any]:
    """The first page the hub's event stream sends after `last_event_id` (bounded: the read
    time-out is below the hub's heartbeat, so a stream with nothing to say fails here)."""
    assert "sse" in api.get("/v1/sync/config").json().get("live_channels", [])
    with api.session.get(api.url + EVENTS_PATH, headers={"Last-Event-ID": last_event_id},
                         stream=True, timeout=(2.0, 5.0)) as response:
        assert response.status_code == 200, response.text
        data = []
        for line in response.iter_lines(decode_unicode=True):
            if line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif not line and data:
                return dict(json.loads("\n".join(data)))
    raise AssertionError("the event stream ended without an event")


def test_a_laptop_resumes_from_its_cursor_after_b_is_killed_and_restarted(
    hub_db: str, tmp_path: Path, store: Store, memory_keyring: MemoryKeyring
) -> None:
    seeded = seed_orgs(hub_db, {"north": ["011"]}, devices_per_org=1)
    set_token("w1", seeded.tokens["north"][0])
    with hub_processes(hub_db, tmp_path) as (a, b):
        cpd, api = Api(a.url, seeded.cpd), Api(b.url, seeded.tokens["north"][0])
        engine = make_engine(store, b.url, "w1", [])
        first = [post_notification(cpd, "011") for _ in range(3)]
        changes, cursor = api.pull_all()
        assert incident_ids(changes) == first
        assert engine.sync_once("test").ok
        assert local_incidents(store) == set(first)
        engine_cursor = engine.cursor()

        b.kill()
        second = [post_notification(cpd, "011") for _ in range(4)]  # while B is down
        down = engine.sync_once("test")
        assert not down.ok  # B is gone: the pass fails and keeps its cursor
        assert engine.cursor() == engine_cursor and local_incidents(store) == set(first)
        b.start()  # the same port, the same database
        assert b.starts == 2

        # The event stream resumes from the same cursor as its Last-Event-ID.
        assert incident_ids(first_event(api, cursor)["changes"]) == second
        changes, cursor = api.pull_all(cursor)
        assert incident_ids(changes) == second  # nothing of `first` again, nothing skipped
        assert engine.sync_once("test").ok
        assert local_incidents(store) == set(first) | set(second)
        assert cursor_seq(engine.cursor()) == cursor_seq(engine_cursor) + len(second)

        third = post_notification(cpd, "011")
        response = api.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 5})
        assert response.status_code == 200, response.text
        assert incident_ids(response.json()["changes"]) == [third]

        everything, _ = api.pull_all()
        assert incident_ids(everything) == [*first, *second, third]
        engine.client.close()


# --- (c) nothing lost or duplicated when A is killed -9 mid-push --------------------------------


class Pusher(threading.Thread):
    """One device: pushes its batches in order to its hub; a batch that gets no complete answer
    (connection refused or reset, a time-out, a 5xx) is sent again, to B once A is gone."""

    def __init__(self, org: str, token: str, home: HubProcess, fallback: HubProcess,
                 batches: list[list[dict[str, Any]]]) -> None:
        super().__init__(daemon=True, name=f"pusher-{org}")
        self.org, self.home, self.fallback = org, home, fallback
        self.apis = {hub.name: Api(hub.url, token) for hub in (home, fallback)}
        self.batches = batches
        self.acked: set[Key] = set()
        self.duplicates = 0
        self.retries = 0
        self.in_flight_to: HubProcess | None = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            hub = self.home
            for batch in self.batches:
                deadline = time.monotonic() + 60
                while True:
                    assert time.monotonic() < deadline, "a batch was never acknowledged"
                    answer = self._push(hub, batch)
                    if answer is not None:
                        break
                    self.retries += 1
                    if not hub.running:
                        hub = self.fallback
                    time.sleep(0.05)
                statuses = [r["status"] for r in answer]
                assert set(statuses) <= SUCCESS, statuses
                self.duplicates += statuses.count("duplicate")
                self.acked |= {(r["kind"], r["id"], r["version"]) for r in answer}
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            self.error = f"{type(exc).__name__}: {exc}"

    def _push(self, hub: HubProcess, batch: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        self.in_flight_to = hub
        try:
            response = self.apis[hub.name].push(*batch)
        except requests.RequestException:
            return None
        finally:
            self.in_flight_to = None
        if response.status_code >= 500:
            return None
        assert response.status_code == 200, response.text
        results = list(response.json()["results"])
        assert len(results) == len(batch)
        return results


def test_nothing_lost_or_duplicated_when_a_is_killed_mid_push(hub_db: str, tmp_path: Path) -> None:
    seeded: Seeded = seed_orgs(hub_db, {"k1": ["011"], "k2": ["012"], "k3": ["007"]}, devices_per_org=2)
    with hub_processes(hub_db, tmp_path) as (a, b):
        pushers = [
            Pusher(org, token, a if n % 2 == 0 else b, b,
                   [[incident_record() for _ in range(25)] for _ in range(16)])
            for n, (org, token) in enumerate(seeded.devices())
        ]
        for pusher in pushers:
            pusher.start()
        killed = _kill_mid_push(a, pushers)
        for pusher in pushers:
            pusher.join(120)
        assert not [p for p in pushers if p.is_alive()], "a device never finished pushing"
        assert not [p.error for p in pushers if p.error], [p.error for p in pushers if p.error]
        on_a = [p for p in pushers if p.home is a]
        assert killed >= 1 and sum(p.retries for p in on_a) >= killed
        # At least once, idempotently: a batch A acknowledged, sent again to B, is all duplicates.
        again = on_a[0].apis[b.name].push(*on_a[0].batches[0])
        assert again.status_code == 200, again.text
        assert {r["status"] for r in again.json()["results"]} == {"duplicate"}

        for org in seeded.tokens:
            sent = {(r["kind"], r["id"], r["version"])
                    for p in pushers if p.org == org for batch in p.batches for r in batch}
            acked = set().union(*(p.acked for p in pushers if p.org == org))
            changes, _ = Api(b.url, seeded.tokens[org][0]).pull_all()
            pulled = [(c["kind"], c["id"], c["version"]) for c in changes if c["origin"] == "device"]
            assert len(pulled) == len(set(pulled)), f"{org}: {len(pulled) - len(set(pulled))} duplicated"
            assert acked <= set(pulled), f"{org}: {len(acked - set(pulled))} acknowledged records lost"
            assert set(pulled) == sent, f"{org}: pulled {len(pulled)} of {len(sent)} sent"
    print(f"killed A with {killed} pushes in flight to it; "
          f"{sum(p.retries for p in pushers)} batches sent again, "
          f"{sum(p.duplicates for p in pushers)} records answered duplicate (A had committed them)")


def _kill_mid_push(a: HubProcess, pushers: list[Pusher]) -> int:
    """SIGKILL A once a third of the batches are acknowledged and a push to A is in flight;
    returns how many pushes to A were in flight then."""
    total = sum(len(p.batches) for p in pushers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        acked_batches = sum(len(p.acked) for p in pushers) // 25
        in_flight = sum(1 for p in pushers if p.in_flight_to is a)
        if acked_batches >= total // 3 and in_flight:
            a.kill()
            return in_flight
        time.sleep(0.002)
    raise AssertionError("never saw a push to A in flight with a third of the batches done")
