"""The team loop headless, through the `cvi-desktop` command only: a worker and a supervisor,
each its own profile (encrypted store, token in the keyring), through one real hub."""

from __future__ import annotations

import re
from typing import Any

import requests

from sync.cli import main
from sync.credentials import set_token
from tests.sync import helpers as h


def run(capsys: Any, home: Any, profile: str, *argv: str, code: int = 0) -> str:
    assert main(["--home", str(home), "--profile", profile, *argv]) == code
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return out.out + out.err


def test_notification_to_cpd_through_the_command_line(tmp_path, hub, team, memory_keyring, capsys) -> None:
    set_token("ana", team.tokens["w1"])
    set_token("renee", team.tokens["sup"])
    incident = h.notify(hub.url, hub.cpd)
    for profile in ("ana", "renee"):
        out = run(capsys, tmp_path, profile, "sync", "--once", "--hub", hub.url)
        assert "Synced" in out
    who = run(capsys, tmp_path, "ana", "whoami")
    assert "w1" in who and "worker" in who
    assert "supervisor" in run(capsys, tmp_path, "renee", "whoami")

    # A worker cannot review, even offline; the supervisor assigns by a prefix of the id.
    out = run(capsys, tmp_path, "ana", "review", incident, "approve", code=4)
    assert "supervisor" in out
    run(capsys, tmp_path, "renee", "assign", incident[:8], "w1")
    run(capsys, tmp_path, "renee", "sync", "--once")
    run(capsys, tmp_path, "ana", "sync", "--once")
    assert incident in run(capsys, tmp_path, "ana", "incidents", "--mine")

    out = run(capsys, tmp_path, "ana", "respond", incident, "--type", "hospital", "--risk", "low")
    action = re.search(r"response ([0-9a-f-]{36})", out).group(1)
    run(capsys, tmp_path, "ana", "sync", "--once")
    out = run(capsys, tmp_path, "renee", "sync", "--once")
    assert "teammates' records arrived" in out
    assert incident in run(capsys, tmp_path, "renee", "review-queue")
    shown = run(capsys, tmp_path, "renee", "show", incident)
    assert action in shown and "(teammate)" in shown and "waiting" in shown
    preview = run(capsys, tmp_path, "renee", "review", incident, "approve", "--preview")
    assert action in preview and '"actions"' in preview

    out = run(capsys, tmp_path, "renee", "review", incident, "has_issues", code=2)
    assert "comment" in out  # says which field is missing
    run(capsys, tmp_path, "renee", "review", incident, "approve")
    run(capsys, tmp_path, "renee", "sync", "--once")
    records = requests.get(f"{hub.url}/v1/cpd/records", timeout=10,
                           headers={"Authorization": f"Bearer {hub.cpd}"}).json()["records"]
    [mine] = [r for r in records if r["id"] == incident]
    assert [a["id"] for a in mine["data"]["actions"]] == [action]
    run(capsys, tmp_path, "ana", "sync", "--once")
    assert "approved by" in run(capsys, tmp_path, "ana", "show", incident)
    assert "(none)" in run(capsys, tmp_path, "renee", "review-queue")
    assert "w1" in run(capsys, tmp_path, "renee", "caseload")
    # Bad input names what is wrong; never a traceback.
    assert "no incident" in run(capsys, tmp_path, "renee", "show", "zzzz", code=4)
    assert "action_type" in run(capsys, tmp_path, "ana", "respond", incident, "--type", "teleport", code=2)
