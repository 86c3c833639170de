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
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from .clock import CHICAGO
from .errors import ValidationError
from .i18n import t
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
    if value.__class__ is str:  # the stored and sent form: tested first, it is nearly every call
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)  # type: ignore[arg-type]  # also takes "Z"
        except ValueError:  # a hand-made record's lower-case "z" or a space for the "T"
            return datetime.fromisoformat(value.replace("z", "Z").replace(" ", "T", 1))  # type: ignore[attr-defined]
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    text = str(value)
    if text == "":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
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
        """"–" for nothing to divide by, "2 of 3" for small bases, else "67% (20 of 30)" (in
        the language in use: "2 de 3")."""
        if self.base == 0:
            return "–"
        if self.small:
            return t("{count} of {base}", count=self.count, base=self.base)
        return t("{pct:.0f}% ({count} of {base})", pct=self.count * 100 / self.base, count=self.count,
                 base=self.base)


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
#
# Each record is read once into a `Row` (its instants parsed once, its spans and its contact
# worked out once), and every group (a month of the trend, a district, an organisation) is
# added up from those rows with C-level `map`/`sum`/`Counter` over the row's fields: at 100,000
# records a Python loop per group and per record was most of the review's time. A `Row` depends
# on nothing but its record (not on the month reviewed nor on `as_of`), so a caller that keeps
# its records (the hub's projection) may keep their rows too and pass them to `review_rows`.


class Row(NamedTuple):
    """One incident's record, digested for the calculation (see `digest`). Tuples of one or
    none (`notify`, `respond`) let a group chain them without a test per row."""

    occurred: datetime
    district: str
    org: str | None
    victims: int
    fatal: int
    notified: int  # 1 with a receipt time
    notify: tuple[float, ...]  # the notification span, when not negative
    notify_bad: int  # 1 for a negative notification span
    covered: int  # 1 with a contact
    respond: tuple[float, ...]  # the response span, when not negative
    respond_bad: int
    # What the group counts by code, one tuple per count (`_COUNTED`), each in the record's
    # order: the incident type; action types; outcomes; mediation results (one per mediation);
    # the no-response reason (for an incident without a contact); referral categories made and
    # connected; theme tags (each once). Records alike in all of them are counted together:
    # `kind` numbers those tuples (`_kind`), and `_KINDS[kind]` is the tuple.
    kind: int
    scheduled: int  # follow-ups: the counts that do not depend on `as_of` ...
    on_time: int
    late: int
    undetailed: int
    open_due: tuple[datetime | None, ...]  # ... and the due times of the open ones, which do
    source: str | None  # "detail" or "aggregate" follow-ups, None for none


_row = tuple.__new__  # `Row` from a tuple at C speed (what `Row._make` calls, less its checks)
_F = {name: itemgetter(k) for k, name in enumerate(Row._fields)}
_COUNTED = ("by_type", "actions_by_type", "outcomes", "mediation_results", "no_response",
            "referrals_made", "referrals_connected", "themes")
# Every kind of record seen, numbered (`Row.kind`): counting a group's rows by a small number
# is several times faster than by a tuple of tuples, whose hash Python works out on every use.
# There are as many kinds as combinations of codes really recorded (a few hundred at 100,000
# incidents); a lock, since the hub digests from several threads.
_KINDS: list[tuple[tuple[str, ...], ...]] = []
_KIND_NUMBERS: dict[tuple[tuple[str, ...], ...], int] = {}
_KINDS_LOCK = threading.Lock()


def _kind(counted: tuple[tuple[str, ...], ...]) -> int:
    number = _KIND_NUMBERS.get(counted)
    if number is None:
        with _KINDS_LOCK:
            number = _KIND_NUMBERS.get(counted)
            if number is None:
                number = len(_KINDS)
                _KINDS.append(counted)  # before the number is published: a reader needs both
                _KIND_NUMBERS[counted] = number
    return number


def digest(record: Mapping[str, Any], occurred: datetime | None = None) -> Row | None:
    """`record` (see the module docstring) as a `Row`, or None when it has no `occurred_at` (it
    belongs to no month). `occurred`: its `occurred_at`, when the caller parsed it already.
    Raises as the calculation would for a record it cannot read."""
    incident = record["incident"]
    if occurred is None:
        occurred = _instant(incident["occurred_at"])
        if occurred is None:
            return None
    received = _instant(incident.get("org_received_at"))
    notify: tuple[float, ...] = ()
    notified = notify_bad = 0
    if received is not None:
        notified = 1
        span = _minutes(received, occurred)
        if span >= 0:
            notify = (span,)
        else:
            notify_bad = 1
    action_types: list[str] = []
    outcomes: list[str] = []
    results: list[str] = []
    first_contact: datetime | None = None
    last_attempt: tuple[datetime, str] | None = None
    for action in record.get("actions") or ():
        kind = str(action.get("action_type"))
        outcome = action.get("outcome")
        action_types.append(kind)
        if outcome:
            outcomes.append(str(outcome))
        if kind == _MEDIATION:
            results.append(str(action.get("mediation_result") or _UNKNOWN_RESULT))
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
    respond: tuple[float, ...] = ()
    covered = respond_bad = 0
    no_response: tuple[str, ...] = ()
    if first_contact is not None:
        covered = 1
        if received is not None:
            span = _minutes(first_contact, received)
            if span >= 0:
                respond = (span,)
            else:
                respond_bad = 1
    else:
        no_response = (last_attempt[1] if last_attempt else NO_ATTEMPT,)
    made: list[str] = []
    connected: list[str] = []
    for referral in record.get("referrals") or ():
        category = str(referral.get("category") or "other")
        made.append(category)
        if referral.get("status") == _CONNECTED:
            connected.append(category)
    followups = record.get("followups")
    scheduled = on_time = late = undetailed = 0
    open_due: list[datetime | None] = []
    source: str | None = None
    if followups:
        source = "detail" if isinstance(followups, list) else "aggregate"
        if isinstance(followups, Mapping):  # CPD's aggregate: on time, and the rest undetailed
            scheduled = int(followups.get("scheduled") or 0)
            on_time = min(int(followups.get("done_on_time") or 0), scheduled)
            undetailed = scheduled - on_time
        else:
            for followup in followups:
                if followup.get("cancelled_at"):
                    continue  # a duplicate, or no longer needed: neither kept nor missed
                due = _instant(followup.get("due_at"))
                done = _instant(followup.get("done_at"))
                scheduled += 1
                if done is not None:
                    if due is None or done <= due:
                        on_time += 1
                    else:
                        late += 1
                else:
                    open_due.append(due)  # overdue or not: `as_of` decides, per review
    return _row(Row, (
        occurred,
        incident["district"],
        record.get("org_id"),
        int(incident.get("victims_total") or 0),
        int(incident.get("victims_fatal") or 0),
        notified, notify, notify_bad, covered, respond, respond_bad,
        _kind((
            (str(incident.get("incident_type") or "other"),),
            tuple(action_types), tuple(outcomes), tuple(results), no_response,
            tuple(made), tuple(connected),
            tuple(str(tag) for tag in set(record.get("themes") or ())),
        )),
        scheduled, on_time, late, undetailed, tuple(open_due), source,
    ))


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
    first, end = window(month, trend_months)
    rows: list[Row] = []
    for record in records:
        occurred = _instant(record["incident"]["occurred_at"])
        # A record outside the window is read no further than this: as before, it cannot fail
        # the review (nor cost it) by what else it holds.
        if occurred is None or occurred < first or occurred >= end:
            continue
        row = digest(record, occurred)
        assert row is not None  # it has an `occurred_at`
        rows.append(row)
    return review_rows(rows, month, as_of=as_of, trend_months=trend_months)


def review_rows(
    rows: Iterable[Row],
    month: str,
    *,
    as_of: datetime,
    trend_months: int = TREND_MONTHS,
) -> MonthlyReview:
    """`monthly_review` from records already digested (`digest`), in the records' order. Rows
    outside the window are ignored, as records are."""
    months = trailing_months(month, trend_months)
    starts = [month_bounds(m)[0] for m in months]
    end = month_bounds(month)[1]
    first = starts[0]
    by_month: list[list[Row]] = [[] for _ in months]
    last = len(months) - 1
    current_start = starts[-1]
    for row in rows:
        occurred = row.occurred
        if occurred < first or occurred >= end:
            continue
        # The reviewed month's own rows (the hub's newest, its busiest) need no search.
        index = last if occurred >= current_start else bisect.bisect_right(starts, occurred) - 1
        by_month[index].append(row)
    current = by_month[-1]
    # Every district seen in the window is listed, so one with none this month says so.
    grouped: dict[str, list[Row]] = {
        d: [] for d in set(map(str, map(_F["district"], chain.from_iterable(by_month))))
    }
    orgs: dict[str, list[Row]] = {}
    for row in current:
        grouped[str(row.district)].append(row)
        if row.org is not None:
            orgs.setdefault(str(row.org), []).append(row)
    sources = frozenset(s for s in map(_F["source"], current) if s is not None)
    trend = tuple((m, _figures(group, as_of)) for m, group in zip(months, by_month, strict=True))
    return MonthlyReview(
        month=month,
        as_of=as_of,
        total=trend[-1][1],
        districts={d: _figures(grouped[d], as_of) for d in sorted(grouped)},
        orgs={o: _figures(orgs[o], as_of) for o in sorted(orgs)},
        trend=trend,
        sources=sources,
    )


def _chain(rows: Sequence[Row], name: str) -> chain[Any]:
    return chain.from_iterable(map(_F[name], rows))


def _count_codes(rows: Sequence[Row], by_kind: bool | None = None) -> dict[str, Counter[str]]:
    """Each of `_COUNTED`'s counts over `rows`, each count's codes in the order first seen (as
    a count record by record has them, so ties in `most_common` fall as they always did).

    Where rows are mostly alike in what they count (the hub's: a few hundred kinds in 100,000
    incidents) each kind is counted once, then its codes once per kind: a code is first seen
    in the first kind that has it, and kinds are taken in the order first seen, so the order
    holds. Where most rows are a kind of their own (the laptop's, with detailed actions) the
    codes are counted straight through instead, in C. `by_kind` forces one way (for tests)."""
    kinds = Counter(map(_F["kind"], rows))
    if by_kind is None:
        by_kind = len(kinds) * 4 <= len(rows)
    if not by_kind:
        table = [_KINDS[kind] for kind in map(_F["kind"], rows)]
        return {name: Counter(chain.from_iterable(map(itemgetter(k), table)))
                for k, name in enumerate(_COUNTED)}
    counts: dict[str, Counter[str]] = {name: Counter() for name in _COUNTED}
    targets = tuple(counts.values())
    for kind, n in kinds.items():
        for into, codes in zip(targets, _KINDS[kind], strict=True):
            for code in codes:
                into[code] += n
    return counts


def _figures(rows: Sequence[Row], as_of: datetime) -> Figures:
    """One group's figures, added up from its rows."""
    notify = sorted(_chain(rows, "notify"))
    respond = sorted(_chain(rows, "respond"))
    codes = _count_codes(rows)
    made, connected = codes["referrals_made"], codes["referrals_connected"]
    open_due = [due for due in _chain(rows, "open_due") if due is not None]
    open_all = sum(map(len, map(_F["open_due"], rows)))
    overdue = sum(1 for due in open_due if due < as_of)
    timely = FollowupTimeliness(
        scheduled=sum(map(_F["scheduled"], rows)),
        on_time=sum(map(_F["on_time"], rows)),
        late=sum(map(_F["late"], rows)),
        open_overdue=overdue,
        open_not_due=open_all - overdue,
        undetailed=sum(map(_F["undetailed"], rows)),
    )
    results = dict(codes["mediation_results"].most_common())
    return Figures(
        incidents=len(rows),
        notified=sum(map(_F["notified"], rows)),
        victims=sum(map(_F["victims"], rows)),
        fatal=sum(map(_F["fatal"], rows)),
        by_type=dict(codes["by_type"].most_common()),
        notification=Latency(tuple(notify), sum(map(_F["notify_bad"], rows))),
        response=Latency(tuple(respond), sum(map(_F["respond_bad"], rows))),
        covered=sum(map(_F["covered"], rows)),
        actions_by_type=dict(codes["actions_by_type"].most_common()),
        outcomes=dict(codes["outcomes"].most_common()),
        no_response=dict(codes["no_response"].most_common()),
        mediations=sum(results.values()),
        mediation_results=results,
        referrals={c: (made[c], connected[c]) for c, _n in made.most_common()},
        followups=timely,
        themes=dict(codes["themes"].most_common()),
    )
