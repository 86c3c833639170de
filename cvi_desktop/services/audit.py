"""The append-only audit log: who did what to which record, and when. Stays on this laptop."""

from __future__ import annotations

from sqlite_utils import Database

from ..clock import to_db
from ..store.database import Store


def audit(store: Store, db: Database, action: str, entity: str, entity_id: str, reason: str = "") -> None:
    """Record one action inside the caller's transaction. Never holds record content."""
    db.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, reason) VALUES (?, ?, ?, ?, ?, ?)",
        [to_db(store.now()), store.actor, action, entity, entity_id, reason],
    )


def entries(store: Store, entity_id: str | None = None, limit: int = 200) -> list[dict]:
    if entity_id is None:
        return store.rows("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", [limit])
    return store.rows(
        "SELECT * FROM audit_log WHERE entity_id = ? ORDER BY id DESC LIMIT ?", [entity_id, limit]
    )
