"""The hub's wire contract: every request and response body as a pydantic model.

The committed `sync/openapi.json` is generated from these models (`cvi-hub openapi --write`)
and a test checks it is current. The sync engine codes against this module; the hub validates
with it.

Record `data` models mirror the allowlist in `cvi_desktop.sharing` field for field
(`extra="forbid"`), so the hub refuses anything the device must never send even if a device
bug let it through. A test checks the two lists stay equal.

Conventions:
- Instants are ISO-8601 strings with an offset; the hub never rewrites pushed data (the
  sha256 covers it as sent).
- Integers are strict: "3" is not 3.
- Every push record gets one `PushResult`; see `ResultStatus` for what each status means.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, Strict

from cvi_desktop.domain import AgeBand, IncidentType, LocationType
from cvi_desktop.sharing import Audience, RecordKind

# Record data models are derived from the field table (cvi_desktop/fields.py) in wire_models;
# the constrained scalar types are shared with the bodies below.
from .wire_models import (
    DATA_MODELS,
    ActionS,
    Beat,
    Count,
    CpdIncident,
    District,
    FollowupTimeliness,
    IncidentS,
    Instant,
    OrgAction,
    OrgFollowup,
    OrgIncident,
    OrgReferral,
    OrgReview,
    RdNumber,
    RecordId,
    RecordRef,
    ReferralS,
    ResponseRecordData,
    Sha256,
    StaffId,
    Version,
)
from .wire_models import Strict_ as _Strict

__all__ = [
    "DATA_MODELS", "ActionS", "Beat", "Count", "CpdIncident", "District", "FollowupTimeliness",
    "IncidentS", "Instant", "OrgAction", "OrgFollowup", "OrgIncident", "OrgReferral", "OrgReview", "RdNumber",
    "RecordId", "RecordRef", "ReferralS", "ResponseRecordData", "Sha256", "StaffId", "Version",
]

PROTOCOL_VERSION = 1



# --- push --------------------------------------------------------------------------------------


class PushRecord(_Strict):
    """One outbox entry: the envelope from `cvi_desktop.sharing.envelope` plus its hash.

    `sha256` = sha256 of `canonical_json({kind, id, version, audience, data})` (UTF-8, hex).
    `base_version` = the hub version this edit was based on (omit for a new record).
    """

    kind: RecordKind
    id: RecordId
    version: Version
    audience: Audience
    data: dict[str, Any]
    sha256: Sha256
    base_version: Annotated[int, Strict(), Field(ge=0)] | None = None


class PushRequest(_Strict):
    """A batch. Records are validated one by one: a bad record gets its own `rejected` result."""

    records: list[dict[str, Any]] = Field(
        description="PushRecord objects; see the PushRecord schema. Validated per record."
    )


class ResultStatus(StrEnum):
    APPLIED = "applied"  # stored and durably committed; now the current version
    DUPLICATE = "duplicate"  # this exact key and content was already stored: success
    SUPERSEDED = "superseded"  # stored, but the hub already had a newer version: success
    ACCEPTED_FLAGGED = "accepted_flagged"  # stored, and flagged for the supervisor: success
    CONFLICT = "conflict"  # not stored: the base version is stale; see current_version/current
    REJECTED = "rejected"  # not stored: see reason and errors; sending it again will not help


SUCCESS_STATUSES = frozenset(
    {ResultStatus.APPLIED, ResultStatus.DUPLICATE, ResultStatus.SUPERSEDED, ResultStatus.ACCEPTED_FLAGGED}
)


class RejectReason(StrEnum):
    INVALID = "invalid"  # envelope or data failed validation; see errors
    HASH_MISMATCH = "hash_mismatch"  # sha256 is not the hash of the envelope
    KEY_REUSE = "key_reuse"  # same (audience, kind, id, version) already stored with other content
    KIND_NOT_ALLOWED = "kind_not_allowed"  # this kind may not go to this audience
    ROLE_NOT_ALLOWED = "role_not_allowed"  # e.g. response_record or review from a non-supervisor
    HUB_OWNED = "hub_owned"  # tried to change incident facts or assignment the hub owns


class FlagReason(StrEnum):
    INCIDENT_REASSIGNED = "incident_reassigned"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path, e.g. data.incident.district")
    message: str


class PushResult(BaseModel):
    index: int = Field(description="Position of the record in the request batch")
    id: str | None
    kind: str | None
    audience: str | None
    version: int | None
    status: ResultStatus
    reason: RejectReason | None = None
    errors: list[FieldError] | None = None
    current_version: int | None = Field(None, description="On conflict / key_reuse: the hub's version")
    current: dict[str, Any] | None = Field(None, description="On conflict: the hub's current data")
    server_received_at: str | None = Field(None, description="When the hub first stored this key")
    flag: FlagReason | None = None


class PushResponse(BaseModel):
    epoch: str
    server_time: str
    results: list[PushResult]


# --- pull / wait -------------------------------------------------------------------------------


class ChangeOrigin(StrEnum):
    HUB = "hub"  # made by the hub: a routed notification, a CPD correction, an assignment
    DEVICE = "device"  # pushed by a device of this organisation


class Change(BaseModel):
    """A record version that became current for the caller's organisation, in commit order."""

    audience: Audience
    kind: RecordKind
    id: str
    version: int
    base_version: int | None
    data: dict[str, Any]
    sha256: str = Field(description="sha256 of canonical_json of the envelope, as for push")
    origin: ChangeOrigin
    server_received_at: str
    flag: FlagReason | None = None
    author: str | None = Field(None, description="Staff id of the token that pushed it; null if hub-made")


class PullResponse(BaseModel):
    epoch: str
    changes: list[Change]
    cursor: str = Field(description="Opaque; pass it to the next pull/wait. Commit it with the page.")
    has_more: bool


# --- misc sync ---------------------------------------------------------------------------------


class Health(BaseModel):
    status: str
    epoch: str
    protocol: int
    server_time: str


class SyncConfig(BaseModel):
    protocol: int
    epoch: str
    max_batch_records: int
    max_body_bytes: int
    max_pull_limit: int
    max_wait_seconds: float
    min_client_version: str


class RecordOut(BaseModel):
    """The current version of one of the caller's organisation's records."""

    audience: Audience
    kind: RecordKind
    id: str
    version: int
    data: dict[str, Any]
    sha256: str
    server_received_at: str
    flag: FlagReason | None = None
    author: str | None = Field(None, description="Staff id of the token that pushed it; null if hub-made")


class ErrorBody(BaseModel):
    detail: str
    code: str | None = Field(
        None,
        description="Machine-readable reason where a client must tell answers apart; a 410 on pull "
        "says cursor_ahead (the hub was restored from a backup: re-send what it may have lost), "
        "cursor_expired, cursor_other_epoch or cursor_invalid (pull again from the start)",
    )


# --- CPD -------------------------------------------------------------------------------------


class NotificationCorrection(_Strict):
    """A PUT body: the full corrected notification (the id comes from the path)."""

    rd_number: RdNumber | None = None
    incident_type: IncidentType
    occurred_at: Instant
    cpd_notified_at: Instant | None = None
    district: District
    beat: Beat | None = None
    community_area: Annotated[int, Strict(), Field(ge=1, le=77)] | None = None
    location_type: LocationType | None = None
    block: Annotated[str, Field(max_length=120)] | None = None
    victims_total: Count | None = None
    victims_fatal: Count | None = None
    victims_nonfatal: Count | None = None
    victim_age_bands: list[AgeBand] | None = None


class Notification(NotificationCorrection):
    """What CPD posts: the incident's S fields as CPD knows them. `id` is CPD's UUID."""

    id: RecordId


class NotificationStatus(StrEnum):
    CREATED = "created"
    CORRECTED = "corrected"
    UNCHANGED = "unchanged"  # same content as the current version: nothing new was routed


class NotificationResult(BaseModel):
    id: str
    version: int
    status: NotificationStatus
    routed_to: int = Field(description="How many organisations received this version")


class CpdRecord(BaseModel):
    org_id: str
    id: str
    version: int
    data: dict[str, Any]
    sha256: str
    server_received_at: str


class CpdRecordsPage(BaseModel):
    records: list[CpdRecord]
    next: int = Field(description="Pass as `since` for the next page")
    has_more: bool


class LatencyStats(BaseModel):
    n: int
    p50_s: float | None = Field(description="Nearest-rank median, seconds")
    p90_s: float | None = Field(description="Nearest-rank 90th percentile, seconds")


class DistrictMonth(BaseModel):
    district: str
    incidents: int
    notification_latency: LatencyStats = Field(description="org_received_at - occurred_at")
    response_latency: LatencyStats = Field(
        description="first scene/hospital/family_engagement action start - org_received_at"
    )
    covered: int = Field(description="Incidents with a qualifying response in an approved record")
    coverage: float | None = Field(description="covered / incidents")


class MonthlyReport(BaseModel):
    month: str
    timezone: str
    districts: list[DistrictMonth]


# --- supervisor ------------------------------------------------------------------------------


class AssignRequest(_Strict):
    assignee: StaffId
    base_version: Annotated[int, Strict(), Field(ge=1)] | None = Field(
        None, description="If given and stale, 409 with the current version"
    )


# --- who am I, and the organisation's staff list --------------------------------------------


class TokenRole(StrEnum):
    CPD = "cpd"
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


def _display_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


DisplayName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_display_text)]


class StaffRole(StrEnum):
    """A person's job in the organisation, for the staff list. Permissions come from the token."""

    WORKER = "worker"
    SUPERVISOR = "supervisor"


class Me(BaseModel):
    """The caller, as the hub knows them (`GET /v1/me`); cpd and admin tokens have no org or staff."""

    org_id: str | None
    org_name: str | None
    role: TokenRole
    staff_id: str | None
    display_name: str | None = Field(description="From the hub's staff list")


class StaffIn(_Strict):
    """Add a staff member, or update their name and role (which also re-activates them)."""

    id: StaffId
    display_name: DisplayName
    role: StaffRole = StaffRole.WORKER


class StaffOut(BaseModel):
    id: str
    display_name: str
    role: StaffRole
    active: bool
    last_synced_at: str | None = Field(
        description="Last successful push/pull/wait by any of their tokens (updated at most every ~30 s)"
    )


# --- admin -----------------------------------------------------------------------------------


class OrgIn(_Strict):
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]


class OrgOut(BaseModel):
    id: str
    name: str
    districts: list[str]


class CoverageIn(_Strict):
    org_id: str
    district: District


class TokenIn(_Strict):
    role: TokenRole
    org_id: str | None = None
    staff_id: StaffId | None = None
    label: Annotated[str, Field(max_length=200)] = ""
    display_name: DisplayName | None = Field(
        None, description="For a staff member the hub does not know yet (default: the staff id)"
    )


class TokenInfo(BaseModel):
    id: int
    role: TokenRole
    org_id: str | None
    staff_id: str | None
    label: str
    created_at: str
    revoked_at: str | None


class TokenCreated(TokenInfo):
    token: str = Field(description="Shown once; the hub stores only its sha256")
