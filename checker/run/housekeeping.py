"""What a checking process keeps in order: how long a target may take, how eagerly garbage is
collected, and a quiet end of the pool."""

from __future__ import annotations

import ctypes
import gc
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import InvalidStateError
from contextlib import contextmanager


class TargetTimedOut(Exception):
    """A target took longer than ``--target-timeout`` to load and check."""


def _time_out(signum: int, frame: object) -> None:
    raise TargetTimedOut


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TargetTimedOut` in the block after ``seconds`` of wall time (None or 0:
    no limit).

    In the main thread of a POSIX process (every pool worker, and a run with ``--jobs 1``)
    an alarm signal raises it; in another thread (a Dask worker runs its tasks in threads)
    a timer asks the interpreter to raise it in the checking thread, which happens as soon
    as that thread runs Python code again (a long call into C, such as lxml parsing one
    huge document, ends first).
    """
    if not seconds or seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
    else:
        with _timer(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    if not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _time_out)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _timer(seconds: float) -> Iterator[None]:
    thread = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    running = [True]

    def expire() -> None:
        with lock:
            if running[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(TargetTimedOut))

    timer = threading.Timer(seconds, expire)
    timer.start()
    try:
        yield
    finally:
        with lock:
            running[0] = False
        timer.cancel()
        # An exception asked for but not raised yet would be raised after the block:
        # withdraw it (the block has ended in time after all, or already raised it).
        ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)


LESS_EAGER = (10_000, 50, 50)
"""Garbage collector thresholds while targets are checked and collected (the default is
700, 10, 10)."""


@contextmanager
def collecting_less() -> Iterator[None]:
    """The parent's garbage collection while it collects targets, as in a worker (see
    :func:`checker.run.pool.worker_setup`), then back as it was.

    The parent allocates a few hundred objects per target and keeps few; at the default
    thresholds the collector took a fifth of its time on a fleet of 2,000 (0.3 s, five full
    collections that found nothing), walking the benchmarks and modules each time.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*LESS_EAGER)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextmanager
def quiet_cancellation() -> Iterator[None]:
    """Python 3.11's pool marks a future it has just cancelled as failed when a worker dies
    at the same moment (killed with the run, by Ctrl-C or SIGTERM to the process group),
    and its thread prints an ``InvalidStateError`` traceback: the error changes nothing
    (the run is stopping), so it is not shown.  Python 3.12 checks the future first."""
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        thread = type(args.thread).__name__ if args.thread is not None else ""
        if args.exc_type is InvalidStateError and thread == "_ExecutorManagerThread":
            return
        previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous
