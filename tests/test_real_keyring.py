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

from cvi_desktop import recovery
from cvi_desktop.paths import read_identity
from cvi_desktop.services import incidents, people
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
    entry = f"database-key:{read_identity(profile, tmp_path).id}"  # by the profile's id, not name
    stored = secret_service.get_password(keys.SERVICE, entry)
    assert stored is not None and len(stored) == 64
    assert secret_service.get_password(keys.SERVICE, f"database-key:{profile}") is None
    assert stored.encode() not in (tmp_path / "profiles" / profile / "cvi.db").read_bytes()
    with open_profile(profile, home=tmp_path) as again:
        assert incidents.get(again, incident_id)["district"] == "007"
    _forget(profile, tmp_path)
    assert secret_service.get_password(keys.SERVICE, entry) is None


def _forget(profile: str, home: Path) -> None:
    identity = read_identity(profile, home)
    for kind in (keys.DATABASE_KEY, keys.RECOVERY_KEY):
        keys.delete_secret(keys.entry_name(kind, identity.id))


@pytest.mark.keyring
def test_recovery_after_the_real_keyring_loses_the_key(
    secret_service: keyring.backend.KeyringBackend, tmp_path: Path
) -> None:
    """The GNOME keyring forgets the profile (as after a reset); the recovery key brings it back."""
    profile = f"ci-{uuid.uuid4().hex[:8]}"
    with open_profile(profile, home=tmp_path) as store:
        incident_id = incidents.record_incident(store, {
            "source": "self", "incident_type": "shots_fired_no_injury", "district": "007",
            "occurred_at": "2026-11-01T10:00:00-06:00"})
        people.add_participant(store, {"incident_id": incident_id, "first_name": "Keyring"})
        people.add_note(store, {"incident_id": incident_id, "body": "only here"})
    identity = read_identity(profile, tmp_path)
    written_down = recovery.saved_recovery_key(profile, tmp_path)
    try:
        for kind in (keys.DATABASE_KEY, keys.RECOVERY_KEY):
            keys.delete_secret(keys.entry_name(kind, identity.id))
        with pytest.raises(keys.DatabaseKeyMissing, match="recover"):
            open_profile(profile, home=tmp_path)
        recovery.recover(profile, written_down, home=tmp_path)
        stored = secret_service.get_password(keys.SERVICE, keys.entry_name(keys.DATABASE_KEY, identity.id))
        assert stored is not None
        with open_profile(profile, home=tmp_path) as again:
            assert [n["body"] for n in people.notes_for(again, incident_id)] == ["only here"]
            assert [p["first_name"] for p in people.participants_for(again, incident_id)] == ["Keyring"]
    finally:
        _forget(profile, tmp_path)
