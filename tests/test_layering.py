"""The dependency rule ui -> sync -> cvi_desktop, checked on the source and at import time.

The reference hub's server stack (the `hub` extra) is imported only under sync/hub; that the
desktop also imports and runs without it installed is tests/test_desktop_without_hub.py.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HUB_STACK = {"fastapi", "uvicorn", "starlette", "jinja2", "anyio", "h11"}
FORBIDDEN = {
    "cvi_desktop": {"PySide6", "shiboken6", "requests", "ui", "sync", *HUB_STACK},
    "sync": {"PySide6", "shiboken6", "ui"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_the_hub_imports_its_server_stack() -> None:
    # Anywhere in the file, even inside a function: a late import still fails on a desktop
    # installed without the extra, just later. The desktop reaches the hub through sync.hub.
    files = [p for package in ("sync", "ui") for p in (ROOT / package).rglob("*.py")]
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & HUB_STACK)
        for path in files
        if (ROOT / "sync" / "hub") not in path.parents
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_scanner_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import os\nfrom PySide6.QtCore import QObject\n", encoding="utf-8")
    assert imported_roots(sample) & FORBIDDEN["cvi_desktop"] == {"PySide6"}


def test_importing_the_whole_core_loads_neither_qt_nor_requests() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "cvi_desktop").rglob("*.py")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'requests'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
