"""The incident list, search and the monthly review on hand-made data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cvi_desktop import queries
from cvi_desktop.errors import ValidationError
from cvi_desktop.queries import IncidentFilter
from cvi_desktop.services import incidents, people, responses
from cvi_desktop.store import Store


def _incident(store: Store, district: str, occurred: str, received: str, **extra: object) -> str:
    return incidents.record_incident(
        store,
        {
            "source": "cpd",
            "incident_type": "nonfatal_shooting",
            "district": district,
            "occurred_at": occurred,
            "org_received_at": received,
            "victims_nonfatal": 1,
            **extra,
        },
    )


def test_monthly_review_figures(store: Store) -> None:
    a = _incident(store, "011", "2026-11-02T14:00:00+00:00", "2026-11-02T14:10:00+00:00")
    b = _incident(store, "011", "2026-11-03T10:00:00+00:00", "2026-11-03T10:30:00+00:00")
    _incident(store, "011", "2026-11-10T20:00:00+00:00", "2026-11-10T20:20:00+00:00")  # no response
    d = _incident(store, "007", "2026-11-15T08:00:00+00:00", "2026-11-15T09:00:00+00:00")
    # 23:30 on Oct 31 in Chicago belongs to October, though it is November in UTC
    _incident(store, "011", "2026-11-01T04:30:00+00:00", "2026-11-01T04:40:00+00:00")
    for incident_id, started, kind in (
        (a, "2026-11-02T14:40:00+00:00", "scene"),
        (a, "2026-11-02T14:20:00+00:00", "canvass_rumor_control"),
        (b, "2026-11-03T11:30:00+00:00", "hospital"),
        (b, "2026-11-03T12:30:00+00:00", "family_engagement"),
        (d, "2026-11-15T10:00:00+00:00", "family_engagement"),
    ):
        responses.log_action(store, {"incident_id": incident_id, "action_type": kind, "started_at": started})
    review = queries.monthly_review(store, "2026-11")
    # 011 is listed: it had the October incident, within the six months the review reads.
    rows = review.districts
    assert set(rows) == {"007", "011"}
    r11 = rows["011"]
    assert (r11.incidents, r11.covered) == (3, 2)
    assert r11.coverage.share == pytest.approx(2 / 3)
    assert r11.notification.p50 == pytest.approx(20)  # 10, 20, 30, nearest-rank
    assert r11.notification.p90 == pytest.approx(30)
    assert r11.response.values == (pytest.approx(30), pytest.approx(60))  # scene 30 (canvass does not count)
    assert rows["007"].response.p90 == pytest.approx(60)
    assert [f.incidents for f in queries.monthly_review(store, "2026-10").districts.values()] == [1]
    with pytest.raises(ValidationError):
        queries.monthly_review(store, "2026-13")


def test_page_filter_sort_and_search(store: Store) -> None:
    people.add_staff(store, {"id": "w1", "display_name": "W"})
    ids = [
        _incident(
            store,
            "011" if n % 2 else "007",
            f"2026-11-{n + 1:02d}T10:00:00+00:00",
            f"2026-11-{n + 1:02d}T10:30:00+00:00",
            rd_number=f"JC{n:06d}",
        )
        for n in range(12)
    ]
    incidents.assign(store, ids[3], "w1")
    newest_first = queries.incident_page(store, IncidentFilter(), limit=5)
    assert [r["id"] for r in newest_first] == ids[::-1][:5]
    second = queries.incident_page(store, IncidentFilter(), offset=5, limit=5)
    assert [r["id"] for r in second] == ids[::-1][5:10]
    only_011 = IncidentFilter(districts=("011",), descending=False)
    assert [r["id"] for r in queries.incident_page(store, only_011)] == ids[1::2]
    assert queries.incident_count(store, only_011) == 6
    assert [r["id"] for r in queries.incident_page(store, IncidentFilter(assignee="w1"))] == [ids[3]]
    window = IncidentFilter(
        received_from=datetime(2026, 11, 3, tzinfo=UTC), received_to=datetime(2026, 11, 5, tzinfo=UTC)
    )
    assert queries.incident_count(store, window) == 2
    assert [r["id"] for r in queries.search(store, "JC000007")] == [ids[7]]
    people.add_note(store, {"incident_id": ids[9], "body": "Grandmother asked about relocation"})
    assert [r["id"] for r in queries.search(store, "relocat")] == [ids[9]]
    assert queries.search(store, 'grandmother" OR "*') == []  # FTS syntax in input is harmless
    with pytest.raises(ValidationError) as caught:
        queries.incident_page(store, IncidentFilter(sort="latitude"))
    assert caught.value.field == "sort"


def test_percentile() -> None:
    assert queries.percentile([], 50) is None
    assert queries.percentile([5.0], 90) == 5.0
    assert queries.percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
