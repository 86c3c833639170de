"""CPD's routes: notifications in (new and corrected), the response-record projection and the
monthly review out. The review's web pages are `web.py`; both read one review cache.
"""

# No `from __future__ import annotations`: FastAPI resolves the route signatures at runtime.
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response
from fastapi import Path as PathParam

from cvi_desktop.fields import MAX_INT

from .. import protocol as p
from . import service
from .deps import AUTH, ERROR, Cpd, Db, Live, Now, ReviewCache

router = APIRouter()


@router.post(
    "/v1/cpd/notifications",
    response_model=p.NotificationResult,
    status_code=201,
    tags=["cpd"],
    responses={**AUTH, 409: ERROR},
)
def post_notification(
    _: Cpd, db: Db, clock: Now, notifier: Live, body: p.Notification, response: Response
) -> p.NotificationResult:
    """New notification, routed to every organisation covering its district (201; 200 if a repeat)."""
    try:
        result = service.post_notification(db, body, clock())
    except service.IncidentIdTaken as exc:
        raise HTTPException(409, str(exc)) from None
    except service.NotificationConflict:
        raise HTTPException(409, "notification exists with other content; PUT a correction") from None
    if result.status is p.NotificationStatus.UNCHANGED:
        response.status_code = 200
    else:
        _wake_routed(db, notifier, body.id)
    return result


def _wake_routed(db: Db, notifier: Live, notification_id: str) -> None:
    # Only the organisations it was routed to: waking every organisation's laptops on this
    # process made each of them read the database for nothing (bench/hub_bench.py).
    for org in service.routed_orgs(db, notification_id):
        notifier.wake(org)


@router.put(
    "/v1/cpd/notifications/{notification_id}",
    response_model=p.NotificationResult,
    tags=["cpd"],
    responses={**AUTH, 404: ERROR},
)
def correct_notification(
    _: Cpd,
    db: Db,
    clock: Now,
    notifier: Live,
    notification_id: Annotated[str, PathParam(max_length=128)],
    body: p.NotificationCorrection,
) -> p.NotificationResult:
    """Correction: a new version, routed again (to new covering organisations too)."""
    result = service.correct_notification(db, notification_id, body, clock())
    if result is None:
        raise HTTPException(404, "not found")
    _wake_routed(db, notifier, notification_id)
    return result


@router.get("/v1/cpd/records", response_model=p.CpdRecordsPage, tags=["cpd"], responses=AUTH)
def cpd_records(
    _: Cpd,
    db: Db,
    since: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> p.CpdRecordsPage:
    """Response records (CPD's projection), every version, in the order the hub received them."""
    return service.cpd_records(db, since, limit)


@router.get("/v1/cpd/monthly", response_model=p.MonthlyReport, tags=["cpd"], responses=AUTH)
def cpd_monthly(
    _: Cpd, reviews: ReviewCache, month: Annotated[str, Query(pattern=service.MONTH.pattern)]
) -> p.MonthlyReport:
    """The monthly review (incidents that occurred in the month, Chicago time): the city, its
    districts, each organisation and the six-month trend, by the laptop's own calculation
    (`cvi_desktop.monthly`, minutes, nearest-rank). Protocol-1 fields kept: `districts[]`
    with `p50_s`/`p90_s` (minutes × 60)."""
    try:
        return service.monthly_report(reviews.get(month))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
