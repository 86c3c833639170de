"""Team benchmark: a supervisor's first sync of a team of 20 workers' year; prints a table, exits 0.

The hub is seeded through its own push path (`sync.hub.service.push` with each worker's
principal, reviews with the supervisor's; CPD notifications through `service.post_notification`,
assignments through `service.assign`): about 2,000 incidents (each a notification and an
assignment, so 4,000 incident versions), 10,000 response actions, 2,000 referrals, 2,000
follow-ups and 2,000 reviews. Then, in the same run:

(a) a fresh supervisor laptop's first `SyncEngine.sync_once()` (everything pulled and applied);
(b) the honest floor: a bare `requests` pull of the same pages (same page size) plus plain
    `INSERT`s of the same rows into a same-schema SQLCipher store (the core's own migrations and
    pragmas), one transaction a page. This bare baseline is the only SQL outside the core.
    Targets: (a) ≤ 1.5 × (b), and (a) ≤ 10 s;
(c) incremental: a teammate logs one new action and syncs; the supervisor's `sync_once()` that
    receives it, p50/p95 over `--reps` repetitions. Target ≤ 200 ms.

Figures are printed as a table with PASS/FAIL; nothing asserts on time. The hub sets
TCP_NODELAY on its socket itself (without it every keep-alive request on loopback waited ~44 ms
for a delayed ACK); `--hub-nodelay` is kept as a no-op for old command lines. `--profile` writes
a cProfile of (a) and prints its top costs.

Run: `.venv/bin/python bench/team_bench.py [--incidents 2000] [--reps 20] [--hub-nodelay] [--profile]`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvi_desktop import queries  # noqa: E402
from cvi_desktop.clock import to_db  # noqa: E402
from cvi_desktop.services import responses  # noqa: E402
from cvi_desktop.sharing import Audience, RecordKind, org_action, org_followup, org_referral, org_review  # noqa: E402
from cvi_desktop.store import Store  # noqa: E402
from sync.client import HubClient, Timeouts  # noqa: E402
from sync.engine import SyncEngine  # noqa: E402
from sync.hub import admin, service  # noqa: E402
from sync.hub.server import HubServer  # noqa: E402
from sync.protocol import SUCCESS_STATUSES, Notification  # noqa: E402

ORG = "team-bench"
DISTRICTS = {"007": "0711", "011": "1112", "015": "1511"}  # district -> a beat in it
TARGET_RATIO = 1.5
TARGET_FIRST_S = 10.0
TARGET_INCREMENTAL_MS = 200.0
PUSH_BATCH = 500


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def envelope(kind: RecordKind, data: dict[str, Any], version: int = 1) -> dict[str, Any]:
    """A record as a laptop pushes it (audience org), hashed the way the hub checks."""
    sha = service.envelope_hash(kind.value, data["id"], version, Audience.ORG.value, data)
    return {"audience": Audience.ORG.value, "kind": kind.value, "id": data["id"], "version": version,
            "data": data, "sha256": sha}


def push_all(db: Any, principal: service.Principal, records: list[dict[str, Any]], now: datetime) -> int:
    accepted = 0
    for start in range(0, len(records), PUSH_BATCH):
        results = service.push(db, principal, records[start:start + PUSH_BATCH], now)
        bad = [r for r in results if r.status not in SUCCESS_STATUSES]
        if bad:
            raise SystemExit(f"seed push refused: {bad[0]}")
        accepted += len(results)
    return accepted


def seed(server: HubServer, n_incidents: int, n_workers: int, rng: random.Random) -> dict[str, Any]:
    """A team's year on the hub, through the hub's own service functions."""
    db_path = server.db_path
    admin.create_org(db_path, ORG, "Team bench")
    for district in DISTRICTS:
        admin.add_coverage(db_path, ORG, district)
    workers = [f"w{i:02d}" for i in range(n_workers)]
    admin.add_staff(db_path, ORG, "sup", "Supervisor", "supervisor")
    for w in workers:
        admin.add_staff(db_path, ORG, w, f"Worker {w}", "worker")
    tokens = {w: admin.create_token(db_path, "staff", org_id=ORG, staff_id=w) for w in workers}
    tokens["sup"] = admin.create_token(db_path, "supervisor", org_id=ORG, staff_id="sup")
    db = server.app.state.db
    principals = {name: service.authenticate(db, token) for name, token in tokens.items()}
    start = datetime.now(UTC) - timedelta(days=365)
    per_worker: dict[str, list[dict[str, Any]]] = {w: [] for w in workers}
    review_records: list[dict[str, Any]] = []
    counts = dict(incidents=0, actions=0, referrals=0, followups=0, reviews=0)
    for n in range(n_incidents):
        occurred = start + timedelta(minutes=n * 262)
        incident_id = str(uuid.uuid4())
        district = rng.choice(sorted(DISTRICTS))
        service.post_notification(db, Notification.model_validate({
            "id": incident_id, "rd_number": f"JA{rng.randint(0, 999999):06d}",
            "incident_type": rng.choice(("nonfatal_shooting", "fatal_shooting")),
            "occurred_at": occurred.isoformat(),
            "cpd_notified_at": (occurred + timedelta(minutes=5)).isoformat(),
            "district": district, "beat": DISTRICTS[district], "location_type": "street",
            "victims_total": 1, "victims_fatal": 0, "victims_nonfatal": 1, "victim_age_bands": ["18_24"]}),
            occurred + timedelta(minutes=12))
        worker = workers[n % n_workers]
        service.assign(db, principals["sup"], incident_id, worker, None, occurred + timedelta(minutes=20))
        counts["incidents"] += 1
        covers = []
        for k, kind in enumerate(("scene", "hospital", "family_engagement", "mediation", "followup_contact")):
            at = occurred + timedelta(hours=1 + 6 * k)
            row = {"id": str(uuid.uuid4()), "incident_id": incident_id,
                   "action_type": kind,
                   "started_at": to_db(at), "ended_at": to_db(at + timedelta(minutes=40)), "staff_count": 2,
                   "staff_ids": json.dumps([worker]), "outcome": "completed",
                   "mediation_result": "resolved" if k == 3 else None, "retaliation_risk": "medium",
                   "risk_basis": "", "device_recorded_at": to_db(at + timedelta(minutes=45)), "version": 1,
                   "owner": None, "flag_resolution": None}
            per_worker[worker].append(envelope(RecordKind.RESPONSE_ACTION, org_action(row)))
            covers.append({"kind": "response_action", "id": row["id"], "version": 1})
            counts["actions"] += 1
        referral = {"id": str(uuid.uuid4()), "incident_id": incident_id, "participant_id": None,
                    "category": "victim_services", "status": "made", "provider": "Bench Services",
                    "version": 1}
        followup = {"id": str(uuid.uuid4()), "incident_id": incident_id, "participant_id": None,
                    "due_at": to_db(occurred + timedelta(days=3)), "done_at": None, "kind": "call",
                    "result": "", "assignee": worker, "version": 1}
        per_worker[worker].append(envelope(RecordKind.REFERRAL, org_referral(referral)))
        per_worker[worker].append(envelope(RecordKind.FOLLOWUP, org_followup(followup)))
        covers += [{"kind": "referral", "id": referral["id"], "version": 1},
                   {"kind": "followup", "id": followup["id"], "version": 1}]
        counts["referrals"] += 1
        counts["followups"] += 1
        review = {"id": str(uuid.uuid4()), "incident_id": incident_id, "state": "approved", "comment": "",
                  "reviewer": "sup", "created_at": to_db(occurred + timedelta(days=2)),
                  "covers": json.dumps(covers)}
        review_records.append(envelope(RecordKind.REVIEW, org_review(review)))
        counts["reviews"] += 1
    now = datetime.now(UTC)
    for w in workers:
        push_all(db, principals[w], per_worker[w], now)
    push_all(db, principals["sup"], review_records, now)
    return {"tokens": tokens, "counts": counts}


def fresh_store(folder: Path, name: str, actor: str) -> Store:
    return Store(folder / name / "cvi.db", secrets.token_hex(32), actor=actor)


def engine_for(store: Store, url: str, token: str) -> SyncEngine:
    return SyncEngine(store, HubClient(url, lambda: token, timeouts=Timeouts(connect=5.0, read=60.0)))


# --- (b) the bare baseline: the only SQL outside the core ----------------------------------------

_TABLES = {"incident": "incidents", "response_action": "response_actions", "referral": "referrals",
           "followup": "followups", "review": "reviews"}


class BareReplica:
    """Plain INSERTs of pulled rows into a same-schema SQLCipher file; no checks, no audit."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        self.columns = {table: [c[1] for c in self.conn.execute(f"PRAGMA table_info({table})")]
                        for table in _TABLES.values()}

    def apply(self, changes: list[dict[str, Any]], now: str) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        staff = {c.get("author") for c in changes} | {c["data"].get("assignee") for c in changes}
        conn.executemany("INSERT OR IGNORE INTO staff (id, display_name, role) VALUES (?, ?, 'worker')",
                         [(s, s) for s in staff if s])
        for change in changes:
            table = _TABLES[change["kind"]]
            data = change["data"]
            row = {k: (json.dumps(v) if isinstance(v, list | dict) else v)
                   for k, v in data.items() if k in self.columns[table]}
            row["id"] = change["id"]
            if "version" in self.columns[table]:
                row["version"] = change["version"]
            if table == "incidents":
                row.setdefault("created_at", now)
                row.setdefault("updated_at", now)
                if row.get("status") is None:
                    row.pop("status", None)
                sets = ", ".join(f"{k} = excluded.{k}" for k in row if k != "id")
                conn.execute(f"INSERT INTO incidents ({', '.join(row)}) VALUES ({', '.join('?' * len(row))}) "
                             f"ON CONFLICT(id) DO UPDATE SET {sets}", list(row.values()))
                continue
            row["origin"] = "team"
            if table == "reviews":
                row.setdefault("reviewer", change.get("author"))
            else:
                row["recorded_by"] = change.get("author") or "hub"
            if table == "response_actions":
                row.setdefault("device_recorded_at", now)
            elif table in ("referrals", "followups"):
                row["created_at"] = row["updated_at"] = now
            marks = ", ".join("?" * len(row))
            conn.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(row)}) VALUES ({marks})",
                         list(row.values()))
        conn.execute("COMMIT")


def bare_pull(url: str, token: str, limit: int, store: Store) -> tuple[int, float, float]:
    """Returns (changes, seconds in HTTP + JSON, seconds in inserts)."""
    replica = BareReplica(store)
    session = requests.Session()
    session.trust_env = False
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    cursor: str | None = None
    total, http_s, insert_s = 0, 0.0, 0.0
    now = to_db(datetime.now(UTC))
    while True:
        t0 = time.perf_counter()
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = session.get(f"{url}/v1/sync/pull", params=params, headers=headers, timeout=60)
        response.raise_for_status()
        page = response.json()
        t1 = time.perf_counter()
        replica.apply(page["changes"], now)
        insert_s += time.perf_counter() - t1
        http_s += t1 - t0
        total += len(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    session.close()
    return total, http_s, insert_s


# --- the run ---------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--hub-nodelay", action="store_true", help="TCP_NODELAY on the hub's socket")
    parser.add_argument("--profile", action="store_true", help="cProfile the first sync (a)")
    args = parser.parse_args()
    rng = random.Random(2023)
    folder = Path(tempfile.mkdtemp(prefix="cvi-team-bench-"))
    server = HubServer(folder / "hub.sqlite3").start()
    try:
        t0 = time.perf_counter()
        seeded = seed(server, args.incidents, args.workers, rng)
        seed_s = time.perf_counter() - t0
        c = seeded["counts"]
        print(f"seeded in {seed_s:.1f} s through the hub's push path: {c['incidents']} incidents "
              f"(x2 versions), {c['actions']} actions, {c['referrals']} referrals, {c['followups']} "
              f"follow-ups, {c['reviews']} reviews", flush=True)
        tokens = seeded["tokens"]
        limit = server.config.max_pull_limit

        # (b) first, then (a): if anything, the hub's page cache is warm for both.
        bare_store = fresh_store(folder, "bare", "sup")
        t0 = time.perf_counter()
        bare_changes, bare_http, bare_insert = bare_pull(server.url, tokens["sup"], limit, bare_store)
        bare_s = time.perf_counter() - t0
        bare_store.close()

        sup_store = fresh_store(folder, "sup", "sup")
        sup = engine_for(sup_store, server.url, tokens["sup"])
        profiler = cProfile.Profile() if args.profile else None
        t0 = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        report = sup.sync_once("bench")
        if profiler is not None:
            profiler.disable()
        first_s = time.perf_counter() - t0
        if not report.ok:
            raise SystemExit(f"first sync failed: {report.error}")
        got = queries.incident_count(sup_store, queries.IncidentFilter())
        if got != c["incidents"] or report.pulled < c["incidents"]:
            raise SystemExit(f"first sync has {got} incidents, expected {c['incidents']}")

        # (c) one teammate's new action. Their laptop pulls the year once first (not measured).
        worker = "w00"
        w_store = fresh_store(folder, "w00", worker)
        w_engine = engine_for(w_store, server.url, tokens[worker])
        if not w_engine.sync_once("bench").ok:
            raise SystemExit("the teammate's first sync failed")
        theirs = queries.IncidentFilter(assignee=worker)
        incident_id = queries.incident_page(w_store, theirs, limit=1)[0]["id"]
        sup.sync_once("bench")  # settle anything the teammate's first pass changed
        times: list[float] = []
        for _ in range(args.reps):
            action = responses.log_action(w_store, {
                "incident_id": incident_id, "action_type": "followup_contact",
                "started_at": datetime.now(UTC), "outcome": "completed"})
            if not w_engine.sync_once("bench").ok:
                raise SystemExit("the teammate's push failed")
            t0 = time.perf_counter()
            incremental = sup.sync_once("bench")
            times.append((time.perf_counter() - t0) * 1000)
            if not incremental.ok or responses.get(sup_store, action)["recorded_by"] != worker:
                raise SystemExit("the supervisor did not receive the teammate's action")
        sup.client.close()
        w_engine.client.close()
        sup_store.close()
        w_store.close()
    finally:
        server.stop()

    ratio = first_s / bare_s
    p50, p95 = statistics.median(times), pct(times, 95)
    rows = [
        ("(a) first sync, engine", f"{first_s:.2f} s", f"≤ {TARGET_FIRST_S:g} s",
         verdict(first_s <= TARGET_FIRST_S)),
        ("(b) bare pull + INSERTs", f"{bare_s:.2f} s", "floor", f"http+json {bare_http:.2f} s, "
                                                               f"inserts {bare_insert:.2f} s"),
        ("(a) / (b)", f"{ratio:.2f} ×", f"≤ {TARGET_RATIO:g} ×", verdict(ratio <= TARGET_RATIO)),
        ("(c) incremental p50", f"{p50:.0f} ms", f"≤ {TARGET_INCREMENTAL_MS:g} ms",
         verdict(p50 <= TARGET_INCREMENTAL_MS)),
        ("(c) incremental p95", f"{p95:.0f} ms", f"≤ {TARGET_INCREMENTAL_MS:g} ms",
         verdict(p95 <= TARGET_INCREMENTAL_MS)),
    ]
    print(f"\nteam bench: {bare_changes} changes in pages of {limit}; {args.reps} incremental repetitions")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>10}  {'target':>10}  result")
    for name, value, target, result in rows:
        print(f"{name:<{width}}  {value:>10}  {target:>10}  {result}")
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        print(out.getvalue())
        profiler.dump_stats(str(folder / "first_sync.prof"))
        print(f"profile saved to {folder / 'first_sync.prof'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
