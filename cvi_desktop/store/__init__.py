"""The encrypted local store: one SQLCipher file per user profile, opened with a key from the
OS keyring, migrated by named migrations, written only inside `BEGIN IMMEDIATE` transactions."""

from .database import Store, open_profile
from .keys import KeySource, keyring_key_source

__all__ = ["KeySource", "Store", "keyring_key_source", "open_profile"]
