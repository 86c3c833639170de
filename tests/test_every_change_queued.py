"""Every change of shared data is queued in the same transaction (issue 8, point 4).

Walks EVERY public function of every module in `cvi_desktop.services` (found by introspection,
so a function added later fails `test_every_service_function_is_walked` until it is given a
way to be called here) and runs each against a real encrypted store. The store is watched
transaction by transaction: after each outermost commit, every shared record (the S and O
columns of `fields.py`, as `sharing.org_fields` names them) that was created or changed must
have an outbox row added *in that transaction* whose frozen data is what the row holds now.
A shared row must never disappear.

What is not the laptop's to share is spelled out below with a reason each: a CPD-routed
incident's facts (they belong to CPD and reach the team through the hub), versions the hub
sent, and the "responding" status every laptop derives from response actions.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

import cvi_desktop.services as services_pkg
from cvi_desktop import outbox, sharing
from cvi_desktop.clock import ManualClock
from cvi_desktop.fields import RECORDS, Share
from cvi_desktop.fields import names as field_names
from cvi_desktop.services import (
    audit,
    casework,
    incidents,
    notifications,
    people,
    responses,
    reviews,
    settings,
    staff_refs,
    unlock,
)
from cvi_desktop.sharing import Agreement, RecordKind
from cvi_desktop.store import Store
from tests.conftest import TEST_KEY

# The tables holding a record kind that crosses the wire, by kind.
SHARED_TABLES = {
    RecordKind.INCIDENT: "incidents",
    RecordKind.RESPONSE_ACTION: "response_actions",
    RecordKind.REFERRAL: "referrals",
    RecordKind.FOLLOWUP: "followups",
    RecordKind.REVIEW: "reviews",
}
# Columns that, changed alone, are no news to anyone: the version counter is bookkeeping (a
# shared change bumps it *and* changes content; the content is what is checked).
BOOKKEEPING = {"version"}
# A CPD-routed incident's facts (its S fields) belong to CPD and reach the team through the
# hub, which refuses them from a device; its status and assignee (O) are shared from here.
CPD_FACTS = set(field_names(RECORDS[RecordKind.INCIDENT], Share.S))

Key = tuple[str, str]  # (kind, record id)


# --- watching the store ---------------------------------------------------------------------


@dataclass
class Snapshot:
    rows: dict[Key, dict[str, Any]]
    seq: int


def snapshot(store: Store) -> Snapshot:
    found: dict[Key, dict[str, Any]] = {}
    for kind, table in SHARED_TABLES.items():
        for row in store.rows(f"SELECT * FROM {table}"):
            found[(kind.value, row["id"])] = row
    return Snapshot(found, int(store.scalar("SELECT coalesce(max(seq), 0) FROM outbox")))


def shared_columns(kind: str, row: dict[str, Any]) -> list[str]:
    return [n for n in sharing.org_fields(RecordKind(kind)) if n in row and n not in BOOKKEEPING]


@dataclass
class Problem:
    function: str
    key: Key
    what: str


class WatchedStore(Store):
    """A real store that checks, after each outermost committed write, that the transaction
    queued every shared change it made. `allowed` is the current call's (kind, column) set of
    changes that are by design not the laptop's to share ("*" for all)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calling = "setup"
        self.allowed: set[tuple[str, str]] | str = set()
        self.problems: list[Problem] = []
        self.transactions = 0

    @contextmanager
    def write(self, *, kept_elsewhere: bool = False) -> Iterator[Database]:
        if self.conn.in_transaction:  # nested: joins the outer one, checked there
            with super().write(kept_elsewhere=kept_elsewhere) as db:
                yield db
            return
        before = snapshot(self)
        with super().write(kept_elsewhere=kept_elsewhere) as db:
            yield db
        self.transactions += 1
        self.problems.extend(self.unqueued(before, snapshot(self)))

    def unqueued(self, before: Snapshot, after: Snapshot) -> list[Problem]:
        problems = []
        for key in before.rows.keys() - after.rows.keys():
            problems.append(Problem(self.calling, key, "a shared row was deleted"))
        queued = {
            (r["kind"], r["record_id"]): r
            for r in self.rows(
                "SELECT * FROM outbox WHERE seq > ? AND audience = 'org' ORDER BY seq", [before.seq]
            )
        }
        for key, row in after.rows.items():
            changed = self.changed_columns(key, before.rows.get(key), row)
            if not changed:
                continue
            entry = queued.get(key)  # the newest of the record queued in this transaction
            if entry is None:
                problems.append(Problem(self.calling, key, f"changed {sorted(changed)}, queued nothing"))
                continue
            frozen = json.loads(entry["payload"])
            now = json.loads(sharing.canonical_json(sharing.org_record(RecordKind(key[0]), row)))
            if frozen["data"] != now or frozen["version"] != row.get("version", 1):
                problems.append(Problem(self.calling, key, "queued, but not what the row holds now"))
        return problems

    def changed_columns(self, key: Key, old: dict[str, Any] | None, new: dict[str, Any]) -> set[str]:
        columns = set(shared_columns(key[0], new))
        if old is not None:
            columns = {c for c in columns if old.get(c) != new.get(c)}
        if key[0] == RecordKind.INCIDENT and new.get("source") == "cpd":
            if old is None:
                return set()  # a CPD incident's first version is CPD's: it comes from the hub
            if old.get("source") == "cpd":
                columns -= CPD_FACTS
        if self.allowed == "*":
            return set()
        return {c for c in columns if (key[0], c) not in self.allowed}


# --- the walk -------------------------------------------------------------------------------


SELF_FOUND = {
    "source": "community",
    "incident_type": "nonfatal_shooting",
    "district": "011",
    "beat": "1131",
    "occurred_at": "2026-11-01T09:00:00-06:00",
    "victims_nonfatal": 1,
    "block": "4000 W Madison",
}
CPD_INCIDENT = {
    **SELF_FOUND,
    "source": "cpd",
    "rd_number": "JB100200",
    "cpd_notified_at": "2026-11-01T09:20:00-06:00",
}


@dataclass
class Ctx:
    store: WatchedStore
    ids: dict[str, str] = field(default_factory=dict)

    def call(self, name: str, fn: Callable[[], Any]) -> Any:
        """Run `fn` as a call of the service function `name` (with its allowances)."""
        self.store.calling = name
        self.store.allowed = NOT_OURS_TO_SHARE.get(name, (set(), ""))[0]
        try:
            return fn()
        finally:
            self.store.calling, self.store.allowed = "-", set()

    def version(self, table: str, name: str) -> int:
        return int(self.store.scalar(f"SELECT version FROM {table} WHERE id = ?", [self.ids[name]]))


def _inside(ctx: Ctx, fn: Callable[[Database], Any]) -> Any:
    with ctx.store.write() as db:
        return fn(db)


def _action(ctx: Ctx, incident: str = "own") -> str:
    return ctx.call(
        "responses.log_action",
        lambda: responses.log_action(
            ctx.store,
            {
                "incident_id": ctx.ids[incident],
                "action_type": "hospital",
                "started_at": ctx.store.now().isoformat(),
                "outcome": "completed",
                "staff_ids": ["sup1"],
                "retaliation_risk": "medium",
                "risk_basis": "private",
            },
        ),
    )


def _hub_version(incident_id: str, assignee: str | None) -> dict[str, Any]:
    return {
        **CPD_INCIDENT,
        "id": incident_id,
        "org_received_at": "2026-11-01T15:30:00+00:00",
        "status": "assigned" if assignee else "new",
        "assignee": assignee,
    }


def _hub_incident(ctx: Ctx) -> None:
    # The hub's next version of the CPD incident: an assignment made on the hub.
    version = ctx.version("incidents", "cpd") + 1
    incidents.apply_remote(ctx.store, _hub_version(ctx.ids["cpd"], "w1"), version)


def _hub_incident_versions(ctx: Ctx) -> None:
    version = ctx.version("incidents", "cpd")
    incidents.apply_remote_versions(
        ctx.store,
        [
            (_hub_version(ctx.ids["cpd"], None), version + 1),
            (_hub_version(ctx.ids["cpd"], "w1"), version + 2),
        ],
    )


# Every public service function, with how it is called here. (A function may be called with
# several cases; the first argument is always the seeded context.)
EXERCISES: dict[str, Callable[[Ctx], Any]] = {
    "audit.audit": lambda c: _inside(
        c, lambda db: audit.audit(c.store, db, "look", "incident", c.ids["own"])
    ),
    "audit.entries": lambda c: audit.entries(c.store, c.ids["own"]),
    "casework.add_referral": lambda c: casework.add_referral(
        c.store, {"incident_id": c.ids["own"], "category": "legal", "provider": "Legal Aid"}
    ),
    "casework.update_referral": lambda c: casework.update_referral(
        c.store, c.ids["referral"], status="connected"
    ),
    "casework.schedule_followup": lambda c: casework.schedule_followup(
        c.store,
        {"incident_id": c.ids["own"], "due_at": c.store.now().isoformat(), "kind": "call", "assignee": "w1"},
    ),
    "casework.complete_followup": lambda c: casework.complete_followup(
        c.store, c.ids["followup"], result="met"
    ),
    "casework.cancel_followup": lambda c: casework.cancel_followup(
        c.store,
        casework.schedule_followup(
            c.store, {"incident_id": c.ids["own"], "due_at": c.store.now().isoformat(), "kind": "visit"}
        ),
        reason="duplicate",
    ),
    "casework.referrals_for": lambda c: casework.referrals_for(c.store, c.ids["own"]),
    "casework.followups_for": lambda c: casework.followups_for(c.store, c.ids["own"]),
    "incidents.get": lambda c: incidents.get(c.store, c.ids["own"]),
    "incidents.find": lambda c: incidents.find(c.store, "JB100200"),
    "incidents.record_incident": lambda c: (
        incidents.record_incident(c.store, SELF_FOUND, themes=["robbery"]),
        incidents.record_incident(c.store, CPD_INCIDENT),
    ),
    "incidents.correct_incident": lambda c: (
        incidents.correct_incident(
            c.store,
            c.ids["own"],
            {"victims_nonfatal": 2, "victims_total": 2},
            base_version=c.version("incidents", "own"),
            reason="second victim",
        ),
        incidents.correct_incident(
            c.store, c.ids["cpd"], {"beat": "1132"}, base_version=c.version("incidents", "cpd"), reason="typo"
        ),
    ),
    "incidents.versions": lambda c: incidents.versions(c.store, c.ids["own"]),
    "incidents.assign": lambda c: (
        incidents.assign(c.store, c.ids["own"], "w1"),
        incidents.assign(c.store, c.ids["cpd"], "w1"),
    ),
    "incidents.set_status": lambda c: (
        incidents.set_status(c.store, c.ids["own"], "closed"),
        incidents.set_status(c.store, c.ids["cpd"], "responding"),
    ),
    "incidents.set_themes": lambda c: incidents.set_themes(c.store, c.ids["own"], ["domestic"]),
    "incidents.themes": lambda c: incidents.themes(c.store, c.ids["own"]),
    "incidents.apply_remote": _hub_incident,
    "incidents.apply_remote_versions": _hub_incident_versions,
    "notifications.record": lambda c: notifications.record(c.store, c.ids["cpd"]),
    "notifications.mark_opened": lambda c: notifications.mark_opened(c.store, c.ids["cpd"]),
    "notifications.unopened": lambda c: notifications.unopened(c.store),
    "people.add_participant": lambda c: people.add_participant(
        c.store, {"incident_id": c.ids["own"], "first_name": "Private", "phone": "773-555-0100"}
    ),
    "people.add_note": lambda c: people.add_note(c.store, {"incident_id": c.ids["own"], "body": "private"}),
    "people.participants_for": lambda c: people.participants_for(c.store, c.ids["own"]),
    "people.notes_for": lambda c: people.notes_for(c.store, c.ids["own"]),
    "people.add_staff": lambda c: people.add_staff(c.store, {"id": "w2", "display_name": "Worker Two"}),
    "people.staff": lambda c: people.staff(c.store),
    "people.active_staff": lambda c: people.active_staff(c.store),
    "people.apply_team": lambda c: people.apply_team(
        c.store,
        [
            {"id": "sup1", "display_name": "Sup", "role": "supervisor"},
            {"id": "w1", "display_name": "Worker One (renamed)", "role": "worker"},
        ],
    ),
    "responses.mark_responding": lambda c: _inside(c, lambda db: responses.mark_responding(db, c.ids["own"])),
    "responses.log_action": lambda c: (_action(c), _action(c, "cpd")),
    "responses.get": lambda c: responses.get(c.store, c.ids["action"]),
    "responses.can_edit": lambda c: responses.can_edit(c.store, responses.get(c.store, c.ids["action"])),
    "responses.correct_action": lambda c: responses.correct_action(
        c.store, c.ids["action"], {"outcome": "partial"}
    ),
    "responses.resolve_flag": lambda c: responses.resolve_flag(c.store, c.ids["flagged"], "keep"),
    "responses.is_ongoing": lambda c: responses.is_ongoing(responses.get(c.store, c.ids["action"])),
    "responses.end_action": lambda c: responses.end_action(
        c.store,
        responses.log_action(
            c.store,
            {"incident_id": c.ids["own"], "action_type": "scene", "started_at": c.store.now().isoformat(),
             "outcome": "ongoing", "staff_ids": ["sup1"]},
        ),
        c.store.now().isoformat(),
        "completed",
    ),
    "responses.history": lambda c: responses.history(c.store, c.ids["action"]),
    # The lock screen's PIN: a laptop-only setting, never shared.
    "unlock.has_pin": lambda c: unlock.has_pin(c.store),
    "unlock.set_pin": lambda c: unlock.set_pin(c.store, "4821"),
    "unlock.tries_left": lambda c: unlock.tries_left(c.store),
    "unlock.verify_pin": lambda c: (unlock.verify_pin(c.store, "0000"), unlock.verify_pin(c.store, "4821")),
    "unlock.reset_tries": lambda c: unlock.reset_tries(c.store),
    "unlock.clear_pin": lambda c: unlock.clear_pin(c.store),
    "responses.for_incident": lambda c: responses.for_incident(c.store, c.ids["own"]),
    "responses.last_action_type": lambda c: responses.last_action_type(c.store, "sup1"),
    "reviews.covered_refs": lambda c: reviews.covered_refs(c.store, c.ids["own"]),
    "reviews.review": lambda c: (
        reviews.review(
            c.store, {"incident_id": c.ids["own"], "state": "has_issues", "comment": "add the referral"}
        ),
        reviews.review(c.store, {"incident_id": c.ids["own"], "state": "approved"}),
    ),
    "reviews.preview": lambda c: reviews.preview(c.store, c.ids["own"]),
    "reviews.latest": lambda c: reviews.latest(c.store, c.ids["own"]),
    "reviews.history": lambda c: reviews.history(c.store, c.ids["own"]),
    "reviews.status": lambda c: reviews.status(c.store, c.ids["own"]),
    "settings.get_value": lambda c: settings.get_value(c.store, "agreement.share_block"),
    "settings.set_value": lambda c: settings.set_value(c.store, "ui.last_tab", "queue"),
    "settings.agreement": lambda c: settings.agreement(c.store),
    "settings.set_agreement": lambda c: settings.set_agreement(c.store, Agreement(share_block=True)),
    "settings.identity": lambda c: settings.identity(c.store),
    "settings.set_identity": lambda c: settings.set_identity(
        c.store,
        {
            "org_id": "org1",
            "org_name": "Org One",
            "role": "supervisor",
            "staff_id": "sup1",
            "display_name": "Sup (renamed)",
        },
    ),
    "settings.may_supervise": lambda c: settings.may_supervise(c.store, strict=True),
    "staff_refs.ensure_staff": lambda c: _inside(c, lambda db: staff_refs.ensure_staff(db, "w9")),
}

# Changes a function makes that are, by design, not this laptop's to share, with the reason.
NOT_OURS_TO_SHARE: dict[str, tuple[set[tuple[str, str]] | str, str]] = {
    "incidents.apply_remote": ("*", "applies a version the hub sent: the hub already holds it"),
    "incidents.apply_remote_versions": ("*", "applies versions the hub sent: the hub already holds them"),
    "responses.mark_responding": (
        {("incident", "status")},
        "'responding' is derived on every laptop from the incident's response "
        "actions, which are shared (replica.py marks pulled ones the same way)",
    ),
    "responses.log_action": ({("incident", "status")}, "marks the incident responding: see mark_responding"),
}


def public_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.iter_modules(services_pkg.__path__):
        module = importlib.import_module(f"{services_pkg.__name__}.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if not name.startswith("_") and fn.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = fn
    return found


@pytest.fixture
def watched(tmp_path: Path, store_template: Path, clock: ManualClock) -> Iterator[Ctx]:
    path = tmp_path / "profile" / "cvi.db"
    path.parent.mkdir()
    shutil.copy(store_template, path)
    store = WatchedStore(path, TEST_KEY, clock=clock, actor="sup1")
    ctx = Ctx(store)
    # Seeding goes through the services too, so it is watched like everything else.
    settings.set_identity(
        store,
        {
            "org_id": "org1",
            "org_name": "Org One",
            "role": "supervisor",
            "staff_id": "sup1",
            "display_name": "Sup",
        },
    )
    people.add_staff(store, {"id": "sup1", "display_name": "Sup", "role": "supervisor"})
    people.add_staff(store, {"id": "w1", "display_name": "Worker One"})
    ctx.ids["own"] = incidents.record_incident(store, SELF_FOUND)
    ctx.ids["cpd"] = incidents.record_incident(store, CPD_INCIDENT)
    ctx.ids["action"] = _action(ctx)
    ctx.ids["flagged"] = _action(ctx)
    # The hub's flag arrives the way the engine records it.
    outbox.settle(store, outbox.Settlement(flags=[(ctx.ids["flagged"], "incident_reassigned")]), store.now())
    ctx.ids["referral"] = casework.add_referral(store, {"incident_id": ctx.ids["own"], "category": "medical"})
    ctx.ids["followup"] = casework.schedule_followup(
        store, {"incident_id": ctx.ids["own"], "due_at": store.now().isoformat(), "kind": "call"}
    )
    try:
        yield ctx
    finally:
        store.close()


def test_every_service_function_is_walked() -> None:
    found = set(public_functions())
    missing = sorted(found - set(EXERCISES))
    assert not missing, f"give these service functions a call in EXERCISES: {missing}"
    assert not set(EXERCISES) - found, "EXERCISES names functions that no longer exist"
    assert set(NOT_OURS_TO_SHARE) <= found


def test_every_change_of_shared_data_is_queued_in_its_transaction(watched: Ctx) -> None:
    store = watched.store
    assert not store.problems, store.problems
    for name in sorted(public_functions()):
        watched.call(name, lambda n=name: EXERCISES[n](watched))
    assert store.transactions > 40  # the walk really wrote
    assert not store.problems, "\n".join(f"{p.function}: {p.key} {p.what}" for p in store.problems)


def test_the_watch_catches_a_change_that_queues_nothing(watched: Ctx) -> None:
    # The check itself: a write of shared data with no outbox row, or with a stale one, fails.
    store = watched.store
    store.calling = "unqueued"
    with store.write() as db:
        db.execute(
            "UPDATE referrals SET provider = 'Changed', version = version + 1 WHERE id = ?",
            [watched.ids["referral"]],
        )
    store.calling = "split"
    with store.write() as db:  # the domain change in one transaction ...
        db.execute("UPDATE followups SET result = 'x' WHERE id = ?", [watched.ids["followup"]])
    casework.complete_followup(store, watched.ids["followup"], result="y")  # ... a queue in another
    assert [(p.function, p.key[0]) for p in store.problems] == [
        ("unqueued", "referral"),
        ("split", "followup"),
    ]


def test_a_correction_of_a_self_found_incident_is_queued_and_a_cpd_one_is_not(watched: Ctx) -> None:
    store = watched.store
    own, cpd = watched.ids["own"], watched.ids["cpd"]
    v = incidents.correct_incident(
        store, own, {"block": "4100 W Madison"}, base_version=watched.version("incidents", "own")
    )
    queued = outbox.latest_payload(store, RecordKind.INCIDENT, own)
    assert (
        queued is not None
        and queued["version"] == v
        and queued["payload"]["data"]["block"] == "4100 W Madison"
    )
    before = outbox.counts(store)
    incidents.correct_incident(store, cpd, {"beat": "1132"}, base_version=watched.version("incidents", "cpd"))
    assert outbox.counts(store) == before  # CPD's facts reach the team through the hub
    assert not store.problems, store.problems
