"""The wire models of record data, built from the one field table (`cvi_desktop/fields.py`).

For each (audience, kind) the hub accepts, a pydantic model with exactly the fields the sharing
allowlist sends (S for CPD, S+O for the organisation), each typed and bounded as its
description says, and `extra="forbid"`: the hub refuses any field the device must never send,
even if a device bug let one through. Adding a field to `fields.py` adds it here; nothing in
this module names a record field.

The constrained scalar types (`Instant`, `District`, ...) live here too, and `protocol.py`
uses them for the other bodies (notifications, push envelopes). Their bounds are the field
table's (`fields.instant_problem`, `fields.text_problem`, `fields.MAX_INT`, ASCII-digit
patterns), so the hub refuses exactly what the laptop would refuse; the rules tying fields
together (`domain.incident_rules`, `domain.action_rules`) run as model validators, and their
errors carry the field they name in `ctx["field"]`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, create_model, model_validator
from pydantic_core import PydanticCustomError

from cvi_desktop import domain
from cvi_desktop import fields as F
from cvi_desktop.errors import ValidationError as _FieldRefused
from cvi_desktop.fields import MAX_INT, VALID_DISTRICTS, Kind, Share
from cvi_desktop.sharing import Agreement as _Agreement
from cvi_desktop.sharing import Audience, RecordKind, cpd_incident_fields, org_fields
from cvi_desktop.vocab import ThemeTag


def _instant_within(trusted_now: bool) -> Any:
    """A check of ISO-8601 text with an offset in the field table's window; with `trusted_now`
    also at most `fields.AHEAD` past the hub's now (for times from a clock that is right)."""

    def check(value: str) -> str:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("not an ISO-8601 time") from None
        not_after = datetime.now(UTC) + F.AHEAD if trusted_now else None
        problem = F.instant_problem(parsed, not_after)
        if problem is not None:
            raise ValueError(problem)
        return value  # as sent: the hub never rewrites pushed data

    return check


def _text(value: str) -> str:
    problem = F.text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _district(value: str) -> str:
    if value not in VALID_DISTRICTS:
        raise ValueError("not a Chicago police district code (3 digits, e.g. 011)")
    return value


# A time a laptop recorded: 2000-01-01 .. 2100-01-01, offset within +/-14 h (fields.instant_problem);
# not bounded by the hub's now, as a laptop's clock may be off and the product tolerates that.
Instant = Annotated[str, Field(max_length=F.MAX_INSTANT_TEXT), AfterValidator(_instant_within(False))]
# A time CPD reports (its systems' clocks are right): also at most a day past the hub's now.
CpdInstant = Annotated[str, Field(max_length=F.MAX_INSTANT_TEXT), AfterValidator(_instant_within(True))]
# Patterns spell digits [0-9]: `\d` would take any Unicode digit.
District = Annotated[str, Field(pattern=r"^[0-9]{3}$"), AfterValidator(_district)]
Beat = Annotated[str, Field(pattern=F.BEAT.pattern)]
RdNumber = Annotated[str, Field(pattern=F.RD_NUMBER.pattern)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_INT)]
Version = Annotated[int, Strict(), Field(ge=1, le=MAX_INT)]
BaseVersion = Annotated[int, Strict(), Field(ge=0, le=MAX_INT)]
RecordId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
# Free text: bounded, and valid Unicode (a lone surrogate is valid JSON but cannot be stored).
StaffId = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_text)]


def Text(max_length: int) -> Any:  # noqa: N802 - a type, spelt like one
    return Annotated[str, Field(max_length=max_length), AfterValidator(_text)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Strict_(BaseModel):
    """Every request body refuses fields it does not know."""

    model_config = ConfigDict(extra="forbid")


def apply_rules(kind: RecordKind, model: BaseModel) -> None:
    """Run the domain's cross-field rules for `kind` on a validated model; a refusal becomes a
    pydantic error whose ctx names the field (`field`), as a per-field error's loc would."""
    try:
        domain.wire_rules(kind, {name: getattr(model, name) for name in type(model).model_fields})
    except _FieldRefused as exc:
        raise PydanticCustomError(
            "cross_field", "{field}: {reason}", {"field": exc.field, "reason": exc.reason}
        ) from None


class IncidentRules(Strict_):
    """An incident body: the fields together follow `domain.incident_rules`."""

    @model_validator(mode="after")
    def _rules(self) -> IncidentRules:
        apply_rules(RecordKind.INCIDENT, self)
        return self


class ActionRules(Strict_):
    """A response action body: the fields together follow `domain.action_rules`."""

    @model_validator(mode="after")
    def _rules(self) -> ActionRules:
        apply_rules(RecordKind.RESPONSE_ACTION, self)
        return self


_BASES: dict[RecordKind, type[Strict_]] = {
    RecordKind.INCIDENT: IncidentRules, RecordKind.RESPONSE_ACTION: ActionRules,
}


class RecordRef(Strict_):
    """One exact record version, as a review names what it covers."""

    kind: RecordKind
    id: RecordId
    version: Version


def _wire_type(spec: F.Field) -> Any:
    if spec.kind is Kind.ID:
        return RecordId
    if spec.kind is Kind.TEXT:
        return Text(spec.max_length or 10_000)
    if spec.kind is Kind.INT:
        high = MAX_INT if spec.maximum is None else spec.maximum
        return Annotated[int, Strict(), Field(ge=spec.minimum, le=high)]
    if spec.kind is Kind.VERSION:
        return Version
    if spec.kind is Kind.INSTANT:
        return Instant
    if spec.kind is Kind.ENUM:
        return spec.enum
    if spec.kind is Kind.ENUM_LIST:
        return Annotated[list[spec.enum], Field(max_length=100)]  # type: ignore[name-defined]
    if spec.kind is Kind.STAFF:
        return StaffId
    if spec.kind is Kind.STAFF_LIST:
        return Annotated[list[StaffId], Field(max_length=100)]
    if spec.kind is Kind.RD_NUMBER:
        return RdNumber
    if spec.kind is Kind.DISTRICT:
        return District
    if spec.kind is Kind.BEAT:
        return Beat
    if spec.kind is Kind.REFS:
        return Annotated[list[RecordRef], Field(max_length=10_000)]
    # FLOAT and BOOL fields are share class L today; one declared S or O needs a wire type here.
    raise TypeError(f"field {spec.name!r} of kind {spec.kind} has no wire type")


def data_model(name: str, kind: RecordKind, names: tuple[str, ...], doc: str) -> type[BaseModel]:
    """A strict model with exactly `names` of `kind`'s described fields."""
    specs = F.by_name(F.RECORDS[kind])
    definitions: dict[str, Any] = {}
    for field_name in names:
        spec = specs[field_name]
        assert spec.share is not Share.L, f"{kind}.{field_name} is share class L"
        wire = _wire_type(spec)
        definitions[field_name] = (wire, ...) if spec.required else (wire | None, None)
    base = _BASES.get(kind, Strict_)
    model: type[BaseModel] = create_model(name, __base__=base, __doc__=doc, **definitions)
    return model


def _s(kind: RecordKind) -> tuple[str, ...]:
    return F.names(F.RECORDS[kind], Share.S)


IncidentS = data_model(
    "IncidentS", RecordKind.INCIDENT, cpd_incident_fields(_Agreement(share_block=False)),
    "What CPD may see of an incident (share class S, without agreement-gated fields).")
CpdIncident = data_model(
    "CpdIncident", RecordKind.INCIDENT, _s(RecordKind.INCIDENT),
    "An incident as CPD receives it: S, with agreement-gated fields (block) when agreed.")
OrgIncident = data_model(
    "OrgIncident", RecordKind.INCIDENT, org_fields(RecordKind.INCIDENT),
    "audience org, kind incident: share classes S and O.")
ActionS = data_model("ActionS", RecordKind.RESPONSE_ACTION, _s(RecordKind.RESPONSE_ACTION),
                     "A response action as CPD receives it (share class S).")
OrgAction = data_model("OrgAction", RecordKind.RESPONSE_ACTION, org_fields(RecordKind.RESPONSE_ACTION),
                       "audience org, kind response_action: share classes S and O.")
ReferralS = data_model("ReferralS", RecordKind.REFERRAL, _s(RecordKind.REFERRAL),
                       "A referral as CPD receives it (share class S).")
OrgReferral = data_model("OrgReferral", RecordKind.REFERRAL, org_fields(RecordKind.REFERRAL),
                         "audience org, kind referral: share classes S and O.")
OrgFollowup = data_model("OrgFollowup", RecordKind.FOLLOWUP, org_fields(RecordKind.FOLLOWUP),
                         "audience org, kind followup (share class O; CPD sees only timeliness).")
OrgReview = data_model("OrgReview", RecordKind.REVIEW, org_fields(RecordKind.REVIEW),
                       "audience org, kind review: the decision and exactly the records it covers.")


class FollowupTimeliness(Strict_):
    scheduled: Count
    done_on_time: Count


class ResponseRecordData(Strict_):
    """audience cpd, kind response_record: CPD's projection of one approved incident response.

    The incident carries agreement-gated fields (block) only if the organisation's agreement
    allows them; the hub validates an organisation without that term against
    `ResponseRecordDataS`, which refuses them (see `cpd_data_model`)."""

    incident: CpdIncident  # type: ignore[valid-type]
    actions: Annotated[list[ActionS], Field(max_length=10_000)]  # type: ignore[valid-type]
    referrals: Annotated[list[ReferralS], Field(max_length=10_000)]  # type: ignore[valid-type]
    themes: Annotated[list[ThemeTag], Field(max_length=100)]
    followups: FollowupTimeliness


class ResponseRecordDataS(ResponseRecordData):
    """CPD's projection for an organisation whose agreement allows no gated field."""

    incident: IncidentS  # type: ignore[valid-type]


def cpd_data_model(agreement: _Agreement) -> type[BaseModel]:
    """The response_record model for an organisation with this agreement (as the laptop picks
    the incident's fields with `sharing.cpd_incident_fields`)."""
    return ResponseRecordData if agreement.share_block else ResponseRecordDataS


# Which (audience, kind) pairs the hub accepts, and the model their `data` must fit.
DATA_MODELS: dict[tuple[Audience, RecordKind], type[BaseModel]] = {
    (Audience.CPD, RecordKind.RESPONSE_RECORD): ResponseRecordData,
    (Audience.ORG, RecordKind.INCIDENT): OrgIncident,
    (Audience.ORG, RecordKind.RESPONSE_ACTION): OrgAction,
    (Audience.ORG, RecordKind.REFERRAL): OrgReferral,
    (Audience.ORG, RecordKind.FOLLOWUP): OrgFollowup,
    (Audience.ORG, RecordKind.REVIEW): OrgReview,
}

__all__ = [
    "DATA_MODELS", "ActionS", "BaseVersion", "Beat", "Count", "CpdIncident", "District",
    "FollowupTimeliness", "IncidentRules", "Instant", "OrgAction", "OrgFollowup", "OrgIncident",
    "OrgReferral", "OrgReview", "RdNumber", "RecordId", "RecordRef", "ReferralS", "ResponseRecordData",
    "ResponseRecordDataS", "CpdInstant",
    "Sha256", "StaffId", "Strict_", "Text", "Version", "apply_rules", "cpd_data_model",
]
