"""Import from and export to the files an organisation moving off spreadsheets already has.

Import reads CSV or JSON (a list of objects). Each row is saved on its own, through the same
services a worker uses: bad rows are reported with line, field and reason, good rows are kept.
Times without an offset are read as Chicago wall time, as a spreadsheet means them.

An incidents file whose header is the city data portal's victims data set (one row per victim)
is recognised and imported by `city_data`, in one transaction, re-import finding what it holds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from . import city_data
from . import fields as F
from .clock import CHICAGO
from .errors import CviError, NotFound, RowError, StorageProblem, ValidationError
from .services import incidents, responses
from .services.audit import audit
from .store.database import Store
from .vocab import RecordKind

TIME_FIELDS = ("occurred_at", "cpd_notified_at", "org_received_at", "started_at", "ended_at")
LIST_FIELDS = ("victim_age_bands", "themes", "staff_ids")


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _rows(path: Path, parsed: Any = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number as a person sees it in the file, row) pairs; `parsed`: the JSON file's
    content when the caller has read it already."""
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8")) if parsed is None else parsed
        if not isinstance(data, list):
            raise CviError(f"{path}: expected a JSON list of records")
        for index, item in enumerate(data, start=1):
            yield index, item if isinstance(item, dict) else {"_": item}
        return
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k.strip(): v for k, v in row.items() if k}


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for name in TIME_FIELDS:
        value = out.get(name)
        if isinstance(value, str) and value.strip():
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                continue  # left for the domain check, which names the field
            if parsed.tzinfo is None:
                out[name] = parsed.replace(tzinfo=CHICAGO)
    for name in LIST_FIELDS:
        value = out.get(name)
        if isinstance(value, str):
            out[name] = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return {k: (None if v == "" else v) for k, v in out.items()}


def import_incidents(store: Store, path: Path, *, districts: str | None = None,
                     organisation: str | None = None) -> ImportResult | city_data.CityImportResult:
    """Incidents from a sheet of incidents, or from the city data portal's victims data set
    (recognised by its header), which alone takes `districts` / `organisation` filters (see
    `city_data.make_filter`)."""
    is_city, parsed = city_data.is_city_file(path)
    if is_city:
        keep = city_data.make_filter(store, districts, organisation)
        return city_data.import_victims(store, city_data.sheet_for(path, parsed), keep)
    if districts is not None or organisation is not None:
        raise ValidationError("districts" if districts is not None else "organisation",
                              "only filters the city data portal's victims data set; "
                              f"{path.name} is not one")
    result = ImportResult()
    for line, raw in _rows(path, parsed):
        row = _normalise(raw)
        try:
            result.imported.append(
                incidents.record_incident(store, row, themes=row.pop("themes", None) or ())
            )
        except ValidationError as exc:
            result.errors.append(RowError(line, exc.field, exc.reason))
        except StorageProblem:
            raise  # the disk or the database, not this row: every later row would fail too
        except CviError as exc:
            result.errors.append(RowError(line, "row", str(exc)))
    return result


def import_responses(store: Store, path: Path) -> ImportResult:
    """Response actions; each row names its incident by `incident_id` or by `rd_number`."""
    result = ImportResult()
    for line, raw in _rows(path):
        row = _normalise(raw)
        try:
            if not row.get("incident_id"):
                row["incident_id"] = _incident_by_rd(store, row.get("rd_number"))
            result.imported.append(responses.log_action(store, row))
        except ValidationError as exc:
            result.errors.append(RowError(line, exc.field, exc.reason))
        except NotFound as exc:
            result.errors.append(RowError(line, "incident_id", str(exc)))
    return result


def _incident_by_rd(store: Store, rd: object) -> str:
    if not rd:
        raise ValidationError("incident_id", "give incident_id or rd_number")
    found = store.scalar(
        "SELECT id FROM incidents WHERE rd_number = ? ORDER BY version DESC", [str(rd).strip().upper()]
    )
    if found is None:
        raise ValidationError("rd_number", f"no incident with RD number {rd}")
    return str(found)


# --- export ----------------------------------------------------------------------------------

def _columns(kind: RecordKind, *shares: F.Share, alias: str = "") -> list[str]:
    prefix = f"{alias}." if alias else ""
    return [f"{prefix}{name}" for name in F.names(F.RECORDS[kind], *shares)]


# The columns come from the field table: S and O fields by default (this organisation's own
# data), L fields only when asked for with a reason.
EXPORTS = {
    "incidents": (
        f"SELECT {', '.join(_columns(RecordKind.INCIDENT, F.Share.S, F.Share.O))} FROM incidents "
        "ORDER BY occurred_at"
    ),
    "actions": (
        f"SELECT {', '.join(_columns(RecordKind.RESPONSE_ACTION, F.Share.S, F.Share.O, alias='a'))}, "
        "i.rd_number, a.recorded_by FROM response_actions a JOIN incidents i ON i.id = a.incident_id "
        "ORDER BY a.started_at"
    ),
}
_PRIVATE_TABLES = {"incidents": (RecordKind.INCIDENT, "incidents"),
                   "actions": (RecordKind.RESPONSE_ACTION, "response_actions")}
# Private (share class L) columns are added only when asked for, with a reason for the audit log.
PRIVATE_EXPORTS = {
    what: (f"SELECT id, {', '.join(_columns(kind, F.Share.L))} FROM {table}",
           tuple(_columns(kind, F.Share.L)))
    for what, (kind, table) in _PRIVATE_TABLES.items()
}


def export_csv(store: Store, what: str, out: TextIO, *, private_reason: str | None = None) -> int:
    if what not in EXPORTS:
        raise ValidationError("what", f"can export {', '.join(EXPORTS)}")
    rows = store.rows(EXPORTS[what])
    columns = list(rows[0]) if rows else []
    if private_reason is not None:
        if not private_reason.strip():
            raise ValidationError("reason", "say why private fields are exported")
        sql, extra = PRIVATE_EXPORTS[what]
        private = {r["id"]: r for r in store.rows(sql)}
        for row in rows:
            row.update({name: private[row["id"]][name] for name in extra})
        columns += list(extra)
        with store.write() as db:
            audit(store, db, f"export_private_{what}", what, "*", private_reason.strip())
    writer = csv.DictWriter(out, fieldnames=columns or ["id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return len(rows)


def export_text(store: Store, what: str) -> str:
    buffer = io.StringIO()
    export_csv(store, what, buffer)
    return buffer.getvalue()
