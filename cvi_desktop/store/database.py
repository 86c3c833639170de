"""Opening the encrypted database and the one way to write to it.

`Store` owns one SQLCipher connection. Every write goes through `Store.write()`, which holds
a lock and wraps the block in `BEGIN IMMEDIATE … COMMIT` (rolled back on any error), so a
domain row, its audit entry and its outbox entry land together or not at all. The UI gives
the store to a single worker thread; the lock makes other callers (CLI, tests) safe too.

A full disk, a database locked by another program, a read-only or a damaged file come out of
`write`, `rows`, `scalar` and opening as ONE error, `StorageProblem`, with words a person can
act on; every other SQLite error (a constraint, a bug in a query) is raised unchanged. Inside a
write block the raw error travels to the block's end, where it is converted once after the
rollback, so code in the block that catches its own errors cannot mistake a full disk for one.
"""

from __future__ import annotations

import json
import logging
import os
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
from ..errors import CviError, DatabaseTooNew, StorageProblem
from ..paths import ProfileIdentity, database_path, ensure_identity, read_identity
from . import keys
from .keys import KeySource
from .migrations import KNOWN_NAMES, MIGRATIONS, SCHEMA_VERSION

# The sync_state key holding who the hub says this profile's person is (see services.settings).
IDENTITY_KEY = "identity"

log = logging.getLogger(__name__)

# How long a statement waits for another program's lock before giving up. Our own transactions
# last milliseconds, so a wait of seconds means another program holds the file; waiting longer
# would only freeze the window (the UI's store thread waits with it) before saying so.
BUSY_TIMEOUT_SECONDS = 3.0


class Store:
    """An open, migrated, encrypted profile database."""

    def __init__(self, path: Path, key: str, *, clock: Clock = system_clock, actor: str = "local",
                 migrate: bool = True) -> None:
        self.path = Path(path)
        self.clock = clock
        self.actor = actor
        self._lock = threading.RLock()
        self._writing = False  # inside the outermost write block (read only under the lock)
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
    def write(self, *, kept_elsewhere: bool = False) -> Iterator[Database]:
        """One write transaction. Nested calls join the outer one. A storage failure anywhere in
        it (or in BEGIN / COMMIT) rolls it back and raises `StorageProblem`.

        `kept_elsewhere`: everything the transaction writes is held durably somewhere else and
        comes again if this commit is lost — a page pulled from the hub, committed with its
        cursor. Its commit then skips the fsync (WAL with synchronous=NORMAL): a power cut can
        lose that page and its cursor together, never one without the other, and the next pull
        brings both back. The next ordinary commit's fsync makes it durable anyway. This is what
        lets a CPD notification reach the screen without waiting for the disk twice."""
        with self._lock:
            if self.conn.in_transaction:
                yield self.db
                return
            if kept_elsewhere:
                self.conn.execute("PRAGMA synchronous = NORMAL")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlcipher3.Error as exc:
                self._durable_again(kept_elsewhere)
                _raise_converted(exc, self.path)
                raise
            self._writing = True
            try:
                yield self.db
                self.conn.execute("COMMIT")
            except BaseException as exc:
                self._rollback()
                if isinstance(exc, sqlcipher3.Error):
                    _raise_converted(exc, self.path)
                raise
            finally:
                self._writing = False
                self._durable_again(kept_elsewhere)

    def _durable_again(self, relaxed: bool) -> None:
        if relaxed:
            self.conn.execute("PRAGMA synchronous = FULL")

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (it does on some disk-full errors).
        if not self.conn.in_transaction:
            return
        try:
            self.conn.execute("ROLLBACK")
        except sqlcipher3.Error as exc:  # the original error is the one worth raising
            log.warning("rollback failed: %s", type(exc).__name__)

    def _read_failed(self, exc: sqlcipher3.Error) -> None:
        # In a write block the raw error goes on to `write`, which rolls back and converts it.
        if self._writing:
            raise exc
        _raise_converted(exc, self.path)

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            try:
                cursor = self.conn.execute(sql, params)
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            except sqlcipher3.Error as exc:
                self._read_failed(exc)
                raise

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        with self._lock:
            try:
                row = self.conn.execute(sql, params).fetchone()
            except sqlcipher3.Error as exc:
                self._read_failed(exc)
                raise
        return None if row is None else row[0]

    def now(self) -> datetime:
        return self.clock()

    def schema_version(self) -> int:
        return len(MIGRATIONS.applied(self.db))


def _connect(path: Path, key: str) -> sqlcipher3.Connection:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise CviError("database key must be 64 lowercase hex digits")
    try:
        conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None,
                                  timeout=BUSY_TIMEOUT_SECONDS)
    except sqlcipher3.Error as exc:
        _raise_converted(exc, path)
        raise
    try:
        # A raw key skips SQLCipher's passphrase derivation: the key is already 256 random bits.
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if _kind(exc) in ("damaged", None):  # "not a database": a wrong key looks the same
                raise CviError(
                    f"{path} cannot be opened with this profile's key from the keyring; it was made "
                    "with another key or is damaged. Nothing was changed."
                ) from exc
            raise
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # SQLCipher decrypts every page it reads from disk; a 64 MB page cache keeps a profile's
        # working set decrypted, which makes repeated list, search and report queries several
        # times faster at 100k incidents. It is only filled as pages are used.
        conn.execute("PRAGMA cache_size = -65536")
    except sqlcipher3.Error as exc:
        conn.close()
        _raise_converted(exc, path)
        raise
    except BaseException:
        conn.close()
        raise
    return conn


# SQLite's primary result codes that mean the file, not the query, is the problem.
_KINDS = {
    13: "disk_full",  # SQLITE_FULL (also PRAGMA max_page_count reached)
    5: "locked", 6: "locked", 15: "locked",  # SQLITE_BUSY, SQLITE_LOCKED, SQLITE_PROTOCOL
    8: "read_only", 3: "read_only",  # SQLITE_READONLY, SQLITE_PERM
    11: "damaged", 26: "damaged",  # SQLITE_CORRUPT, SQLITE_NOTADB
    10: "unavailable", 14: "unavailable",  # SQLITE_IOERR, SQLITE_CANTOPEN
}
# The same by message, for a driver build that does not expose the code.
_MESSAGES = (
    ("disk is full", "disk_full"), ("is locked", "locked"), ("readonly", "read_only"),
    ("malformed", "damaged"), ("not a database", "damaged"), ("disk i/o error", "unavailable"),
    ("unable to open", "unavailable"),
)


def _kind(exc: sqlcipher3.Error) -> str | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _KINDS.get(code & 0xFF)
    text = str(exc).lower()
    return next((kind for needle, kind in _MESSAGES if needle in text), None)


def _raise_converted(exc: sqlcipher3.Error, path: Path) -> None:
    """Raise the `StorageProblem` for a storage failure; return for any other SQLite error (the
    caller re-raises it unchanged)."""
    problem = storage_problem(exc, path)
    if problem is not None:
        raise problem from exc


def storage_problem(exc: sqlcipher3.Error, path: Path) -> StorageProblem | None:
    """The `StorageProblem` a SQLite error stands for, or None if it is not about the file."""
    kind = _kind(exc)
    if kind is None:
        return None
    if kind == "unavailable":
        kind = _closer_look(path)
    detail = str(getattr(exc, "sqlite_errorname", "") or type(exc).__name__)
    if kind == "disk_full":
        return StorageProblem(kind, "This laptop's disk is full",
                              "Free some space (empty the trash, remove large downloads), then do it "
                              "again; nothing you saved before was lost.", detail)
    if kind == "locked":
        holders = _holders(path)
        who = f" ({', '.join(holders)})" if holders else ""
        return StorageProblem(kind, f"Another program is using this profile's database{who}",
                              "Close the other cvi-desktop window or command using this profile "
                              "(or wait for a backup or virus scan of the data folder to finish), "
                              "then do it again; nothing you saved before was lost.", detail)
    if kind == "read_only":
        return StorageProblem(kind, "This profile's database is read-only",
                              f"Check that {path.parent} is on a writable drive and that your "
                              "account may change it; nothing you saved before was lost.", detail)
    if kind == "damaged":
        return StorageProblem(kind, "This profile's database is damaged",
                              "Stop using this profile and tell your supervisor. Do not delete "
                              f"{path.parent}: what it holds can usually be recovered.", detail)
    return StorageProblem(kind, "This laptop could not read or write its database",
                          f"Check the drive that holds {path.parent} (was it removed?), then do it "
                          "again; nothing you saved before was lost.", detail)


def _closer_look(path: Path) -> str:
    """An I/O or cannot-open error is often a read-only drive (WAL cannot make its -shm file) or
    a full one; the file system can say which, so the message can."""
    folder = path.parent
    try:
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            return "read_only"
        if shutil.disk_usage(folder).free < 1 << 20:
            return "disk_full"
    except OSError:
        pass
    return "unavailable"


def _holders(path: Path, limit: int = 3) -> list[str]:
    """Other processes with the database open, e.g. "cvi-desktop (process 4711)", so the message
    can name them. Linux's /proc only, best effort: empty where it cannot tell."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    try:
        target = path.resolve()
    except OSError:
        return []
    found: list[str] = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            opened = any(Path(os.readlink(fd)) == target for fd in (entry / "fd").iterdir())
            if opened:
                name = (entry / "comm").read_text(encoding="utf-8").strip()
                found.append(f"{name} (process {entry.name})")
        except OSError:  # gone meanwhile, or not ours to look at
            continue
        if len(found) >= limit:
            break
    return found


def key_opens(path: Path, key: str) -> bool:
    """Whether this key opens the database file (read only: nothing is written). Only "not a
    database" means a wrong key; a locked file or a full disk raises `StorageProblem`, so nobody
    is sent to recover a key that was never lost."""
    if not path.is_file() or len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        return False  # (and never let SQLite create a file just by asking)
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None,
                              timeout=BUSY_TIMEOUT_SECONDS)
    # A wrong key is an expected answer here, not an error for SQLCipher to print on stderr
    # (the recovery command's output must stay readable); the level is process-wide: restored.
    level = conn.execute("PRAGMA cipher_log_level").fetchone()[0]
    conn.execute("PRAGMA cipher_log_level = NONE")
    try:
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError as exc:
        if _kind(exc) in ("damaged", None):  # SQLITE_NOTADB: the key does not fit
            return False
        _raise_converted(exc, path)
        raise
    finally:
        conn.execute(f"PRAGMA cipher_log_level = {level}")
        conn.close()


def rekey(path: Path, old: str, new: str) -> None:
    """Re-encrypt the database under a new key (the recovery kit's last step)."""
    if len(new) != 64 or any(c not in "0123456789abcdef" for c in new):
        raise CviError("database key must be 64 lowercase hex digits")
    if not key_opens(path, old):
        raise CviError(f"{path} cannot be re-keyed: the old key does not open it. Nothing was changed.")
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=3)
    try:
        conn.execute(f"PRAGMA key = \"x'{old}'\"")
        # Fold the WAL into the file first and rekey in rollback-journal mode: SQLCipher then
        # rewrites every page in one journalled transaction, so a crash leaves the old or the new
        # key, never a mix. `_connect` turns WAL back on at the next open.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        conn.execute("PRAGMA journal_mode = DELETE").fetchall()
        conn.execute(f"PRAGMA rekey = \"x'{new}'\"")
    except sqlcipher3.OperationalError as exc:
        raise CviError(
            f"{path} is open in another program (cvi-desktop, or a sync), so it cannot take a new "
            f"key now ({exc}). Close it and try again; nothing was changed."
        ) from exc
    finally:
        conn.close()
    if not key_opens(path, new):
        raise CviError(f"{path} did not take its new key; the recovery kit still opens it.")


def _keyring_key(path: Path, identity: ProfileIdentity, existed: bool) -> str:
    """The database key from the keyring, by profile id; moved from the name-keyed entry of a
    profile made before ids; made fresh only for a database that does not exist yet."""
    name = keys.entry_name(keys.DATABASE_KEY, identity.id)
    key = keys.get_secret(name)
    if key is None and identity.legacy:
        old = keys.get_secret(keys.entry_name(keys.DATABASE_KEY, identity.name))
        # Taken only if it really opens this file: another folder's same-named profile may have
        # written that entry. The name-keyed entry stays, as such a folder may still need it.
        if old is not None and (not existed or key_opens(path, old)):
            keys.set_secret_checked(name, old)
            key = old
    if key is None:
        if existed:
            raise _key_missing(path, identity, "has no key for")
        key = keys.new_database_key()
        keys.set_secret_checked(name, key)
    return key


def _key_missing(path: Path, identity: ProfileIdentity, what: str) -> keys.DatabaseKeyMissing:
    from ..recovery import KIT_FILE

    if (path.parent / KIT_FILE).exists():
        todo = (f"Your records are still there, encrypted. Re-open them with this profile's recovery "
                f"key: `cvi-desktop recover --profile {identity.name}`, or the app's recovery dialog.")
    else:
        todo = ("This profile has no recovery kit (it was made before recovery keys and not opened "
                "since); restore the keyring from a backup to open it. Nothing was changed.")
    return keys.DatabaseKeyMissing(
        f"The system keyring {what} profile {identity.name!r} in {path.parent} (was the keyring "
        f"reset or reinstalled?). {todo}"
    )


def open_profile(profile: str, *, home: Path | None = None, key_source: KeySource | None = None,
                 clock: Clock = system_clock, actor: str = "local") -> Store:
    """Open (creating if needed) the profile's encrypted store with its key from the keyring.

    The keyring entry is named by the profile's id (`profile.json`), so two data folders with a
    profile of the same name never share a key. A profile opened for the first time gets a
    recovery key and kit (`cvi_desktop.recovery`). `key_source` (tests, tools) bypasses the
    keyring: it is given the profile id and returns the key."""
    path = database_path(profile, home)
    existed = path.exists() and path.stat().st_size > 0
    from .. import recovery

    # A lost profile.json comes back with the id its recovery kit names (so do its entries).
    identity = read_identity(profile, home) or ensure_identity(
        profile, home, restore_id=recovery.kit_profile_id(profile, home)
    )
    if key_source is not None:
        return Store(path, key_source(identity.id), clock=clock, actor=actor)
    key = _keyring_key(path, identity, existed)
    if existed and not key_opens(path, key):
        raise _key_missing(path, identity, "holds a key that does not open")
    store = Store(path, key, clock=clock, actor=actor)
    try:
        recovery.ensure_kit(profile, home, identity, key)
    except BaseException:
        store.close()
        raise
    return store
