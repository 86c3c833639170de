"""Profile ids and the recovery kit, with a real SQLCipher file and the in-memory keyring.

The story these tests tell: two data folders with a profile of the same name keep their own
keys; a profile made before ids keeps opening (its key moves to the id); and when the keyring
loses a profile's key, the recovery key brings back every note and participant.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cvi_desktop import recovery
from cvi_desktop.cli import main
from cvi_desktop.paths import database_path, ensure_identity, read_identity
from cvi_desktop.services import incidents, people
from cvi_desktop.store import Store, keys, open_profile
from cvi_desktop.store.database import key_opens
from sync import credentials
from tests.memory_keyring import MemoryKeyring

INCIDENT = {
    "source": "self",
    "incident_type": "shots_fired_no_injury",
    "district": "011",
    "occurred_at": "2026-11-01T10:00:00-06:00",
}


def _fill(store: Store, notes: int = 5) -> str:
    incident_id = incidents.record_incident(store, INCIDENT)
    for n in range(notes):
        people.add_participant(store, {"incident_id": incident_id, "first_name": f"Person{n}"})
        people.add_note(store, {"incident_id": incident_id, "body": f"note {n}: only on this laptop"})
    return incident_id


def _lose_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets.clear()  # a reinstall or reset: every entry gone


def _secrets_in_files(folder: Path, memory_keyring: MemoryKeyring) -> list[str]:
    blobs = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    return [name for (_svc, name), value in memory_keyring.secrets.items()
            if value.encode() in blobs or value.replace("-", "").encode() in blobs]


# --- the recovery key as text -----------------------------------------------------------------


def test_recovery_keys_are_grouped_checked_and_forgiving() -> None:
    key = recovery.generate_recovery_key()
    groups = key.split("-")
    assert len(groups) == 6 and all(len(g) == 5 for g in groups)
    assert recovery.generate_recovery_key() != key
    # Case, spaces and the look-alikes O/0, I/L/1 do not matter.
    sloppy = " ".join(groups).lower().replace("0", "o").replace("1", "l")
    assert recovery.normalize_recovery_key(sloppy) == key


def test_every_single_typo_is_caught_and_named() -> None:
    key = recovery.generate_recovery_key()
    plain = key.replace("-", "")
    for pos, char in enumerate(plain):
        for other in recovery.ALPHABET:
            if other == char:
                continue
            typo = plain[:pos] + other + plain[pos + 1:]
            with pytest.raises(recovery.RecoveryKeyInvalid, match=f"group {pos // 5 + 1} "):
                recovery.normalize_recovery_key(typo)


def test_bad_shapes_say_what_is_wrong() -> None:
    key = recovery.generate_recovery_key()
    groups = key.split("-")
    with pytest.raises(recovery.RecoveryKeyInvalid, match="25 characters; it should have 30"):
        recovery.normalize_recovery_key("-".join(groups[:5]))
    with pytest.raises(recovery.RecoveryKeyInvalid, match="'U'"):
        recovery.normalize_recovery_key("U" + key[1:])
    with pytest.raises(recovery.RecoveryKeyInvalid, match="No recovery key"):
        recovery.normalize_recovery_key("  -- ")
    swapped = "-".join([groups[1], groups[0], *groups[2:]])
    with pytest.raises(recovery.RecoveryKeyInvalid, match="groups 1, 2"):
        recovery.normalize_recovery_key(swapped)


# --- profile ids: no two profiles share a keyring entry -----------------------------------------


def test_two_folders_with_the_same_profile_name_keep_their_own_keys(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    first_home, second_home = tmp_path / "first", tmp_path / "second"
    with open_profile("alice", home=first_home) as first:
        first_incident = _fill(first)
    with open_profile("alice", home=second_home) as second:  # made second: must not touch the first
        second_incident = _fill(second, notes=1)
    a, b = read_identity("alice", first_home), read_identity("alice", second_home)
    assert a.id != b.id
    key_a = memory_keyring.secrets[(keys.SERVICE, f"database-key:{a.id}")]
    key_b = memory_keyring.secrets[(keys.SERVICE, f"database-key:{b.id}")]
    assert key_a != key_b
    assert not any(name.endswith(":alice") for _svc, name in memory_keyring.secrets)
    with open_profile("alice", home=first_home) as first:
        assert len(people.notes_for(first, first_incident)) == 5
    with open_profile("alice", home=second_home) as second:
        assert len(people.notes_for(second, second_incident)) == 1


def test_profile_json_names_the_profile_and_holds_no_secret(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    with open_profile("alice", home=tmp_path) as store:
        _fill(store, notes=1)
    body = json.loads((tmp_path / "profiles" / "alice" / "profile.json").read_text())
    assert set(body) == {"format", "id", "name", "legacy", "created"} and body["legacy"] is False
    # Neither the database key nor the recovery key is in any file of the profile.
    assert _secrets_in_files(tmp_path, memory_keyring) == []


def test_a_profile_made_before_ids_keeps_opening_and_its_secrets_move_to_the_id(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    # As an older version left it: cvi.db, key and token in the keyring under the name.
    old_key = keys.new_database_key()
    keys.set_secret("database-key:alice", old_key)
    keys.set_secret("hub-token:alice", "cvi_token-of-alice")
    path = database_path("alice", tmp_path)
    with Store(path, old_key) as old:
        incident_id = _fill(old, notes=2)
    assert read_identity("alice", tmp_path) is None

    with open_profile("alice", home=tmp_path) as store:
        assert len(people.notes_for(store, incident_id)) == 2
    identity = read_identity("alice", tmp_path)
    assert identity.legacy
    assert memory_keyring.secrets[(keys.SERVICE, f"database-key:{identity.id}")] == old_key
    # The token follows on its first read; the name-keyed key stays, as another folder's
    # same-named profile from before ids shared it.
    assert credentials.get_token("alice", home=tmp_path) == "cvi_token-of-alice"
    assert (keys.SERVICE, "hub-token:alice") not in memory_keyring.secrets
    assert (keys.SERVICE, f"hub-token:{identity.id}") in memory_keyring.secrets
    assert (keys.SERVICE, "database-key:alice") in memory_keyring.secrets
    # And it got a recovery kit, to be shown once.
    assert recovery.kit_path("alice", tmp_path).exists() and recovery.needs_showing("alice", tmp_path)


def test_a_legacy_name_entry_that_does_not_open_the_file_is_not_taken(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    with Store(database_path("alice", tmp_path), keys.new_database_key()) as old:
        _fill(old, notes=1)
    keys.set_secret("database-key:alice", keys.new_database_key())  # another folder's
    with pytest.raises(keys.DatabaseKeyMissing, match="restore the keyring"):
        open_profile("alice", home=tmp_path)
    identity = read_identity("alice", tmp_path)
    assert (keys.SERVICE, f"database-key:{identity.id}") not in memory_keyring.secrets


def test_tokens_are_per_folder_too(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    first_home, second_home = tmp_path / "first", tmp_path / "second"
    ensure_identity("alice", first_home)  # the sign-in gives the folder its id before saving
    ensure_identity("alice", second_home)
    credentials.set_token("alice", "cvi_first", home=first_home)
    credentials.set_token("alice", "cvi_second", home=second_home)
    assert credentials.get_token("alice", home=first_home) == "cvi_first"
    assert credentials.keyring_token_source("alice", home=second_home)() == "cvi_second"
    credentials.clear_token("alice", home=first_home)
    assert credentials.get_token("alice", home=first_home) is None
    assert credentials.get_token("alice", home=second_home) == "cvi_second"


# --- losing the keyring, and recovering -------------------------------------------------------


def test_keyring_lost_then_every_note_recovered(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    with open_profile("alice", home=tmp_path) as store:
        incident_id = _fill(store, notes=25)
    written_down = recovery.saved_recovery_key("alice", tmp_path)
    assert written_down is not None
    identity = read_identity("alice", tmp_path)
    old_key = memory_keyring.secrets[(keys.SERVICE, f"database-key:{identity.id}")]

    _lose_keyring(memory_keyring)
    with pytest.raises(keys.DatabaseKeyMissing, match="cvi-desktop recover --profile alice"):
        open_profile("alice", home=tmp_path)
    # Refusing made no new key: a fresh key would have been useless and hidden the problem.
    assert memory_keyring.secrets == {}

    done = recovery.recover("alice", written_down.lower().replace("-", " "), home=tmp_path)
    assert done.database == database_path("alice", tmp_path)
    new_key = memory_keyring.secrets[(keys.SERVICE, f"database-key:{identity.id}")]
    assert new_key != old_key
    assert key_opens(done.database, new_key) and not key_opens(done.database, old_key)
    with open_profile("alice", home=tmp_path) as store:
        notes = people.notes_for(store, incident_id)
        assert sorted(n["body"] for n in notes) == sorted(f"note {n}: only on this laptop" for n in range(25))
        assert len(people.participants_for(store, incident_id)) == 25
    # The same recovery key works again next time, and can still be shown.
    assert recovery.saved_recovery_key("alice", tmp_path) == written_down
    _lose_keyring(memory_keyring)
    recovery.recover("alice", written_down, home=tmp_path)
    with open_profile("alice", home=tmp_path) as store:
        assert len(people.notes_for(store, incident_id)) == 25
    assert _secrets_in_files(tmp_path, memory_keyring) == []


def test_wrong_or_mistyped_recovery_keys_change_nothing(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    with open_profile("alice", home=tmp_path) as store:
        _fill(store, notes=1)
    with open_profile("bob", home=tmp_path) as store:
        _fill(store, notes=1)
    alice_key = recovery.saved_recovery_key("alice", tmp_path)
    bob_key = recovery.saved_recovery_key("bob", tmp_path)
    _lose_keyring(memory_keyring)
    db = database_path("alice", tmp_path)
    before = db.read_bytes(), recovery.kit_path("alice", tmp_path).read_bytes()
    with pytest.raises(recovery.RecoveryKeyWrong, match="not the one for profile 'alice'"):
        recovery.recover("alice", bob_key, home=tmp_path)
    typo = alice_key[:6] + ("Z" if alice_key[6] != "Z" else "Y") + alice_key[7:]
    with pytest.raises(recovery.RecoveryKeyInvalid, match="group 2"):
        recovery.recover("alice", typo, home=tmp_path)
    assert (db.read_bytes(), recovery.kit_path("alice", tmp_path).read_bytes()) == before
    assert memory_keyring.secrets == {}
    with pytest.raises(recovery.NoRecoveryKit):
        recovery.kit_path("carol", tmp_path).parent.mkdir(parents=True)
        database_path("carol", tmp_path).write_bytes(b"x" * 10)
        recovery.recover("carol", alice_key, home=tmp_path)


def test_a_crash_between_keyring_and_rekey_still_recovers(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    """Step 2 of `recover` done, step 3 not: keyring has a key the file does not take yet."""
    with open_profile("alice", home=tmp_path) as store:
        incident_id = _fill(store, notes=3)
    identity = read_identity("alice", tmp_path)
    written_down = recovery.saved_recovery_key("alice", tmp_path)
    old_key = memory_keyring.secrets[(keys.SERVICE, f"database-key:{identity.id}")]
    fresh = keys.new_database_key()
    recovery.write_kit(recovery.kit_path("alice", tmp_path), identity, written_down, [fresh, old_key])
    keys.set_secret(f"database-key:{identity.id}", fresh)  # then the power went
    with pytest.raises(keys.DatabaseKeyMissing, match="does not open"):
        open_profile("alice", home=tmp_path)
    recovery.recover("alice", written_down, home=tmp_path)
    with open_profile("alice", home=tmp_path) as store:
        assert len(people.notes_for(store, incident_id)) == 3


def test_recovery_while_another_program_has_the_file_open_changes_nothing(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    with open_profile("alice", home=tmp_path) as store:
        incident_id = _fill(store, notes=2)
    identity = read_identity("alice", tmp_path)
    old_key = memory_keyring.secrets[(keys.SERVICE, f"database-key:{identity.id}")]
    written_down = recovery.saved_recovery_key("alice", tmp_path)
    with Store(database_path("alice", tmp_path), old_key, migrate=False) as other:
        other.scalar("SELECT count(*) FROM notes")
        with pytest.raises(recovery.RecoveryError, match="open in another program"):
            recovery.recover("alice", written_down, home=tmp_path)
    # The keyring holds the key the file still has: the profile opens as before.
    assert memory_keyring.secrets[(keys.SERVICE, f"database-key:{identity.id}")] == old_key
    with open_profile("alice", home=tmp_path) as store:
        assert len(people.notes_for(store, incident_id)) == 2


def test_a_lost_profile_json_comes_back_from_the_kit(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    with open_profile("alice", home=tmp_path) as store:
        incident_id = _fill(store, notes=2)
    before = read_identity("alice", tmp_path).id
    (tmp_path / "profiles" / "alice" / "profile.json").unlink()
    with open_profile("alice", home=tmp_path) as store:  # same id, so the same keyring entry
        assert len(people.notes_for(store, incident_id)) == 2
    assert read_identity("alice", tmp_path).id == before


# --- `cvi-desktop recover` ----------------------------------------------------------------------


def _cli(home: Path, monkeypatch: pytest.MonkeyPatch, typed: str, *extra: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed + "\n"))
    return main(["--home", str(home), "--profile", "alice", "recover", *extra])


def test_cli_recover(memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    with open_profile("alice", home=tmp_path) as store:
        incident_id = _fill(store, notes=4)
    written_down = recovery.saved_recovery_key("alice", tmp_path)
    assert _cli(tmp_path, monkeypatch, written_down) == 0
    assert "still opens" in capsys.readouterr().out  # nothing lost: nothing re-keyed

    _lose_keyring(memory_keyring)
    assert _cli(tmp_path, monkeypatch, written_down[:-1]) == 2
    err = capsys.readouterr().err
    assert "29 characters; it should have 30" in err and "Traceback" not in err
    assert _cli(tmp_path, monkeypatch, recovery.generate_recovery_key()) == 2
    assert "not the one for profile 'alice'" in capsys.readouterr().err
    assert _cli(tmp_path, monkeypatch, written_down) == 0
    assert "Recovered profile 'alice'" in capsys.readouterr().out
    with open_profile("alice", home=tmp_path) as store:
        assert len(people.notes_for(store, incident_id)) == 4


def test_cli_recover_never_prints_a_traceback(tmp_path: Path) -> None:
    """As a shell user meets it: a real process, no keyring trusted, nothing to recover."""
    result = subprocess.run(
        [sys.executable, "-m", "cvi_desktop.cli", "--home", str(tmp_path), "--profile", "nobody", "recover"],
        input=recovery.generate_recovery_key() + "\n", capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 3, result
    assert "There is no database for profile 'nobody'" in result.stderr
    assert "Traceback" not in result.stderr and "cvi-desktop recover:" in result.stderr
