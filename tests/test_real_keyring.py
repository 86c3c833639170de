"""The store against the real Secret Service keyring (GNOME Keyring), as on a Linux desktop.

`make test` runs the suite under scripts/with-keyring.sh, which starts a private, unlocked
GNOME Keyring; .ci/run installs it. Without it these tests skip and say why.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import keyring
import pytest

from cvi_desktop.services import incidents
from cvi_desktop.store import keys, open_profile


def _secret_service() -> keyring.backend.KeyringBackend | None:
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        backend.get_password("cvi-desktop-probe", "probe")
    except Exception:  # noqa: BLE001 - any failure means the service is not usable here
        return None
    return backend


@pytest.fixture
def secret_service() -> keyring.backend.KeyringBackend:
    backend = _secret_service()
    if backend is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide the Secret Service keyring (.ci/run installs gnome-keyring)")
        pytest.skip(
            "no unlocked Secret Service keyring on this machine: run under scripts/with-keyring.sh "
            "(make test does) after `apt-get install gnome-keyring dbus`"
        )
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.mark.keyring
def test_store_key_lives_in_the_secret_service(
    secret_service: keyring.backend.KeyringBackend, tmp_path: Path
) -> None:
    profile = f"ci-{uuid.uuid4().hex[:8]}"
    assert "SecretService" in keys.describe()
    with open_profile(profile, home=tmp_path) as store:
        incident_id = incidents.record_incident(
            store,
            {
                "source": "self",
                "incident_type": "shots_fired_no_injury",
                "district": "007",
                "occurred_at": "2026-11-01T10:00:00-06:00",
            },
        )
    stored = secret_service.get_password(keys.SERVICE, f"database-key:{profile}")
    assert stored is not None and len(stored) == 64
    assert stored.encode() not in (tmp_path / "profiles" / profile / "cvi.db").read_bytes()
    with open_profile(profile, home=tmp_path) as again:
        assert incidents.get(again, incident_id)["district"] == "007"
    keys.delete_secret(f"database-key:{profile}")
    assert secret_service.get_password(keys.SERVICE, f"database-key:{profile}") is None
