"""The desktop installs and runs without the reference hub's server stack (the `hub` extra).

pyproject.toml keeps FastAPI, uvicorn, Starlette, Jinja2 (and what the hub imports of theirs)
in `[project.optional-dependencies] hub`. Each test here runs a fresh interpreter in which
those packages cannot be imported: a meta-path finder, first on `sys.meta_path`, raises
ModuleNotFoundError for them, exactly as an interpreter without them installed does. In it:

- every desktop module imports: `cvi_desktop.*`, `sync.*` except `sync.hub.*`, and `ui.*`;
- `--demo` says, in one message, that the embedded hub needs `pip install 'cvi-desktop[hub]'`;
- the `cvi-hub` admin commands work, and `cvi-hub serve` says what to install;
- with a Secret Service reachable, the app's `--self-test` opens a store and renders the window.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.timeout(120)


def _names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings, as import names ("Jinja2==3" -> "jinja2")."""
    return {re.split(r"[\[=<>!~; ]", r, maxsplit=1)[0].lower().replace("-", "_") for r in requirements}


HUB_EXTRA = _names(PYPROJECT["project"]["optional-dependencies"]["hub"])
BLOCKED = sorted(HUB_EXTRA)

BLOCKER = f"""
import importlib.abc, sys

BLOCKED = {BLOCKED!r}
already = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
assert not already, f"imported before the blocker: {{already}}"


class NoHubExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            message = f"No module named {{name!r}} (the hub extra is not installed)"
            raise ModuleNotFoundError(message, name=name)
        return None


sys.meta_path.insert(0, NoHubExtra())
"""


def run_without_hub(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + code, *args], capture_output=True, text=True, cwd=cwd, env=env,
        timeout=100,
    )


def desktop_modules() -> list[str]:
    names = []
    for package in ("cvi_desktop", "sync", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            if name == "sync.hub" or name.startswith("sync.hub."):
                continue
            names.append(name)
    return names


def test_the_hub_stack_is_an_extra_the_desktop_does_not_install():
    core = _names(PYPROJECT["project"]["dependencies"])
    assert {"fastapi", "uvicorn", "starlette", "jinja2"} <= HUB_EXTRA
    assert not core & HUB_EXTRA, "the hub's server stack is back in [project] dependencies"
    # `make run` (the demo's embedded hub) and the hub's tests install the dev extra.
    assert "cvi-desktop[hub]" in PYPROJECT["project"]["optional-dependencies"]["dev"]
    # Blocking by distribution name works because each is imported under that name.
    assert all(importlib.util.find_spec(name) is not None for name in BLOCKED)


def test_the_blocker_blocks():
    # Without this the import test below would pass vacuously.
    result = run_without_hub("import sync.hub.app")
    assert result.returncode != 0
    assert "the hub extra is not installed" in result.stderr


def test_every_desktop_module_imports_without_the_hub_extra():
    modules = desktop_modules()
    assert {"sync.client", "sync.engine.core", "sync.protocol", "sync.wire_models", "sync.credentials",
            "sync.cli", "ui.launcher", "ui.demo_mode", "cvi_desktop.store.database"} <= set(modules)
    code = (
        "import importlib, json, sys, traceback\n"
        "failed = {}\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed[name] = traceback.format_exc(limit=-3)\n"
        "print(json.dumps(failed))\n"
    )
    result = run_without_hub(code)
    assert result.returncode == 0, result.stderr
    failed = json.loads(result.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n".join(f"{name}:\n{trace}" for name, trace in failed.items())


def test_demo_without_the_hub_extra_says_what_to_install():
    result = run_without_hub("import sys\nfrom ui.launcher import main\nsys.exit(main(['--demo']))")
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "pip install 'cvi-desktop[hub]'" in message and "Traceback" not in message
    assert "embedded hub" in message and len(message.splitlines()) == 1
    missing = re.search(r"\((\S+) is not installed\)", message)
    assert missing is not None and missing.group(1) in BLOCKED


def test_hub_admin_commands_work_without_the_extra_and_serve_says_what_to_install(tmp_path):
    db = str(tmp_path / "hub.sqlite3")
    cli = "import sys\nfrom sync.hub.cli import main\nsys.exit(main(sys.argv[1:]))"
    added = run_without_hub(cli, "org", "add", "north", "North", "--db", db)
    assert added.returncode == 0, added.stderr
    listed = run_without_hub(cli, "org", "list", "--db", db)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["id"] == "north"
    served = run_without_hub(cli, "serve", "--db", db, "--port", "0")
    assert served.returncode == 2 and served.stdout == ""
    assert served.stderr.startswith("cvi-hub: serve needs the hub's packages (")
    assert served.stderr.strip().endswith("pip install 'cvi-desktop[hub]'")
    assert "Traceback" not in served.stderr and served.stderr.count("\n") == 1


def _secret_service_problem() -> str | None:
    """None if the Secret Service answers here, else why not (as tests/test_frozen_app.py)."""
    try:
        from keyring.backends import SecretService

        SecretService.Keyring().get_password("cvi-desktop-probe", "probe")
    except Exception as exc:  # noqa: BLE001 - any failure means the self-test could not use it either
        return f"{type(exc).__name__}: {exc}"
    return None


def test_the_app_opens_a_store_and_renders_without_the_hub_extra():
    problem = _secret_service_problem()
    if problem is not None:
        pytest.skip(f"the self-test needs a Secret Service keyring ({problem}); "
                    "run under scripts/with-keyring.sh")
    result = run_without_hub("import sys\nfrom ui.launcher import main\nsys.exit(main(['--self-test']))")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rendered=True" in result.stdout
