"""The recovery kit: a way back into a profile's database when the OS keyring is lost.

A profile's notes and participants exist only in its encrypted database, whose key exists only
in the keyring; a reinstalled or reset keyring used to mean the data was gone for good. So each
profile also gets a *recovery key*, shown to the person once (to write down or print), and a
*kit file*, `recovery.json` beside the database, holding the database key encrypted under the
recovery key:

* recovery key: 120 random bits written as six groups of five characters (Crockford base32, so
  O/0 and I/L/1 are the same), each group ending in a check character over its four data
  characters and its position, so a mistyped or swapped group is named, not just "wrong".
* kit: scrypt (n=2^15, r=8, p=1) turns the recovery key into a 256-bit wrapping key; each database
  key is sealed with AES-256-GCM, bound to the profile id. The file holds no secret in the
  clear; without the recovery key it is noise.
* recovery (`recover`): unwrap, check the key really opens the database, then give the
  database a NEW key (`PRAGMA rekey`) and put that in the keyring, so a key that lived in the
  lost keyring no longer opens the live database. Every step leaves a kit the recovery key can
  open the database with, so a crash half way loses nothing. Earlier keys stay sealed in the
  kit, because the pre-migration backups (`cvi.db.v*.bak`) are still encrypted with them.

The recovery key also stays in the keyring (`recovery-key:<profile id>`) so the app can show it
again to the person signed in; anyone who can read that entry can read the database key anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import CviError
from .paths import ProfileIdentity, database_path, ensure_identity, profile_dir, read_identity, write_aside
from .store import keys

KIT_FILE = "recovery.json"
# Present until the person has seen the recovery key once (the app shows it, then removes this).
NOT_SHOWN_MARKER = "RECOVERY-KEY-NOT-YET-SHOWN"

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_ALIASES = {"O": "0", "I": "1", "L": "1"}
GROUPS = 6
DATA_CHARS = 4  # per group, plus one check character
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_FORMAT = 1


class RecoveryError(CviError):
    """Recovery did not happen; the message says what was wrong. Nothing was changed."""


class RecoveryKeyInvalid(RecoveryError):
    """The typed text is not a recovery key (wrong length, a character never used, a typo)."""


class RecoveryKeyWrong(RecoveryError):
    """A well-formed recovery key, but not the one for this profile's kit."""


class NoRecoveryKit(RecoveryError):
    """The profile has no kit file (made before recovery keys, and never opened since)."""


# --- the recovery key as text ----------------------------------------------------------------


def _check_char(position: int, data: str) -> str:
    # Luhn mod 32 over the group's position and its characters: catches every single
    # substitution and every swap of neighbours within a group, and a group typed in the
    # wrong place.
    codes = [position, *(ALPHABET.index(c) for c in data)]
    total, factor = 0, 2
    for code in reversed(codes):
        addend = factor * code
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def generate_recovery_key() -> str:
    """A fresh recovery key, e.g. `7KQ2M-0X4VH-…` (six groups of five)."""
    bits = int.from_bytes(secrets.token_bytes(GROUPS * DATA_CHARS * 5 // 8), "big")
    chars = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(GROUPS * DATA_CHARS))
    groups = [chars[i * DATA_CHARS:(i + 1) * DATA_CHARS] for i in range(GROUPS)]
    return "-".join(g + _check_char(n, g) for n, g in enumerate(groups))


def normalize_recovery_key(text: str) -> str:
    """The canonical form of a typed recovery key, or `RecoveryKeyInvalid` naming the mistake.

    Case, spaces and dashes do not matter; O reads as 0 and I or L as 1."""
    cleaned = "".join(c for c in text.upper() if not c.isspace() and c != "-")
    cleaned = "".join(_ALIASES.get(c, c) for c in cleaned)
    if not cleaned:
        raise RecoveryKeyInvalid("No recovery key was entered.")
    bad = sorted({c for c in cleaned if c not in ALPHABET})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise RecoveryKeyInvalid(
            f"The recovery key has {shown}, which never appear in recovery keys "
            f"(they use the digits and the letters except I, L, O and U)."
        )
    size = DATA_CHARS + 1
    if len(cleaned) != GROUPS * size:
        raise RecoveryKeyInvalid(
            f"The recovery key has {len(cleaned)} characters; it should have {GROUPS * size} "
            f"({GROUPS} groups of {size})."
        )
    groups = [cleaned[i * size:(i + 1) * size] for i in range(GROUPS)]
    wrong = [n + 1 for n, g in enumerate(groups) if _check_char(n, g[:DATA_CHARS]) != g[DATA_CHARS]]
    if wrong:
        which = ", ".join(str(n) for n in wrong)
        noun = "group" if len(wrong) == 1 else "groups"
        raise RecoveryKeyInvalid(
            f"There is a typo in {noun} {which} of the recovery key (counting from the left); "
            "check those characters against the written-down key."
        )
    return "-".join(groups)


# --- the kit file ----------------------------------------------------------------------------


def kit_path(profile: str, home: Path | None = None) -> Path:
    return profile_dir(profile, home) / KIT_FILE


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


def _wrapping_key(recovery_key: str, salt: bytes, params: dict[str, int]) -> bytes:
    secret = normalize_recovery_key(recovery_key).replace("-", "").encode("ascii")
    return hashlib.scrypt(secret, salt=salt, n=params["n"], r=params["r"], p=params["p"],
                          maxmem=128 * 1024 * 1024, dklen=32)


def _aad(identity: ProfileIdentity) -> bytes:
    return f"cvi-desktop recovery kit {_FORMAT} {identity.id}".encode("ascii")


def write_kit(path: Path, identity: ProfileIdentity, recovery_key: str, db_keys: list[str]) -> None:
    """Seal the database keys (current first) under the recovery key, replacing the file whole."""
    salt = secrets.token_bytes(16)
    aead = AESGCM(_wrapping_key(recovery_key, salt, _SCRYPT))
    sealed = []
    for key in db_keys:
        nonce = secrets.token_bytes(12)
        sealed.append({"nonce": _b64(nonce),
                       "sealed": _b64(aead.encrypt(nonce, bytes.fromhex(key), _aad(identity)))})
    body = {
        "format": _FORMAT,
        "about": "cvi-desktop recovery kit: the database key, encrypted under this profile's "
                 "recovery key. Use `cvi-desktop recover` if the system keyring is lost.",
        "profile_id": identity.id,
        "kdf": {"name": "scrypt", **_SCRYPT, "salt": _b64(salt)},
        "aead": "AES-256-GCM",
        "keys": sealed,
    }
    os.replace(write_aside(path, body), path)  # the old kit stays whole until the new one is complete


def unwrap_kit(path: Path, identity: ProfileIdentity, recovery_key: str) -> list[str]:
    """The database keys sealed in the kit (current first), or an error saying what is wrong."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise NoRecoveryKit(f"There is no recovery kit ({path}) for this profile.") from exc
    except (OSError, ValueError) as exc:
        raise RecoveryError(f"The recovery kit {path} is damaged ({exc}).") from exc
    try:
        if body["format"] != _FORMAT or body["kdf"]["name"] != "scrypt":
            raise RecoveryError(f"The recovery kit {path} was made by another version of cvi-desktop.")
        if body["profile_id"] != identity.id:
            raise RecoveryError(
                f"The recovery kit {path} belongs to another profile (it was copied from elsewhere)."
            )
        kdf = body["kdf"]
        params = {"n": int(kdf["n"]), "r": int(kdf["r"]), "p": int(kdf["p"])}
        aead = AESGCM(_wrapping_key(recovery_key, _unb64(kdf["salt"]), params))
        sealed = [(_unb64(k["nonce"]), _unb64(k["sealed"])) for k in body["keys"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise RecoveryError(f"The recovery kit {path} is damaged ({exc}).") from exc
    opened = []
    for nonce, blob in sealed:
        try:
            opened.append(aead.decrypt(nonce, blob, _aad(identity)).hex())
        except InvalidTag as exc:
            raise RecoveryKeyWrong(
                f"That recovery key is well formed but it is not the one for profile "
                f"{identity.name!r} in {path.parent.parent.parent}. Each profile (and each data "
                "folder) has its own; check the profile and the written-down key."
            ) from exc
    return opened


def kit_profile_id(profile: str, home: Path | None = None) -> str | None:
    """The profile id a kit was made for (not secret), to put back a lost `profile.json`."""
    try:
        found = json.loads(kit_path(profile, home).read_text(encoding="utf-8")).get("profile_id")
    except (OSError, ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


# --- making and using the kit ----------------------------------------------------------------


def ensure_kit(profile: str, home: Path | None, identity: ProfileIdentity, db_key: str) -> bool:
    """Give the profile a recovery key and kit if it has none (new, or made before kits).

    Returns True if one was made (the app then shows the key once)."""
    path = kit_path(profile, home)
    if path.exists():
        return False
    recovery_key = generate_recovery_key()
    # Keyring first: if writing the kit fails, the next open simply makes a new pair.
    keys.set_secret_checked(keys.entry_name(keys.RECOVERY_KEY, identity.id), recovery_key, "recovery key")
    write_kit(path, identity, recovery_key, [db_key])
    (path.parent / NOT_SHOWN_MARKER).write_text(
        "The recovery key of this profile has not been shown yet; cvi-desktop shows it at the "
        "next start and then deletes this file. It is in the system keyring, not here.\n",
        encoding="utf-8",
    )
    return True


def needs_showing(profile: str, home: Path | None = None) -> bool:
    """True until the person has been shown the recovery key once."""
    return (profile_dir(profile, home) / NOT_SHOWN_MARKER).exists()


def mark_shown(profile: str, home: Path | None = None) -> None:
    (profile_dir(profile, home) / NOT_SHOWN_MARKER).unlink(missing_ok=True)


def saved_recovery_key(profile: str, home: Path | None = None) -> str | None:
    """The recovery key kept in the keyring, to show again (callers confirm who is asking)."""
    identity = read_identity(profile, home)
    if identity is None:
        return None
    return keys.get_secret(keys.entry_name(keys.RECOVERY_KEY, identity.id))


@dataclass(frozen=True)
class Recovered:
    profile: str
    database: Path
    kit: Path


def recover(profile: str, recovery_key: str, home: Path | None = None) -> Recovered:
    """Re-open the profile's database with its recovery key and give it a new key in the keyring.

    Raises a `RecoveryError` (nothing changed) when the key is mistyped, belongs to another
    profile, or the kit or database is missing."""
    from .store.database import key_opens, rekey

    canonical = normalize_recovery_key(recovery_key)  # typos are named before anything is read
    db = database_path(profile, home)
    if not db.exists() or db.stat().st_size == 0:
        raise RecoveryError(f"There is no database for profile {profile!r} at {db}; nothing to recover.")
    path = kit_path(profile, home)
    identity = read_identity(profile, home)
    if identity is None and path.exists():
        identity = ensure_identity(profile, home, restore_id=kit_profile_id(profile, home))
    if identity is None:
        raise NoRecoveryKit(
            f"Profile {profile!r} has no profile id or recovery kit in {db.parent}: it was made "
            "before recovery keys and never opened since, so it cannot be recovered this way."
        )
    sealed = unwrap_kit(path, identity, canonical)
    current = next((k for k in sealed if key_opens(db, k)), None)
    if current is None:
        raise RecoveryError(
            f"The recovery key is right, but none of the keys in the kit opens {db}: the database "
            "file was replaced or is damaged. Nothing was changed."
        )
    fresh = keys.new_database_key()
    previous = [current, *(k for k in sealed if k != current)]
    # 1. The kit can open the database under either key from here on.
    write_kit(path, identity, canonical, [fresh, *previous])
    # 2. The keyring gets the new key (the old key still opens the file: the kit covers it).
    keys.set_secret_checked(keys.entry_name(keys.DATABASE_KEY, identity.id), fresh)
    # 3. The database takes the new key.
    try:
        rekey(db, current, fresh)
    except CviError as exc:
        # Still under its old key (another program has it open): the keyring gets that back, so
        # the profile opens as it did; the kit holds both keys either way.
        keys.set_secret_checked(keys.entry_name(keys.DATABASE_KEY, identity.id), current)
        raise RecoveryError(str(exc)) from exc
    keys.set_secret_checked(keys.entry_name(keys.RECOVERY_KEY, identity.id), canonical, "recovery key")
    return Recovered(profile, db, path)


def keyring_opens(profile: str, home: Path | None = None) -> bool:
    """Whether the keyring's key already opens the profile's database (then nothing is lost)."""
    from .store.database import key_opens

    identity = read_identity(profile, home)
    db = database_path(profile, home)
    if identity is None or not db.exists():
        return False
    key = keys.get_secret(keys.entry_name(keys.DATABASE_KEY, identity.id))
    return key is not None and key_opens(db, key)
