"""Times people type are Chicago time, whatever zone the laptop's clock is set to.

Qt and Python read the TZ variable once, at start-up, so the check runs in a fresh pytest
process per zone (`TZ=UTC`, `TZ=Asia/Tokyo`) on `tz_probe.py`, which types "14:09" into the
follow-up picker and "11:09" into the response form, saves both through the real window and
store, and reads back what was stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("tz_probe.py")


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_typed_times_are_chicago_time_in(zone: str) -> None:
    env = dict(os.environ, TZ=zone, QT_QPA_PLATFORM="offscreen", CVI_TZ_PROBE=zone)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{PROBE.relative_to(ROOT)}::test_typed_times_in_this_process"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=110,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout, done.stdout[-2000:]
