"""The core's catalog (`cvi_desktop.i18n`): complete, consistent, and Spanish where a person reads.

- Completeness by an AST scan of cvi_desktop/: every literal handed to `t()`/`_t()`/`tn()` and
  every message an error type is raised with (`ValidationError`, `StorageProblem`, ... and what
  the `*_problem` checks return) has a Spanish entry, with the same placeholders; so does every
  `t(...)` in the hub's templates and every title and message sync/hub/web.py renders. A new
  unmarked-and-untranslated message fails here; so does a Spanish entry nothing uses any more.
- Every stored code of every vocabulary (`vocab.py`) has a Spanish label.
- The monthly review in Spanish: its PDF (rendered by the real code, read back with poppler's
  pdftotext) has no English left but proper nouns and codes, its CSV headers are Spanish, its
  text report and ratios too; English output is what it always was.
- Plural forms ("1 registro", "3 registros"), the language choice (process-wide, per context,
  Accept-Language), and error messages translated with their field names kept.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import shutil
import string
import subprocess
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from cvi_desktop import fields, i18n, monthly, report, vocab
from cvi_desktop.errors import NotFound, RowError, StorageProblem, ValidationError

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "resources" / "translations" / "core_es.json"
HUB = ROOT / "sync" / "hub"
T_CALLS = {"t", "_t"}  # i18n.t, and review_charts' `_t` (which is i18n.t unless the UI overrides it)
TN_CALLS = {"tn"}
# Error types and which positional arguments are a person's message.
ERROR_ARGS = {"ValidationError": (1,), "RowError": (2,), "StorageProblem": (1, 2), "CviError": (0,),
              "PermissionRefused": (0,), "KeyringUnavailable": (0,), "DatabaseTooNew": (0,)}
# Messages that are only a placeholder or two ("latitude <reason>"): nothing to translate.
NO_WORDS = re.compile(r"^[{}\s:;,.()]*$")


def spanish() -> dict[str, Any]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def english_after() -> Any:
    yield
    i18n.set_language("en")


# --- the scan --------------------------------------------------------------------------------------


def _text(node: ast.AST) -> tuple[str | None, bool]:
    """A literal's text and whether it was an f-string (its values become "{}")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values), True
    return None, False


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def scan(paths: list[Path]) -> dict[str, dict[str, str]]:
    """What the core says: "messages" (t() literals and exact error texts), "templates" (error
    f-strings, values as "{}"), "plurals" (tn() singular -> plural), each with where it is."""
    found: dict[str, dict[str, str]] = {"messages": {}, "templates": {}, "plurals": {}}

    def add(section: str, text: str, where: str) -> None:
        if not NO_WORDS.match(text):
            found[section].setdefault(text, where)

    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.FunctionDef) and node.name.endswith("_problem"):
                # `instant_problem`, `text_problem`: the reasons they return (and name first).
                for inner in ast.walk(node):
                    value = inner.value if isinstance(inner, ast.Return | ast.Assign) else None
                    text, dynamic = _text(value) if value is not None else (None, False)
                    if text:
                        add("templates" if dynamic else "messages", text, where)
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            if name in T_CALLS and node.args:
                text, dynamic = _text(node.args[0])
                if text is not None and not dynamic:
                    add("messages", text, where)
            elif name in TN_CALLS and len(node.args) >= 2:
                one, _ = _text(node.args[0])
                other, _ = _text(node.args[1])
                if one and other:
                    found["plurals"][one] = other
            elif name in ERROR_ARGS:
                for index in ERROR_ARGS[name]:
                    if len(node.args) > index:
                        text, dynamic = _text(node.args[index])
                        if text:
                            add("templates" if dynamic else "messages", text, where)
    return found


def hub_texts() -> dict[str, dict[str, str]]:
    """The CPD web page's words: `t(...)`/`tn(...)` in its templates, and the titles, messages
    and sign-in errors web.py hands them (rendered through `say`, i.e. `i18n.message`)."""
    found: dict[str, dict[str, str]] = {"messages": {}, "templates": {}, "plurals": {}}
    literal = r'"((?:[^"\\]|\\.)*)"'
    for path in sorted((HUB / "templates").glob("*.html")):
        html = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\bt\(" + literal, html):
            found["messages"][match[1]] = path.name
        for match in re.finditer(r"\btn\(" + literal + r",\s*" + literal, html):
            found["plurals"][match[1]] = match[2]
    tree = ast.parse((HUB / "web.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        texts = [k.value for k in node.keywords if k.arg in ("title", "message")] if name == "page" else []
        if name == "sign_in_page" and len(node.args) >= 3:
            texts.append(node.args[2])
        if name == "t" and node.args:
            texts.append(node.args[0])
        for value in texts:
            text, dynamic = _text(value)
            if text is None and isinstance(value, ast.Name) and value.id == "PDF_NOTE":
                from sync.hub.web import PDF_NOTE

                text, dynamic = PDF_NOTE, False
            assert text is not None, f"web.py:{node.lineno}: a message the test cannot read"
            found["templates" if dynamic else "messages"][text] = f"web.py:{node.lineno}"
    return found


def core_files() -> list[Path]:
    return sorted((ROOT / "cvi_desktop").rglob("*.py"))


def _placeholders(text: str) -> list[str]:
    """The `{name}` / `%d` placeholders of a message, sorted (positional `{0}` counted as `{}`)."""
    names = sorted(f"{{{f[1]}{':' + f[2] if f[2] else ''}}}" for f in string.Formatter().parse(text)
                   if f[1] is not None)
    printf = sorted(re.findall(r"%(?:\([a-z]+\))?[-+ 0#]*\d*(?:\.\d+)?[sdf%]", text))
    return names + printf


def test_scanner_sees_marked_and_raised_messages(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "def f(x):\n"
        "    t('Hello there')\n"
        "    tn('{n} apple', '{n} apples', 2)\n"
        "    raise ValidationError('field', f'{x} is not a pear')\n"
        "def size_problem(v):\n"
        "    return 'too big'\n", encoding="utf-8")
    found = scan([sample])
    assert set(found["messages"]) == {"Hello there", "too big"}
    assert found["templates"].keys() == {"{} is not a pear"}
    assert found["plurals"] == {"{n} apple": "{n} apples"}


def test_every_core_message_has_spanish_with_the_same_placeholders() -> None:
    catalog = spanish()
    found = scan(core_files())
    hub = hub_texts()
    assert len(found["messages"]) > 150 and len(found["templates"]) > 40  # the scan sees them
    missing = [f"{where}: {text!r}" for text, where in {**found["messages"], **hub["messages"]}.items()
               if text not in catalog["messages"]]
    templates = {**found["templates"], **hub["templates"]}
    missing += [f"{where}: template {text!r}" for text, where in templates.items()
                if text not in catalog["templates"]]
    missing += [f"plural {one!r}" for one in {**found["plurals"], **hub["plurals"]}
                if one not in catalog["plurals"]]
    assert missing == [], "\n".join(missing)
    # Placeholders kept: "{count} of {base}" -> "{count} de {base}", "%d of %d" -> "%d de %d".
    bad = [k for k, v in catalog["messages"].items() if _placeholders(k) != _placeholders(v)]
    for english, forms in catalog["plurals"].items():
        assert len(forms) == 2, english
        bad += [english for form in forms if _placeholders(form) != _placeholders(english)]
    for english, text in catalog["templates"].items():
        holes = english.count("{}")
        wanted = [f"{{{k}}}" for k in range(holes)]
        if sorted(re.findall(r"\{\d+\}", text)) != wanted:
            bad.append(english)
    assert bad == []


def test_no_spanish_entry_is_left_over() -> None:
    """Every Spanish message is for something the code says (a renamed English text must be
    renamed in the catalog too, or its Spanish silently stops being used)."""
    from cvi_desktop import review_charts
    from cvi_desktop.store import keys

    catalog = spanish()
    found, hub = scan(core_files()), hub_texts()
    used = {*found["messages"], *hub["messages"], *review_charts.MONTHS, *_headings(), keys.HOW_TO_FIX,
            "database key"}
    assert sorted(set(catalog["messages"]) - used) == []
    assert sorted(set(catalog["templates"]) - {*found["templates"], *hub["templates"]}) == []
    # "{n} record" is the catalog's shared plural for a count of records (`tn`), kept for the CLI.
    assert sorted(set(catalog["plurals"]) - {*found["plurals"], *hub["plurals"], "{n} record"}) == []
    every = report.tables(_review(orgs=True)).values()  # the hub's review: with its organisations
    assert set(catalog["headers"]) == {h for table in every for h in table.header}


def _headings() -> set[str]:
    """Every field's heading (`fields.Field.heading`), which the app shows ("What CPD will see")."""
    return {f.heading for group in [*fields.RECORDS.values(), *fields.LOCAL_ONLY.values()] for f in group}


def test_every_field_heading_has_spanish() -> None:
    messages = spanish()["messages"]
    assert sorted(_headings() - set(messages)) == []
    i18n.set_language("es")
    assert i18n.message(fields.by_name(fields.INCIDENT)["rd_number"].heading) == "número RD"
    assert i18n.message("victims total") == "total de víctimas"


def _vocabularies() -> list[type[StrEnum]]:
    return [v for v in vars(vocab).values()
            if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum]


def test_every_stored_code_has_a_spanish_label() -> None:
    labels = spanish()["labels"]
    codes = {member.value for kind in _vocabularies() for member in kind} | {monthly.NO_ATTEMPT}
    assert len(_vocabularies()) >= 15
    assert sorted(codes - set(labels)) == []
    # The UI's own codes (sync badges, review states) are in the one table too.
    assert sorted(set(i18n.LABELS) - set(labels)) == []
    i18n.set_language("es")
    assert i18n.label("unable_no_staff") == "No se pudo: sin personal"
    assert i18n.label("referral") == "Remisión" and i18n.label(vocab.ActionType.FAMILY_ENGAGEMENT) == (
        "Acercamiento a la familia")
    assert i18n.label("") == "" and i18n.label(None) == ""
    i18n.set_language("en")
    assert i18n.label("unable_no_staff") == "Unable: no staff"
    assert i18n.label("scene") == "Scene response"
    assert i18n.label("youth_involved") == "Youth involved"  # no entry: the code, spaced


def test_spanish_labels_are_spanish() -> None:
    """No label left as its English (codes and proper nouns may stay: CPD, 18–24)."""
    same = [code for code, text in spanish()["labels"].items() if text == i18n.english_label(code)]
    assert sorted(same) == ["18_24", "25_34", "35_44", "cpd", "funeral", "supervisor"]


# --- the language ------------------------------------------------------------------------------------


def test_language_choice_process_and_context() -> None:
    assert i18n.language() == "en" and i18n.t("Themes") == "Themes"
    assert i18n.set_language("es_US.UTF-8") == "es" and i18n.language() == "es"
    assert i18n.t("Themes") == "Temas"
    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.append(i18n.t("Themes")))  # the app's worker thread
    worker.start()
    worker.join()
    assert seen == ["Temas"]
    with i18n.using_language("en"):  # a hub request in English, in this context only
        assert i18n.t("Themes") == "Themes"
        other: list[str] = []
        thread = threading.Thread(target=lambda: other.append(i18n.language()))
        thread.start()
        thread.join()
        assert other == ["es"]  # another thread keeps the process's language
    assert i18n.t("Themes") == "Temas"
    assert i18n.set_language("fr") == "en" and i18n.t("Themes") == "Themes"
    assert i18n.t("A text nobody translated") == "A text nobody translated"


@pytest.mark.parametrize(("header", "expected"), [
    ("es-US,es;q=0.9", "es"), ("en-US", "en"), ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR, es;q=0.5", "es"), ("fr", "en"), ("", "en"), (None, "en"), ("es;q=0, en;q=0.2", "en"),
    ("en;q=0.4, es-MX;q=0.7", "es"), ("*", "en"), ("es;q=nonsense", "en"), ("ES-mx", "es"),
])
def test_accept_language_respects_q_values(header: str | None, expected: str) -> None:
    assert i18n.accept_language(header) == expected


def test_plural_forms() -> None:
    assert [i18n.tn("{n} record", "{n} records", n) for n in (0, 1, 3)] == [
        "0 records", "1 record", "3 records"]
    i18n.set_language("es")
    assert [i18n.tn("{n} record", "{n} records", n) for n in (0, 1, 3)] == [
        "0 registros", "1 registro", "3 registros"]
    assert i18n.tn("{n} incident", "{n} incidents", 1) == "1 incidente"
    assert i18n.tn("{n} incident", "{n} incidents", 21) == "21 incidentes"


# --- messages ------------------------------------------------------------------------------------------


def test_errors_read_in_spanish_and_keep_their_field_names() -> None:
    beat = fields.by_name(fields.INCIDENT)["beat"]
    occurred = fields.by_name(fields.INCIDENT)["occurred_at"]
    with pytest.raises(ValidationError) as english:
        fields.check(beat, "ab")
    assert str(english.value) == "beat: 'ab' is not a four-digit beat"
    i18n.set_language("es")
    with pytest.raises(ValidationError) as caught:
        fields.check(beat, "ab")
    assert caught.value.field == "beat"
    assert str(caught.value) == "beat: 'ab' no es un sector de cuatro dígitos"
    with pytest.raises(ValidationError) as caught:
        fields.check(occurred, "1999-12-31T00:00:00+00:00")
    assert str(caught.value) == "occurred_at: debe estar entre 2000-01-01 y 2100-01-01"
    with pytest.raises(ValidationError) as caught:
        fields.check(fields.by_name(fields.INCIDENT)["incident_type"], "flood")
    assert caught.value.reason.startswith("'flood' no es uno de: fatal_shooting, ")  # codes kept
    problem = StorageProblem("disk_full", "This laptop's disk is full",
                             "Free some space (empty the trash, remove large downloads), then do it "
                             "again; nothing you saved before was lost.")
    assert problem.title == "El disco de esta computadora está lleno"
    assert problem.action.startswith("Libere espacio")
    locked = StorageProblem("locked", "Another program is using this profile's database (pid 42)", "x")
    assert locked.title == "Otro programa está usando la base de datos de este perfil (pid 42)"
    assert str(NotFound("incident", "abc")) == "no hay ningún registro incident con el id abc"
    assert str(RowError(3, "district", "is required")) == "línea 3: district: es obligatorio"
    unknown = "Something nobody wrote a translation for"
    assert i18n.message(unknown) == unknown


# --- the monthly review ---------------------------------------------------------------------------------


def _record(district: str, occurred: datetime, k: int) -> dict[str, Any]:
    received = occurred + timedelta(minutes=5 + k % 7)
    actions = [{"action_type": ("scene", "hospital", "family_engagement")[k % 3],
                "started_at": (received + timedelta(minutes=10 + 4 * (k % 11))).isoformat(),
                "outcome": ("completed", "unable_unsafe", "partial", "declined")[k % 4]},
               {"action_type": "mediation", "started_at": (received + timedelta(hours=5)).isoformat(),
                "outcome": "completed", "mediation_result": ("resolved", "ongoing", "escalated")[k % 3]}]
    return {
        "incident": {"id": f"i{k}", "incident_type": ("fatal_shooting", "nonfatal_shooting")[k % 2],
                     "occurred_at": occurred.isoformat(), "org_received_at": received.isoformat(),
                     "district": district, "victims_total": 1 + k % 2, "victims_fatal": k % 2},
        "actions": actions,
        "referrals": [{"category": ("employment", "mental_health", "funeral")[k % 3],
                       "status": ("connected", "made")[k % 2]}],
        "themes": [("retaliation_concern", "youth_involved", "community_tension")[k % 3]],
        "followups": [{"due_at": (received + timedelta(days=2)).isoformat(),
                       "done_at": (received + timedelta(days=1 + k % 3)).isoformat() if k % 4 else None}],
    }


def _review(orgs: bool = False) -> monthly.MonthlyReview:
    """Six months of records in three districts (with two organisations' ids: as the hub's)."""
    start = datetime(2026, 6, 3, 18, tzinfo=UTC)
    records = [_record(("011", "010", "007")[k % 3], start + timedelta(hours=29 * k), k) for k in range(150)]
    if orgs:
        records = [{**r, "org_id": ("north", "south")[k % 2]} for k, r in enumerate(records)]
    return monthly.monthly_review(records, "2026-11", as_of=datetime(2026, 12, 1, 18, tzinfo=UTC))


def test_ratio_month_and_text_report_in_spanish() -> None:
    from cvi_desktop import review_charts

    review = _review()
    english = report.review_text(review)
    assert english.startswith("Monthly shooting review — 2026-11 (times in minutes")
    assert review_charts.month_title("2026-11") == "November 2026"
    i18n.set_language("es")
    assert monthly.Ratio(2, 3).text() == "2 de 3" and monthly.Ratio(20, 30).text() == "67% (20 de 30)"
    assert review_charts.month_title("2026-11") == "noviembre de 2026"
    assert review_charts._month_short("2026-08") == "ago 26"
    text = report.review_text(review)
    assert text.startswith("Revisión mensual de tiroteos — 2026-11 (tiempos en minutos")
    assert f"Todos los distritos: {review.total.incidents} incidentes; primer contacto en " in text
    assert "Por qué no hubo respuesta: " in text and "Tendencia de seis meses:" in text
    one = monthly.monthly_review([_record("011", datetime(2026, 11, 4, 18, tzinfo=UTC), 0)], "2026-11",
                                 as_of=datetime(2026, 12, 1, tzinfo=UTC))
    assert "Todos los distritos: 1 incidente; primer contacto en 1 de 1." in report.review_text(one)
    i18n.set_language("en")
    assert report.review_text(review) == english
    assert "All districts: 1 incidents; first contact for 1 of 1." in report.review_text(one)  # as it was


def test_csv_headers_in_spanish_cells_stay_codes() -> None:
    review = _review()
    english = report.tables(review)
    assert english["districts"].header == report.DISTRICT_HEADER
    assert not english["districts"].csv().startswith("\ufeff")
    with i18n.using_language("es"):
        tables = report.tables(review)
        archive_bytes = report.as_zip(review)
    assert tables["districts"].title == "Tiempos y cobertura por distrito"
    text = tables["districts"].csv()
    assert text.startswith("\ufeff")  # a spreadsheet reads the accents as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:6] == ["distrito", "incidentes", "notificados", "con_primer_contacto", "cobertura_pct",
                           "notificación_n"]
    assert rows[1:] == [list(r) for r in english["districts"].rows]  # the same cells
    assert list(csv.reader(io.StringIO(tables["referrals"].csv().lstrip("\ufeff"))))[0] == [
        "categoría", "hechas", "conectadas"]
    assert [r[0] for r in tables["outcomes"].rows][:2] == ["completed", "partial"]  # codes
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        first = archive.read("monthly-review-2026-11/trend.csv").decode("utf-8-sig").splitlines()[0]
    assert first.startswith("mes,incidentes,con_primer_contacto,cobertura_pct,notificación_p50_min")
    with i18n.using_language("es"):  # every column has a Spanish heading
        assert [h for table in english.values() for h in table.header if i18n.header(h) == h] == []


PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils (pdftotext) is not installed")
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# Words that are the same in both languages, or proper nouns and codes in the PDF.
SHARED = {"cpd", "cvi", "chicago", "p50", "p90", "min", "n", "pdf", "csv", "rd", "hub", "organización",
          "funeral", "no", "a", "de", "en", "y", "o", "e", "sin", "total", "cvi-desktop", "america"}


def _english_only_words() -> set[str]:
    """Words of the core's English that its Spanish never uses."""
    catalog = spanish()
    holes = re.compile(r"\{[^}]*\}|%\([a-z]+\)")  # placeholders' names are no words
    english = holes.sub(" ", " ".join([*catalog["messages"], *i18n.LABELS.values(), *catalog["plurals"]]))
    spanish_text = holes.sub(" ", " ".join([*catalog["messages"].values(), *catalog["labels"].values(),
                                            *(f for forms in catalog["plurals"].values() for f in forms)]))
    ours = {w.lower() for w in WORD.findall(spanish_text)}
    return {w.lower() for w in WORD.findall(english) if len(w) > 1} - ours - SHARED


def _pdf_text(path: Path) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout


@needs_poppler
def test_spanish_pdf_has_no_english_left(tmp_path: Path) -> None:
    from cvi_desktop import review_charts

    review = _review()
    meta = review_charts.PdfMeta("Paz en Little Village", datetime(2026, 12, 1, 20, 5, tzinfo=UTC),
                                 "Solo cifras que se pueden compartir.")
    english_pdf, spanish_pdf = tmp_path / "en.pdf", tmp_path / "es.pdf"
    assert review_charts.write_pdf(review, english_pdf, meta) == 7
    with i18n.using_language("es"):
        assert review_charts.write_pdf(review, spanish_pdf, meta) == 7
    words = _english_only_words()
    assert {"referrals", "coverage", "mediations", "shooting"} <= words
    english_text, text = _pdf_text(english_pdf), _pdf_text(spanish_pdf)
    # The check can see English: the English PDF is full of it.
    assert len({w.lower() for w in WORD.findall(english_text)} & words) > 60
    left = sorted({w for w in WORD.findall(text) if w.lower() in words})
    assert left == [], left
    for expected in ("Revisión mensual de tiroteos", "Noviembre de 2026", "Página 1 de 7",
                     "Generado el 01/12/2026 14:05 (hora de Chicago)", "Remisiones por categoría",
                     "Respuesta en la escena", "Acercamiento a la familia", "y la tendencia"):
        assert expected in text, expected
    assert "November 2026" in english_text and "Generated 2026-12-01 14:05 (Chicago time)" in english_text


def test_a_wheel_install_finds_the_catalog_under_its_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """pyproject's data-files put core_es.json under <prefix>/share/cvi-desktop/translations in a
    wheel; installed without the source tree, the catalog is read from there."""
    import sys
    import tomllib

    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "data-files"]
    assert data_files["share/cvi-desktop/translations"] == ["resources/translations/core_es.json"]
    prefix = tmp_path / "venv"
    shared = prefix / "share" / "cvi-desktop" / "translations"
    shared.mkdir(parents=True)
    shutil.copy(CATALOG, shared / "core_es.json")
    installed = prefix / "lib" / "python3.11" / "site-packages" / "cvi_desktop" / "i18n.py"
    monkeypatch.setattr(i18n, "__file__", str(installed))  # no resources/ beside it
    monkeypatch.setattr(sys, "prefix", str(prefix))
    i18n.catalog.cache_clear()
    try:
        assert i18n.translations_dir() == shared
        assert i18n.set_language("es") == "es" and i18n.t("Themes") != "Themes"
    finally:
        monkeypatch.undo()
        i18n.catalog.cache_clear()


@pytest.mark.parametrize("language", ["en", "es"])
def test_chart_titles_stay_inside_the_chart_in_both_languages(language: str) -> None:
    """A left-aligned title wider than its chart ran past the figure's edge and was cut off in
    Spanish ("Respuesta: se recibió → primer contacto"); now it wraps onto a second line."""
    from matplotlib.text import Text

    from cvi_desktop import review_charts
    from cvi_desktop.monthly import Latency

    i18n.set_language(language)
    figure = review_charts.Figure(figsize=review_charts.CHART_SIZE, layout="constrained")
    notify, respond = figure.subplots(1, 2)
    latency = Latency(values=(1.0, 5.0, 15.0, 30.0, 94.0))
    for ax, colour, title in ((notify, review_charts.BLUE, "Notification: occurred → received"),
                              (respond, review_charts.GREEN, "Response: received → first contact")):
        review_charts._histogram(ax, latency, colour, i18n.t(title))
    assert review_charts.png(figure).startswith(b"\x89PNG")
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    titles = [c for ax in figure.axes for c in ax.get_children()
              if isinstance(c, Text) and c.get_text() and c.get_text() == ax.get_title("left")]
    assert len(titles) == 2
    for title in titles:
        box = title.get_window_extent(renderer)
        assert 0 <= box.x0 and box.x1 <= figure.bbox.x1, (title.get_text(), box)
    wrapped = ["\n" in title.get_text() for title in titles]
    assert wrapped == ([False, False] if language == "en" else [False, True])
