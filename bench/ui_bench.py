"""UI benchmark: cold start with 100,000 incidents vs a bare PySide6 window, queue response to
filter/sort/search at that size, and resident memory. Prints figures and exits 0.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui_bench.py

The seeded database is cached under /tmp (plain INSERTs in one `store.write()` transaction).
"""

from __future__ import annotations

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
CACHE = Path("/tmp/cvi-ui-bench/cvi-100k.db")
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
    store.close()
    tmp.rename(CACHE)
    print(f"seeded {N:,} incidents in {time.perf_counter() - started:.1f} s → {CACHE}")
    return CACHE


CHILD_APP = r"""
import sys, time, os
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from ui.launcher import make_app
app = make_app(["bench"])
from cvi_desktop.store import Store
from ui.main_window import MainWindow
from ui.session import Session
session = Session("bench", opener=lambda: Store({path!r}, {key!r}), actor="w1")
session.open(on_success=lambda _r: None)
window = MainWindow(session, idle_timeout_s=0)
window.start()
window.show()
def painted():
    if window.queue.model.total is None:
        QTimer.singleShot(5, painted); return
    window.repaint()
    print(f"{{time.perf_counter() - t0:.4f}}")
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


def cold(code: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return min(times)


def queue_timings(path: Path) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from cvi_desktop.store import Store
    from ui.launcher import make_app
    from ui.main_window import MainWindow
    from ui.session import Session

    make_app(["bench"])
    session = Session("bench", opener=lambda: Store(path, KEY), actor="w1")
    session.open_blocking()
    window = MainWindow(session, idle_timeout_s=0)
    window.start()
    window.show()
    model = window.queue.model

    def measure(change: object) -> float:
        loop = QEventLoop()
        done: list[float] = []
        start = time.perf_counter()

        def loaded(_n: int) -> None:
            if not done:
                done.append(time.perf_counter() - start)
                loop.quit()

        model.page_loaded.connect(loaded)
        QTimer.singleShot(10_000, loop.quit)
        change()  # type: ignore[operator]
        loop.exec()
        model.page_loaded.disconnect(loaded)
        return done[0] * 1000 if done else float("inf")

    measure(lambda: model.set_filter(replace(model.filter, statuses=())))
    f = model.filter
    results = {
        "filter status=new": measure(lambda: model.set_filter(replace(f, statuses=("new",)))),
        "filter district=011": measure(lambda: model.set_filter(replace(f, districts=("011",)))),
        "filter type+assignee": measure(
            lambda: model.set_filter(replace(f, types=("fatal_shooting",), assignee="w1"))
        ),
        "sort by RD number": measure(
            lambda: model.set_filter(replace(f, sort="rd_number", descending=False))
        ),
        "sort by district": measure(lambda: model.set_filter(replace(f, sort="district"))),
        "search 'MADISON 4217'": measure(lambda: model.set_filter(replace(f, search="4217 MADISON"))),
        "search RD 'BC0000'": measure(lambda: model.set_filter(replace(f, search="BC0000"))),
        "next page (fetchMore)": measure(model.fetchMore),
    }
    total = model.total
    window.close()
    session.close()
    results["_total"] = float(total or 0)
    return results


def main() -> int:
    path = seed()
    bare = cold(CHILD_BARE)
    app = cold(CHILD_APP.format(root=str(ROOT), path=str(path), key=KEY))
    print(
        f"cold start to first painted window: app {app * 1000:.0f} ms, bare PySide6 {bare * 1000:.0f} ms, "
        f"ratio {app / bare:.2f}x (target ≤ 1.5x)"
    )
    timings = queue_timings(path)
    print(f"queue at {N:,} incidents (time until the first page is on screen; target ≤ 100 ms):")
    for name, ms in timings.items():
        if not name.startswith("_"):
            print(f"  {name:<24} {ms:7.1f} ms")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resident memory (peak, this process): {rss_mb:.0f} MB (target ≤ 300 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
