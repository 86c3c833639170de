"""Property-based run of the committed OpenAPI file against a live hub: no request gets a 5xx.

Bounded (a few examples per operation) so it stays fast; skipped if schemathesis is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_helpers import HubEnv, seed

from sync.hub import HubConfig
from sync.hub.server import HubServer

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

pytestmark = pytest.mark.timeout(60)

OPENAPI = Path(__file__).resolve().parents[2] / "sync" / "openapi.json"
schema = schemathesis.openapi.from_path(str(OPENAPI))


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubEnv]:
    db = tmp_path_factory.mktemp("hubfuzz") / "hub.sqlite3"
    tokens = seed(db)
    # Short long-polls so generated `timeout` values cannot stall the run.
    server = HubServer(db, config=HubConfig(max_wait_seconds=0.1)).start()
    try:
        yield HubEnv(server, db, tokens)
    finally:
        server.stop()


def token_for(path: str, env: HubEnv) -> str:
    if path.startswith("/v1/cpd"):
        return env.tokens["cpd"]
    if path.startswith("/v1/admin"):
        return env.tokens["admin"]
    return env.tokens["north_sup"]


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, live):
    response = case.call(base_url=live.url, headers={"Authorization": f"Bearer {token_for(case.path, live)}"},
                         timeout=10)
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
