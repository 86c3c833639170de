"""A hub restored from a backup: with `cvi-hub restore` (new epoch) and without it (the hub only
answers "cursor ahead"); either way the laptop sends again what the hub lost.

Real parts throughout: a hub over HTTP on 127.0.0.1 of its own (restoring must not roll back
other tests' data), the recording proxy, a real encrypted store, and the real `cvi-hub` command
(in-process for its messages, as a subprocess where a running `cvi-hub serve` must be detected).

SQLite only, the whole module: a backup here is a copy of the hub's SQLite file, put back by
`cvi-hub restore` or byte for byte by hand.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.credentials import set_token
from sync.engine import events as ev
from sync.hub import admin
from sync.hub import cli as hub_cli
from sync.hub.server import HubServer
from sync.hub.service import encode_cursor
from tests.sync import helpers as h
from tests.sync.conftest import Device, Hub, Team, make_engine
from tests.sync.proxy import Proxy


@pytest.fixture
def solo(tmp_path: Path, store, clock, memory_keyring) -> Iterator[tuple[Hub, Team, Device, Proxy]]:
    db = tmp_path / "own-hub.sqlite3"
    admin.create_org(db, "solo", "solo")
    admin.add_coverage(db, "solo", "011")
    server = HubServer(db).start()
    proxy = Proxy(server.port)
    team = Team("solo", "011", {"sup": admin.create_token(db, "supervisor", org_id="solo", staff_id="sup1")})
    set_token("sup", team.tokens["sup"])
    events: list[ev.SyncEvent] = []
    device = Device(store, make_engine(store, proxy.url, "sup", events), events, clock, "sup")
    try:
        yield Hub(server, db, admin.create_token(db, "cpd")), team, device, proxy
    finally:
        device.engine.client.close()
        proxy.close()
        server.stop()


def _raw_copy_back(backup: Path, hub_db: Path) -> None:
    """What an administrator does by copying the backup file back: the data goes back, the epoch
    stays the one the backup had (the same one the laptops know)."""
    source, target = sqlite3.connect(str(backup)), sqlite3.connect(str(hub_db))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def test_restored_without_epoch_bump_cursor_ahead_resends_what_the_hub_lost(solo, tmp_path) -> None:
    hub, team, device, proxy = solo
    h.seed(device.store, incidents_n=1)
    h.drain(device)
    admin.backup(hub.db, tmp_path / "backup.sqlite3")
    late = h.log_action(device.store, h.new_incident(device.store))
    h.drain(device)  # pushed, acknowledged, and the cursor moved past the late records
    epoch = admin.epoch(hub.db)

    _raw_copy_back(tmp_path / "backup.sqlite3", hub.db)
    assert admin.epoch(hub.db) == epoch  # nothing tells the laptop but its cursor
    assert not any(r["id"] == late for r in h.hub_rows(hub.db, team.org))
    acknowledged = device.store.scalar("SELECT count(*) FROM outbox WHERE state = 'acknowledged'")

    report = device.sync()

    assert report.ok, report.error
    restored = [e for e in device.events if isinstance(e, ev.HubRestored)]
    assert len(restored) == 1 and restored[0].requeued == acknowledged
    assert any(r["id"] == late for r in h.hub_rows(hub.db, team.org))  # sent again
    h.check_all(device, hub, team, proxy)  # every local record on the hub, no duplicates


def test_hub_says_which_410_it_is(solo) -> None:
    hub, team, _, _ = solo
    auth = {"Authorization": f"Bearer {team.tokens['sup']}"}
    epoch = admin.epoch(hub.db)
    # The hub's cursor secret, to make cursors by hand.
    key = bytes.fromhex(h.hub_value(hub.db, "SELECT value FROM meta WHERE key = 'cursor_key'"))

    def cursor_at(epoch: str, generation: str, position: int) -> str:
        return encode_cursor(key, epoch, generation, team.org, position)

    def pull(cursor: str) -> requests.Response:
        return requests.get(f"{hub.url}/v1/sync/pull", params={"cursor": cursor}, headers=auth, timeout=5)

    ahead = pull(cursor_at(epoch, "0", 10_000))
    assert ahead.status_code == 410 and ahead.json()["code"] == "cursor_ahead", ahead.text
    admin.expire_cursors(hub.db)
    expired = pull(cursor_at(epoch, "0", 0))
    assert expired.status_code == 410 and expired.json()["code"] == "cursor_expired", expired.text
    other = pull(cursor_at("another-epoch", "1", 0))
    assert other.status_code == 410 and other.json()["code"] == "cursor_other_epoch"
    assert pull("garbage!").json()["code"] == "cursor_invalid"
    # The live channel answers the same way.
    waited = requests.get(f"{hub.url}/v1/sync/wait", params={"cursor": cursor_at(epoch, "1", 10_000),
                                                              "timeout": 0}, headers=auth, timeout=5)
    assert waited.status_code == 410 and waited.json()["code"] == "cursor_ahead"


def test_cvi_hub_restore_puts_the_backup_back_and_bumps_the_epoch(solo, tmp_path, capsys) -> None:
    hub, team, device, proxy = solo
    h.seed(device.store, incidents_n=1)
    h.drain(device)
    backup = tmp_path / "hub-backup.sqlite3"
    assert hub_cli.main(["backup", str(backup), "--db", str(hub.db)]) == 0  # while serving
    assert not Path(str(backup) + "-wal").exists()  # one self-contained file
    late = h.log_action(device.store, h.new_incident(device.store))
    h.drain(device)
    old_epoch, port = admin.epoch(hub.db), hub.server.port
    hub.server.stop()  # the hub must be stopped to restore; the next one serves the same file

    assert hub_cli.main(["restore", str(backup), "--db", str(hub.db)]) == 0
    new_epoch = capsys.readouterr().out.strip()
    assert new_epoch == admin.epoch(hub.db) != old_epoch
    assert not any(r["id"] == late for r in h.hub_rows(hub.db, team.org))

    server = HubServer(hub.db, port=port).start()  # same address: the proxy still leads to it
    try:
        report = h.drain(device)
        assert report.ok
        restored = [e for e in device.events if isinstance(e, ev.HubRestored)]
        assert [(e.old_epoch, e.new_epoch) for e in restored] == [(old_epoch, new_epoch)]
        h.check_all(device, Hub(server, hub.db, hub.cpd), team, proxy)
    finally:
        server.stop()


def test_cvi_hub_backup_and_restore_refuse_clearly(tmp_path, capsys) -> None:
    hub_db = tmp_path / "hub.sqlite3"
    admin.create_org(hub_db, "a", "A")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database at all " * 100)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(str(other)).execute("CREATE TABLE t (x)").connection.close()
    cases = [
        (["restore", str(tmp_path / "missing.sqlite3"), "--db", str(hub_db)], "no backup file"),
        (["restore", str(not_a_backup), "--db", str(hub_db)], "is not a hub backup"),
        (["restore", str(other), "--db", str(hub_db)], "is not a hub backup"),
        (["restore", str(hub_db), "--db", str(hub_db)], "same file"),
        (["backup", str(not_a_backup), "--db", str(hub_db)], "already exists"),
        (["backup", str(tmp_path / "b.sqlite3"), "--db", str(tmp_path / "nohub.sqlite3")], "no hub database"),
    ]
    epoch = admin.epoch(hub_db)
    for argv, message in cases:
        assert hub_cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (argv, err)
    assert admin.epoch(hub_db) == epoch and admin.list_orgs(hub_db)[0]["id"] == "a"  # untouched


def test_cvi_hub_restore_refuses_while_cvi_hub_serve_runs(tmp_path) -> None:
    hub_db = tmp_path / "hub.sqlite3"
    admin.create_org(hub_db, "a", "A")
    backup = tmp_path / "backup.sqlite3"
    admin.backup(hub_db, backup)
    command = [sys.executable, "-m", "sync.hub.cli"]
    serve = subprocess.Popen([*command, "serve", "--db", str(hub_db), "--port", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert serve.stdout is not None
        assert "listening on" in serve.stdout.readline()  # printed once it accepts connections
        refused = subprocess.run([*command, "restore", str(backup), "--db", str(hub_db)],
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2, refused
        assert "stop the hub" in refused.stderr and "Traceback" not in refused.stderr
        epoch = admin.epoch(hub_db)
    finally:
        serve.terminate()
        serve.wait(20)
    done = subprocess.run([*command, "restore", str(backup), "--db", str(hub_db)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == admin.epoch(hub_db) != epoch
