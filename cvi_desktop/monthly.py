"""The monthly shooting review's figures: one pure function for the laptop, the CLI, the PDF
and the hub.

CPD leadership and the CVI organisations meet monthly over "data, themes and trends". Every
place that shows those figures calls `monthly_review` on the same input, so a supervisor's
PDF, the CLI's text and the hub's CPD route cannot disagree about a median.

Input: one mapping per incident, in the shape of the CPD response record that
`sharing.response_record` builds (share class S only), optionally tagged with the organisation::

    {
        "org_id": "org-a",                  # optional: present when the hub feeds several orgs
        "incident": {"id", "incident_type", "occurred_at", "cpd_notified_at", "org_received_at",
                     "district", "victims_total", "victims_fatal", "victims_nonfatal", ...},
        "actions": [{"action_type", "started_at", "outcome", "mediation_result", ...}, ...],
        "referrals": [{"category", "status"}, ...],
        "themes": ["retaliation_concern", ...],
        "followups": {"scheduled": 2, "done_on_time": 1}      # CPD's aggregate, or
                     [{"due_at", "done_at"}, ...]             # the organisation's own detail
    }

Instants are ISO-8601 text (as stored and as sent) or aware datetimes. Extra keys are ignored;
missing optional ones count as absent. Records outside the trailing window are ignored, so
the hub may pass every record it holds.

Definitions (the same everywhere):
- An incident belongs to the Chicago calendar month in which it *occurred*.
- Notification latency: `org_received_at - occurred_at`. Response latency: the first
  *contact* — a scene, hospital or family-engagement action whose outcome is not a
  no-response reason — minus `org_received_at`. Negative spans (clock or data-entry errors)
  are left out of the percentiles and counted in `Latency.excluded`.
- Coverage: incidents with such a contact / incidents.
- No-response reasons: for an incident without a contact, the outcome of its latest
  scene/hospital/family attempt (unsafe, police restriction, no staff, declined, not located),
  or "no attempt recorded".
- Percentiles are **nearest-rank**: the p-th percentile is the smallest observed value with
  at least p% of the values at or below it (rank ceil(p/100 × n), 1-based). It is always a time
  that really happened, needs no interpolation, and reads as "nine in ten were within X
  minutes". It is the method the hub's protocol already documents.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .clock import CHICAGO
from .errors import ValidationError
from .vocab import ActionType, MediationResult, Outcome, ReferralCategory, ReferralStatus

# Below this base a share is written as "2 of 3": a percentage of three incidents misleads.
SMALL_BASE = 5
TREND_MONTHS = 6
QUALIFYING = frozenset(
    a.value for a in (ActionType.SCENE, ActionType.HOSPITAL, ActionType.FAMILY_ENGAGEMENT)
)
# Outcomes that mean the attempt was not a contact: the reasons there was no response.
NO_RESPONSE_REASONS: tuple[str, ...] = (
    Outcome.UNABLE_UNSAFE.value,
    Outcome.UNABLE_POLICE_RESTRICTION.value,
    Outcome.UNABLE_NO_STAFF.value,
    Outcome.DECLINED.value,
    Outcome.NOT_LOCATED.value,
)
NO_ATTEMPT = "no_attempt_recorded"
# "Employment and training placements": connected referrals to jobs or education/training.
PLACEMENT_CATEGORIES = frozenset((ReferralCategory.EMPLOYMENT.value, ReferralCategory.EDUCATION.value))
_NO_RESPONSE = frozenset(NO_RESPONSE_REASONS)
_CONNECTED = ReferralStatus.CONNECTED.value
_MEDIATION = ActionType.MEDIATION.value
_RESOLVED = MediationResult.RESOLVED.value
_UNKNOWN_RESULT = MediationResult.UNKNOWN.value  # a mediation with no result recorded
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# The fields the calculation reads, per part of a record. Callers may pass more (the hub passes
# whole response records); the laptop reads only these, and only where the allowlist allows.
READS: dict[str, tuple[str, ...]] = {
    "incident": ("id", "incident_type", "occurred_at", "org_received_at", "district",
                 "victims_total", "victims_fatal"),
    "actions": ("action_type", "started_at", "outcome", "mediation_result"),
    "referrals": ("category", "status"),
    "followups": ("due_at", "done_at", "cancelled_at"),
}


# --- months and percentiles ------------------------------------------------------------------


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """A calendar month in Chicago, as a UTC half-open range."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month) or month < "0001-01" or month > "9998-12":
        raise ValidationError("month", f"{month!r} is not YYYY-MM")
    year, mon = int(month[:4]), int(month[5:])
    start = datetime(year, mon, 1, tzinfo=CHICAGO)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=CHICAGO)
    return start.astimezone(UTC), end.astimezone(UTC)


def shift_month(month: str, delta: int) -> str:
    """`month` moved by `delta` calendar months ("2026-01", -1 -> "2025-12")."""
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def trailing_months(month: str, count: int = TREND_MONTHS) -> list[str]:
    """The `count` months ending with `month`, oldest first."""
    return [shift_month(month, k) for k in range(1 - count, 1)]


def window(month: str, count: int = TREND_MONTHS) -> tuple[datetime, datetime]:
    """The UTC range a review of `month` reads: its trailing `count` months."""
    return month_bounds(trailing_months(month, count)[0])[0], month_bounds(month)[1]


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of `values`; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _instant(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    text = str(value)
    try:
        return datetime.fromisoformat(text)  # the stored and sent form, and "Z"
    except ValueError:  # a hand-made record's lower-case "z" or a space for the "T"
        return datetime.fromisoformat(text.replace("z", "Z").replace(" ", "T", 1))


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


# --- the figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """`count` of `base`, written as people should read it (`text`)."""

    count: int
    base: int

    @property
    def share(self) -> float | None:
        return None if self.base == 0 else self.count / self.base

    @property
    def small(self) -> bool:
        return self.base < SMALL_BASE

    def text(self) -> str:
        """"–" for nothing to divide by, "2 of 3" for small bases, else "67% (20 of 30)"."""
        if self.base == 0:
            return "–"
        if self.small:
            return f"{self.count} of {self.base}"
        return f"{self.count * 100 / self.base:.0f}% ({self.count} of {self.base})"


@dataclass(frozen=True)
class Latency:
    """Minutes, nearest-rank percentiles. `values` sorted, for the distribution charts."""

    values: tuple[float, ...]
    excluded: int = 0  # negative spans left out

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def p50(self) -> float | None:
        return percentile(self.values, 50)

    @property
    def p90(self) -> float | None:
        return percentile(self.values, 90)


@dataclass(frozen=True)
class FollowupTimeliness:
    """Follow-ups of the month's incidents, as of the review's `as_of`. From CPD's aggregate only
    `scheduled` and `on_time` are known; the rest of those is `undetailed`."""

    scheduled: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0
    open_not_due: int = 0
    undetailed: int = 0


@dataclass(frozen=True)
class Figures:
    """The review's figures for one group of incidents (a month, a district, an organisation)."""

    incidents: int
    notified: int  # with a time the organisation received them
    victims: int
    fatal: int
    by_type: dict[str, int]
    notification: Latency
    response: Latency
    covered: int
    actions_by_type: dict[str, int]
    outcomes: dict[str, int]  # every action's outcome
    no_response: dict[str, int]  # incidents without a contact, by reason
    mediations: int
    mediation_results: dict[str, int]
    referrals: dict[str, tuple[int, int]]  # category -> (made, connected)
    followups: FollowupTimeliness
    themes: dict[str, int]  # incidents tagged with each theme

    @property
    def coverage(self) -> Ratio:
        return Ratio(self.covered, self.incidents)

    @property
    def defused(self) -> Ratio:
        """Mediations whose result is "resolved", of all mediations held."""
        return Ratio(self.mediation_results.get(_RESOLVED, 0), self.mediations)

    @property
    def referrals_made(self) -> int:
        return sum(made for made, _c in self.referrals.values())

    @property
    def referrals_connected(self) -> Ratio:
        return Ratio(sum(c for _m, c in self.referrals.values()), self.referrals_made)

    @property
    def placements(self) -> int:
        """Employment and training placements: connected employment or education referrals."""
        return sum(c for cat, (_m, c) in self.referrals.items() if cat in PLACEMENT_CATEGORIES)


@dataclass(frozen=True)
class Change:
    """One headline figure this month against last month."""

    label: str
    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        return None if self.current is None or self.previous is None else self.current - self.previous


@dataclass(frozen=True)
class MonthlyReview:
    month: str
    as_of: datetime
    total: Figures
    districts: dict[str, Figures]  # every district with incidents in the window, by code
    orgs: dict[str, Figures]  # per `org_id`; empty when the records carry none
    trend: tuple[tuple[str, Figures], ...]  # the trailing months, oldest first, ending with `month`
    sources: frozenset[str] = field(default_factory=frozenset)  # "detail" and/or "aggregate" follow-ups

    @property
    def previous(self) -> Figures:
        return self.trend[-2][1] if len(self.trend) > 1 else _figures([], self.as_of)

    def changes(self) -> list[Change]:
        """Month-on-month change of the headline figures."""
        now, before = self.total, self.previous
        return [
            Change("incidents", now.incidents, before.incidents),
            Change("coverage_pct", _pct(now.coverage), _pct(before.coverage)),
            Change("notification_p50_min", now.notification.p50, before.notification.p50),
            Change("response_p50_min", now.response.p50, before.response.p50),
            Change("mediations", now.mediations, before.mediations),
            Change("referrals_connected", now.referrals_connected.count, before.referrals_connected.count),
        ]


def _pct(ratio: Ratio) -> float | None:
    """A percentage to compare months by; none of a base under `SMALL_BASE` (2 of 3 is no trend)."""
    share = ratio.share
    return None if share is None or ratio.small else share * 100


# --- the calculation -------------------------------------------------------------------------


def monthly_review(
    records: Iterable[Mapping[str, Any]],
    month: str,
    *,
    as_of: datetime,
    trend_months: int = TREND_MONTHS,
) -> MonthlyReview:
    """The review of `month` (YYYY-MM, Chicago) from response-record-shaped `records` (see the
    module docstring), with the trailing `trend_months` months for the trend. `as_of` decides
    which open follow-ups are overdue. Pure: reads nothing but its arguments."""
    months = trailing_months(month, trend_months)
    starts = [month_bounds(m)[0] for m in months]
    end = month_bounds(month)[1]
    by_month: list[list[Mapping[str, Any]]] = [[] for _ in months]
    for record in records:
        occurred = _instant(record["incident"]["occurred_at"])
        if occurred is None or occurred < starts[0] or occurred >= end:
            continue
        by_month[bisect.bisect_right(starts, occurred) - 1].append(record)
    current = by_month[-1]
    # Every district seen in the window is listed, so one with none this month says so.
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
    trend = tuple((m, _figures(group, as_of)) for m, group in zip(months, by_month, strict=True))
    return MonthlyReview(
        month=month,
        as_of=as_of,
        total=trend[-1][1],
        districts={d: _figures(districts[d], as_of) for d in sorted(districts)},
        orgs={o: _figures(orgs[o], as_of) for o in sorted(orgs)},
        trend=trend,
        sources=sources,
    )


def _figures(records: Sequence[Mapping[str, Any]], as_of: datetime) -> Figures:
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
    timely = Counter[str]()
    for record in records:
        incident = record["incident"]
        by_type[str(incident.get("incident_type") or "other")] += 1
        victims += int(incident.get("victims_total") or 0)
        fatal += int(incident.get("victims_fatal") or 0)
        occurred = _instant(incident["occurred_at"])
        assert occurred is not None  # records without one never reach a month
        received = _instant(incident.get("org_received_at"))
        if received is not None:
            notified += 1
            span = _minutes(received, occurred)
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
                started = _instant(action.get("started_at"))
                if started is None:
                    continue
                if outcome in _NO_RESPONSE:
                    # The latest attempt gives the reason (ties: the outcome's code decides, so
                    # the answer never depends on the order the actions came in).
                    attempt = (started, str(outcome))
                    if last_attempt is None or attempt > last_attempt:
                        last_attempt = attempt
                elif first_contact is None or started < first_contact:
                    first_contact = started
        if first_contact is not None:
            covered += 1
            if received is not None:
                span = _minutes(first_contact, received)
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
        _count_followups(record.get("followups"), as_of, timely)
    return Figures(
        incidents=len(records),
        notified=notified,
        victims=victims,
        fatal=fatal,
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


def _count_followups(followups: object, as_of: datetime, into: Counter[str]) -> None:
    if not followups:
        return
    if isinstance(followups, Mapping):  # CPD's aggregate: on time, and the rest undetailed
        scheduled = int(followups.get("scheduled") or 0)
        on_time = min(int(followups.get("done_on_time") or 0), scheduled)
        into["scheduled"] += scheduled
        into["on_time"] += on_time
        into["undetailed"] += scheduled - on_time
        return
    for followup in followups:  # type: ignore[attr-defined]
        if followup.get("cancelled_at"):
            continue  # a duplicate, or no longer needed: neither kept nor missed
        due = _instant(followup.get("due_at"))
        done = _instant(followup.get("done_at"))
        into["scheduled"] += 1
        if done is not None:
            into["on_time" if due is None or done <= due else "late"] += 1
        elif due is not None and due < as_of:
            into["open_overdue"] += 1
        else:
            into["open_not_due"] += 1
