"""What a hub's `--db` names: a SQLite file path (the embedded default) or a database URL.

    parse_db("hub.sqlite3")                           DbTarget(kind="sqlite", path=hub.sqlite3)
    parse_db("postgresql://hub@/cvihub?host=/run/postgresql")   DbTarget(kind="postgresql", ...)
    parse_db("mysql://x")                             BadDb: names the accepted forms

`sqlite_file(value)` is what every `cvi-hub` command, `HubServer` and `create_app` call: the
file's path, or `NotBuilt` for a PostgreSQL URL (until the hub has a PostgreSQL engine) and
`BadDb` for anything else. Both are `DbError`, a ValueError whose message is one line and never
repeats a URL's password.

Rules:
- A value that starts with a URL scheme (`name:`, two or more characters, so a Windows drive
  letter `C:\\hub.sqlite3` is still a path) is a URL. Before this rule `--db
  postgresql://hub@/cvihub` made a SQLite file in a folder named `postgresql:`; a file whose name
  really does start like a scheme is written with a folder in front (`./hub:1.sqlite3`).
- `postgresql://...` and `postgres://...` (libpq's two spellings) are PostgreSQL; the URL is
  kept whole for the engine to come, which will hand it to the driver as it is.
- `sqlite:` URLs are refused rather than read as a file: SQLAlchemy reads `sqlite:///var/hub`
  as the relative path `var/hub` and file URLs read it as `/var/hub`, and a hub's data landing
  in the wrong folder without a word is worse than asking for the plain path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# A scheme as RFC 3986 spells it, at least two characters (one is a Windows drive letter).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
POSTGRES_SCHEMES = frozenset(("postgresql", "postgres"))
ACCEPTED = "a SQLite file path (e.g. --db /var/lib/cvi-hub/hub.sqlite3) or a postgresql:// URL"


class DbError(ValueError):
    """A `--db` value the hub cannot use; the message is one line, fit for an admin."""


class BadDb(DbError):
    """Neither a file path nor a URL the hub recognises."""


class NotBuilt(DbError):
    """A PostgreSQL URL where only a SQLite file will do (`sqlite_path`)."""


class DbKind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@dataclass(frozen=True)
class DbTarget:
    """A parsed `--db`: a SQLite file (`path`) or a PostgreSQL URL (`url`, kept as given)."""

    kind: DbKind
    path: Path | None = None
    url: str | None = field(default=None, repr=False)  # may hold a password: never in repr

    @property
    def display(self) -> str:
        """For messages and logs: the path, or the URL with any password replaced by ***."""
        if self.path is not None:
            return str(self.path)
        return redact(self.url or "")

    def __repr__(self) -> str:
        return f"DbTarget(kind={self.kind.value!r}, {self.display!r})"

    def sqlite_path(self) -> Path:
        """The SQLite file, or NotBuilt: the one place a PostgreSQL target is turned away."""
        if self.kind is DbKind.POSTGRESQL or self.path is None:
            raise NotBuilt("this command works on a SQLite hub file only; give --db a file path")
        return self.path


def redact(url: str) -> str:
    """`url` with the password (if any) replaced by ***, for anything a person may read."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unreadable URL)"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def parse_db(value: str | Path | DbTarget) -> DbTarget:
    """What `value` names; BadDb if it is empty or a URL of a kind the hub does not use.

    A Path is a file whatever its name: the caller has already decided (the CLI passes on the
    Path it parsed, and `Path("./hub:1.sqlite3")` prints without the `./` that made it one)."""
    if isinstance(value, DbTarget):
        return value
    if isinstance(value, Path):
        return DbTarget(DbKind.SQLITE, path=value)
    text = str(value)
    if not text.strip():
        raise BadDb(f"--db is empty; give {ACCEPTED}")
    found = _SCHEME.match(text)
    if found is None:
        return DbTarget(DbKind.SQLITE, path=Path(text))
    scheme = found.group(1).lower()
    rest = text[found.end():]
    if scheme in POSTGRES_SCHEMES and rest.startswith("//"):
        return DbTarget(DbKind.POSTGRESQL, url=text)
    if scheme == "sqlite":
        raise BadDb(
            "sqlite: URLs are not accepted (tools disagree on which folder their slashes mean); "
            "give the SQLite file as a plain path, e.g. --db /var/lib/cvi-hub/hub.sqlite3"
        )
    # Name the scheme only: the rest of an unknown URL may hold a password.
    if rest.startswith("//"):
        raise BadDb(f"--db {scheme}://... is not a database this hub can use; give {ACCEPTED}")
    raise BadDb(
        f"--db {scheme}:... reads as a URL, not one this hub can use; give {ACCEPTED} "
        f"(a file whose name starts with '{scheme}:' is written ./{scheme}:...)"
    )


def sqlite_file(value: str | Path | DbTarget) -> Path:
    """The SQLite file `value` names; NotBuilt for a PostgreSQL URL, BadDb for anything else."""
    return parse_db(value).sqlite_path()
