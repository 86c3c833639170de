"""Sync benchmarks on loopback; prints its figures and exits 0.

1. Push 10,000 queued records through the engine vs posting the same bodies in the same batch
   sizes with bare `requests` (same run, fresh organisations so both are real inserts). Target:
   engine ≤ 1.5× bare.
2. Notification latency: from the hub accepting a CPD notification to the engine's callback,
   through the live channel (p50/p95; target p95 ≤ 1 s).
3. The hub under 50 concurrent syncing clients: records/s and p99 of push requests.

Run: `.venv/bin/python bench/sync_bench.py [--records 10000] [--clients 50]`.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests

from cvi_desktop import outbox
from cvi_desktop.clock import to_db
from cvi_desktop.domain import new_id
from cvi_desktop.outbox import base_versions
from cvi_desktop.services import incidents
from cvi_desktop.sharing import Audience, RecordKind, org_action
from cvi_desktop.store import Store
from sync.client import HubClient
from sync.engine import SyncEngine, SyncService
from sync.engine import events as ev
from sync.engine.core import _push_body
from sync.hub import admin
from sync.hub.app import HubConfig
from sync.hub.server import HubServer

BATCH = 200


def make_store(folder: Path, name: str) -> Store:
    return Store(folder / name / "cvi.db", secrets.token_hex(32), actor="bench")


def seed(store: Store, n: int) -> None:
    incident = incidents.record_incident(store, {"source": "self", "incident_type": "other",
                                                 "occurred_at": "2026-11-01T12:00:00+00:00",
                                                 "district": "011"})
    now = to_db(store.now())
    with store.write() as db:
        for _ in range(n):
            row = {"id": new_id(), "incident_id": incident, "action_type": "scene", "started_at": now,
                   "ended_at": None, "staff_count": 1, "staff_ids": '["sup"]', "outcome": "completed",
                   "mediation_result": None, "retaliation_risk": "low", "risk_basis": "",
                   "device_recorded_at": now, "recorded_by": "sup"}
            marks = ", ".join("?" * len(row))
            db.execute(f"INSERT INTO response_actions ({', '.join(row)}) VALUES ({marks})",
                       list(row.values()))
            outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.RESPONSE_ACTION, row["id"], 1,
                           org_action(row))


def new_org(hub: HubServer, districts: tuple[str, ...] = ("011",)) -> str:
    org = f"b{uuid.uuid4().hex[:10]}"
    admin.create_org(hub.db_path, org, org)
    for district in districts:
        admin.add_coverage(hub.db_path, org, district)
    return admin.create_token(hub.db_path, "supervisor", org_id=org, staff_id="sup")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def bench_push(hub: HubServer, folder: Path, n: int) -> None:
    store = make_store(folder, "push")
    seed(store, n)
    rows = store.rows("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq")
    bodies = [_push_body(rows[i:i + BATCH], base_versions(store, rows[i:i + BATCH]))
              for i in range(0, len(rows), BATCH)]

    bare_token = new_org(hub)
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {bare_token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    for body in bodies:
        response = session.post(hub.url + "/v1/sync/push", data=body, timeout=60)
        response.raise_for_status()
    bare = time.perf_counter() - started

    token = new_org(hub)
    engine = SyncEngine(store, HubClient(hub.url, lambda: token), batch_size=BATCH)
    started = time.perf_counter()
    report = engine.sync_once("bench")
    took = time.perf_counter() - started
    assert report.ok and report.acknowledged == len(rows), report
    n = len(rows)
    print(f"push {n} records, batches of {BATCH}:")
    print(f"  engine      {took:6.2f} s  ({n / took:7.0f} records/s)")
    print(f"  bare HTTP   {bare:6.2f} s  ({n / bare:7.0f} records/s)")
    print(f"  ratio       {took / bare:6.2f}x  (target <= 1.5x)")
    store.close()


def bench_latency(hub: HubServer, folder: Path, samples: int = 30) -> None:
    token = new_org(hub, ("012",))
    cpd = admin.create_token(hub.db_path, "cpd")
    store = make_store(folder, "latency")
    arrived: dict[str, float] = {}
    got = threading.Condition()

    def on_event(event: ev.SyncEvent) -> None:
        if isinstance(event, ev.NotificationReceived):
            with got:
                arrived[event.incident_id] = time.perf_counter()
                got.notify_all()

    engine = SyncEngine(store, HubClient(hub.url, lambda: token), listeners=[on_event])
    service = SyncService(engine, interval=3600)
    service.start()
    cpd_session = requests.Session()
    cpd_session.headers["Authorization"] = f"Bearer {cpd}"
    latencies = []
    try:
        time.sleep(0.5)  # let the start-up pass finish and the long-poll settle
        for _ in range(samples):
            incident = str(uuid.uuid4())
            response = cpd_session.post(hub.url + "/v1/cpd/notifications", timeout=10, json={
                "id": incident, "incident_type": "nonfatal_shooting",
                "occurred_at": "2026-11-01T17:00:00+00:00", "district": "012"})
            accepted = time.perf_counter()  # the hub has committed and answered
            response.raise_for_status()
            with got:
                got.wait_for(lambda: incident in arrived, timeout=10)  # noqa: B023 - read at once
            if incident in arrived:
                latencies.append(max(0.0, arrived[incident] - accepted))
            time.sleep(0.05)
    finally:
        service.stop()
        store.close()
    print(f"notification latency, {len(latencies)}/{samples} delivered:")
    print(f"  p50 {statistics.median(latencies) * 1000:7.1f} ms   p95 {pct(latencies, 95) * 1000:7.1f} ms"
          "   (target p95 <= 1000 ms)")


def bench_concurrent(hub: HubServer, folder: Path, clients: int, per_client: int = 200) -> None:
    stores = []
    for i in range(clients):
        store = make_store(folder, f"c{i}")
        seed(store, per_client)
        stores.append(store)
    tokens = [new_org(hub) for _ in range(clients)]
    durations: list[float] = []
    lock = threading.Lock()
    failures: list[Any] = []

    def client(i: int) -> None:
        hub_client = HubClient(hub.url, lambda: tokens[i])
        original = hub_client.push

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with lock:
                    durations.append(time.perf_counter() - started)

        hub_client.push = timed  # type: ignore[method-assign]
        engine = SyncEngine(stores[i], hub_client, batch_size=50)
        for _ in range(10):  # a busy hub answers 429; the engine backs off and comes back
            report = engine.sync_once("bench")
            if report.ok and outbox.counts(stores[i])["pending"] == 0:
                return
            time.sleep(min(2.0, (report.error.retry_after or 0.2) if report.error else 0.2))
        failures.append(i)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    took = time.perf_counter() - started
    total = clients * per_client
    print(f"{clients} concurrent clients x {per_client} records (batches of 50):")
    print(f"  {total / took:7.0f} records/s overall, {len(durations)} pushes, "
          f"push p50 {statistics.median(durations) * 1000:.0f} ms, p99 {pct(durations, 99) * 1000:.0f} ms, "
          f"{len(failures)} clients not drained")
    for store in stores:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = HubConfig(rate_per_second=0)  # measure the sync path, not the rate limiter
        with HubServer(folder / "hub.sqlite3", config=config) as hub:
            bench_push(hub, folder, args.records)
            bench_latency(hub, folder)
        with HubServer(folder / "hub2.sqlite3") as hub:  # default limits for the crowd
            bench_concurrent(hub, folder, args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
