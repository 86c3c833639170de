"""The monthly shooting review as tables: for a person (text), a spreadsheet (CSV, one file per
table, or all of them in one zip) and the dialog and PDF (`tables`).

Every table is made here from one `monthly.MonthlyReview`, so the screen, the CSV, the text
and the PDF show the same cells. CSV cells are codes and plain numbers (minutes rounded to
whole minutes, shares as whole percentages left empty when the base is under
`monthly.SMALL_BASE`, with the count and base beside them); the text and PDF say "2 of 3".

Language: titles, the text and CSV headers are in the language in use (`i18n`); English keeps
the code-like CSV headers ("coverage_pct"), Spanish has its own ("cobertura_pct"), and a
Spanish CSV starts with a byte-order mark so a spreadsheet reads its accents. Cells stay codes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import i18n, monthly
from .i18n import t, tn
from .monthly import Figures, MonthlyReview, Ratio
from .vocab import ActionType, MediationResult, Outcome, ReferralCategory, ThemeTag

if TYPE_CHECKING:
    from .store.database import Store

NONE = "–"  # an en dash: no figure
# The tables every review has, in order; "organisations" follows "districts" when the records
# carry an `org_id` (the hub's), never on a laptop.
TABLE_NAMES = ("districts", "incident_types", "actions", "outcomes", "no_response", "mediations",
               "referrals", "followups", "themes", "change", "trend")


@dataclass(frozen=True)
class Table:
    """One table of the review: a file name, a title, CSV headers and rows of CSV cells.
    `bom`: start the file with a byte-order mark (non-English headers, for spreadsheets)."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    bom: bool = False

    def csv(self) -> str:
        buffer = io.StringIO()
        if self.bom:
            buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return buffer.getvalue()


def minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def pct(ratio: Ratio) -> str:
    """A whole percentage, or "" when there is nothing to divide by or too little to say."""
    return "" if ratio.base == 0 or ratio.small else f"{ratio.count * 100 / ratio.base:.0f}"


def label(code: str) -> str:
    """A code as words in the language in use ("unable_no_staff" -> "Unable: no staff"): the
    core's one table of labels (`i18n.label`)."""
    return i18n.label(code)


DISTRICT_HEADER = (
    "district", "incidents", "notified", "covered", "coverage_pct",
    "notification_n", "notification_p50_min", "notification_p90_min",
    "response_n", "response_p50_min", "response_p90_min",
    "mediations", "mediations_resolved", "referrals", "referrals_connected",
)


def _district_cells(name: str, f: Figures) -> tuple[str, ...]:
    connected = f.referrals_connected
    return (
        name, str(f.incidents), str(f.notified), str(f.covered), pct(f.coverage),
        str(f.notification.n), minutes(f.notification.p50), minutes(f.notification.p90),
        str(f.response.n), minutes(f.response.p50), minutes(f.response.p90),
        str(f.mediations), str(f.defused.count), str(f.referrals_made), str(connected.count),
    )


def _counts(codes: Sequence[str], counted: dict[str, int]) -> tuple[tuple[str, str], ...]:
    """Every vocabulary code in order (zeros too, so months line up), then any other code seen."""
    extra = [c for c in counted if c not in codes]
    return tuple((c, str(counted.get(c, 0))) for c in (*codes, *extra))


def tables(review: MonthlyReview) -> dict[str, Table]:
    """Every table of the review, by name (also the CSV file's name), in the language in use."""
    total = review.total
    out = [
        Table("districts", t("Latency and coverage by district"), DISTRICT_HEADER,
              tuple(_district_cells(d, f) for d, f in review.districts.items())
              + ((_district_cells("all", total),) if review.districts else ())),
    ]
    if review.orgs:
        out.append(Table("organisations", t("By organisation"), ("organisation", *DISTRICT_HEADER[1:]),
                         tuple(_district_cells(o, f) for o, f in review.orgs.items())))
    out += [
        Table("incident_types", t("Incidents by type"), ("incident_type", "incidents"),
              tuple((k, str(v)) for k, v in total.by_type.items())),
        Table("actions", t("Response actions by type"), ("action_type", "actions"),
              _counts([a.value for a in ActionType], total.actions_by_type)),
        Table("outcomes", t("Outcomes of response actions"), ("outcome", "actions"),
              _counts([o.value for o in Outcome], total.outcomes)),
        Table("no_response", t("Why there was no response"), ("reason", "incidents"),
              _counts([*monthly.NO_RESPONSE_REASONS, monthly.NO_ATTEMPT], total.no_response)),
        Table("mediations", t("Mediations held and their results"), ("result", "mediations"),
              _counts([m.value for m in MediationResult], total.mediation_results)
              + (("all", str(total.mediations)),)),
        Table("referrals", t("Referrals by category"), ("category", "made", "connected"),
              tuple((c.value, *map(str, total.referrals.get(c.value, (0, 0)))) for c in ReferralCategory)),
        Table("followups", t("Follow-up timeliness"), ("status", "followups"),
              tuple((k, str(getattr(total.followups, k))) for k in (
                  "scheduled", "on_time", "late", "open_overdue", "open_not_due", "undetailed"))),
        Table("themes", t("Themes"), ("theme", "incidents"),
              _counts([tag.value for tag in ThemeTag], total.themes)),
        Table("change", t("Change since last month"), ("figure", "this_month", "last_month", "change"),
              tuple((c.label, _num(c.current), _num(c.previous), _num(c.delta, signed=True))
                    for c in review.changes())),
        Table("trend", t("Six-month trend"), (
            "month", "incidents", "covered", "coverage_pct", "notification_p50_min",
            "response_p50_min", "mediations", "referrals_connected"),
            tuple((m, str(f.incidents), str(f.covered), pct(f.coverage), minutes(f.notification.p50),
                   minutes(f.response.p50), str(f.mediations), str(f.referrals_connected.count))
                  for m, f in review.trend)),
    ]
    bom = i18n.language() != i18n.DEFAULT
    return {table.name: Table(table.name, table.title, tuple(map(i18n.header, table.header)), table.rows, bom)
            for table in out}


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:+.0f}" if signed else f"{value:.0f}"


def as_zip(review: MonthlyReview) -> bytes:
    """One CSV per table in one zip: the tables have different columns, so one sheet each is
    what a spreadsheet opens cleanly, and one file is what gets emailed before the meeting."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables(review).values():
            # A fixed timestamp: the same review always makes the same bytes.
            info = zipfile.ZipInfo(f"monthly-review-{review.month}/{table.name}.csv", (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, table.csv())
    return buffer.getvalue()


def as_csv(store: Store, month: str, table: str = "districts") -> str:
    from .queries import monthly_review  # here: the module's tables need no store

    return tables(monthly_review(store, month))[table].csv()


def as_text(store: Store, month: str) -> str:
    from .queries import monthly_review

    return review_text(monthly_review(store, month))


def review_text(review: MonthlyReview) -> str:
    """The review for a terminal or an email: the headline, the district grid, then each topic."""
    total = review.total
    lines = [t("Monthly shooting review — {month} (times in minutes, America/Chicago months, "
               "p50/p90 nearest-rank)", month=review.month), ""]
    if total.incidents == 0:
        lines.append(t("No incidents occurred in this month."))
    header = (t("District"), t("Incidents"), t("Coverage"), t("Notify p50"), t("Notify p90"),
              t("Respond p50"), t("Respond p90"))
    grid = [header]
    for name, f in review.districts.items():
        if f.incidents == 0:
            grid.append((name, "0", t("No incidents"), "", "", "", ""))
            continue
        grid.append((name, str(f.incidents), f.coverage.text(),
                     *(minutes(v) or NONE for v in (f.notification.p50, f.notification.p90,
                                                    f.response.p50, f.response.p90))))
    if len(grid) > 1:
        widths = [max(len(row[i]) for row in grid) for i in range(len(header))]
        lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                            enumerate(zip(row, widths, strict=True))).rstrip() for row in grid]
        lines.append("")
    if total.incidents:
        # English keeps its wording as scripts and tests read it ("1 incidents"); Spanish says
        # "1 incidente" (a plural form, `tn`).
        count = (f"{total.incidents} incidents" if i18n.language() == i18n.DEFAULT
                 else tn("{n} incident", "{n} incidents", total.incidents))
        lines.append(t("All districts: {incidents}; first contact for {coverage}.",
                       incidents=count, coverage=total.coverage.text()))
        lines += _topic(t("Why there was no response"), total.no_response)
        lines += _topic(t("Response actions"), total.actions_by_type)
        lines += _topic(t("Outcomes"), total.outcomes)
        lines.append("")
        lines.append(t("Mediations: {held} held; resolved (cases defused): {resolved}.",
                       held=total.mediations, resolved=total.defused.text()))
        lines.append(t("Referrals: {made} made, connected {connected}; employment and training "
                       "placements: {placements}.", made=total.referrals_made,
                       connected=total.referrals_connected.text(), placements=total.placements))
        fu = total.followups
        lines.append(t("Follow-ups: {scheduled} scheduled; done by due {on_time}; late {late}; "
                       "open and overdue {overdue}; open, not yet due {not_due}",
                       scheduled=fu.scheduled, on_time=Ratio(fu.on_time, fu.scheduled).text(),
                       late=fu.late, overdue=fu.open_overdue, not_due=fu.open_not_due)
                     + (t("; not detailed {undetailed}", undetailed=fu.undetailed) if fu.undetailed else "")
                     + ".")
        lines += _topic(t("Themes (incidents tagged)"), total.themes)
    lines += ["", t("Six-month trend:")]
    for m, f in review.trend:
        lines.append(t("  {month}  {incidents:>5} incidents  coverage {coverage:<16} "
                       "notify p50 {notify:>4}  respond p50 {respond:>4}",
                       month=m, incidents=f.incidents, coverage=f.coverage.text(),
                       notify=minutes(f.notification.p50) or NONE,
                       respond=minutes(f.response.p50) or NONE))
    return "\n".join(lines) + "\n"


def _topic(title: str, counted: dict[str, int]) -> list[str]:
    if not counted:
        return []
    return ["", f"{title}: " + ", ".join(f"{label(k)} {v}" for k, v in counted.items()) + "."]
