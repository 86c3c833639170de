"""The lock screen's PIN or passphrase: chosen per profile, kept as a slow hash, a few tries.

A locked laptop used to ask for the 47-character hub token, which nobody can type from memory.
Now each profile's person chooses a PIN or passphrase (at least `MIN_LENGTH` characters). It is
kept only as an scrypt hash with its own random salt, in the profile's encrypted database
(`settings`, the same place as the other profile settings), never next to the hub token.

After `MAX_TRIES` wrong answers in a row the PIN stops working, even the right one, until the
person signs in fully with the hub token (`reset_tries`): a shared laptop left locked cannot be
opened by guessing a short PIN. Each check is audited (never with what was typed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from ..errors import ValidationError
from ..store.database import Store
from . import settings
from .audit import audit

PIN_KEY = "unlock.pin"
FAILED_KEY = "unlock.failed"
MAX_TRIES = 5
MIN_LENGTH = 4
MAX_LENGTH = 128
# scrypt's cost: ~50 ms and 16 MiB per check on a modest laptop. Slow enough that the hash, if
# the database were ever read, does not give up a 4-digit PIN in a blink; fast enough to unlock.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1


@dataclass(frozen=True)
class Check:
    """What a PIN check found: `ok`, and how many tries are left before a full sign-in."""

    ok: bool
    tries_left: int

    @property
    def needs_sign_in(self) -> bool:
        return not self.ok and self.tries_left == 0


def _hash(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def has_pin(store: Store) -> bool:
    """Whether this profile's person has chosen a PIN or passphrase."""
    return settings.get_value(store, PIN_KEY) is not None


def set_pin(store: Store, pin: str) -> None:
    """Choose (or change) the PIN or passphrase; the tries start again."""
    if len(pin) < MIN_LENGTH:
        raise ValidationError("pin", f"must be at least {MIN_LENGTH} characters")
    if len(pin) > MAX_LENGTH:
        raise ValidationError("pin", f"must be at most {MAX_LENGTH} characters")
    if pin != pin.strip():
        # Spaces at either end are invisible on a password field and easy to mistype later.
        raise ValidationError("pin", "cannot start or end with a space")
    salt = secrets.token_bytes(16)
    record = {
        "alg": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": salt.hex(),
        "hash": _hash(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).hex(),
    }
    with store.write() as db:  # one transaction: the hash, the tries and the audit together
        settings.set_value(store, PIN_KEY, json.dumps(record, sort_keys=True))
        settings.set_value(store, FAILED_KEY, "0")
        audit(store, db, "set_unlock_pin", "profile", "unlock")


def tries_left(store: Store) -> int:
    failed = int(settings.get_value(store, FAILED_KEY) or 0)
    return max(MAX_TRIES - failed, 0)


def verify_pin(store: Store, pin: str) -> Check:
    """Check a typed PIN. A wrong one uses up a try; with none left, even the right one is
    refused until `reset_tries` (after a full sign-in with the hub token)."""
    raw = settings.get_value(store, PIN_KEY)
    if raw is None:
        return Check(False, 0)
    left = tries_left(store)
    if left == 0:
        return Check(False, 0)
    record = json.loads(raw)
    typed = _hash(pin, bytes.fromhex(record["salt"]), int(record["n"]), int(record["r"]), int(record["p"]))
    ok = hmac.compare_digest(typed, bytes.fromhex(record["hash"]))
    left = MAX_TRIES if ok else left - 1
    with store.write() as db:
        settings.set_value(store, FAILED_KEY, str(MAX_TRIES - left))
        audit(store, db, "unlock_pin" if ok else "unlock_pin_refused", "profile", "unlock")
    return Check(ok, left)


def reset_tries(store: Store) -> None:
    """The person signed in fully (the hub token): the PIN works again."""
    settings.set_value(store, FAILED_KEY, "0")


def clear_pin(store: Store) -> None:
    """Forget the PIN: the lock screen asks for the hub token again (and offers to choose one)."""
    with store.write() as db:
        db.execute("DELETE FROM sync_state WHERE key IN (?, ?)", [PIN_KEY, FAILED_KEY])
        audit(store, db, "clear_unlock_pin", "profile", "unlock")
