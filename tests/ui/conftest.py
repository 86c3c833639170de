"""Fixtures for the GUI tests: real widgets (offscreen), a real encrypted store owned by the
writer thread, and a real hub on 127.0.0.1 for the sync loop.

Every store the GUI tests open records which thread ran each SQL statement (SQLite's trace
callback), so `assert_store_thread_only` can prove the GUI thread never ran one.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cvi_desktop.clock import ManualClock, system_clock
from cvi_desktop.store import Store
from tests.conftest import TEST_KEY
from tests.memory_keyring import MemoryKeyring
from ui.main_window import MainWindow
from ui.session import Session

_orgs = itertools.count(1)


@dataclass
class Hub:
    server: object
    db: Path
    cpd: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def restart(self) -> None:
        from sync.hub.server import HubServer

        self.server = HubServer(self.db, port=self.port).start()


@dataclass
class Team:
    org: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    from sync.hub import admin
    from sync.hub.server import HubServer

    db = tmp_path_factory.mktemp("hub") / "hub.sqlite3"
    admin.create_org(db, "seed", "seed")
    server = HubServer(db).start()
    made = Hub(server, db, admin.create_token(db, "cpd"), server.port)
    try:
        yield made
    finally:
        made.server.stop()  # type: ignore[attr-defined]


@pytest.fixture
def team(hub: Hub) -> Team:
    """An organisation covering district 011 with a supervisor (sup1, Renee Sup) and a worker
    (w1, Ana Ruiz) on the hub's staff list, each with their own token."""
    from sync.hub import admin

    org = f"uiorg{next(_orgs)}"
    admin.create_org(hub.db, org, f"Outreach {org}")
    admin.add_coverage(hub.db, org, "011")
    admin.add_staff(hub.db, org, "sup1", "Renee Sup", "supervisor")
    admin.add_staff(hub.db, org, "w1", "Ana Ruiz", "worker")
    return Team(
        org,
        {
            "sup": admin.create_token(hub.db, "supervisor", org_id=org, staff_id="sup1"),
            "w1": admin.create_token(hub.db, "staff", org_id=org, staff_id="w1"),
        },
    )


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[None]:
    """QSettings (hub address per profile) go to the test's folder, never the user's."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@dataclass
class Probe:
    """Which threads ran SQL on the store."""

    threads: set[int]
    gui_thread: int


def opener_for(path: Path, clock: Callable, probe: Probe, actor: str = "sup1") -> Callable[[], Store]:
    def open_store() -> Store:
        store = Store(path, TEST_KEY, clock=clock, actor=actor)
        store.conn.set_trace_callback(lambda _sql: probe.threads.add(threading.get_ident()))
        return store

    return open_store


@pytest.fixture
def probe() -> Probe:
    return Probe(set(), threading.get_ident())


@pytest.fixture
def make_session(
    tmp_path: Path, store_template: Path, memory_keyring: MemoryKeyring, probe: Probe, qapp: object
) -> Iterator[Callable[..., Session]]:
    made: list[Session] = []

    def make(
        profile: str = "sup1",
        *,
        clock: Callable = system_clock,
        role: str = "supervisor",
        actor: str = "sup1",
        probe_for: Probe | None = None,
    ) -> Session:
        """A session on a fresh copy of the template store. `probe_for`: a second laptop in one
        test records its SQL threads apart from the first's."""
        path = tmp_path / "profiles" / profile / "cvi.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(store_template, path)
        session = Session(
            profile,
            home=tmp_path,
            actor=actor,
            role=role,
            clock=clock,
            debug_threads=True,
            opener=opener_for(path, clock, probe_for or probe, actor),
        )
        session.open_blocking()
        made.append(session)
        return session

    yield make
    for session in made:
        session.close()


@pytest.fixture
def manual_clock() -> ManualClock:
    from datetime import UTC, datetime

    return ManualClock(datetime(2026, 11, 1, 18, 0, tzinfo=UTC))


@pytest.fixture
def make_window(qtbot: object) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(session: Session, **kwargs: object) -> MainWindow:
        window = MainWindow(session, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.start()
        window.show()
        qtbot.waitUntil(lambda: window.queue.model.total is not None, timeout=10_000)  # type: ignore[attr-defined]
        made.append(window)
        return window

    yield make
    for window in made:
        window.sync_panel.close()
        window.close()


def assert_store_thread_only(probe: Probe, session: Session) -> None:
    assert probe.threads, "no SQL ran at all"
    assert probe.gui_thread not in probe.threads, "the GUI thread ran SQL"
    assert probe.threads == {session.tasks.store_thread_id}, "SQL ran on a thread other than the writer"
    assert session.tasks.gui_touches == 0


@pytest.fixture(autouse=True)
def english(qapp: object) -> Iterator[None]:
    """The app's English translator (it holds the English plural forms: "1 record", "3 records"),
    installed as the launcher installs it; a test that switches language gets English back."""
    from ui.language import apply_language

    apply_language("en")
    yield
    apply_language("en")
