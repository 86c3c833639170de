"""The monthly review's charts and its meeting PDF, drawn with matplotlib, with no Qt in them:
the laptop's dialog (`ui/charts.py`, which adds Qt's translations and labels) and the hub's CPD
web page (`sync/hub/web.py`) draw the same charts from the same `monthly.MonthlyReview`.

One drawing of each chart serves both places: `png()` renders a figure (the dialog makes a
QPixmap of the bytes, the hub serves them) and the PDF pages draw the very same functions into
their own axes, as vectors. matplotlib is used through its object API only (`Figure` with the
Agg and PDF canvases, never pyplot): no global state, no GUI backend, so it runs on a worker
thread.

The PDF is made with matplotlib's `PdfPages`, one page per topic, US Letter landscape: the
charts stay vector (sharp when projected in the meeting room), tables and charts are laid out
on one grid by the same code, and page numbers and the footer are exact.

Words: every text goes through `_t` and every code through `label`, which read the `Words` of
the current context (`using`). A context variable rather than a module global: the laptop's
worker thread and a hub in the same process (tests) each keep their own. The default is the
core's catalog (`i18n.t`, `i18n.label`) in the language in use (`i18n.language()`): English
unless the app or the hub's request chose Spanish.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import i18n, report
from .monthly import Latency, MonthlyReview, Ratio


def _catalog_text(text: str) -> str:
    return i18n.t(text)


@dataclass(frozen=True)
class Words:
    """How texts are translated (`tr`) and codes named (`label`)."""

    tr: Callable[[str], str] = _catalog_text
    label: Callable[[str], str] = i18n.label


# Words is frozen: one shared default is safe.
_words: ContextVar[Words] = ContextVar("review_chart_words", default=Words())  # noqa: B039


@contextmanager
def using(words: Words) -> Iterator[None]:
    """Draw with `words` inside the block (this thread's context only)."""
    token = _words.set(words)
    try:
        yield
    finally:
        _words.reset(token)


# The palette of the app's light theme: blue for notification, green for response.
BLUE, GREEN, GREY, INK, MUTED = "#2f6db5", "#2e8b57", "#b8c2cc", "#1f2933", "#616e7c"
LETTER_LANDSCAPE = (11.0, 8.5)  # inches
CHART_SIZE = (7.2, 3.0)  # inches, for the dialog's images


def _t(text: str) -> str:
    return _words.get().tr(text)


def label(code: str) -> str:
    return _words.get().label(code)


def png(figure: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (Agg)."""
    FigureCanvasAgg(figure)
    fit_titles(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def fit_titles(figure: Figure) -> None:
    """Wrap each chart title wider than its chart onto more lines. Spanish runs a quarter longer
    than English, and a left-aligned title past the chart's edge is cut off by the figure's."""
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    figure.draw_without_rendering()  # the layout first: the charts' final widths
    renderer = canvas.get_renderer()
    for ax in figure.axes:
        # The left, centre and right titles are the axes' Text children that hold a title.
        titles = {ax.get_title(loc) for loc in ("left", "center", "right")} - {""}
        room = ax.get_window_extent(renderer).width
        for title in [c for c in ax.get_children() if isinstance(c, Text) and c.get_text() in titles]:
            text = title.get_text()
            width = title.get_window_extent(renderer).width
            if "\n" not in text and width > room > 0:
                title.set_text(textwrap.fill(text, max(12, int(len(text) * room / width))))


def _style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=8)
    ax.title.set_fontsize(10)
    ax.title.set_color(INK)


# --- the three charts --------------------------------------------------------------------------


def _histogram(ax: Axes, latency: Latency, colour: str, title: str) -> None:
    _style(ax)
    ax.set_title(title, loc="left")
    ax.set_xlabel(_t("minutes"), fontsize=8, color=MUTED)
    if not latency.values:
        ax.text(0.5, 0.5, _t("No times this month"), ha="center", va="center", transform=ax.transAxes,
                color=MUTED, fontsize=9)
        ax.set_yticks([])
        return
    # A long tail (one notification a day late) would squash every bar into the first one:
    # the axis ends just past the 90th percentile and later times pile into the last bar.
    p50, p90 = latency.p50 or 0.0, latency.p90 or 0.0
    cap = max(10.0, p90 * 1.6, p50 * 2)
    clipped = [min(v, cap) for v in latency.values]
    ax.hist(clipped, bins=16, range=(0, cap), color=colour, alpha=0.85, edgecolor="white")
    for value, name, style in ((p50, "p50", "-"), (p90, "p90", "--")):
        ax.axvline(value, color=INK, linestyle=style, linewidth=1)
        ax.text(value, ax.get_ylim()[1] * 0.97, f" {name} {value:.0f}", fontsize=8, color=INK, va="top")
    over = sum(1 for v in latency.values if v >= cap)
    note = _t("n = %d") % latency.n + ((_t("; %d at or beyond %.0f min") % (over, cap)) if over else "")
    ax.text(1.0, -0.28, note, ha="right", transform=ax.transAxes, fontsize=7, color=MUTED)


def latency_axes(notify: Axes, respond: Axes, review: MonthlyReview) -> None:
    _histogram(notify, review.total.notification, BLUE, _t("Notification: occurred → received"))
    _histogram(respond, review.total.response, GREEN, _t("Response: received → first contact"))


def latency_figure(review: MonthlyReview, size: tuple[float, float] = CHART_SIZE) -> Figure:
    figure = Figure(figsize=size, layout="constrained")
    notify, respond = figure.subplots(1, 2)
    latency_axes(notify, respond, review)
    return figure


def coverage_axes(ax: Axes, review: MonthlyReview) -> None:
    """Coverage per district; small bases drawn pale and labelled "2 of 3"."""
    _style(ax)
    ax.set_title(_t("Coverage by district: incidents with a first contact"), loc="left")
    names = list(review.districts)
    if not names:
        ax.text(0.5, 0.5, _t("No incidents in the six months to this one"), ha="center", va="center",
                transform=ax.transAxes, color=MUTED, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        return
    positions = range(len(names))
    for y, name in zip(positions, names, strict=True):
        ratio = review.districts[name].coverage
        share = ratio.share
        if share is None:
            ax.text(1, y, _t("No incidents"), va="center", fontsize=7, color=MUTED)
            continue
        ax.barh(y, share * 100, color=GREEN, alpha=0.35 if ratio.small else 0.9, height=0.7)
        ax.text(share * 100 + 1, y, ratio_text(ratio), va="center", fontsize=7, color=INK)
    ax.set_yticks(list(positions), names, fontsize=7)
    # At least a dozen rows' room, so three districts get bars, not three slabs.
    ax.set_ylim(max(len(names), 12) - 0.5, -0.5)
    ax.set_xlim(0, 118)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])


def coverage_figure(review: MonthlyReview, size: tuple[float, float] = CHART_SIZE) -> Figure:
    height = max(size[1], 0.22 * len(review.districts) + 0.8)
    figure = Figure(figsize=(size[0], height), layout="constrained")
    coverage_axes(figure.subplots(), review)
    return figure


def trend_axes(counts: Axes, times: Axes, review: MonthlyReview) -> None:
    """Incidents and covered per month (bars), and the median latencies (lines)."""
    months = [m for m, _f in review.trend]
    short = [_month_short(m) for m in months]
    x = list(range(len(months)))
    _style(counts)
    counts.set_title(_t("Incidents and first contacts, six months"), loc="left")
    incidents = [f.incidents for _m, f in review.trend]
    covered = [f.covered for _m, f in review.trend]
    counts.bar([i - 0.18 for i in x], incidents, width=0.36, color=GREY, label=_t("incidents"))
    counts.bar([i + 0.18 for i in x], covered, width=0.36, color=GREEN, label=_t("with a first contact"))
    counts.set_xticks(x, short)
    counts.legend(fontsize=7, frameon=False, loc="upper left")
    top = max([*incidents, 1])
    counts.set_ylim(0, top * 1.25)
    _style(times)
    times.set_title(_t("Median minutes"), loc="left")
    for getter, colour, name in (
        (lambda f: f.notification.p50, BLUE, _t("notification")),
        (lambda f: f.response.p50, GREEN, _t("response")),
    ):
        ys = [getter(f) for _m, f in review.trend]
        times.plot(x, [float("nan") if y is None else y for y in ys], marker="o", color=colour, label=name)
    times.set_xticks(x, short)
    times.set_ylim(bottom=0)
    times.legend(fontsize=7, frameon=False, loc="upper left")


def trend_figure(review: MonthlyReview, size: tuple[float, float] = CHART_SIZE) -> Figure:
    figure = Figure(figsize=size, layout="constrained")
    counts, times = figure.subplots(1, 2)
    trend_axes(counts, times, review)
    return figure


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _month_short(month: str) -> str:
    """ "Nov 26": a month name's first three letters ("nov 26" in Spanish)."""
    return f"{_t(MONTHS[int(month[5:]) - 1])[:3]} {month[2:4]}"


def ratio_text(ratio: Ratio) -> str:
    if ratio.base == 0:
        return report.NONE
    if ratio.small:
        return _t("%d of %d") % (ratio.count, ratio.base)
    return _t("%.0f%% (%d of %d)") % (ratio.count * 100 / ratio.base, ratio.count, ratio.base)


@dataclass(frozen=True)
class ChartImages:
    """The dialog's charts as PNG bytes, made off the GUI thread."""

    latency: bytes
    coverage: bytes
    trend: bytes


def chart_images(review: MonthlyReview) -> ChartImages:
    return ChartImages(png(latency_figure(review)), png(coverage_figure(review)), png(trend_figure(review)))


# --- the PDF ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A table as the PDF and the dialog show it: translated headers and display cells."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def month_title(month: str) -> str:
    """ "November 2026"; in Spanish "noviembre de 2026" (month names are not capitalised)."""
    return _t("%(month)s %(year)s") % {"month": _t(MONTHS[int(month[5:]) - 1]), "year": month[:4]}


def _minutes(value: float | None) -> str:
    return report.minutes(value) or report.NONE


def district_section(review: MonthlyReview) -> Section:
    rows = []
    for name, f in [*review.districts.items(), *(((_t("All"), review.total),) if review.districts else ())]:
        if f.incidents == 0:
            rows.append((name, "0", _t("No incidents"), "", "", "", "", ""))
            continue
        rows.append((name, str(f.incidents), ratio_text(f.coverage), _minutes(f.notification.p50),
                     _minutes(f.notification.p90), _minutes(f.response.p50), _minutes(f.response.p90),
                     ratio_text(f.defused)))
    return Section(_t("Latency (minutes) and coverage by district"),
                   (_t("District"), _t("Incidents"), _t("First contact"), _t("Notification p50"),
                    _t("Notification p90"), _t("Response p50"), _t("Response p90"),
                    _t("Mediations resolved")),
                   tuple(rows))


def org_section(review: MonthlyReview) -> Section | None:
    if not review.orgs:
        return None
    return Section(_t("By organisation"), (_t("Organisation"), _t("Incidents"), _t("Coverage"),
                                           _t("Notification p50"), _t("Response p50")),
                   tuple((o, str(f.incidents), ratio_text(f.coverage), _minutes(f.notification.p50),
                          _minutes(f.response.p50)) for o, f in review.orgs.items()))


def _count_section(title: str, what: str, table: report.Table) -> Section:
    return Section(title, (what, _t("Count")), tuple((label(code), n) for code, n in table.rows))


def topic_sections(review: MonthlyReview) -> dict[str, Section]:
    """The smaller tables, with words for the codes."""
    made = report.tables(review)
    total = review.total
    fu = total.followups
    change = {c.label: c for c in review.changes()}
    change_names = {
        "incidents": _t("Incidents"), "coverage_pct": _t("Coverage %"),
        "notification_p50_min": _t("Notification p50 (min)"), "response_p50_min": _t("Response p50 (min)"),
        "mediations": _t("Mediations held"), "referrals_connected": _t("Referrals connected"),
    }

    def num(value: float | None, signed: bool = False) -> str:
        return report.NONE if value is None else (f"{value:+.0f}" if signed else f"{value:.0f}")

    return {
        "change": Section(
            _t("Change since last month"), (_t("Figure"), _t("This month"), _t("Last month"), _t("Change")),
            tuple((change_names[k], num(c.current), num(c.previous), num(c.delta, True))
                  for k, c in change.items())),
        "actions": _count_section(_t("Response actions by type"), _t("Action"), made["actions"]),
        "outcomes": _count_section(_t("Outcomes of response actions"), _t("Outcome"), made["outcomes"]),
        "no_response": _count_section(_t("Why there was no first contact"), _t("Reason"),
                                      made["no_response"]),
        "mediations": Section(
            _t("Mediations and their results"), (_t("Result"), _t("Mediations")),
            tuple((label(code), n) for code, n in made["mediations"].rows if code != "all")
            + ((_t("Resolved: cases defused"), ratio_text(total.defused)),)),
        "referrals": Section(
            _t("Referrals by category"), (_t("Category"), _t("Made"), _t("Connected")),
            tuple((label(c), m, n) for c, m, n in made["referrals"].rows if m != "0")
            + ((_t("All"), str(total.referrals_made), ratio_text(total.referrals_connected)),
               (_t("Employment and training placements"), "", str(total.placements)))),
        "followups": Section(
            _t("Follow-up timeliness"), (_t("Follow-ups"), _t("Count")),
            ((_t("Scheduled"), str(fu.scheduled)),
             (_t("Done by the due date"), ratio_text(Ratio(fu.on_time, fu.scheduled))),
             (_t("Done late"), str(fu.late)), (_t("Open and overdue"), str(fu.open_overdue)),
             (_t("Open, not yet due"), str(fu.open_not_due)))
            + (((_t("Not detailed (CPD counts only)"), str(fu.undetailed)),) if fu.undetailed else ())),
        "themes": Section(_t("Themes (incidents tagged)"), (_t("Theme"), _t("Incidents")),
                          tuple((label(code), n) for code, n in made["themes"].rows if n != "0")
                          or ((_t("No themes tagged"), ""),)),
    }


def _ems(text: str) -> float:
    """About how wide `text` is in DejaVu Sans (matplotlib's font), in ems."""
    width = 0.0
    for char in text:
        if char.isdigit():
            width += 0.64
        elif char.isupper() or char in "%–—":
            width += 0.75
        elif char.isalpha():
            width += 0.56
        else:
            width += 0.36
    return width


def _draw_table(ax: Axes, section: Section, font: float = 8.5) -> None:
    ax.axis("off")
    ax.set_title(section.title, loc="left", fontsize=11, color=INK)
    if not section.rows:
        ax.text(0, 0.9, _t("Nothing to show."), fontsize=font, color=MUTED, transform=ax.transAxes)
        return
    # Columns as wide as their text needs (the first, with the words, gets a little more), so no
    # label is cut or spills into the next column: matplotlib's default is equal widths. Longer
    # words (Spanish runs about a fifth longer than English) get a smaller font when the table
    # would not fit the axes' width. Text widths are estimated in ems (`_ems`); a cell keeps a
    # tenth of its width clear on each side.
    bold = [True, *(row[0] == _t("All") for row in section.rows)]
    need = [max(_ems(str(row[c])) * (1.1 if strong else 1.0)
                for row, strong in zip((section.header, *section.rows), bold, strict=True)) + 0.6
            for c in range(len(section.header))]
    need[0] += 1.0
    room = ax.get_position().width * ax.get_figure().get_figwidth() * 72 / font  # in ems
    if sum(need) / 0.8 > room:
        font = max(6.0, font * room * 0.8 / sum(need))
    widths = [n / sum(need) for n in need]
    table = ax.table(cellText=[list(r) for r in section.rows], colLabels=list(section.header),
                     loc="upper left", cellLoc="right", colLoc="right", colWidths=widths)
    table.auto_set_font_size(False)
    table.set_fontsize(font)
    table.scale(1, 1.25)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor("#d9e2ec")
        if col == 0:
            cell.set_text_props(ha="left")
            cell._loc = "left"  # noqa: SLF001 - matplotlib has no public per-cell alignment setter
        if row == 0:
            cell.set_facecolor("#f0f4f8")
            cell.set_text_props(weight="bold", color=INK)
        elif section.rows[row - 1][0] in (_t("All"),):
            cell.set_text_props(weight="bold")


@dataclass(frozen=True)
class PdfMeta:
    organisation: str
    generated_at: datetime
    note: str


def write_pdf(review: MonthlyReview, path: Path | IO[bytes], meta: PdfMeta) -> int:
    """The meeting PDF (to a path or a binary file): a title page, then one page per topic.
    Returns the number of pages."""
    pages: list[Callable[[Figure], None]] = [
        lambda fig: _title_page(fig, review, meta),
        lambda fig: _summary_page(fig, review),
        lambda fig: _district_page(fig, review),
        lambda fig: _coverage_page(fig, review),
        lambda fig: _latency_page(fig, review),
        lambda fig: _responses_page(fig, review),
        lambda fig: _casework_page(fig, review),
    ]
    title = _t("Monthly shooting review — %s") % month_title(review.month)
    with PdfPages(path, metadata={"Title": title, "Creator": "cvi-desktop",
                                  "Subject": meta.organisation}) as pdf:
        for number, draw in enumerate(pages, start=1):
            figure = Figure(figsize=LETTER_LANDSCAPE)
            draw(figure)
            figure.text(0.05, 0.03, f"{meta.organisation} · {title}", fontsize=7, color=MUTED)
            figure.text(0.95, 0.03, _t("Page %d of %d") % (number, len(pages)), fontsize=7, color=MUTED,
                        ha="right")
            fit_titles(figure)
            pdf.savefig(figure)
    return len(pages)


def _grid(fig: Figure, rows: int, cols: int, **kw: Any) -> Any:
    return fig.add_gridspec(rows, cols, left=0.06, right=0.95, top=0.86, bottom=0.1, **kw)


def _heading(fig: Figure, text: str) -> None:
    fig.text(0.06, 0.92, text, fontsize=16, color=INK, weight="bold")


def _title_page(fig: Figure, review: MonthlyReview, meta: PdfMeta) -> None:
    fig.text(0.08, 0.72, meta.organisation, fontsize=20, color=MUTED)
    fig.text(0.08, 0.62, _t("Monthly shooting review"), fontsize=32, color=INK, weight="bold")
    title = month_title(review.month)
    fig.text(0.08, 0.53, title[:1].upper() + title[1:], fontsize=24, color=INK)
    fig.text(0.08, 0.45, _t("Generated %s (Chicago time)") % i18n.wall_time(meta.generated_at),
             fontsize=11, color=MUTED)
    total = review.total
    facts = _t("No incidents occurred in this month.")
    if total.incidents:
        facts = _t("%d incidents; first contact for %s; median notification %s min, "
                   "median response %s min.") % (
            total.incidents, ratio_text(total.coverage), _minutes(total.notification.p50),
            _minutes(total.response.p50))
    fig.text(0.08, 0.36, facts, fontsize=12, color=INK)
    fig.text(0.08, 0.14, meta.note, fontsize=8, color=MUTED, wrap=True)


def _summary_page(fig: Figure, review: MonthlyReview) -> None:
    _heading(fig, _t("This month against last month, and the trend"))
    grid = _grid(fig, 2, 2, hspace=0.45, wspace=0.25)
    _draw_table(fig.add_subplot(grid[0, 0]), topic_sections(review)["change"], font=9)
    facts = fig.add_subplot(grid[0, 1])
    facts.axis("off")
    facts.set_title(_t("The month in brief"), loc="left", fontsize=11, color=INK)
    total, fu = review.total, review.total.followups
    lines = [
        _t("Incidents: %d (%d victims, %d fatal)") % (total.incidents, total.victims, total.fatal),
        _t("First contact: %s") % ratio_text(total.coverage),
        _t("Mediations held: %d") % total.mediations,
        _t("Resolved (cases defused): %s") % ratio_text(total.defused),
        _t("Referrals connected: %s") % ratio_text(total.referrals_connected),
        _t("Employment and training placements: %d") % total.placements,
        _t("Follow-ups done by the due date: %s") % ratio_text(Ratio(fu.on_time, fu.scheduled)),
        _t("Follow-ups open and overdue: %d") % fu.open_overdue,
    ]
    facts.text(0, 0.92, "\n".join(lines), fontsize=9.5, color=INK, va="top", linespacing=1.9,
               transform=facts.transAxes)
    trend_axes(fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1]), review)


def _district_page(fig: Figure, review: MonthlyReview) -> None:
    _heading(fig, _t("Latency and coverage by district"))
    orgs = org_section(review)
    grid = _grid(fig, 2 if orgs else 1, 1, hspace=0.2, height_ratios=[2.5, 1] if orgs else None)
    # 22 districts and the total fit one page at this size; the table spans the page's width.
    _draw_table(fig.add_subplot(grid[0, 0]), district_section(review), font=8)
    if orgs:
        _draw_table(fig.add_subplot(grid[1, 0]), orgs, font=8)


def _coverage_page(fig: Figure, review: MonthlyReview) -> None:
    _heading(fig, _t("Coverage by district"))
    grid = _grid(fig, 1, 1)
    coverage_axes(fig.add_subplot(grid[0, 0]), review)


def _latency_page(fig: Figure, review: MonthlyReview) -> None:
    _heading(fig, _t("How fast: notification and response times"))
    grid = _grid(fig, 2, 2, hspace=0.5, wspace=0.2, height_ratios=[1.3, 1])
    latency_axes(fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), review)
    total = review.total
    lines = [
        _t("Notification: %d of %d incidents have a time received; median %s min, 90th percentile %s min.")
        % (total.notification.n, total.incidents, _minutes(total.notification.p50),
           _minutes(total.notification.p90)),
        _t("Response: %d incidents with a first contact and a time received; median %s min, "
           "90th percentile %s min.") % (total.response.n, _minutes(total.response.p50),
                                         _minutes(total.response.p90)),
        _t("Percentiles are nearest-rank: the p90 is a time that really happened, with nine in ten at or "
           "below it."),
    ]
    excluded = total.notification.excluded + total.response.excluded
    if excluded:
        lines.append(_t("%d times that ran backwards (received before occurring, or contact before "
                        "receipt) are left out.") % excluded)
    text_ax = fig.add_subplot(grid[1, :])
    text_ax.axis("off")
    text_ax.text(0, 0.9, "\n".join(lines), fontsize=9.5, color=INK, va="top", linespacing=1.8)


def _responses_page(fig: Figure, review: MonthlyReview) -> None:
    _heading(fig, _t("What was done"))
    sections = topic_sections(review)
    grid = _grid(fig, 1, 3, wspace=0.35)
    for col, key in enumerate(("actions", "outcomes", "no_response")):
        _draw_table(fig.add_subplot(grid[0, col]), sections[key])


def _casework_page(fig: Figure, review: MonthlyReview) -> None:
    _heading(fig, _t("Mediations, referrals, follow-ups and themes"))
    sections = topic_sections(review)
    grid = _grid(fig, 2, 2, hspace=0.35, wspace=0.3)
    for (row, col), key in zip(((0, 0), (0, 1), (1, 0), (1, 1)),
                               ("mediations", "referrals", "followups", "themes"), strict=True):
        _draw_table(fig.add_subplot(grid[row, col]), sections[key])


def sections_for_screen(review: MonthlyReview) -> Sequence[Section]:
    """The dialog's topic tables, in the PDF's order."""
    topics = topic_sections(review)
    return [topics[k] for k in ("change", "actions", "outcomes", "no_response", "mediations",
                                "referrals", "followups", "themes")]
