"""Shared fixtures: an explicit in-memory keyring, and a fresh encrypted store per test.

The store fixture copies a migrated template file (made once per session) instead of running
the migrations again, as Anki's tests do, so each test gets its own real SQLCipher file fast.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest

from cvi_desktop.clock import ManualClock
from cvi_desktop.store import Store
from tests.memory_keyring import MemoryKeyring
from tests.pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The command-line tools speak the terminal's language (i18n.environment_language); the suite's
# expected output is English unless a test asks for Spanish, on a Spanish machine too.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
if os.environ.get("LANG", "").lower().startswith("es"):
    os.environ["LANG"] = "C.UTF-8"

TEST_KEY = "5e" * 32


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    Store(path, TEST_KEY).close()
    return path


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 1, 18, 0, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path, store_template: Path, clock: ManualClock) -> Iterator[Store]:
    path = tmp_path / "profile" / "cvi.db"
    path.parent.mkdir()
    shutil.copy(store_template, path)
    opened = Store(path, TEST_KEY, clock=clock, actor="tester")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL server for the whole session (tests/pg_server.py); each user
    makes its own database with `pg_server.create_database()`. Skips with the reason on a
    laptop without PostgreSQL; under CI (CI set) that is a failure, as .ci/run installs it."""
    server, why = PgServer.find_or_skip_reason()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {why}")
        pytest.skip(why or "PostgreSQL unavailable")
    server.start()
    try:
        yield server
    finally:
        server.stop()
