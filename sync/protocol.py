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
- Integers are strict: "3" is not 3; and within 63 bits.
- Every value is bounded as the field table says (`cvi_desktop/fields.py`): times within
  2000-01-01 .. 2100-01-01 (CPD's notification times also at most a day past the hub's now)
  and offsets of at most 14 h, text valid
  Unicode and of bounded length, digits ASCII. Incident and action bodies also follow the
  domain's cross-field rules (`IncidentRules`, `ActionRules`).
- Every push record gets one `PushResult`; see `ResultStatus` for what each status means.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, NotRequired, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, TypeAdapter
from typing_extensions import TypedDict

from cvi_desktop.domain import AgeBand, IncidentType, LocationType
from cvi_desktop.fields import text_problem
from cvi_desktop.sharing import Audience, RecordKind

# Record data models are derived from the field table (cvi_desktop/fields.py) in wire_models;
# the constrained scalar types are shared with the bodies below.
from .wire_models import (
    DATA_MODELS,
    ActionS,
    BaseVersion,
    Beat,
    Count,
    CpdIncident,
    CpdInstant,
    District,
    FollowupTimeliness,
    IncidentRules,
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
    ResponseRecordDataS,
    Sha256,
    StaffId,
    Text,
    Version,
    cpd_data_model,
)
from .wire_models import Strict_ as _Strict

__all__ = [
    "DATA_MODELS", "ActionS", "Beat", "Count", "CpdIncident", "District", "FollowupTimeliness",
    "IncidentS", "Instant", "OrgAction", "OrgFollowup", "OrgIncident", "OrgReferral", "OrgReview", "RdNumber",
    "RecordId", "RecordRef", "ReferralS", "ResponseRecordData", "ResponseRecordDataS", "Sha256", "StaffId",
    "Version", "cpd_data_model",
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
    base_version: BaseVersion | None = None


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


def _plain(model: type[BaseModel], name: str, nested: dict[type[BaseModel], Any]) -> Any:
    """A TypedDict of `model`'s fields (the same names and types, so nothing is described twice):
    validating into it checks exactly what the model checks but gives plain dicts and enum
    codes, with no model objects to dump again. A team's first pull validates 20,000 changes."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        annotation = info.annotation
        if get_origin(annotation) is list and get_args(annotation)[0] in nested:
            annotation = list[nested[get_args(annotation)[0]]]  # type: ignore[valid-type]
        fields[field_name] = annotation if info.is_required() else NotRequired[annotation]
    plain = TypedDict(name, fields)  # type: ignore[operator]
    plain.__pydantic_config__ = ConfigDict(use_enum_values=True)  # type: ignore[attr-defined]
    return plain


ChangeDict = _plain(Change, "ChangeDict", {})
PullPageDict = _plain(PullResponse, "PullPageDict", {Change: ChangeDict})
# What `HubClient.pull_page` validates a pull answer with: a PullResponse as dicts.
PULL_PAGE = TypeAdapter(PullPageDict)


# --- misc sync ---------------------------------------------------------------------------------


class Health(BaseModel):
    status: str
    epoch: str
    protocol: int
    server_time: str


class LiveChannel(StrEnum):
    """How a laptop can wait for its organisation's changes (`SyncConfig.live_channels`)."""

    SSE = "sse"  # GET /v1/sync/events: server-sent events, one pull page per event
    LONG_POLL = "long-poll"  # GET /v1/sync/wait


EVENTS_PATH = "/v1/sync/events"


class SyncConfig(BaseModel):
    protocol: int
    epoch: str
    max_batch_records: int
    max_body_bytes: int
    max_pull_limit: int
    max_wait_seconds: float
    min_client_version: str
    # Both optional with defaults, so a hub from before the event stream (which sends neither)
    # still reads as offering the long-poll only, and an old laptop ignores them.
    live_channels: list[str] = Field(
        default_factory=lambda: [LiveChannel.LONG_POLL.value],
        description='Live channels this hub offers, best first: "sse" (GET /v1/sync/events, '
        'text/event-stream) and "long-poll" (GET /v1/sync/wait). Unknown names are ignored.',
    )
    heartbeat_seconds: float | None = Field(
        default=None,
        description="The longest an event stream stays silent: a `: ping` comment comes at "
        "least this often, so a laptop may treat a longer silence as a dead connection.",
    )


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


class NotificationCorrection(IncidentRules):
    """A PUT body: the full corrected notification (the id comes from the path).

    Held to the incident's rules as the laptop holds its own incidents: notified at or after it
    occurred, the beat in the district, victims_total at least fatal + non-fatal (a violation is
    a 422 whose message names the field)."""

    rd_number: RdNumber | None = None
    incident_type: IncidentType
    occurred_at: CpdInstant
    cpd_notified_at: CpdInstant | None = None
    district: District
    beat: Beat | None = None
    community_area: Annotated[int, Strict(), Field(ge=1, le=77)] | None = None
    location_type: LocationType | None = None
    block: Text(120) | None = None  # type: ignore[valid-type]
    victims_total: Annotated[int, Strict(), Field(ge=0, le=10_000)] | None = None
    victims_fatal: Annotated[int, Strict(), Field(ge=0, le=10_000)] | None = None
    victims_nonfatal: Annotated[int, Strict(), Field(ge=0, le=10_000)] | None = None
    victim_age_bands: Annotated[list[AgeBand], Field(max_length=100)] | None = None


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
    """Nearest-rank percentiles of one latency (`cvi_desktop.monthly`, computed in minutes).

    `p50_s`/`p90_s` are the protocol-1 fields, kept for old clients: minutes × 60, so they are
    the same figure as `p50_min`/`p90_min`, never a second calculation."""

    n: int
    p50_s: float | None = Field(description="Nearest-rank median, seconds (p50_min × 60)")
    p90_s: float | None = Field(description="Nearest-rank 90th percentile, seconds (p90_min × 60)")
    p50_min: float | None = Field(None, description="Nearest-rank median, minutes")
    p90_min: float | None = Field(None, description="Nearest-rank 90th percentile, minutes")
    excluded: int = Field(0, description="Negative spans (clock or data-entry errors) left out")


class GroupFigures(BaseModel):
    """The review's figures for one group of incidents (the city, a district, an organisation)."""

    incidents: int
    notification_latency: LatencyStats = Field(description="org_received_at - occurred_at")
    response_latency: LatencyStats = Field(
        description="first contact (a scene/hospital/family_engagement action whose outcome is "
        "not a no-response reason) - org_received_at"
    )
    covered: int = Field(description="Incidents with a first contact in an approved record")
    coverage: float | None = Field(description="covered / incidents")
    notified: int = Field(0, description="Incidents with a time an organisation received them")
    victims: int = 0
    fatal: int = 0
    mediations: int = 0
    mediations_resolved: int = 0
    referrals_made: int = 0
    referrals_connected: int = 0
    no_response: dict[str, int] = Field(
        default_factory=dict, description="Incidents without a first contact, by reason"
    )


class DistrictMonth(GroupFigures):
    district: str


class OrgMonth(GroupFigures):
    org_id: str = Field(description="Figures from this organisation's own routed and recorded incidents")


class TrendMonth(BaseModel):
    month: str
    incidents: int
    covered: int
    coverage: float | None
    notification_p50_min: float | None
    response_p50_min: float | None


class MonthlyReport(BaseModel):
    """`GET /v1/cpd/monthly`. Protocol-1 clients read `month`, `timezone` and `districts` with
    their seconds fields as before; the rest is the richer review (same calculation as the
    laptop's, `cvi_desktop.monthly.monthly_review`)."""

    month: str
    timezone: str
    districts: list[DistrictMonth] = Field(
        description="Every district with incidents in the trailing six months (zeros this month too)"
    )
    total: GroupFigures | None = Field(None, description="The whole city (incidents counted once)")
    organisations: list[OrgMonth] = Field(default_factory=list)
    trend: list[TrendMonth] = Field(default_factory=list, description="Six months, oldest first")
    skipped: int = Field(
        0, description="Stored rows left out because a time in them cannot be read (old data)"
    )
    percentiles: str = "nearest-rank"
    units: str = "minutes (p50_s/p90_s: seconds, for protocol-1 clients)"


# --- supervisor ------------------------------------------------------------------------------


class AssignRequest(_Strict):
    assignee: StaffId
    base_version: Version | None = Field(
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
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
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


# A new organisation's id; `cvi-hub org add` checks the same pattern (`admin.create_org`).
ORG_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
NewOrgId = Annotated[str, Field(min_length=1, max_length=64, pattern=ORG_ID_PATTERN)]
# A reference to an existing organisation (which may predate the pattern): bounded, valid text.
OrgRef = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_display_text)]


class OrgIn(_Strict):
    id: NewOrgId
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_display_text)]


class OrgOut(BaseModel):
    id: str
    name: str
    districts: list[str]


class CoverageIn(_Strict):
    org_id: OrgRef
    district: District


class TokenIn(_Strict):
    role: TokenRole
    org_id: OrgRef | None = None
    staff_id: StaffId | None = None
    label: Text(200) = ""  # type: ignore[valid-type]
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
