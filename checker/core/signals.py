"""SIGINT and SIGTERM as errors, raised where the run can stop cleanly.

While a command runs (:func:`handled`), the signals raise
:class:`~checker.core.errors.Interrupted` and :class:`~checker.core.errors.Terminated` in the
main thread, so the run unwinds as an error does: reports half written are removed, the
worker processes are stopped, one line is said and the exit code is 130 or 143.

Raised in the middle of starting or stopping the worker pool, the error would leave the pool
half made (threads never started, children forked with the parent's handler); inside
:func:`deferred` a signal is only noted, and raised when the section ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from checker.core.errors import Interrupted, Terminated

_STATE = {"deferring": 0, "pending": 0}


def _raise(signum: int) -> None:
    raise Terminated if signum == signal.SIGTERM else Interrupted


def _handler(signum: int, frame: FrameType | None) -> None:
    if _STATE["deferring"]:
        _STATE["pending"] = signum
        return
    _raise(signum)


@contextmanager
def handled() -> Iterator[None]:
    """SIGINT and SIGTERM raise errors in the block (main thread only: a library caller's
    thread cannot set handlers); a signal ignored when the process started (a shell's
    background job) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, _handler)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """A signal that arrives in the block is raised when the block ends."""
    _STATE["deferring"] += 1
    try:
        yield
    finally:
        _STATE["deferring"] -= 1
        pending = _STATE["pending"]
        if pending and not _STATE["deferring"]:
            _STATE["pending"] = 0
            _raise(pending)
