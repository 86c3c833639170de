"""The fault matrix of sync.md, rows 1–16, 24–27: inject over loopback, heal, drain, check I1–I5.

Network faults go through the recording proxy (tests/sync/proxy.py); hub misbehaviour through
the hub's fault plan. No test sleeps: retry times are read from the engine and the manual
clock is moved past them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from cvi_desktop import outbox
from cvi_desktop.services import incidents
from sync import client as c
from sync.credentials import set_token
from sync.engine import conflicts
from sync.engine import events as ev
from tests.sync import helpers as h
from tests.sync import latest

PUSH = b"POST /v1/sync/push"


def waiting(device) -> int:
    counts = outbox.counts(device.store)
    return counts["pending"] + counts["sending"]


def action_row(device, offset: int) -> dict:
    return device.store.one(
        "SELECT * FROM outbox WHERE kind = 'response_action' ORDER BY seq LIMIT 1 OFFSET ?", [offset])


def last(device, kind):
    found = [e for e in device.events if isinstance(e, kind)]
    return found[-1] if found else None


# --- rows 1–5: the network ------------------------------------------------------------------


def test_row01_hub_down_then_back(device, hub, team, proxy) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    proxy.refuse()
    report = device.sync()
    assert isinstance(report.error, c.HubUnreachable)
    assert device.engine.state == "offline"
    offline = last(device, ev.Offline)
    assert offline is not None and offline.retry_at > device.clock()
    assert "Offline — will retry" in device.engine.status().text()
    assert outbox.counts(device.store)["acknowledged"] == 0
    mono.check()
    proxy.heal()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


def test_row02_no_answer_read_timeout(device, hub, team, proxy) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    device.engine.client.timeouts = c.Timeouts(connect=1.0, read=0.5)
    proxy.add("stall", match=PUSH)
    report = device.sync()
    assert isinstance(report.error, c.HubTimeout) and report.error.unknown_outcome
    assert waiting(device) > 0
    mono.check()
    proxy.heal()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


@pytest.mark.parametrize("after", [0, 12])
def test_row03_reply_lost_after_commit(device, hub, team, proxy, after) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    proxy.add("cut_response", match=PUSH, after=after)
    report = device.sync()
    assert isinstance(report.error, c.ConnectionCut | c.GarbledResponse | c.ProtocolError), report.error
    # The hub committed the batch although the device never heard: it resends the same keys.
    assert len(h.hub_rows(hub.db, team.org)) > 0
    assert outbox.counts(device.store)["acknowledged"] == 0
    proxy.heal()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)
    latest.check_i1_latest(device.store, hub.db, team.org)


def test_row04_request_cut_mid_upload(device, hub, team, proxy) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    proxy.add("reset_request", match=PUSH, after=400)
    report = device.sync()
    assert isinstance(report.error, c.ConnectionCut | c.HubUnreachable), report.error
    assert report.error.transient
    proxy.heal()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


def test_row05_slow_link_big_batch(device, hub, team, proxy) -> None:
    h.seed(device.store, incidents_n=6, actions_per=10)
    mono = h.Monotonic(device.store)
    device.engine.client.timeouts = c.Timeouts(connect=2.0, read=5.0)
    proxy.add("delay", match=PUSH, seconds=0.05, times=5)
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


# --- rows 6–10: the hub answers with an error --------------------------------------------------


def test_row06_500_several_times_then_ok(device, hub, team, proxy) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    hub.server.faults.fail_next(status=500, times=3)
    delays = []
    for _ in range(3):
        now = device.clock()
        report = device.sync()
        assert isinstance(report.error, c.HubServerError)
        delays.append((report.retry_at - now).total_seconds())
        mono.check()
    # Full jitter with the draw pinned at 0.5: half of 2, 4, 8 seconds.
    assert delays == [1.0, 2.0, 4.0]
    h.drain(device)
    assert device.engine.timer.failures == 0
    h.check_all(device, hub, team, proxy, mono)


@pytest.mark.parametrize("status", [429, 503])
def test_row07_busy_with_retry_after(device, hub, team, proxy, status) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    hub.server.faults.retry_after(120, status=status)
    now = device.clock()
    report = device.sync()
    assert isinstance(report.error, c.HubBusy)
    assert report.retry_at == now + timedelta(seconds=120)
    assert not device.engine.timer.due()
    device.clock.advance(seconds=120)
    assert device.engine.timer.due()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


def test_row08_token_expires_mid_backlog(device, hub, team, proxy) -> None:
    h.seed(device.store, incidents_n=3)
    mono = h.Monotonic(device.store)
    device.engine.batch_size = 4
    hub.server.faults.unauthorized_after(pushes=2, times=None)
    report = device.sync()
    assert isinstance(report.error, c.SignInNeeded)
    assert device.engine.state == "sign_in_needed"
    assert isinstance(last(device, ev.SignInNeeded), ev.SignInNeeded)
    assert device.engine.status().text() == "Sign-in needed"
    assert outbox.counts(device.store)["acknowledged"] == 8  # two batches went through
    # The refused batch is back in the queue, and the 401 did not count as an attempt.
    assert device.store.scalar("SELECT max(attempts) FROM outbox WHERE state = 'pending'") == 0
    mono.check()
    hub.server.faults.clear()  # the person signs in again
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


def test_row09_sign_in_cannot_be_renewed(device, hub, team, proxy) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    set_token("sup", "cvi_not-a-valid-token")
    for _ in range(3):
        report = device.sync()
        assert isinstance(report.error, c.SignInNeeded)
        assert report.retry_at is None  # no backoff loop against a dead token
        mono.check()
    assert device.store.scalar("SELECT max(attempts) FROM outbox") == 0
    assert waiting(device) > 0
    assert b"cvi_not-a-valid-token" not in str(report.error).encode()
    set_token("sup", team.tokens["sup"])
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


def test_row10_user_deactivated(device, hub, team, proxy) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    hub.server.faults.forbid()
    report = device.sync()
    assert isinstance(report.error, c.AccessDenied)
    assert device.engine.state == "paused" and isinstance(last(device, ev.Paused), ev.Paused)
    assert waiting(device) > 0
    hub.server.faults.clear()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


# --- rows 11–16: bad records and bad answers ---------------------------------------------------


def test_row11_one_invalid_record_in_50(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    for _ in range(49):
        h.log_action(device.store, incident)
    bad = action_row(device, 20)
    h.tamper(device.store, bad["seq"], lambda p: p["data"].update(staff_count=0))
    mono = h.Monotonic(device.store)
    h.drain(device)
    row = device.store.one("SELECT * FROM outbox WHERE seq = ?", [bad["seq"]])
    assert row["state"] == "quarantined" and row["last_error"].startswith("rejected:invalid")
    assert "staff_count" in row["last_error"]
    q = last(device, ev.RecordQuarantined)
    assert q.record_id == bad["record_id"] and q.reason == "rejected:invalid"
    h.check_all(device, hub, team, proxy, mono, {bad["record_id"]})
    # Retry (same frozen payload) is refused again and stays quarantined, never blocking others.
    outbox.retry_quarantined(device.store, bad["seq"])
    h.drain(device)
    assert device.store.scalar("SELECT state FROM outbox WHERE seq = ?", [bad["seq"]]) == "quarantined"


def test_row12_poison_record_bisected(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    ids = [h.log_action(device.store, incident) for _ in range(31)]
    poison = ids[17]
    hub.server.faults.poison(poison)
    mono = h.Monotonic(device.store)
    start = proxy.requests
    h.drain(device)
    pushes = proxy.sent.count(PUSH)
    assert pushes <= 2 * 6 + 2, f"bisection used {pushes} pushes"
    assert proxy.requests - start < 30
    row = device.store.one("SELECT * FROM outbox WHERE record_id = ?", [poison])
    assert row["state"] == "quarantined" and row["last_error"].startswith("bad_request")
    h.check_all(device, hub, team, proxy, mono, {poison})


def test_row13_payload_too_large(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    for _ in range(20):
        h.log_action(device.store, incident)
    big = action_row(device, 5)
    h.tamper(device.store, big["seq"], lambda p: p["data"].update(staff_ids=["x" * 60] * 80))
    hub.server.faults.limit_body(3000)
    mono = h.Monotonic(device.store)
    h.drain(device)
    assert device.engine.batch_size < 21  # it learned to send smaller batches
    row = device.store.one("SELECT * FROM outbox WHERE seq = ?", [big["seq"]])
    assert row["state"] == "quarantined" and row["last_error"].startswith("too_large")
    h.check_all(device, hub, team, proxy, mono, {big["record_id"]})


def test_row14_results_missing_for_some(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    ids = [h.log_action(device.store, incident) for _ in range(10)]
    hub.server.faults.omit_results(ids[2], ids[7])
    mono = h.Monotonic(device.store)
    report = device.sync()
    assert report.ok
    left = {r["record_id"] for r in device.store.rows("SELECT record_id FROM outbox WHERE state = 'pending'")}
    assert left == {ids[2], ids[7]}
    mono.check()
    hub.server.faults.clear()
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


@pytest.mark.parametrize("mode", ["truncate", "invalid"])
def test_row15_garbled_200(device, hub, team, proxy, mode) -> None:
    h.seed(device.store)
    mono = h.Monotonic(device.store)
    hub.server.faults.garble_next(mode=mode)
    report = device.sync()
    assert isinstance(report.error, c.GarbledResponse) and report.error.transient
    assert outbox.counts(device.store)["acknowledged"] == 0
    h.drain(device)
    h.check_all(device, hub, team, proxy, mono)


def test_row16_same_key_changed_content(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    action = h.log_action(device.store, incident)
    h.drain(device)
    row = device.store.one("SELECT * FROM outbox WHERE record_id = ?", [action])
    mono = h.Monotonic(device.store)
    h.tamper(device.store, row["seq"], lambda p: p["data"].update(outcome="partial"))
    with device.store.write() as db:  # a buggy device re-queues the same key with new content
        db.execute("UPDATE outbox SET state = 'pending' WHERE seq = ?", [row["seq"]])
    mono.acked.discard(row["seq"])
    h.drain(device)
    row = device.store.one("SELECT * FROM outbox WHERE seq = ?", [row["seq"]])
    assert row["state"] == "quarantined" and row["last_error"].startswith("rejected:key_reuse")
    h.check_all(device, hub, team, proxy, None, {action})


# --- rows 24–27: clocks, cursors, concurrent work ----------------------------------------------


def test_row24_clock_jumps(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    ids = [h.log_action(device.store, incident) for _ in range(5)]
    mono = h.Monotonic(device.store)
    hub.server.faults.omit_results(ids[1])
    device.clock.advance(days=365)  # a year ahead: everything still goes
    assert device.sync().ok
    hub.server.faults.clear()
    device.clock.advance(days=-366)  # and a day behind where it started
    # The retry time stored a year ahead is beyond the cap now, so it counts as due at once.
    assert device.sync().ok
    h.check_all(device, hub, team, proxy, mono)
    # And the scheduler's own timer is not stranded by a jump back either.
    device.engine.timer.failed()
    device.clock.advance(days=-1)
    assert device.engine.timer.due()


def test_row25_cursor_expired_full_repull(device, hub, team, proxy) -> None:
    from sync.hub import admin
    first = h.notify(hub.url, hub.cpd)
    assert device.sync().ok
    cursor_before = device.engine.cursor()
    second = h.notify(hub.url, hub.cpd)
    admin.expire_cursors(hub.db)
    incident = h.new_incident(device.store)
    unsent = h.log_action(device.store, incident)
    hub.server.faults.omit_results(unsent)  # still unsent while the re-pull runs
    report = device.sync()
    assert report.ok, report.error
    assert device.engine.cursor() != cursor_before
    for known in (first, second):
        assert device.store.one("SELECT id FROM incidents WHERE id = ?", [known])
    row = device.store.one("SELECT * FROM outbox WHERE record_id = ?", [unsent])
    assert row["state"] == "pending"  # the re-pull did not touch it
    assert device.store.one("SELECT id FROM response_actions WHERE id = ?", [unsent])
    hub.server.faults.clear()
    h.drain(device)
    h.check_all(device, hub, team, proxy)


def test_row26_reassigned_while_offline(hub, team, proxy, make_device) -> None:
    worker = make_device("w1")  # a worker's laptop, with the staff token
    incident = h.notify(hub.url, hub.cpd)
    h.hub_assign(hub.url, team.tokens["sup"], incident, "w1")
    assert worker.sync().ok
    assert worker.store.one("SELECT assignee FROM incidents WHERE id = ?", [incident])["assignee"] == "w1"
    proxy.refuse()
    action = h.log_action(worker.store, incident, staff="w1")  # offline at the hospital
    assert not worker.sync().ok
    h.hub_assign(hub.url, team.tokens["sup"], incident, "w2")  # meanwhile, reassigned
    proxy.heal()
    h.drain(worker)
    flagged = [r for r in h.hub_rows(hub.db, team.org) if r["id"] == action]
    assert flagged and flagged[0]["flag"] == "incident_reassigned"  # accepted, flagged, not lost
    assert worker.store.one("SELECT assignee FROM incidents WHERE id = ?", [incident])["assignee"] == "w2"
    h.check_all(worker, hub, team, proxy)


@pytest.mark.parametrize("local_edit", ["assign", "status"])
def test_row27_concurrent_edit_is_a_visible_conflict(device, hub, team, proxy, local_edit) -> None:
    from cvi_desktop.services import people
    for staff in ("w1", "w2"):
        people.add_staff(device.store, {"id": staff, "display_name": staff, "role": "worker"})
    incident = h.notify(hub.url, hub.cpd)
    assert device.sync().ok
    h.hub_assign(hub.url, team.tokens["sup"], incident, "w2")  # the hub moves on to v2
    if local_edit == "assign":  # same field
        incidents.assign(device.store, incident, "w1")
    else:  # a different field, from the same stale base
        incidents.set_status(device.store, incident, "closed")
    mono = h.Monotonic(device.store)
    assert device.sync().ok
    found = conflicts(device.store)
    assert len(found) == 1 and found[0]["record_id"] == incident
    assert found[0]["hub"]["current_version"] == 2 and found[0]["hub"]["current"]["assignee"] == "w2"
    assert last(device, ev.RecordQuarantined).reason == "conflict"
    # Never a silent overwrite: the hub still has its version; the local edit is kept as data.
    hub_current = max((r for r in h.hub_rows(hub.db, team.org) if r["id"] == incident),
                      key=lambda r: r["version"])
    assert hub_current["origin"] == "hub" and '"w2"' in hub_current["data"]
    mono.check()
    # Edit: the person re-applies their change on top of the hub's version; it goes through.
    incidents.assign(device.store, incident, "w1")
    h.drain(device)
    hub_current = max((r for r in h.hub_rows(hub.db, team.org) if r["id"] == incident),
                      key=lambda r: r["version"])
    assert hub_current["version"] == 3 and '"w1"' in hub_current["data"]
    assert not outbox.quarantined(device.store)  # the accepted edit settled the old conflict
    h.check_all(device, hub, team, proxy)
    latest.check_i1_latest(device.store, hub.db, team.org)


# --- edit after a lost answer (issue 8, point 1) ------------------------------------------------


def _edit(device, kind: str, record_id: str, step: int) -> None:
    """The worker's n-th edit of a referral, or of a self-found incident's status."""
    if kind == "referral":
        from cvi_desktop.services import casework
        casework.update_referral(device.store, record_id, status=["connected", "declined", "closed"][step])
    else:
        incidents.set_status(device.store, record_id, ["responding", "closed", "no_response"][step])


def _first_version(device, kind: str) -> str:
    incident = h.new_incident(device.store)
    if kind == "incident":
        return incident
    from cvi_desktop.services import casework
    return casework.add_referral(device.store, {"incident_id": incident, "category": "medical"})


@pytest.mark.parametrize("kind", ["referral", "incident"])
def test_row03_edit_after_lost_answer_is_no_conflict(device, hub, team, proxy, kind) -> None:
    record_id = _first_version(device, kind)
    h.drain(device)  # acknowledged at version 1
    mono = h.Monotonic(device.store)
    _edit(device, kind, record_id, 0)  # version 2
    proxy.add("cut_response", match=PUSH)
    assert not device.sync().ok
    assert max(r["version"] for r in h.hub_rows(hub.db, team.org) if r["id"] == record_id) == 2
    proxy.heal()
    _edit(device, kind, record_id, 1)  # version 3 supersedes the unanswered version 2
    h.drain(device)
    assert not outbox.quarantined(device.store), outbox.quarantined(device.store)
    on_hub = {r["version"]: r for r in h.hub_rows(hub.db, team.org) if r["id"] == record_id}
    assert sorted(on_hub) == [1, 2, 3] and on_hub[3]["base_version"] == 2
    latest.check_i1_latest(device.store, hub.db, team.org)
    h.check_all(device, hub, team, proxy, mono)


def test_row03_edit_after_lost_answer_and_never_arrived(device, hub, team, proxy) -> None:
    # Version 2's request is cut before the hub reads it: the laptop cannot tell this from a
    # lost answer, so version 3 claims base 2, which the hub never had; its own version 1 is
    # current there, so that is no conflict either.
    record_id = _first_version(device, "referral")
    h.drain(device)
    _edit(device, "referral", record_id, 0)
    proxy.add("reset_request", match=PUSH, after=50)
    assert not device.sync().ok
    assert max(r["version"] for r in h.hub_rows(hub.db, team.org) if r["id"] == record_id) == 1
    proxy.heal()
    _edit(device, "referral", record_id, 1)
    h.drain(device)
    assert not outbox.quarantined(device.store)
    latest.check_i1_latest(device.store, hub.db, team.org)
    h.check_all(device, hub, team, proxy)


def test_retry_clears_a_false_conflict_left_by_an_older_build(device, hub, team, proxy) -> None:
    # What an older build left behind: version 3 quarantined as "the hub has version 2", where
    # version 2 is this laptop's own. Retry sends it again with a fresh base, and it applies.
    record_id = _first_version(device, "referral")
    h.drain(device)
    _edit(device, "referral", record_id, 0)
    proxy.add("cut_response", match=PUSH)
    assert not device.sync().ok
    proxy.heal()
    _edit(device, "referral", record_id, 1)
    v3 = device.store.one("SELECT * FROM outbox WHERE record_id = ? AND version = 3", [record_id])
    outbox.quarantine(device.store, [v3["seq"]], "conflict: the hub has version 2")
    assert waiting(device) == 0
    outbox.retry_quarantined(device.store, v3["seq"])
    h.drain(device)
    assert device.store.scalar("SELECT state FROM outbox WHERE seq = ?", [v3["seq"]]) == "acknowledged"
    latest.check_i1_latest(device.store, hub.db, team.org)
    h.check_all(device, hub, team, proxy)


def test_retry_of_a_real_conflict_stays_a_conflict(device, hub, team, proxy, make_device) -> None:
    # The supervisor's laptop (another token) corrects the worker's referral; the worker's laptop
    # never sees it and edits from version 1. Retry must not turn that into an overwrite.
    from cvi_desktop.services import casework
    worker = make_device("w1")
    incident = h.new_incident(worker.store)
    ref = casework.add_referral(worker.store, {"incident_id": incident, "category": "medical"})
    assert worker.sync().ok
    assert device.sync().ok  # the supervisor's laptop pulls version 1
    casework.update_referral(device.store, ref, status="declined")
    assert device.sync().ok  # the hub has the supervisor's version 2
    casework.update_referral(worker.store, ref, status="connected")  # from stale version 1
    assert worker.sync().ok
    (row,) = outbox.quarantined(worker.store)
    assert row["record_id"] == ref and row["last_error"].startswith("conflict")
    outbox.retry_quarantined(worker.store, row["seq"])
    assert worker.sync().ok
    assert worker.store.scalar("SELECT state FROM outbox WHERE seq = ?", [row["seq"]]) == "quarantined"
    hub_current = max((r for r in h.hub_rows(hub.db, team.org) if r["id"] == ref), key=lambda r: r["version"])
    assert hub_current["author"] == "sup1" and '"declined"' in hub_current["data"]
