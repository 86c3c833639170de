"""The frozen app: build `build.spec` with PyInstaller once, into a temporary folder, and run the
bundle's `--self-test` (open an encrypted store with its key in the real keyring, render the
main window offscreen, exit 0).

The point is what only a frozen build can get wrong: keyring's backends are found through
entry-point metadata, and a bundle without it silently gets keyring's `fail` backend; resources
are found through `ui.resources.resource_root()`; SQLCipher is a compiled extension; late
imports (`ui.operations`, the detail view) are invisible to PyInstaller's analysis.

It needs a reachable Secret Service (`make test` runs the suite under scripts/with-keyring.sh,
a private GNOME Keyring). Without one it skips and says why, except under CI, where it fails.
The build takes about a minute on two cores; the timeout leaves room for a slow machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.timeout(600)


def _secret_service_problem() -> str | None:
    """None if the Secret Service answers here, else why not."""
    try:
        from keyring.backends import SecretService

        SecretService.Keyring().get_password("cvi-desktop-probe", "probe")
    except Exception as exc:  # noqa: BLE001 - any failure means the frozen app could not use it either
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    problem = _secret_service_problem()
    if problem is not None:
        message = (
            "no Secret Service keyring is reachable, so the frozen self-test cannot show that the bundle "
            f"finds a real keyring backend ({problem}); run under scripts/with-keyring.sh (make test does)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pytest.importorskip("PyInstaller", reason="PyInstaller is in the dev extras: pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("frozen")
    started = time.monotonic()
    build = subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    print(f"PyInstaller build: {time.monotonic() - started:.0f} s")
    app = out / "dist" / "cvi-desktop" / "cvi-desktop"
    assert app.is_file(), f"no executable at {app}"
    return app


def test_frozen_self_test_opens_the_store_with_the_real_keyring(frozen_app: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CVI_DESKTOP_HOME": str(tmp_path)}
    env.pop("PYTHONPATH", None)  # the bundle must run on what it carries, not on this checkout
    run = subprocess.run(
        [str(frozen_app), "--self-test"], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    lines = dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line)
    assert "SecretService" in lines["keyring"], run.stdout
    assert "fail" not in lines["keyring"].lower(), "the frozen app fell back to keyring's fail backend"
    assert "(SQLCipher)" in lines["store"]
    assert lines["window"].endswith("rendered=True")
    # Resources came through the frozen-aware helper: the bundle carries them under _internal/.
    internal = frozen_app.parent / "_internal"
    assert (internal / "resources" / "style.qss").is_file()
    assert (internal / "resources" / "icons" / "app.svg").is_file()
