"""Where a profile's files live: the platform's user data directory, one folder per profile.

`CVI_DESKTOP_HOME` overrides the base folder (tests, demos, portable installs).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

from .errors import ValidationError

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
