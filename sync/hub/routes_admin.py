"""The hub administrator's routes (admin token): organisations, coverage, staff lists, tokens.

The same operations as the `cvi-hub` admin commands (`admin.py`), over HTTP.
"""

# No `from __future__ import annotations`: FastAPI resolves the route signatures at runtime.
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Response
from fastapi import Path as PathParam

from cvi_desktop.fields import MAX_INT

from .. import protocol as p
from . import admin, service
from .deps import AUTH, ERROR, Admin, Db, Now

router = APIRouter()


@router.get("/v1/admin/orgs", response_model=list[p.OrgOut], tags=["admin"], responses=AUTH)
def list_orgs(_: Admin, db: Db) -> list[dict[str, Any]]:
    return admin.list_orgs(db)


@router.post(
    "/v1/admin/orgs",
    response_model=p.OrgOut,
    status_code=201,
    tags=["admin"],
    responses={**AUTH, 409: ERROR},
)
def create_org(_: Admin, db: Db, body: p.OrgIn) -> p.OrgOut:
    try:
        admin.create_org(db, body.id, body.name)
    except admin.AdminError as exc:
        raise HTTPException(409, str(exc)) from None
    return p.OrgOut(id=body.id, name=body.name, districts=[])


@router.post("/v1/admin/coverage", status_code=204, tags=["admin"], responses={**AUTH, 404: ERROR})
def add_coverage(_: Admin, db: Db, body: p.CoverageIn) -> Response:
    try:
        admin.add_coverage(db, body.org_id, body.district)
    except admin.AdminError as exc:
        raise HTTPException(404, str(exc)) from None
    return Response(status_code=204)


@router.get(
    "/v1/admin/orgs/{org_id}/staff",
    response_model=list[p.StaffOut],
    tags=["admin"],
    responses={**AUTH, 404: ERROR},
)
def admin_list_staff(_: Admin, db: Db, org_id: Annotated[str, PathParam(max_length=64)]) -> list[p.StaffOut]:
    try:
        return service.list_staff(db, org_id)
    except service.UnknownOrg:
        raise HTTPException(404, "not found") from None


@router.post(
    "/v1/admin/orgs/{org_id}/staff",
    response_model=p.StaffOut,
    status_code=201,
    tags=["admin"],
    responses={**AUTH, 200: {"model": p.StaffOut, "description": "Updated (and re-activated)"}, 404: ERROR},
)
def admin_add_staff(
    _: Admin,
    db: Db,
    clock: Now,
    org_id: Annotated[str, PathParam(max_length=64)],
    body: p.StaffIn,
    response: Response,
) -> p.StaffOut:
    try:
        out, created = service.upsert_staff(db, org_id, body, clock())
    except service.UnknownOrg:
        raise HTTPException(404, "not found") from None
    if not created:
        response.status_code = 200
    return out


@router.post(
    "/v1/admin/orgs/{org_id}/staff/{staff_id}/deactivate",
    status_code=204,
    tags=["admin"],
    responses={**AUTH, 404: ERROR},
)
def admin_deactivate_staff(
    _: Admin,
    db: Db,
    org_id: Annotated[str, PathParam(max_length=64)],
    staff_id: Annotated[str, PathParam(min_length=1, max_length=64)],
) -> Response:
    try:
        found = service.deactivate_staff(db, org_id, staff_id)
    except service.UnknownOrg:
        found = False
    if not found:
        raise HTTPException(404, "not found")
    return Response(status_code=204)


@router.get("/v1/admin/tokens", response_model=list[p.TokenInfo], tags=["admin"], responses=AUTH)
def list_tokens(_: Admin, db: Db) -> list[dict[str, Any]]:
    return admin.list_tokens(db)


@router.post(
    "/v1/admin/tokens",
    response_model=p.TokenCreated,
    status_code=201,
    tags=["admin"],
    responses={**AUTH, 400: ERROR},
)
def create_token(_: Admin, db: Db, body: p.TokenIn) -> dict[str, Any]:
    try:
        return admin.create_token_info(
            db, body.role.value, body.org_id, body.staff_id, body.label, body.display_name
        )
    except admin.AdminError as exc:
        raise HTTPException(400, str(exc)) from None


@router.post(
    "/v1/admin/tokens/{token_id}/revoke", status_code=204, tags=["admin"], responses={**AUTH, 404: ERROR}
)
def revoke_token(_: Admin, db: Db, token_id: Annotated[int, PathParam(ge=1, le=MAX_INT)]) -> Response:
    if not admin.revoke_token(db, token_id):
        raise HTTPException(404, "not found")
    return Response(status_code=204)
