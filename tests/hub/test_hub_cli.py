"""`cvi-hub` as a subprocess: admin commands, serve on a free port, notify, test hooks flag."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from hub_helpers import Api, new_id, notification

from sync.hub.cli import main

pytestmark = pytest.mark.timeout(40)


def hub(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.hub.cli", *args], input=stdin, capture_output=True, text=True, timeout=30
    )


class InProcess:
    """Run `cvi-hub` admin commands in this process (same code path, no interpreter start-up)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.capsys.readouterr()
        code = main(list(args))
        out, err = self.capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)


def test_cli_admin_serve_and_notify(tmp_path, capsys):
    db = str(tmp_path / "hub.sqlite3")
    run = InProcess(capsys)
    assert run("org", "add", "north", "North", "--db", db).returncode == 0
    assert run("org", "add", "north", "Again", "--db", db).returncode == 1
    assert run("coverage", "add", "north", "11", "--db", db).returncode == 0
    assert run("coverage", "add", "north", "999", "--db", db).returncode == 1
    assert json.loads(run("org", "list", "--db", db).stdout) == [
        {"id": "north", "name": "North", "districts": ["011"]}
    ]
    made = run("token", "create", "--db", db, "--role", "staff", "--org", "north", "--staff-id", "n1")
    token = made.stdout.strip()
    assert made.returncode == 0 and token.startswith("cvi_")
    assert run("token", "create", "--db", db, "--role", "staff").returncode == 1  # needs an org
    listed = run("token", "list", "--db", db).stdout
    assert token not in listed and json.loads(listed)[0]["role"] == "staff"

    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.hub.cli", "serve", "--db", db, "--port", "0", "--test-hooks"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("cvi-hub listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        api = Api(url, token)
        _, cursor = api.pull_all()
        got: dict = {}
        waiter = threading.Thread(
            target=lambda: got.update(
                api.get("/v1/sync/wait", params={"cursor": cursor, "timeout": 10}, timeout=15).json()
            )
        )
        waiter.start()
        time.sleep(0.3)
        note = notification("011", notification_id=new_id())
        posted = hub("notify", "--db", db, "--json", "-", stdin=json.dumps(note))
        assert posted.returncode == 0 and json.loads(posted.stdout)["routed_to"] == 1
        waiter.join(10)
        assert [c["id"] for c in got["changes"]] == [note["id"]]
        assert Api(url).post("/v1/test/faults", json={"fault": "clear"}).status_code == 200
        assert run("token", "revoke", "1", "--db", db).returncode == 0
        assert api.get("/v1/sync/config").status_code == 401
    finally:
        proc.terminate()
        proc.wait(10)
    logs = proc.stderr.read()
    assert token not in logs and note["id"] not in logs
    assert any(json.loads(x)["route"] == "/v1/sync/wait" for x in logs.splitlines() if x.startswith("{"))
    assert proc.returncode == 0
