"""Importing the city data portal's victims data set (issue 11): recognised by its header in
the CSV export and the JSON API, one incident per case number, re-import without duplicates,
a reclassification as a new version, filters, and the victims' names never stored.

Fixtures (tests/fixtures/city_victims.csv, .json) are invented rows: the CSV is "day one", the
JSON the API a week later, with one case reclassified (the robbery victim died), one new case
and one row outside Chicago.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cvi_desktop import city_data
from cvi_desktop.city_data import CityImportResult
from cvi_desktop.cli import main
from cvi_desktop.errors import CviError, ValidationError
from cvi_desktop.services import incidents
from cvi_desktop.services.audit import entries
from cvi_desktop.store.database import Store
from cvi_desktop.transfer import import_incidents
from cvi_desktop.vocab import AgeBand
from tests.memory_keyring import MemoryKeyring

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CSV_FILE = FIXTURES / "city_victims.csv"
JSON_FILE = FIXTURES / "city_victims.json"
# The fixtures' invented victims' names, sex and race codes: none may reach the profile.
NEVER_STORED = ("Zebulon", "Fakerson", "Marigold", "Quibbleworth", "Ignatius", "Pseudonymov", "BLK", "WWH",
                "WHI", '"API"')

COLUMNS = ("incident_type", "occurred_at", "district", "beat", "community_area", "location_type",
           "latitude", "longitude", "victims_total", "victims_fatal", "victims_nonfatal", "victim_age_bands")
EXPECTED = {
    # two victims, district given as "11", ages 20-29 and 0-19 (bands that straddle ours)
    "JG100001": ("nonfatal_shooting", "2024-01-01T06:15:00.000000+00:00", "011", "1121", 23, "street",
                 41.9031, -87.7201, 2, 0, 2, ["under_18", "18_24", "25_34"]),
    "JG100002": ("fatal_shooting", "2024-02-15T03:40:00.000000+00:00", "007", "0724", 68, "street",
                 41.776, -87.642, 1, 1, 0, ["25_34", "35_44"]),
    # a robbery with a gunshot injury is a shooting; coordinates only in LOCATION
    "JG100003": ("nonfatal_shooting", "2024-03-03T00:05:00.000000+00:00", "004", "0424", 46, "business",
                 41.74, -87.56, 1, 0, 1, ["35_44", "45_plus"]),
    "JG100004": ("nonshooting_homicide", "2024-04-20T20:00:00.000000+00:00", "010", "1011", 29, "residence",
                 41.86, -87.71, 1, 1, 0, ["unknown"]),
    "JG100005": ("fatal_shooting", "2024-05-06T04:30:00.000000+00:00", "011", "1132", 24, "street",
                 41.905, -87.7, 2, 1, 1, ["45_plus"]),
    # 02:30 on the spring-forward night does not exist: read as standard time (= 03:30 CDT)
    "JG100006": ("nonfatal_shooting", "2024-03-10T08:30:00.000000+00:00", "007", "0711", 68, "residence",
                 None, None, 1, 0, 1, ["18_24", "25_34"]),
    # 01:30 on the fall-back night happens twice: read as the first (CDT, UTC-5)
    "JG100007": ("nonfatal_shooting", "2024-11-03T06:30:00.000000+00:00", "007", "0711", 68, "vehicle",
                 None, None, 1, 0, 1, ["25_34", "35_44"]),
}


def facts(store: Store, rd: str) -> tuple[Any, ...]:
    row = store.one(f"SELECT source, id, {', '.join(COLUMNS)} FROM incidents WHERE rd_number = ?", [rd])
    assert row is not None, rd
    assert (row["source"], row["id"]) == ("city_data", f"city-{rd}")
    return tuple(json.loads(row[c]) if c == "victim_age_bands" else row[c] for c in COLUMNS)


def city_import(store: Store, path: Path, **options: str) -> CityImportResult:
    result = import_incidents(store, path, **options)
    assert isinstance(result, CityImportResult)
    return result


def test_csv_export_becomes_one_incident_per_case(store: Store) -> None:
    result = city_import(store, CSV_FILE)
    assert (result.rows, result.incidents, result.new, result.updated, result.unchanged) == (12, 9, 7, 0, 0)
    assert {rd: facts(store, rd) for rd in EXPECTED} == EXPECTED
    assert store.scalar("SELECT count(*) FROM incidents") == 7
    # A bad row is refused by line and column; a case with a bad row is not imported in part.
    assert [str(e) for e in result.errors] == [
        "line 11: DATE: '13/45/2024 10:00:00 PM' is not a date and time (MM/DD/YYYY hh:mm:ss AM/PM, "
        "or ISO 8601)",
        "line 12: CASE_NUMBER: not imported: line 13 of the same case was refused",
        "line 13: AGE: 'twenty' is not an age band (like 20-29, 80+ or UNKNOWN)",
    ]
    assert result.refused_incidents == 2
    assert "  new 7, updated 0, skipped 0, refused 2." in result.summary()


def test_api_json_reads_like_the_csv_export(store: Store) -> None:
    # Lower-case keys, ISO times without offset, unpadded districts and beats ("4", "424"),
    # GeoJSON locations, null values left out.
    result = city_import(store, JSON_FILE)
    assert (result.rows, result.new, result.updated) == (11, 8, 0)
    same = {rd: facts(store, rd) for rd in EXPECTED if rd != "JG100003"}
    assert same == {rd: f for rd, f in EXPECTED.items() if rd != "JG100003"}
    assert [str(e) for e in result.errors] == ["line 11: location: latitude 35.0 is outside 41.6..42.1"]


def test_reimport_adds_nothing_and_a_reclassification_is_a_new_version(store: Store) -> None:
    city_import(store, CSV_FILE)
    again = city_import(store, CSV_FILE)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 7)
    assert store.scalar("SELECT count(*) FROM incidents") == 7

    week = city_import(store, JSON_FILE)  # JG100003's victim died; JH200010 is new
    assert (week.new, week.updated, week.unchanged) == (1, 1, 6)
    assert store.scalar("SELECT count(*) FROM incidents") == 8
    reclassified = incidents.get(store, "city-JG100003")
    assert (reclassified["incident_type"], reclassified["victims_fatal"], reclassified["version"]) == (
        "fatal_shooting", 1, 2)
    history = incidents.versions(store, "city-JG100003")
    assert [v["facts"]["incident_type"] for v in history] == ["nonfatal_shooting", "fatal_shooting"]
    [correction] = [e for e in entries(store, "city-JG100003") if e["action"] == "correct"]
    assert correction["reason"] == "city data portal: incident_type, victims_fatal, victims_nonfatal"

    last = city_import(store, JSON_FILE)
    assert (last.new, last.updated, last.unchanged) == (0, 0, 8)
    assert len(incidents.versions(store, "city-JG100003")) == 2


def test_city_facts_are_not_queued_to_the_hub(store: Store) -> None:
    # Public data every laptop imports itself: no push of thousands of copies, nor of the
    # city's corrections.
    city_import(store, CSV_FILE)
    city_import(store, JSON_FILE)
    assert store.scalar("SELECT count(*) FROM outbox") == 0


def test_victims_names_sex_and_race_are_never_stored(store: Store, tmp_path: Path) -> None:
    results = [city_import(store, CSV_FILE), city_import(store, JSON_FILE)]
    # Every table of the profile, audit log included, decrypted into a plain file: its bytes
    # and a full SQL dump of it.
    plain = tmp_path / "plain.db"
    store.conn.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
    store.conn.execute("SELECT sqlcipher_export('plain')")
    store.conn.execute("DETACH DATABASE plain")
    decrypted = plain.read_bytes()
    with sqlite3.connect(plain) as copy:
        dump = "\n".join(copy.iterdump())
    assert b"JG100001" in decrypted and "JG100001" in dump  # the check can see imported content
    assert b"JG100001" not in store.path.read_bytes()  # and the file on disk is encrypted
    texts = [str(e) for r in results for e in r.errors] + [line for r in results for line in r.summary()]
    audit_text = json.dumps(entries(store, limit=10_000))
    for secret in NEVER_STORED:
        assert secret not in dump, secret
        assert secret.encode() not in decrypted, secret
        assert secret not in audit_text and not any(secret in t for t in texts), secret
    kept = incidents.versions(store, "city-JG100002")[0]["facts"]
    assert not {"sex", "race", "homicide_victim_first_name", "homicide_victim_last_name"} & set(kept)


def test_the_json_reader_drops_names_as_it_parses(tmp_path: Path) -> None:
    parsed = city_data.load_json(JSON_FILE)
    assert "Fakerson" not in json.dumps(parsed) and "sex" not in json.dumps(parsed)
    sheet = city_data.read_csv(CSV_FILE)
    assert "Fakerson" not in repr(sheet.rows)


def test_filter_by_districts_organisation_or_both(store: Store) -> None:
    only_011 = city_import(store, CSV_FILE, districts="11")
    assert (only_011.new, only_011.filtered_incidents, only_011.filtered_rows) == (2, 7, 8)
    assert only_011.errors == []  # the bad rows lie in district 001: filtered, not refused
    assert {r["rd_number"] for r in store.rows("SELECT rd_number FROM incidents")} == {"JG100001", "JG100005"}

    # Named in a " | "-separated list, any case; "None" names no one.
    named = city_import(store, CSV_FILE, organisation="  northside   OUTREACH ")
    assert (named.new, named.unchanged) == (1, 1)  # JG100004 is new; JG100001 is held
    both = city_import(store, CSV_FILE, districts="004", organisation="acme peace collective")
    assert (both.new, both.unchanged) == (1, 2)  # JG100003 by district; JG100001, JG100005 by name


def test_held_districts_are_those_of_incidents_not_from_the_city(store: Store) -> None:
    with pytest.raises(ValidationError, match="holds no incidents yet"):
        import_incidents(store, CSV_FILE, districts="held")
    incidents.record_incident(store, {"source": "self", "incident_type": "nonfatal_shooting",
                                      "occurred_at": "2024-07-01T10:00:00+00:00", "district": "007"})
    result = city_import(store, CSV_FILE, districts="held")
    assert result.new == 3  # JG100002, JG100006, JG100007 in district 007
    # After it, "held" still means 007: the city's own incidents do not widen it.
    assert city_data.districts_held(store) == {"007"}
    with pytest.raises(ValidationError, match="'31' is not a Chicago police district"):
        import_incidents(store, CSV_FILE, districts="007,31")


def test_an_rd_number_held_from_another_source_is_left_alone(store: Store) -> None:
    cpd_id = incidents.record_incident(store, {
        "source": "cpd", "rd_number": "JG100002", "incident_type": "nonfatal_shooting",
        "occurred_at": "2024-02-15T03:40:00+00:00", "district": "007"})
    result = city_import(store, CSV_FILE)
    assert (result.new, result.held_elsewhere) == (6, 1)
    assert incidents.get(store, cpd_id)["incident_type"] == "nonfatal_shooting"
    assert store.scalar("SELECT count(*) FROM incidents WHERE rd_number = 'JG100002'") == 1


def test_a_reexport_matches_columns_by_name(store: Store, tmp_path: Path) -> None:
    # Another tool's export: lower case, its own order, most columns dropped, one added, and
    # one victim repeated (same unique id).
    with CSV_FILE.open(newline="", encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    keep = ["district", "gunshot_injury_i", "note", "case_number", "date", "victimization_primary", "age",
            "unique_id"]
    sheet = tmp_path / "reexport.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=keep)
        writer.writeheader()
        for row in source[:3] + source[:1]:
            writer.writerow({k: row.get(k.upper(), "added by another tool") for k in keep})
    result = city_import(store, sheet)
    assert (result.rows, result.new, result.duplicate_rows, result.errors) == (4, 2, 1, [])
    row = incidents.get(store, "city-JG100001")
    assert (row["victims_total"], row["beat"], row["latitude"]) == (2, None, None)


def test_a_city_file_without_a_needed_column_is_refused_whole(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "no_date.csv"
    sheet.write_text("CASE_NUMBER,VICTIMIZATION_PRIMARY,GUNSHOT_INJURY_I,DISTRICT\nJG100001,BATTERY,YES,011\n",
                     encoding="utf-8")
    with pytest.raises(CviError, match="looks like the city data portal's victims data set but has no DATE"):
        import_incidents(store, sheet)
    sheet.write_text("CASE_NUMBER,DATE,VICTIMIZATION_PRIMARY,GUNSHOT_INJURY_I,DISTRICT\n"
                     "JG100001,01/01/2024 12:15:00 AM,BATTERY,YES,011\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="no STREET_OUTREACH_ORGANIZATION column"):
        import_incidents(store, sheet, organisation="Acme")
    assert store.scalar("SELECT count(*) FROM incidents") == 0


def test_a_case_whose_facts_do_not_hold_together_is_refused_whole(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "beat.csv"
    sheet.write_text(
        "case_number,date,district,beat,victimization_primary,gunshot_injury_i,age\n"
        "JG100001,2024-01-01T00:15:00.000,7,1121,BATTERY,YES,20-29\n"
        "JG100001,2024-01-01T00:15:00.000,7,1121,BATTERY,YES,0-19\n"
        "JG100002,2024-01-01T00:15:00.000,7,,HOMICIDE,NO,\n",
        encoding="utf-8")
    result = city_import(store, sheet)
    assert [str(e) for e in result.errors] == [
        "line 2: beat: beat 1121 does not lie in district 007",
        "line 3: case_number: not imported: line 2 of the same case was refused",
    ]
    assert (result.new, result.refused_incidents) == (1, 1)
    assert incidents.get(store, "city-JG100002")["incident_type"] == "nonshooting_homicide"


def test_an_ordinary_sheet_still_imports_the_ordinary_way(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "mine.csv"
    sheet.write_text("rd_number,incident_type,occurred_at,district\nJD000001,nonfatal_shooting,"
                     "2026-10-05 21:15,011\n", encoding="utf-8")
    result = import_incidents(store, sheet)
    assert not isinstance(result, CityImportResult) and len(result.imported) == 1
    with pytest.raises(ValidationError, match="only filters the city data portal's victims data set"):
        import_incidents(store, sheet, districts="011")


@pytest.mark.parametrize(("age", "bands"), [
    ("0-19", ("under_18", "18_24")), ("20-29", ("18_24", "25_34")), ("30-39", ("25_34", "35_44")),
    ("40-49", ("35_44", "45_plus")), ("50-59", ("45_plus",)), ("80+", ("45_plus",)),
    ("UNKNOWN", ("unknown",)), ("", ("unknown",)), ("17", ("under_18",)), (" 18 - 24 ", ("18_24",)),
])
def test_age_bands_cover_every_band_the_citys_overlaps(age: str, bands: tuple[str, ...]) -> None:
    assert city_data.age_bands(age) == tuple(AgeBand(b) for b in bands)


@pytest.mark.parametrize(("wall", "utc"), [
    ("03/10/2024 02:30:00 AM", "2024-03-10T08:30:00+00:00"),  # nonexistent: standard time
    ("11/03/2024 01:30:00 AM", "2024-11-03T06:30:00+00:00"),  # repeated: the first (daylight)
    ("2024-11-03T01:30:00.000", "2024-11-03T06:30:00+00:00"),
    ("07/04/2024 12:00:00 PM", "2024-07-04T17:00:00+00:00"),
    ("2024-07-04T12:00:00Z", "2024-07-04T12:00:00+00:00"),  # an explicit offset is kept
])
def test_chicago_wall_time(wall: str, utc: str) -> None:
    assert city_data.parse_date(wall) == datetime.fromisoformat(utc)


def test_cli_imports_with_filters_and_prints_the_summary(
    tmp_path: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    argv = ["--home", str(home), "--profile", "team", "import", "incidents"]
    assert main([*argv, str(CSV_FILE)]) == 1  # some rows refused
    captured = capsys.readouterr()
    assert "line 11: DATE:" in captured.err and "new 7, updated 0, skipped 0, refused 2." in captured.out
    assert main([*argv, str(JSON_FILE), "--districts", "7,004"]) == 0
    captured = capsys.readouterr()
    assert "new 0, updated 1, skipped 8, refused 0." in captured.out  # JG100003 reclassified
    # the row outside Chicago lies in district 015: filtered out, not refused
    assert "5 incidents (7 victims) filtered out, 3 unchanged" in captured.out
    for secret in NEVER_STORED:
        assert secret not in captured.out + captured.err
    assert main([*argv, str(CSV_FILE), "--districts", "99"]) == 2
    assert "districts: '99' is not a Chicago police district code" in capsys.readouterr().err
    assert main(["--home", str(home), "--profile", "team", "import", "responses", str(CSV_FILE),
                 "--organisation", "x"]) == 2


def test_the_decrypted_file_check_would_see_a_name(store: Store, tmp_path: Path) -> None:
    # The privacy test above is only worth something if a stored name would show: store one.
    store.conn.execute("INSERT INTO staff (id, display_name, role) "
                       "VALUES ('x', 'Zebulon Fakerson', 'worker')")
    plain = tmp_path / "plain.db"
    store.conn.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
    store.conn.execute("SELECT sqlcipher_export('plain')")
    store.conn.execute("DETACH DATABASE plain")
    assert b"Fakerson" in plain.read_bytes()
    with sqlite3.connect(plain) as copy:
        assert copy.execute("SELECT display_name FROM staff").fetchone() == ("Zebulon Fakerson",)
