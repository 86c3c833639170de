"""CPD's city-wide monthly review as web pages: server-rendered HTML (Jinja2), charts drawn on
the server (matplotlib Agg, `cvi_desktop.review_charts`), CSV and PDF exports. No front-end
build and no script on the page.

What it shows: only what `service.cpd_review` computes from the shareable (S) projection --
aggregates per city, district and organisation, by the laptop's own calculation
(`cvi_desktop.monthly`). No incident, action or person is listed.

Sign-in and sessions:
- The sign-in page takes a `cpd` token by POST (never in a URL). Any other role gets a 403
  page; an unknown or revoked token a clear error; failed sign-ins spend the hub's per-address
  `AuthFailureLimiter` (the bearer routes' one), and a blocked address gets 429 before its token
  is looked up.
- A session is a random id (32 bytes) in an HttpOnly, SameSite=Strict cookie, Secure unless the
  page was reached on a loopback address (a plain-http hub on 127.0.0.1 for tests and a single
  analyst's machine; anywhere else the browser sends it over https only). The hub keeps only
  the id's digest, mapped to the token's id, role and expiry: never the token. Every request
  re-checks that the token is still unrevoked, so revoking it ends its sessions.
- CSRF: SameSite=Strict, plus a per-session form token on every POST (sign-out); the sign-in
  form carries its own token, double-submitted in a short-lived SameSite=Strict cookie.
- Sessions live in memory: a restarted hub asks CPD to sign in again, which is the safe
  failure. They expire after `SESSION_HOURS`, or `IDLE_MINUTES` unused.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from cvi_desktop import i18n, report
from cvi_desktop import monthly as review_math
from cvi_desktop.clock import CHICAGO
from cvi_desktop.errors import ValidationError as CoreValidationError

from .. import protocol as p
from . import service
from .db import Database

HERE = Path(__file__).parent
SESSION_COOKIE = "cvi_hub_session"
SIGN_IN_COOKIE = "cvi_hub_sign_in"  # the sign-in form's own CSRF token (double submit)
COOKIE_PATH = "/cpd"
SESSION_HOURS = 8  # a working day, then sign in again
IDLE_MINUTES = 60
MAX_SESSIONS = 1000  # bounded memory: the oldest go first
MAX_FORM_BYTES = 4096  # a token and a form token; anything longer is not a sign-in
LOOPBACK = frozenset(("127.0.0.1", "::1", "localhost"))
CHARTS = ("latency", "coverage", "trend")
# Language: `?lang=es` (the page's language link, kept in this cookie), else the cookie, else
# the browser's Accept-Language (q-values respected), else English. Every page, chart, CSV and
# PDF is made in it from the core's catalog (`cvi_desktop.i18n`).
LANGUAGE_COOKIE = "cvi_hub_lang"
PDF_NOTE = ("Shareable figures only: CVI organisations' supervisor-approved response records and "
            "CPD's routed notifications, computed by the same calculation as the organisations' "
            "own monthly review (times in minutes, nearest-rank percentiles, Chicago months).")
# Every page: no caching of figures on shared machines, no framing, no referrer leaving the
# hub, nothing loaded from anywhere else (the page has no script at all).
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


class FailureLimiter(Protocol):
    """The hub's per-address limiter of failed sign-ins (`app.AuthFailureLimiter`)."""

    def wait(self, address: str) -> float | None: ...

    def failed(self, address: str) -> None: ...


# --- sessions ----------------------------------------------------------------------------------


@dataclass
class Session:
    token_id: int
    label: str
    form_token: str
    expires: float  # monotonic seconds
    idle_until: float


class Sessions:
    """Session ids' digests -> the signed-in token's id, in bounded memory."""

    def __init__(self, ticks: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._by_digest: OrderedDict[str, Session] = OrderedDict()
        self._ticks = ticks

    @staticmethod
    def _digest(session_id: str) -> str:
        return hashlib.sha256(session_id.encode("utf-8")).hexdigest()

    def create(self, token_id: int, label: str) -> tuple[str, Session]:
        session_id = secrets.token_urlsafe(32)
        now = self._ticks()
        session = Session(token_id, label, secrets.token_urlsafe(24), now + SESSION_HOURS * 3600,
                          now + IDLE_MINUTES * 60)
        with self._lock:
            self._by_digest[self._digest(session_id)] = session
            while len(self._by_digest) > MAX_SESSIONS:
                self._by_digest.popitem(last=False)
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id or len(session_id) > 100:
            return None
        digest, now = self._digest(session_id), self._ticks()
        with self._lock:
            session = self._by_digest.get(digest)
            if session is None:
                return None
            if now >= session.expires or now >= session.idle_until:
                del self._by_digest[digest]
                return None
            session.idle_until = now + IDLE_MINUTES * 60
            return session

    def end(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._by_digest.pop(self._digest(session_id), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_digest)


# --- the reviews, cached -------------------------------------------------------------------------


class Reviews:
    """`service.cpd_review` per month, and its charts, cached until the hub's data changes.

    The key is the month and `service.review_version` (rows are only ever added), so a page, its
    three charts and its exports compute the review once; a new push or notification makes
    the next request compute it afresh. `as_of` (overdue follow-ups) matters only for detailed
    follow-ups, which the hub never holds: CPD gets counts."""

    def __init__(self, db: Database, clock: Callable[[], datetime], size: int = 24) -> None:
        self._db, self._clock, self._size = db, clock, size
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        # matplotlib's object API is per figure, but its font cache and text layout are shared.
        self._draw = threading.Lock()

    def _cached(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return value

    def get(self, month: str) -> service.HubReview:
        """The month's review; ValueError for a month that is not YYYY-MM."""
        try:
            review_math.month_bounds(month)
        except CoreValidationError as exc:
            raise ValueError(str(exc)) from None
        version = service.review_version(self._db)
        return self._cached(("review", month, version),
                            lambda: service.cpd_review(self._db, month, self._clock()))

    def chart(self, month: str, name: str, language: str = i18n.DEFAULT) -> bytes:
        version = service.review_version(self._db)
        charts = _charts()
        draw = {"latency": charts.latency_figure, "coverage": charts.coverage_figure,
                "trend": charts.trend_figure}[name]

        def make() -> bytes:
            review = self.get(month).review
            with self._draw, i18n.using_language(language):
                return charts.png(draw(review))

        return self._cached(("chart", month, name, version, language), make)

    def pdf(self, month: str, generated_at: datetime, language: str = i18n.DEFAULT) -> bytes:
        review = self.get(month).review
        buffer = io.BytesIO()
        charts = _charts()
        with self._draw, i18n.using_language(language):
            meta = charts.PdfMeta(i18n.t("Chicago, all CVI organisations"), generated_at, i18n.t(PDF_NOTE))
            charts.write_pdf(review, buffer, meta)
        return buffer.getvalue()


def _charts() -> Any:
    """`cvi_desktop.review_charts`, imported on first use: matplotlib takes a good part of a
    second to import, which a hub that never serves a chart (or `cvi-hub` commands) need not pay."""
    from cvi_desktop import review_charts

    return review_charts


def _month_title(month: str) -> str:
    return _charts().month_title(month)  # type: ignore[no-any-return]


def reviews(app: FastAPI) -> Reviews:
    """The app's review cache (`/v1/cpd/monthly` and these pages share it)."""
    return app.state.cpd_reviews  # type: ignore[no-any-return]


# --- the router ----------------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(("html",)), trim_blocks=True, lstrip_blocks=True)
    env.globals["label"] = report.label
    env.globals["minutes"] = lambda v: report.minutes(v) or report.NONE
    env.globals["month_title"] = _month_title
    # The page's words, in the language the request is rendered in (`page`).
    env.globals["t"] = i18n.t
    env.globals["tn"] = i18n.tn
    env.globals["say"] = i18n.message  # a message made in English (an error, a refusal)
    return env


def page_language(request: Request) -> str:
    """The language to answer `request` in: its `?lang=`, else the language cookie, else the
    browser's Accept-Language (q-values respected), else English."""
    for chosen in (request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if chosen in i18n.LANGUAGES:
            return str(chosen)
    return i18n.accept_language(request.headers.get("accept-language"))


def _secure(request: Request) -> bool:
    """Secure cookies unless the browser reached the hub on a loopback address."""
    return (request.url.hostname or "") not in LOOPBACK


async def _form(request: Request) -> dict[str, str]:
    """A small urlencoded form (no multipart dependency: two fields is all a form here has)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=8, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {k: v[0] for k, v in fields.items() if v}


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def router(app: FastAPI, db: Database, failures: FailureLimiter, clock: Callable[[], datetime]) -> APIRouter:
    """The CPD pages under /cpd, bound to the app's database, limiter and clock."""
    sessions = Sessions()
    app.state.cpd_sessions = sessions
    app.state.cpd_reviews = Reviews(db, clock)
    templates = Jinja2Templates(env=_environment())
    css = (HERE / "static" / "hub.css").read_bytes()
    web = APIRouter(prefix=COOKIE_PATH, include_in_schema=False)

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        language = page_language(request)
        with i18n.using_language(language):  # the template is rendered here, in this language
            response = templates.TemplateResponse(request, name, {**context, "lang": language},
                                                  status_code=status)
        response.headers.update(HEADERS)
        response.headers["Content-Language"] = language
        response.headers["Vary"] = "Accept-Language, Cookie"
        if request.query_params.get("lang") in i18n.LANGUAGES:  # the language link: remembered
            response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, path=COOKIE_PATH,
                                httponly=True, samesite="strict", secure=_secure(request))
        return response

    def current(request: Request) -> Session | None:
        session = sessions.get(request.cookies.get(SESSION_COOKIE))
        if session is None:
            return None
        # Revoking the token ends the session; so does the token no longer being CPD's.
        row = db.conn().execute(
            "SELECT role FROM tokens WHERE id = ? AND revoked_at IS NULL", (session.token_id,)
        ).fetchone()
        if row is None or row["role"] != p.TokenRole.CPD.value:
            sessions.end(request.cookies.get(SESSION_COOKIE))
            return None
        return session

    def to_sign_in() -> Response:
        return RedirectResponse(f"{COOKIE_PATH}/sign-in", status_code=303, headers=HEADERS)

    def sign_in_page(request: Request, status: int = 200, error: str | None = None) -> HTMLResponse:
        form_token = secrets.token_urlsafe(24)
        response = page(request, "sign_in.html", status, form_token=form_token, error=error,
                        session_hours=SESSION_HOURS)
        response.set_cookie(SIGN_IN_COOKIE, form_token, max_age=600, path=COOKIE_PATH, httponly=True,
                            samesite="strict", secure=_secure(request))
        return response

    def this_month() -> str:
        return clock().astimezone(CHICAGO).strftime("%Y-%m")

    @web.get("/static/hub.css")
    def stylesheet() -> Response:
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600",
                                                             "X-Content-Type-Options": "nosniff"})

    @web.get("", response_model=None)
    @web.get("/", response_model=None)
    def home(request: Request) -> Response:
        if current(request) is None:
            return to_sign_in()
        return RedirectResponse(f"{COOKIE_PATH}/review/{this_month()}", status_code=303, headers=HEADERS)

    @web.get("/sign-in", response_model=None)
    def sign_in_form(request: Request) -> Response:
        if current(request) is not None:
            return RedirectResponse(f"{COOKIE_PATH}/review/{this_month()}", status_code=303, headers=HEADERS)
        return sign_in_page(request)

    @web.post("/sign-in", response_model=None)
    async def sign_in(request: Request) -> Response:
        address = request.client.host if request.client else ""
        # As the bearer routes: a blocked address is refused before its token is looked up.
        blocked = failures.wait(address)
        if blocked is not None:
            response = page(request, "refused.html", 429, title="Too many failed sign-ins",
                            message=f"Too many failed sign-ins from this address. Try again in "
                                    f"{max(1, round(blocked))} seconds.")
            response.headers["Retry-After"] = str(max(1, round(blocked)))
            return response
        form = await _form(request)
        if not _same(form.get("form_token"), request.cookies.get(SIGN_IN_COOKIE)):
            # A form from another site, or one whose page is too old: not a failed guess.
            return sign_in_page(request, 400, "This sign-in form has expired. Please try again.")
        token = (form.get("token") or "").strip()
        principal = service.authenticate(db, token) if token else None
        if principal is None:
            failures.failed(address)
            return sign_in_page(request, 401, "That token is not valid (unknown or revoked). "
                                              "Check it and try again.")
        if principal.role is not p.TokenRole.CPD or not principal.active:
            return page(request, "refused.html", 403, title="Not a CPD token",
                        message="These pages are for CPD analysts. Organisation staff and "
                                "supervisors see their own figures in the desktop app.")
        row = db.conn().execute("SELECT label FROM tokens WHERE id = ?", (principal.token_id,)).fetchone()
        session_id, _session = sessions.create(principal.token_id, (row["label"] if row else "") or "CPD")
        response = RedirectResponse(f"{COOKIE_PATH}/review/{this_month()}", status_code=303, headers=HEADERS)
        response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_HOURS * 3600, path=COOKIE_PATH,
                            httponly=True, samesite="strict", secure=_secure(request))
        response.delete_cookie(SIGN_IN_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                               secure=_secure(request))
        return response

    @web.post("/sign-out", response_model=None)
    async def sign_out(request: Request) -> Response:
        session = current(request)
        form = await _form(request)
        if session is not None and not _same(form.get("form_token"), session.form_token):
            return page(request, "refused.html", 400, title="Sign-out refused",
                        message="That sign-out did not come from this page. Use the Sign out button.")
        sessions.end(request.cookies.get(SESSION_COOKIE))
        response = to_sign_in()
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                               secure=_secure(request))
        return response

    def month_or_404(request: Request, month: str) -> Response | None:
        if not service.MONTH.match(month) or not "0001-01" <= month <= "9998-12":
            return page(request, "refused.html", 404, title="No such month",
                        message="Months are written YYYY-MM, for example 2026-11.")
        return None

    @web.get("/review", response_model=None)
    def pick_month(request: Request, month: str = "") -> Response:
        """The month picker's GET form (a month is no secret)."""
        if current(request) is None:
            return to_sign_in()
        return RedirectResponse(f"{COOKIE_PATH}/review/{month or this_month()}", status_code=303,
                                headers=HEADERS)

    @web.get("/review/{month}", response_model=None)
    def review_page(request: Request, month: str) -> Response:
        session = current(request)
        if session is None:
            return to_sign_in()
        if (bad := month_or_404(request, month)) is not None:
            return bad
        hub = reviews(app).get(month)
        review = hub.review
        names = {r["id"]: r["name"] for r in db.conn().execute("SELECT id, name FROM orgs")}
        return page(
            request, "review.html", review=review, skipped=hub.skipped, session=session,
            tables=report.tables(review), topics=lambda: _charts().sections_for_screen(review),
            org_names=names, previous=review_math.shift_month(month, -1),
            next=review_math.shift_month(month, 1), charts=CHARTS, this_month=this_month(),
        )

    @web.get("/review/{month}/chart/{name}.png", response_model=None)
    def chart(request: Request, month: str, name: str) -> Response:
        if current(request) is None:
            return Response(status_code=401, headers=HEADERS)
        if name not in CHARTS or month_or_404(request, month) is not None:
            return Response(status_code=404, headers=HEADERS)
        return Response(reviews(app).chart(month, name, page_language(request)), media_type="image/png",
                        headers=HEADERS)

    def download(body: bytes | str, media: str, filename: str) -> Response:
        return Response(body, media_type=media,
                        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})

    @web.get("/review/{month}/export.zip", response_model=None)
    def export_zip(request: Request, month: str) -> Response:
        if current(request) is None:
            return to_sign_in()
        if (bad := month_or_404(request, month)) is not None:
            return bad
        with i18n.using_language(page_language(request)):  # the CSV headers' language
            body = report.as_zip(reviews(app).get(month).review)
        return download(body, "application/zip",
                        f"cpd-monthly-review-{month}.zip")

    @web.get("/review/{month}/{table}.csv", response_model=None)
    def export_csv(request: Request, month: str, table: str) -> Response:
        if current(request) is None:
            return to_sign_in()
        if (bad := month_or_404(request, month)) is not None:
            return bad
        with i18n.using_language(page_language(request)):
            tables = report.tables(reviews(app).get(month).review)
        if table not in tables:
            return page(request, "refused.html", 404, title="No such table",
                        message="That table is not part of the monthly review.")
        return download(tables[table].csv(), "text/csv; charset=utf-8", f"cpd-{month}-{table}.csv")

    @web.get("/review/{month}/review.pdf", response_model=None)
    def export_pdf(request: Request, month: str) -> Response:
        if current(request) is None:
            return to_sign_in()
        if (bad := month_or_404(request, month)) is not None:
            return bad
        pdf = reviews(app).pdf(month, clock(), page_language(request))
        return download(pdf, "application/pdf", f"cpd-monthly-review-{month}.pdf")

    return web
