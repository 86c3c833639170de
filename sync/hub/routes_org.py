"""An organisation's own routes: who am I, its staff list, and a supervisor's assignments.

The organisation is always the token's (`principal.org_id`), never a value in the request.
"""

# No `from __future__ import annotations`: FastAPI resolves the route signatures at runtime.
from typing import Annotated

from fastapi import APIRouter, HTTPException, Response
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from .. import protocol as p
from . import service
from .deps import AUTH, ERROR, Anyone, Db, Live, Now, Org, Supervisor, invalid

router = APIRouter()


@router.post(
    "/v1/incidents/{incident_id}/assign",
    response_model=p.RecordOut,
    tags=["org"],
    responses={**AUTH, 404: ERROR, 409: ERROR},
)
def assign(
    principal: Supervisor,
    db: Db,
    clock: Now,
    notifier: Live,
    incident_id: Annotated[str, PathParam(max_length=128)],
    body: p.AssignRequest,
) -> p.RecordOut | JSONResponse:
    """Supervisor (re)assigns an incident: a new incident version for the org's devices.

    The assignee must be an active member of the organisation's staff list (else 422).
    """
    try:
        out = service.assign(db, principal, incident_id, body.assignee, body.base_version, clock())
    except service.NotStaff:
        raise invalid("body", "assignee", service.NOT_STAFF, body.assignee) from None
    except service.StaleBase as exc:
        return JSONResponse(
            {"detail": "stale base version", "current_version": exc.current_version}, status_code=409
        )
    if out is None:
        raise HTTPException(404, "not found")
    notifier.wake(principal.org_id)  # an assignment is one organisation's write
    return out


@router.get("/v1/me", response_model=p.Me, tags=["org"], responses=AUTH)
def whoami(principal: Anyone, db: Db) -> p.Me:
    """The caller as the hub knows them: role, organisation and staff id from the token."""
    return service.me(db, principal)


@router.get("/v1/org/staff", response_model=list[p.StaffOut], tags=["org"], responses=AUTH)
def org_staff(principal: Org, db: Db) -> list[p.StaffOut]:
    """The caller's organisation's staff list (deactivated people too), by display name."""
    return service.list_staff(db, principal.org_id or "")


@router.post(
    "/v1/org/staff",
    response_model=p.StaffOut,
    status_code=201,
    tags=["org"],
    responses={**AUTH, 200: {"model": p.StaffOut, "description": "Updated (and re-activated)"}},
)
def add_org_staff(
    principal: Supervisor, db: Db, clock: Now, body: p.StaffIn, response: Response
) -> p.StaffOut:
    """Supervisor adds a staff member (201) or updates one's name and role, re-activating (200)."""
    out, created = service.upsert_staff(db, principal.org_id or "", body, clock())
    if not created:
        response.status_code = 200
    return out


@router.post(
    "/v1/org/staff/{staff_id}/deactivate",
    status_code=204,
    tags=["org"],
    responses={**AUTH, 404: ERROR},
)
def deactivate_org_staff(
    principal: Supervisor, db: Db, staff_id: Annotated[str, PathParam(min_length=1, max_length=64)]
) -> Response:
    """Supervisor deactivates a staff member: their tokens get 403, they cannot be assigned."""
    if staff_id == principal.staff_id:
        raise invalid("path", "staff_id", "a supervisor cannot deactivate themselves", staff_id)
    if not service.deactivate_staff(db, principal.org_id or "", staff_id):
        raise HTTPException(404, "not found")
    return Response(status_code=204)
