"""The monthly review's charts and meeting PDF for the laptop's dialog, in Qt's words.

The drawing lives in the core (`cvi_desktop.review_charts`, no Qt in it) so the hub's CPD web
page draws the very same charts; this module only runs each call with the app's words: the
core's catalog in the language the app applied (`ui.language.core_text`, `ui.labels.label`).
It touches no store and no widget; `ui/report_view.py` calls it off the GUI thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from cvi_desktop import review_charts as _core
from cvi_desktop.review_charts import (  # noqa: F401 - re-exported for the dialog
    BLUE,
    CHART_SIZE,
    GREEN,
    GREY,
    INK,
    LETTER_LANDSCAPE,
    MUTED,
    ChartImages,
    PdfMeta,
    Section,
    png,
)

from .labels import label
from .language import core_text

_P = ParamSpec("_P")
_R = TypeVar("_R")


QT_WORDS = _core.Words(tr=core_text, label=label)


def _in_qt_words(draw: Callable[_P, _R]) -> Callable[_P, _R]:
    @functools.wraps(draw)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _core.using(QT_WORDS):
            return draw(*args, **kwargs)

    return wrapper


latency_figure = _in_qt_words(_core.latency_figure)
coverage_figure = _in_qt_words(_core.coverage_figure)
trend_figure = _in_qt_words(_core.trend_figure)
chart_images = _in_qt_words(_core.chart_images)
ratio_text = _in_qt_words(_core.ratio_text)
month_title = _in_qt_words(_core.month_title)
district_section = _in_qt_words(_core.district_section)
org_section = _in_qt_words(_core.org_section)
topic_sections = _in_qt_words(_core.topic_sections)
sections_for_screen = _in_qt_words(_core.sections_for_screen)
write_pdf = _in_qt_words(_core.write_pdf)
