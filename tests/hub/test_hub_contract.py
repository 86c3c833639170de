"""The committed OpenAPI file is current, and the protocol models match the sharing allowlist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cvi_desktop import sharing
from sync import protocol
from sync.hub.app import create_app

pytestmark = pytest.mark.timeout(30)

OPENAPI = Path(__file__).resolve().parents[2] / "sync" / "openapi.json"


def test_committed_openapi_is_current(tmp_path):
    # Engine-free: the OpenAPI document does not depend on where the hub keeps its data.
    app = create_app(tmp_path / "hub.sqlite3")
    try:
        current = app.openapi()
    finally:
        app.state.db.close()
    committed = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(current)), "run: cvi-hub openapi --write sync/openapi.json"


def fields(model) -> set[str]:
    return set(model.model_fields)


def test_data_models_are_exactly_the_allowlist():
    agreed = sharing.Agreement(share_block=True)
    incident_s = sharing.INCIDENT_S + sharing.INCIDENT_S_IF_AGREED
    assert fields(protocol.OrgIncident) == set(incident_s + sharing.INCIDENT_O)
    assert fields(protocol.CpdIncident) == set(incident_s)
    assert fields(protocol.IncidentS) == set(sharing.INCIDENT_S)
    assert fields(protocol.OrgAction) == set(sharing.ACTION_S + sharing.ACTION_O)
    assert fields(protocol.ActionS) == set(sharing.ACTION_S)
    assert fields(protocol.OrgReferral) == set(sharing.REFERRAL_S + sharing.REFERRAL_O)
    assert fields(protocol.ReferralS) == set(sharing.REFERRAL_S)
    assert fields(protocol.OrgFollowup) == set(sharing.FOLLOWUP_O)
    assert fields(protocol.OrgReview) == set(sharing.REVIEW_O)
    sample = sharing.response_record({}, [{}], [{}], [{}], ["x"], agreed)
    assert fields(protocol.ResponseRecordData) == set(sample)


def test_hub_imports_neither_requests_nor_qt():
    import subprocess
    import sys

    code = (
        "import sys, sync.hub.server, sync.hub.cli, sync.protocol; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('requests', 'PySide6', 'ui')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
