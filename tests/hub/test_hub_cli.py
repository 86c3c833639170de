"""`cvi-hub` as a subprocess: admin commands, serve on a free port, notify, test hooks flag, and
what `--db` accepts (`sync.hub.dburl`): a file path, a PostgreSQL URL refused until it is built."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from hub_helpers import Api, new_id, notification

from sync.hub.app import create_app
from sync.hub.cli import build_parser, main
from sync.hub.dburl import BadDb, DbKind, NotBuilt, parse_db, sqlite_file
from sync.hub.server import HubServer

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


def test_cli_admin_serve_and_notify(new_db, capsys):
    db = str(new_db("cli"))
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


def test_cli_staff_add_list_deactivate(new_db, capsys):
    db = str(new_db("cli"))
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


@pytest.mark.sqlite_only("a hub file under a path that is not a folder")
def test_cli_staff_errors_as_a_subprocess_have_no_traceback(tmp_path):
    db = str(tmp_path / "hub.sqlite3")
    result = hub("staff", "add", "--db", db, "--org", "nowhere", "--id", "w1", "--name", "A")
    assert result.returncode == 2
    assert result.stderr.strip() == "cvi-hub: no organisation 'nowhere'"
    (tmp_path / "a-file").write_text("not a directory")
    unusable = hub("staff", "list", "--db", str(tmp_path / "a-file" / "hub.sqlite3"), "--org", "x")
    assert unusable.returncode == 2 and "Traceback" not in unusable.stderr
    assert unusable.stderr.startswith("cvi-hub: cannot use hub file")


# --- --db: a file path, or a URL the hub recognises --------------------------------------------
# Engine-free: these parse `--db` values; none opens a hub on PostgreSQL.

POSTGRES = "postgresql://hub@/cvihub?host=/run/postgresql"


@pytest.mark.parametrize(
    "value",
    [
        "hub.sqlite3",
        "/var/lib/cvi-hub/hub.sqlite3",
        "data/hub.sqlite3",
        "./hub:1.sqlite3",  # a colon in a file name, written with a folder in front
        "C:\\hub\\hub.sqlite3",  # a drive letter is not a URL scheme
    ],
)
def test_a_path_is_a_sqlite_file(value):
    target = parse_db(value)
    assert target.kind is DbKind.SQLITE and target.sqlite_path() == Path(value)
    assert sqlite_file(Path(value)) == Path(value)


@pytest.mark.parametrize("value", [POSTGRES, "postgres://hub:pw@db.example:5432/cvihub", "POSTGRESQL://h/db"])
def test_a_postgresql_url_is_a_database_not_a_file(value):
    target = parse_db(value)
    assert target.kind is DbKind.POSTGRESQL and target.url == value and target.path is None
    with pytest.raises(NotBuilt):  # and never to anything that wants a file
        target.sqlite_path()


def test_a_postgresql_password_never_reaches_a_message():
    target = parse_db("postgres://hub:s3cret@db.example:5432/cvihub")
    assert "s3cret" not in repr(target) and "s3cret" not in target.display
    assert target.display == "postgres://hub:***@db.example:5432/cvihub"
    with pytest.raises(NotBuilt) as refused:
        target.sqlite_path()
    assert "s3cret" not in str(refused.value)
    with pytest.raises(BadDb) as other:
        parse_db("mysql://hub:s3cret@db.example/cvihub")
    assert "s3cret" not in str(other.value)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("mysql://hub@db/cvihub", "--db mysql://... is not a database this hub can use"),
        ("http://127.0.0.1:8000", "--db http://..."),
        ("sqlite:///var/lib/hub.sqlite3", "sqlite: URLs are not accepted"),
        ("sqlite:hub.sqlite3", "sqlite: URLs are not accepted"),
        ("postgresql:cvihub", "reads as a URL"),  # libpq's URL needs the two slashes
        ("hub:1.sqlite3", "./hub:..."),  # a file name that starts like a scheme: how to write it
        ("", "--db is empty"),
        ("  ", "--db is empty"),
    ],
)
def test_any_other_form_is_refused_naming_the_accepted_ones(value, says):
    with pytest.raises(BadDb) as refused:
        parse_db(value)
    message = str(refused.value)
    assert says in message and "\n" not in message
    if not value.startswith("sqlite"):
        assert "a SQLite file path" in message and "postgresql:// URL" in message


def _db_commands() -> set[tuple[str, ...]]:
    """Every `cvi-hub` command (and sub-command) that takes --db, read from the parser itself."""
    found: set[tuple[str, ...]] = set()

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        if any("--db" in action.option_strings for action in parser._actions):
            found.add(path)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, (*path, name))

    walk(build_parser(), ())
    return found


# Each command with its other required arguments; the --db value is added at the end.
DB_COMMANDS = {
    ("org", "add"): ("north", "North"),
    ("org", "list"): (),
    ("org", "agreement"): ("north", "--share-block", "on"),
    ("coverage", "add"): ("north", "011"),
    ("staff", "add"): ("--org", "north", "--id", "w1", "--name", "Ana"),
    ("staff", "list"): ("--org", "north"),
    ("staff", "deactivate"): ("--org", "north", "--id", "w1"),
    ("token", "create"): ("--role", "admin"),
    ("token", "list"): (),
    ("token", "revoke"): ("1",),
    ("notify",): ("--json", "-"),
    ("epoch",): ("--bump",),
    ("backup",): ("copy.sqlite3",),
    ("restore",): ("copy.sqlite3",),
}


def test_every_db_command_is_checked_here():
    assert _db_commands() == {*DB_COMMANDS, ("serve",)}


@pytest.mark.parametrize("command", sorted(DB_COMMANDS), ids=" ".join)
@pytest.mark.parametrize(
    ("value", "says"),
    [
        (POSTGRES, "cvi-hub: "),  # a server that is not there: what failed, in one line
        ("mysql://hub@db/cvihub", "give a SQLite file path (e.g. --db /var/lib/cvi-hub/hub.sqlite3) or a"),
        ("sqlite:///hub.sqlite3", "give the SQLite file as a plain path"),
    ],
    ids=["postgresql", "mysql", "sqlite-url"],
)
def test_every_command_refuses_a_url_in_one_line_and_creates_nothing(
    command, value, says, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = InProcess(capsys)(*command, *DB_COMMANDS[command], "--db", value)
    assert result.returncode == 2
    assert says in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no `postgresql:` folder, no SQLite file


def test_serve_on_an_unreachable_postgresql_says_so_before_listening(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sync.hub.cli", "serve", "--db", POSTGRES, "--port", "0"],
        capture_output=True, text=True, timeout=30, cwd=tmp_path,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("cvi-hub: ") and "listening" not in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_hub_server_and_create_app_read_db_the_same_way(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # A PostgreSQL URL goes to the PostgreSQL engine in both (here: a server that is not there).
    with pytest.raises(psycopg.OperationalError):
        HubServer(POSTGRES)
    with pytest.raises(psycopg.OperationalError):
        create_app(POSTGRES)
    with pytest.raises(BadDb):
        HubServer("sqlite:///hub.sqlite3")
    assert list(tmp_path.iterdir()) == []
    server = HubServer(parse_db("hub.sqlite3"))  # a parsed target is taken as it is
    try:
        assert server.db_path == Path("hub.sqlite3") and server.target.kind is DbKind.SQLITE
    finally:
        server.stop()


def test_a_file_named_like_a_scheme_works_written_with_its_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = InProcess(capsys)
    assert run("org", "add", "north", "North", "--db", "hub:1.sqlite3").returncode == 2  # reads as a URL
    assert run("org", "add", "north", "North", "--db", "./hub:1.sqlite3").returncode == 0
    assert json.loads(run("org", "list", "--db", "./hub:1.sqlite3").stdout)[0]["id"] == "north"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3"] == ["hub:1.sqlite3"]
    # What the CLI hands on is a Path, which HubServer takes as a file whatever its name.
    server = HubServer(sqlite_file("./hub:1.sqlite3"))
    try:
        assert server.db_path == Path("hub:1.sqlite3")
    finally:
        server.stop()
