"""The headless `cvi-desktop` command: what an administrator or a script needs.

`build_parser()` returns the parser and its sub-command group so the outer layers (`sync`,
`ui`) can add their own commands without the core importing them.

Exit codes: 0 done, 1 done but some input rows were refused, 2 bad usage, 3 the profile could
not be opened (keyring, newer database), 4 other errors the message explains, 5 this laptop's
storage failed (disk full, database locked by another program, read-only, damaged).
No command ends in a traceback: every error is a title and what to do, on stderr
(set CVI_DEBUG=1 to see the traceback of an unexpected one).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import sqlcipher3

from . import __version__, i18n, outbox
from .city_data import CityImportResult
from .cli_recover import add_recover_command
from .cli_team import add_team_commands
from .clock import system_clock
from .errors import CviError, DatabaseTooNew, KeyringUnavailable, StorageProblem, ValidationError
from .paths import data_home, database_path, profile_dir
from .queries import monthly_review
from .report import TABLE_NAMES as REPORT_TABLES
from .report import as_csv, as_text, as_zip, tables
from .store import keys
from .store.database import Store, open_profile, storage_problem
from .transfer import export_csv, import_incidents, import_responses

Handler = Callable[[argparse.Namespace], int]

DEMO_PROFILE = "demo"
DEMO_MARKER = "DEMO-PROFILE"


def _open(args: argparse.Namespace) -> Store:
    # Records carry the staff id the hub gave this profile (the store takes it from there);
    # --actor or the profile name only until the first sync.
    return open_profile(args.profile, home=args.home, actor=args.actor or args.profile)


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import seed_demo

    # A demo profile is disposable: start it fresh so the numbers below are what you see. A
    # profile without the demo marker holds someone's real work and is never replaced.
    folder = profile_dir(args.profile, args.home)
    marker = folder / DEMO_MARKER
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise CviError(f"profile {args.profile!r} holds real data; `demo` only replaces demo profiles. "
                       "Choose another --profile.")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    marker.write_text("This profile holds invented demo data and may be replaced.\n", encoding="utf-8")
    with _open(args) as store:
        summary = seed_demo(store, now=system_clock(), days=args.days)
        counts = outbox.counts(store)
        print(f"Demo profile {args.profile!r} seeded:")
        print(f"  {summary.staff} staff, {summary.incidents} incidents, {summary.actions} response actions,")
        print(f"  {summary.referrals} referrals, {summary.followups} follow-ups, {summary.reviews} reviews")
        print(f"  {counts['pending']} records waiting to share (notes and names stay on this laptop)")
        print(f"Data: {store.path} (encrypted; key in the system keyring: {keys.describe()})")
    return 0


def _report_import(kind: str, result: object) -> int:
    imported = result.imported
    errors = result.errors
    for error in errors:
        print(error, file=sys.stderr)
    if isinstance(result, CityImportResult):
        print("\n".join(result.summary()))
    else:
        print(f"Imported {len(imported)} {kind}; refused {len(errors)} rows.")
    return 1 if errors else 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"cvi-desktop: no such file: {path}", file=sys.stderr)
        return 2
    with _open(args) as store:
        if args.kind == "incidents":
            return _report_import("incidents", import_incidents(
                store, path, districts=args.districts, organisation=args.organisation))
        if args.districts is not None or args.organisation is not None:
            print("cvi-desktop: --districts and --organisation filter incidents only", file=sys.stderr)
            return 2
        return _report_import("response actions", import_responses(store, path))


def cmd_export(args: argparse.Namespace) -> int:
    with _open(args) as store:
        if args.out:
            with open(args.out, "w", newline="", encoding="utf-8") as handle:
                count = export_csv(store, args.kind, handle, private_reason=args.include_private)
            print(f"Exported {count} {args.kind} to {args.out}", file=sys.stderr)
        else:
            export_csv(store, args.kind, sys.stdout, private_reason=args.include_private)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The monthly review: text, one table as CSV (`--table`), or every table zipped (`--out`)."""
    if args.format == "zip" and not args.out:
        print("report: --format zip needs --out FILE (a zip is not for a terminal)", file=sys.stderr)
        return 2
    with _open(args) as store:
        if args.format == "csv":
            text = as_csv(store, args.month, args.table)
        elif args.format == "zip":
            review = monthly_review(store, args.month)
            Path(args.out).write_bytes(as_zip(review))
            print(f"Wrote {len(tables(review))} tables to {args.out}", file=sys.stderr)
            return 0
        else:
            text = as_text(store, args.month)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8", newline="")
        else:
            sys.stdout.write(text)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    path = database_path(args.profile, args.home)
    print(f"cvi-desktop {__version__}")
    print(f"Data folder: {args.home or data_home()}")
    print(f"Profile: {args.profile} ({path}{'' if path.exists() else ', not created yet'})")
    print(f"Keyring: {keys.describe()}")
    keys.secure_backend()
    if path.exists():
        with _open(args) as store:
            counts = outbox.counts(store)
            print(f"Schema version: {store.schema_version()}")
            print("Outbox: " + ", ".join(f"{n} {state}" for state, n in counts.items()))
    return 0


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(prog="cvi-desktop", description="CVI outreach response log.")
    parser.add_argument("--version", action="version", version=f"cvi-desktop {__version__}")
    parser.add_argument("--profile", default=DEMO_PROFILE, help="user profile (default: %(default)s)")
    parser.add_argument("--home", type=Path, default=None, help="data folder (default: the platform's)")
    parser.add_argument("--actor", default=None, help="who is acting, for the audit log")
    parser.add_argument("--language", choices=i18n.LANGUAGES, default=None,
                        help="language of the output: the monthly review, labels and messages "
                             "(default: the terminal's locale, else English)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="seed a fresh demo profile and say where it lives")
    demo.add_argument("--days", type=int, default=30, help="days of demo history (default: %(default)s)")
    demo.set_defaults(handler=cmd_demo)

    imp = commands.add_parser("import", help="import incidents or response actions from CSV or JSON")
    imp.add_argument("kind", choices=("incidents", "responses"))
    imp.add_argument("file")
    imp.add_argument(
        "--districts", metavar="LIST",
        help="city data portal victims file only: keep incidents in these districts (like 007,011; "
             "'held' adds the districts this laptop already holds incidents for)")
    imp.add_argument(
        "--organisation", metavar="NAME",
        help="city data portal victims file only: keep incidents whose STREET_OUTREACH_ORGANIZATION "
             "names NAME (any case); with --districts, either is enough")
    imp.set_defaults(handler=cmd_import)

    exp = commands.add_parser("export", help="export incidents or response actions as CSV")
    exp.add_argument("kind", choices=("incidents", "actions"))
    exp.add_argument("--out", help="file to write (default: standard output)")
    exp.add_argument(
        "--include-private",
        metavar="REASON",
        help="also export private fields; the reason goes to the audit log",
    )
    exp.set_defaults(handler=cmd_export)

    rep = commands.add_parser("report", help="the monthly shooting review")
    rep.add_argument("--month", required=True, help="YYYY-MM (a Chicago calendar month)")
    rep.add_argument("--format", choices=("text", "csv", "zip"), default="text",
                     help="text, one table as CSV, or every table as CSV in a zip (default: %(default)s)")
    rep.add_argument("--table", choices=REPORT_TABLES, default="districts",
                     help="the table --format csv writes (default: %(default)s)")
    rep.add_argument("--out", help="file to write (default: standard output; required for zip)")
    rep.set_defaults(handler=cmd_report)

    doc = commands.add_parser("doctor", help="where the data is, schema, keyring, outbox")
    doc.set_defaults(handler=cmd_doctor)
    add_team_commands(commands, _open)
    add_recover_command(commands)
    return parser, commands


EXIT_STORAGE = 5


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse and run one command (the core's or an outer layer's): every error becomes a message
    and an exit code, never a traceback."""
    args = parser.parse_args(argv)
    # Before anything is opened, so every message of this run is in one language. Codes in
    # files (exports, the wire) never change with it; only what a person reads does.
    i18n.set_language(getattr(args, "language", None) or i18n.environment_language())
    try:
        return int(args.handler(args))
    except StorageProblem as exc:
        return storage_failed(exc)
    except (KeyringUnavailable, DatabaseTooNew) as exc:
        print(f"cvi-desktop: {exc}", file=sys.stderr)
        return 3
    except ValidationError as exc:
        print(f"cvi-desktop: {exc.field}: {exc.reason}", file=sys.stderr)
        return 2
    except CviError as exc:
        print(f"cvi-desktop: {exc}", file=sys.stderr)
        return 4
    except sqlcipher3.Error as exc:
        # Reached SQLite around the store's wrappers (a migration at open, sqlite_utils).
        problem = storage_problem(exc, database_path(args.profile, args.home))
        if problem is not None:
            return storage_failed(problem)
        return _unexpected(exc)
    except OSError as exc:
        # A file the command reads or writes (an import sheet, an --out file on a full disk).
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"cvi-desktop: {exc.strerror or type(exc).__name__}{where}. Nothing in the profile "
              "was changed by the failed step.", file=sys.stderr)
        return 4
    except Exception as exc:
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    # A bug, not the person's doing: one line they can report (the type only: a message could
    # hold record content), the traceback on request.
    if os.environ.get("CVI_DEBUG"):
        raise exc
    print(f"cvi-desktop: unexpected error ({type(exc).__name__}). Your saved work is safe; "
          "run again with CVI_DEBUG=1 and send the output to your supervisor.", file=sys.stderr)
    return 4


def storage_failed(exc: StorageProblem) -> int:
    """Print a storage problem as a title and what to do; the exit code for it."""
    print(f"cvi-desktop: {exc.title}.\n{exc.action}", file=sys.stderr)
    return EXIT_STORAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser, _ = build_parser()
    return run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
