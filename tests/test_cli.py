"""The headless command as a shell user meets it: messages, exit codes, files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from cvi_desktop.cli import main
from cvi_desktop.report import TABLE_NAMES
from cvi_desktop.store.migrations import SCHEMA_VERSION
from tests.memory_keyring import MemoryKeyring


@pytest.fixture
def home(tmp_path: Path, memory_keyring: MemoryKeyring) -> Path:
    return tmp_path / "home"


def cli(home: Path, *args: str) -> int:
    return main(["--home", str(home), "--profile", "team", *args])


def test_demo_report_export_doctor(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(home, "demo", "--days", "10") == 0
    out = capsys.readouterr().out
    assert "Demo profile 'team' seeded" in out and "records waiting to share" in out
    assert str(home / "profiles" / "team" / "cvi.db") in out

    assert cli(home, "export", "incidents") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 15
    assert "latitude" not in rows[0] and "district" in rows[0]

    assert cli(home, "doctor") == 0
    doctor = capsys.readouterr().out
    assert f"Schema version: {SCHEMA_VERSION}" in doctor and "MemoryKeyring" in doctor and "pending" in doctor


def test_private_export_needs_a_reason_and_is_audited(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli(home, "demo", "--days", "3")
    capsys.readouterr()
    assert cli(home, "export", "incidents", "--include-private", " ") == 2
    assert "reason" in capsys.readouterr().err
    out = tmp_path / "private.csv"
    assert cli(home, "export", "incidents", "--out", str(out), "--include-private", "court order 42") == 0
    header = out.read_text().splitlines()[0]
    assert "latitude" in header
    from cvi_desktop.store import open_profile

    with open_profile("team", home=home) as store:
        assert (
            store.scalar("SELECT reason FROM audit_log WHERE action = 'export_private_incidents'")
            == "court order 42"
        )


def test_import_keeps_good_rows_and_names_bad_ones(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "incidents.csv"
    sheet.write_text(
        "rd_number,incident_type,occurred_at,district,beat,victims_nonfatal,victim_age_bands\n"
        "JD000001,nonfatal_shooting,2026-10-05 21:15,011,1131,1,18_24\n"
        "JD000002,drive-by,2026-10-06 01:00,011,1131,1,\n"
        "JD000003,fatal_shooting,2026-10-07 03:00,7,,0,\n"
        "IO000004,nonfatal_shooting,2026-10-08 03:00,015,,1,\n",
        encoding="utf-8",
    )
    assert cli(home, "import", "incidents", str(sheet)) == 1
    captured = capsys.readouterr()
    assert "Imported 2 incidents; refused 2 rows." in captured.out
    assert "line 3: incident_type: 'drive-by' is not one of" in captured.err
    assert "line 5: rd_number:" in captured.err

    actions = tmp_path / "actions.json"
    actions.write_text(
        json.dumps(
            [
                {"rd_number": "JD000001", "action_type": "hospital", "started_at": "2026-10-05 22:00"},
                {"rd_number": "JD999999", "action_type": "scene", "started_at": "2026-10-05 22:00"},
                {
                    "rd_number": "JD000003",
                    "action_type": "scene",
                    "started_at": "2026-10-05T22:00:00Z",
                    "ended_at": "2026-10-05T21:00:00Z",
                },
            ]
        ),
        encoding="utf-8",
    )
    assert cli(home, "import", "responses", str(actions)) == 1
    captured = capsys.readouterr()
    assert "Imported 1 response actions; refused 2 rows." in captured.out
    assert "line 2: rd_number: no incident with RD number JD999999" in captured.err
    assert "line 3: ended_at: is before started_at" in captured.err

    assert cli(home, "export", "actions") == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # 22:00 Chicago wall time on Oct 5 (CDT, UTC-5) is 03:00 UTC on Oct 6
    assert row["started_at"] == "2026-10-06T03:00:00.000000+00:00"


def test_report_text_and_csv(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "i.json"
    sheet.write_text(
        json.dumps(
            [
                {
                    "incident_type": "fatal_shooting",
                    "victims_fatal": 1,
                    "district": "011",
                    "occurred_at": "2026-09-10T10:00:00Z",
                    "org_received_at": "2026-09-10T10:12:00Z",
                }
            ]
        ),
        encoding="utf-8",
    )
    assert cli(home, "import", "incidents", str(sheet)) == 0
    capsys.readouterr()
    assert cli(home, "report", "--month", "2026-09", "--format", "csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("district,incidents,notified,covered,coverage_pct")
    # One incident: no percentage of a base under 5; notified after 12 min; no first contact.
    assert lines[1] == "011,1,1,0,,1,12,12,0,,,0,0,0,0"
    assert lines[2].startswith("all,1,1,0,")
    assert cli(home, "report", "--month", "2026-09", "--format", "csv", "--table", "no_response") == 0
    assert "no_attempt_recorded,1" in capsys.readouterr().out.splitlines()
    assert cli(home, "report", "--month", "2026-09") == 0
    text = capsys.readouterr().out
    assert "All districts: 1 incidents; first contact for 0 of 1." in text
    assert "Six-month trend:" in text and "  2026-04      0 incidents" in text
    out = tmp_path / "september.zip"
    assert cli(home, "report", "--month", "2026-09", "--format", "zip", "--out", str(out)) == 0
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == len(TABLE_NAMES)
        assert archive.read("monthly-review-2026-09/districts.csv").decode().splitlines()[1] == lines[1]
    capsys.readouterr()
    assert cli(home, "report", "--month", "2026-09", "--format", "zip") == 2
    assert "--out" in capsys.readouterr().err
    assert cli(home, "report", "--month", "Sept") == 2
    assert "month: 'Sept' is not YYYY-MM" in capsys.readouterr().err


def test_without_a_keyring_it_refuses_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert main(["--home", str(tmp_path), "demo"]) == 3
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert "No secure keyring is available" in err and "gnome-keyring" in err
    assert not (tmp_path / "profiles" / "demo" / "cvi.db").exists()


def test_missing_file_and_bad_usage(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(home, "import", "incidents", "/nonexistent.csv") == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        cli(home, "frobnicate")
    assert caught.value.code == 2


def test_demo_never_replaces_a_real_profile(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cvi_desktop.services import people
    from cvi_desktop.store import open_profile

    with open_profile("alice", home=home) as store:
        people.add_staff(store, {"id": "alice", "display_name": "Alice"})
    assert main(["--home", str(home), "--profile", "alice", "demo"]) == 4
    assert "holds real data" in capsys.readouterr().err
    with open_profile("alice", home=home) as store:
        assert [s["id"] for s in people.staff(store)] == ["alice"]
    assert main(["--home", str(home), "--profile", "demo", "demo", "--days", "2"]) == 0
    assert main(["--home", str(home), "--profile", "demo", "demo", "--days", "2"]) == 0  # replaced again


def test_the_report_speaks_the_terminals_language_or_the_one_asked_for(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvi_desktop import i18n

    try:
        assert cli(home, "demo", "--days", "3") == 0
        capsys.readouterr()
        assert cli(home, "--language", "es", "report", "--month", "2026-09") == 0
        assert "Revisión mensual de tiroteos — 2026-09" in capsys.readouterr().out
        assert cli(home, "--language", "es", "report", "--month", "2026-09", "--format", "csv") == 0
        assert capsys.readouterr().out.lstrip("\ufeff").startswith("distrito,incidentes,")
        # No --language: the locale decides, as gettext reads it (LANGUAGE first).
        monkeypatch.setenv("LANG", "es_US.UTF-8")
        assert cli(home, "report", "--month", "Sept") == 2
        assert "no es AAAA-MM" in capsys.readouterr().err
        monkeypatch.setenv("LANGUAGE", "en_US:es")
        assert cli(home, "report", "--month", "Sept") == 2
        assert "is not YYYY-MM" in capsys.readouterr().err
        # --language beats the locale; exports keep their codes in any language.
        assert cli(home, "--language", "en", "report", "--month", "2026-09", "--format", "csv") == 0
        assert capsys.readouterr().out.startswith("district,incidents,")
        monkeypatch.setenv("LANGUAGE", "es")
        assert cli(home, "export", "incidents") == 0
        assert capsys.readouterr().out.lstrip("\ufeff").startswith("id,")
    finally:
        i18n.set_language("en")


def test_environment_language_reads_the_locale_as_gettext_does() -> None:
    from cvi_desktop.i18n import environment_language

    assert environment_language({}) == "en"
    assert environment_language({"LANG": "C.UTF-8"}) == "en"
    assert environment_language({"LANG": "es_MX.UTF-8"}) == "es"
    assert environment_language({"LANG": "es_MX.UTF-8", "LC_ALL": "en_US.UTF-8"}) == "en"
    assert environment_language({"LC_MESSAGES": "es_US", "LANG": "en_US"}) == "es"
    assert environment_language({"LANGUAGE": "es:en", "LC_ALL": "en_US"}) == "es"
    assert environment_language({"LANG": "fr_FR.UTF-8"}) == "en"
