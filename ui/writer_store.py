"""The store as code on other threads (the sync engine) sees it: `WriterThreadStore` runs every
statement on the task manager's writer thread, so SQLite still has exactly one thread using it.

Only the sync service uses it (`sync_bridge.build_service`), so it is kept out of `ui.tasks`,
which loads before the main window's first frame.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .tasks import StoreAccessFromGuiThread, TaskManager, on_gui_thread

if TYPE_CHECKING:
    from cvi_desktop.store import Store

T = TypeVar("T")


class _Materialized:
    """A cursor's results fetched on the writer thread, readable on any thread."""

    def __init__(self, cursor: Any) -> None:
        self.description = cursor.description
        self.lastrowid = cursor.lastrowid
        self.rowcount = cursor.rowcount
        self._rows = cursor.fetchall() if cursor.description else []
        self._next = 0

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[Any]:
        rest, self._next = self._rows[self._next :], len(self._rows)
        return rest

    def __iter__(self) -> Any:
        return iter(self.fetchall())


class _Box:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class _Transaction:
    """One `write()` block of another thread, served on the writer thread statement by statement."""

    _COMMIT, _ROLLBACK = object(), object()

    def __init__(self) -> None:
        import queue

        self.queue: queue.Queue[Any] = queue.Queue()
        self.started = threading.Event()

    def serve(self, store: Store) -> None:
        class _Rollback(Exception):
            pass

        try:
            with store.write():
                self.started.set()
                while True:
                    item = self.queue.get()
                    if item is self._COMMIT:
                        break
                    if item is self._ROLLBACK:
                        raise _Rollback
                    fn, box = item
                    try:
                        box.result = fn(store)
                    except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                        box.error = exc
                    box.done.set()
        except _Rollback:
            pass

    def call(self, fn: Callable[[Store], T]) -> T:
        box = _Box()
        self.queue.put((fn, box))
        box.done.wait()
        if box.error is not None:
            raise box.error
        return box.result  # type: ignore[no-any-return]


class WriterThreadStore:
    """The Store for code on other threads (the sync engine): every statement runs on the
    writer thread, so SQLite still has exactly one thread using it. A `write()` block on the
    caller's thread becomes one transaction on the writer thread, fed statement by statement;
    UI work queues behind it as it would behind any write."""

    def __init__(self, tasks: TaskManager) -> None:
        self._tasks = tasks
        self._local = threading.local()

    @property
    def _real(self) -> Store:
        if self._tasks._store is None:
            raise RuntimeError("no profile is open")
        return self._tasks._store.wrapped

    def _run(self, fn: Callable[[Store], T]) -> T:
        if on_gui_thread():
            raise StoreAccessFromGuiThread("the GUI thread used the sync engine's store")
        if threading.get_ident() == self._tasks.store_thread_id:
            return fn(self._real)
        tx: _Transaction | None = getattr(self._local, "tx", None)
        if tx is not None:
            return tx.call(fn)
        return self._tasks.run_on_store_thread(lambda: fn(self._real)).result()

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return self._run(lambda s: s.rows(sql, params))

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        return self._run(lambda s: s.one(sql, params))

    def scalar(self, sql: str, params: Any = ()) -> Any:
        return self._run(lambda s: s.scalar(sql, params))

    def execute(self, sql: str, params: Any = ()) -> _Materialized:
        return self._run(lambda s: _Materialized(s.conn.execute(sql, params)))

    @property
    def conn(self) -> WriterThreadStore:
        return self  # `store.conn.execute(...)` lands in `execute` above

    @property
    def db(self) -> WriterThreadStore:
        return self  # `db.execute(...)` inside `with store.write() as db` too

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return self.rows(sql, params)

    @property
    def in_transaction(self) -> bool:
        return getattr(self._local, "tx", None) is not None

    def write(self) -> Any:
        from contextlib import contextmanager

        @contextmanager
        def block() -> Any:
            if threading.get_ident() == self._tasks.store_thread_id:
                with self._real.write():
                    yield self
                return
            if getattr(self._local, "tx", None) is not None:
                yield self  # nested: joins the outer transaction, as Store.write does
                return
            tx = _Transaction()
            future = self._tasks.run_on_store_thread(lambda: tx.serve(self._real))
            while not tx.started.wait(0.05):
                if future.done():
                    future.result()  # BEGIN failed: raise it here
            self._local.tx = tx
            try:
                yield self
            except BaseException:
                tx.queue.put(_Transaction._ROLLBACK)
                raise
            else:
                tx.queue.put(_Transaction._COMMIT)
            finally:
                self._local.tx = None
                future.result()

        return block()

    def __getattr__(self, name: str) -> Any:
        # Plain attributes (actor, clock, now, path) need no SQL.
        return getattr(self._real, name)
