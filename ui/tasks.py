"""Two executors and the one seam through which the GUI reaches the store.

Pattern from Anki's `taskman.py` / `CollectionOp`: a single worker thread owns the `Store`
(every read and write runs there, so SQLite sees one writer and "database is locked" cannot
come from us), a separate pool runs network work, and results come back to the GUI thread as
posted events (Picard's `to_main`). Views never hold the Store; they hand a function to
`store_op` and get the result in a callback on the GUI thread.

Debug runs (`CVI_DEBUG_THREADS=1`, and always in tests) wrap the store in `GuardedStore`,
which raises if anything touches it from the GUI thread.

A session (and so a task manager) is made before the main window's first frame, which asks
nothing of either: the two thread pools (and `concurrent.futures`, with the logging it imports)
start on first use, which is after that frame. The sync engine, on its own threads, reaches the
store only through `store_call`: one whole core function at a time, run on the store thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

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
        self._network_workers = network_workers
        self._pools: tuple[ThreadPoolExecutor, ThreadPoolExecutor] | None = None
        self._store_thread_id: int | None = None
        self._store: GuardedStore | None = None
        self._in_flight = 0
        self._lock = threading.Lock()
        self.debug_threads = (
            (os.environ.get("CVI_DEBUG_THREADS") == "1") if debug_threads is None else debug_threads
        )
        # Where failures go when a caller gave no on_failure (the main window's error dialog).
        self.default_failure: Failure = lambda exc: None
        self._closed = False

    def _started_pools(self) -> tuple[ThreadPoolExecutor, ThreadPoolExecutor]:
        """The (store, network) pools, started on first use."""
        if self._pools is not None:
            return self._pools
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:  # the GUI thread starts them in practice; be safe on any thread anyway
            if self._pools is not None:
                return self._pools
            store_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cvi-store")
            net_pool = ThreadPoolExecutor(max_workers=self._network_workers, thread_name_prefix="cvi-net")
            self._store_thread_id = store_pool.submit(threading.get_ident).result()
            self._pools = (store_pool, net_pool)
            return self._pools

    @property
    def _store_pool(self) -> ThreadPoolExecutor:
        return self._started_pools()[0]

    @property
    def _net_pool(self) -> ThreadPoolExecutor:
        return self._started_pools()[1]

    @property
    def store_thread_id(self) -> int:
        """The writer thread's id (the one thread that ever touches the store)."""
        self._started_pools()
        assert self._store_thread_id is not None
        return self._store_thread_id

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
            from concurrent.futures import Future

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
        if self._pools is None:  # never used: no threads to stop
            self._closed = True
            return
        self.close_store()
        self._closed = True
        self._net_pool.shutdown(wait=False, cancel_futures=True)
        self._store_pool.shutdown(wait=True)
