"""Fixtures for the sync engine tests: a real hub over HTTP on 127.0.0.1 behind the recording
proxy, and a device (a real encrypted store from the shared `store` fixture, the token in the
in-memory keyring, an engine with a manual clock and pinned jitter).

The hub runs once per module (a fresh organisation per test keeps tests apart); the proxy and
the device are per test, so every captured byte belongs to the test that reads it.

Engines: the modules in `BOTH_ENGINES` -- the fault matrix first of all -- run each test twice,
`[sqlite]` on a hub file and `[postgresql]` on a fresh database of the session's throwaway
PostgreSQL server (`pg_server` in tests/conftest.py: skipped with its reason on a laptop without
PostgreSQL, a failure under CI). The other modules run on SQLite only (`[sqlite]`), for the reason
given next to `BOTH_ENGINES`.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cvi_desktop.clock import ManualClock
from cvi_desktop.store import Store
from sync.backoff import Backoff
from sync.client import HubClient, Timeouts
from sync.credentials import keyring_token_source, set_token
from sync.engine import SyncEngine
from sync.engine import events as ev
from sync.hub import admin
from sync.hub.server import HubServer
from tests.conftest import TEST_KEY
from tests.memory_keyring import MemoryKeyring
from tests.pg_server import PgServer
from tests.sync.helpers import ENGINES, Target, forget
from tests.sync.proxy import Proxy

_orgs = itertools.count(1)

# The modules whose `hub` runs on both engines: the fault matrix, and the basic round trips. The
# rest stay on SQLite: they test the laptop's engine, whose hub side tests/hub covers on both
# engines, at a cost the whole `make test` cannot afford twice on a 2-core machine
# (test_state_machine ~40 s of generated runs, test_crash's 10 000-record backlog), or they are
# about the SQLite file itself (test_restore and test_service's row 30: a backup is a copy of the
# file, put back by hand or by `cvi-hub restore`).
BOTH_ENGINES = frozenset({
    "test_faults",  # the fault matrix (sync.md): every row on both engines
    "test_basic",
})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames:
        name = metafunc.module.__name__.rsplit(".", 1)[-1]
        engines = list(ENGINES) if name in BOTH_ENGINES else ["sqlite"]
        metafunc.parametrize("engine", engines, indirect=True, scope="module")


@pytest.fixture(scope="module")
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass
class Hub:
    server: HubServer
    db: Target  # a SQLite file path or a postgresql:// URL
    cpd: str
    pg: PgServer | None = None  # the server holding `db` when it is a PostgreSQL database

    @property
    def url(self) -> str:
        return self.server.url


@dataclass
class Team:
    """One organisation on the hub with a supervisor and two workers."""

    org: str
    district: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def hub(
    engine: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hub]:
    pg: Any = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    db: Target = tmp_path_factory.mktemp("hub") / "hub.sqlite3" if pg is None else pg.create_database("sync")
    admin.create_org(db, "seed", "seed")
    server = HubServer(db).start()
    try:
        yield Hub(server, db, admin.create_token(db, "cpd"), pg)
    finally:
        server.stop()
        forget(db)


@pytest.fixture
def team(hub: Hub) -> Iterator[Team]:
    # A new org per test; district 011 is covered by each, so CPD notifications fan out, which
    # also checks no org sees another's records.
    org = f"org{next(_orgs)}"
    admin.create_org(hub.db, org, org)
    admin.add_coverage(hub.db, org, "011")
    tokens = {
        "sup": admin.create_token(hub.db, "supervisor", org_id=org, staff_id="sup1"),
        "w1": admin.create_token(hub.db, "staff", org_id=org, staff_id="w1"),
        "w2": admin.create_token(hub.db, "staff", org_id=org, staff_id="w2"),
    }
    yield Team(org, "011", tokens)
    hub.server.faults.clear()
    cfg = hub.server.config
    hub.server.limiter.configure(cfg.rate_per_second, cfg.rate_burst)


@pytest.fixture
def proxy(hub: Hub) -> Iterator[Proxy]:
    p = Proxy(hub.server.port)
    yield p
    p.close()


@dataclass
class Device:
    store: Store
    engine: SyncEngine
    events: list[ev.SyncEvent]
    clock: ManualClock
    profile: str

    def sync(self) -> object:
        return self.engine.sync_once("test")


def make_engine(store: Store, url: str, profile: str, events: list[ev.SyncEvent],
                read_timeout: float = 2.0) -> SyncEngine:
    client = HubClient(url, keyring_token_source(profile), timeouts=Timeouts(connect=2.0, read=read_timeout))
    return SyncEngine(store, client, listeners=[events.append], backoff=Backoff(rand=lambda: 0.5))


@pytest.fixture
def device(store: Store, clock: ManualClock, memory_keyring: MemoryKeyring, team: Team,
           proxy: Proxy) -> Iterator[Device]:
    """The supervisor's laptop (a supervisor may send every kind), syncing through the proxy."""
    set_token("sup", team.tokens["sup"])
    events: list[ev.SyncEvent] = []
    engine = make_engine(store, proxy.url, "sup", events)
    yield Device(store, engine, events, clock, "sup")
    engine.client.close()


@pytest.fixture
def make_device(tmp_path: Path, store_template: Path, clock: ManualClock, memory_keyring: MemoryKeyring,
                team: Team, proxy: Proxy) -> Iterator[object]:
    """Another laptop of the team: `make_device("w1")` (its own store, token and engine)."""
    made: list[Device] = []

    def make(profile: str, url: str | None = None) -> Device:
        path = tmp_path / profile / "cvi.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(store_template, path)
        store = Store(path, TEST_KEY, clock=clock, actor=profile)
        set_token(profile, team.tokens[profile])
        events: list[ev.SyncEvent] = []
        engine = make_engine(store, url or proxy.url, profile, events)
        made.append(Device(store, engine, events, clock, profile))
        return made[-1]

    yield make
    for d in made:
        d.engine.client.close()
        d.store.close()
