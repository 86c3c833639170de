"""Fixtures for the hub tests: one real hub over HTTP on 127.0.0.1 per test module, on each engine.

Every test that uses a hub (`hub_env`, `hub`, a module's own hub made with `new_db`) runs twice:
`[sqlite]`, on a file in a temporary folder, and `[postgresql]`, on a fresh database of the
session's throwaway PostgreSQL server (`pg_server` in tests/conftest.py: skipped with its reason
on a laptop without PostgreSQL, a failure under CI, where .ci/run installs it). A test about
the SQLite file itself (old schema files, file backups, file paths) says so with
`@pytest.mark.sqlite_only("why")` and runs once, on SQLite.

The organisations and tokens are seeded by `hub_helpers.seed`; `hub.api(name)` is an HTTP
client with that token; `hub_helpers.hub_sql(hub.db, ...)` reads the hub's tables on either
engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from hub_helpers import ENGINES, HubEnv, Target, forget, seed

from sync.hub.server import HubServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(why): runs on SQLite only, for the reason given (the SQLite file itself, "
        "or a cost the engine does not change)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # `engine` is module-scoped, so pytest runs a module's tests on SQLite, then on PostgreSQL,
    # each against one hub (one database) per module.
    if "engine" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        engines = ["sqlite"] if only else list(ENGINES)
        metafunc.parametrize("engine", engines, indirect=True, scope="module")


@pytest.fixture(scope="module")
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def new_db(
    engine: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Target]]:
    """`new_db(prefix)`: a new, empty hub database on the module's engine -- a SQLite file path,
    or the URL of a new database on the session's PostgreSQL server."""
    pg = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    made: list[Target] = []

    def make(prefix: str = "hub") -> Target:
        target: Target = (
            tmp_path_factory.mktemp(prefix) / "hub.sqlite3" if pg is None else pg.create_database(prefix)
        )
        made.append(target)
        return target

    yield make
    for target in made:
        forget(target)


@pytest.fixture(scope="module")
def hub_env(new_db: Callable[..., Target]) -> Iterator[HubEnv]:
    db = new_db("hub")
    tokens = seed(db)
    server = HubServer(db, test_hooks=True).start()
    try:
        yield HubEnv(server, db, tokens)
    finally:
        server.stop()


@pytest.fixture
def hub(hub_env: HubEnv) -> Iterator[HubEnv]:
    """The module's hub with its fault plan and rate limits reset after each test."""
    yield hub_env
    hub_env.server.faults.clear()
    cfg = hub_env.server.config
    hub_env.server.limiter.configure(cfg.rate_per_second, cfg.rate_burst)
    hub_env.server.auth_limiter.configure(cfg.auth_fail_per_second, cfg.auth_fail_burst)
