"""Reading a push body so that one hostile record cannot fail the batch it came in.

`json.loads` raises RecursionError (not ValueError) on JSON nested deeper than Python's
recursion limit (~1,000 levels), and it reads the body as a whole: one such record would turn
the whole batch into an error and stall a device that retries it. Only then (the common case
costs nothing extra) the body is split into its records by a scan that tracks nesting without
recursing, each record is read on its own, and one too deep to read is replaced by `TOO_DEEP`,
which the hub rejects alone (`service._push_one`).
"""

from __future__ import annotations

import json
import re
from typing import Any


class TooDeep:
    """Stands for a pushed record nested too deeply to read."""

    def __repr__(self) -> str:
        return "TOO_DEEP"


TOO_DEEP = TooDeep()

# The tokens that matter for nesting: a whole string (so brackets inside text are skipped, and
# escaped quotes too), a bracket or a comma. Unrolled-loop form: no backtracking per character.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


def load_push_body(body: bytes) -> Any:
    """The parsed body; raises ValueError if it is not JSON (or its envelope is too deep)."""
    try:
        return json.loads(body)
    except RecursionError:
        pass
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("body is not UTF-8 JSON") from None
    start, elements, end = _split(text)
    try:
        envelope = json.loads(text[:start] + "[]" + text[end:])
    except RecursionError:
        raise ValueError("body nests too deeply") from None
    if not isinstance(envelope, dict) or envelope.get("records") != []:
        raise ValueError('body must be {"records": [...]}')
    envelope["records"] = [_load_one(text[a:b]) for a, b in elements]
    return envelope


def _load_one(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        return TOO_DEEP


def _split(text: str) -> tuple[int, list[tuple[int, int]], int]:
    """Where the first array inside the top-level object starts and ends (the records: the
    envelope is checked to be exactly {"records": [...]} afterwards), and each element's span."""
    depth = 0
    start = -1
    element_start = -1
    elements: list[tuple[int, int]] = []
    for token in _TOKENS.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth == 2 and char == "[" and start < 0:
                start, element_start = token.start(), token.end()
        elif char in "]}":
            if depth == 2 and start >= 0 and char == "]":
                last = text[element_start:token.start()]
                if last.strip():
                    elements.append((element_start, token.start()))
                return start, elements, token.end()
            depth -= 1
        elif char == "," and depth == 2 and start >= 0:
            elements.append((element_start, token.start()))
            element_start = token.end()
    raise ValueError('body must be {"records": [...]}')
