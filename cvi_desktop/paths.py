"""Where a profile's files live: the platform's user data directory, one folder per profile.

`CVI_DESKTOP_HOME` overrides the base folder (tests, demos, portable installs).

Each profile folder also holds `profile.json`: the profile's own identity, a random id made when
the folder first gets a database. Keyring entries are named by that id, not by the profile's
name, because two data folders (`--home`, `CVI_DESKTOP_HOME`, a copied folder) can hold profiles
with the same name and must never share, or overwrite, each other's database key or sign-in. The
file holds no secret: the id only names entries in the keyring.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from .errors import CviError, ValidationError

PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def data_home() -> Path:
    override = os.environ.get("CVI_DESKTOP_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir("cvi-desktop", "cvi"))


def profile_dir(profile: str, home: Path | None = None) -> Path:
    if not PROFILE_NAME.match(profile) or profile.startswith("."):
        raise ValidationError("profile", "use letters, digits, dot, dash or underscore")
    return (home or data_home()) / "profiles" / profile


def database_path(profile: str, home: Path | None = None) -> Path:
    return profile_dir(profile, home) / "cvi.db"


IDENTITY_FILE = "profile.json"
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class ProfileIdentity:
    """Who a profile folder is, for naming its keyring entries.

    `legacy` marks a profile whose database predates profile ids: its secrets may still sit
    in the keyring under its name, and are moved to the id on first use (never for new ones,
    which would otherwise pick up another folder's secrets of the same name)."""

    id: str
    name: str
    legacy: bool = False


def identity_path(profile: str, home: Path | None = None) -> Path:
    return profile_dir(profile, home) / IDENTITY_FILE


def read_identity(profile: str, home: Path | None = None) -> ProfileIdentity | None:
    """The profile's identity, or None if the folder has none yet (new, or made before ids)."""
    path = identity_path(profile, home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CviError(f"{path} is damaged ({exc}); restore it from a backup of this folder.") from exc
    found = data.get("id") if isinstance(data, dict) else None
    if not isinstance(found, str) or not _ID.match(found):
        raise CviError(f"{path} has no valid profile id; restore it from a backup of this folder.")
    return ProfileIdentity(found, profile, legacy=bool(data.get("legacy")))


def write_aside(path: Path, body: object) -> Path:
    """`body` as JSON in a fresh file beside `path`, on disk before this returns; the caller
    moves it into place (link or replace), so no reader ever sees a half-written file."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with tmp.open("w", encoding="utf-8") as out:
        json.dump(body, out, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    return tmp


def ensure_identity(
    profile: str, home: Path | None = None, *, restore_id: str | None = None
) -> ProfileIdentity:
    """Read the profile's identity, making one (and the folder) if there is none.

    A folder that already has a database but no identity was made before profile ids: it is
    marked `legacy`, so its name-keyed keyring entries are looked for (and moved) once.
    `restore_id` puts back a lost `profile.json` with the id its recovery kit names."""
    found = read_identity(profile, home)
    if found is not None:
        return found
    path = identity_path(profile, home)
    db = database_path(profile, home)
    legacy = db.exists() and db.stat().st_size > 0
    path.parent.mkdir(parents=True, exist_ok=True)
    if restore_id is not None and not _ID.match(restore_id):
        restore_id = None
    made = ProfileIdentity(restore_id or secrets.token_hex(16), profile, legacy=legacy)
    body = {"format": 1, "id": made.id, "name": profile, "legacy": legacy,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    # Written aside, then linked into place: link never replaces an existing file, so if two
    # processes race one id wins, and nobody ever reads a half-written file.
    tmp = write_aside(path, body)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return read_identity(profile, home) or made
