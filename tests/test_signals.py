"""checker.core.signals: signals raise where the run can stop, and a forked child never keeps
the parent's handler."""

from __future__ import annotations

import os
import signal
import time

import pytest

from checker.core import signals
from checker.core.errors import Interrupted, Terminated


def _wait(pid: int, seconds: float = 10.0) -> int:
    """The wait status of ``pid``; fails the test where the child would hang the suite."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the child lived on after SIGTERM")


@pytest.mark.parametrize(
    ("number", "error"), [(signal.SIGINT, Interrupted), (signal.SIGTERM, Terminated)]
)
def test_a_signal_raises_in_the_block_and_waits_out_a_deferred_section(
    number: signal.Signals, error: type[BaseException]
) -> None:
    with signals.handled():
        with pytest.raises(error):
            os.kill(os.getpid(), number)
            time.sleep(1)
        noted = []
        with pytest.raises(error), signals.deferred():
            os.kill(os.getpid(), number)
            time.sleep(0.05)
            noted.append("the section ran to its end")
        assert noted == ["the section ran to its end"]
    assert signal.getsignal(number) is not signals._handler


def test_a_child_forked_in_a_deferred_section_dies_of_sigterm_sent_at_once() -> None:
    """The pool forks its workers with signals deferred; a worker that inherited the handler
    only noted the pool's SIGTERM and lived, and the pool waited for it forever."""
    with signals.handled(), signals.deferred():
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                time.sleep(30)
            finally:
                os._exit(0)
        os.kill(pid, signal.SIGTERM)
        status = _wait(pid)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


def test_a_forked_child_leaves_ctrl_c_to_its_parent_and_keeps_no_pending_signal() -> None:
    read, write = os.pipe()
    with pytest.raises(Interrupted), signals.handled(), signals.deferred():
        os.kill(os.getpid(), signal.SIGINT)  # noted for the parent, raised after the section
        time.sleep(0.05)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
            reply = b"ok" if handlers == (signal.SIG_IGN, signal.SIG_DFL) else b"kept"
            reply += b"" if signals._STATE["pending"] == 0 else b" pending"
            os.write(write, reply)
            os._exit(0)
        os.close(write)
        reply = os.read(read, 64)
        os.close(read)
        _wait(pid)
    assert reply == b"ok"
    assert signals._STATE["pending"] == 0
