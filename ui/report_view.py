"""Monthly review: the per-district shooting review for one month, on screen and exported.

Pick a month (default: the previous calendar month in Chicago) and the figures are computed on
the store thread by `queries.monthly_review`; the CSV text (`report.as_csv`) is made in the same
store call, so "Export CSV…" writes exactly the month on screen without asking the store again.
"Export PDF…" renders the same table through QTextDocument into a QPdfWriter (QtGui only, no
QtPrintSupport and no extra dependency).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QLocale, QMarginsF, QStandardPaths, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QShowEvent, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.clock import CHICAGO, local_text

from .context import AppContext
from .widgets import RecordTable

if TYPE_CHECKING:
    from cvi_desktop.queries import DistrictMonth
    from cvi_desktop.store import Store

# How many months the picker offers, newest first (the arrangement began in 2023).
MONTHS_OFFERED = 36
NONE = "–"  # an en dash, as the text report uses for "no figure"

# (parent, caption, suggested path, filter) -> chosen path, "" if cancelled. Tests pass their own.
AskPath = Callable[[QWidget, str, str, str], str]


def _ask_with_file_dialog(parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
    path, _chosen_filter = QFileDialog.getSaveFileName(parent, caption, suggested, name_filter)
    return path


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(now: datetime) -> str:
    """The calendar month before `now`'s, in Chicago (a review is of a finished month)."""
    local = now.astimezone(CHICAGO)
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return f"{year:04d}-{month:02d}"


def recent_months(now: datetime, count: int = MONTHS_OFFERED) -> list[str]:
    """This month in Chicago and the `count - 1` before it, newest first."""
    local = now.astimezone(CHICAGO)
    index = local.year * 12 + local.month - 1
    return [f"{(index - k) // 12:04d}-{(index - k) % 12 + 1:02d}" for k in range(count)]


def minutes(value: float | None) -> str:
    # Rounded as report.as_csv rounds, so the screen, the CSV and the PDF agree.
    return NONE if value is None else f"{value:.0f}"


def coverage_pct(responded: int, incidents: int) -> str:
    return NONE if incidents == 0 else f"{responded * 100 / incidents:.0f}"


def table_rows(review: MonthReview) -> list[dict[str, Any]]:
    """`DistrictMonth`s as the dict rows `RecordTable` shows (the district is the row's id)."""
    return [{**asdict(row), "id": row.district} for row in review.rows]


@dataclass(frozen=True)
class MonthReview:
    month: str
    rows: list[DistrictMonth]
    csv: str
    made_at: datetime

    @property
    def incidents(self) -> int:
        return sum(r.incidents for r in self.rows)

    @property
    def responded(self) -> int:
        return sum(r.responded for r in self.rows)


def read_review(store: Store, month: str) -> MonthReview:
    """Runs on the store thread only. `report` is imported here, on that thread: it pulls in the
    store's modules, which the GUI thread never needs."""
    from cvi_desktop import queries, report

    return MonthReview(month, queries.monthly_review(store, month), report.as_csv(store, month), store.now())


class MonthlyReviewDialog(QDialog):
    """Non-modal; loads the default month when first shown (`refresh()` reloads)."""

    # After every successful load, with the month ("YYYY-MM").
    loaded = Signal(str)
    # After a successful export, with the file's path.
    exported = Signal(str)

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, ask_path: AskPath | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.review: MonthReview | None = None
        self._ask_path = ask_path or _ask_with_file_dialog
        self._generation = 0
        self.setWindowTitle(self.tr("Monthly review"))
        self.setAccessibleName(self.tr("Monthly review"))

        self.month = QComboBox(self)
        self.month.setAccessibleName(self.tr("Month"))
        locale = QLocale()
        for key in recent_months(ctx.now()):
            shown = locale.toString(QDate(int(key[:4]), int(key[5:]), 1), "MMMM yyyy")
            self.month.addItem(shown, key)
        self.month.setCurrentIndex(max(self.month.findData(previous_month(ctx.now())), 0))
        month_label = QLabel(self.tr("&Month:"), self)
        month_label.setBuddy(self.month)

        self.heading = QLabel(self)
        self.heading.setObjectName("pageTitle")
        self.heading.setAccessibleName(self.tr("Report title"))
        self.note = QLabel(
            self.tr(
                "Incidents that occurred in the month (Chicago time). Notification: CPD's occurrence "
                "time to this organisation receiving it. Response: receipt to the first scene, "
                "hospital or family contact. Times in minutes; p50 is the median, p90 the time "
                "nine in ten were within."
            ),
            self,
        )
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("How the figures are measured"))

        self.table = RecordTable(
            [
                ("district", self.tr("District"), lambda r: str(r["district"])),
                ("incidents", self.tr("Incidents"), lambda r: str(r["incidents"])),
                ("responded", self.tr("Responded"), lambda r: str(r["responded"])),
                ("coverage", self.tr("Coverage %"), lambda r: coverage_pct(r["responded"], r["incidents"])),
                ("notify50", self.tr("Notification p50"), lambda r: minutes(r["notification_p50_min"])),
                ("notify90", self.tr("Notification p90"), lambda r: minutes(r["notification_p90_min"])),
                ("respond50", self.tr("Response p50"), lambda r: minutes(r["response_p50_min"])),
                ("respond90", self.tr("Response p90"), lambda r: minutes(r["response_p90_min"])),
            ],
            self.tr("Figures per district"),
            self,
        )
        # Eight figures side by side: equal widths read as a grid, not one wide last column.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(80)
        self.summary = QLabel(self.tr("Loading…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("All districts"))
        self.saved = QLabel(self)
        self.saved.setObjectName("hint")
        self.saved.setWordWrap(True)
        self.saved.setAccessibleName(self.tr("Export result"))
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.export_csv = QPushButton(self.tr("Export &CSV…"), self)
        self.export_csv.setAccessibleName(self.tr("Export the review as a CSV file"))
        self.export_pdf = QPushButton(self.tr("Export &PDF…"), self)
        self.export_pdf.setAccessibleName(self.tr("Export the review as a PDF file"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(month_label)
        top.addWidget(self.month)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.saved)
        row = QHBoxLayout()
        row.addWidget(self.export_csv)
        row.addWidget(self.export_pdf)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(940, 420)
        self._set_exportable(False)

        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.export_csv.clicked.connect(self.save_csv)
        self.export_pdf.clicked.connect(self.save_pdf)
        # A response logged or a CPD correction arriving can change the month's figures.
        ctx.events.data_changed.connect(lambda _id: self.refresh() if self.isVisible() else None)

    @property
    def selected_month(self) -> str:
        return str(self.month.currentData())

    def _set_exportable(self, ready: bool) -> None:
        # Export only what is on screen: never while a (new) month is still being computed.
        self.export_csv.setEnabled(ready)
        self.export_pdf.setEnabled(ready)

    # --- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        self._generation += 1
        generation, month = self._generation, self.selected_month
        self._set_exportable(False)
        self.summary.setText(self.tr("Loading…"))
        self.ctx.tasks.store_op(
            lambda s: read_review(s, month),
            on_success=lambda review: self._show(generation, review),
            on_failure=lambda exc: self._failed(generation, exc),
        )

    def _show(self, generation: int, review: MonthReview) -> None:
        if generation != self._generation:
            return  # the person picked another month meanwhile
        self.review = review
        self.heading.setText(self.tr("Monthly shooting review — %s") % self.month.currentText())
        self.table.set_rows(table_rows(review))
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r in range(self.table.rowCount()):
            for c in range(1, self.table.columnCount()):
                self.table.item(r, c).setTextAlignment(right)
        self.summary.setText(self.summary_text(review))
        self.saved.clear()
        self._set_exportable(True)
        self.loaded.emit(review.month)

    def summary_text(self, review: MonthReview) -> str:
        if not review.rows:
            return self.tr("No incidents occurred in this month.")
        return self.tr("All districts: %d incidents, %d with a qualifying response (%s%%).") % (
            review.incidents,
            review.responded,
            coverage_pct(review.responded, review.incidents),
        )

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.summary.setText(self.tr("The review could not be computed."))
        self.ctx.tasks.default_failure(exc)

    # --- export ------------------------------------------------------------------------------

    def _suggested(self, suffix: str) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder or Path.home()) / f"monthly-review-{self.selected_month}.{suffix}")

    def save_csv(self) -> None:
        review = self.review
        if review is None:
            return
        caption, name_filter = self.tr("Export CSV"), self.tr("CSV files (*.csv)")
        path = self._ask_path(self, caption, self._suggested("csv"), name_filter)
        if not path:
            return
        try:
            # A few hundred bytes: written here rather than queued, and never touches the store.
            Path(path).write_text(review.csv, encoding="utf-8", newline="")
        except OSError as exc:
            self.ctx.tasks.default_failure(exc)
            return
        self._saved(path)

    def save_pdf(self) -> None:
        review = self.review
        if review is None:
            return
        caption, name_filter = self.tr("Export PDF"), self.tr("PDF files (*.pdf)")
        path = self._ask_path(self, caption, self._suggested("pdf"), name_filter)
        if not path:
            return
        writer = QPdfWriter(path)
        writer.setTitle(self.heading.text())
        writer.setCreator("cvi-desktop")
        # US Letter: the reviews are read in Chicago.
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.Letter),
                QPageLayout.Orientation.Landscape,
                QMarginsF(15, 15, 15, 15),
                QPageLayout.Unit.Millimeter,
            )
        )
        document = QTextDocument()
        document.setHtml(self.report_html(review))
        document.print_(writer)
        # QPdfWriter reports no errors; an unwritable path shows up as a missing or empty file.
        if not Path(path).is_file() or Path(path).stat().st_size == 0:
            self.ctx.tasks.default_failure(OSError(self.tr("The PDF could not be written to %s") % path))
            return
        self._saved(path)

    def report_html(self, review: MonthReview) -> str:
        """The table as the PDF shows it: the same cells as on screen."""
        head = "".join(
            f"<th>{html.escape(self.table.horizontalHeaderItem(c).text())}</th>"
            for c in range(self.table.columnCount())
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td align='{'left' if c == 0 else 'right'}'>{html.escape(fmt(row))}</td>"
                for c, (_key, _header, fmt) in enumerate(self.table.columns)
            )
            + "</tr>"
            for row in table_rows(review)
        )
        made = self.tr("Made %s (Chicago time) by cvi-desktop") % local_text(review.made_at)
        return (
            f"<h2>{html.escape(self.heading.text())}</h2>"
            f"<p>{html.escape(self.note.text())}</p>"
            "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p><b>{html.escape(self.summary_text(review))}</b></p>"
            f"<p><small>{html.escape(made)}</small></p>"
        )

    def _saved(self, path: str) -> None:
        self.saved.setText(self.tr("Saved to %s") % path)
        self.exported.emit(path)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._generation == 0:
            self.refresh()  # first show: load the default month without the caller asking
        super().showEvent(event)
