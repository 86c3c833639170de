"""`cvi-hub`: run and administer a hub on one SQLite file.

    cvi-hub serve --db hub.sqlite3 [--host 127.0.0.1] [--port 0] [--test-hooks] [--rate 200 --burst 1000]
    cvi-hub org add ID NAME --db F        cvi-hub org list --db F
    cvi-hub org agreement ID --share-block on|off --db F   (what CPD may get: the block or not)
    cvi-hub coverage add ORG DISTRICT --db F
    cvi-hub staff add --db F --org ORG --id ID --name NAME [--role worker|supervisor]
    cvi-hub staff list --db F --org ORG   cvi-hub staff deactivate --db F --org ORG --id ID
    cvi-hub token create --db F --role staff --org ORG --staff-id ID [--name NAME] [--label TEXT]
    cvi-hub token list --db F             cvi-hub token revoke TOKEN_ID --db F
    cvi-hub notify --db F --json FILE|-   (post a CPD notification as an integration would)
    cvi-hub epoch --db F [--bump]
    cvi-hub backup FILE --db F            (a consistent copy, safe while the hub serves)
    cvi-hub restore FILE --db F           (hub stopped: put FILE back and bump the epoch, one step)
    cvi-hub openapi [--write PATH]        (print or write the OpenAPI description)

An admin error (unknown organisation, bad role, a bad notification...) is one line on stderr and
exit status 2, never a traceback; so is any other failure of an admin command.
`--db` is a SQLite file path (created if missing), read by `dburl.parse_db` for every command
before anything is opened: a `postgresql://` URL is recognised and refused (PostgreSQL support
is not built yet), any other URL is refused naming the accepted forms; both exit 2.
`serve` prints one line `cvi-hub listening on http://HOST:PORT` (flushed) once it accepts
connections, then JSON request logs on stderr; SIGINT/SIGTERM stop it.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from pydantic import ValidationError

from cvi_desktop.fields import MAX_INT

from ..protocol import Notification
from . import admin, service
from .config import HubConfig, utc_now
from .db import BUSY_ERRORS, SchemaTooNew, open_database
from .dburl import DbError, DbKind, parse_db, redact

DB_HELP = "the hub's SQLite file (created if missing); postgresql:// URLs are not supported yet"


def _print(obj: Any) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def _serve(args: argparse.Namespace) -> int:
    from .server import HubServer

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("sync.hub.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    config = HubConfig(
        rate_per_second=args.rate,
        rate_burst=args.burst,
        max_body_bytes=args.max_body_bytes,
        max_batch_records=args.max_batch,
    )
    hub = HubServer(args.db, args.host, args.port, config=config, test_hooks=args.test_hooks)
    # Hold one connection open (and used) for as long as we serve: an open connection is what
    # `cvi-hub restore` detects to refuse replacing the file under a running hub, and the
    # server's own connections only open with its first request.
    in_use = None
    if isinstance(args.db, Path):  # PostgreSQL: restore refuses a non-empty database instead
        in_use = sqlite3.connect(str(args.db))
        in_use.execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=hub.stop, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    ready = threading.Event()
    threading.Thread(
        target=lambda: (ready.wait(), print(f"cvi-hub listening on {hub.url}", flush=True)), daemon=True
    ).start()
    try:
        hub.serve_forever(ready)
    finally:
        if in_use is not None:
            in_use.close()
    return 0


def _one_line(exc: ValidationError) -> str:
    """pydantic's report as one line: each bad field and why (cross-field rules name theirs)."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in error["loc"]) or "notification"
        problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


def _notify(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.json == "-" else Path(args.json).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cvi-hub: cannot read {args.json}: {exc}", file=sys.stderr)
        return 2
    try:
        body = Notification.model_validate_json(text)
    except ValidationError as exc:
        print(f"cvi-hub: not a valid notification: {_one_line(exc)}", file=sys.stderr)
        return 2
    database = open_database(args.db)
    try:
        if args.correct:
            data = json.loads(text)
            data.pop("id", None)
            from ..protocol import NotificationCorrection

            result = service.correct_notification(
                database, body.id, NotificationCorrection.model_validate(data), utc_now()
            )
            if result is None:
                print(f"no notification {body.id}", file=sys.stderr)
                return 1
        else:
            result = service.post_notification(database, body, utc_now())
    except service.NotificationConflict:
        print("a notification with this id exists with other content; use --correct", file=sys.stderr)
        return 1
    finally:
        database.close()
    _print(result.model_dump(mode="json"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvi-hub", description="CVI sharing hub")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", required=True, help=DB_HELP)
        return p

    serve = with_db(sub.add_parser("serve", help="run the HTTP service"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    serve.add_argument("--test-hooks", action="store_true", help="expose /v1/test/* fault hooks (tests only)")
    serve.add_argument("--rate", type=float, default=HubConfig.rate_per_second, help="requests/s per token")
    serve.add_argument("--burst", type=int, default=HubConfig.rate_burst)
    serve.add_argument("--max-body-bytes", type=int, default=HubConfig.max_body_bytes)
    serve.add_argument("--max-batch", type=int, default=HubConfig.max_batch_records)

    org = sub.add_parser("org").add_subparsers(dest="action", required=True)
    add = with_db(org.add_parser("add"))
    add.add_argument("org_id")
    add.add_argument("name")
    with_db(org.add_parser("list"))
    agree = with_db(org.add_parser("agreement", help="the organisation's data-sharing agreement terms"))
    agree.add_argument("org_id")
    agree.add_argument("--share-block", required=True, choices=["on", "off"],
                       help="on: CPD may get the block of the organisation's incidents")

    coverage = sub.add_parser("coverage").add_subparsers(dest="action", required=True)
    cov = with_db(coverage.add_parser("add"))
    cov.add_argument("org_id")
    cov.add_argument("district")

    staff = sub.add_parser("staff", help="the organisation's staff list").add_subparsers(
        dest="action", required=True
    )
    staff_add = with_db(staff.add_parser("add", help="add a staff member, or rename / re-activate one"))
    staff_add.add_argument("--org", required=True)
    staff_add.add_argument("--id", required=True, dest="staff_id")
    staff_add.add_argument("--name", required=True)
    # Checked by admin.add_staff, not argparse `choices`, so the message matches the HTTP route's.
    staff_add.add_argument("--role", default="worker", help="worker (default) or supervisor")
    staff_list = with_db(staff.add_parser("list"))
    staff_list.add_argument("--org", required=True)
    staff_off = with_db(staff.add_parser("deactivate", help="their tokens get 403 from now on"))
    staff_off.add_argument("--org", required=True)
    staff_off.add_argument("--id", required=True, dest="staff_id")

    token = sub.add_parser("token").add_subparsers(dest="action", required=True)
    create = with_db(token.add_parser("create"))
    create.add_argument("--role", required=True, choices=["cpd", "staff", "supervisor", "admin"])
    create.add_argument("--org")
    create.add_argument("--staff-id")
    create.add_argument("--name", help="display name, if the staff member is new (default: the id)")
    create.add_argument("--label", default="")
    with_db(token.add_parser("list"))
    revoke = with_db(token.add_parser("revoke"))
    revoke.add_argument("token_id", type=int)

    notify = with_db(sub.add_parser("notify", help="post a CPD notification (JSON, see Notification schema)"))
    notify.add_argument("--json", required=True, help="file with the notification JSON, or - for stdin")
    notify.add_argument("--correct", action="store_true", help="post it as a correction of an existing id")

    epoch = with_db(sub.add_parser("epoch", help="show (or --bump) the hub epoch"))
    epoch.add_argument("--bump", action="store_true")

    back = sub.add_parser("backup", help="write a consistent copy of the hub file (safe while serving)")
    back.add_argument("file", type=Path, help="the new backup file (must not exist yet)")
    back.add_argument("--db", required=True, help="the hub's SQLite file")
    restore = sub.add_parser(
        "restore", help="replace the hub file with a backup and bump the epoch (stop the hub first)"
    )
    restore.add_argument("file", type=Path, help="a file made by `cvi-hub backup`")
    restore.add_argument("--db", required=True, help="the hub's SQLite file to replace (created if missing)")

    openapi = sub.add_parser("openapi", help="print the OpenAPI description")
    openapi.add_argument("--write", metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "db", None) is not None:
            # Every command, before anything is opened or created: a URL never becomes a file.
            # A SQLite Path, or the PostgreSQL URL as given (admin.* and HubServer take both).
            target = parse_db(args.db)
            args.db = target.path if target.kind is DbKind.SQLITE else target.url
        match (args.command, getattr(args, "action", None)):
            case ("serve", _):
                return _serve(args)
            case ("org", "add"):
                admin.create_org(args.db, args.org_id, args.name)
            case ("org", "list"):
                _print(admin.list_orgs(args.db))
            case ("org", "agreement"):
                admin.set_agreement(args.db, args.org_id, args.share_block == "on")
            case ("coverage", "add"):
                admin.add_coverage(args.db, args.org_id, args.district)
            case ("staff", "add"):
                _print(admin.add_staff(args.db, args.org, args.staff_id, args.name, args.role))
            case ("staff", "list"):
                _print(admin.list_staff(args.db, args.org))
            case ("staff", "deactivate"):
                admin.deactivate_staff(args.db, args.org, args.staff_id)
            case ("token", "create"):
                info = admin.create_token_info(
                    args.db, args.role, args.org, args.staff_id, args.label, args.name
                )
                print(info["token"])
                print(f"token id {info['id']}; shown once, stored only as a hash", file=sys.stderr)
            case ("token", "list"):
                _print(admin.list_tokens(args.db))
            case ("token", "revoke"):
                if not 1 <= args.token_id <= MAX_INT:
                    print(f"cvi-hub: token id must be between 1 and {MAX_INT}", file=sys.stderr)
                    return 2
                if not admin.revoke_token(args.db, args.token_id):
                    print(f"no live token {args.token_id}", file=sys.stderr)
                    return 1
            case ("notify", _):
                return _notify(args)
            case ("epoch", _):
                print(admin.bump_epoch(args.db) if args.bump else admin.epoch(args.db))
            case ("backup", _):
                admin.backup(args.db, args.file)
                print(f"backed up {args.db} to {args.file}", file=sys.stderr)
            case ("restore", _):
                new = admin.restore_backup(args.file, args.db)
                print(new)
                print(f"restored {args.db} from {args.file}; new epoch {new}: every laptop sends "
                      "again what the backup lacks at its next sync", file=sys.stderr)
            case ("openapi", _):
                if args.write:
                    from .app import write_openapi

                    write_openapi(args.write)
                else:
                    import tempfile

                    from .app import create_app

                    with tempfile.TemporaryDirectory() as tmp:
                        app = create_app(Path(tmp) / "hub.sqlite3")
                        _print(app.openapi())
                        app.state.db.close()
    except (admin.AdminError, SchemaTooNew, DbError) as exc:
        print(f"cvi-hub: {exc}", file=sys.stderr)
        return 2
    except (sqlite3.Error, OSError, *BUSY_ERRORS) as exc:
        db = getattr(args, "db", None)
        shown = redact(db) if isinstance(db, str) else str(db) if db is not None else None
        reason = " ".join(str(exc).split())  # libpq's messages span lines; an admin reads one
        what = "hub database" if isinstance(db, str) else "hub file"
        print(f"cvi-hub: cannot use {what} {shown!r}: {reason}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        # `serve` and `openapi` need the server stack, the `hub` extra; the admin commands do not.
        print(f"cvi-hub: {args.command} needs the hub's packages ({exc.name} is not installed): "
              "pip install 'cvi-desktop[hub]'", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - an admin reads one line, never a traceback
        reason = " ".join(str(exc).split()) or type(exc).__name__
        print(f"cvi-hub: {args.command} failed: {reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
