"""CPD's city-wide review pages in a real headless browser (Debian's chromium, Playwright).

A real hub on 127.0.0.1 with three organisations' records, including organisation-only (O)
values with canaries; the browser signs in with a cpd token, moves between months, downloads
the CSV zip, one CSV and the PDF, and signs out. Every response the browser gets is captured
(routed through `context.route`), so the checks cover pages, images, redirects and downloads:
the token never appears in a URL or a body, no O or L field name or canary value appears, the
session cookie is HttpOnly and SameSite=Strict. Staff and supervisor tokens get a 403 page.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from hub_helpers import HubEnv, action, cpd_action, followup, new_id, notification, own_incident, record, seed
from hub_helpers import response_record as make_response_record

from cvi_desktop import fields
from sync.hub import admin
from sync.hub.server import HubServer
from sync.hub.web import IDLE_MINUTES, SESSION_COOKIE, SESSION_HOURS, Sessions

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.timeout(120)
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="Debian's chromium is not at /usr/bin/chromium")
CANARY = "Zq9Canary"  # as tests/sync/helpers.py: a value that must never reach CPD
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # the hub's clock: "this month" is December


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _private_names() -> set[str]:
    """O and L field names that are not also S names and cannot be ordinary words on a page
    (a name with an underscore, or one of a few distinctive ones): "status" or "result" are
    words the review's own headings use."""
    every = [*fields.RECORDS.values(), *fields.LOCAL_ONLY.values()]
    shared = {f.name for group in every for f in group if f.share is fields.Share.S}
    hidden = {f.name for group in every for f in group if f.share is not fields.Share.S} - shared
    distinctive = {"assignee", "reviewer", "provider", "latitude", "longitude", "handle", "consent"}
    return {n for n in hidden if "_" in n or n in distinctive}


def _populate(env: HubEnv, clock: Clock) -> None:
    """Six months of incidents in five districts from three organisations, with canaries in
    every organisation-only text the hub accepts."""
    rnd = random.Random(22)
    cpd = env.api("cpd")
    sups = {"011": "north_sup", "010": "north_sup", "007": "south_sup", "012": None}
    for k in range(60):
        district = rnd.choice(["011", "010", "007", "012", "010", "007"])
        occurred = datetime(2026, 6, 5, 18, tzinfo=UTC) + timedelta(hours=rnd.randrange(24 * 178))
        clock.now = occurred + timedelta(minutes=rnd.choice([4, 6, 9, 12, 18, 25, 40]))
        note = notification(district, occurred_at=occurred.isoformat(),
                            incident_type="fatal_shooting" if k % 7 == 0 else "nonfatal_shooting")
        assert cpd.post("/v1/cpd/notifications", json=note).status_code == 201
        sup = sups[district]
        if sup is None or rnd.random() < 0.25:
            continue  # routed, never approved
        note["org_received_at"] = (clock.now + timedelta(minutes=1)).isoformat()
        first = clock.now + timedelta(minutes=rnd.choice([8, 15, 22, 35, 60, 95]))
        acts = [cpd_action(rnd.choice(["scene", "hospital", "family_engagement"]), first.isoformat())]
        if rnd.random() < 0.3:
            acts[0]["outcome"] = rnd.choice(["unable_unsafe", "declined", "unable_police_restriction"])
        if rnd.random() < 0.4:
            acts.append({**cpd_action("mediation", (first + timedelta(hours=6)).isoformat()),
                         "mediation_result": rnd.choice(["resolved", "ongoing", "escalated"])})
        assert env.api(sup).results(make_response_record(note, acts))[0]["status"] == "applied"
    clock.now = NOW
    # Organisation-only records with canaries: the hub holds them for the organisation's laptops.
    staff = env.api("north_staff")
    incident = own_incident(staff, district="011", block=None)
    assert staff.results(action(incident, staff_ids=["n1"]))[0]["status"] == "applied"
    referral = new_id()
    assert staff.results(record("referral", referral, 1, "org", {
        "id": referral, "incident_id": incident, "category": "employment", "status": "made",
        "provider": f"{CANARY}Provider", "version": 1}))[0]["status"] == "applied"
    assert staff.results(followup(incident, new_id(), 1, result=f"{CANARY}Result"))[0]["status"] == "applied"


@pytest.fixture(scope="module")
def site(new_db) -> Iterator[HubEnv]:
    db = new_db("hubweb")
    tokens = seed(db)
    clock = Clock()
    server = HubServer(db, clock=clock).start()
    try:
        env = HubEnv(server, db, tokens)
        _populate(env, clock)
        yield env
    finally:
        server.stop()


class Captured:
    """Every request URL and response body the browser saw."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.bodies: list[tuple[str, int, bytes]] = []
        self.headers: list[dict[str, str]] = []

    def handler(self, route: Any) -> None:
        self.urls.append(route.request.url)
        response = route.fetch(max_redirects=0)
        self.bodies.append((route.request.url, response.status, response.body()))
        self.headers.append(dict(response.headers))
        route.fulfill(response=response)


def _sign_in(page: Any, url: str, token: str) -> None:
    page.goto(url + "/cpd/sign-in")
    page.fill("#token", token)
    page.click("button[type=submit]")


@needs_chromium
@pytest.mark.sqlite_only(
    "a browser drives the rendered page (18 s); the page's figures on PostgreSQL are checked "
    "over HTTP by the other tests here, which run on both engines"
)
def test_cpd_review_in_a_browser(site: HubEnv, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    url, tokens = site.url, site.tokens
    captured = Captured()
    downloads: dict[str, bytes] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
            context.route("**/*", captured.handler)
            page = context.new_page()

            # Signed out: the review sends the browser to sign in.
            page.goto(url + "/cpd/review/2026-11")
            assert page.url == url + "/cpd/sign-in"
            # A wrong token: a clear error, no session.
            _sign_in(page, url, "not-a-real-token")
            assert "not valid" in page.inner_text(".error")
            # Staff and supervisor tokens are refused with a 403 page.
            for name in ("north_staff", "south_sup"):
                _sign_in(page, url, tokens[name])
                assert page.inner_text("h1") == "Not a CPD token"
                assert [s for u, s, _b in captured.bodies if u.endswith("/cpd/sign-in")][-1] == 403
            assert not [c for c in context.cookies() if c["name"] == SESSION_COOKIE]

            # CPD: this month first, then November and October through the links.
            _sign_in(page, url, tokens["cpd"])
            assert page.url == url + "/cpd/review/2026-12"
            page.click("a[rel=prev]")
            assert page.url == url + "/cpd/review/2026-11"
            assert "November 2026" in page.inner_text("h1")
            page.click("a[rel=prev]")
            assert page.url == url + "/cpd/review/2026-10"
            page.fill("#month", "2026-11")
            page.click("nav.months button")
            assert page.url.startswith(url + "/cpd/review/2026-11")
            page.wait_for_load_state("networkidle")

            # The page's figures are the JSON route's (one calculation).
            report = site.api("cpd").get("/v1/cpd/monthly", params={"month": "2026-11"}).json()
            big = page.locator(".facts .big").first.inner_text()
            assert big == str(report["total"]["incidents"]) and report["total"]["incidents"] > 0
            rows = page.locator("section:has(h2:text('by district')) tbody tr").all_inner_texts()
            assert [r.split("\t")[0] for r in rows] == [d["district"] for d in report["districts"]] + ["All"]
            org_rows = page.locator("section:has(h2:text('By organisation')) tbody tr").all_inner_texts()
            assert {r.split("\t")[0] for r in org_rows} == {
                "North Side Peace", "South Side Safe", "East Outreach"}
            # The charts were drawn (PNG) for this month.
            charts = [b for u, s, b in captured.bodies if "/chart/" in u and "2026-11" in u]
            assert len(charts) >= 3 and all(b.startswith(b"\x89PNG") for b in charts)
            shot = os.environ.get("CVI_HUB_SCREENSHOT") or str(tmp_path / "hub.png")
            page.screenshot(path=shot, full_page=True)

            for link, name in (("every table (CSV, zip)", "zip"), ("districts.csv", "csv"),
                               ("PDF for the meeting", "pdf")):
                with page.expect_download() as info:
                    page.click(f"text={link}")
                downloads[name] = Path(info.value.path()).read_bytes()
            with zipfile.ZipFile(io.BytesIO(downloads["zip"])) as archive:
                names = archive.namelist()
                assert "monthly-review-2026-11/organisations.csv" in names
                assert archive.read("monthly-review-2026-11/districts.csv") == downloads["csv"]
            assert downloads["csv"].splitlines()[-1].startswith(b"all,%d," % report["total"]["incidents"])
            assert downloads["pdf"].startswith(b"%PDF")

            # The cookie: HttpOnly, SameSite=Strict, not Secure on loopback (see the Host test).
            (cookie,) = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]
            assert cookie["path"] == "/cpd" and tokens["cpd"] not in cookie["value"]

            # Sign out: the session ends, the review asks for a sign-in again.
            page.click("text=Sign out")
            assert page.url == url + "/cpd/sign-in"
            page.goto(url + "/cpd/review/2026-11")
            assert page.url == url + "/cpd/sign-in"

            # A browser set to Spanish gets the page in Spanish (its Accept-Language), charts too.
            spanish = browser.new_context(locale="es-US", viewport={"width": 1280, "height": 900})
            spanish.route("**/*", captured.handler)
            page = spanish.new_page()
            _sign_in(page, url, tokens["cpd"])
            page.goto(url + "/cpd/review/2026-11")
            page.wait_for_load_state("networkidle")
            assert page.inner_text("h1") == "Revisión mensual de tiroteos — noviembre de 2026"
            assert page.get_attribute("html", "lang") == "es"
            assert page.locator(".facts .big").first.inner_text() == big
            shot = os.environ.get("CVI_HUB_SCREENSHOT_ES") or str(tmp_path / "hub-es.png")
            page.screenshot(path=shot, full_page=True)
            spanish.close()
        finally:
            browser.close()

    everything = [b for _u, _s, b in captured.bodies] + list(downloads.values())
    for token in tokens.values():
        assert not [u for u in captured.urls if token in u]
        assert not [b for b in everything if token.encode() in b]
    assert not [b for b in everything if CANARY.encode() in b]
    private = _private_names()
    assert {"staff_ids", "risk_basis", "provider", "participant_id", "due_at"} <= private
    pdf_text = downloads["pdf"]  # PDF text is compressed: the check covers the pages and CSVs
    for body in [b for b in everything if b is not pdf_text and not b.startswith(b"\x89PNG")]:
        text = body.decode("utf-8", "replace")
        assert not [n for n in private if re.search(rf"\b{n}\b", text)]
    # Every page forbids framing and caching.
    html = [h for h in captured.headers if h.get("content-type", "").startswith("text/html")]
    assert html and all(h.get("x-frame-options") == "DENY" and h.get("cache-control") == "no-store"
                        for h in html)


def _form_token(text: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', text)[1]  # type: ignore[index]


def test_cookie_is_secure_off_loopback_and_posts_need_the_form_token(site: HubEnv):
    url, token = site.url, site.tokens["cpd"]
    # Reached under a real host name (a proxy in front): the session cookie is Secure.
    browser = requests.Session()
    host = {"Host": "hub.example.org"}
    form = browser.get(url + "/cpd/sign-in", headers=host)
    answer = browser.post(url + "/cpd/sign-in", headers=host, allow_redirects=False,
                          data={"token": token, "form_token": _form_token(form.text)},
                          cookies={"cvi_hub_sign_in": form.cookies["cvi_hub_sign_in"]})
    assert answer.status_code == 303
    assert re.search(r"cvi_hub_session=[^;]+;.*HttpOnly.*SameSite=strict.*Secure|Secure.*HttpOnly",
                     answer.headers["set-cookie"], re.I), answer.headers["set-cookie"]
    # Without the sign-in form's own token (a form posted from another site): refused, no session.
    forged = requests.post(url + "/cpd/sign-in", data={"token": token}, allow_redirects=False)
    assert forged.status_code == 400 and SESSION_COOKIE not in forged.headers.get("set-cookie", "")
    # On loopback: signed in; a sign-out without the session's form token is refused.
    local = requests.Session()
    form = local.get(url + "/cpd/sign-in")
    local.post(url + "/cpd/sign-in", data={"token": token, "form_token": _form_token(form.text)})
    assert local.get(url + "/cpd/review/2026-11", allow_redirects=False).status_code == 200
    assert local.post(url + "/cpd/sign-out", data={"form_token": "guess"}).status_code == 400
    assert local.get(url + "/cpd/review/2026-11", allow_redirects=False).status_code == 200
    # The token in a URL is never accepted (nothing reads it there).
    assert requests.get(url + "/cpd/review/2026-11", params={"token": token},
                        allow_redirects=False).status_code == 303


def test_failed_sign_ins_spend_the_hubs_auth_failure_limiter(site: HubEnv):
    url = site.url
    limiter = site.server.auth_limiter
    cfg = site.server.config
    limiter.configure(0.001, 2)
    try:
        browser = requests.Session()
        for _ in range(2):
            form = browser.get(url + "/cpd/sign-in")
            wrong = browser.post(url + "/cpd/sign-in",
                                 data={"token": "guess", "form_token": _form_token(form.text)})
            assert wrong.status_code == 401 and "not valid" in wrong.text
        form = browser.get(url + "/cpd/sign-in")
        blocked = browser.post(url + "/cpd/sign-in",
                               data={"token": site.tokens["cpd"], "form_token": _form_token(form.text)})
        assert blocked.status_code == 429 and "Retry-After" in blocked.headers
        # The same bucket as the bearer routes: this address is blocked there too.
        assert site.api("cpd").get("/v1/cpd/monthly", params={"month": "2026-11"}).status_code == 429
    finally:
        limiter.configure(cfg.auth_fail_per_second, cfg.auth_fail_burst)


def test_revoking_the_token_ends_its_sessions(site: HubEnv):
    url = site.url
    token = admin.create_token(site.db, "cpd", label="short-lived analyst")
    browser = requests.Session()
    form = browser.get(url + "/cpd/sign-in")
    browser.post(url + "/cpd/sign-in", data={"token": token, "form_token": _form_token(form.text)})
    assert browser.get(url + "/cpd/review/2026-11", allow_redirects=False).status_code == 200
    (row,) = [t for t in admin.list_tokens(site.db) if t["label"] == "short-lived analyst"]
    assert admin.revoke_token(site.db, row["id"])
    answer = browser.get(url + "/cpd/review/2026-11", allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/cpd/sign-in"


def test_sessions_expire_when_idle_and_after_a_working_day():
    now = [0.0]
    sessions = Sessions(ticks=lambda: now[0])
    idle, _ = sessions.create(1, "cpd")
    now[0] = IDLE_MINUTES * 60 - 1
    assert sessions.get(idle) is not None  # used: idle time starts again
    now[0] += IDLE_MINUTES * 60 + 1
    assert sessions.get(idle) is None and len(sessions) == 0
    busy, _ = sessions.create(1, "cpd")
    start = now[0]
    for _ in range(SESSION_HOURS * 2 - 1):  # used every half hour, all day
        now[0] += 30 * 60
        assert sessions.get(busy) is not None
    now[0] = start + SESSION_HOURS * 3600
    assert sessions.get(busy) is None  # however busy: sign in again after the day
    assert sessions.get("x" * 500) is None and sessions.get(None) is None
