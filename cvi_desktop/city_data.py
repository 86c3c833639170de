"""The Chicago data portal's "Violence Reduction – Victims of Homicides and Non-Fatal Shootings"
data set: recognised by its header, read as the portal's CSV export or its JSON API (a list of
objects), and turned into incidents.

The data set has one row per VICTIM. Rows are grouped by case number (the RD number) into one
incident with its victim counts and age bands. Mapping decisions, each said once here:

- A shooting is any row with a gunshot injury (GUNSHOT_INJURY_I "YES"), whatever its crime
  (a robbery with a gunshot injury counts); a victim is fatal when VICTIMIZATION_PRIMARY is
  HOMICIDE. Type: a gunshot homicide makes a fatal_shooting; otherwise any gunshot injury a
  nonfatal_shooting (a stabbing death beside it still counts in victims_fatal); otherwise a
  homicide a nonshooting_homicide; anything else `other`.
- AGE comes in ten-year bands ("20-29") that straddle ours (18-24, 25-34, …). A victim's band
  becomes every one of ours it overlaps ("20-29" -> 18_24 and 25_34; "0-19" -> under_18 and
  18_24, so a possible minor is never hidden; "50-59" and up -> 45_plus): the incident's age
  bands then say, truthfully, where its victims' ages lie, never more precisely than the city
  says. "UNKNOWN" or blank -> unknown. An exact age ("23"), as some re-exports have, maps to
  its one band.
- DATE is Chicago wall time without an offset. A time in the repeated hour when daylight time
  ends (01:00-01:59 on the first Sunday of November) is read as its first occurrence (daylight
  time); one in the hour that does not exist when it begins (02:00-02:59, second Sunday of
  March) as the clock read before it was moved (standard time, i.e. 03:xx daylight time). The
  export cannot tell either case apart; both choices are made here, on purpose, and an hour's
  doubt at night moves no incident out of its day. A time that carries an offset keeps it.
- Districts may come unpadded ("11" -> "011"), beats too ("424" -> "0424"); COMMUNITY_AREA is
  the area's name (or its number); LOCATION is WKT "POINT (lon lat)" or GeoJSON, used when
  LATITUDE / LONGITUDE are absent. Coordinates are stored as for any incident (share class L).
- The victims' names, sex and race are never read: the CSV reader takes only the columns named
  in `USED`, and the JSON reader drops the others as each object is parsed, so they reach no
  variable, record, error text or log.
- Incidents are stored with source `city_data` and the id `city-<RD number>`, so re-importing
  finds them (and two laptops of one team that import the same export hold the same incident).
  A changed case becomes a new version through `incidents.correct_incident` (audited); an RD
  number this laptop already holds from another source (CPD's notification, the team's own
  log) is left alone: those facts are not the city's to overwrite.
- Their facts are not queued to the organisation's hub (see `_facts_shared_from_here` in
  services/incidents.py): the data is public, every laptop can import it, and a thousand
  incidents pushed from each laptop would only flood the hub with copies.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import fields as F
from .clock import CHICAGO
from .domain import IncidentFacts
from .errors import CviError, RowError, ValidationError
from .services import incidents
from .services.audit import audit
from .store.database import Store
from .vocab import AgeBand, IncidentType, LocationType, Source

# The portal's CSV export, in its order; the JSON API uses the same names in lower case.
COLUMNS = (
    "CASE_NUMBER", "DATE", "BLOCK", "VICTIMIZATION_PRIMARY", "INCIDENT_PRIMARY", "GUNSHOT_INJURY_I",
    "UNIQUE_ID", "ZIP_CODE", "WARD", "COMMUNITY_AREA", "STREET_OUTREACH_ORGANIZATION", "AREA",
    "DISTRICT", "BEAT", "AGE", "SEX", "RACE", "VICTIMIZATION_FBI_CD", "INCIDENT_FBI_CD",
    "VICTIMIZATION_FBI_DESCR", "INCIDENT_FBI_DESCR", "VICTIMIZATION_IUCR_CD", "INCIDENT_IUCR_CD",
    "VICTIMIZATION_IUCR_SECONDARY", "INCIDENT_IUCR_SECONDARY", "HOMICIDE_VICTIM_FIRST_NAME",
    "HOMICIDE_VICTIM_MI", "HOMICIDE_VICTIM_LAST_NAME", "MONTH", "DAY_OF_WEEK", "HOUR",
    "LOCATION_DESCRIPTION", "STATE_HOUSE_DISTRICT", "STATE_SENATE_DISTRICT", "UPDATED", "LATITUDE",
    "LONGITUDE", "LOCATION",
)
# What tells this data set apart from any other sheet: matched by name, in any order or case,
# since re-exports by other tools add, drop and reorder columns.
SIGNATURE = frozenset({"case_number", "victimization_primary", "gunshot_injury_i"})
REQUIRED = ("case_number", "date", "district", "victimization_primary", "gunshot_injury_i")
# The only columns ever read. Names, sex and race are not among them, on purpose.
USED = frozenset({
    "case_number", "date", "block", "victimization_primary", "gunshot_injury_i", "unique_id",
    "community_area", "street_outreach_organization", "district", "beat", "age",
    "location_description", "latitude", "longitude", "location",
})
NEVER_KEPT = frozenset({"homicide_victim_first_name", "homicide_victim_mi", "homicide_victim_last_name",
                        "sex", "race"})
assert not USED & NEVER_KEPT

ID_PREFIX = "city-"
_INCIDENT = F.by_name(F.INCIDENT)
# Our field -> the column it comes from, to name a refused fact as the file names it.
_COLUMN_OF = {"rd_number": "case_number", "occurred_at": "date", "district": "district", "beat": "beat",
              "block": "block", "community_area": "community_area", "latitude": "latitude",
              "longitude": "longitude", "victim_age_bands": "age", "location_type": "location_description"}


def recognises(columns: Iterable[str]) -> bool:
    """Whether a header (CSV) or a set of keys (JSON) is the city's victims data set."""
    return SIGNATURE <= {str(c).strip().lower() for c in columns}


# --- reading -----------------------------------------------------------------------------------

@dataclass
class Sheet:
    """The used columns of every row, with the line a person sees it on, and how the file spells
    each column (to name it in a refusal)."""

    rows: list[tuple[int, dict[str, Any]]]
    spelled: dict[str, str]  # lower-case name -> as the file has it
    columns: frozenset[str]  # every column the file has, in lower case

    def name(self, column: str) -> str:
        return self.spelled.get(column, column.upper())


def _drop_private(obj: dict[str, Any]) -> dict[str, Any]:
    # Runs as each JSON object is parsed: names, sex and race are gone before the next object.
    return {k: v for k, v in obj.items() if str(k).strip().lower() not in NEVER_KEPT}


def load_json(path: Path) -> Any:
    """A JSON file with the never-kept columns dropped object by object, as it is parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"), object_hook=_drop_private)
    except json.JSONDecodeError as exc:
        raise CviError(f"{path.name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        raise CviError(f"{path.name}: not UTF-8 text; save it as UTF-8 and import again") from None


def read_csv_header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError:
        raise CviError(f"{path.name}: not UTF-8 text; save it as UTF-8 and import again") from None


def read_csv(path: Path) -> Sheet:
    try:
        return _read_csv(path)
    except UnicodeDecodeError:
        raise CviError(f"{path.name}: not UTF-8 text; save it as UTF-8 and import again") from None
    except csv.Error as exc:
        raise CviError(f"{path.name}: not a readable CSV file ({exc})") from None


def _read_csv(path: Path) -> Sheet:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        wanted = [(i, h.strip().lower()) for i, h in enumerate(header) if h.strip().lower() in USED]
        spelled = {h.strip().lower(): h.strip() for h in header}
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # a blank line, as spreadsheets leave at the end
            # Only the used cells are copied; the record (names and all) is dropped with the loop.
            rows.append((reader.line_num, {name: record[i] for i, name in wanted if i < len(record)}))
    return Sheet(rows, spelled, frozenset(spelled))


def json_sheet(items: Sequence[Any]) -> Sheet:
    """Objects already parsed by `load_json` (the API leaves out keys whose value is null)."""
    rows = []
    spelled: dict[str, str] = {}
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            rows.append((index, {"_not_an_object": True}))
            continue
        kept = {}
        for key, value in item.items():
            name = str(key).strip().lower()
            if name in USED:
                kept[name] = value
                spelled.setdefault(name, str(key).strip())
        rows.append((index, kept))
    return Sheet(rows, spelled, frozenset(k.strip().lower() for k in json_keys(items)))


def json_keys(items: Sequence[Any]) -> set[str]:
    return {str(k) for item in items if isinstance(item, dict) for k in item}


# --- one victim row ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Victim:
    line: int
    rd_number: str
    occurred_at: datetime
    district: str
    beat: str | None
    block: str | None
    community_area: int | None
    latitude: float | None
    longitude: float | None
    location_type: LocationType | None
    fatal: bool
    gunshot: bool
    bands: tuple[AgeBand, ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _blank(value: Any) -> bool:
    return _text(value).upper() in ("", "NONE", "NULL", "N/A", "NA")


_CSV_TIMES = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


def chicago_instant(naive: datetime) -> datetime:
    """Chicago wall time -> UTC. fold=0 on purpose: the first of a repeated hour (daylight time),
    and for a time in the spring-forward gap the offset before the change (standard time)."""
    return naive.replace(tzinfo=CHICAGO, fold=0).astimezone(UTC)


def parse_date(value: Any) -> datetime:
    text = _text(value)
    if not text:
        raise ValidationError("date", "is empty")
    parsed: datetime | None = None
    if "/" in text:
        for pattern in _CSV_TIMES:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    else:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValidationError(
            "date", f"{text!r} is not a date and time (MM/DD/YYYY hh:mm:ss AM/PM, or ISO 8601)")
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    return chicago_instant(parsed)


# Our bands as age ranges (inclusive); 45_plus has no top.
_OUR_BANDS = ((AgeBand.UNDER_18, 0, 17), (AgeBand.AGE_18_24, 18, 24), (AgeBand.AGE_25_34, 25, 34),
              (AgeBand.AGE_35_44, 35, 44), (AgeBand.AGE_45_PLUS, 45, 200))
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|TO)\s*(\d{1,3})$")
_AT_LEAST = re.compile(r"^(\d{1,3})\s*(?:\+|AND OVER|OR OLDER)$")


def age_bands(value: Any) -> tuple[AgeBand, ...]:
    """Every one of our bands the city's band overlaps (see the module docstring)."""
    text = _text(value).upper()
    if text in ("", "UNKNOWN", "UNK", "NONE", "NULL", "N/A"):
        return (AgeBand.UNKNOWN,)
    if text.isdigit():
        low = high = int(text)
    elif match := _RANGE.match(text):
        low, high = int(match[1]), int(match[2])
    elif match := _AT_LEAST.match(text):
        low, high = int(match[1]), 200
    else:
        raise ValidationError("age", f"{_text(value)!r} is not an age band (like 20-29, 80+ or UNKNOWN)")
    if low > high or high > 200:
        raise ValidationError("age", f"{_text(value)!r} is not an age band")
    return tuple(band for band, lo, hi in _OUR_BANDS if lo <= high and low <= hi)


# LOCATION_DESCRIPTION -> our location type. Rules in order, the first whose words all appear
# wins; words, not substrings ("BUS" is not in "BUSINESS", "PARK" not in "PARKING LOT"); a
# description no rule knows is `other`.
_PLACE_RULES = (
    (LocationType.TRANSIT, ("CTA", "TRAIN", "BUS", "PLATFORM")),
    (LocationType.SCHOOL, ("SCHOOL", "COLLEGE", "UNIVERSITY")),
    (LocationType.VEHICLE, ("VEHICLE", "AUTO", "TAXICAB")),
    (LocationType.PARK, ("PARK", "FOREST PRESERVE", "BEACH", "LAKEFRONT")),
    (LocationType.OTHER, ("PARKING",)),  # before residence: "GARAGE (NON RESIDENTIAL)"
    (LocationType.RESIDENCE, ("RESIDENCE", "RESIDENTIAL", "APARTMENT", "HOUSE", "PORCH", "YARD",
                              "DRIVEWAY", "HALLWAY", "STAIRWELL", "CHA")),
    (LocationType.STREET, ("STREET", "ALLEY", "SIDEWALK", "HIGHWAY", "EXPRESSWAY")),
    (LocationType.BUSINESS, ("STORE", "RESTAURANT", "BAR", "TAVERN", "STATION", "SHOP", "BARBERSHOP",
                             "LIQUOR", "HOTEL", "MOTEL", "BANK", "CURRENCY EXCHANGE", "CLUB",
                             "COMMERCIAL", "RETAIL", "GROCERY", "WASH")),
)
_PLACES = tuple((frozenset(words.split()), kind) for kind, options in _PLACE_RULES for words in options)


def location_type(value: Any) -> LocationType | None:
    if _blank(value):
        return None
    words = set(re.findall(r"[A-Z]+", _text(value).upper()))
    for needed, kind in _PLACES:
        if needed <= words:
            return kind
    return LocationType.OTHER


# Chicago's 77 community areas, by number; the data set gives the name.
_AREA_NAMES = (
    "Rogers Park", "West Ridge", "Uptown", "Lincoln Square", "North Center", "Lake View", "Lincoln Park",
    "Near North Side", "Edison Park", "Norwood Park", "Jefferson Park", "Forest Glen", "North Park",
    "Albany Park", "Portage Park", "Irving Park", "Dunning", "Montclare", "Belmont Cragin", "Hermosa",
    "Avondale", "Logan Square", "Humboldt Park", "West Town", "Austin", "West Garfield Park",
    "East Garfield Park", "Near West Side", "North Lawndale", "South Lawndale", "Lower West Side", "Loop",
    "Near South Side", "Armour Square", "Douglas", "Oakland", "Fuller Park", "Grand Boulevard", "Kenwood",
    "Washington Park", "Hyde Park", "Woodlawn", "South Shore", "Chatham", "Avalon Park", "South Chicago",
    "Burnside", "Calumet Heights", "Roseland", "Pullman", "South Deering", "East Side", "West Pullman",
    "Riverdale", "Hegewisch", "Garfield Ridge", "Archer Heights", "Brighton Park", "McKinley Park",
    "Bridgeport", "New City", "West Elsdon", "Gage Park", "Clearing", "West Lawn", "Chicago Lawn",
    "West Englewood", "Englewood", "Greater Grand Crossing", "Ashburn", "Auburn Gresham", "Beverly",
    "Washington Heights", "Mount Greenwood", "Morgan Park", "O'Hare", "Edgewater",
)
assert len(_AREA_NAMES) == 77


def _area_key(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper())


_AREAS = {_area_key(name): number for number, name in enumerate(_AREA_NAMES, start=1)}
_AREAS.update({"THELOOP": 32, "LAKEVIEW": 6, "MTGREENWOOD": 74, "GREATERGRANDCROSSING": 69})


def community_area(value: Any) -> int | None:
    if _blank(value):
        return None
    text = _text(value)
    if text.isdigit():
        number: int = F.check(_INCIDENT["community_area"], text)
        return number
    found = _AREAS.get(_area_key(text))
    if found is None:
        raise ValidationError("community_area", f"{text!r} is not one of Chicago's 77 community areas")
    return found


_WKT_POINT = re.compile(r"^POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)$", re.IGNORECASE)


def coordinates(row: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """(latitude, longitude): the columns if given, else LOCATION (WKT or GeoJSON)."""
    lat, lon = row.get("latitude"), row.get("longitude")
    if not _blank(lat) and not _blank(lon):
        return (F.check(_INCIDENT["latitude"], _text(lat)), F.check(_INCIDENT["longitude"], _text(lon)))
    where = row.get("location")
    if isinstance(where, dict):
        points = where.get("coordinates")
        if isinstance(points, list | tuple) and len(points) == 2:
            lon, lat = points
        elif "latitude" in where and "longitude" in where:  # the portal's older location object
            lat, lon = where["latitude"], where["longitude"]
        else:
            raise ValidationError("location", "is not a GeoJSON point")
    elif _blank(where):
        return None, None
    else:
        match = _WKT_POINT.match(_text(where))
        if match is None:
            raise ValidationError("location", f"{_text(where)!r} is not a point like POINT (lon lat)")
        lon, lat = match[1], match[2]
    found = []
    for name, value in (("latitude", lat), ("longitude", lon)):
        try:
            found.append(F.check(_INCIDENT[name], str(value)))
        except ValidationError as exc:
            raise ValidationError("location", f"{name} {exc.reason}") from None
    return found[0], found[1]


def organisations(value: Any) -> frozenset[str]:
    """The outreach organisations a row names (" | "-separated), folded for matching."""
    if _blank(value):
        return frozenset()
    return frozenset(folded for part in _text(value).split("|") if (folded := fold_name(part))
                     and folded not in ("none", "null"))


def fold_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _district_key(value: Any) -> str:
    text = _text(value)
    return text.zfill(3) if text.isdigit() and len(text) < 3 else text


def parse_victim(line: int, row: Mapping[str, Any]) -> Victim:
    """One row, checked; ValidationError names the column (lower case) it refuses."""
    if row.get("_not_an_object"):
        raise ValidationError("row", "is not an object")
    try:
        rd = F.check(_INCIDENT["rd_number"], row.get("case_number"))
    except ValidationError as exc:
        raise ValidationError("case_number", exc.reason) from None
    if rd is None:
        raise ValidationError("case_number", "is empty")
    if _blank(row.get("district")):
        raise ValidationError("district", "is empty")
    district = F.check(_INCIDENT["district"], _district_key(row.get("district")))
    beat = None if _blank(row.get("beat")) else F.check(_INCIDENT["beat"], _text(row.get("beat")))
    block = _text(row.get("block")) or None
    if block is not None:
        F.check(_INCIDENT["block"], block)
    latitude, longitude = coordinates(row)
    return Victim(
        line=line, rd_number=rd, occurred_at=parse_date(row.get("date")), district=district, beat=beat,
        block=block, community_area=community_area(row.get("community_area")),
        latitude=latitude, longitude=longitude,
        location_type=location_type(row.get("location_description")),
        fatal=_text(row.get("victimization_primary")).upper() == "HOMICIDE",
        gunshot=_text(row.get("gunshot_injury_i")).upper() in ("YES", "Y"),
        bands=age_bands(row.get("age")),
    )


def incident_type(victims: Sequence[Victim]) -> IncidentType:
    if any(v.gunshot and v.fatal for v in victims):
        return IncidentType.FATAL_SHOOTING
    if any(v.gunshot for v in victims):
        return IncidentType.NONFATAL_SHOOTING
    if any(v.fatal for v in victims):
        return IncidentType.NONSHOOTING_HOMICIDE
    return IncidentType.OTHER


_BAND_ORDER = {band: i for i, band in enumerate(AgeBand)}


def incident_data(victims: Sequence[Victim]) -> dict[str, Any]:
    """One incident's input (for `IncidentFacts.from_input`) from its victims' rows. Place comes
    from the first row: the rows of one case share it."""
    first = victims[0]
    fatal = sum(1 for v in victims if v.fatal)
    bands = sorted({b for v in victims for b in v.bands}, key=_BAND_ORDER.__getitem__)
    return {
        "id": ID_PREFIX + first.rd_number, "source": Source.CITY_DATA, "rd_number": first.rd_number,
        "incident_type": incident_type(victims), "occurred_at": min(v.occurred_at for v in victims),
        "district": first.district, "beat": first.beat, "block": first.block,
        "community_area": first.community_area, "location_type": first.location_type,
        "latitude": first.latitude, "longitude": first.longitude,
        "victims_total": len(victims), "victims_fatal": fatal, "victims_nonfatal": len(victims) - fatal,
        "victim_age_bands": [b.value for b in bands],
    }


# --- the import --------------------------------------------------------------------------------

@dataclass
class CityImportResult:
    """What an import did, in victims (rows) and incidents. `imported` holds the ids of the new
    and updated incidents and `errors` the refused rows, as for any import."""

    rows: int = 0
    incidents: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered_rows: int = 0
    filtered_incidents: int = 0
    held_elsewhere: int = 0  # RD numbers this laptop holds from another source
    refused_incidents: int = 0
    duplicate_rows: int = 0
    imported: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len(self.errors)

    def summary(self) -> list[str]:
        """What a person reads after an import: victims (rows) and incidents, and what became
        of the incidents."""
        skipped = self.filtered_incidents + self.unchanged + self.held_elsewhere
        lines = [
            f"City data portal victims data set: {self.rows} victims (rows) in "
            f"{self.incidents + self.filtered_incidents} incidents.",
            f"  new {self.new}, updated {self.updated}, skipped {skipped}, refused {self.refused_incidents}.",
            f"  skipped: {self.filtered_incidents} incidents ({self.filtered_rows} victims) filtered out, "
            f"{self.unchanged} unchanged, {self.held_elsewhere} already held from another source.",
        ]
        if self.errors:
            lines.append(f"  refused: {self.refused} rows, each with its line and reason above.")
        if self.duplicate_rows:
            lines.append(f"  {self.duplicate_rows} rows repeated a victim (same UNIQUE_ID): counted once.")
        return lines


@dataclass(frozen=True)
class Filter:
    """Which incidents to keep: those in `districts` or naming `organisation` (either is enough);
    no filter keeps all."""

    districts: frozenset[str] | None = None
    organisation: str | None = None

    def keeps(self, rows: Sequence[Mapping[str, Any]]) -> bool:
        if self.districts is None and self.organisation is None:
            return True
        for row in rows:
            if self.districts is not None and _district_key(row.get("district")) in self.districts:
                return True
            if self.organisation is not None and self.organisation in organisations(
                    row.get("street_outreach_organization")):
                return True
        return False


def districts_held(store: Store) -> frozenset[str]:
    """The districts this laptop holds incidents for other than the city's own (which would
    otherwise grow to the whole city after one unfiltered import)."""
    return frozenset(str(r["district"]) for r in store.rows(
        "SELECT DISTINCT district FROM incidents WHERE source != ?", [Source.CITY_DATA.value]))


def make_filter(store: Store, districts: str | None, organisation: str | None) -> Filter:
    """`districts`: codes separated by commas ("007,11"); the word "held" among them stands for
    the districts this laptop already holds incidents for (`districts_held`)."""
    chosen: frozenset[str] | None = None
    if districts is not None:
        codes: set[str] = set()
        for part in (p.strip() for p in districts.split(",")):
            if part.lower() == "held":
                held = districts_held(store)
                if not held:
                    raise ValidationError("districts", "this laptop holds no incidents yet, so 'held' names "
                                          "no district; name them (like 007,011)")
                codes |= held
            elif part:
                codes.add(F.check(F.Field("districts", F.Kind.DISTRICT, F.Share.S), part))
        if not codes:
            raise ValidationError("districts", "name at least one district (like 007,011)")
        chosen = frozenset(codes)
    name = None
    if organisation is not None:
        name = fold_name(organisation)
        if not name:
            raise ValidationError("organisation", "give the organisation's name as the data set spells it")
    return Filter(chosen, name)


def _group(rows: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """Rows by case number, in the order cases first appear; a row without one stands alone."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for line, row in rows:
        key = _text(row.get("case_number")).upper() or f"#line{line}"
        groups.setdefault(key, []).append((line, row))
    yield from groups.values()


def _facts_row(facts: IncidentFacts) -> dict[str, Any]:
    return {name: F.stored(getattr(facts, name)) for name in incidents.FACT_FIELDS}


# Facts the import does not set; a correction leaves them as they are.
_NOT_FROM_CITY = frozenset({"cpd_notified_at", "org_received_at"})


def import_victims(store: Store, sheet: Sheet, keep: Filter = Filter()) -> CityImportResult:
    """Group, check, and write the sheet's incidents in ONE transaction: a year of the city's
    data is about 3,000 rows, and one commit per incident would be most of the time."""
    if keep.organisation is not None and "street_outreach_organization" not in sheet.columns:
        raise ValidationError("organisation", "this file has no STREET_OUTREACH_ORGANIZATION column to match")
    result = CityImportResult(rows=len(sheet.rows))
    ready: list[dict[str, Any]] = []  # each checked incident's input
    for group in _group(sheet.rows):
        if not keep.keeps([row for _line, row in group]):
            result.filtered_incidents += 1
            result.filtered_rows += len(group)
            continue
        result.incidents += 1
        victims: list[Victim] = []
        refused: list[RowError] = []
        seen: set[str] = set()
        for line, row in group:
            unique = _text(row.get("unique_id"))
            if unique and unique in seen:
                result.duplicate_rows += 1
                continue
            if unique:
                seen.add(unique)
            try:
                victims.append(parse_victim(line, row))
            except ValidationError as exc:
                refused.append(RowError(line, sheet.name(exc.field), exc.reason))
        if not refused:
            data = incident_data(victims)
            try:
                IncidentFacts.from_input(data)
            except ValidationError as exc:
                refused.append(RowError(victims[0].line, sheet.name(_COLUMN_OF.get(exc.field, exc.field)),
                                       exc.reason))
        if refused:
            # A case is imported whole or not at all: its victim counts would be wrong otherwise.
            result.errors.extend(refused)
            result.refused_incidents += 1
            bad = {r.line for r in refused}
            result.errors.extend(
                RowError(v.line, sheet.name("case_number"), f"not imported: line {min(bad)} of the same case "
                        "was refused") for v in victims if v.line not in bad)
            continue
        ready.append(data)
    result.errors.sort(key=lambda r: r.line)
    if not ready:
        return result
    with store.write() as db:
        held = _held(store, [data["rd_number"] for data in ready])
        for data in ready:
            current = held.get(data["rd_number"])
            if current is None:
                result.imported.append(incidents.record_incident(store, data))
                result.new += 1
            elif current["source"] != Source.CITY_DATA.value:
                result.held_elsewhere += 1
            else:
                changes = _changes(current, data)
                if not changes:
                    result.unchanged += 1
                    continue
                incidents.correct_incident(
                    store, current["id"], changes, base_version=int(current["version"]),
                    reason="city data portal: " + ", ".join(sorted(changes)))
                result.imported.append(current["id"])
                result.updated += 1
        audit(store, db, "import_city_data", "incident", "*",
              f"{result.rows} rows: {result.new} new, {result.updated} updated")
    return result


def _held(store: Store, rd_numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """RD number -> the incident this laptop holds for it: the city's own copy (its `city-` id
    first) when there is one, else another source's."""
    def rank(row: Mapping[str, Any]) -> int:
        if row["source"] != Source.CITY_DATA.value:
            return 2
        return 0 if row["id"] == ID_PREFIX + row["rd_number"] else 1

    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(rd_numbers), 500):  # within SQLite's limit on bound values
        chunk = rd_numbers[start:start + 500]
        for row in store.rows(f"SELECT * FROM incidents WHERE rd_number IN ({','.join('?' * len(chunk))})",
                              chunk):
            known = out.get(row["rd_number"])
            if known is None or rank(row) < rank(known):
                out[row["rd_number"]] = row
    return out


def _changes(current: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The city facts that differ from what this laptop holds (both in their stored form)."""
    new = _facts_row(IncidentFacts.from_input(data))
    return {name: data[name] for name, value in new.items()
            if name not in _NOT_FROM_CITY and name in data and current[name] != value}


def is_city_file(path: Path) -> tuple[bool, Any]:
    """Whether `path` is the city's victims data set, and (for JSON) its parsed objects, so
    the file is parsed once."""
    if path.suffix.lower() == ".json":
        data = load_json(path)
        return isinstance(data, list) and recognises(json_keys(data)), data
    return recognises(read_csv_header(path)), None


def sheet_for(path: Path, parsed: Any) -> Sheet:
    """The file's rows (`parsed`: the JSON objects `is_city_file` read, None for CSV), after a
    check that the columns an incident needs are there."""
    sheet = json_sheet(parsed) if parsed is not None else read_csv(path)
    missing = [c for c in REQUIRED if c not in sheet.columns]
    if missing:
        raise CviError(f"{path.name} looks like the city data portal's victims data set but has no "
                       f"{', '.join(c.upper() for c in missing)} column")
    return sheet
