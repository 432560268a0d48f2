"""SIGINT and SIGTERM as errors, raised where the run can stop cleanly.

While a command runs (:func:`handled`), the signals raise
:class:`~checker.core.errors.Interrupted` and :class:`~checker.core.errors.Terminated` in the
main thread, so the run unwinds as an error does: reports half written are removed, the
worker processes are stopped, one line is said and the exit code is 130 or 143.

Raised in the middle of starting or stopping the worker pool, the error would leave the pool
half made (threads never started, children forked with the parent's handler); inside
:func:`deferred` a signal is only noted, and raised when the section ends.

A process forked while the handler is installed must not keep it: a worker that inherited
it while the pool was being started (``deferring`` set) only noted the SIGTERM the pool
sends a broken pool's workers, lived on, and the pool waited for it forever.  So the
signals are blocked across a fork, and the child sets SIGTERM back to its default and
leaves SIGINT to the parent (:func:`_after_fork_in_child`) before it takes them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from checker.core.errors import Interrupted, Terminated

_STATE = {"deferring": 0, "pending": 0}
_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_BLOCKED: list[set[int | signal.Signals]] = []


def _raise(signum: int) -> None:
    raise Terminated if signum == signal.SIGTERM else Interrupted


def _handler(signum: int, frame: FrameType | None) -> None:
    if _STATE["deferring"]:
        _STATE["pending"] = signum
        return
    _raise(signum)


def _installed() -> bool:
    return any(signal.getsignal(number) is _handler for number in _SIGNALS)


def _before_fork() -> None:
    if _installed():
        _BLOCKED.append(signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS))


def _after_fork_in_parent() -> None:
    if _BLOCKED:
        signal.pthread_sigmask(signal.SIG_SETMASK, _BLOCKED.pop())


def _after_fork_in_child() -> None:
    """In a child forked under :func:`handled`: SIGTERM ends it, Ctrl-C is the parent's
    (which stops its children), and a signal that came during the fork is taken now."""
    _STATE["pending"] = 0  # the parent's, not this process's
    if not _BLOCKED:
        return
    defaults = {signal.SIGINT: signal.SIG_IGN, signal.SIGTERM: signal.SIG_DFL}
    for number, default in defaults.items():
        if signal.getsignal(number) is _handler:
            with contextlib.suppress(ValueError):  # not the main thread: cannot happen
                signal.signal(number, default)
    signal.pthread_sigmask(signal.SIG_SETMASK, _BLOCKED.pop())


os.register_at_fork(
    before=_before_fork,
    after_in_parent=_after_fork_in_parent,
    after_in_child=_after_fork_in_child,
)


@contextmanager
def handled() -> Iterator[None]:
    """SIGINT and SIGTERM raise errors in the block (main thread only: a library caller's
    thread cannot set handlers); a signal ignored when the process started (a shell's
    background job) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in _SIGNALS}
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
