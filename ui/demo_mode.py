"""`--demo`: the demo laptop is one member of a team, for newcomers.

Starts the reference hub in-process on 127.0.0.1 with a demo organisation and its staff list:
the person at this laptop is the supervisor, Renee Williams (`s-williams`); her workers Luis
Ortiz, Dana Jackson, Terrell Price and Mai Nguyen are simulated by `sync.demo_team.DemoTeam` as
headless laptops of their own (own encrypted store, token and sync engine). Before the window
opens, the team back-fills about a month of work through the hub; the demo profile itself is
left empty, so its first sync pulls the team's history, with the last two days waiting for
review. While the demo runs, the team takes steps on a background thread (never the GUI
thread): within the first minute a teammate responds to a fresh incident, and a response marked
"has issues" here is corrected by its author a little later and comes back to the review queue.
The launcher posts a fresh CPD notification every few minutes, and a teammate picks it up.
CPD's side is simulated in-process through the hub's own service functions; the app itself only
ever talks to the hub through `sync`.
"""

from __future__ import annotations

import logging
import random
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync import demo_team

log = logging.getLogger(__name__)

DEMO_ORG = demo_team.DEMO_ORG
DEMO_STAFF = demo_team.SUPERVISOR
DISTRICTS = demo_team.DISTRICTS
TEAM_STEP_SECONDS = 3.0  # how often the simulated teammates sync and act


class TeamRunner:
    """Steps the simulated team on its own daemon thread until stopped."""

    def __init__(self, team: demo_team.DemoTeam, every: float = TEAM_STEP_SECONDS) -> None:
        self.team = team
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cvi-demo-team", daemon=True)

    def start(self) -> TeamRunner:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                for line in self.team.step(datetime.now(UTC)):
                    log.info("demo team: %s", line)
            except Exception:  # noqa: BLE001 - the demo window must outlive a bad tick
                log.warning("demo team step failed", exc_info=True)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)


@dataclass
class DemoHub:
    server: Any  # sync.hub.server.HubServer
    staff_token: str  # the demo laptop's: the supervisor's
    folder: Path
    team: demo_team.DemoTeam | None = None
    runner: TeamRunner | None = None
    teammate_tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return str(self.server.url)

    def stop(self) -> None:
        # The team first: its laptops talk to the hub until their thread ends.
        if self.runner is not None:
            self.runner.stop()
            self.runner = None
        if self.team is not None:
            self.team.close()
            self.team = None
        self.server.stop()


def start_hub(folder: Path | None = None, *, team: bool = True, live: bool = True,
              seed: int = 2023) -> DemoHub:
    """The demo hub with its organisation; with `team`, the simulated teammates back-fill a
    month of history through it, and with `live` they keep working on a background thread."""
    folder = folder or Path(tempfile.mkdtemp(prefix="cvi-demo-hub-"))
    server, org = demo_team.start_demo_hub(folder)
    hub = DemoHub(server, org.supervisor_token, folder, teammate_tokens=dict(org.tokens))
    if team:
        hub.team = demo_team.DemoTeam(server, org, folder, seed=seed)
        hub.team.back_fill(datetime.now(UTC))
        if live:
            hub.runner = TeamRunner(hub.team).start()
    return hub


def notification(rng: random.Random, now: datetime, incident_id: str | None = None) -> dict[str, Any]:
    return demo_team.notification(rng, now, incident_id)


def post_notification(hub: Any, body: dict[str, Any], now: datetime | None = None) -> str:
    """CPD posts a notification (in-process, as the hub's own route does), and long-polls wake."""
    return demo_team.post_notification(hub, body, now)
