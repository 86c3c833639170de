"""`cvi-desktop sync`: run sync headless (one pass with --once, or until Ctrl-C), or save the
hub token in the keyring (--set-token, read from stdin or a hidden prompt, never an argument).

`add_sync_command(subparsers)` adds it to the core's parser (which owns --profile and --home);
`main()` is that composed command.
Exit codes: 0 synced, 1 offline or hub trouble (will retry), 2 sign-in needed, 3 paused by the
hub (403 / client too old), 4 another syncer holds this profile, 5 this laptop's storage failed
(disk full, database locked by another program, read-only, damaged). Never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import threading
from pathlib import Path
from typing import Any

from cvi_desktop import cli as core_cli
from cvi_desktop.errors import CviError, StorageProblem
from cvi_desktop.services import settings
from cvi_desktop.store import open_profile

from .client import AccessDenied, ClientTooOld, HubClient, SignInNeeded, SyncError, check_address
from .credentials import keyring_token_source, set_token
from .engine import SyncEngine, SyncService
from .engine import events as ev
from .engine.core import LocalStorageProblem
from .lock import ProfileLock, SyncAlreadyRunning

HUB_URL_KEY = "sync.hub_url"
CA_BUNDLE_KEY = "sync.ca_bundle"


def add_sync_command(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sync", help="share waiting records with the hub and fetch the team's incidents",
        description="Sync this profile with the hub. Saving never needs this; it only shares.")
    parser.add_argument("--hub", metavar="URL", help="hub address; remembered for this profile")
    parser.add_argument("--ca-bundle", metavar="FILE", type=Path,
                        help="certificate authority file for a hub with a private certificate")
    parser.add_argument("--once", action="store_true", help="one full sync, then exit")
    parser.add_argument("--set-token", action="store_true",
                        help="read the hub token from stdin (or a hidden prompt) into the keyring")
    parser.set_defaults(handler=run_sync)
    return parser


def _say(text: str) -> None:
    print(text, flush=True)


def _printer(event: ev.SyncEvent) -> None:
    if isinstance(event, ev.Progress):
        _say(f"  {event.sent}/{event.total} records answered")
    elif isinstance(event, ev.RecordQuarantined):
        _say(f"  set aside: {event.kind} {event.record_id} v{event.version} ({event.reason})")
    elif isinstance(event, ev.NotificationReceived):
        _say(f"  new incident {event.incident_id}")
    elif isinstance(event, ev.TeamRecordsReceived):
        _say(f"  teammates' records arrived for {len(event.incident_ids)} incident(s)")
    elif isinstance(event, ev.IdentityChanged):
        me = event.identity
        _say(f"  signed in as {me.get('display_name') or me.get('staff_id')} ({me.get('role')})")
    elif isinstance(event, ev.HubRestored):
        _say(f"  the hub was restored from a backup; sending {event.requeued} records again")


def run_sync(args: argparse.Namespace) -> int:
    if args.set_token:
        token = sys.stdin.readline() if not sys.stdin.isatty() else getpass.getpass("Hub token: ")
        set_token(args.profile, token, home=args.home)  # entries are per data folder
        _say("Token saved in the system keyring.")
        if not args.once:
            return 0
    try:
        store = open_profile(args.profile, home=args.home)
    except StorageProblem as exc:
        return core_cli.storage_failed(exc)
    except CviError as exc:
        _say(str(exc))
        return 1
    try:
        url = args.hub or settings.get_value(store, HUB_URL_KEY)
        if not url:
            _say("No hub address for this profile: pass --hub https://…")
            return 1
        url = check_address(url)
        if args.hub:
            settings.set_value(store, HUB_URL_KEY, url)
        ca = args.ca_bundle or settings.get_value(store, CA_BUNDLE_KEY)
        if args.ca_bundle:
            settings.set_value(store, CA_BUNDLE_KEY, str(args.ca_bundle))
        client = HubClient(url, keyring_token_source(args.profile, home=args.home),
                           ca_bundle=Path(ca) if ca else None)
        try:
            with ProfileLock.for_database(store.path):
                engine = SyncEngine(store, client, listeners=[_printer])
                if args.once:
                    return _once(engine)
                return _forever(engine)
        except SyncAlreadyRunning as exc:
            _say(f"{exc.title}. {exc.action}")
            return 4
    except SyncError as exc:
        _say(f"{exc.title}. {exc.action}")
        return 1
    except StorageProblem as exc:  # e.g. remembering --hub in a database another program locks
        return core_cli.storage_failed(exc)
    finally:
        store.close()


def _once(engine: SyncEngine) -> int:
    report = engine.sync_once("demand")
    status = engine.status()
    if report.error is None:
        _say(f"Synced: {report.acknowledged} shared, {report.quarantined} set aside, "
             f"{report.pulled} incident updates. {status.text()}")
        return 0
    _say(f"{report.error.title}. {report.error.action}")
    _say(status.text())
    if isinstance(report.error, SignInNeeded):
        return 2
    if isinstance(report.error, AccessDenied | ClientTooOld):
        return 3
    if isinstance(report.error, LocalStorageProblem):
        return core_cli.EXIT_STORAGE
    return 1


def _forever(engine: SyncEngine) -> int:
    done = threading.Event()
    engine.add_listener(lambda e: _say(engine.status().text()) if isinstance(
        e, ev.SyncFinished | ev.Offline | ev.StorageProblem | ev.SignInNeeded | ev.Paused) else None)
    service = SyncService(engine).start()
    _say("Syncing; press Ctrl-C to stop.")
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()
    return 0


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The core's command with `sync` added: what the `cvi-desktop` entry point runs."""
    parser, commands = core_cli.build_parser()
    add_sync_command(commands)
    return parser, commands


def main(argv: list[str] | None = None) -> int:
    parser, _ = build_parser()
    return core_cli.run(parser, argv)
