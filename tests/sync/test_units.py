"""Small pieces: backoff maths, Retry-After, the address rule, the CLI's one-shot sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sync.backoff import Backoff, RetryTimer, parse_retry_after
from sync.client import InsecureHubAddress, check_address
from tests.sync import helpers as h


def test_full_jitter_is_capped_and_honours_retry_after() -> None:
    top = Backoff(rand=lambda: 1.0)
    assert [top.delay(n) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert top.delay(40) == 15 * 60
    assert Backoff(rand=lambda: 0.0).delay(5) == 0.5  # never a hot loop
    assert top.delay(1, retry_after=30) == 30
    assert top.delay(1, retry_after=10**6) == 15 * 60


def test_retry_after_forms() -> None:
    now = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sun, 01 Nov 2026 18:02:00 GMT", now) == 120
    assert parse_retry_after("soon", now) is None


def test_retry_time_beyond_cap_is_due_now() -> None:
    now = [datetime(2026, 11, 1, tzinfo=UTC)]
    timer = RetryTimer(lambda: now[0], Backoff(rand=lambda: 1.0))
    timer.failed()
    assert not timer.due()
    now[0] -= timedelta(days=1)  # clock set back: the stored retry time is a day out
    assert timer.due()


def test_plain_http_only_to_loopback() -> None:
    assert check_address("http://127.0.0.1:8000/") == "http://127.0.0.1:8000"
    assert check_address("https://hub.example.org") == "https://hub.example.org"
    for bad in ("http://hub.example.org", "ftp://x", "https://user:pw@hub.example.org"):
        with pytest.raises(InsecureHubAddress):
            check_address(bad)


def test_cli_sync_once(tmp_path, hub, team, memory_keyring, capsys) -> None:
    from cvi_desktop.store import open_profile
    from sync.cli import main
    from sync.credentials import set_token

    store = open_profile("cli", home=tmp_path)
    h.seed(store, incidents_n=1)
    store.close()
    set_token("cli", team.tokens["sup"], home=tmp_path)  # tokens are per data folder
    argv = ["--home", str(tmp_path), "--profile", "cli", "sync", "--once", "--hub", hub.url]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Synced:" in out and team.tokens["sup"] not in out
    set_token("cli", "cvi_bad", home=tmp_path)
    assert main(argv) == 2
    assert "Sign-in needed" in capsys.readouterr().out
