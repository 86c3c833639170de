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
    assert run("org", "add", "north", "Again", "--db", db).returncode == 2
    assert run("coverage", "add", "north", "11", "--db", db).returncode == 0
    assert run("coverage", "add", "north", "999", "--db", db).returncode == 2
    assert json.loads(run("org", "list", "--db", db).stdout) == [
        {"id": "north", "name": "North", "districts": ["011"]}
    ]
    made = run("token", "create", "--db", db, "--role", "staff", "--org", "north", "--staff-id", "n1")
    token = made.stdout.strip()
    assert made.returncode == 0 and token.startswith("cvi_")
    assert run("token", "create", "--db", db, "--role", "staff").returncode == 2  # needs an org
    listed = run("token", "list", "--db", db).stdout
    assert token not in listed and json.loads(listed)[0]["role"] == "staff"
    admin_token = run("token", "create", "--db", db, "--role", "admin").stdout.strip()

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
        # --test-hooks exposes the hooks to an admin token only.
        assert Api(url).post("/v1/test/faults", json={"fault": "clear"}).status_code == 401
        assert api.post("/v1/test/faults", json={"fault": "clear"}).status_code == 403
        assert Api(url, admin_token).post("/v1/test/faults", json={"fault": "clear"}).status_code == 200
        assert run("token", "revoke", "1", "--db", db).returncode == 0
        assert api.get("/v1/sync/config").status_code == 401
    finally:
        proc.terminate()
        proc.wait(10)
    logs = proc.stderr.read()
    assert token not in logs and note["id"] not in logs
    assert any(json.loads(x)["route"] == "/v1/sync/wait" for x in logs.splitlines() if x.startswith("{"))
    assert proc.returncode == 0


def test_cli_staff_add_list_deactivate(tmp_path, capsys):
    db = str(tmp_path / "hub.sqlite3")
    run = InProcess(capsys)
    assert run("org", "add", "north", "North", "--db", db).returncode == 0
    added = run("staff", "add", "--db", db, "--org", "north", "--id", "w1", "--name", "Ana Ruiz")
    assert added.returncode == 0 and json.loads(added.stdout)["display_name"] == "Ana Ruiz"
    sup = run("staff", "add", "--db", db, "--org=north", "--id=s1", "--name=Sam", "--role=supervisor")
    assert sup.returncode == 0
    # A token for someone new puts them on the list, under --name.
    made = run("token", "create", "--db", db, "--role=staff", "--org=north", "--staff-id=w2", "--name=Bo")
    assert made.returncode == 0
    listed = json.loads(run("staff", "list", "--db", db, "--org", "north").stdout)
    assert [(s["id"], s["display_name"], s["role"], s["active"]) for s in listed] == [
        ("w1", "Ana Ruiz", "worker", True),
        ("w2", "Bo", "worker", True),
        ("s1", "Sam", "supervisor", True),
    ]
    assert run("staff", "deactivate", "--db", db, "--org", "north", "--id", "w1").returncode == 0
    listed = json.loads(run("staff", "list", "--db", db, "--org", "north").stdout)
    assert [s["active"] for s in listed] == [False, True, True]

    bad = {
        ("staff", "add", "--org", "nowhere", "--id", "w1", "--name", "A"): "no organisation 'nowhere'",
        ("staff", "add", "--org", "north", "--id", "w1", "--name", "A", "--role", "boss"): "role:",
        ("staff", "add", "--org", "north", "--id", "w1", "--name", " "): "name: must not be blank",
        ("staff", "add", "--org", "north", "--id", "x" * 65, "--name", "A"): "staff id:",
        ("staff", "list", "--org", "nowhere"): "no organisation 'nowhere'",
        ("staff", "deactivate", "--org", "north", "--id", "ghost"): "no staff member 'ghost'",
        ("staff", "deactivate", "--org", "nowhere", "--id", "w2"): "no organisation 'nowhere'",
        ("token", "create", "--role", "staff", "--org", "north"): "needs a staff id",
        ("token", "create", "--role", "cpd", "--name", "X"): "belongs to no organisation",
    }
    for args, message in bad.items():
        result = run(*args, "--db", db)
        assert result.returncode == 2, args
        assert result.stderr.startswith("cvi-hub: ") and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_staff_errors_as_a_subprocess_have_no_traceback(tmp_path):
    db = str(tmp_path / "hub.sqlite3")
    result = hub("staff", "add", "--db", db, "--org", "nowhere", "--id", "w1", "--name", "A")
    assert result.returncode == 2
    assert result.stderr.strip() == "cvi-hub: no organisation 'nowhere'"
    (tmp_path / "a-file").write_text("not a directory")
    unusable = hub("staff", "list", "--db", str(tmp_path / "a-file" / "hub.sqlite3"), "--org", "x")
    assert unusable.returncode == 2 and "Traceback" not in unusable.stderr
    assert unusable.stderr.startswith("cvi-hub: cannot use hub file")
