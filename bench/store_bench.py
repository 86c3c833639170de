"""Store benchmark: prints figures and ratios against baselines measured in the same run.

- saving one response action (with its audit and outbox rows) vs a bare sqlite3 insert of the
  same row with the same pragmas (target ≤ 3×);
- the first page of a filtered, sorted incident list, a full-text search and the monthly
  report at 100,000 incidents / 500,000 actions (targets ≤ 50 ms, ≤ 50 ms, ≤ 1 s);
- the encrypted store against an unencrypted one on the same data;
- importing a year of the city data portal's victims data set (3,000 victim rows as its CSV
  export) into a fresh encrypted profile (target ≤ 2 s), and re-importing it unchanged,
  against a bare `executemany` of the same incident rows into the same kind of profile
  (`--city-only` runs just this case).

The 100k databases are built once by bulk SQL and cached under $CVI_BENCH_CACHE (default
/tmp/cvi-bench). Run: `make bench` or `python bench/store_bench.py [--incidents N]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlcipher3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cvi_desktop import city_data, queries  # noqa: E402
from cvi_desktop.clock import to_db  # noqa: E402
from cvi_desktop.domain import VALID_DISTRICTS  # noqa: E402
from cvi_desktop.queries import IncidentFilter  # noqa: E402
from cvi_desktop.services import responses  # noqa: E402
from cvi_desktop.store import database  # noqa: E402
from cvi_desktop.store.database import Store  # noqa: E402
from cvi_desktop.transfer import import_incidents  # noqa: E402

KEY = "be" * 32
WORDS = ("hospital", "mother", "relocation", "porch", "funeral", "cousin", "school", "job", "court", "bus")
TYPES = ("fatal_shooting", "nonfatal_shooting", "nonshooting_homicide", "shots_fired_no_injury", "other")
ACTIONS = ("scene", "hospital", "victim_engagement", "family_engagement", "mediation", "referral")
STATUSES = ("new", "assigned", "responding", "closed", "no_response")


def plain_connect(path: Path, key: str) -> sqlcipher3.Connection:
    """The store's connection without encryption: only for the encrypted-vs-plain comparison."""
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 10000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def open_store(path: Path, encrypted: bool) -> Store:
    original = database._connect
    if not encrypted:
        database._connect = plain_connect  # type: ignore[assignment]
    try:
        return Store(path, KEY, actor="bench")
    finally:
        database._connect = original


def seed(store: Store, incidents: int, actions_per: int, rng: random.Random) -> None:
    districts = sorted(VALID_DISTRICTS)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    span = 3 * 365 * 1440
    store.db.execute("INSERT INTO staff (id, display_name, role) VALUES ('w1', 'Bench Worker', 'worker')")
    with store.write() as db:
        for block in range(0, incidents, 5000):
            inc_rows, act_rows, note_rows = [], [], []
            for _ in range(min(5000, incidents - block)):
                iid = str(uuid.UUID(int=rng.getrandbits(128)))
                occurred = start + timedelta(minutes=rng.randrange(span))
                received = occurred + timedelta(minutes=rng.randint(5, 90))
                district = rng.choice(districts)
                rd = "J" + "ABCDEFGH"[rng.randrange(8)] + f"{rng.randrange(10**6):06d}"
                inc_rows.append(
                    (
                        iid,
                        "cpd",
                        rd,
                        rng.choice(TYPES),
                        to_db(occurred),
                        to_db(received),
                        district,
                        district[1:] + f"{rng.randint(11, 35)}",
                        rng.choice(STATUSES),
                        "w1" if rng.random() < 0.3 else None,
                        to_db(received),
                        to_db(received),
                    )
                )
                for n in range(actions_per):
                    started = received + timedelta(minutes=rng.randint(10, 600) * (n + 1))
                    act_rows.append(
                        (
                            str(uuid.UUID(int=rng.getrandbits(128))),
                            iid,
                            rng.choice(ACTIONS),
                            to_db(started),
                            rng.randint(1, 3),
                            "completed",
                            to_db(started),
                            "bench",
                        )
                    )
                if rng.random() < 0.2:
                    body = " ".join(rng.choice(WORDS) for _ in range(12))
                    note_rows.append(
                        (str(uuid.UUID(int=rng.getrandbits(128))), iid, body, "bench", to_db(received))
                    )
            db.conn.executemany(
                "INSERT INTO incidents (id, source, rd_number, incident_type, occurred_at, org_received_at, "
                "district, beat, status, assignee, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                inc_rows,
            )
            db.conn.executemany(
                "INSERT INTO response_actions (id, incident_id, action_type, started_at, staff_count, "
                "outcome, device_recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?,?)",
                act_rows,
            )
            db.conn.executemany(
                "INSERT INTO notes (id, incident_id, body, author, created_at) VALUES (?,?,?,?,?)", note_rows
            )
    store.conn.execute("ANALYZE")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def cached_db(cache: Path, incidents: int, actions_per: int, encrypted: bool) -> Path:
    name = f"{'enc' if encrypted else 'plain'}-{incidents}-{actions_per}-v2.db"
    path = cache / name
    if not path.exists():
        print(f"  building {name} (once; cached in {cache}) ...", flush=True)
        building = cache / (name + ".building")
        for stale in cache.glob(name + ".building*"):
            stale.unlink()
        began = time.perf_counter()
        with open_store(building, encrypted) as store:
            seed(store, incidents, actions_per, random.Random(7))
        for suffix in ("-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        building.rename(path)
        print(f"  built in {time.perf_counter() - began:.1f} s", flush=True)
    return path


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def bare_insert_ms(store: Store, incident_id: str, repeat: int) -> list[float]:
    """The baseline: the same action row as one bare INSERT per transaction, on the same
    connection (same pragmas and key) into the same table, without the service layer."""
    now = to_db(datetime.now(UTC))

    def insert() -> None:
        store.conn.execute("BEGIN IMMEDIATE")
        store.conn.execute(
            "INSERT INTO response_actions (id, incident_id, action_type, started_at, ended_at, staff_count, "
            "staff_ids, outcome, mediation_result, retaliation_risk, risk_basis, device_recorded_at, "
            "recorded_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                str(uuid.uuid4()),
                incident_id,
                "hospital",
                now,
                None,
                1,
                '["w1"]',
                "completed",
                None,
                "low",
                "",
                now,
                "bench",
            ),
        )
        store.conn.execute("COMMIT")

    return timed(insert, repeat)


def plain_sqlite_insert_ms(folder: Path, repeat: int) -> list[float]:
    """For reference: the same row into an empty table of a plain sqlite3 file, same pragmas."""
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute(
        "CREATE TABLE response_actions (id TEXT PRIMARY KEY, incident_id TEXT, action_type TEXT, "
        "started_at TEXT, staff_count INTEGER, staff_ids TEXT, outcome TEXT, retaliation_risk TEXT, "
        "risk_basis TEXT, device_recorded_at TEXT, recorded_by TEXT)"
    )
    now = to_db(datetime.now(UTC))

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO response_actions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (str(uuid.uuid4()), "i", "hospital", now, 1, '["w1"]', "completed", "low", "", now, "bench"),
        )
        conn.execute("COMMIT")

    try:
        return timed(insert, repeat)
    finally:
        conn.close()


def save_ms(store: Store, incident_id: str, repeat: int) -> list[float]:
    started = datetime.now(UTC)
    return timed(
        lambda: responses.log_action(
            store,
            {
                "incident_id": incident_id,
                "action_type": "hospital",
                "started_at": started,
                "staff_ids": ["w1"],
                "retaliation_risk": "low",
            },
        ),
        repeat,
    )


def read_figures(store: Store, month: str) -> dict[str, float]:
    open_011 = IncidentFilter(statuses=("new", "assigned", "responding"), districts=("011",))
    figures = {
        "list page, filtered+sorted (ms p50)": statistics.median(
            timed(lambda: queries.incident_page(store, open_011, limit=50), 30)
        ),
        "list page, all by district (ms p50)": statistics.median(
            timed(lambda: queries.incident_page(store, IncidentFilter(sort="district"), limit=50), 30)
        ),
        "full-text search, RD prefix (ms p50)": statistics.median(
            timed(lambda: queries.search(store, "JA1234"), 30)
        ),
        "full-text search, note word (ms p50)": statistics.median(
            timed(lambda: queries.search(store, "relocation funeral"), 30)
        ),
        "monthly report (ms p50)": statistics.median(timed(lambda: queries.monthly_review(store, month), 5)),
    }
    return figures


def city_victims_csv(path: Path, rows: int, rng: random.Random) -> None:
    """A year of invented victim rows in the portal's CSV export: about 1.3 victims a case, a
    fifth of them homicides (with invented names the import must drop), every district."""
    districts = sorted(VALID_DISTRICTS)
    start = datetime(2024, 1, 1)
    ages = ("0-19", "20-29", "30-39", "40-49", "50-59", "60-69", "UNKNOWN")
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(city_data.COLUMNS)
        case = 0
        while written < rows:
            case += 1
            district = rng.choice(districts)
            beat = district[1:] + f"{rng.randint(11, 35)}"
            when = (start + timedelta(minutes=rng.randrange(365 * 1440))).strftime("%m/%d/%Y %I:%M:%S %p")
            lat, lon = f"{rng.uniform(41.65, 42.0):.6f}", f"{rng.uniform(-87.9, -87.55):.6f}"
            for victim in range(1 if rng.random() < 0.75 else rng.randint(2, 4)):
                homicide = rng.random() < 0.2
                values = {
                    "CASE_NUMBER": f"JH{case:06d}", "DATE": when,
                    "BLOCK": f"0{rng.randint(10, 99)}XX W FAKE ST",
                    "VICTIMIZATION_PRIMARY": "HOMICIDE" if homicide else rng.choice(("BATTERY", "ROBBERY")),
                    "GUNSHOT_INJURY_I": "YES" if rng.random() < 0.9 else "NO",
                    "UNIQUE_ID": f"V{case:06d}-{victim}", "COMMUNITY_AREA": rng.choice(city_data._AREA_NAMES),
                    "STREET_OUTREACH_ORGANIZATION": rng.choice(("", "None", "Bench Peace | Other Outreach")),
                    "DISTRICT": district.lstrip("0") if rng.random() < 0.5 else district, "BEAT": beat,
                    "AGE": rng.choice(ages), "SEX": "M", "RACE": "BLK",
                    "HOMICIDE_VICTIM_FIRST_NAME": "Invented" if homicide else "",
                    "HOMICIDE_VICTIM_LAST_NAME": "Benchperson" if homicide else "",
                    "LOCATION_DESCRIPTION": rng.choice(("STREET", "ALLEY", "APARTMENT", "PARKING LOT")),
                    "LATITUDE": lat, "LONGITUDE": lon, "LOCATION": f"POINT ({lon} {lat})",
                }
                out.writerow([values.get(name, "") for name in city_data.COLUMNS])
                written += 1
                if written == rows:
                    break


def city_import_figures(work: Path, rows: int) -> dict[str, float]:
    """Import, re-import unchanged, and the baseline: the incident rows the import made,
    inserted by one bare `executemany` in one transaction into a fresh profile of the same kind."""
    sheet = work / "city_victims.csv"
    city_victims_csv(sheet, rows, random.Random(11))
    with Store(work / "city.db", KEY, actor="bench") as store:
        began = time.perf_counter()
        first = import_incidents(store, sheet)
        import_s = time.perf_counter() - began
        began = time.perf_counter()
        again = import_incidents(store, sheet)
        reimport_s = time.perf_counter() - began
        assert isinstance(first, city_data.CityImportResult) and isinstance(again, city_data.CityImportResult)
        assert first.errors == [], first.errors[:3]
        assert again.new == 0 and again.updated == 0, again.summary()
        made = store.rows("SELECT * FROM incidents")
    columns = list(made[0])
    with Store(work / "city-baseline.db", KEY, actor="bench") as baseline:
        began = time.perf_counter()
        with baseline.write() as db:
            db.conn.executemany(f"INSERT INTO incidents ({', '.join(columns)}) VALUES "
                                f"({', '.join('?' * len(columns))})", [tuple(r.values()) for r in made])
        bare_s = time.perf_counter() - began
    return {"rows": float(rows), "incidents": float(first.new), "import_s": import_s,
            "reimport_s": reimport_s, "bare_s": bare_s}


def report_city(figures: dict[str, float]) -> bool:
    print(f"\ncity data import: {figures['rows']:,.0f} victim rows -> {figures['incidents']:,.0f} incidents")
    print(f"  import into a fresh encrypted profile   {figures['import_s'] * 1000:8.1f} ms")
    print(f"  re-import, nothing changed               {figures['reimport_s'] * 1000:8.1f} ms")
    print(f"  baseline: bare executemany, same rows    {figures['bare_s'] * 1000:8.1f} ms "
          f"(import {figures['import_s'] / figures['bare_s']:.1f}x)")
    ok = figures["import_s"] <= 2.0 and figures["reimport_s"] <= 2.0
    print(f"{'PASS' if ok else 'FAIL'}  city data import of {figures['rows']:,.0f} rows ≤ 2 s: "
          f"{figures['import_s']:.2f} s (re-import {figures['reimport_s']:.2f} s)")
    return ok


def monthly_review_figures(store: Store, month: str, repeat: int = 5) -> dict[str, float]:
    """The monthly review as the laptop makes it, timed in its parts (medians of `repeat`): the
    one core read of the six-month window projected through the allowlist
    (`queries.review_records`), the one calculation (`monthly.monthly_review`), the tables and
    CSV zip, and, for the dialog and the meeting, the three charts and the PDF."""
    from cvi_desktop import monthly, report

    records = queries.review_records(store, month)
    review = monthly.monthly_review(records, month, as_of=store.now())
    figures = {
        "window incidents": float(len(records)),
        "window actions": float(sum(len(r["actions"]) for r in records)),
        "month incidents": float(review.total.incidents),
        "read + project (ms)": statistics.median(timed(lambda: queries.review_records(store, month), repeat)),
        "calculation (ms)": statistics.median(
            timed(lambda: monthly.monthly_review(records, month, as_of=store.now()), repeat)),
        "whole review, queries.monthly_review (ms)": statistics.median(
            timed(lambda: queries.monthly_review(store, month), repeat)),
        "tables + CSV zip (ms)": statistics.median(timed(lambda: report.as_zip(review), repeat)),
    }
    # CPU time of the same whole review: on a shared machine the wall time above also counts
    # the time other processes held the cores; this is what the review itself costs.
    cpu = []
    for _ in range(repeat):
        began = time.process_time()
        queries.monthly_review(store, month)
        cpu.append((time.process_time() - began) * 1000)
    figures["whole review, CPU time (ms)"] = statistics.median(cpu)
    try:
        from PySide6.QtCore import QCoreApplication

        from ui import charts
    except ImportError:  # matplotlib or Qt missing: the figures above still stand
        return figures
    _app = QCoreApplication.instance() or QCoreApplication([])  # the charts' translations
    figures["three charts to PNG (ms)"] = statistics.median(timed(lambda: charts.chart_images(review), 3))
    with tempfile.TemporaryDirectory() as folder:
        meta = charts.PdfMeta("Bench", store.now(), "")
        figures["meeting PDF (ms)"] = statistics.median(
            timed(lambda: charts.write_pdf(review, Path(folder) / "r.pdf", meta), 3))
    return figures


def report_monthly(figures: dict[str, float], month: str) -> bool:
    print(f"\nmonthly review of {month}: {figures['month incidents']:,.0f} incidents in the month, "
          f"{figures['window incidents']:,.0f} incidents and {figures['window actions']:,.0f} actions "
          "in its six-month window")
    for key, value in figures.items():
        if key.endswith("(ms)"):
            print(f"  {key:<44} {value:9.1f} ms")
    whole = figures["whole review, queries.monthly_review (ms)"]
    ok = whole <= 1000.0
    print(f"{'PASS' if ok else 'FAIL'}  monthly review at this size ≤ 1 s (read, project, calculate): "
          f"{whole / 1000:.2f} s wall, {figures['whole review, CPU time (ms)'] / 1000:.2f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--actions-per-incident", type=int, default=5)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--city-rows", type=int, default=3000, help="victim rows for the city import case")
    parser.add_argument("--city-only", action="store_true", help="run only the city data import case")
    parser.add_argument("--monthly-only", action="store_true",
                        help="run only the monthly review case (on the cached encrypted database)")
    args = parser.parse_args()
    if args.monthly_only:
        cache = Path(os.environ.get("CVI_BENCH_CACHE", "/tmp/cvi-bench"))
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="cvi-bench-"))
        try:
            shutil.copy(cached_db(cache, args.incidents, args.actions_per_incident, True), work / "m.db")
            with open_store(work / "m.db", True) as store:
                figures = monthly_review_figures(store, "2025-06")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        report_monthly(figures, "2025-06")
        print("\nJSON " + json.dumps({"monthly_review": figures}))
        return 0
    if args.city_only:
        work = Path(tempfile.mkdtemp(prefix="cvi-bench-"))
        try:
            figures = city_import_figures(work, args.city_rows)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        report_city(figures)
        print("\nJSON " + json.dumps({"city_import": figures}))
        return 0
    cache = Path(os.environ.get("CVI_BENCH_CACHE", "/tmp/cvi-bench"))
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cvi-bench-"))
    print(
        f"cvi-desktop store benchmark: {args.incidents:,} incidents, "
        f"{args.incidents * args.actions_per_incident:,} actions"
    )
    results: dict[str, dict[str, float]] = {}
    try:
        for encrypted in (True, False):
            label = "encrypted" if encrypted else "unencrypted"
            source = cached_db(cache, args.incidents, args.actions_per_incident, encrypted)
            copy = work / f"{label}.db"
            shutil.copy(source, copy)
            with open_store(copy, encrypted) as store:
                incident_id = store.scalar("SELECT id FROM incidents LIMIT 1")
                # Interleave baseline and service saves so background load hits both alike.
                saves, bares = [], []
                for _ in range(args.saves // 20):
                    bares += bare_insert_ms(store, incident_id, 20)
                    saves += save_ms(store, incident_id, 20)
                figures = {
                    "bare INSERT, same connection+table (ms p50)": statistics.median(bares),
                    "bare INSERT, same connection+table (ms p95)": pct(bares, 95),
                    "save action+audit+outbox (ms p50)": statistics.median(saves),
                    "save action+audit+outbox (ms p95)": pct(saves, 95),
                }
                figures.update(read_figures(store, "2025-06"))
                if encrypted:
                    monthly_figures = monthly_review_figures(store, "2025-06")
            results[label] = figures
        plain_bare = plain_sqlite_insert_ms(work, args.saves)
        city = city_import_figures(work, args.city_rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    enc, plain = results["encrypted"], results["unencrypted"]
    width = max(len(k) for k in enc)
    print(f"\n{'figure':<{width}}  {'encrypted':>10}  {'plain':>10}  {'enc/plain':>9}")
    for key in enc:
        print(f"{key:<{width}}  {enc[key]:>10.2f}  {plain[key]:>10.2f}  {enc[key] / plain[key]:>8.2f}x")
    bare_p50 = enc["bare INSERT, same connection+table (ms p50)"]
    bare_p95 = enc["bare INSERT, same connection+table (ms p95)"]
    plain_p50 = statistics.median(plain_bare)
    plain_p95 = pct(plain_bare, 95)
    print(f"{'plain sqlite3, empty table (ms p50/p95)':<{width}}  {plain_p50:>10.2f}  {plain_p95:>10.2f}")
    save_ratio = enc["save action+audit+outbox (ms p50)"] / bare_p50
    print(
        f"save vs bare insert: p50 {save_ratio:.2f}x, p95 "
        f"{enc['save action+audit+outbox (ms p95)'] / bare_p95:.2f}x (same encrypted store); "
        f"vs plain sqlite3 into an empty table {enc['save action+audit+outbox (ms p50)'] / plain_p50:.2f}x"
    )
    checks = [
        ("save ≤ 3× bare insert (p50)", save_ratio, 3.0, "x"),
        ("filtered list page ≤ 50 ms", enc["list page, filtered+sorted (ms p50)"], 50.0, " ms"),
        (
            "search ≤ 50 ms",
            max(enc["full-text search, RD prefix (ms p50)"], enc["full-text search, note word (ms p50)"]),
            50.0,
            " ms",
        ),
        ("monthly report ≤ 1 s", enc["monthly report (ms p50)"], 1000.0, " ms"),
    ]
    print()
    for name, value, limit, unit in checks:
        print(f"{'PASS' if value <= limit else 'MISS'}  {name}: {value:.2f}{unit}")
    report_monthly(monthly_figures, "2025-06")
    report_city(city)
    print(
        "\nJSON "
        + json.dumps(
            {
                "encrypted": enc,
                "unencrypted": plain,
                "bare_p50": bare_p50,
                "bare_p95": bare_p95,
                "save_ratio": save_ratio,
                "city_import": city,
                "monthly_review": monthly_figures,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
