"""One syncer per profile: an exclusive, non-blocking lock on a file beside the database.

The operating system drops the lock when the process dies (even by kill -9), so a crash never
leaves a stale lock behind, unlike a PID file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO


class SyncAlreadyRunning(Exception):
    title = "Sync is already running"
    action = "Another cvi-desktop window or command is syncing this profile; let it finish."


class ProfileLock:
    """`with ProfileLock(path):` holds the profile's sync lock or raises SyncAlreadyRunning."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file: IO[bytes] | None = None

    @classmethod
    def for_database(cls, database: Path) -> ProfileLock:
        return cls(Path(database).with_name("sync.lock"))

    def acquire(self) -> None:
        if self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open for the life of the lock
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise SyncAlreadyRunning(SyncAlreadyRunning.action) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())  # for a person reading the file; never trusted
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def __enter__(self) -> ProfileLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
