"""The demo's team: simulated teammates whose work reaches the demo laptop only through the hub.

An organisation is a supervisor and several workers, each with their own laptop and token. In
the demo the person at the keyboard is the supervisor, Renee Williams (`s-williams`); her four
workers are simulated here as real headless laptops: each has its own encrypted `Store` (a
throwaway file under the demo folder, its random key held only in memory), its own token and its
own `SyncEngine`, and does a worker's job through the core services only — sync, take or pick up
an incident, log responses (scene, hospital, family, mediation), add referrals and follow-ups,
keep private participants and notes (share class L: they never leave that laptop, the allowlist
sees to it), and correct a response after a "has issues" review.

    server, org = start_demo_hub(folder)
    team = DemoTeam(server, org, folder)
    team.back_fill(now)          # about a month of history, through the hub
    team.step(datetime.now(UTC))  # one tick of live work; call every few seconds

`back_fill` replays about a month: CPD notifications are posted to the hub as CPD would (the
hub's own service function, as the demo's CPD does), Renee's office desktop (a second laptop of
hers, with its own supervisor token) assigns some and reviews older ones, and the teammates
respond and sync. The demo laptop itself starts empty, so its first sync pulls the team's
history, with the last two days' work waiting for review.

Behaviour is deterministic for a seed (one `random.Random`); record ids and the hub's receipt
times are not, as in real use. Nothing here imports Qt: the UI runs `step` on a background
thread, and the tests drive it directly.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvi_desktop import queries
from cvi_desktop.clock import Clock, parse_instant
from cvi_desktop.demo import DEMO_STAFF
from cvi_desktop.services import casework, incidents, people, responses, reviews
from cvi_desktop.store.database import Store

from .client import HubClient, Timeouts
from .engine import SyncEngine
from .engine.core import SyncReport
from .hub import admin

if TYPE_CHECKING:
    # Imported where a hub starts: uvicorn and FastAPI are the `hub` extra, which a desktop
    # without it lacks, and importing this module (the launcher, tests) must not need them.
    from .hub.server import HubServer

log = logging.getLogger(__name__)

DEMO_ORG = "demo-outreach"
DEMO_ORG_NAME = "Demo Outreach Collective"
SUPERVISOR = "s-williams"
WORKERS = tuple(s[0] for s in DEMO_STAFF if s[2] == "worker")
DISTRICTS = {
    "007": ("0711", "0722", "0735"),
    "011": ("1112", "1123", "1134"),
    "015": ("1511", "1522", "1533"),
}
# Who usually covers where; Mai Nguyen floats. Only a tie-breaker for who takes an incident.
HOME = {"007": "w-ortiz", "011": "w-jackson", "015": "w-price"}
RD_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"
TYPES = ("nonfatal_shooting", "nonfatal_shooting", "nonfatal_shooting", "fatal_shooting",
         "shots_fired_no_injury")
BLOCKS = ("5900 S HALSTED ST", "3900 W MADISON ST", "500 N CICERO AVE", "6300 S ASHLAND AVE",
          "1100 N PULASKI RD", "200 S CENTRAL AVE")
FIRST_NAMES = ("Jordan", "Marcus", "Keisha", "Andre", "Tanya", "Darnell", "Rosa", "Jamal")
NOTES = (
    "Met the family at the hospital; mother asked for help with funeral costs. Brother is angry "
    "— check in tomorrow.",
    "Victim's friends were at the scene talking about the other block. Calmed them down; said "
    "we would come back tonight.",
    "Grandmother is raising the kids; needs help with a move. Gave her my number.",
)
RISK_BASIS = ("Heard from family that cousins are talking about it.",
              "Posts last night naming the other group.",
              "Nothing heard; the family wants it quiet.")
REVIEW_COMMENTS = ("Add when the visit ended.", "Was it just you? Check the staff count.",
                   "Outcome looks off against the follow-up; please check.")
HISTORY_DESK_LABEL = "Renee's office desktop (demo history)"


def _at(rng: random.Random, base: datetime, span: tuple[float, float]) -> datetime:
    return base + timedelta(seconds=rng.uniform(*span))


@dataclass(frozen=True)
class Pace:
    """How long after its cause (seconds) each kind of work happens."""

    respond: tuple[float, float]  # first contact after a notification is received or assigned
    follow_on: tuple[float, float]  # the family visit, a mediation, after the first contact
    correct: tuple[float, float]  # a correction after a "has issues" review
    followup_done: tuple[float, float]  # a scheduled follow-up call made
    assign: tuple[float, float] = (600, 3600)  # the office desktop assigning (history only)


HISTORY_PACE = Pace(respond=(600, 7200), follow_on=(2 * 3600, 30 * 3600),
                    correct=(2 * 3600, 20 * 3600), followup_done=(86400, 3 * 86400))
# Fast enough that someone trying the demo sees a teammate's work within the first minute.
LIVE_PACE = Pace(respond=(15, 40), follow_on=(60, 180), correct=(20, 45), followup_done=(300, 600))


@dataclass(frozen=True)
class DemoOrg:
    """The demo organisation on the hub and the tokens its laptops sign in with."""

    db: Path
    supervisor_token: str  # the demo laptop's (the person at the keyboard)
    desk_token: str  # the same supervisor's office desktop, which made the history's reviews
    tokens: dict[str, str]  # worker staff id -> that worker's laptop token


def create_demo_org(db: Path) -> DemoOrg:
    """The organisation, its districts and its staff list, as the hub's admin would set them up."""
    admin.create_org(db, DEMO_ORG, DEMO_ORG_NAME)
    for district in DISTRICTS:
        admin.add_coverage(db, DEMO_ORG, district)
    for staff_id, name, role in DEMO_STAFF:
        admin.add_staff(db, DEMO_ORG, staff_id, name, role)
    supervisor = admin.create_token(db, "supervisor", org_id=DEMO_ORG, staff_id=SUPERVISOR,
                                    label="demo laptop")
    desk = admin.create_token(db, "supervisor", org_id=DEMO_ORG, staff_id=SUPERVISOR,
                              label=HISTORY_DESK_LABEL)
    names = {s[0]: s[1] for s in DEMO_STAFF}
    tokens = {w: admin.create_token(db, "staff", org_id=DEMO_ORG, staff_id=w,
                                    label=f"{names[w]}'s laptop (simulated)") for w in WORKERS}
    return DemoOrg(db, supervisor, desk, tokens)


def start_demo_hub(folder: Path) -> tuple[HubServer, DemoOrg]:
    """The reference hub on 127.0.0.1 (a free port) with the demo organisation."""
    from .hub.server import HubServer

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "hub.sqlite3"
    org = create_demo_org(db)
    server = HubServer(db).start()
    return server, org


def notification(rng: random.Random, now: datetime, incident_id: str | None = None) -> dict[str, Any]:
    """A CPD notification body for a shooting a few minutes before `now`."""
    district = rng.choice(sorted(DISTRICTS))
    kind = rng.choice(TYPES)
    fatal = 1 if kind == "fatal_shooting" else 0
    nonfatal = rng.randint(1, 2) if kind == "nonfatal_shooting" else 0
    occurred = now - timedelta(minutes=rng.randint(8, 25))
    return {
        "id": incident_id or str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "rd_number": rng.choice(RD_LETTERS) + rng.choice(RD_LETTERS) + f"{rng.randint(0, 999999):06d}",
        "incident_type": kind,
        "occurred_at": occurred.isoformat(),
        "cpd_notified_at": (occurred + timedelta(minutes=4)).isoformat(),
        "district": district,
        "beat": rng.choice(DISTRICTS[district]),
        "community_area": rng.randint(1, 77),
        "location_type": rng.choice(("street", "residence", "vehicle", "park")),
        "block": rng.choice(BLOCKS),
        "victims_total": fatal + nonfatal,
        "victims_fatal": fatal,
        "victims_nonfatal": nonfatal,
        "victim_age_bands": [rng.choice(("under_18", "18_24", "25_34"))] if fatal + nonfatal else [],
    }


def post_notification(server: HubServer, body: dict[str, Any], now: datetime | None = None) -> str:
    """CPD posts a notification (in-process, as the hub's own route does), and long-polls wake.
    `now` is the hub's receipt time: the back-fill posts the past at the time it happened."""
    from .hub import service
    from .protocol import Notification

    state = server.app.state
    service.post_notification(state.db, Notification.model_validate(body), now or datetime.now(UTC))
    state.notifier.bump()
    return str(body["id"])


class SimClock:
    """The simulation's "now": the teammates' stores and engines read it, the team sets it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Laptop:
    """One headless laptop: its own encrypted store (key only in memory) and sync engine."""

    staff_id: str
    store: Store
    engine: SyncEngine

    def sync(self) -> SyncReport:
        report = self.engine.sync_once("demo")
        if not report.ok:
            log.info("demo laptop %s could not sync: %s", self.staff_id, report.error)
        return report

    def close(self) -> None:
        self.engine.client.close()
        self.store.close()


def open_laptop(folder: Path, url: str, staff_id: str, token: str, clock: Clock) -> Laptop:
    # A throwaway profile: a random key never written anywhere, the token only in this closure.
    store = Store(folder / "cvi.db", secrets.token_hex(32), clock=clock, actor=staff_id)
    client = HubClient(url, lambda: token, timeouts=Timeouts(connect=2.0, read=10.0))
    return Laptop(staff_id, store, SyncEngine(store, client))


@dataclass(order=True)
class _Plan:
    due: datetime
    seq: int
    what: str = field(compare=False)  # respond, follow_on, complete_followup, correct
    staff_id: str = field(compare=False)
    incident_id: str = field(compare=False)
    extra: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass
class BackFill:
    """What the back-fill made (counted on the teammates' side, before anyone else syncs)."""

    incidents: int = 0
    actions: int = 0
    referrals: int = 0
    followups: int = 0
    reviews: int = 0
    corrections: int = 0


class DemoTeam:
    """The demo supervisor's four workers (and her office desktop, for the history)."""

    def __init__(self, server: HubServer, org: DemoOrg, folder: Path, *, seed: int = 2023,
                 start: datetime | None = None) -> None:
        self.server = server
        self.org = org
        self.rng = random.Random(seed)
        self.clock = SimClock(start or datetime.now(UTC))
        root = folder / "teammates"
        self.laptops = {w: open_laptop(root / w, server.url, w, token, self.clock)
                        for w, token in org.tokens.items()}
        self.desk: Laptop | None = None
        self.pace = HISTORY_PACE
        self.live = False
        self.counts = BackFill()
        self._plans: list[_Plan] = []
        self._seq = itertools.count()
        self._seen: set[str] = set()  # incidents someone has a plan for (or that were let go)
        self._authored: dict[str, str] = {}  # incident -> the teammate who responded first
        self._answered_reviews: set[str] = set()
        self._dirty: set[str] = set()

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        for laptop in self.laptops.values():
            laptop.close()
        if self.desk is not None:
            self.desk.close()
            self.desk = None

    # --- the month before the demo -----------------------------------------------------------

    def back_fill(self, now: datetime, *, days: int = 30, per_day: float = 1.5, tick_days: float = 3.0,
                  fresh_hours: float = 6.0) -> BackFill:
        """About a month of the team's work, all through the hub. Incidents received in the last
        `fresh_hours` are left to the live team (and one of them assigned, not yet answered);
        the last two days' responses are left waiting for the supervisor's review."""
        folder = self.laptops[WORKERS[0]].store.path.parent.parent
        self.desk = open_laptop(folder / "office-desktop", self.server.url, SUPERVISOR,
                                self.org.desk_token, self.clock)
        start = now - timedelta(days=days)
        total = int(days * per_day)
        received = sorted(start + timedelta(seconds=self.rng.uniform(0, days * 86400 - 7200))
                          for _ in range(total - 2))
        # Two fresh ones, so the live team has something to do in its first minute.
        received += [now - timedelta(minutes=95), now - timedelta(minutes=25)]
        cutoff = now - timedelta(hours=fresh_hours)
        ticks = []
        moment = start
        while moment < now:
            moment = min(now, moment + timedelta(days=tick_days))
            ticks.append(moment)
        posted = 0
        for tick in ticks:
            while posted < len(received) and received[posted] <= tick:
                at = received[posted]
                self.clock.now = at
                post_notification(self.server, notification(self.rng, at), at)
                self.counts.incidents += 1
                posted += 1
            self._desk_assigns(tick, cutoff, fresh_last=tick == ticks[-1])
            self._advance(tick, cutoff)
            self._desk_reviews(tick)
        self.desk.close()
        self.desk = None
        self.live = True
        self.pace = LIVE_PACE
        self.clock.now = now
        return self.counts

    def _desk_assigns(self, tick: datetime, cutoff: datetime, *, fresh_last: bool) -> None:
        desk = self.desk
        assert desk is not None
        desk.sync()
        changed = False
        for row in self._open_incidents(desk.store):
            if row["id"] in self._seen or row["assignee"] is not None:
                continue
            got = parse_instant(row["org_received_at"], "org_received_at")
            fresh = got > cutoff
            if fresh:
                # The older fresh one is assigned to Luis and waits for him; the newest is left
                # for the live team (or the person trying the demo) to pick up.
                if fresh_last and got < tick - timedelta(minutes=60):
                    self.clock.now = got + timedelta(minutes=20)
                    incidents.assign(desk.store, row["id"], "w-ortiz")
                    changed = True
                continue
            roll = self.rng.random()
            if roll < 0.06:
                self.clock.now = min(tick, _at(self.rng, got, self.pace.assign))
                incidents.set_status(desk.store, row["id"], "no_response")
                self._seen.add(row["id"])
                changed = True
            elif roll < 0.55:
                self.clock.now = min(tick, _at(self.rng, got, self.pace.assign))
                incidents.assign(desk.store, row["id"], self._pick(row["district"]))
                changed = True
        if changed:
            desk.sync()

    def _desk_reviews(self, tick: datetime) -> None:
        """Renee's reviews on her office desktop: anything waiting more than two days."""
        desk = self.desk
        assert desk is not None
        desk.sync()
        changed = False
        for item in queries.review_queue(desk.store):
            waiting = parse_instant(item["waiting_since"], "waiting_since")
            if waiting > tick - timedelta(days=2):
                continue
            if item["reason"] == "resubmitted":
                state = "approved"
            else:
                state = self.rng.choices(("approved", "has_issues", "rejected"), weights=(78, 18, 4))[0]
            self.clock.now = min(tick, waiting + timedelta(hours=self.rng.uniform(20, 46)))
            reviews.review(desk.store, {
                "incident_id": item["incident_id"], "state": state,
                "comment": "" if state == "approved" else self.rng.choice(REVIEW_COMMENTS)})
            self.counts.reviews += 1
            if state == "approved":
                incidents.set_status(desk.store, item["incident_id"], "closed")
            changed = True
        if changed:
            desk.sync()

    # --- live --------------------------------------------------------------------------------

    def step(self, now: datetime) -> list[str]:
        """One tick: every teammate syncs, notices new work, does what is due by `now`, and
        syncs again if they did anything. Returns a line per thing done (for logs and tests)."""
        return self._advance(now, None)

    def _advance(self, now: datetime, cutoff: datetime | None) -> list[str]:
        self.clock.now = now
        for laptop in self.laptops.values():
            laptop.sync()
        self._notice(now, cutoff)
        done: list[str] = []
        while self._plans and self._plans[0].due <= now:
            plan = heapq.heappop(self._plans)
            self.clock.now = plan.due
            try:
                line = self._do(plan)
            except Exception:  # noqa: BLE001 - one odd record must not stop the demo team
                log.warning("demo teammate %s could not %s", plan.staff_id, plan.what, exc_info=True)
                continue
            if line:
                done.append(line)
                self._dirty.add(plan.staff_id)
        self.clock.now = now
        for staff_id in sorted(self._dirty):
            self.laptops[staff_id].sync()
        self._dirty.clear()
        return done

    def _plan(self, due: datetime, what: str, staff_id: str, incident_id: str, **extra: Any) -> None:
        heapq.heappush(self._plans, _Plan(due, next(self._seq), what, staff_id, incident_id, extra))

    def _pick(self, district: str | None) -> str:
        home = HOME.get(district or "")
        if home is not None and self.rng.random() < 0.7:
            return home
        return self.rng.choice(WORKERS)

    @staticmethod
    def _open_incidents(store: Store) -> list[dict[str, Any]]:
        every = queries.IncidentFilter(statuses=queries.OPEN_STATUSES, sort="received", descending=False)
        return queries.incident_page(store, every, limit=10_000)

    def _notice(self, now: datetime, cutoff: datetime | None) -> None:
        """New incidents (assigned to a teammate, or nobody's yet) and "has issues" reviews of a
        teammate's response become plans, due a realistic while after their cause."""
        view = self.laptops[WORKERS[0]].store  # every teammate sees the whole organisation
        for row in self._open_incidents(view):
            if row["id"] in self._seen:
                continue
            got = parse_instant(row["org_received_at"], "org_received_at")
            if cutoff is not None and got > cutoff:
                continue  # history: the freshest ones are left for the live team
            owner = row["assignee"] if row["assignee"] in self.laptops else None
            if row["assignee"] is not None and owner is None:
                continue  # the supervisor has it herself
            base = max(got, now) if self.live else got
            self._seen.add(row["id"])
            self._plan(_at(self.rng, base, self.pace.respond), "respond",
                       owner or self._pick(row["district"]), row["id"])
        for incident_id, staff_id in self._authored.items():
            latest = reviews.latest(self.laptops[staff_id].store, incident_id)
            if latest is None or latest["state"] != "has_issues" or latest["id"] in self._answered_reviews:
                continue
            self._answered_reviews.add(latest["id"])
            at = parse_instant(latest["created_at"], "created_at")
            # Due a while after the review itself (not after this tick noticed it), so a step
            # taken later than that catches up at once.
            self._plan(_at(self.rng, at, self.pace.correct), "correct", staff_id, incident_id,
                       comment=latest["comment"])

    # --- a worker's job ----------------------------------------------------------------------

    def _do(self, plan: _Plan) -> str | None:
        if plan.what == "respond":
            return self._respond(plan)
        if plan.what == "follow_on":
            return self._follow_on(plan)
        if plan.what == "complete_followup":
            store = self.laptops[plan.staff_id].store
            casework.complete_followup(store, plan.extra["followup_id"],
                                       result=self.rng.choice(("Reached mother; stable.",
                                                               "Left a message; will try again.")))
            return f"{plan.staff_id} completed a follow-up on {plan.incident_id}"
        if plan.what == "correct":
            return self._correct(plan)
        raise ValueError(plan.what)

    def _respond(self, plan: _Plan) -> str | None:
        staff_id = plan.staff_id
        store = self.laptops[staff_id].store
        incident = incidents.get(store, plan.incident_id)
        if incident["status"] not in queries.OPEN_STATUSES:
            return None
        if incident["assignee"] is None:
            incidents.assign(store, plan.incident_id, staff_id)  # a worker may take a free one
        elif incident["assignee"] != staff_id:
            if incident["assignee"] not in self.laptops:
                return None  # the supervisor kept it
            staff_id = incident["assignee"]  # reassigned before anyone went: theirs now
            store = self.laptops[staff_id].store
        now = self.clock.now
        received = parse_instant(incident["org_received_at"], "org_received_at")
        started = received + (now - received) * 0.4
        kind = "hospital" if incident["victims_nonfatal"] else "scene"
        ended = None if self.rng.random() < 0.2 else now
        responses.log_action(store, {
            "incident_id": plan.incident_id, "action_type": kind, "started_at": started,
            "ended_at": ended, "outcome": self.rng.choices(("completed", "partial", "not_located"),
                                                           weights=(80, 12, 8))[0],
            "staff_ids": [staff_id], "staff_count": self.rng.randint(1, 2),
            "retaliation_risk": self.rng.choice(("low", "medium", "high")),
            "risk_basis": self.rng.choice(RISK_BASIS),  # L: stays on this laptop
        })
        self.counts.actions += 1
        self._authored.setdefault(plan.incident_id, staff_id)
        # The people they met and what they heard: private to this laptop (share class L).
        person = people.add_participant(store, {
            "incident_id": plan.incident_id, "first_name": self.rng.choice(FIRST_NAMES),
            "last_name": "Demo", "phone": f"312-555-{self.rng.randint(0, 9999):04d}", "consent": True})
        people.add_note(store, {"incident_id": plan.incident_id, "participant_id": person,
                                "body": self.rng.choice(NOTES)})
        self._plan(_at(self.rng, now, self.pace.follow_on), "follow_on", staff_id, plan.incident_id,
                   step="family", person=person)
        if self.rng.random() < 0.35:
            self._plan(_at(self.rng, now, self.pace.follow_on) + timedelta(seconds=1), "follow_on",
                       staff_id, plan.incident_id, step="mediation", person=person)
        return f"{staff_id} responded ({kind}) to {plan.incident_id}"

    def _follow_on(self, plan: _Plan) -> str:
        store = self.laptops[plan.staff_id].store
        now = self.clock.now
        person = plan.extra["person"]
        if plan.extra["step"] == "mediation":
            responses.log_action(store, {
                "incident_id": plan.incident_id, "action_type": "mediation",
                "started_at": now - timedelta(minutes=50), "ended_at": now, "outcome": "completed",
                "staff_ids": [plan.staff_id], "staff_count": 2,
                "mediation_result": self.rng.choices(("resolved", "ongoing", "escalated"),
                                                     weights=(5, 4, 1))[0],
                "retaliation_risk": self.rng.choice(("medium", "high")),
                "risk_basis": self.rng.choice(RISK_BASIS)})
            self.counts.actions += 1
            return f"{plan.staff_id} mediated on {plan.incident_id}"
        responses.log_action(store, {
            "incident_id": plan.incident_id, "action_type": "family_engagement",
            "started_at": now - timedelta(minutes=40), "ended_at": now,
            "outcome": self.rng.choices(("completed", "declined"), weights=(9, 1))[0],
            "staff_ids": [plan.staff_id], "staff_count": 1})
        self.counts.actions += 1
        if self.rng.random() < 0.6:
            casework.add_referral(store, {
                "incident_id": plan.incident_id, "participant_id": person,
                "category": self.rng.choice(("victim_services", "mental_health", "funeral", "relocation",
                                             "employment", "basic_needs")),
                "provider": "Demo Family Services"})
            self.counts.referrals += 1
        followup = casework.schedule_followup(store, {
            "incident_id": plan.incident_id, "participant_id": person, "assignee": plan.staff_id,
            "due_at": now + timedelta(days=self.rng.randint(1, 7)), "kind": "call"})
        self.counts.followups += 1
        if self.rng.random() < 0.6:
            self._plan(_at(self.rng, now, self.pace.followup_done), "complete_followup", plan.staff_id,
                       plan.incident_id, followup_id=followup)
        return f"{plan.staff_id} met the family on {plan.incident_id}"

    def _correct(self, plan: _Plan) -> str | None:
        """After "has issues": correct their own first response (a new version, back to review)."""
        store = self.laptops[plan.staff_id].store
        mine = [a for a in responses.for_incident(store, plan.incident_id)
                if a["recorded_by"] == plan.staff_id]
        if not mine:
            return None
        first = min(mine, key=lambda a: (a["started_at"], a["id"]))
        changes: dict[str, Any]
        if first["ended_at"] is None:
            changes = {"ended_at": parse_instant(first["started_at"], "started_at") + timedelta(minutes=45)}
        elif first["staff_count"] < 2:
            changes = {"staff_count": 2}
        else:
            changes = {"outcome": "partial" if first["outcome"] == "completed" else "completed"}
        responses.correct_action(store, first["id"], changes)
        self.counts.corrections += 1
        return f"{plan.staff_id} corrected their response on {plan.incident_id}"

    # --- for the demo's own use --------------------------------------------------------------

    def pending(self) -> Iterable[tuple[datetime, str, str]]:
        """What the team will do next: (when, who, what), soonest first."""
        return [(p.due, p.staff_id, p.what) for p in sorted(self._plans)]
