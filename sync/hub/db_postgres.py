"""The hub's PostgreSQL store: connections, transactions, isolation, and change wake-ups.

Same API as the SQLite `db.Database` (see sync/hub/db.py), so one `service.py` serves both:

    db = PgDatabase("postgresql://hub@/cvihub?host=/run/postgresql")
    with db.write(org="acme") as conn:            # ONE transaction, READ COMMITTED
        conn.execute("SELECT * FROM records WHERE org_id = ?", ("acme",))   # `?` placeholders

- One connection per thread (psycopg, autocommit off; every transaction is explicit and ends
  in COMMIT or ROLLBACK before the context manager returns, so no connection idles in one).
- Each connection acts as `cvi_hub_app` (`SET ROLE` right after connecting): a role that owns
  nothing, so the row-level security policies made by the migrations apply. Every transaction
  says whose it is: `SET LOCAL cvi.org_id` (an organisation's request) or `cvi.scope = 'hub'`
  (CPD, admin, authentication, routing: `org=None`). The service's own `WHERE org_id = ?`
  filters stay: isolation twice.
- Gap-free feeds with concurrent writers (several hub processes): `next_org_seq` hands out an
  organisation's next change position from a counter row whose lock is held to COMMIT, and
  `feed_lock` serialises writers of the hub-wide feeds CPD pages through by rowid (records,
  notifications, routes), so their identity values are handed out in commit order. Without
  them an identity is NOT commit-ordered: a reader could see N+1 committed while N is still in
  flight, move its cursor past N and never see it (tests/hub/test_hub_postgres.py shows both).
- `notify_change(org)`: `pg_notify('cvi_changes', org)` inside the transaction, delivered on
  commit to every hub process `listen`ing; the payload is a wake-up hint only (the change table
  stays the source of truth).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from . import migrations
from .dburl import redact
from .migrations import MetaReads

log = logging.getLogger(__name__)

CHANNEL = "cvi_changes"
# Hub-wide feed lock (pg_advisory_xact_lock key); any fixed number distinct from the migrations'.
_FEED_LOCK = 0x6376_6966_6565  # "cvifee"

INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (psycopg.IntegrityError,)
# What the app answers 503 "busy, retry" for: lock/statement time-outs, serialization and
# deadlock failures, and a server that went away (the next request reconnects).
BUSY_ERRORS: tuple[type[BaseException], ...] = (
    pg_errors.LockNotAvailable,
    pg_errors.QueryCanceled,
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    psycopg.OperationalError,
)


class Row(tuple[Any, ...]):
    """A result row indexable by position and by column name, like sqlite3.Row (and `dict(row)`
    works, through keys())."""

    _names: tuple[str, ...]

    def __new__(cls, values: Sequence[Any], names: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._names.index(key))
            except ValueError:
                raise IndexError(f"no such column: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row]:
    names = tuple(c.name for c in cursor.description or ())
    return lambda values: Row(values, names)


_PLACEHOLDER = re.compile(r"%|\?")
_translated: dict[str, str] = {}


_NAMED = re.compile(r"%|(?<![:\w]):([A-Za-z_]\w*)")
_translated_named: dict[str, str] = {}


def translate_named(sql: str) -> str:
    """`:name` placeholders (sqlite3's named style) to psycopg's `%(name)s`; `%` to `%%`."""
    found = _translated_named.get(sql)
    if found is None:
        found = _NAMED.sub(lambda m: "%%" if m.group(0) == "%" else f"%({m.group(1)})s", sql)
        _translated_named[sql] = found
    return found


def translate(sql: str) -> str:
    """`?` placeholders to psycopg's `%s`, a literal `%` to `%%` (the hub's SQL has no `?` in
    string literals: it uses no jsonb `?` operator and no question marks in text)."""
    found = _translated.get(sql)
    if found is None:
        found = _PLACEHOLDER.sub(lambda m: "%%" if m.group(0) == "%" else "%s", sql)
        _translated[sql] = found
    return found


class Buffered:
    """A finished result (a one-off statement outside a transaction): the rows are already read,
    so the transaction could end before the caller looks at them."""

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PgConn:
    """One psycopg connection with the hub's `execute(sql, params)` (`?` placeholders)."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.in_tx = False

    kind = "postgresql"

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        if not self.in_tx:
            # A one-off statement (`db.conn().execute`): its own short hub-scope transaction,
            # never left open.
            with self.transaction(scope="hub"):
                cur = self._run(sql, params)
                rows = cur.fetchall() if cur.description else []
                return Buffered(rows, cur.rowcount)
        return self._run(sql, params)

    def _run(self, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> psycopg.Cursor[Row]:
        cur = self.raw.cursor(row_factory=_row_factory)
        if isinstance(params, Mapping):
            cur.execute(translate_named(sql), dict(params))  # type: ignore[call-overload]
        elif params:
            cur.execute(translate(sql), tuple(params))  # type: ignore[call-overload]
        else:
            cur.execute(sql)  # type: ignore[call-overload]
        return cur

    @contextmanager
    def transaction(
        self, org: str | None = None, scope: str | None = None, read_only: bool = False,
        lock_timeout: float | None = None,
    ) -> Iterator[PgConn]:
        """BEGIN ... COMMIT (ROLLBACK on an exception). `org`/`scope` set the RLS settings for
        this transaction only (SET LOCAL); neither set: the policies show nothing."""
        assert not self.in_tx, "transactions do not nest; use SAVEPOINT"
        self.in_tx = True
        try:
            if read_only:
                # A consistent snapshot for several SELECTs, as SQLite's BEGIN gives.
                self._run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", ())
            if org is not None:
                self._run("SELECT set_config('cvi.org_id', ?, true)", (org,))
            if scope is not None:
                self._run("SELECT set_config('cvi.scope', ?, true)", (scope,))
            if lock_timeout is not None:
                self._run(f"SET LOCAL lock_timeout = {int(lock_timeout * 1000)}", ())
            yield self
        except BaseException:
            self.in_tx = False
            try:
                self.raw.rollback()
            except psycopg.Error:
                pass  # the connection is gone; the original error says why
            raise
        self.in_tx = False
        self.raw.commit()

    # --- the engine-specific parts of the hub's rules (service.py calls these) ----------------

    def next_org_seq(self, org: str) -> int:
        """The organisation's next change position. The counter row's lock is held until this
        transaction ends, so the organisation's next writer waits here: positions commit in
        order and a reader never sees N+1 while N is in flight. Called as late as possible (when
        the change is logged) so the lock is held briefly."""
        row = self._run(
            "INSERT INTO change_counters (org_id, last) VALUES (?, 1)"
            " ON CONFLICT (org_id) DO UPDATE SET last = change_counters.last + 1 RETURNING last",
            (org,),
        ).fetchone()
        assert row is not None
        return int(row[0])

    def feed_lock(self) -> None:
        """Serialise writers of the hub-wide rowid feeds until COMMIT (see the module doc)."""
        self._run("SELECT pg_advisory_xact_lock(?)", (_FEED_LOCK,))

    def notify_change(self, org: str) -> None:
        self._run("SELECT pg_notify(?, ?)", (CHANNEL, org))

    def close(self) -> None:
        self.raw.close()


def connect(url: str, as_app: bool = True) -> PgConn:
    raw = psycopg.connect(url, autocommit=False)
    if as_app:
        raw.execute(f"SET ROLE {migrations.APP_ROLE}")
        raw.commit()
    return PgConn(raw)


class PgDatabase(MetaReads):
    """Thread-local PostgreSQL connections to one hub database. Safe to share across threads."""

    kind = "postgresql"
    IntegrityError = INTEGRITY_ERRORS
    BusyError = BUSY_ERRORS

    def __init__(self, url: str) -> None:
        self.url = url
        self.target = redact(url)
        self._local = threading.local()
        self._all: list[PgConn] = []
        self._lock = threading.Lock()
        self._listeners: list[_Listener] = []
        owner = connect(url, as_app=False)
        try:
            migrations.run_postgres(owner)
        finally:
            owner.close()

    def conn(self) -> PgConn:
        conn: PgConn | None = getattr(self._local, "conn", None)
        if conn is not None and conn.raw.closed:
            conn = None  # the server dropped it: reconnect
        if conn is None:
            conn = connect(self.url)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def write(self, org: str | None = None, busy_timeout: float | None = None) -> Iterator[PgConn]:
        """One READ COMMITTED write transaction for `org` (None: hub-wide work)."""
        with self.conn().transaction(
            org=org, scope=None if org is not None else "hub", lock_timeout=busy_timeout
        ) as conn:
            yield conn

    @contextmanager
    def read(self, org: str | None = None) -> Iterator[PgConn]:
        """A consistent read-only snapshot for `org` (None: hub-wide). Inside a transaction
        already open on this thread (a helper such as `latest_seq` called within a pull's read)
        it reads in that one, in its scope, as SQLite's `read` does."""
        conn = self.conn()
        if conn.in_tx:
            yield conn
            return
        with conn.transaction(
            org=org, scope=None if org is not None else "hub", read_only=True
        ) as conn:
            yield conn

    def listen(self, callback: Callable[[str | None], None]) -> bool:
        """Call `callback(org_id)` for every change committed by any hub process on this
        database (`callback(None)`: wake everyone, after a reconnect may have missed some)."""
        listener = _Listener(self.url, callback, self._own_pids)
        self._listeners.append(listener)
        listener.start()
        return True

    def _own_pids(self) -> set[int]:
        """Backends of this process's own connections: their changes already woke it directly."""
        with self._lock:
            return {c.raw.info.backend_pid for c in self._all if not c.raw.closed}

    def close(self) -> None:
        for listener in self._listeners:
            listener.stop()
        self._listeners.clear()
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except psycopg.Error:
                    pass
            self._all.clear()
        self._local = threading.local()


class _Listener:
    """A daemon thread on its own connection: LISTEN cvi_changes, hand each payload on."""

    def __init__(
        self, url: str, callback: Callable[[str | None], None], own_pids: Callable[[], set[int]]
    ) -> None:
        self.url, self.callback, self.own_pids = url, callback, own_pids
        self._stop = threading.Event()
        self.ready = threading.Event()  # set once LISTEN is in place (tests wait for it)
        self._thread = threading.Thread(target=self._run, name="cvi-hub-listen", daemon=True)
        self._raw: psycopg.Connection[Any] | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        backoff = 0.1
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as raw:
                    raw.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    if not first:
                        # Notifications sent while we were away are lost: everyone re-checks.
                        self.callback(None)
                    first, backoff = False, 0.1
                    while not self._stop.is_set():
                        # A timeout so stop() is noticed; stop_after keeps each wait short.
                        for note in raw.notifies(timeout=0.5):
                            if note.pid not in self.own_pids():  # not a second wake for our own
                                self.callback(note.payload or None)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    return
                log.warning("change listener lost its connection (%s); reconnecting", exc)
                first = False
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
