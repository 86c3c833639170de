"""Thin UI actions: one function per thing a user does, keyword-only arguments, one core call
run on the store writer thread, success and failure callbacks on the GUI thread.

Modelled on Anki's `CollectionOp`: the function names the user's intent, the core does the
work, and the UI's only job afterwards is to say so (`events.data_changed`) and nudge sync.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cvi_desktop import queries

from .context import AppContext

if TYPE_CHECKING:
    from cvi_desktop import outbox, sharing
    from cvi_desktop.services import casework, incidents, people, responses, reviews, settings
    from cvi_desktop.store import Store
else:

    class _OnFirstUse:
        """A core module imported when an action first uses it, which is always on the store
        thread: the services pull in sqlite-utils and the domain, and the window should paint
        before any of that loads."""

        def __init__(self, name: str) -> None:
            self._name = name
            self._module: ModuleType | None = None

        def __getattr__(self, attr: str) -> Any:
            if self._module is None:
                self._module = importlib.import_module(self._name)
            return getattr(self._module, attr)

    casework, incidents, people, responses, reviews, settings = (
        _OnFirstUse(f"cvi_desktop.services.{name}")
        for name in ("casework", "incidents", "people", "responses", "reviews", "settings")
    )
    outbox, sharing = _OnFirstUse("cvi_desktop.outbox"), _OnFirstUse("cvi_desktop.sharing")

Done = Callable[[Any], None] | None
Failed = Callable[[BaseException], None] | None


def _changed(ctx: AppContext, incident_id: str, on_success: Done) -> Callable[[Any], None]:
    def done(result: Any) -> None:
        ctx.events.data_changed.emit(incident_id)
        ctx.request_sync()  # saving never waits on the network; sharing starts right after
        if on_success is not None:
            on_success(result)

    return done


def _write(
    ctx: AppContext, incident_id: str, fn: Callable[[Any], Any], on_success: Done, on_failure: Failed
) -> None:
    """Run one core write on the store thread; on success tell the views and start sharing."""
    ctx.tasks.store_op(fn, on_success=_changed(ctx, incident_id, on_success), on_failure=on_failure)


# --- writes ------------------------------------------------------------------------------------


def log_response(
    *,
    ctx: AppContext,
    incident_id: str,
    data: dict[str, Any],
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    payload = {**data, "incident_id": incident_id}
    _write(ctx, incident_id, lambda s: responses.log_action(s, payload), on_success, on_failure)


def add_referral(
    *,
    ctx: AppContext,
    incident_id: str,
    category: str,
    provider: str = "",
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    data = {"incident_id": incident_id, "category": category, "provider": provider}
    _write(ctx, incident_id, lambda s: casework.add_referral(s, data), on_success, on_failure)


def update_referral(
    *,
    ctx: AppContext,
    incident_id: str,
    referral_id: str,
    status: str,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    _write(
        ctx,
        incident_id,
        lambda s: casework.update_referral(s, referral_id, status=status),
        on_success,
        on_failure,
    )


def schedule_followup(
    *,
    ctx: AppContext,
    incident_id: str,
    due_at: Any,
    kind: str,
    assignee: str | None = None,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    data = {"incident_id": incident_id, "due_at": due_at, "kind": kind, "assignee": assignee or ctx.actor}
    _write(ctx, incident_id, lambda s: casework.schedule_followup(s, data), on_success, on_failure)


def complete_followup(
    *,
    ctx: AppContext,
    incident_id: str,
    followup_id: str,
    result: str,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    _write(
        ctx,
        incident_id,
        lambda s: casework.complete_followup(s, followup_id, result=result),
        on_success,
        on_failure,
    )


def add_participant(
    *,
    ctx: AppContext,
    incident_id: str,
    data: dict[str, Any],
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    payload = {**data, "incident_id": incident_id}
    _write(ctx, incident_id, lambda s: people.add_participant(s, payload), on_success, on_failure)


def add_note(
    *, ctx: AppContext, incident_id: str, body: str, on_success: Done = None, on_failure: Failed = None
) -> None:
    data = {"incident_id": incident_id, "body": body}
    _write(ctx, incident_id, lambda s: people.add_note(s, data), on_success, on_failure)


def assign_incident(
    *,
    ctx: AppContext,
    incident_id: str,
    assignee: str | None,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    _write(ctx, incident_id, lambda s: incidents.assign(s, incident_id, assignee), on_success, on_failure)


def set_status(
    *, ctx: AppContext, incident_id: str, status: str, on_success: Done = None, on_failure: Failed = None
) -> None:
    _write(ctx, incident_id, lambda s: incidents.set_status(s, incident_id, status), on_success, on_failure)


def review_incident(
    *,
    ctx: AppContext,
    incident_id: str,
    state: str,
    comment: str = "",
    covers: list[dict[str, Any]] | None = None,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    """`covers`: the records the supervisor was shown; the core refuses if they changed since."""
    data: dict[str, Any] = {"incident_id": incident_id, "state": state, "comment": comment}
    if covers is not None:
        data["covers"] = covers
    _write(ctx, incident_id, lambda s: reviews.review(s, data), on_success, on_failure)


def correct_response(
    *,
    ctx: AppContext,
    incident_id: str,
    action_id: str,
    changes: dict[str, Any],
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    """A new version of a response action (its author's or a supervisor's correction)."""
    _write(
        ctx, incident_id, lambda s: responses.correct_action(s, action_id, changes), on_success, on_failure
    )


def end_response(
    *,
    ctx: AppContext,
    incident_id: str,
    action_id: str,
    ended_at: Any,
    outcome: str,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    """End a response logged as still going: its end time and final outcome (a new version)."""
    _write(
        ctx,
        incident_id,
        lambda s: responses.end_action(s, action_id, ended_at, outcome),
        on_success,
        on_failure,
    )


def resolve_flag(
    *,
    ctx: AppContext,
    incident_id: str,
    action_id: str,
    resolution: str,
    on_success: Done = None,
    on_failure: Failed = None,
) -> None:
    """Supervisor: keep an action logged after reassignment with its author, or move its
    follow-through to the incident's current assignee (`resolution` "keep" or "move")."""
    _write(
        ctx, incident_id, lambda s: responses.resolve_flag(s, action_id, resolution), on_success, on_failure
    )


def retry_quarantined(
    *, ctx: AppContext, seq: int, incident_id: str = "", on_success: Done = None, on_failure: Failed = None
) -> None:
    _write(ctx, incident_id, lambda s: outbox.retry_quarantined(s, seq), on_success, on_failure)


# --- reads -------------------------------------------------------------------------------------


@dataclass
class IncidentDetail:
    incident: dict[str, Any]
    versions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    referrals: list[dict[str, Any]]
    followups: list[dict[str, Any]]
    participants: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    themes: list[str]
    review: dict[str, Any] | None
    staff: list[dict[str, Any]]
    last_action_type: str | None
    sync_state: str | None
    # The exact frozen CPD payload if one was queued (what the sync sends), else None.
    cpd_sent: dict[str, Any] | None
    # What CPD would see if a supervisor approved now, built by the same allowlist.
    cpd_preview: dict[str, Any] = field(default_factory=dict)
    # `reviews.status`: state ("approved", "has_issues", "changed_since_approval", ...), comment,
    # reviewer and reviewer_name, at.
    review_status: dict[str, Any] = field(default_factory=dict)
    # Ids of the actions, referrals and follow-ups this laptop's person may correct
    # (`responses.can_edit`: their own, or any for a supervisor). Everything else is read-only.
    editable: frozenset[str] = frozenset()


def read_incident_detail(store: Store, incident_id: str, actor: str) -> IncidentDetail:
    incident = incidents.get(store, incident_id)
    actions = responses.for_incident(store, incident_id)
    refs = casework.referrals_for(store, incident_id)
    fups = casework.followups_for(store, incident_id)
    tags = incidents.themes(store, incident_id)
    return IncidentDetail(
        incident=incident,
        versions=incidents.versions(store, incident_id),
        actions=actions,
        referrals=refs,
        followups=fups,
        participants=people.participants_for(store, incident_id),
        notes=people.notes_for(store, incident_id),
        themes=tags,
        review=reviews.latest(store, incident_id),
        staff=people.staff(store),
        last_action_type=responses.last_action_type(store, actor),
        sync_state=outbox.incident_states(store, [incident_id]).get(incident_id),
        cpd_sent=outbox.latest_payload(store, sharing.RecordKind.RESPONSE_RECORD, incident_id),
        cpd_preview=sharing.response_record(incident, actions, refs, fups, tags, settings.agreement(store)),
        review_status=reviews.status(store, incident_id),
        editable=frozenset(str(r["id"]) for r in (*actions, *refs, *fups) if responses.can_edit(store, r)),
    )


def load_incident(*, ctx: AppContext, incident_id: str, on_success: Done, on_failure: Failed = None) -> None:
    ctx.tasks.store_op(
        lambda s: read_incident_detail(s, incident_id, ctx.actor),
        on_success=on_success,
        on_failure=on_failure,
    )


@dataclass
class SyncSnapshot:
    counts: dict[str, int]
    waiting: list[dict[str, Any]]
    quarantined: list[dict[str, Any]]
    last_shared_at: str | None


def read_sync_snapshot(store: Store, with_rows: bool = True) -> SyncSnapshot:
    return SyncSnapshot(
        counts=outbox.counts(store),
        waiting=outbox.waiting(store) if with_rows else [],
        quarantined=outbox.quarantined(store) if with_rows else [],
        last_shared_at=outbox.last_acknowledged_at(store),
    )


def load_sync_snapshot(
    *, ctx: AppContext, with_rows: bool, on_success: Done, on_failure: Failed = None
) -> None:
    ctx.tasks.store_op(
        lambda s: read_sync_snapshot(s, with_rows), on_success=on_success, on_failure=on_failure
    )


def load_staff(*, ctx: AppContext, on_success: Done, on_failure: Failed = None) -> None:
    ctx.tasks.store_op(lambda s: people.staff(s), on_success=on_success, on_failure=on_failure)


@dataclass
class Page:
    generation: int
    offset: int
    limit: int
    rows: list[dict[str, Any]]
    states: dict[str, str]


def read_incident_page(
    store: Store, f: queries.IncidentFilter, *, generation: int, offset: int, limit: int
) -> Page:
    """One page of the queue with each row's sync badge state (no count: see `count_incidents`)."""
    rows = queries.incident_page(store, f, offset=offset, limit=limit)
    states = outbox.incident_states(store, [r["id"] for r in rows])
    return Page(generation, offset, limit, rows, states)


def count_incidents(store: Store, f: queries.IncidentFilter) -> int:
    return queries.incident_count(store, f)
