"""The team's work, headless: `cvi-desktop whoami|incidents|show|assign|respond|review-queue|
review|resolve-flag|caseload`. What a worker or supervisor does in the window, a script can do.

Incidents are named by their id, a unique prefix of it, or their RD number. Every command works
offline on this laptop's store; `cvi-desktop sync --once` shares the result and fetches the
team's. Who you are (role, staff id) is what the hub said on the last sync.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from . import queries
from .clock import local_text
from .services import incidents, responses, reviews, settings

Opener = Callable[[argparse.Namespace], Any]


def _print_rows(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    if not rows:
        print("(none)")
        return
    widths = [max(len(title), *(len(str(r.get(key) if r.get(key) is not None else "")) for r in rows))
              for key, title in columns]
    print("  ".join(title.ljust(w) for (_, title), w in zip(columns, widths, strict=True)).rstrip())
    for row in rows:
        cells = [str(row.get(key) if row.get(key) is not None else "") for key, _ in columns]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())


def add_team_commands(commands: argparse._SubParsersAction, open_store: Opener) -> None:
    def handler(fn: Callable[[Any, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        def run(args: argparse.Namespace) -> int:
            with open_store(args) as store:
                return fn(store, args)
        return run

    who = commands.add_parser("whoami", help="who the hub says this profile's person is")
    who.set_defaults(handler=handler(cmd_whoami))

    lst = commands.add_parser("incidents", help="list incidents (newest first)")
    lst.add_argument("--open", action="store_true", help="only new, assigned or responding")
    lst.add_argument("--mine", action="store_true", help="only those assigned to you")
    lst.add_argument("--limit", type=int, default=50)
    lst.set_defaults(handler=handler(cmd_incidents))

    show = commands.add_parser("show", help="one incident: facts, responses (who logged them), review")
    show.add_argument("incident")
    show.set_defaults(handler=handler(cmd_show))

    assign = commands.add_parser("assign", help="assign an incident to a staff member (supervisor)")
    assign.add_argument("incident")
    assign.add_argument("staff", help="staff id, or 'none' to unassign")
    assign.set_defaults(handler=handler(cmd_assign))

    respond = commands.add_parser("respond", help="log a response action")
    respond.add_argument("incident")
    respond.add_argument("--type", required=True, dest="action_type", help="scene, hospital, mediation, ...")
    respond.add_argument("--started", default="now", help="when it started (ISO time; default now)")
    respond.add_argument("--ended", default=None, help="when it ended (ISO time)")
    respond.add_argument("--outcome", default="completed")
    respond.add_argument("--staff-count", type=int, default=None)
    respond.add_argument("--risk", default=None, dest="retaliation_risk", help="none, low, medium, high")
    respond.add_argument("--mediation-result", default=None)
    respond.set_defaults(handler=handler(cmd_respond))

    queue = commands.add_parser("review-queue", help="incidents waiting for review, oldest first")
    queue.set_defaults(handler=handler(cmd_review_queue))

    rev = commands.add_parser("review", help="approve, or return with issues, or reject (supervisor)")
    rev.add_argument("incident")
    rev.add_argument("state", choices=("approve", "has_issues", "reject"))
    rev.add_argument("--comment", default="", help="what to fix (needed unless approving)")
    rev.add_argument("--preview", action="store_true",
                     help="show what an approval would include; change nothing")
    rev.set_defaults(handler=handler(cmd_review))

    flag = commands.add_parser("resolve-flag", help="answer a response logged after reassignment")
    flag.add_argument("action", help="response action id")
    flag.add_argument("resolution", choices=("keep", "move"))
    flag.set_defaults(handler=handler(cmd_resolve_flag))

    team = commands.add_parser("caseload", help="the team: open incidents, follow-ups, latency, last sync")
    team.set_defaults(handler=handler(cmd_caseload))


def cmd_whoami(store: Any, args: argparse.Namespace) -> int:
    me = settings.identity(store)
    if me is None:
        print("Not known yet: run `cvi-desktop sync --once` to ask the hub.")
        return 0
    print(f"{me['display_name'] or me['staff_id']} ({me['staff_id']}), {me['role']}, "
          f"{me['org_name'] or me['org_id']}")
    return 0


def cmd_incidents(store: Any, args: argparse.Namespace) -> int:
    f = queries.IncidentFilter(statuses=queries.OPEN_STATUSES if args.open else (),
                               assignee=store.actor if args.mine else None)
    rows = queries.incident_page(store, f, limit=args.limit)
    for row in rows:
        row["received"] = local_text(row["org_received_at"])
    _print_rows(rows, [("id", "id"), ("rd_number", "RD"), ("district", "district"),
                       ("incident_type", "type"), ("status", "status"), ("assignee", "assignee"),
                       ("received", "received (Chicago)")])
    return 0


def cmd_show(store: Any, args: argparse.Namespace) -> int:
    incident = incidents.find(store, args.incident)
    print(f"Incident {incident['id']}  RD {incident['rd_number'] or '-'}  district {incident['district']}  "
          f"{incident['incident_type']}  status {incident['status']}  assignee {incident['assignee'] or '-'}")
    print(f"Occurred {local_text(incident['occurred_at'])}, "
          f"received {local_text(incident['org_received_at'])}")
    actions = responses.for_incident(store, incident["id"])
    for row in actions:
        row["started"] = local_text(row["started_at"])
        row["by"] = f"{row['recorded_by_name']}{'' if row['origin'] == 'local' else ' (teammate)'}"
        resolution = f", {row['flag_resolution']}" if row["flag_resolution"] else ""
        row["note"] = f"flagged: {row['flag']}{resolution}" if row["flag"] else ""
    print("Responses:")
    _print_rows(actions, [("id", "id"), ("action_type", "type"), ("started", "started (Chicago)"),
                          ("outcome", "outcome"), ("version", "v"), ("by", "logged by"), ("note", "")])
    status = reviews.status(store, incident["id"])
    line = f"Review: {status['state'].replace('_', ' ')}"
    if status["reviewer_name"]:
        line += f" by {status['reviewer_name']} at {local_text(status['at'])}"
    if status["comment"]:
        line += f" — {status['comment']}"
    print(line)
    return 0


def cmd_assign(store: Any, args: argparse.Namespace) -> int:
    incident = incidents.find(store, args.incident)
    staff = None if args.staff.lower() == "none" else args.staff
    version = incidents.assign(store, incident["id"], staff)
    print(f"Assigned {incident['id']} to {staff or 'nobody'} (version {version}); sync to share it.")
    return 0


def cmd_respond(store: Any, args: argparse.Namespace) -> int:
    incident = incidents.find(store, args.incident)
    started = store.now().isoformat() if args.started == "now" else args.started
    action_id = responses.log_action(store, {
        "incident_id": incident["id"], "action_type": args.action_type, "started_at": started,
        "ended_at": args.ended, "outcome": args.outcome, "staff_count": args.staff_count,
        "retaliation_risk": args.retaliation_risk, "mediation_result": args.mediation_result,
        "staff_ids": [store.actor],
    })
    print(f"Saved response {action_id} on this laptop; sync to share it.")
    return 0


def cmd_review_queue(store: Any, args: argparse.Namespace) -> int:
    rows = queries.review_queue(store)
    for row in rows:
        row["since"] = local_text(row["waiting_since"])
    _print_rows(rows, [("incident_id", "incident"), ("rd_number", "RD"), ("district", "district"),
                       ("assignee_name", "assignee"), ("reason", "why"),
                       ("since", "waiting since (Chicago)")])
    return 0


def cmd_review(store: Any, args: argparse.Namespace) -> int:
    incident = incidents.find(store, args.incident)
    if args.preview:
        found = reviews.preview(store, incident["id"])
        print(f"An approval now covers {len(found['covers'])} records ({found['unsent']} not yet shared):")
        for ref in found["covers"]:
            print(f"  {ref['kind']} {ref['id']} v{ref['version']} by {ref['recorded_by_name']}: "
                  f"{ref['summary']}")
        print("CPD would receive:")
        print(json.dumps(found["cpd_payload"], indent=2, sort_keys=True))
        return 0
    state = {"approve": "approved", "reject": "rejected"}.get(args.state, args.state)
    reviews.review(store, {"incident_id": incident["id"], "state": state, "comment": args.comment})
    print(f"Review saved ({state}); sync to share it.")
    return 0


def cmd_resolve_flag(store: Any, args: argparse.Namespace) -> int:
    version = responses.resolve_flag(store, args.action, args.resolution)
    print(f"Resolved ({args.resolution}); response now at version {version}. Sync to share it.")
    return 0


def cmd_caseload(store: Any, args: argparse.Namespace) -> int:
    rows = queries.caseload(store)
    for row in rows:
        minutes = row["median_response_minutes"]
        row["median"] = "-" if minutes is None else f"{minutes:.0f} min"
        row["synced"] = local_text(row["last_synced_at"]) if row["last_synced_at"] else "never"
    _print_rows(rows, [("display_name", "staff"), ("role", "role"), ("open_incidents", "open"),
                       ("followups_due", "due"), ("followups_overdue", "overdue"),
                       ("median", "median response"), ("synced", "laptop last synced")])
    return 0
