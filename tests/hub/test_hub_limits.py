"""Size limits (413), the per-token rate limit (429 + Retry-After) and request logs without secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from hub_helpers import HubEnv, action, followup, new_id, notification, own_incident, seed

from sync.hub import HubConfig
from sync.hub.server import HubServer

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(scope="module")
def small(new_db) -> Iterator[HubEnv]:
    db = new_db("hubsmall")
    tokens = seed(db)
    config = HubConfig(max_body_bytes=20_000, max_batch_records=10)
    server = HubServer(db, config=config).start()
    try:
        yield HubEnv(server, db, tokens)
    finally:
        server.stop()


def test_config_advertises_the_limits(small):
    body = small.api("north_staff").get("/v1/sync/config").json()
    assert body["max_body_bytes"] == 20_000 and body["max_batch_records"] == 10
    assert body["epoch"] == small.api(None).get("/v1/health").json()["epoch"]


def test_413_for_too_many_records_and_too_many_bytes(small):
    api = small.api("north_staff")
    incident = own_incident(api)
    assert api.push(*[action(incident) for _ in range(10)]).status_code == 200
    assert api.push(*[action(incident) for _ in range(11)]).status_code == 413
    big = action(incident)
    big["padding"] = "x" * 25_000
    assert api.push(big).status_code == 413
    # Without a Content-Length (chunked upload) the limit still holds.
    chunks = iter([b'{"records": [', b'"' + b"y" * 25_000 + b'"', b"]}"])
    response = api.session.post(small.url + "/v1/sync/push", data=chunks, timeout=10)
    assert response.status_code == 413


def test_429_with_retry_after_per_token(small):
    small.server.limiter.configure(rate=2.0, burst=3)
    try:
        api, other = small.api("north_staff"), small.api("north_staff2")
        codes = [api.get("/v1/sync/config") for _ in range(6)]
        limited = [r for r in codes if r.status_code == 429]
        assert limited, [r.status_code for r in codes]
        assert int(limited[0].headers["Retry-After"]) >= 1
        # Another token has its own bucket.
        assert other.get("/v1/sync/config").status_code == 200
    finally:
        small.server.limiter.configure(small.server.config.rate_per_second, small.server.config.rate_burst)


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_one_json_log_line_per_request_without_tokens_or_data(small):
    canary = "CANARY-" + new_id()
    api = small.api("north_staff")
    own_incident(api, canary)  # before logging starts: its records must name an incident of north
    handler = Lines()
    logger = logging.getLogger("sync.hub.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        rec = followup(canary, canary, 1, result=canary)
        api.results(rec)
        api.get(f"/v1/records/followup/{canary}")
        api.get("/v1/sync/pull", params={"cursor": canary})
        small.api("cpd").post("/v1/cpd/notifications", json=notification("011", rd_number="JA999999"))
        bad = small.api(None)
        bad.session.headers["Authorization"] = f"Bearer {canary}"
        bad.get("/v1/sync/config")
        requests_made = 5
    finally:
        logger.removeHandler(handler)
    assert len(handler.lines) == requests_made
    parsed = [json.loads(line) for line in handler.lines]
    assert [p["status"] for p in parsed] == [200, 200, 410, 201, 401]
    assert parsed[1]["route"] == "/v1/records/{kind}/{record_id}"
    assert parsed[0]["org"] == "north" and parsed[0]["role"] == "staff"
    text = "\n".join(handler.lines)
    for secret in [canary, "JA999999", *small.tokens.values()]:
        assert secret not in text
