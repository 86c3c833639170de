"""Participants and notes, and the team's staff list.

Participants and notes stay on this laptop: no outbox entry is ever made for them, and a
teammate's never arrive here (the hub has none). The staff list is the hub's: `apply_team`
keeps the local copy current on each sync."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clock import to_db
from ..domain import Note, Participant, Staff
from ..store.database import Store
from .audit import audit
from .incidents import get as get_incident
from .staff_refs import ensure_staff  # noqa: F401 - where the replica finds it


def add_participant(store: Store, data: Mapping[str, Any]) -> str:
    person = Participant.from_input(data)
    with store.write() as db:
        if person.incident_id:
            get_incident(store, person.incident_id)
        db.execute(
            "INSERT INTO participants (id, incident_id, first_name, last_name, phone, handle, address, "
            "consent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [person.id, person.incident_id, person.first_name, person.last_name, person.phone,
             person.handle, person.address, int(person.consent), to_db(store.now())],
        )
        audit(store, db, "add_participant", "participant", person.id)
    return person.id


def add_note(store: Store, data: Mapping[str, Any]) -> str:
    note = Note.from_input(data)
    with store.write() as db:
        if note.incident_id:
            get_incident(store, note.incident_id)
        db.execute(
            "INSERT INTO notes (id, incident_id, participant_id, body, author, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [note.id, note.incident_id, note.participant_id, note.body, store.actor, to_db(store.now())],
        )
        audit(store, db, "add_note", "note", note.id)
    return note.id


def participants_for(store: Store, incident_id: str) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM participants WHERE incident_id = ? ORDER BY created_at", [incident_id])


def notes_for(store: Store, incident_id: str) -> list[dict[str, Any]]:
    """An incident's notes, oldest first, each with `author_name`: its author's display name
    (a note is signed as people know each other, not with a login id), or the id when the
    staff list does not know them."""
    return store.rows(
        "SELECT n.*, COALESCE(s.display_name, n.author) AS author_name FROM notes n "
        "LEFT JOIN staff s ON s.id = n.author WHERE n.incident_id = ? ORDER BY n.created_at",
        [incident_id],
    )


def add_staff(store: Store, data: Mapping[str, Any]) -> str:
    member = Staff.from_input(data)
    with store.write() as db:
        db.execute(
            "INSERT INTO staff (id, display_name, role) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
            "SET display_name = excluded.display_name, role = excluded.role",
            [member.id, member.display_name, member.role],
        )
        audit(store, db, "add_staff", "staff", member.id)
    return member.id


def staff(store: Store) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM staff ORDER BY display_name")


def active_staff(store: Store) -> list[dict[str, Any]]:
    """Who an incident can be assigned to."""
    return store.rows("SELECT * FROM staff WHERE active = 1 ORDER BY display_name")


def apply_team(store: Store, members: list[dict[str, Any]]) -> int:
    """Make the local staff list what the hub says (names, roles, active, last synced). Staff
    the hub no longer lists are kept (old records name them) but marked inactive. Returns how
    many rows changed."""
    checked = [Staff.from_input(m) for m in members]
    extra = {str(m.get("id")): m for m in members}
    changed = 0
    with store.write() as db:
        for member in checked:
            info = extra[member.id]
            cursor = db.execute(
                "INSERT INTO staff (id, display_name, role, active, last_synced_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, "
                "active = excluded.active, last_synced_at = excluded.last_synced_at "
                "WHERE display_name IS NOT excluded.display_name OR role IS NOT excluded.role "
                "OR active IS NOT excluded.active OR last_synced_at IS NOT excluded.last_synced_at",
                [member.id, member.display_name, member.role, 1 if info.get("active", True) else 0,
                 info.get("last_synced_at")],
            )
            changed += cursor.rowcount
        listed = [m.id for m in checked]
        if not listed:  # a hub always lists at least the caller; an empty answer proves nothing
            return changed
        marks = ",".join("?" * len(listed))
        changed += db.execute(f"UPDATE staff SET active = 0 WHERE active = 1 AND id NOT IN ({marks})",
                              listed).rowcount
    return changed
