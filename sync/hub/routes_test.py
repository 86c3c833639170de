"""Test hooks under /v1/test/: arm faults, bump the epoch, expire cursors, set rate limits.

Only included when the hub is started with `test_hooks` (`cvi-hub serve --test-hooks`, tests),
never in the OpenAPI description, and admin token only: a hub started with hooks by mistake must
not hand its fault plan, its epoch or its rate limits to anyone who can reach it.
"""

# No `from __future__ import annotations`: FastAPI resolves the route signatures at runtime.
from typing import Any

from fastapi import APIRouter, HTTPException

from . import admin
from .deps import Admin, Db, Faults, Limits

router = APIRouter(include_in_schema=False)


@router.post("/v1/test/faults", include_in_schema=False)
def arm_fault(_: Admin, plan: Faults, spec: dict[str, Any]) -> dict[str, str]:
    try:
        plan.apply(spec)
    except (TypeError, ValueError) as exc:
        raise HTTPException(400, str(exc)) from None
    return {"status": "armed"}


@router.post("/v1/test/epoch", include_in_schema=False)
def bump_epoch(_: Admin, db: Db) -> dict[str, str]:
    return {"epoch": admin.bump_epoch(db)}


@router.post("/v1/test/expire-cursors", include_in_schema=False)
def expire_cursors(_: Admin, db: Db) -> dict[str, str]:
    admin.expire_cursors(db)
    return {"status": "expired"}


@router.post("/v1/test/rate-limit", include_in_schema=False)
def rate_limit(_: Admin, limiter: Limits, spec: dict[str, float]) -> dict[str, str]:
    limiter.configure(float(spec.get("rate_per_second", 0)), int(spec.get("burst", 1)))
    return {"status": "set"}
