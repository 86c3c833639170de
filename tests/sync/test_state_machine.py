"""A hypothesis state machine over the real engine, hub and proxy (sync.md): rules record, edit,
sync step, set fault, crash and restart, hub reassign, hub edit, clock jump, edit after a lost
answer, and kill -9 after the hub's commit then edit (a real engine subprocess, as in
test_crash.py). I4 and I5 are checked after every step; at the end every fault is healed, the
queue drains, and I1–I3 hold; I1 also on the hub's latest versions, and every conflict left
must be a real one (the hub holds a version some other writer made).

Bounded so the whole run stays well under a minute: few examples, short programs, a 0.3 s read
time-out for the stalled-link fault.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cvi_desktop import outbox
from cvi_desktop.clock import ManualClock
from cvi_desktop.services import casework, incidents, people
from cvi_desktop.store import Store
from sync.credentials import set_token
from sync.hub import admin
from tests.conftest import TEST_KEY
from tests.sync import helpers as h
from tests.sync import latest
from tests.sync.conftest import Device, Team, make_engine
from tests.sync.proxy import Proxy

PUSH = b"POST /v1/sync/push"
FAULTS = ["none", "refuse", "stall", "cut_response", "reset_request", "500", "429", "omit", "garble"]
# Quarantine reasons a correct engine may produce in this game: real conflicts with hub edits.
EXPECTED_REASONS = ("conflict", "rejected:hub_owned")
REFERRAL_STATUSES = ["connected", "declined", "closed", "made"]
ROOT = Path(__file__).resolve().parents[2]
# A real kill -9 costs a process start; once per program is enough to mix it with the rest.
MAX_KILLS = 1


def killed_after_hub_commit(db: Path, url: str, token: str) -> subprocess.CompletedProcess[str]:
    """One engine pass in a subprocess, killed (SIGKILL) after the hub answered a push and
    before the laptop recorded the answer."""
    env = {**os.environ, "CVI_TEST_TOKEN": token, "CVI_SYNC_CRASH_AT": "after_push_before_ack"}
    return subprocess.run([sys.executable, "-m", "tests.sync.run_engine", "sync", str(db), url],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.timeout(120)
def test_sync_state_machine(hub, tmp_path, store_template, memory_keyring) -> None:
    counter = iter(range(10_000))

    class SyncGame(RuleBasedStateMachine):
        @initialize()
        def setup(self) -> None:
            n = next(counter)
            org = f"sm{uuid.uuid4().hex[:8]}"
            admin.create_org(hub.db, org, org)
            admin.add_coverage(hub.db, org, "011")
            self.team = Team(org, "011", {"sup": admin.create_token(hub.db, "supervisor", org_id=org,
                                                                    staff_id="sup1")})
            for staff in ("w1", "w2"):  # the hub checks assignees against its staff list
                admin.add_staff(hub.db, org, staff, staff)
            set_token("sup", self.team.tokens["sup"])
            self.proxy = Proxy(hub.server.port)
            self.path = tmp_path / f"sm{n}" / "cvi.db"
            self.path.parent.mkdir()
            shutil.copy(store_template, self.path)
            self.clock = ManualClock(h.datetime_start())
            self._open()
            people.add_staff(self.store, {"id": "sup1", "display_name": "Sup", "role": "supervisor"})
            for staff in ("w1", "w2"):
                people.add_staff(self.store, {"id": staff, "display_name": staff, "role": "worker"})
            self.mono = h.Monotonic(self.store)
            self.hub_incidents: list[str] = []
            self.kills = 0
            self.edits = 0

        def _open(self) -> None:
            self.store = Store(self.path, TEST_KEY, clock=self.clock, actor="sup1")
            self.events: list = []
            self.engine = make_engine(self.store, self.proxy.url, "sup", self.events, read_timeout=0.3)
            self.device = Device(self.store, self.engine, self.events, self.clock, "sup")

        def local_incidents(self) -> list[str]:
            return [r["id"] for r in self.store.rows("SELECT id FROM incidents ORDER BY id")]

        @rule(with_canary=st.booleans())
        def record(self, with_canary: bool) -> None:
            ids = self.local_incidents()
            if not ids or with_canary:
                h.new_incident(self.store)
            else:
                h.log_action(self.store, ids[0])

        @rule(pick=st.integers(0, 5), how=st.sampled_from(["assign", "status", "referral"]))
        def edit(self, pick: int, how: str) -> None:
            ids = self.local_incidents()
            if not ids:
                return
            incident = ids[pick % len(ids)]
            if how == "assign":
                incidents.assign(self.store, incident, ["w1", "w2"][pick % 2])
            elif how == "status":
                incidents.set_status(self.store, incident, "responding")
            else:
                ref = casework.add_referral(self.store, {"incident_id": incident, "category": "legal"})
                casework.update_referral(self.store, ref, status="connected")

        def _shared_record(self, kind: str) -> str | None:
            """A referral (made here if none) or a self-found incident of this laptop."""
            ids = self.local_incidents()
            if kind == "incident":
                own = self.store.rows("SELECT id FROM incidents WHERE source != 'cpd' ORDER BY id")
                return own[0]["id"] if own else None
            found = self.store.rows("SELECT id FROM referrals ORDER BY id")
            if found:
                return str(found[0]["id"])
            if not ids:
                return None
            return casework.add_referral(self.store, {"incident_id": ids[0], "category": "legal"})

        def _edit_again(self, kind: str, record_id: str) -> None:
            self.edits += 1
            if kind == "incident":
                incidents.set_status(self.store, record_id, ["responding", "closed"][self.edits % 2])
            else:
                casework.update_referral(self.store, record_id,
                                         status=REFERRAL_STATUSES[self.edits % len(REFERRAL_STATUSES)])

        @rule(kind=st.sampled_from(["referral", "incident"]))
        def edit_after_lost_answer(self, kind: str) -> None:
            # The hub commits the edit, the answer is lost; the worker edits again.
            record_id = self._shared_record(kind)
            if record_id is None:
                return
            self._edit_again(kind, record_id)
            self.heal()
            self.proxy.add("cut_response", match=PUSH)
            self.engine.sync_once("step")
            self.heal()
            self._edit_again(kind, record_id)

        @precondition(lambda self: getattr(self, "kills", MAX_KILLS) < MAX_KILLS)
        @rule(kind=st.sampled_from(["referral", "incident"]))
        def kill_after_hub_commit_then_edit(self, kind: str) -> None:
            record_id = self._shared_record(kind)
            if record_id is None:
                return
            self.kills += 1
            self._edit_again(kind, record_id)
            self.heal()
            self.engine.client.close()
            self.store.close()
            done = killed_after_hub_commit(self.path, self.proxy.url, self.team.tokens["sup"])
            assert done.returncode == -signal.SIGKILL, done.stderr
            self._open()
            self.mono.store = self.store
            self._edit_again(kind, record_id)

        @rule()
        def sync_step(self) -> None:
            self.engine.sync_once("step")

        @rule(fault=st.sampled_from(FAULTS))
        def set_fault(self, fault: str) -> None:
            self.heal()
            if fault == "refuse":
                self.proxy.refuse()
            elif fault in ("stall", "cut_response", "reset_request"):
                self.proxy.add(fault, match=PUSH, after=200)
            elif fault == "500":
                hub.server.faults.fail_next(status=500, times=2)
            elif fault == "429":
                hub.server.faults.retry_after(1, status=429)
            elif fault == "omit":
                ids = [r["record_id"] for r in self.store.rows("SELECT record_id FROM outbox LIMIT 3")]
                hub.server.faults.omit_results(*ids)
            elif fault == "garble":
                hub.server.faults.garble_next()

        @rule()
        def crash_and_restart(self) -> None:
            # A kill -9 mid-send leaves rows `sending` and loses everything in memory.
            due = [r["seq"] for r in outbox.due(self.store, 5)]
            outbox.mark_sending(self.store, due)
            self.engine.client.close()
            self.store.close()
            self._open()
            self.mono.store = self.store

        @rule(assignee=st.sampled_from(["w1", "w2"]))
        def hub_reassign(self, assignee: str) -> None:
            if self.hub_incidents:
                h.hub_assign(hub.url, self.team.tokens["sup"], self.hub_incidents[-1], assignee)

        @rule(new=st.booleans())
        def hub_edit(self, new: bool) -> None:
            if new or not self.hub_incidents:
                self.hub_incidents.append(h.notify(hub.url, hub.cpd))
                return
            requests.put(f"{hub.url}/v1/cpd/notifications/{self.hub_incidents[-1]}", timeout=10,
                         headers={"Authorization": f"Bearer {hub.cpd}"},
                         json={"incident_type": "fatal_shooting", "occurred_at": "2026-11-01T17:00:00+00:00",
                               "district": "011", "victims_fatal": 1}).raise_for_status()

        @rule(days=st.sampled_from([-1, 1, 365, -365]))
        def clock_jump(self, days: int) -> None:
            self.clock.advance(days=days)

        @invariant()
        def private_and_monotonic(self) -> None:
            if hasattr(self, "proxy"):
                h.check_i4_private(self.proxy.sent, self.proxy.received)
                self.mono.check()

        def heal(self) -> None:
            self.proxy.heal()
            hub.server.faults.clear()

        def check_conflicts_are_real(self) -> None:
            """A conflict left in quarantine needs a version on the hub that another writer made
            (here: the hub itself; this laptop is the only device). One against the laptop's
            own versions is the false conflict of issue 8."""
            rows = h.hub_rows(hub.db, self.team.org)
            mine = {r["token_id"] for r in rows if r["origin"] == "device"}
            assert len(mine) <= 1, mine
            for row in outbox.quarantined(self.store):
                if row["last_error"].startswith("conflict"):
                    others = [r for r in rows if r["id"] == row["record_id"] and r["origin"] != "device"]
                    assert others, f"false conflict with this laptop's own version: {row}"

        def teardown(self) -> None:
            if not hasattr(self, "proxy"):
                return
            try:
                self.heal()
                h.drain(self.device, passes=8)
                expected = set()
                for row in outbox.quarantined(self.store):
                    assert row["last_error"].startswith(EXPECTED_REASONS), row["last_error"]
                    expected.add(row["record_id"])
                # I1 for everything else; a record with a settled conflict is on the hub at its latest.
                latest_quarantined = {
                    r["record_id"] for r in self.store.rows(
                        "SELECT o.record_id FROM outbox o WHERE o.state = 'quarantined' AND o.version = "
                        "(SELECT max(version) FROM outbox i WHERE i.record_id = o.record_id "
                        "AND i.kind = o.kind AND i.audience = o.audience)")}
                h.check_i1_no_loss(self.store, hub.db, self.team.org, latest_quarantined,
                                   allow_older_quarantined=expected - latest_quarantined)
                latest.check_i1_latest(self.store, hub.db, self.team.org, skip=latest_quarantined)
                self.check_conflicts_are_real()
                h.check_i2_no_duplicates(hub.db)
                h.check_i3_drained(self.store)
                h.check_i4_private(self.proxy.sent, self.proxy.received)
            finally:
                self.engine.client.close()
                self.store.close()
                self.proxy.close()

    run_state_machine_as_test(SyncGame, settings=settings(
        max_examples=30, stateful_step_count=30, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
