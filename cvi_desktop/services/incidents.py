"""Incidents: record, correct (every version kept), assign, change status, tag themes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from .. import outbox
from ..clock import to_db
from ..domain import IncidentFacts, IncidentStatus, Source, ThemeTag, enum_list, enum_value, new_id
from ..errors import NotFound, StaleVersion, ValidationError
from ..fields import RD_NUMBER, stored
from ..sharing import Audience, RecordKind, org_incident
from ..store.database import Store
from .audit import audit
from .batched import Batched
from .staff_refs import ensure_staff

FACT_FIELDS = tuple(IncidentFacts.__dataclass_fields__)


def _facts_row(facts: IncidentFacts) -> dict[str, Any]:
    # A shallow read of the fields: `asdict` deep-copies, a third of a team pull's cost.
    return {name: stored(getattr(facts, name)) for name in FACT_FIELDS}


def get(store: Store, incident_id: str) -> dict[str, Any]:
    row = store.one("SELECT * FROM incidents WHERE id = ?", [incident_id])
    if row is None:
        raise NotFound("incident", incident_id)
    return row


def find(store: Store, ref: str) -> dict[str, Any]:
    """An incident by its id, a unique prefix of its id (at least 4 characters), or its RD number
    (the newest such incident) — what a person types at a command line."""
    text = str(ref).strip()
    found = store.one("SELECT * FROM incidents WHERE id = ?", [text])
    if found is None and RD_NUMBER.match(text.upper()):
        found = store.one("SELECT * FROM incidents WHERE rd_number = ? ORDER BY occurred_at DESC LIMIT 1",
                          [text.upper()])
    if found is None and len(text) >= 4:
        matches = store.rows("SELECT * FROM incidents WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 2",
                             [text.replace("%", "\\%").replace("_", "\\_")])
        if len(matches) > 1:
            raise ValidationError("incident", f"{text!r} matches more than one incident; give more of its id")
        found = matches[0] if matches else None
    if found is None:
        raise NotFound("incident", text)
    return found


def _keep_version(store: Store, db: Database, incident_id: str, version: int, facts: dict[str, Any],
                  by: str) -> None:
    db.execute(
        "INSERT INTO incident_versions (incident_id, version, facts, recorded_at, recorded_by) "
        "VALUES (?, ?, ?, ?, ?)",
        [incident_id, version, json.dumps(facts, sort_keys=True), to_db(store.now()), by],
    )


def _facts_shared_from_here(db: Database, incident_id: str, source: object) -> bool:
    """Whether this laptop shares an incident's facts (and so every correction) with the
    organisation. No for one the hub sent: its facts are CPD's and reach the team through the
    hub, which refuses them from a device (status and assignee are still shared). Yes for a
    self-found one: the hub knows it only from here. Facts from elsewhere that this laptop
    holds — a CPD notification typed in by hand, the city data portal's public victims data
    set, which each laptop imports itself — go to the team once something is done about the
    incident (an assignment, a status, a record under it: see `outbox.enqueue`), so the hub can
    take that record; from then on their corrections follow."""
    if outbox.came_from_hub(db, incident_id):
        return False
    if str(source) in _FACTS_FROM_ELSEWHERE:
        return outbox.queued_before(db, RecordKind.INCIDENT, incident_id)
    return True


_FACTS_FROM_ELSEWHERE = frozenset({Source.CPD.value, Source.CITY_DATA.value})


def _share_with_org(store: Store, db: Database, incident_id: str) -> None:
    row = get(store, incident_id)  # inside the caller's transaction: sees its own writes
    outbox.enqueue(db, store.now(), Audience.ORG, RecordKind.INCIDENT, incident_id, row["version"],
                   org_incident(row))


def record_incident(store: Store, data: Mapping[str, Any], *, themes: Iterable[str] = ()) -> str:
    """Log an incident the organisation learned of itself (or a CPD one typed in by hand)."""
    facts = IncidentFacts.from_input(data)
    tags = enum_list(ThemeTag, list(themes), "themes")
    incident_id = str(data.get("id") or new_id())
    now = store.now()
    row = _facts_row(facts)
    if row["org_received_at"] is None:
        row["org_received_at"] = to_db(now)
    with store.write() as db:
        db.execute(
            f"INSERT INTO incidents (id, {', '.join(row)}, status, version, created_at, updated_at) "
            f"VALUES (?, {', '.join('?' * len(row))}, ?, 1, ?, ?)",
            [incident_id, *row.values(), IncidentStatus.NEW, to_db(now), to_db(now)],
        )
        _keep_version(store, db, incident_id, 1, row, store.actor)
        for tag in tags:
            db.execute("INSERT INTO incident_themes (incident_id, tag) VALUES (?, ?)", [incident_id, tag])
        audit(store, db, "record", "incident", incident_id)
        if _facts_shared_from_here(db, incident_id, facts.source):
            # Self-found: the hub knows it only from here (facts from elsewhere: see above).
            _share_with_org(store, db, incident_id)
    return incident_id


def correct_incident(store: Store, incident_id: str, changes: Mapping[str, Any], *, base_version: int,
                     reason: str = "", by: str | None = None) -> int:
    """A correction of incident facts becomes a new version; the old one stays readable."""
    current = get(store, incident_id)
    if current["version"] != base_version:
        raise StaleVersion("incident", incident_id, base_version, current["version"])
    unknown = set(changes) - set(FACT_FIELDS)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "is not an incident fact that can be corrected")
    merged = {name: current[name] for name in FACT_FIELDS}
    merged["victim_age_bands"] = json.loads(current["victim_age_bands"])
    merged.update(changes)
    row = _facts_row(IncidentFacts.from_input(merged))
    version = base_version + 1
    with store.write() as db:
        db.execute(
            f"UPDATE incidents SET {', '.join(f'{k} = ?' for k in row)}, version = ?, updated_at = ? "
            "WHERE id = ? AND version = ?",
            [*row.values(), version, to_db(store.now()), incident_id, base_version],
        )
        _keep_version(store, db, incident_id, version, row, by or store.actor)
        audit(store, db, "correct", "incident", incident_id, reason)
        if (_facts_shared_from_here(db, incident_id, current["source"])
                or _facts_shared_from_here(db, incident_id, row["source"])):
            # The organisation holds this incident's facts only from here: without this, a
            # correction of a self-found incident never leaves the laptop (issue 8). One that
            # stops or starts being self-found is sent too, so the team learns of the change.
            _share_with_org(store, db, incident_id)
    return version


def versions(store: Store, incident_id: str) -> list[dict[str, Any]]:
    """The correction history, oldest first, each with its facts."""
    found = store.rows(
        "SELECT * FROM incident_versions WHERE incident_id = ? ORDER BY version", [incident_id]
    )
    for row in found:
        row["facts"] = json.loads(row["facts"])
    return found


def assign(store: Store, incident_id: str, assignee: str | None) -> int:
    """Assign (or with None, unassign) an incident; the new version goes to the team."""
    if assignee is not None and store.one("SELECT id FROM staff WHERE id = ?", [assignee]) is None:
        raise ValidationError("assignee", f"no staff member {assignee!r} in this team")
    with store.write() as db:
        current = get(store, incident_id)
        status = current["status"]
        if status == IncidentStatus.NEW and assignee is not None:
            status = IncidentStatus.ASSIGNED
        version = current["version"] + 1
        db.execute(
            "UPDATE incidents SET assignee = ?, status = ?, version = ?, updated_at = ? WHERE id = ?",
            [assignee, status, version, to_db(store.now()), incident_id],
        )
        audit(store, db, "assign", "incident", incident_id)
        _share_with_org(store, db, incident_id)
    return version


def set_status(store: Store, incident_id: str, status: str) -> int:
    new_status = enum_value(IncidentStatus, status, "status")
    with store.write() as db:
        current = get(store, incident_id)
        version = current["version"] + 1
        db.execute(
            "UPDATE incidents SET status = ?, version = ?, updated_at = ? WHERE id = ?",
            [new_status, version, to_db(store.now()), incident_id],
        )
        audit(store, db, "status", "incident", incident_id, new_status.value)
        _share_with_org(store, db, incident_id)
    return version


def set_themes(store: Store, incident_id: str, themes: Iterable[str]) -> None:
    tags = enum_list(ThemeTag, list(themes), "themes")
    with store.write() as db:
        get(store, incident_id)
        db.execute("DELETE FROM incident_themes WHERE incident_id = ?", [incident_id])
        for tag in sorted(set(tags)):
            db.execute("INSERT INTO incident_themes (incident_id, tag) VALUES (?, ?)", [incident_id, tag])
        audit(store, db, "themes", "incident", incident_id)


def themes(store: Store, incident_id: str) -> list[str]:
    return [r["tag"] for r in store.rows(
        "SELECT tag FROM incident_themes WHERE incident_id = ? ORDER BY tag", [incident_id])]


_LOOK_IT_UP: Any = object()


def apply_remote(store: Store, data: Mapping[str, Any], version: int, *,
                 current: Mapping[str, Any] | None = _LOOK_IT_UP, batch: Batched | None = None,
                 staff: Callable[[Database, str | None], None] = ensure_staff) -> bool:
    """Apply an incident version that came from the hub (a notification, correction or
    assignment). Older or equal versions are ignored; local-only fields (coordinates) are kept.
    `current` is the incident's row as the caller already read it in this transaction (None: no
    such incident), to spare a lookup per record of a pulled page; with `batch`, the audit entry
    and the kept version are gathered there for the caller to insert with the page, and `staff`
    is how the caller makes sure the assignee is known. Returns True when something changed."""
    return apply_remote_versions(store, [(data, version)], current=current, batch=batch, staff=staff)[0]


def apply_remote_versions(store: Store, versions: Sequence[tuple[Mapping[str, Any], int]], *,
                          current: Mapping[str, Any] | None = _LOOK_IT_UP, batch: Batched | None = None,
                          staff: Callable[[Database, str | None], None] = ensure_staff) -> list[bool]:
    """Several hub versions of ONE incident, oldest first (a pulled page often holds a
    notification and its assignment), with the same outcome as applying them in turn: each is
    checked, each that is newer than what came before it is audited and kept in the history;
    but the incident's row is written once, with the newest state. Returns, per version,
    whether it changed something."""
    incident_id = str(versions[0][0]["id"])
    checked: list[tuple[dict[str, Any], dict[str, Any]]] = []
    previous_input: dict[str, Any] | None = None
    for data, _version in versions:
        given = {name: data.get(name) for name in FACT_FIELDS}
        if checked and given == previous_input:
            facts = checked[-1][0]  # an assignment repeats the facts: checked once is enough
        else:
            facts = _facts_row(IncidentFacts.from_input(data))
            # Coordinates never travel; keep what this laptop knows.
            facts.pop("latitude")
            facts.pop("longitude")
        previous_input = given
        checked.append((facts, {k: data[k] for k in ("status", "assignee") if k in data}))
    with store.write() as db:
        existing = (store.one("SELECT * FROM incidents WHERE id = ?", [incident_id])
                    if current is _LOOK_IT_UP else current)
        held = None if existing is None else int(existing["version"])
        state: dict[str, Any] = {} if existing is None else {k: existing[k] for k in existing.keys()}
        outcome: list[bool] = []
        history: list[tuple[str, int, dict[str, Any]]] = []
        for (facts, extra), (_data, version) in zip(checked, versions, strict=True):
            if held is not None and held >= version:
                outcome.append(False)
                continue
            history.append(("receive" if held is None else "receive_correction", version, facts))
            state.update(facts)
            state.update(extra)
            held = version
            outcome.append(True)
        if not history:
            return outcome
        cols = {k: state[k] for k in (*checked[-1][0], "status", "assignee") if k in state}
        if existing is None or existing["assignee"] != cols.get("assignee"):
            staff(db, cols.get("assignee"))
        now = to_db(store.now())
        if existing is None:
            db.execute(
                f"INSERT INTO incidents (id, {', '.join(cols)}, version, created_at, updated_at) "
                f"VALUES (?, {', '.join('?' * len(cols))}, ?, ?, ?)",
                [incident_id, *cols.values(), held, now, now],
            )
        else:
            # Only what changed: an assignment leaves the facts (and their search index) alone.
            changed = {k: v for k, v in cols.items() if existing[k] != v}
            db.execute(
                f"UPDATE incidents SET {''.join(f'{k} = ?, ' for k in changed)}version = ?, updated_at = ? "
                "WHERE id = ?",
                [*changed.values(), held, now, incident_id],
            )
        # After the row: the kept versions and audit entries refer to it.
        for action, version, facts in history:
            if batch is None:
                audit(store, db, action, "incident", incident_id)
                _keep_version(store, db, incident_id, version, facts, "hub")
            else:
                batch.audit(store, action, "incident", incident_id)
                batch.incident_version(store, incident_id, version, facts, "hub")
    return outcome
