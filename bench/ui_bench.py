"""UI benchmark: cold start with 100,000 incidents vs a bare PySide6 window, queue response to
filter/sort/search at that size, and resident memory. Prints figures and exits 0.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_bench.py

The seeded database is cached under /tmp (plain INSERTs in one `store.write()` transaction). Like a
profile in use, it has an outbox: every incident's own row and a response action for every
other incident, mostly acknowledged, some pending, a few quarantined, so the queue's sync
badges are measured against 150,000 outbox rows rather than an empty table.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "b3" * 32
# The file name carries the seed's shape and schema: change it when either changes.
CACHE = Path("/tmp/cvi-ui-bench/cvi-100k-outbox-m004b.db")
N = 100_000


def seed() -> Path:
    from cvi_desktop.clock import to_db
    from cvi_desktop.store import Store

    if CACHE.exists():
        return CACHE
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    tmp = CACHE.with_suffix(".tmp")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    store = Store(tmp, KEY)
    districts = ["001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012"]
    types = ["fatal_shooting", "nonfatal_shooting", "shots_fired_no_injury", "other"]
    statuses = ["new", "assigned", "responding", "closed", "closed", "closed"]
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    now = datetime(2026, 11, 1, tzinfo=UTC)

    def queue(db: object, seq_kind: str, record_id: str, incident_id: str, i: int, at: str) -> None:
        # Mostly acknowledged; every 50th pending, every 997th quarantined.
        state = "quarantined" if i % 997 == 0 else "pending" if i % 50 == 0 else "acknowledged"
        data = {"id": record_id, "incident_id": incident_id, "district": "011", "note": "x" * 200}
        payload = json.dumps({"kind": seq_kind, "id": record_id, "version": 1, "data": data})
        db.execute(  # type: ignore[attr-defined]
            "INSERT INTO outbox (audience, kind, record_id, version, payload, sha256, size, state, "
            "created_at, acknowledged_at, incident_id) VALUES ('org', ?, ?, 1, ?, '', ?, ?, ?, ?, ?)",
            [seq_kind, record_id, payload, len(payload), state, at,
             at if state == "acknowledged" else None, incident_id],
        )

    with store.write() as db:
        db.execute("INSERT INTO staff (id, display_name, role) VALUES ('w1', 'Worker One', 'worker')")
        for i in range(N):
            occurred = now - timedelta(minutes=7 * i)
            d = districts[i % len(districts)]
            db.execute(
                "INSERT INTO incidents (id, source, rd_number, incident_type, occurred_at, org_received_at, "
                "district, beat, location_type, block, victims_total, victims_fatal, victims_nonfatal, "
                "status, assignee, version, created_at, updated_at) "
                "VALUES (?, 'cpd', ?, ?, ?, ?, ?, ?, 'street', ?, 1, ?, ?, ?, ?, 1, ?, ?)",
                [
                    str(uuid.UUID(int=i)),
                    f"{letters[i % 22]}{letters[(i // 22) % 22]}{i % 1_000_000:06d}",
                    types[i % 4],
                    to_db(occurred),
                    to_db(occurred + timedelta(minutes=15)),
                    d,
                    d[1:] + "11",
                    f"{i % 9000} W MADISON ST",
                    int(i % 4 == 0),
                    int(i % 4 != 0),
                    statuses[i % 6],
                    "w1" if i % 3 else None,
                    to_db(occurred),
                    to_db(occurred),
                ],
            )
            incident_id = str(uuid.UUID(int=i))
            queue(db, "incident", incident_id, incident_id, i, to_db(occurred))
            if i % 2 == 0:
                queue(db, "response_action", str(uuid.UUID(int=N + i)), incident_id, i, to_db(occurred))
    store.close()
    tmp.rename(CACHE)
    print(f"seeded {N:,} incidents in {time.perf_counter() - started:.1f} s → {CACHE}")
    return CACHE


# The app's own start-up path (`show_main_window`): the window paints, then the store thread opens
# the 100,000-incident profile and reads the first page. Prints two times: to the first painted
# window (measured exactly as CHILD_BARE measures its window) and to the first page of rows painted.
CHILD_APP = r"""
import sys, time, os
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from ui.launcher import make_app, show_main_window
app = make_app(["bench"])
from ui.session import Session
def opener():
    from cvi_desktop.store import Store  # as the real opener does, on the store thread
    return Store({path!r}, {key!r})
session = Session("bench", opener=opener, actor="w1")
window = show_main_window(session, idle_timeout_s=0)
times = []
def painted():
    window.repaint()
    times.append(time.perf_counter() - t0)
    rows()
def rows():
    if window.queue.model.loaded() == 0:
        QTimer.singleShot(2, rows); return
    window.repaint()
    times.append(time.perf_counter() - t0)
    from ui.language import current_language
    print("language", current_language())
    print(" ".join(f"{{t:.4f}}" for t in times))
    window.close(); session.close(); app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""

CHILD_BARE = r"""
import time
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(["bare"])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1280, 820); w.show()
def painted():
    w.repaint(); print(f"{time.perf_counter() - t0:.4f}"); app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""


# A first run on a Spanish system: the app opens in Spanish (ui.language), with its translators
# and the core's catalog loaded before the first frame.
SPANISH = {"LANG": "es_US.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


def cold(code: str, env: dict[str, str] | None = None) -> list[float]:
    """One fresh interpreter running `code` (with `env` over this one's); the times it printed,
    in seconds."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
    )
    if env is SPANISH and "language es" not in out.stdout:
        raise SystemExit(f"the app did not open in Spanish: {out.stdout[-300:]!r} {out.stderr[-300:]!r}")
    return [float(t) for t in out.stdout.strip().splitlines()[-1].split()]


def cold_start(path: Path, runs: int = 5) -> tuple[float, float, float, float]:
    """(bare window, app window, app rows, app window in Spanish) in seconds, each the best of
    `runs`. The runs alternate, so a noisy machine slows all alike."""
    app_code = CHILD_APP.format(root=str(ROOT), path=str(path), key=KEY)
    # An installed app starts from compiled bytecode (pip and PyInstaller compile on install), as
    # PySide6 itself does here; a source checkout under PYTHONDONTWRITEBYTECODE would instead
    # recompile every ui module on each start. Compile once so both sides start alike.
    for package in ("ui", "sync", "cvi_desktop"):
        compileall.compile_dir(ROOT / package, quiet=1)
    bare, window, rows, spanish = [], [], [], []
    for _ in range(runs):
        bare.append(cold(CHILD_BARE)[0])
        shown, filled = cold(app_code)
        window.append(shown)
        rows.append(filled)
        spanish.append(cold(app_code, SPANISH)[0])
    return min(bare), min(window), min(rows), min(spanish)


def queue_timings(path: Path) -> dict[str, tuple[float, float | None]]:
    from PySide6.QtCore import QEventLoop, QTimer

    from cvi_desktop.store import Store
    from ui.launcher import make_app, wait_until
    from ui.main_window import MainWindow
    from ui.session import Session

    make_app(["bench"])
    session = Session("bench", opener=lambda: Store(path, KEY), actor="w1")
    session.open_blocking()
    window = MainWindow(session, idle_timeout_s=0)
    window.start()
    window.show()
    model = window.queue.model
    # Let the start-up work (first page, team, status bar) finish before timing anything.
    wait_until(lambda: model.total is not None and session.tasks.idle)

    def measure(change: object) -> tuple[float, float | None]:
        """(ms until the first page is in the model, ms until its count is; None when the count
        was kept, as on a re-sort or a next page)."""
        loop = QEventLoop()
        page: list[float] = []
        count: list[float] = []
        start = time.perf_counter()

        def check() -> None:
            # Done once the page is in and no count is outstanding (`total` is None while one is).
            if page and (count or model.total is not None):
                loop.quit()

        def loaded(_n: int) -> None:
            page.append(time.perf_counter() - start) if not page else None
            check()

        def counted(_n: int) -> None:
            count.append(time.perf_counter() - start) if not count else None
            check()

        model.page_loaded.connect(loaded)
        model.total_changed.connect(counted)
        QTimer.singleShot(10_000, loop.quit)
        change()  # type: ignore[operator]
        loop.exec()
        model.page_loaded.disconnect(loaded)
        model.total_changed.disconnect(counted)
        if not page:
            raise RuntimeError("no page arrived within 10 s")
        return page[0] * 1000, (count[0] * 1000 if count else None)

    measure(lambda: model.set_filter(replace(model.filter, statuses=())))
    f = model.filter
    results = {
        "filter status=new": measure(lambda: model.set_filter(replace(f, statuses=("new",)))),
        "filter district=011": measure(lambda: model.set_filter(replace(f, districts=("011",)))),
        "filter type+assignee": measure(
            lambda: model.set_filter(replace(f, types=("fatal_shooting",), assignee="w1"))
        ),
        "no filter (all 100k)": measure(lambda: model.set_filter(f)),
        "sort by RD number": measure(
            lambda: model.set_filter(replace(f, sort="rd_number", descending=False))
        ),
        "sort by district": measure(lambda: model.set_filter(replace(f, sort="district"))),
        "sort by received": measure(lambda: model.set_filter(replace(f, sort="received"))),
        "search 'MADISON 4217'": measure(lambda: model.set_filter(replace(f, search="4217 MADISON"))),
        "search RD 'BC0000'": measure(lambda: model.set_filter(replace(f, search="BC0000"))),
    }
    # The next page of the whole queue (not of the last search, which fits on one page).
    measure(lambda: model.set_filter(f))
    if not model.canFetchMore():
        raise RuntimeError("the unfiltered queue should have more than one page")
    results["next page (fetchMore)"] = measure(model.fetchMore)
    total = model.total
    window.close()
    session.close()
    results["_total"] = (float(total or 0), None)
    return results


def main() -> int:
    path = seed()
    bare, app, rows, spanish = cold_start(path)
    print(
        f"cold start to first painted window: app {app * 1000:.0f} ms, bare PySide6 {bare * 1000:.0f} ms, "
        f"ratio {app / bare:.2f}x (target ≤ 1.5x, ≤ 1000 ms)"
    )
    print(f"  the same in Spanish (translators and the core's catalog loaded): {spanish * 1000:.0f} ms, "
          f"ratio {spanish / bare:.2f}x")
    print(f"cold start to the first page of {N:,} incidents painted: {rows * 1000:.0f} ms "
          f"({rows / bare:.2f}x bare)")
    timings = queue_timings(path)
    print(f"queue at {N:,} incidents, 150,000 outbox rows (target ≤ 100 ms to the first page):")
    print(f"  {'':<24} {'first page':>10}  {'count':>8}")
    for name, (page_ms, count_ms) in timings.items():
        if not name.startswith("_"):
            counted = f"{count_ms:6.1f} ms" if count_ms is not None else "    (kept)"
            print(f"  {name:<24} {page_ms:7.1f} ms  {counted}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resident memory (peak, this process): {rss_mb:.0f} MB (target ≤ 300 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
