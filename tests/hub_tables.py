"""The hub's own tables, read and written straight, on either engine: for tests that look behind
the API (what the hub stored, a row as an older hub wrote it). Shared by the hub and sync tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sync.hub.db import open_database

Target = Path | str  # what HubServer, admin.* and open_database take: a file path or a URL

_open: dict[str, Any] = {}  # PostgreSQL target -> its Database, kept for the module's hub


def _database(target: Target) -> Any:
    """The hub's Database for `target`. A SQLite file is opened afresh each time (a restore
    replaces the file under a kept connection); a PostgreSQL database is opened once."""
    key = str(target)
    if key in _open:
        return _open[key]
    db = open_database(target)
    if db.kind != "sqlite":
        _open[key] = db
    return db


def _done(db: Any) -> None:
    if db.kind == "sqlite":
        db.close()


def forget(target: Target) -> None:
    """Close what `hub_sql`/`hub_exec` kept open for `target` (at the end of its fixture)."""
    db = _open.pop(str(target), None)
    if db is not None:
        db.close()


def hub_sql(target: Target, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of one SELECT on the hub's database, as tuples, seen hub-wide (no organisation)."""
    db = _database(target)
    try:
        with db.read() as conn:
            rows = conn.execute(sql, tuple(params)).fetchall()
        return [tuple(row[i] for i in range(len(row))) for row in rows]
    finally:
        _done(db)


def hub_value(target: Target, sql: str, params: Sequence[Any] = ()) -> Any:
    """The single value of a one-row, one-column SELECT."""
    (row,) = hub_sql(target, sql, params)
    (value,) = row
    return value


def hub_exec(target: Target, sql: str, params: Sequence[Any] = ()) -> None:
    """One statement in one write transaction on the hub's database (a row as an older hub
    stored it, straight into the table)."""
    db = _database(target)
    try:
        with db.write() as conn:
            conn.execute(sql, tuple(params))
    finally:
        _done(db)
