"""Named schema migrations. Each runs in its own transaction, so none can half-apply.

Append new migrations at the end and never edit one that has shipped: profiles in the field
have recorded its name. The app knows `len(MIGRATIONS)` of them; a database that records a
name the app does not know was written by a newer app and is refused.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("cvi_desktop")


def run_statements(db: Database, script: str) -> None:
    """Run a script statement by statement inside the caller's transaction.

    `executescript` would COMMIT first and break the one-transaction-per-migration promise.
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending!r}")


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    run_statements(
        db,
        """
        CREATE TABLE staff (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL
        );
        CREATE TABLE incidents (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            rd_number TEXT,
            incident_type TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            cpd_notified_at TEXT,
            org_received_at TEXT,
            district TEXT NOT NULL,
            beat TEXT,
            community_area INTEGER,
            location_type TEXT,
            block TEXT,
            latitude REAL,
            longitude REAL,
            victims_total INTEGER NOT NULL DEFAULT 0,
            victims_fatal INTEGER NOT NULL DEFAULT 0,
            victims_nonfatal INTEGER NOT NULL DEFAULT 0,
            victim_age_bands TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'new',
            assignee TEXT REFERENCES staff(id),
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE incident_versions (
            incident_id TEXT NOT NULL REFERENCES incidents(id),
            version INTEGER NOT NULL,
            facts TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            PRIMARY KEY (incident_id, version)
        );
        CREATE TABLE response_actions (
            id TEXT PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incidents(id),
            action_type TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            staff_count INTEGER NOT NULL,
            staff_ids TEXT NOT NULL DEFAULT '[]',
            outcome TEXT NOT NULL,
            mediation_result TEXT,
            retaliation_risk TEXT,
            risk_basis TEXT NOT NULL DEFAULT '',
            device_recorded_at TEXT NOT NULL,
            server_received_at TEXT,
            recorded_by TEXT NOT NULL
        );
        CREATE TABLE participants (
            id TEXT PRIMARY KEY,
            incident_id TEXT REFERENCES incidents(id),
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            handle TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            consent INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE referrals (
            id TEXT PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incidents(id),
            participant_id TEXT REFERENCES participants(id),
            category TEXT NOT NULL,
            status TEXT NOT NULL,
            provider TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE followups (
            id TEXT PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incidents(id),
            participant_id TEXT REFERENCES participants(id),
            due_at TEXT NOT NULL,
            done_at TEXT,
            kind TEXT NOT NULL,
            result TEXT NOT NULL DEFAULT '',
            assignee TEXT REFERENCES staff(id),
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );
        CREATE TABLE notes (
            id TEXT PRIMARY KEY,
            incident_id TEXT REFERENCES incidents(id),
            participant_id TEXT REFERENCES participants(id),
            body TEXT NOT NULL,
            author TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incidents(id),
            state TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE incident_themes (
            incident_id TEXT NOT NULL REFERENCES incidents(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (incident_id, tag)
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            audience TEXT NOT NULL,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            acknowledged_at TEXT,
            UNIQUE (audience, kind, record_id, version)
        );
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE INDEX outbox_state ON outbox(state, seq);
        CREATE INDEX actions_incident ON response_actions(incident_id, started_at);
        CREATE INDEX followups_due ON followups(done_at, due_at);
        """,
    )


@MIGRATIONS()
def m002_search_and_list_indexes(db: Database) -> None:
    """Full-text search over incidents and notes, and indexes for the incident list at scale."""
    run_statements(
        db,
        """
        CREATE INDEX incidents_received ON incidents(org_received_at DESC);
        CREATE INDEX incidents_status_received ON incidents(status, org_received_at DESC);
        CREATE INDEX incidents_district_received ON incidents(district, org_received_at DESC);
        CREATE INDEX incidents_assignee_status ON incidents(assignee, status);
        CREATE INDEX incidents_occurred ON incidents(occurred_at);
        CREATE INDEX notes_incident ON notes(incident_id);
        CREATE INDEX referrals_incident ON referrals(incident_id);
        CREATE INDEX followups_incident ON followups(incident_id);
        CREATE INDEX reviews_incident ON reviews(incident_id, created_at);
        """,
    )
    # External-content FTS5 tables kept current by triggers; existing rows are indexed here so
    # an upgraded profile is searchable straight away.
    run_statements(
        db,
        """
        CREATE VIRTUAL TABLE incidents_fts USING fts5(
            rd_number, district, beat, block, incident_type, location_type,
            content='incidents', content_rowid='rowid', tokenize='unicode61'
        );
        INSERT INTO incidents_fts (rowid, rd_number, district, beat, block, incident_type, location_type)
            SELECT rowid, rd_number, district, beat, block, incident_type, location_type FROM incidents;
        CREATE TRIGGER incidents_fts_ai AFTER INSERT ON incidents BEGIN
            INSERT INTO incidents_fts (rowid, rd_number, district, beat, block, incident_type, location_type)
            VALUES (new.rowid, new.rd_number, new.district, new.beat, new.block, new.incident_type,
                    new.location_type);
        END;
        CREATE TRIGGER incidents_fts_au
            AFTER UPDATE OF rd_number, district, beat, block, incident_type, location_type ON incidents
        BEGIN
            INSERT INTO incidents_fts (incidents_fts, rowid, rd_number, district, beat, block,
                                       incident_type, location_type)
            VALUES ('delete', old.rowid, old.rd_number, old.district, old.beat, old.block,
                    old.incident_type, old.location_type);
            INSERT INTO incidents_fts (rowid, rd_number, district, beat, block, incident_type, location_type)
            VALUES (new.rowid, new.rd_number, new.district, new.beat, new.block, new.incident_type,
                    new.location_type);
        END;
        CREATE VIRTUAL TABLE notes_fts USING fts5(
            body, content='notes', content_rowid='rowid', tokenize='unicode61'
        );
        INSERT INTO notes_fts (rowid, body) SELECT rowid, body FROM notes;
        CREATE TRIGGER notes_fts_ai AFTER INSERT ON notes BEGIN
            INSERT INTO notes_fts (rowid, body) VALUES (new.rowid, new.body);
        END;
        """,
    )


@MIGRATIONS()
def m003_sort_indexes(db: Database) -> None:
    """One index per sortable list column. A single-column index ends in the rowid, so scanning it
    backwards yields exactly the list's `ORDER BY column DESC, rowid DESC` with no sort step."""
    run_statements(
        db,
        """
        CREATE INDEX incidents_sort_received ON incidents(org_received_at);
        CREATE INDEX incidents_sort_district ON incidents(district);
        CREATE INDEX incidents_sort_type ON incidents(incident_type);
        CREATE INDEX incidents_sort_status ON incidents(status);
        CREATE INDEX incidents_sort_rd ON incidents(rd_number);
        """,
    )


@MIGRATIONS()
def m004_outbox_incident(db: Database) -> None:
    """File every outbox row under its incident, so the queue's per-incident sync badge is one
    indexed lookup instead of parsing every payload's JSON. Existing rows are filled in from
    the frozen payloads (incident and CPD response records are keyed by the incident's id).
    Also index what the desktop looks up by: `acknowledged_at` (the status bar's "last shared"
    is `max(acknowledged_at)`, about a second's scan of 150,000 rows without it) and
    (kind, record_id) (the detail's "What CPD will see" reads one record's newest payload; the
    UNIQUE index starts with the audience and cannot serve it)."""
    run_statements(
        db,
        """
        ALTER TABLE outbox ADD COLUMN incident_id TEXT;
        UPDATE outbox SET incident_id = CASE
            WHEN kind IN ('incident', 'response_record') THEN record_id
            ELSE json_extract(payload, '$.data.incident_id') END;
        CREATE INDEX outbox_incident ON outbox(incident_id, state);
        CREATE INDEX outbox_acknowledged ON outbox(acknowledged_at);
        CREATE INDEX outbox_record ON outbox(kind, record_id, version);
        """,
    )


@MIGRATIONS()
def m005_team_replica(db: Database) -> None:
    """Teammates' records live here too: who recorded each record and whether it was made on
    this laptop (`origin` local) or arrived from a teammate through the hub (`team`); versions
    of response actions (a correction by its author or a supervisor is a new version); the
    hub's reassignment flag and the supervisor's answer to it; the records each review covers;
    the team's staff list as the hub keeps it. Existing reviews are taken to cover what their
    incident held when this laptop upgraded, so an upgrade reopens no review."""
    run_statements(
        db,
        """
        ALTER TABLE response_actions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE response_actions ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
        ALTER TABLE response_actions ADD COLUMN flag TEXT;
        ALTER TABLE response_actions ADD COLUMN flag_resolution TEXT;
        ALTER TABLE response_actions ADD COLUMN owner TEXT;
        ALTER TABLE referrals ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE referrals ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
        ALTER TABLE followups ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE followups ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
        ALTER TABLE followups ADD COLUMN updated_at TEXT;
        ALTER TABLE reviews ADD COLUMN covers TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE reviews ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';
        ALTER TABLE staff ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE staff ADD COLUMN last_synced_at TEXT;
        UPDATE followups SET updated_at = created_at;
        UPDATE reviews SET covers = (
            SELECT json_group_array(json_object('kind', kind, 'id', id, 'version', version)) FROM (
                SELECT 'response_action' AS kind, id, version FROM response_actions a
                    WHERE a.incident_id = reviews.incident_id
                UNION ALL SELECT 'referral', id, version FROM referrals r
                    WHERE r.incident_id = reviews.incident_id
                UNION ALL SELECT 'followup', id, version FROM followups f
                    WHERE f.incident_id = reviews.incident_id));
        CREATE INDEX actions_recorded_by ON response_actions(recorded_by, device_recorded_at);
        """,
    )


@MIGRATIONS()
def m006_followup_cancelled(db: Database) -> None:
    """A follow-up can be cancelled (a duplicate, or no longer needed). It is closed then, so no
    list shows it as open or overdue, and `cancelled_at` keeps it out of every count of
    follow-ups scheduled and kept — CPD's included."""
    run_statements(db, "ALTER TABLE followups ADD COLUMN cancelled_at TEXT;")


@MIGRATIONS()
def m007_review_indexes(db: Database) -> None:
    """Indexes that answer the monthly review's window reads (`queries.review_records`) from
    the index alone. Measured at 100,000 incidents (500,000 actions, a window of 16,500
    incidents and 82,500 actions): the actions read fetched each action's row from the table
    for four short fields, a random page (decrypted) per action, ~410 ms; from an index holding
    those fields ~150 ms. And each of the four reads joined to the window's incidents fetched
    each incident's row for its id and source; `incidents_window` holds them, ~60 ms less.
    The reads name these indexes (`INDEXED BY`): with statistics gathered before they existed
    the planner would keep to the older, narrower ones. `actions_review` keeps each incident's
    actions in the order the CPD response record lists them (started_at, then id), so the
    laptop counts them in the hub's order."""
    run_statements(
        db,
        """
        CREATE INDEX actions_review ON response_actions(incident_id, started_at, id, action_type, outcome,
            mediation_result);
        CREATE INDEX incidents_window ON incidents(occurred_at, source, id);
        """,
    )


KNOWN_NAMES = tuple(m.name for m in MIGRATIONS._migrations)
SCHEMA_VERSION = len(KNOWN_NAMES)
