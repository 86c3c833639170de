"""The core's words in English and Spanish: one catalog for everything a person reads that the
core (and the hub's CPD web page) writes — choice labels, field headings, error messages, the
monthly review, its PDF, charts and CSV headers. No Qt in it: the desktop app's own strings are
Qt's (`resources/translations/*.ts`); this is everything else, and `ui.labels.label` routes here.

- Stored and sent values stay language-neutral codes; only what is *shown* is translated.
- English is the source text and the default: `t("Referrals by category")` returns it as it is
  when the language is English, so English output never depends on the catalog.
- Spanish lives in `resources/translations/core_es.json` (with `GLOSSARY.md` beside it: one
  Spanish word per domain term, "usted" throughout), shipped by build.spec's translations entry.
  Its sections: "messages" (English text -> Spanish), "plurals" (English singular -> [one,
  other]), "labels" (code -> Spanish label), "headers" (CSV column -> Spanish column) and
  "templates" (an English message with `{}` where a value goes -> Spanish with `{0}`, `{1}`...),
  which translate a message already formatted in English (`message`), as the core's error types
  receive them.

The language: `set_language(code)` sets the process's (the desktop calls it once, from
`ui.language.apply_language`); `using_language(code)` overrides it for one block in this
context only — the hub renders each request in the browser's language, several at once.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "es")
DEFAULT = "en"
_log = logging.getLogger(__name__)
_process: dict[str, str] = {"language": DEFAULT}
_override: ContextVar[str | None] = ContextVar("cvi_language", default=None)


def normalize(code: object) -> str:
    """A language code as the catalog knows it: "es-US", "es_MX.UTF-8", "ES" -> "es"; anything
    not offered -> "en"."""
    primary = re.split(r"[-_.@]", str(code or "").strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else DEFAULT


def set_language(code: str) -> str:
    """Make `code` the process's language (unknown codes give English); returns the one set.
    A Spanish catalog that cannot be read is logged and English is kept."""
    language = normalize(code)
    if language != DEFAULT and not catalog(language):
        _log.warning("no %s catalog found in %s: staying in English", language, translations_dir())
        language = DEFAULT
    _process["language"] = language
    return language


def language() -> str:
    """The language in use here: this context's `using_language`, else the process's."""
    return _override.get() or _process["language"]


@contextmanager
def using_language(code: str) -> Iterator[str]:
    """Write in `code` inside the block, in this context only (a hub request, a test)."""
    token = _override.set(normalize(code))
    try:
        yield _override.get() or DEFAULT
    finally:
        _override.reset(token)


# --- the catalog ---------------------------------------------------------------------------------


def translations_dir() -> Path:
    """Where `core_<lang>.json` is: `resources/translations` inside the PyInstaller bundle (when
    frozen; build.spec ships the folder) or next to the source tree (`make run`, an editable
    install); else `<prefix>/share/cvi-desktop/translations`, where a wheel installs it when
    pyproject lists it under `[tool.setuptools.data-files]`."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources" / "translations"
    source = Path(__file__).resolve().parent.parent / "resources" / "translations"
    installed = Path(sys.prefix) / "share" / "cvi-desktop" / "translations"
    return source if source.is_dir() or not installed.is_dir() else installed


SECTIONS = ("messages", "plurals", "labels", "headers", "templates")


@cache
def catalog(code: str) -> dict[str, dict[str, Any]]:
    """The catalog of a language (empty sections for English, the source language)."""
    empty: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    if code == DEFAULT:
        return empty
    path = translations_dir() / f"core_{code}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {**empty, **{k: v for k, v in data.items() if k in SECTIONS}}


def _section(name: str) -> Mapping[str, Any]:
    code = language()
    return catalog(code).get(name, {}) if code != DEFAULT else {}


def t(english: str, **fmt: object) -> str:
    """`english` in the language in use, with `{name}` placeholders filled from `fmt`."""
    text = _section("messages").get(english, english)
    return text.format(**fmt) if fmt else text


def tn(singular: str, plural: str, n: int, **fmt: object) -> str:
    """The form for `n` ("1 record", "3 records"; "1 registro", "3 registros"): `{n}` and any
    `fmt` placeholders are filled. English and Spanish both use "one" for exactly 1 and "other"
    for every other count (0 registros, 2 registros)."""
    forms = _section("plurals").get(singular)
    one, other = forms if forms else (singular, plural)
    return (one if n == 1 else other).format(n=n, **fmt)


def header(column: str) -> str:
    """A CSV column heading in the language in use (English keeps the code-like column name)."""
    return str(_section("headers").get(column, column))


def message(english: str) -> str:
    """A message already formatted in English, in the language in use: an exact entry, else a
    template whose fixed parts match around the values ("'12' is not a four-digit beat" matches
    "{} is not a four-digit beat"). Unknown messages stay English."""
    messages = _section("messages")
    if not messages or english in messages:
        return str(messages.get(english, english))
    for pattern, spanish in _templates(language()):
        found = pattern.fullmatch(english)
        if found:
            return str(spanish).format(*(message(v) for v in found.groups()))
    return english


@cache
def _templates(code: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    # Longest first: the most specific template wins where several would match.
    for english, spanish in sorted(catalog(code).get("templates", {}).items(), key=lambda kv: -len(kv[0])):
        parts = [re.escape(p) for p in english.split("{}")]
        compiled.append((re.compile("(.+?)".join(parts), re.S), spanish))
    return tuple(compiled)


# --- labels for stored codes -----------------------------------------------------------------------

# English words for every stored choice value (`vocab.py`), the one place they are named. A
# code's label is the same whichever vocabulary it belongs to ("closed", "other").
LABELS: dict[str, str] = {
    # incident types
    "fatal_shooting": "Fatal shooting",
    "nonfatal_shooting": "Non-fatal shooting",
    "nonshooting_homicide": "Non-shooting homicide",
    "shots_fired_no_injury": "Shots fired, no injury",
    # statuses
    "new": "New",
    "assigned": "Assigned",
    "responding": "Responding",
    "closed": "Closed",
    "no_response": "No response",
    # action types
    "scene": "Scene response",
    "hospital": "Hospital response",
    "victim_engagement": "Victim engagement",
    "family_engagement": "Family engagement",
    "mediation": "Mediation",
    "canvass_rumor_control": "Canvass / rumour control",
    "vigil_funeral": "Vigil or funeral",
    "community_event": "Community event",
    "referral": "Referral",
    "followup_contact": "Follow-up contact",
    "other": "Other",
    # outcomes
    "completed": "Completed",
    "partial": "Partly done",
    "unable_unsafe": "Unable: unsafe",
    "unable_police_restriction": "Unable: police restriction",
    "unable_no_staff": "Unable: no staff",
    "declined": "Declined",
    "not_located": "Not located",
    # the monthly review's reason for an incident with no attempt (`monthly.NO_ATTEMPT`)
    "no_attempt_recorded": "No attempt recorded",
    # mediation, risk
    "resolved": "Resolved",
    "ongoing": "Ongoing",
    "escalated": "Escalated",
    "unknown": "Unknown",
    "none": "None",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    # referral categories and statuses
    "mental_health": "Mental health",
    "victim_services": "Victim services",
    "medical": "Medical",
    "relocation": "Relocation",
    "employment": "Employment",
    "education": "Education",
    "legal": "Legal",
    "funeral": "Funeral",
    "substance_use": "Substance use",
    "basic_needs": "Basic needs",
    "made": "Made",
    "connected": "Connected",
    # follow-up kinds
    "call": "Call",
    "visit": "Visit",
    "hospital_visit": "Hospital visit",
    "referral_check": "Referral check",
    # review
    "approved": "Approved",
    "has_issues": "Has issues",
    "rejected": "Rejected",
    # location types
    "street": "Street",
    "residence": "Residence",
    "vehicle": "Vehicle",
    "business": "Business",
    "park": "Park",
    "school": "School",
    "transit": "Transit",
    # victim age bands
    "under_18": "Under 18",
    "18_24": "18–24",
    "25_34": "25–34",
    "35_44": "35–44",
    "45_plus": "45 and over",
    # sources
    "cpd": "CPD",
    "community": "Community",
    "self": "Own team",
    "city_data": "City data",
    # themes (the monthly review's fixed vocabulary)
    "interpersonal_dispute": "Interpersonal dispute",
    "domestic": "Domestic",
    "robbery": "Robbery",
    "retaliation_concern": "Retaliation concern",
    "youth_involved": "Youth involved",
    "repeat_location": "Repeat location",
    "community_tension": "Community tension",
    "hospital_response": "Hospital response",
    # sync states (badges)
    "pending": "Waiting to share",
    "sending": "Sharing…",
    "acknowledged": "Shared",
    "quarantined": "Needs attention",
    "local": "Saved here",
    # the queue's badges (`queries.sync_badges`): where an incident's records have got to
    "shared_team": "Shared with your team",
    "sent_to_cpd": "Sent to CPD",
    "from_cpd": "From CPD",
    # review states (`reviews.status`) and why an incident waits in the review queue
    "not_reviewed": "Not reviewed",
    "waiting": "Waiting for review",
    "changed_since_approval": "Changed since approval",
    "resubmitted": "Resubmitted after issues",
    # what a review covers (record kinds)
    "incident": "Incident",
    "response_record": "Response record",
    "response_action": "Response",
    "review": "Review",
    "followup": "Follow-up",
    "follow-up": "Follow-up",
    "due": "Due",
    "done": "Done",
    # a flag on a response action and how a supervisor settled it
    "incident_reassigned": "Logged after the incident was reassigned",
    "kept": "Kept with its author",
    "moved": "Moved to the new assignee",
    # the whole of a table (`report.tables`)
    "all": "All",
}


def english_label(code: object) -> str:
    """The English words for a code ("unable_no_staff" -> "Unable: no staff"); a code without
    an entry reads as itself, spaced and capitalised."""
    text = "" if code is None else str(code)
    if not text:
        return ""
    return LABELS.get(text) or text.replace("_", " ").capitalize()


def label(code: object) -> str:
    """The words for a stored code in the language in use; "" for none."""
    text = "" if code is None else str(code)
    if not text:
        return ""
    translated = _section("labels").get(text)
    return str(translated) if translated else english_label(text)


# --- dates ------------------------------------------------------------------------------------------

# How a Chicago wall time is written in each language (as `ui.labels.DATE_TIME_FORMATS`):
# English keeps the team's year-first form; Spanish writes the day first.
DATE_TIME_FORMATS = {"en": "%Y-%m-%d %H:%M", "es": "%d/%m/%Y %H:%M"}


def wall_time(instant: datetime) -> str:
    """An aware instant as Chicago wall time, written for the language in use."""
    from .clock import CHICAGO

    return instant.astimezone(CHICAGO).strftime(DATE_TIME_FORMATS[language()])


# Numbers need no helper: the core writes whole numbers and percentages only, and US Spanish (as
# Chicago writes it, es-US) uses the same digits, decimal point and thousands comma as English.


# --- a browser's choice -------------------------------------------------------------------------


def accept_language(header: str | None) -> str:
    """The offered language a browser's Accept-Language header prefers, by q-value (ties: the
    first listed), ignoring q=0 (refused); "*" stands for the default. English when nothing
    offered is acceptable: "es-US,es;q=0.9" -> "es", "fr, es;q=0.5" -> "es", "fr" -> "en"."""
    best, best_q = DEFAULT, 0.0
    for part in (header or "")[:1000].split(",")[:32]:
        tag, *params = part.strip().split(";")
        q = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        code = DEFAULT if primary == "*" else primary
        if code in LANGUAGES and q > best_q:
            best, best_q = code, q
    return best


# --- a terminal's choice ------------------------------------------------------------------------


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language a terminal's locale asks for, as gettext reads it: the first of LANGUAGE
    (its first entry), LC_ALL, LC_MESSAGES and LANG that is set. "es_US.UTF-8" -> "es"; "C",
    "POSIX" or nothing -> "en". What the command-line tools speak unless told `--language`."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(name) or "").split(":")[0].strip()
        if value:
            return normalize(value)
    return DEFAULT
