"""A correction of a self-found incident reaches the organisation through the real hub (issue 8,
point 4); a CPD-routed incident's facts stay CPD's and are not sent from the laptop."""

from __future__ import annotations

import json

from cvi_desktop import outbox
from cvi_desktop.services import incidents
from tests.sync import helpers as h
from tests.sync import latest


def test_correction_of_a_self_found_incident_reaches_the_hub(device, hub, team, proxy) -> None:
    incident = h.new_incident(device.store)
    h.drain(device)
    version = incidents.correct_incident(device.store, incident, {"victims_nonfatal": 2, "victims_total": 2},
                                         base_version=1, reason="a second victim")
    h.drain(device)
    on_hub = max((r for r in h.hub_rows(hub.db, team.org) if r["id"] == incident), key=lambda r: r["version"])
    assert on_hub["version"] == version == 2 and on_hub["base_version"] == 1
    assert json.loads(on_hub["data"])["victims_nonfatal"] == 2
    latest.check_i1_latest(device.store, hub.db, team.org)
    h.check_all(device, hub, team, proxy)


def test_local_correction_of_a_cpd_incident_is_not_sent(device, hub, team, proxy) -> None:
    incident = h.notify(hub.url, hub.cpd)
    assert device.sync().ok
    before = outbox.counts(device.store)
    incidents.correct_incident(device.store, incident, {"beat": "1132"}, base_version=1)
    assert outbox.counts(device.store) == before
    assert device.sync().ok
    assert all(r["origin"] == "hub" for r in h.hub_rows(hub.db, team.org) if r["id"] == incident)


def test_a_record_under_a_cpd_incident_typed_in_by_hand_is_taken_by_the_hub(device, hub, team, proxy) -> None:
    # The hub takes a record only under an incident it knows for this organisation, so an
    # incident from elsewhere (typed in by hand; city data is the same rule) is queued just
    # before the first record under it — and not before: nothing was done about it yet.
    from cvi_desktop.services import responses

    incident = incidents.record_incident(device.store, {
        "source": "cpd", "incident_type": "nonfatal_shooting", "occurred_at": "2026-11-01T17:00:00+00:00",
        "district": "011", "beat": "1131", "victims_total": 1, "victims_nonfatal": 1})
    assert outbox.record_state(device.store, "incident", incident) is None
    action = responses.log_action(device.store, {"incident_id": incident, "action_type": "hospital",
                                                 "started_at": "2026-11-01T17:30:00+00:00"})
    h.drain(device)
    assert outbox.counts(device.store)["quarantined"] == 0
    on_hub = {r["id"]: r for r in h.hub_rows(hub.db, team.org)}
    assert on_hub[incident]["kind"] == "incident" and on_hub[action]["kind"] == "response_action"
    latest.check_i1_latest(device.store, hub.db, team.org)
