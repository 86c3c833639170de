"""A real engine process for the kill -9 tests: `python -m tests.sync.run_engine MODE DB URL`.

The hub token comes in `CVI_TEST_TOKEN` (never argv); `CVI_SYNC_CRASH_AT` names a crash point
in the engine (see `sync.engine.core.crash_point`). Modes:
- sync: one full pass (batch size from CVI_TEST_BATCH), exit 0 when it succeeded;
- log_action INCIDENT: save one response action, killed between the domain row and its outbox row;
- hold_lock: take the profile's sync lock, print "locked", then wait to be killed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from cvi_desktop import outbox
from cvi_desktop.services import responses
from cvi_desktop.store import Store
from sync.client import HubClient
from sync.engine import SyncEngine
from sync.lock import ProfileLock
from tests.conftest import TEST_KEY


def main() -> int:
    mode, db = sys.argv[1], Path(sys.argv[2])
    store = Store(db, TEST_KEY, actor="subprocess")
    if mode == "hold_lock":
        with ProfileLock.for_database(db):
            print("locked", flush=True)
            time.sleep(60)
        return 0
    if mode == "log_action":
        def die(*args: object, **kwargs: object) -> int:
            os.kill(os.getpid(), signal.SIGKILL)  # the domain row is written, the outbox row not
            return 0

        outbox.enqueue = die  # type: ignore[assignment]
        responses.log_action(store, {"incident_id": sys.argv[3], "action_type": "scene",
                                     "started_at": store.now().isoformat(), "outcome": "completed"})
        return 1
    token = os.environ["CVI_TEST_TOKEN"]
    client = HubClient(sys.argv[3], lambda: token)
    with ProfileLock.for_database(db):
        engine = SyncEngine(store, client, batch_size=int(os.environ.get("CVI_TEST_BATCH", "200")))
        report = engine.sync_once("subprocess")
    print(f"done {report.acknowledged} {report.error}", flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
