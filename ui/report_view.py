"""Monthly review: the month's shooting review on screen, as tables and charts, and exported.

Pick a month (default: the previous calendar month in Chicago). On the store thread the figures
are computed (`queries.monthly_review`, i.e. the one calculation in `cvi_desktop.monthly` that
the CLI and the hub also use), the CSV zip is packed (`report.as_zip`) and the charts are drawn
to PNG (`ui.charts`, matplotlib's Agg canvas), so the GUI thread only shows pixmaps and text and
"Export tables…" writes exactly the month on screen without asking the store again.
"Export PDF…" draws the meeting PDF (matplotlib's PdfPages) on the same worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, QStandardPaths, Qt, Signal
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cvi_desktop.clock import CHICAGO

from .context import AppContext
from .widgets import RecordTable

if TYPE_CHECKING:
    from cvi_desktop.monthly import MonthlyReview
    from cvi_desktop.store import Store

    from .charts import ChartImages, Section

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


@dataclass(frozen=True)
class MonthReview:
    """One month as the dialog shows and exports it, made on the store thread."""

    month: str
    review: MonthlyReview
    districts: Section
    topics: Sequence[Section]
    images: ChartImages
    zip: bytes  # every table as CSV (`report.as_zip`)
    made_at: datetime


def read_review(store: Store, month: str) -> MonthReview:
    """Runs on the store thread only. `report`, `queries` and the charts (matplotlib) are
    imported here, on that thread: the GUI thread never needs them, and matplotlib's import
    alone would cost the first frame a few hundred milliseconds."""
    from cvi_desktop import queries, report

    from . import charts

    review = queries.monthly_review(store, month)
    return MonthReview(
        month=month,
        review=review,
        districts=charts.district_section(review),
        topics=charts.sections_for_screen(review),
        images=charts.chart_images(review),
        zip=report.as_zip(review),
        made_at=store.now(),
    )


def section_table(section: Section, parent: QWidget) -> RecordTable:
    """A read-only table of a section's display cells, numbers right-aligned."""
    table = RecordTable(
        [(str(i), header, lambda r, i=i: r[str(i)]) for i, header in enumerate(section.header)],
        section.title,
        parent,
    )
    fill_table(table, section)
    return table


def fill_table(table: RecordTable, section: Section) -> None:
    table.set_rows([{**{str(i): cell for i, cell in enumerate(row)}, "id": row[0]} for row in section.rows])
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r in range(table.rowCount()):
        for c in range(1, table.columnCount()):
            table.item(r, c).setTextAlignment(right)


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
        from .language import current_language

        locale = QLocale()
        # "November 2026", "noviembre de 2026" (month names in the language's own case).
        month_format = "MMMM 'de' yyyy" if current_language() == "es" else "MMMM yyyy"
        for key in recent_months(ctx.now()):
            shown = locale.toString(QDate(int(key[:4]), int(key[5:]), 1), month_format)
            self.month.addItem(shown, key)
        self.month.setCurrentIndex(max(self.month.findData(previous_month(ctx.now())), 0))
        month_label = QLabel(self.tr("&Month:"), self)
        month_label.setBuddy(self.month)

        self.heading = QLabel(self)
        self.heading.setObjectName("pageTitle")
        self.heading.setAccessibleName(self.tr("Report title"))
        self.note = QLabel(self.method_note(), self)
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("How the figures are measured"))
        self.summary = QLabel(self.tr("Loading…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("All districts"))

        # Overview: the headline change and the six-month trend.
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(self.tr("Monthly review topics"))
        self.trend_chart = self._chart_label(self.tr("Six-month trend chart"))
        self.change_table = RecordTable([], self.tr("Change since last month"), self)
        overview = self._page([self.trend_chart, self.change_table])
        self.tabs.addTab(overview, self.tr("&Overview"))
        # Districts: the latency and coverage table and the coverage chart.
        self.table = RecordTable([], self.tr("Figures per district"), self)
        self.coverage_chart = self._chart_label(self.tr("Coverage by district chart"))
        self.tabs.addTab(self._page([self.table, self._scrolled(self.coverage_chart)]), self.tr("&Districts"))
        self.latency_chart = self._chart_label(self.tr("Latency distribution charts"))
        self.tabs.addTab(self._page([self.latency_chart]), self.tr("&Latency"))
        # What was done, and the casework after it: the small tables side by side.
        self.topic_tables: dict[str, RecordTable] = {}
        self._responses = QWidget(self)
        self._responses.setLayout(QGridLayout())
        self.tabs.addTab(self._responses, self.tr("&Responses"))
        self._casework = QWidget(self)
        self._casework.setLayout(QGridLayout())
        self.tabs.addTab(self._casework, self.tr("Case&work"))

        self.saved = QLabel(self)
        self.saved.setObjectName("hint")
        self.saved.setWordWrap(True)
        self.saved.setAccessibleName(self.tr("Export result"))
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_csv = QPushButton(self.tr("Export &tables (CSV)…"), self)
        self.export_csv.setAccessibleName(self.tr("Export every table as CSV files in one zip"))
        self.export_pdf = QPushButton(self.tr("Export &PDF…"), self)
        self.export_pdf.setAccessibleName(self.tr("Export the review as a PDF for the meeting"))
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
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.saved)
        row = QHBoxLayout()
        row.addWidget(self.export_csv)
        row.addWidget(self.export_pdf)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.resize(1040, 760)
        self._set_exportable(False)

        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.export_csv.clicked.connect(self.save_csv)
        self.export_pdf.clicked.connect(self.save_pdf)
        # A response logged or a CPD correction arriving can change the month's figures.
        ctx.events.data_changed.connect(lambda _id: self.refresh() if self.isVisible() else None)

    def method_note(self) -> str:
        return self.tr(
            "Incidents that occurred in the month (Chicago time). Notification: occurrence to this "
            "organisation receiving it. Response: receipt to the first scene, hospital or family "
            "contact (an attempt that was unsafe, restricted, unstaffed, declined or found no one "
            "is not a contact). Times in minutes; p50 is the median and p90 the time nine in ten "
            "were within (nearest-rank: both are times that really happened). Under 5 incidents, "
            "shares are shown as counts (\"2 of 3\")."
        )

    def _chart_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setAccessibleName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

    def _scrolled(self, widget: QWidget) -> QScrollArea:
        area = QScrollArea(self)
        area.setAccessibleName(widget.accessibleName() or self.tr("Monthly review page"))
        area.setWidget(widget)
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        return area

    def _page(self, widgets: Sequence[QWidget]) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        for widget in widgets:
            # A chart keeps its drawn size; tables and scroll areas take the rest.
            box.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
        return page

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

    def _show(self, generation: int, month_review: MonthReview) -> None:
        if generation != self._generation:
            return  # the person picked another month meanwhile
        self.review = month_review
        self.heading.setText(self.tr("Monthly shooting review — %s") % self.month.currentText())
        self._fill(self.table, month_review.districts)
        # Nine figures side by side: equal widths read as a grid, not one wide last column.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # The topics in the PDF's order: the change, three of what was done, four of casework.
        self._fill(self.change_table, month_review.topics[0])
        self.change_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._place(self._responses, month_review.topics[1:4])
        self._place(self._casework, month_review.topics[4:])
        for label, image in ((self.trend_chart, month_review.images.trend),
                             (self.coverage_chart, month_review.images.coverage),
                             (self.latency_chart, month_review.images.latency)):
            pixmap = QPixmap()
            pixmap.loadFromData(image, "PNG")
            label.setPixmap(pixmap)
        self.summary.setText(self.summary_text(month_review.review))
        self.saved.clear()
        self._set_exportable(True)
        self.loaded.emit(month_review.month)

    def _fill(self, table: RecordTable, section: Section) -> None:
        table.columns = [(str(i), h, lambda r, i=i: r[str(i)]) for i, h in enumerate(section.header)]
        table.setColumnCount(len(section.header))
        table.setHorizontalHeaderLabels(list(section.header))
        fill_table(table, section)

    def _place(self, page: QWidget, sections: Sequence[Section]) -> None:
        """The page's tables, two to a row; made again for each month (their rows differ)."""
        grid = page.layout()
        assert isinstance(grid, QGridLayout)
        while grid.count():
            item = grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for n, section in enumerate(sections):
            box = QWidget(page)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            title = QLabel(f"<b>{section.title}</b>", box)
            column.addWidget(title)
            table = section_table(section, box)
            self.topic_tables[section.title] = table
            column.addWidget(table)
            grid.addWidget(box, n // 2, n % 2)

    def summary_text(self, review: MonthlyReview) -> str:
        total = review.total
        if total.incidents == 0:
            return self.tr("No incidents occurred in this month.")
        from .charts import ratio_text  # the same wording as the PDF's (loaded by now)

        return self.tr("All districts: %s; first contact for %s; median notification %s min, "
                       "median response %s min.") % (
            self.tr("%n incident(s)", "", total.incidents), ratio_text(total.coverage),
            _minutes(total.notification.p50), _minutes(total.response.p50))

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
        caption, name_filter = self.tr("Export tables"), self.tr("Zip of CSV files (*.zip)")
        path = self._ask_path(self, caption, self._suggested("zip"), name_filter)
        if not path:
            return
        try:
            # A few kilobytes: written here rather than queued, and never touches the store.
            Path(path).write_bytes(review.zip)
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
        organisation = self.ctx.org_name or self.tr("This organisation")
        note = self.note.text()
        now = self.ctx.now()
        self._set_exportable(False)

        def draw(_store: Store) -> str:
            # Drawn off the GUI thread: six pages of matplotlib take a second or so.
            from .charts import PdfMeta, write_pdf

            write_pdf(review.review, Path(path), PdfMeta(organisation, now, note))
            return path

        self.ctx.tasks.store_op(draw, on_success=self._pdf_done, on_failure=self._pdf_failed)

    def _pdf_done(self, path: str) -> None:
        self._set_exportable(self.review is not None)
        self._saved(path)

    def _pdf_failed(self, exc: BaseException) -> None:
        self._set_exportable(self.review is not None)
        self.ctx.tasks.default_failure(exc)

    def _saved(self, path: str) -> None:
        self.saved.setText(self.tr("Saved to %s") % path)
        self.exported.emit(path)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._generation == 0:
            self.refresh()  # first show: load the default month without the caller asking
        super().showEvent(event)


def _minutes(value: float | None) -> str:
    return NONE if value is None else f"{value:.0f}"


def cells(table: RecordTable) -> list[list[str]]:
    """A table's text, row by row (for tests and screenshots)."""
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]

