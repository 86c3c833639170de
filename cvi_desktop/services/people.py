"""Participants and notes. Both stay on this laptop: no outbox entry is ever made for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clock import to_db
from ..domain import Note, Participant, Staff
from ..store.database import Store
from .audit import audit
from .incidents import get as get_incident


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
    return store.rows("SELECT * FROM notes WHERE incident_id = ? ORDER BY created_at", [incident_id])


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
