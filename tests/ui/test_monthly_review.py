"""The monthly review dialog on a real encrypted store, offscreen: figures per month, the
charts, the CSV zip and the meeting PDF (its pages counted and its text checked)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cvi_desktop import queries, report
from tests.ui.conftest import assert_store_thread_only
from tests.ui.test_supervisor_views import seed_team
from ui.report_view import MonthlyReviewDialog, cells

pytestmark = pytest.mark.timeout(90)
PDF_PAGES = 7  # title, summary and trend, districts, coverage, latency, what was done, casework


@pytest.fixture
def seeded(make_session, manual_clock):
    session = make_session(clock=manual_clock)
    failures: list[BaseException] = []
    session.tasks.default_failure = failures.append
    ids = session.tasks.store_op(seed_team).result(30)
    yield session, ids
    assert failures == []


def pdf_pages(path: Path) -> int:
    """Page objects in the file (matplotlib writes them uncompressed: `/Type /Page`)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def pdf_text(path: Path) -> list[str]:
    """The strings drawn in the PDF, one per text run, from its Flate content streams:
    matplotlib writes each run as a kerned `[ (Pa) -0.3 (ge) ] TJ` array (ASCII as itself),
    enough to check what the pages say without a PDF library."""
    runs = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", path.read_bytes(), re.S):
        try:
            content = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue  # an embedded font or image
        for array in re.findall(r"\[(.*?)\]\s*TJ", content, re.S):
            parts = re.findall(r"\(((?:\\.|[^\\)])*)\)", array)
            runs.append(re.sub(r"\\(.)", r"\1", "".join(parts)))
    return runs


def test_month_switch_charts_and_exports(seeded, qtbot, probe, tmp_path: Path):
    session, _ids = seeded
    asked: list[str] = []
    target: dict[str, Path] = {}

    def ask_path(_parent, _caption, suggested, _filter):
        asked.append(Path(suggested).name)
        return str(target["path"])

    dialog = MonthlyReviewDialog(session.ctx, ask_path=ask_path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000) as loaded:
        dialog.show()
    assert loaded.args == ["2026-10"] and dialog.month.currentText() == "October 2026"
    assert dialog.heading.text() == "Monthly shooting review — October 2026"
    # 011: notified after 10/20/30 min -> nearest-rank p50 20, p90 30; first contacts 15 and
    # 45 min after receipt; 2 of 3 (a base under 5 is never a percentage). 007: one incident.
    assert cells(dialog.table) == [
        ["007", "1", "1 of 1", "12", "12", "5", "5", "–"],
        ["011", "3", "2 of 3", "20", "30", "15", "45", "0 of 1"],
        ["All", "4", "3 of 4", "12", "30", "15", "45", "0 of 1"],
    ]
    assert dialog.summary.text() == ("All districts: 4 incidents; first contact for 3 of 4; "
                                     "median notification 12 min, median response 15 min.")
    followups = dialog.topic_tables["Follow-up timeliness"]
    assert cells(followups) == [["Scheduled", "3"], ["Done by the due date", "0 of 3"], ["Done late", "1"],
                                ["Open and overdue", "1"], ["Open, not yet due", "1"]]
    why = dict(map(tuple, cells(dialog.topic_tables["Why there was no first contact"])))
    assert why["No attempt recorded"] == "1"  # c: only a mediation

    # The charts are there, drawn (not blank) and as wide as they were rendered.
    for chart in (dialog.trend_chart, dialog.coverage_chart, dialog.latency_chart):
        pixmap = chart.pixmap()
        assert not pixmap.isNull() and pixmap.width() >= 700 and pixmap.height() >= 300
        image = pixmap.toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 5
    october_trend = dialog.trend_chart.pixmap().toImage()

    # Every table as CSV in one zip, exactly the core's tables for the month.
    target["path"] = tmp_path / "october.zip"
    with qtbot.waitSignal(dialog.exported, timeout=5000):
        qtbot.mouseClick(dialog.export_csv, Qt.MouseButton.LeftButton)
    with zipfile.ZipFile(target["path"]) as archive:
        assert archive.namelist() == [f"monthly-review-2026-10/{n}.csv" for n in report.TABLE_NAMES]
        districts = archive.read("monthly-review-2026-10/districts.csv").decode()
    expected = session.tasks.store_op(lambda s: report.as_csv(s, "2026-10")).result(10)
    assert districts == expected
    assert districts.splitlines()[2] == "011,3,3,2,,3,20,30,2,15,45,1,0,0,0"
    assert dialog.saved.text() == f"Saved to {target['path']}"

    # The meeting PDF: drawn off the GUI thread, one page per topic, page numbers on each.
    target["path"] = tmp_path / "october.pdf"
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        qtbot.mouseClick(dialog.export_pdf, Qt.MouseButton.LeftButton)
    assert target["path"].read_bytes().startswith(b"%PDF")
    assert pdf_pages(target["path"]) == PDF_PAGES
    if shutil.which("pdfinfo"):  # poppler-utils, when installed, agrees
        info = subprocess.run(["pdfinfo", str(target["path"])], capture_output=True, text=True, check=True)
        assert re.search(rf"^Pages:\s+{PDF_PAGES}$", info.stdout, re.M)
    runs = pdf_text(target["path"])
    for text in ("Monthly shooting review", "October 2026", f"Page 1 of {PDF_PAGES}",
                 f"Page {PDF_PAGES} of {PDF_PAGES}", "2 of 3", "Follow-up timeliness", "Open and overdue"):
        assert text in runs, text
    assert any(r.startswith("Generated 2026-11-01 12:00 (Chicago time)") for r in runs)
    assert asked == ["monthly-review-2026-10.zip", "monthly-review-2026-10.pdf"]

    # Another month: only the November incident, no response yet; October's 011 has none and
    # says so; the trend chart is redrawn.
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.month.setCurrentIndex(dialog.month.findData("2026-11"))
    assert cells(dialog.table) == [
        ["007", "1", "0 of 1", "8", "8", "–", "–", "–"],
        ["011", "0", "No incidents", "", "", "", "", ""],
        ["All", "1", "0 of 1", "8", "8", "–", "–", "–"],
    ]
    assert dialog.trend_chart.pixmap().toImage() != october_trend
    # A month with nothing in it or the five before says so, and can still be exported.
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.month.setCurrentIndex(dialog.month.findData("2026-03"))
    assert dialog.table.rowCount() == 0
    assert dialog.summary.text() == "No incidents occurred in this month."
    assert dialog.export_csv.isEnabled() and dialog.export_pdf.isEnabled()
    assert_store_thread_only(probe, session)


def test_dialog_shows_the_one_calculation(seeded, qtbot):
    """The dialog's district cells are the core's figures, rounded as the CSV rounds them."""
    session, _ids = seeded
    dialog = MonthlyReviewDialog(session.ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.show()
    review = session.tasks.store_op(lambda s: queries.monthly_review(s, "2026-10")).result(10)
    assert dialog.review is not None and dialog.review.review == review
    shown = {row[0]: row for row in cells(dialog.table)}
    for district, figures in review.districts.items():
        assert shown[district][3] == report.minutes(figures.notification.p50)
        assert shown[district][6] == (report.minutes(figures.response.p90) or "–")
    with zipfile.ZipFile(io.BytesIO(dialog.review.zip)) as archive:
        assert len(archive.namelist()) == len(report.TABLE_NAMES)
