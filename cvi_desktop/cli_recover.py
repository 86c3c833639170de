"""`cvi-desktop recover`: re-open a profile whose database key the keyring has lost.

The recovery key (shown when the profile was made) is read from stdin, or from a hidden prompt
on a terminal, never from an argument (arguments end up in shell history and process lists).
The database gets a new key, which goes into the keyring; the recovery key stays valid.

Exit codes: 0 recovered (or nothing to recover), 2 the recovery key is mistyped or not this
profile's, 3 recovery is not possible here (no kit, no database, no keyring), 4 anything else.
Never a traceback: a person at a terminal after losing their keyring needs a sentence.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from .errors import CviError, KeyringUnavailable


def add_recover_command(commands: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        "recover",
        help="re-open a profile with its recovery key after the keyring lost its key",
        description="Re-open the profile's database with the recovery key shown when it was made, "
                    "and put a new database key in the system keyring. The key is read from stdin "
                    "or a hidden prompt.",
    )
    parser.add_argument("--force", action="store_true",
                        help="re-key even if the keyring's key still opens the database")
    parser.set_defaults(handler=cmd_recover)
    return parser


def _say(text: str) -> None:
    print(f"cvi-desktop recover: {text}", file=sys.stderr)


def cmd_recover(args: argparse.Namespace) -> int:
    try:
        return _recover(args)
    except KeyboardInterrupt:
        _say("stopped; nothing was changed.")
        return 4
    except Exception as exc:  # noqa: BLE001 - a sentence, never a traceback (see the docstring)
        _say(f"recovery failed ({type(exc).__name__}: {exc}). The database was not changed "
             "unless the message says so; the recovery key still opens it.")
        return 4


def _recover(args: argparse.Namespace) -> int:
    from . import recovery

    try:
        if not args.force and recovery.keyring_opens(args.profile, args.home):
            print(f"The keyring's key still opens profile {args.profile!r}; nothing to recover "
                  "(use --force to give the database a new key anyway).")
            return 0
        if sys.stdin.isatty():
            typed = getpass.getpass("Recovery key (six groups of five characters): ")
        else:
            typed = sys.stdin.readline()
        done = recovery.recover(args.profile, typed, home=args.home)
    except (recovery.RecoveryKeyInvalid, recovery.RecoveryKeyWrong) as exc:
        _say(str(exc))
        return 2
    except (recovery.RecoveryError, KeyringUnavailable) as exc:
        _say(str(exc))
        return 3
    except CviError as exc:
        _say(str(exc))
        return 4
    print(f"Recovered profile {done.profile!r}: {done.database} has a new key, now in the system "
          "keyring. Your recovery key still works; keep it safe. Sign in to the hub again if asked.")
    return 0
