"""Rows a pulled page writes by the thousand — new records, audit entries, incident versions —
gathered while the page is applied and inserted with one `executemany` per table and column
set, inside the page's transaction. A supervisor's first sync of a team's year inserts 16,000
records and 4,000 of each of the others; one statement call per row was a third of the pull.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from ..clock import to_db
from ..store.database import Store


@dataclass
class Batched:
    """Collects rows for one transaction; `flush` writes them (and must run before it commits)."""

    audits: list[tuple[Any, ...]] = field(default_factory=list)
    incident_versions: list[tuple[Any, ...]] = field(default_factory=list)
    # table -> record id -> the row to insert; a later version in the same page changes it here.
    inserts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def insert(self, table: str, row: dict[str, Any]) -> None:
        self.inserts.setdefault(table, {})[row["id"]] = row

    def pending(self, table: str, record_id: str) -> dict[str, Any] | None:
        """The row of a record this batch will insert (None: not one of them)."""
        return self.inserts.get(table, {}).get(record_id)

    def audit(self, store: Store, action: str, entity: str, entity_id: str, reason: str = "") -> None:
        self.audits.append((to_db(store.now()), store.actor, action, entity, entity_id, reason))

    def incident_version(self, store: Store, incident_id: str, version: int, facts: dict[str, Any],
                         by: str) -> None:
        self.incident_versions.append(
            (incident_id, version, json.dumps(facts, sort_keys=True), to_db(store.now()), by))

    def flush(self, db: Database) -> None:
        conn = db.conn
        # Records name only incidents and staff, both written at once, so order is free here.
        for table, rows in self.inserts.items():
            by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for row in rows.values():
                by_columns.setdefault(tuple(row), []).append(tuple(row.values()))
            for columns, values in by_columns.items():
                conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join('?' * len(columns))})", values)
        self.inserts.clear()
        if self.audits:
            conn.executemany("INSERT INTO audit_log (at, actor, action, entity, entity_id, reason) "
                             "VALUES (?, ?, ?, ?, ?, ?)", self.audits)
        if self.incident_versions:
            conn.executemany("INSERT INTO incident_versions (incident_id, version, facts, recorded_at, "
                             "recorded_by) VALUES (?, ?, ?, ?, ?)", self.incident_versions)
        self.audits.clear()
        self.incident_versions.clear()
