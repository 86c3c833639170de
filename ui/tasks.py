"""Two executors and the one seam through which the GUI reaches the store.

Pattern from Anki's `taskman.py` / `CollectionOp`: a single worker thread owns the `Store`
(every read and write runs there, so SQLite sees one writer and "database is locked" cannot
come from us), a separate pool runs network work, and results come back to the GUI thread as
posted events (Picard's `to_main`). Views never hold the Store; they hand a function to
`store_op` and get the result in a callback on the GUI thread.

Debug runs (`CVI_DEBUG_THREADS=1`, and always in tests) wrap the store in `GuardedStore`,
which raises if anything touches it from the GUI thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal

if TYPE_CHECKING:
    # Only a type here: importing the store pulls in sqlite-utils, SQLCipher and keyring, which
    # the store thread loads when it opens the profile, after the window has painted.
    from cvi_desktop.store import Store

T = TypeVar("T")
Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


class StoreAccessFromGuiThread(AssertionError):
    """Raised in debug runs when the GUI thread touches the store (it must never)."""


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class GuardedStore:
    """A transparent proxy around `Store` that refuses use from the GUI thread.

    Services only see an object with the Store's attributes, so they run unchanged.
    """

    def __init__(self, store: Store, *, enforce: bool = True) -> None:
        object.__setattr__(self, "_store", store)
        object.__setattr__(self, "_enforce", enforce)
        object.__setattr__(self, "gui_touches", 0)

    def __getattr__(self, name: str) -> Any:
        if on_gui_thread():
            object.__setattr__(self, "gui_touches", self.gui_touches + 1)
            if self._enforce:
                raise StoreAccessFromGuiThread(f"the GUI thread touched store.{name}")
        return getattr(self._store, name)

    @property
    def wrapped(self) -> Store:
        return self._store


class _CallEvent(QEvent):
    TYPE = QEvent.Type(QEvent.registerEventType())

    def __init__(self, fn: Callable[[], None]) -> None:
        super().__init__(self.TYPE)
        self.fn = fn


class TaskManager(QObject):
    """Runs store work on the writer thread and network work in a pool; calls back on the GUI."""

    busy_changed = Signal(bool)

    def __init__(
        self, parent: QObject | None = None, *, debug_threads: bool | None = None, network_workers: int = 4
    ) -> None:
        super().__init__(parent)
        self._store_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cvi-store")
        self._net_pool = ThreadPoolExecutor(max_workers=network_workers, thread_name_prefix="cvi-net")
        self._store: GuardedStore | None = None
        self._in_flight = 0
        self._lock = threading.Lock()
        self.debug_threads = (
            (os.environ.get("CVI_DEBUG_THREADS") == "1") if debug_threads is None else debug_threads
        )
        # Where failures go when a caller gave no on_failure (the main window's error dialog).
        self.default_failure: Failure = lambda exc: None
        self.store_thread_id: int | None = None
        self._closed = False
        self._store_pool.submit(self._remember_store_thread).result()

    def _remember_store_thread(self) -> None:
        self.store_thread_id = threading.get_ident()

    # --- plumbing --------------------------------------------------------------------------

    def event(self, ev: QEvent) -> bool:  # noqa: D401 - Qt override
        if ev.type() == _CallEvent.TYPE:
            ev.fn()  # type: ignore[attr-defined]
            return True
        return super().event(ev)

    def to_gui(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the GUI thread soon; safe to call from any thread."""
        QCoreApplication.postEvent(self, _CallEvent(fn))

    @property
    def idle(self) -> bool:
        return self._in_flight == 0

    def _track(self, delta: int) -> None:
        with self._lock:
            before = self._in_flight
            self._in_flight += delta
            after = self._in_flight
        if (before == 0) != (after == 0):
            self.to_gui(lambda: self.busy_changed.emit(self._in_flight > 0))

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        work: Callable[[], T],
        on_success: Success | None,
        on_failure: Failure | None,
    ) -> Future[T]:
        if self._closed:
            # Events still in flight while the window closes: nothing to do any more.
            future: Future[T] = Future()
            future.cancel()
            return future
        self._track(+1)

        def run() -> T:
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - every failure goes back as a value
                failure, error = on_failure or self.default_failure, exc
                self.to_gui(lambda: self._finish(lambda: failure(error)))
                raise
            self.to_gui(lambda: self._finish(lambda: on_success(result) if on_success else None))
            return result

        return pool.submit(run)

    def _finish(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        finally:
            self._track(-1)

    # --- the store -------------------------------------------------------------------------

    def open_store(
        self,
        opener: Callable[[], Store],
        *,
        on_success: Success | None = None,
        on_failure: Failure | None = None,
    ) -> Future[Any]:
        """Open the store on the writer thread; it never leaves that thread afterwards."""

        def work() -> None:
            store = opener()
            self._store = GuardedStore(store, enforce=self.debug_threads)

        return self._submit(self._store_pool, work, on_success, on_failure)

    @property
    def has_store(self) -> bool:
        return self._store is not None

    def store_op(
        self,
        fn: Callable[[Store], T],
        *,
        on_success: Success | None = None,
        on_failure: Failure | None = None,
    ) -> Future[T]:
        """Run `fn(store)` on the writer thread; `on_success(result)` on the GUI thread."""

        def work() -> T:
            if self._store is None:
                raise RuntimeError("no profile is open")
            return fn(self._store)  # type: ignore[arg-type]

        return self._submit(self._store_pool, work, on_success, on_failure)

    def store_call(self, fn: Callable[[Store], T], timeout: float = 30) -> T:
        """Blocking store access for non-GUI threads (the sync engine's callbacks)."""
        if on_gui_thread():
            raise StoreAccessFromGuiThread("store_call would block the GUI thread")
        if threading.get_ident() == self.store_thread_id:
            return fn(self._store)  # type: ignore[arg-type]
        return self.store_op(fn).result(timeout)

    @property
    def gui_touches(self) -> int:
        return 0 if self._store is None else self._store.gui_touches

    def run_on_store_thread(self, fn: Callable[[], T]) -> Future[T]:
        """Bare writer-thread access for the sync bridge (no GUI callback)."""
        return self._store_pool.submit(fn)

    # --- the network -----------------------------------------------------------------------

    def network_op(
        self, fn: Callable[[], T], *, on_success: Success | None = None, on_failure: Failure | None = None
    ) -> Future[T]:
        return self._submit(self._net_pool, fn, on_success, on_failure)

    # --- shutdown --------------------------------------------------------------------------

    def close_store(self) -> None:
        def work() -> None:
            if self._store is not None:
                self._store.wrapped.close()
                self._store = None

        self._store_pool.submit(work).result(30)

    def shutdown(self) -> None:
        if self._closed:
            return
        self.close_store()
        self._closed = True
        self._net_pool.shutdown(wait=False, cancel_futures=True)
        self._store_pool.shutdown(wait=True)


# --- the store as seen by other threads (the sync engine) -----------------------------------------


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
