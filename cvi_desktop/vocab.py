"""The product's fixed vocabularies: every code stored, sent and shown, language-neutral.

Labels for people live in the UI (and its translations); these values never change meaning
once shipped, since profiles and the hub have stored them.
"""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    CPD = "cpd"
    HOSPITAL = "hospital"
    COMMUNITY = "community"
    SELF = "self"
    # Imported from the city data portal's public victims data set (`city_data.py`): each
    # laptop imports it itself, so its facts are not sent to the hub from here.
    CITY_DATA = "city_data"


class IncidentType(StrEnum):
    FATAL_SHOOTING = "fatal_shooting"
    NONFATAL_SHOOTING = "nonfatal_shooting"
    NONSHOOTING_HOMICIDE = "nonshooting_homicide"
    SHOTS_FIRED_NO_INJURY = "shots_fired_no_injury"
    OTHER = "other"


class IncidentStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    RESPONDING = "responding"
    CLOSED = "closed"
    NO_RESPONSE = "no_response"


class LocationType(StrEnum):
    STREET = "street"
    RESIDENCE = "residence"
    VEHICLE = "vehicle"
    BUSINESS = "business"
    PARK = "park"
    SCHOOL = "school"
    TRANSIT = "transit"
    OTHER = "other"


class AgeBand(StrEnum):
    UNDER_18 = "under_18"
    AGE_18_24 = "18_24"
    AGE_25_34 = "25_34"
    AGE_35_44 = "35_44"
    AGE_45_PLUS = "45_plus"
    UNKNOWN = "unknown"


class ActionType(StrEnum):
    SCENE = "scene"
    HOSPITAL = "hospital"
    VICTIM_ENGAGEMENT = "victim_engagement"
    FAMILY_ENGAGEMENT = "family_engagement"
    MEDIATION = "mediation"
    CANVASS_RUMOR_CONTROL = "canvass_rumor_control"
    VIGIL_FUNERAL = "vigil_funeral"
    COMMUNITY_EVENT = "community_event"
    REFERRAL = "referral"
    FOLLOWUP_CONTACT = "followup_contact"
    OTHER = "other"


# The first contacts that count for response latency and coverage in the monthly review.
QUALIFYING_ACTIONS = (ActionType.SCENE, ActionType.HOSPITAL, ActionType.FAMILY_ENGAGEMENT)


class Outcome(StrEnum):
    COMPLETED = "completed"
    PARTIAL = "partial"
    UNABLE_UNSAFE = "unable_unsafe"
    UNABLE_POLICE_RESTRICTION = "unable_police_restriction"
    UNABLE_NO_STAFF = "unable_no_staff"
    DECLINED = "declined"
    NOT_LOCATED = "not_located"
    # Still going: no final outcome until the action is ended (`responses.end_action`). Last,
    # so the codes above keep their places.
    ONGOING = "ongoing"


# The outcomes that end an action (everything but "ongoing").
FINAL_OUTCOMES = tuple(o for o in Outcome if o is not Outcome.ONGOING)


class MediationResult(StrEnum):
    RESOLVED = "resolved"
    ONGOING = "ongoing"
    ESCALATED = "escalated"
    UNKNOWN = "unknown"


class RiskLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReferralCategory(StrEnum):
    MENTAL_HEALTH = "mental_health"
    VICTIM_SERVICES = "victim_services"
    MEDICAL = "medical"
    RELOCATION = "relocation"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    LEGAL = "legal"
    FUNERAL = "funeral"
    SUBSTANCE_USE = "substance_use"
    BASIC_NEEDS = "basic_needs"
    OTHER = "other"


class ReferralStatus(StrEnum):
    MADE = "made"
    CONNECTED = "connected"
    DECLINED = "declined"
    CLOSED = "closed"


class FollowupKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    HOSPITAL_VISIT = "hospital_visit"
    REFERRAL_CHECK = "referral_check"
    OTHER = "other"


class ReviewState(StrEnum):
    APPROVED = "approved"
    HAS_ISSUES = "has_issues"
    REJECTED = "rejected"


class ThemeTag(StrEnum):
    """Fixed vocabulary for the monthly review. Never group or gang affiliation."""

    INTERPERSONAL_DISPUTE = "interpersonal_dispute"
    DOMESTIC = "domestic"
    ROBBERY = "robbery"
    RETALIATION_CONCERN = "retaliation_concern"
    YOUTH_INVOLVED = "youth_involved"
    REPEAT_LOCATION = "repeat_location"
    COMMUNITY_TENSION = "community_tension"
    HOSPITAL_RESPONSE = "hospital_response"
    UNKNOWN = "unknown"


class Role(StrEnum):
    WORKER = "worker"
    SUPERVISOR = "supervisor"


class FlagResolution(StrEnum):
    """A supervisor's answer to a response logged after its incident was reassigned."""

    KEPT = "kept"  # the response stays with the worker who logged it
    MOVED = "moved"  # its follow-through moves to the incident's new assignee


class RecordKind(StrEnum):
    RESPONSE_RECORD = "response_record"  # CPD's projection of an approved incident response
    INCIDENT = "incident"
    RESPONSE_ACTION = "response_action"
    REFERRAL = "referral"
    FOLLOWUP = "followup"
    REVIEW = "review"
