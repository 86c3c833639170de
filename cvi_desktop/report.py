"""The monthly shooting review as a person reads it (text) or a spreadsheet takes it (CSV)."""

from __future__ import annotations

import csv
import io

from .queries import DistrictMonth, monthly_review
from .store.database import Store

COLUMNS = (
    "district",
    "incidents",
    "responded",
    "coverage_pct",
    "notification_p50_min",
    "notification_p90_min",
    "response_p50_min",
    "response_p90_min",
)


def _cells(row: DistrictMonth) -> list[str]:
    def minutes(value: float | None) -> str:
        return "" if value is None else f"{value:.0f}"

    coverage = "" if row.coverage is None else f"{row.coverage * 100:.0f}"
    return [
        row.district,
        str(row.incidents),
        str(row.responded),
        coverage,
        minutes(row.notification_p50_min),
        minutes(row.notification_p90_min),
        minutes(row.response_p50_min),
        minutes(row.response_p90_min),
    ]


def as_csv(store: Store, month: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in monthly_review(store, month):
        writer.writerow(_cells(row))
    return buffer.getvalue()


def as_text(store: Store, month: str) -> str:
    rows = monthly_review(store, month)
    lines = [f"Monthly shooting review — {month} (times in minutes, America/Chicago months)", ""]
    if not rows:
        return "\n".join(lines + ["No incidents occurred in this month."]) + "\n"
    header = (
        "District",
        "Incidents",
        "Responded",
        "Coverage %",
        "Notify p50",
        "Notify p90",
        "Respond p50",
        "Respond p90",
    )
    table = [header] + [tuple(c or "–" for c in _cells(r)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        lines.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    total = sum(r.incidents for r in rows)
    responded = sum(r.responded for r in rows)
    lines += [
        "",
        f"All districts: {total} incidents, {responded} with a qualifying response "
        f"({round(responded * 100 / total) if total else 0}%).",
    ]
    return "\n".join(lines) + "\n"
