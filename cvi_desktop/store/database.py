"""Opening the encrypted database and the one way to write to it.

`Store` owns one SQLCipher connection. Every write goes through `Store.write()`, which holds
a lock and wraps the block in `BEGIN IMMEDIATE … COMMIT` (rolled back on any error), so a
domain row, its audit entry and its outbox entry land together or not at all. The UI gives
the store to a single worker thread; the lock makes other callers (CLI, tests) safe too.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlite_utils import Database

from ..clock import Clock, system_clock
from ..errors import CviError, DatabaseTooNew
from ..paths import database_path
from .keys import KeySource, keyring_key_source
from .migrations import KNOWN_NAMES, MIGRATIONS, SCHEMA_VERSION

# The sync_state key holding who the hub says this profile's person is (see services.settings).
IDENTITY_KEY = "identity"


class Store:
    """An open, migrated, encrypted profile database."""

    def __init__(self, path: Path, key: str, *, clock: Clock = system_clock, actor: str = "local",
                 migrate: bool = True) -> None:
        self.path = Path(path)
        self.clock = clock
        self.actor = actor
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existed = self.path.exists() and self.path.stat().st_size > 0
        self.conn = _connect(self.path, key)
        self.db = Database(self.conn)
        self.backup_path: Path | None = None
        if migrate:
            self._migrate(existed)
            # Once the hub has said who this laptop's person is, records are theirs by staff id.
            staff_id = self._identity_staff_id()
            if staff_id:
                self.actor = staff_id

    # --- lifecycle ---------------------------------------------------------------------------

    def _migrate(self, existed: bool) -> None:
        applied = [m.name for m in MIGRATIONS.applied(self.db)]
        unknown = [name for name in applied if name not in KNOWN_NAMES]
        if unknown:
            self.close()
            raise DatabaseTooNew(
                f"This profile was saved by a newer version of cvi-desktop (schema step "
                f"{unknown[-1]!r}). Install the newer version; nothing was changed."
            )
        if len(applied) == SCHEMA_VERSION:
            return
        if existed and applied:
            self.backup_path = self._copy_aside(len(applied))
        MIGRATIONS.apply(self.db)
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _copy_aside(self, from_version: int) -> Path:
        """Keep the pre-migration file: a failed upgrade must never cost a worker their data."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stamp = self.clock().strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.v{from_version}-{stamp}.bak")
        shutil.copy2(self.path, target)
        return target

    def _identity_staff_id(self) -> str | None:
        value = self.scalar("SELECT value FROM sync_state WHERE key = ?", [IDENTITY_KEY])
        if not value:
            return None
        found = json.loads(value).get("staff_id")
        return str(found) if found else None

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- access ------------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction. Nested calls join the outer one."""
        with self._lock:
            if self.conn.in_transaction:
                yield self.db
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def now(self) -> datetime:
        return self.clock()

    def schema_version(self) -> int:
        return len(MIGRATIONS.applied(self.db))


def _connect(path: Path, key: str) -> sqlcipher3.Connection:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise CviError("database key must be 64 lowercase hex digits")
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
    # A raw key skips SQLCipher's passphrase derivation: the key is already 256 random bits.
    conn.execute(f"PRAGMA key = \"x'{key}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise CviError(
            f"{path} cannot be opened with this profile's key from the keyring; it was made with "
            "another key or is damaged. Nothing was changed."
        ) from exc
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    # SQLCipher decrypts every page it reads from disk; a 64 MB page cache keeps a profile's
    # working set decrypted, which makes repeated list, search and report queries several times
    # faster at 100k incidents. It is only filled as pages are used.
    conn.execute("PRAGMA cache_size = -65536")
    return conn


def open_profile(profile: str, *, home: Path | None = None, key_source: KeySource = keyring_key_source,
                 clock: Clock = system_clock, actor: str = "local") -> Store:
    """Open (creating if needed) the profile's encrypted store with its key from the keyring."""
    path = database_path(profile, home)
    return Store(path, key_source(profile), clock=clock, actor=actor)
