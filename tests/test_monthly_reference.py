"""`monthly.monthly_review` against a straightforward reference, on randomised records.

The calculation digests each record once into a `monthly.Row` and adds every group up from the
rows (for speed at 100,000 incidents). `reference_review` below is the calculation as it was
before that: records bucketed by month, then one plain loop over each group's records. The two
must agree on every figure, and on the order of every count (the tables and the PDF list them
in that order), so the reviews are compared by their `repr` as well as by equality.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvi_desktop import monthly, queries
from cvi_desktop.monthly import (
    _CONNECTED,
    _MEDIATION,
    _NO_RESPONSE,
    _UNKNOWN_RESULT,
    NO_ATTEMPT,
    QUALIFYING,
    Figures,
    FollowupTimeliness,
    Latency,
    MonthlyReview,
    month_bounds,
    trailing_months,
)
from cvi_desktop.store import Store
from tests.test_monthly import month_of_records  # noqa: F401 - the fixture, shared

MONTH = "2026-03"
AS_OF = datetime(2026, 3, 20, 12, tzinfo=UTC)
FIRST, END = monthly.window(MONTH)


# --- the reference: one loop per group, every instant parsed where it is read -----------------


def _ref_instant(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text.replace("z", "Z").replace(" ", "T", 1))


def _ref_minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def reference_review(records: Sequence[Mapping[str, Any]], month: str, *, as_of: datetime,
                     trend_months: int = monthly.TREND_MONTHS) -> MonthlyReview:
    """The review as the plain per-group loop computes it."""
    months = trailing_months(month, trend_months)
    starts = [month_bounds(m)[0] for m in months]
    end = month_bounds(month)[1]
    by_month: list[list[Mapping[str, Any]]] = [[] for _ in months]
    for record in records:
        occurred = _ref_instant(record["incident"]["occurred_at"])
        if occurred is None or occurred < starts[0] or occurred >= end:
            continue
        by_month[bisect.bisect_right(starts, occurred) - 1].append(record)
    current = by_month[-1]
    districts: dict[str, list[Mapping[str, Any]]] = {
        str(r["incident"]["district"]): [] for group in by_month for r in group
    }
    orgs: dict[str, list[Mapping[str, Any]]] = {}
    for record in current:
        districts.setdefault(str(record["incident"]["district"]), []).append(record)
        if record.get("org_id") is not None:
            orgs.setdefault(str(record["org_id"]), []).append(record)
    sources = frozenset(
        "detail" if isinstance(r.get("followups"), list) else "aggregate"
        for r in current if r.get("followups")
    )
    trend = tuple((m, _ref_figures(group, as_of)) for m, group in zip(months, by_month, strict=True))
    return MonthlyReview(
        month=month, as_of=as_of, total=trend[-1][1],
        districts={d: _ref_figures(districts[d], as_of) for d in sorted(districts)},
        orgs={o: _ref_figures(orgs[o], as_of) for o in sorted(orgs)},
        trend=trend, sources=sources,
    )


def _ref_figures(records: Sequence[Mapping[str, Any]], as_of: datetime) -> Figures:
    notify: list[float] = []
    respond: list[float] = []
    bad_notify = bad_respond = covered = notified = victims = fatal = mediations = 0
    by_type: Counter[str] = Counter()
    actions_by_type: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    no_response: Counter[str] = Counter()
    mediation_results: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    made: Counter[str] = Counter()
    connected: Counter[str] = Counter()
    timely: Counter[str] = Counter()
    for record in records:
        incident = record["incident"]
        by_type[str(incident.get("incident_type") or "other")] += 1
        victims += int(incident.get("victims_total") or 0)
        fatal += int(incident.get("victims_fatal") or 0)
        occurred = _ref_instant(incident["occurred_at"])
        assert occurred is not None
        received = _ref_instant(incident.get("org_received_at"))
        if received is not None:
            notified += 1
            span = _ref_minutes(received, occurred)
            if span >= 0:
                notify.append(span)
            else:
                bad_notify += 1
        first_contact: datetime | None = None
        last_attempt: tuple[datetime, str] | None = None
        for action in record.get("actions") or ():
            kind = str(action.get("action_type"))
            outcome = action.get("outcome")
            actions_by_type[kind] += 1
            if outcome:
                outcomes[str(outcome)] += 1
            if kind == _MEDIATION:
                mediations += 1
                mediation_results[str(action.get("mediation_result") or _UNKNOWN_RESULT)] += 1
            if kind in QUALIFYING:
                started = _ref_instant(action.get("started_at"))
                if started is None:
                    continue
                if outcome in _NO_RESPONSE:
                    attempt = (started, str(outcome))
                    if last_attempt is None or attempt > last_attempt:
                        last_attempt = attempt
                elif first_contact is None or started < first_contact:
                    first_contact = started
        if first_contact is not None:
            covered += 1
            if received is not None:
                span = _ref_minutes(first_contact, received)
                if span >= 0:
                    respond.append(span)
                else:
                    bad_respond += 1
        else:
            no_response[last_attempt[1] if last_attempt else NO_ATTEMPT] += 1
        for referral in record.get("referrals") or ():
            category = str(referral.get("category") or "other")
            made[category] += 1
            if referral.get("status") == _CONNECTED:
                connected[category] += 1
        for tag in set(record.get("themes") or ()):
            themes[str(tag)] += 1
        _ref_followups(record.get("followups"), as_of, timely)
    return Figures(
        incidents=len(records), notified=notified, victims=victims, fatal=fatal,
        by_type=dict(by_type.most_common()),
        notification=Latency(tuple(sorted(notify)), bad_notify),
        response=Latency(tuple(sorted(respond)), bad_respond),
        covered=covered,
        actions_by_type=dict(actions_by_type.most_common()),
        outcomes=dict(outcomes.most_common()),
        no_response=dict(no_response.most_common()),
        mediations=mediations,
        mediation_results=dict(mediation_results.most_common()),
        referrals={c: (made[c], connected[c]) for c, _n in made.most_common()},
        followups=FollowupTimeliness(**timely),
        themes=dict(themes.most_common()),
    )


def _ref_followups(followups: object, as_of: datetime, into: Counter[str]) -> None:
    if not followups:
        return
    if isinstance(followups, Mapping):
        scheduled = int(followups.get("scheduled") or 0)
        on_time = min(int(followups.get("done_on_time") or 0), scheduled)
        into["scheduled"] += scheduled
        into["on_time"] += on_time
        into["undetailed"] += scheduled - on_time
        return
    for followup in followups:  # type: ignore[attr-defined]
        if followup.get("cancelled_at"):
            continue
        due = _ref_instant(followup.get("due_at"))
        done = _ref_instant(followup.get("done_at"))
        into["scheduled"] += 1
        if done is not None:
            into["on_time" if due is None or done <= due else "late"] += 1
        elif due is not None and due < as_of:
            into["open_overdue"] += 1
        else:
            into["open_not_due"] += 1


# --- randomised records -----------------------------------------------------------------------

# Instants from a month before the window to a month after it, to the second (so ties happen),
# written every way a record may carry one: the stored form, "Z", another offset, a space for
# the "T", an aware datetime; or absent.
_SPAN_S = int((END - FIRST).total_seconds()) + 60 * 86400
_moment = st.integers(0, _SPAN_S).map(lambda s: FIRST - timedelta(days=30) + timedelta(seconds=s))


def _written(moment: datetime, how: int) -> object:
    if how == 0:
        return moment.isoformat(timespec="microseconds")  # the stored form, +00:00
    if how == 1:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if how == 2:
        return moment.astimezone(timezone(timedelta(hours=-5))).isoformat()
    if how == 3:
        return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")
    return moment


_instant_text = st.builds(_written, _moment, st.integers(0, 4))
# `AS_OF` itself now and then: a follow-up due exactly then is not yet overdue.
_maybe_instant = st.one_of(st.none(), st.just(""), _instant_text, st.just(AS_OF.isoformat()))
_code = st.sampled_from
_action = st.fixed_dictionaries(
    {
        "action_type": _code(["scene", "hospital", "family_engagement", "mediation", "phone_call"]),
        "started_at": _maybe_instant,
    },
    optional={
        "outcome": _code([None, "", "completed", *monthly.NO_RESPONSE_REASONS]),
        "mediation_result": _code([None, "resolved", "partial", "unknown"]),
    },
)
_referral = st.fixed_dictionaries(
    {}, optional={"category": _code([None, "employment", "education", "housing"]),
                  "status": _code(["made", "connected", "declined"])})
_followup = st.fixed_dictionaries(
    {"due_at": _maybe_instant, "done_at": _maybe_instant},
    optional={"cancelled_at": _code([None, "", "2026-03-05T10:00:00+00:00"])},
)
_followups = st.one_of(
    st.none(),
    st.lists(_followup, max_size=3),
    st.fixed_dictionaries({}, optional={"scheduled": st.integers(0, 4), "done_on_time": st.integers(0, 5)}),
)


@st.composite
def _record(draw: st.DrawFn) -> dict[str, Any]:
    occurred = draw(_moment)
    incident: dict[str, Any] = {
        "id": draw(st.uuids()).hex,
        "occurred_at": _written(occurred, draw(st.integers(0, 4))),
        "district": draw(_code(["001", "006", "011", "025"])),
    }
    if draw(st.booleans()):
        # Mostly after it occurred, sometimes before (a clock error: an excluded span).
        incident["org_received_at"] = _written(
            occurred + timedelta(minutes=draw(st.integers(-30, 600))), draw(st.integers(0, 4)))
    for name, values in (("incident_type", [None, "", "fatal_shooting", "nonfatal_shooting"]),
                         ("victims_total", [None, 0, 1, 3]), ("victims_fatal", [None, 0, 1])):
        if draw(st.booleans()):
            incident[name] = draw(_code(values))
    record: dict[str, Any] = {"incident": incident}
    if draw(st.booleans()):
        record["org_id"] = draw(_code(["org-a", "org-b", "org-c"]))
    if draw(st.booleans()):
        record["actions"] = draw(st.lists(_action, max_size=4))
    if draw(st.booleans()):
        record["referrals"] = draw(st.lists(_referral, max_size=3))
    if draw(st.booleans()):
        record["themes"] = draw(st.lists(_code(["retaliation_concern", "group_conflict", "domestic"]),
                                         max_size=4))
    record["followups"] = draw(_followups)
    return record


def _assert_same(records: list[dict[str, Any]], month: str, trend_months: int) -> None:
    got = monthly.monthly_review(records, month, as_of=AS_OF, trend_months=trend_months)
    want = reference_review(records, month, as_of=AS_OF, trend_months=trend_months)
    assert got == want
    assert repr(got) == repr(want)  # the order of every count too


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record(), max_size=40), st.sampled_from([1, 2, 6]))
def test_optimised_review_agrees_with_the_reference(records: list[dict[str, Any]], trend_months: int) -> None:
    _assert_same(records, MONTH, trend_months)


@settings(max_examples=40, deadline=None)
@given(st.lists(_record(), max_size=25))
def test_rows_kept_across_reviews_give_the_same_review(records: list[dict[str, Any]]) -> None:
    """Rows digested once (as the hub keeps them) review every month as the records would."""
    rows = [row for r in records if (row := monthly.digest(r)) is not None]
    for month in ("2026-02", MONTH):
        assert repr(monthly.review_rows(rows, month, as_of=AS_OF)) == repr(
            reference_review(records, month, as_of=AS_OF))


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.lists(_record(), min_size=120, max_size=160))
def test_a_large_random_window_agrees_with_the_reference(records: list[dict[str, Any]]) -> None:
    """Many records per group, so ties in the counts' order are certain to be exercised."""
    _assert_same(records, MONTH, monthly.TREND_MONTHS)


def test_the_laptop_reads_each_incidents_actions_in_the_cpd_records_order(
    store: Store, month_of_records: dict[str, str]  # noqa: F811 - the fixture
) -> None:
    """`review_records` reads actions from `actions_review` (m007), which lists an incident's
    actions by start, then id: the order `sharing.response_record` gives the hub, so both count
    codes in the same order. The plan names the index, so no other is used."""
    records = queries.review_records(store, "2026-11")
    assert sum(len(r["actions"]) for r in records) == 9
    for record in records:
        starts = [a["started_at"] for a in record["actions"]]
        assert starts == sorted(starts)
    plan = store.rows("EXPLAIN QUERY PLAN SELECT x.action_type"
                      " FROM response_actions x INDEXED BY actions_review"
                      " JOIN incidents i INDEXED BY incidents_window ON i.id = x.incident_id"
                      " WHERE i.occurred_at >= ? AND i.occurred_at < ?", ["2026-06", "2026-12"])
    details = " ".join(str(p["detail"]) for p in plan)
    assert "COVERING INDEX actions_review" in details and "COVERING INDEX incidents_window" in details


@settings(max_examples=60, deadline=None)
@given(st.lists(_record(), max_size=60))
def test_counting_by_kind_and_code_by_code_agree(records: list[dict[str, Any]]) -> None:
    """The two ways `_count_codes` counts (chosen by how alike the rows are) give the same
    counts, in the same order."""
    rows = [row for r in records if (row := monthly.digest(r)) is not None]
    by_kind = monthly._count_codes(rows, by_kind=True)
    straight = monthly._count_codes(rows, by_kind=False)
    assert [list(c.items()) for c in by_kind.values()] == [list(c.items()) for c in straight.values()]
