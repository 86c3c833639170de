"""The monthly review's one calculation (`cvi_desktop.monthly`), through the laptop's path on a
real encrypted store and directly on the records the hub receives, and its tables and text."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest

from cvi_desktop import monthly, queries, report
from cvi_desktop.clock import ManualClock
from cvi_desktop.errors import ValidationError
from cvi_desktop.monthly import Ratio, percentile
from cvi_desktop.services import casework, incidents, responses, reviews
from cvi_desktop.store import Store


def _incident(store: Store, district: str, occurred: str, received: str | None, **extra: Any) -> str:
    data = {"source": "cpd", "incident_type": "nonfatal_shooting", "district": district,
            "occurred_at": occurred, "victims_nonfatal": 1, "victims_total": 1, **extra}
    if received is not None:
        data["org_received_at"] = received
    themes = data.pop("themes", ())
    return incidents.record_incident(store, data, themes=themes)


def _act(store: Store, incident_id: str, kind: str, started: str, **extra: Any) -> str:
    return responses.log_action(
        store, {"incident_id": incident_id, "action_type": kind, "started_at": started, **extra})


@pytest.fixture
def month_of_records(store: Store, clock: ManualClock) -> dict[str, str]:
    """November 2026 in two districts and one October incident (for the change and trend),
    reviewed on 1 December."""
    clock.now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    ids = {}
    ids["a"] = _incident(store, "011", "2026-11-02T14:00:00+00:00", "2026-11-02T14:10:00+00:00",
                         themes=["retaliation_concern", "youth_involved"])
    ids["b"] = _incident(store, "011", "2026-11-03T10:00:00+00:00", "2026-11-03T10:30:00+00:00",
                         themes=["retaliation_concern"])
    ids["c"] = _incident(store, "011", "2026-11-10T20:00:00+00:00", "2026-11-10T20:20:00+00:00")
    ids["d"] = _incident(store, "007", "2026-11-15T08:00:00+00:00", "2026-11-15T09:00:00+00:00",
                         incident_type="fatal_shooting", victims_fatal=1, victims_nonfatal=0)
    # 23:30 on Oct 31 in Chicago belongs to October, though it is November in UTC.
    ids["oct"] = _incident(store, "004", "2026-11-01T04:30:00+00:00", "2026-11-01T04:40:00+00:00")
    _act(store, ids["a"], "scene", "2026-11-02T14:40:00+00:00")
    _act(store, ids["a"], "canvass_rumor_control", "2026-11-02T14:20:00+00:00")  # not a first contact
    _act(store, ids["a"], "mediation", "2026-11-03T18:00:00+00:00", mediation_result="resolved")
    _act(store, ids["b"], "hospital", "2026-11-03T11:00:00+00:00", outcome="not_located")  # no contact
    _act(store, ids["b"], "hospital", "2026-11-03T11:30:00+00:00")
    _act(store, ids["b"], "mediation", "2026-11-04T18:00:00+00:00", mediation_result="ongoing")
    _act(store, ids["c"], "scene", "2026-11-10T21:00:00+00:00", outcome="unable_police_restriction")
    _act(store, ids["d"], "family_engagement", "2026-11-15T10:00:00+00:00")
    _act(store, ids["oct"], "scene", "2026-11-01T05:00:00+00:00")
    casework.add_referral(store, {"incident_id": ids["a"], "category": "employment", "status": "connected"})
    casework.add_referral(store, {"incident_id": ids["a"], "category": "mental_health"})
    casework.add_referral(store, {"incident_id": ids["d"], "category": "funeral", "status": "connected"})
    on_time = casework.schedule_followup(
        store, {"incident_id": ids["a"], "due_at": "2026-11-05T18:00:00+00:00", "kind": "call"})
    late = casework.schedule_followup(
        store, {"incident_id": ids["b"], "due_at": "2026-11-06T18:00:00+00:00", "kind": "visit"})
    casework.schedule_followup(store, {"incident_id": ids["d"], "due_at": "2026-11-20T18:00:00+00:00",
                                       "kind": "call"})  # open, and overdue by 1 December
    casework.schedule_followup(store, {"incident_id": ids["d"], "due_at": "2026-12-20T18:00:00+00:00",
                                       "kind": "call"})  # open, not yet due
    casework.complete_followup(store, on_time, result="Called.", done_at="2026-11-05T17:00:00+00:00")
    casework.complete_followup(store, late, result="Visited.", done_at="2026-11-08T17:00:00+00:00")
    return ids


def test_figures_for_a_month(store: Store, month_of_records: dict[str, str]) -> None:
    review = queries.monthly_review(store, "2026-11")
    assert review.as_of == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert list(review.districts) == ["004", "007", "011"]  # 004: seen in the window, none this month
    assert review.districts["004"].incidents == 0
    d11, total = review.districts["011"], review.total
    assert (d11.incidents, d11.notified, d11.covered) == (3, 3, 2)
    assert d11.coverage.text() == "2 of 3"  # a base under 5 is never a percentage
    # Nearest-rank: of 10, 20, 30 the median is 20 and the 90th percentile 30 (a real time).
    assert (d11.notification.p50, d11.notification.p90) == (pytest.approx(20), pytest.approx(30))
    # a: scene 30 min after receipt (canvass does not count); b: the hospital visit that found
    # them (60 min), not the attempt at 30 min that did not; c: no contact.
    assert d11.response.values == (pytest.approx(30), pytest.approx(60))
    assert d11.no_response == {"unable_police_restriction": 1}
    assert (total.incidents, total.covered, total.victims, total.fatal) == (4, 3, 4, 1)
    assert total.by_type == {"nonfatal_shooting": 3, "fatal_shooting": 1}
    assert total.actions_by_type["hospital"] == 2 and total.actions_by_type["mediation"] == 2
    assert total.outcomes["not_located"] == 1 and total.outcomes["completed"] == 6
    assert (total.mediations, total.defused.text()) == (2, "1 of 2")
    assert total.referrals == {"employment": (1, 1), "mental_health": (1, 0), "funeral": (1, 1)}
    assert (total.referrals_connected.text(), total.placements) == ("2 of 3", 1)
    fu = total.followups
    assert (fu.scheduled, fu.on_time, fu.late, fu.open_overdue, fu.open_not_due, fu.undetailed) == (
        4, 1, 1, 1, 1, 0)
    assert total.themes == {"retaliation_concern": 2, "youth_involved": 1}
    # The trend: six months ending with November; October has the one 004 incident.
    assert [m for m, _f in review.trend] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert [f.incidents for _m, f in review.trend] == [0, 0, 0, 0, 1, 4]
    change = {c.label: c for c in review.changes()}
    assert (change["incidents"].current, change["incidents"].previous, change["incidents"].delta) == (4, 1, 3)
    # 3 of 4 against 1 of 1: bases under 5 give no percentage, so no change of one either.
    assert change["coverage_pct"].current is None and change["coverage_pct"].delta is None
    with pytest.raises(ValidationError):
        queries.monthly_review(store, "2026-13")


def _hub_records(store: Store) -> list[dict[str, Any]]:
    """What the hub holds for this organisation, rebuilt as the hub would feed the function: the
    latest CPD response record of each incident (frozen on approval, exactly as sent) with the
    organisation's own follow-up records' due and done times in place of CPD's counts."""
    latest: dict[str, dict[str, Any]] = {}
    followups: dict[str, dict[str, Any]] = {}
    for row in store.rows("SELECT audience, kind, record_id, version, payload FROM outbox ORDER BY seq"):
        data = json.loads(row["payload"])["data"]
        if row["audience"] == "cpd" and row["kind"] == "response_record":
            latest[row["record_id"]] = data
        elif row["audience"] == "org" and row["kind"] == "followup":
            followups[row["record_id"]] = data  # later versions replace earlier ones
    records = []
    for incident_id, data in latest.items():
        mine = sorted((f for f in followups.values() if f["incident_id"] == incident_id),
                      key=lambda f: (f["due_at"], f["id"]))
        records.append({**data, "org_id": "org-1",
                        "followups": [{"due_at": f["due_at"], "done_at": f["done_at"]} for f in mine]})
    return records


def test_laptop_path_and_hub_path_give_identical_figures(store: Store, month_of_records: dict[str, str]):
    for incident_id in month_of_records.values():
        reviews.review(store, {"incident_id": incident_id, "state": "approved"})
    laptop = queries.monthly_review(store, "2026-11")
    hub_records = _hub_records(store)
    assert len(hub_records) == 5
    hub = monthly.monthly_review(hub_records, "2026-11", as_of=store.now())
    assert hub.total == laptop.total
    assert hub.districts == laptop.districts
    assert hub.trend == laptop.trend
    assert hub.orgs == {"org-1": laptop.total}  # the hub's records name their organisation
    # The same tables, bar the hub's extra one per organisation.
    assert {k: v for k, v in report.tables(hub).items() if k != "organisations"} == report.tables(laptop)
    # CPD's own record (follow-up counts only) gives the same figures, follow-ups undetailed.
    cpd_only = [{**r, "followups": None} for r in hub_records]
    for record, data in zip(cpd_only, _cpd_followup_counts(store), strict=True):
        record["followups"] = data
    cpd = monthly.monthly_review(cpd_only, "2026-11", as_of=store.now())
    assert cpd.total.response == laptop.total.response and cpd.total.coverage == laptop.total.coverage
    assert (cpd.total.followups.on_time, cpd.total.followups.undetailed) == (1, 3)
    assert cpd.sources == frozenset({"aggregate"}) and laptop.sources == frozenset({"detail"})


def _cpd_followup_counts(store: Store) -> list[dict[str, int]]:
    latest: dict[str, dict[str, int]] = {}
    for row in store.rows("SELECT record_id, payload FROM outbox WHERE audience = 'cpd' "
                          "AND kind = 'response_record' ORDER BY seq"):
        latest[row["record_id"]] = json.loads(row["payload"])["data"]["followups"]
    return list(latest.values())


def test_nothing_private_or_internal_reaches_the_calculation(store: Store, month_of_records: dict[str, str]):
    """The laptop reads only what the allowlist lets out and the calculation needs: never the
    block, coordinates, assignee, risk basis or a follow-up's result."""
    from cvi_desktop import sharing

    cpd_incident = set(sharing.cpd_incident_fields(sharing.Agreement()))
    records = queries.review_records(store, "2026-11")
    assert len(records) == 5
    for record in records:
        assert set(record) == {"incident", "actions", "referrals", "themes", "followups"}
        assert set(record["incident"]) == set(monthly.READS["incident"]) <= cpd_incident
        assert all(set(a) == set(monthly.READS["actions"]) <= set(sharing.ACTION_S)
                   for a in record["actions"])
        assert all(set(r) == set(monthly.READS["referrals"]) <= set(sharing.REFERRAL_S)
                   for r in record["referrals"])
        assert all(set(f) == {"due_at", "done_at", "cancelled_at"} for f in record["followups"])
        # The same values the CPD record of the incident carries, field for field.
        of = [record["incident"]["id"]]
        full = sharing.response_record(
            store.one("SELECT * FROM incidents WHERE id = ?", of),
            store.rows("SELECT * FROM response_actions WHERE incident_id = ?", of), [], [],
            [t["tag"] for t in store.rows("SELECT tag FROM incident_themes WHERE incident_id = ?", of)],
            sharing.Agreement())
        assert record["incident"] == {k: full["incident"][k] for k in record["incident"]}
        assert record["themes"] == full["themes"]
        key = lambda a: (a["started_at"], a["action_type"])  # noqa: E731
        assert sorted(record["actions"], key=key) == sorted(
            ({k: a[k] for k in monthly.READS["actions"]} for a in full["actions"]), key=key)


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0  # rank ceil(2) = 2
    assert percentile([1.0, 2.0, 3.0, 4.0], 90) == 4.0  # rank ceil(3.6) = 4
    assert percentile(list(map(float, range(1, 11))), 90) == 9.0  # rank 9 of 10
    assert percentile([5.0, 1.0, 3.0], 0) == 1.0


def test_small_bases_are_counts_not_percentages() -> None:
    assert Ratio(0, 0).text() == "–"
    assert Ratio(2, 3).text() == "2 of 3"
    assert Ratio(4, 4).text() == "4 of 4"
    assert Ratio(3, 5).text() == "60% (3 of 5)"
    assert report.pct(Ratio(2, 3)) == "" and report.pct(Ratio(3, 5)) == "60"


def test_direct_records_edge_cases() -> None:
    """Records straight from the hub: `Z` times, missing optional keys, a negative span."""
    records = [
        {"incident": {"id": "x1", "occurred_at": "2026-03-10T15:00:00Z", "district": "006",
                      "org_received_at": "2026-03-10T14:50:00Z"},  # received "before" it occurred
         "actions": [{"action_type": "scene", "started_at": "2026-03-10T15:30:00Z"}]},
        {"incident": {"id": "x2", "occurred_at": "2026-03-11T15:00:00Z", "district": "006"}},
        {"incident": {"id": "x3", "occurred_at": "2025-01-11T15:00:00Z", "district": "009"}},  # outside
    ]
    review = monthly.monthly_review(records, "2026-03", as_of=datetime(2026, 4, 1, tzinfo=UTC))
    f = review.districts["006"]
    assert (f.incidents, f.notified, f.covered) == (2, 1, 1)
    assert f.notification.n == 0 and f.notification.excluded == 1
    assert f.response.values == (40.0,)
    assert f.no_response == {monthly.NO_ATTEMPT: 1}
    assert list(review.districts) == ["006"]
    assert review.orgs == {}  # no org_id: one organisation's own review
    # The hub's records name their organisations: figures per organisation too.
    tagged = [{**records[0], "org_id": "org-b"}, {**records[1], "org_id": "org-a"}]
    by_org = monthly.monthly_review(tagged, "2026-03", as_of=datetime(2026, 4, 1, tzinfo=UTC)).orgs
    assert list(by_org) == ["org-a", "org-b"]
    assert (by_org["org-a"].covered, by_org["org-b"].covered) == (0, 1)
    empty = monthly.monthly_review([], "2026-03", as_of=datetime(2026, 4, 1, tzinfo=UTC))
    assert empty.total.incidents == 0 and empty.districts == {} and len(empty.trend) == 6
    assert "No incidents occurred in this month." in report.review_text(empty)


def test_tables_csv_zip_and_text(store: Store, month_of_records: dict[str, str]) -> None:
    review = queries.monthly_review(store, "2026-11")
    made = report.tables(review)
    assert tuple(made) == report.TABLE_NAMES
    districts = list(csv.reader(io.StringIO(made["districts"].csv())))
    assert districts[0] == list(report.DISTRICT_HEADER)
    # 011: 3 incidents, coverage under the small base -> no percentage; p50 20, p90 30; 30/60.
    assert districts[3] == ["011", "3", "3", "2", "", "3", "20", "30", "2", "30", "60", "2", "1", "2", "1"]
    assert districts[1][:5] == ["004", "0", "0", "0", ""]
    assert districts[-1][:5] == ["all", "4", "4", "3", ""]
    assert report.as_csv(store, "2026-11") == made["districts"].csv()
    assert report.as_csv(store, "2026-11", "followups").splitlines()[1:4] == [
        "scheduled,4", "on_time,1", "late,1"]
    with zipfile.ZipFile(io.BytesIO(report.as_zip(review))) as archive:
        names = archive.namelist()
        assert names == [f"monthly-review-2026-11/{n}.csv" for n in report.TABLE_NAMES]
        assert archive.read("monthly-review-2026-11/trend.csv").decode().splitlines()[-1] == (
            "2026-11,4,3,,20,60,2,2")  # 4 incidents: too few for a percentage
    assert report.as_zip(review) == report.as_zip(review)  # the same review, the same bytes
    text = report.as_text(store, "2026-11")
    assert re.search(r"^004 +0 +No incidents$", text, re.M)
    assert "Mediations: 2 held; resolved (cases defused): 1 of 2." in text
    assert "Why there was no response: Unable: police restriction 1." in text
    assert "employment and training placements: 1." in text
