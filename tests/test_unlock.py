"""The lock screen's PIN: a slow salted hash in the encrypted profile, five tries, then sign-in."""

from __future__ import annotations

import json

import pytest

from cvi_desktop.errors import ValidationError
from cvi_desktop.services import audit, settings, unlock


def test_a_pin_is_kept_as_a_salted_scrypt_hash_never_as_typed(store):
    assert not unlock.has_pin(store)
    unlock.set_pin(store, "4821")
    assert unlock.has_pin(store)
    raw = settings.get_value(store, unlock.PIN_KEY)
    assert raw is not None and "4821" not in raw
    record = json.loads(raw)
    assert record["alg"] == "scrypt" and record["n"] >= 2**14 and len(bytes.fromhex(record["salt"])) == 16
    # The same PIN chosen again gets a new salt, so a new hash.
    unlock.set_pin(store, "4821")
    again = json.loads(settings.get_value(store, unlock.PIN_KEY) or "{}")
    assert again["salt"] != record["salt"] and again["hash"] != record["hash"]
    assert unlock.verify_pin(store, "4821").ok


def test_a_passphrase_works_too_and_short_or_padded_ones_are_refused(store):
    unlock.set_pin(store, "green bicycle on 63rd")
    assert unlock.verify_pin(store, "green bicycle on 63rd").ok
    assert not unlock.verify_pin(store, "green bicycle on 63RD").ok
    for bad in ("123", " 1234", "x" * 129):
        with pytest.raises(ValidationError):
            unlock.set_pin(store, bad)


def test_five_wrong_tries_then_only_a_full_sign_in_unlocks(store):
    unlock.set_pin(store, "4821")
    for left in (4, 3, 2, 1):
        check = unlock.verify_pin(store, "0000")
        assert not check.ok and check.tries_left == left and not check.needs_sign_in
    # A right answer before the last try starts the count again.
    assert unlock.verify_pin(store, "4821") == unlock.Check(True, unlock.MAX_TRIES)
    for _ in range(unlock.MAX_TRIES):
        last = unlock.verify_pin(store, "0000")
    assert last.needs_sign_in and unlock.tries_left(store) == 0
    # Now even the right PIN is refused: guessing a short PIN stops here.
    assert unlock.verify_pin(store, "4821").needs_sign_in
    unlock.reset_tries(store)  # after the hub token
    assert unlock.verify_pin(store, "4821").ok


def test_checks_are_audited_without_what_was_typed_and_a_pin_can_be_forgotten(store):
    unlock.set_pin(store, "4821")
    unlock.verify_pin(store, "9999")
    unlock.verify_pin(store, "4821")
    actions = [e["action"] for e in audit.entries(store, "unlock")]
    assert actions == ["unlock_pin", "unlock_pin_refused", "set_unlock_pin"]
    assert not any("4821" in json.dumps(e) or "9999" in json.dumps(e) for e in audit.entries(store))
    unlock.clear_pin(store)
    assert not unlock.has_pin(store)
    assert unlock.verify_pin(store, "4821") == unlock.Check(False, 0)
