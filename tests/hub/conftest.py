"""Fixtures for the hub tests: one real hub over HTTP on 127.0.0.1 per test module.

The organisations and tokens are seeded by `hub_helpers.seed`; `hub.api(name)` is an HTTP
client with that token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hub_helpers import HubEnv, seed

from sync.hub.server import HubServer


@pytest.fixture(scope="module")
def hub_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubEnv]:
    db = tmp_path_factory.mktemp("hub") / "hub.sqlite3"
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
