"""CPD's review pages in English and Spanish, chosen by the browser (a real hub on 127.0.0.1).

- Accept-Language decides, q-values respected: `es-US,es;q=0.9` gets Spanish, `en-US` (or no
  header, or only languages not offered) English; `<html lang>` and Content-Language say which.
- The visible language link (`?lang=es` / `?lang=en`) switches and is remembered in a cookie.
- Spanish everywhere on the page: headings, tables, the month's name, labels of codes, the
  sign-in page and its errors and refusals; nothing of the English page's words is left but
  proper nouns and codes. The charts, CSV headers and the PDF follow the same choice.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from hub_helpers import HubEnv, cpd_action, notification, seed
from hub_helpers import response_record as make_response_record

from cvi_desktop import i18n
from sync.hub.server import HubServer
from sync.hub.web import LANGUAGE_COOKIE

# The page's language does not depend on the hub's storage engine: one engine is enough.
pytestmark = [pytest.mark.timeout(120), pytest.mark.sqlite_only("the page's words, not its storage")]
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
SPANISH = {"Accept-Language": "es-US,es;q=0.9"}
ENGLISH = {"Accept-Language": "en-US"}
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
CATALOG = Path(__file__).resolve().parents[2] / "resources" / "translations" / "core_es.json"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def site(new_db) -> Iterator[HubEnv]:
    """November and October 2026 in three districts, approved by two organisations."""
    db = new_db("hubweb_i18n")
    tokens = seed(db)
    clock = Clock()
    server = HubServer(db, clock=clock).start()
    try:
        env = HubEnv(server, db, tokens)
        cpd = env.api("cpd")
        for k in range(14):
            district = ("011", "007", "010")[k % 3]
            occurred = datetime(2026, 10, 20, 18, tzinfo=UTC) + timedelta(hours=61 * k)
            clock.now = occurred + timedelta(minutes=7)
            note = notification(district, occurred_at=occurred.isoformat(),
                                incident_type=("fatal_shooting", "nonfatal_shooting")[k % 2])
            assert cpd.post("/v1/cpd/notifications", json=note).status_code == 201
            note["org_received_at"] = (clock.now + timedelta(minutes=1)).isoformat()
            first = clock.now + timedelta(minutes=12 + 5 * (k % 4))
            actions = [cpd_action(("scene", "hospital", "family_engagement")[k % 3], first.isoformat())]
            if k % 3 == 1:
                actions[0]["outcome"] = "unable_unsafe"
            actions.append({**cpd_action("mediation", (first + timedelta(hours=4)).isoformat()),
                            "mediation_result": ("resolved", "ongoing")[k % 2]})
            sup = "south_sup" if district == "007" else "north_sup"
            assert env.api(sup).results(make_response_record(note, actions))[0]["status"] == "applied"
        clock.now = NOW
        yield env
    finally:
        server.stop()


def _form_token(text: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', text)[1]  # type: ignore[index]


def _signed_in(site: HubEnv, headers: dict[str, str]) -> requests.Session:
    browser = requests.Session()
    browser.headers.update(headers)
    form = browser.get(site.url + "/cpd/sign-in")
    answer = browser.post(site.url + "/cpd/sign-in", allow_redirects=False,
                          data={"token": site.tokens["cpd"], "form_token": _form_token(form.text)})
    assert answer.status_code == 303
    return browser


def _words(page: str) -> set[str]:
    """The words a person reads on a page: its text and its attributes' (alt, aria-label)."""
    attributes = " ".join(re.findall(r'(?:alt|aria-label)="([^"]*)"', page))
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>|<[^>]+>", " ", page, flags=re.S)
    text = re.sub(r"\b\w+\.csv\b|\b[a-z]+(?:_[a-z]+)+\b", " ", html.unescape(text + " " + attributes))
    return set(WORD.findall(text))  # file names and codes ("no_response.csv") are no words


def test_accept_language_chooses_spanish_or_english(site: HubEnv) -> None:
    url = site.url + "/cpd/sign-in"
    for headers, lang, heading in (
        (SPANISH, "es", "Iniciar sesión"),
        ({"Accept-Language": "en-GB;q=0.3,es;q=0.8"}, "es", "Iniciar sesión"),  # q-values, not order
        ({"Accept-Language": "es;q=0, en;q=0.1"}, "en", "Sign in"),  # q=0: not acceptable
        (ENGLISH, "en", "Sign in"),
        ({"Accept-Language": "fr-FR,de;q=0.8"}, "en", "Sign in"),  # nothing offered: the default
        ({}, "en", "Sign in"),
    ):
        page = requests.get(url, headers=headers)
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text, headers
        assert page.headers["content-language"] == lang
        assert f"<h1>{heading}</h1>" in page.text, headers
        assert "Accept-Language" in page.headers["vary"]
    spanish = requests.get(url, headers=SPANISH).text
    assert 'href="?lang=en" hreflang="en" lang="en">English</a>' in spanish
    assert "Pegue el token de analista de CPD" in spanish and "Token de CPD" in spanish
    english = requests.get(url, headers=ENGLISH).text
    assert 'href="?lang=es" hreflang="es" lang="es">Español</a>' in english


def test_the_language_link_switches_and_is_remembered(site: HubEnv) -> None:
    browser = requests.Session()
    browser.headers.update(ENGLISH)
    switched = browser.get(site.url + "/cpd/sign-in", params={"lang": "es"})
    assert '<html lang="es">' in switched.text
    assert re.search(rf"{LANGUAGE_COOKIE}=es;.*HttpOnly.*Path=/cpd.*SameSite=strict",
                     switched.headers["set-cookie"], re.I), switched.headers["set-cookie"]
    # The browser still asks for English; the choice made with the link wins.
    assert '<html lang="es">' in browser.get(site.url + "/cpd/sign-in").text
    assert '<html lang="en">' in browser.get(site.url + "/cpd/sign-in", params={"lang": "en"}).text
    assert '<html lang="en">' in browser.get(site.url + "/cpd/sign-in").text
    # A language not offered in the link is ignored (no cookie, the header decides).
    other = requests.get(site.url + "/cpd/sign-in", params={"lang": "xx"}, headers=SPANISH)
    assert '<html lang="es">' in other.text and LANGUAGE_COOKIE not in other.headers.get("set-cookie", "")


def test_review_page_in_spanish_leaves_no_english(site: HubEnv) -> None:
    spanish = _signed_in(site, SPANISH).get(site.url + "/cpd/review/2026-11")
    english = _signed_in(site, ENGLISH).get(site.url + "/cpd/review/2026-11")
    assert spanish.status_code == english.status_code == 200
    page = spanish.text
    assert '<html lang="es">' in page and '<html lang="en">' in english.text
    assert "<h1>Revisión mensual de tiroteos — noviembre de 2026</h1>" in page
    assert "<h1>Monthly shooting review — November 2026</h1>" in english.text
    for text in ("Tiempos (minutos) y cobertura por distrito", "Primer contacto", "Mediaciones resueltas",
                 "Remisiones por categoría", "Respuesta en la escena", "Acercamiento a la familia",
                 "No se pudo: inseguro", "Tendencia de seis meses", "Por organización", "Cerrar sesión",
                 "← octubre de 2026", "diciembre de 2026 →", "gráfica de cobertura de noviembre de 2026",
                 "Sesión iniciada: cpd integration", "PDF para la reunión"):
        assert text in page, text
    assert re.search(r"\d+ de \d+", page)  # ratios: "2 de 3"
    # Every word of the English page that Spanish does not also use is gone, except proper
    # nouns (the organisations, the token's label) and codes (file names, CPD, p50).
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    spanish_words = _words(" ".join([*catalog["messages"].values(), *catalog["labels"].values(),
                                     *(f for forms in catalog["plurals"].values() for f in forms)]))
    proper = {"North", "Side", "Peace", "South", "Safe", "East", "Outreach", "cpd", "integration",
              "CSV", "zip", "Español"}
    english_only = _words(english.text) - spanish_words - proper
    assert {"Referrals", "Coverage", "shooting", "Download"} <= english_only  # the check sees English
    left = sorted(w for w in _words(page) - proper if w in english_only)
    assert left == [], left


def test_charts_csv_and_pdf_follow_the_language(site: HubEnv) -> None:
    spanish, english = _signed_in(site, SPANISH), _signed_in(site, ENGLISH)
    month = site.url + "/cpd/review/2026-11"
    chart_es = spanish.get(month + "/chart/trend.png").content
    chart_en = english.get(month + "/chart/trend.png").content
    assert chart_es.startswith(b"\x89PNG") and chart_en.startswith(b"\x89PNG")
    assert chart_es != chart_en  # drawn with other words, cached apart
    assert english.get(month + "/chart/trend.png", params={"lang": "es"}).content == chart_es
    csv_es = spanish.get(month + "/districts.csv").content.decode("utf-8")
    csv_en = english.get(month + "/districts.csv").content.decode("utf-8")
    assert csv_es.startswith("\ufeffdistrito,incidentes,notificados,con_primer_contacto,cobertura_pct,")
    assert csv_en.startswith("district,incidents,notified,covered,coverage_pct,")
    assert csv_es.removeprefix("\ufeff").splitlines()[1:] == csv_en.splitlines()[1:]  # cells: codes
    zipped = spanish.get(month + "/export.zip")
    assert zipped.status_code == 200 and zipped.content.startswith(b"PK")
    pdf = spanish.get(month + "/review.pdf").content
    assert pdf.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) is not installed: the PDF's words are not read")
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout
    words = text.decode("utf-8")
    assert "Revisión mensual de tiroteos" in words and "Chicago, todas las organizaciones de CVI" in words
    assert "Solo cifras que se pueden compartir" in words and "Monthly shooting review" not in words


def test_errors_and_refusals_in_spanish(site: HubEnv) -> None:
    browser = requests.Session()
    browser.headers.update(SPANISH)
    form = browser.get(site.url + "/cpd/sign-in")
    wrong = browser.post(site.url + "/cpd/sign-in",
                         data={"token": "guess", "form_token": _form_token(form.text)})
    assert wrong.status_code == 401
    assert "Ese token no es válido (desconocido o revocado). Revíselo e intente de nuevo." in wrong.text
    expired = browser.post(site.url + "/cpd/sign-in", data={"token": "x", "form_token": "old"})
    assert expired.status_code == 400 and "Este formulario para iniciar sesión venció." in expired.text
    form = browser.get(site.url + "/cpd/sign-in")
    staff = browser.post(site.url + "/cpd/sign-in",
                         data={"token": site.tokens["north_staff"], "form_token": _form_token(form.text)})
    assert staff.status_code == 403 and "<h1>No es un token de CPD</h1>" in staff.text
    assert "Volver a iniciar sesión" in staff.text
    signed_in = _signed_in(site, SPANISH)
    missing = signed_in.get(site.url + "/cpd/review/2026-13")
    assert missing.status_code == 404 and "No existe ese mes" in missing.text
    assert "Los meses se escriben AAAA-MM" in missing.text
    table = signed_in.get(site.url + "/cpd/review/2026-11/nothing.csv")
    assert table.status_code == 404 and "Esa tabla no es parte de la revisión mensual." in table.text
    # The hub process's own language is untouched by Spanish requests (each is rendered in its own).
    assert i18n.language() == "en"
