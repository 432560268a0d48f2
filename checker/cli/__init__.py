"""The command line.  Only the CLI prints, and :func:`exit_codes` alone maps errors to exit
codes (see checker/core/errors.py).  Each command group is a module here, added to the group
below by hand:

- ``check_command``: check (evaluate, score, report, record, gate)
- ``inspect``: normalize, explain, policies, mapping
- ``history``: history, diff
- ``repo``: lint, test (the policy repository's commands)
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import click

from checker import __version__
from checker.cli import check_command, history, inspect, repo
from checker.cli.common import say
from checker.core.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    BaselinerError,
    Interrupted,
    Terminated,
)
from checker.policy import cache


@contextmanager
def exit_codes() -> Iterator[list[int]]:
    """The one place that turns exceptions into exit codes and messages on stderr."""
    code = [EXIT_OK]
    try:
        yield code
    except BaselinerError as exc:
        for line in exc.lines():
            say(line)
        code[0] = exc.exit_code
    except click.exceptions.Exit as exc:
        code[0] = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code[0] = EXIT_ERROR
    except (click.exceptions.Abort, KeyboardInterrupt):  # a Ctrl-C before the handler is set
        say("interrupted")
        code[0] = EXIT_INTERRUPTED
    except OSError as exc:
        say(f"error: {exc}")
        code[0] = EXIT_ERROR
    except Exception as exc:  # a bug of ours: say so in one line, never a traceback
        if os.environ.get("BASELINER_DEBUG"):
            raise
        say(f"internal error: {type(exc).__name__}: {exc} (set BASELINER_DEBUG=1 for details)")
        code[0] = EXIT_ERROR


def _tolerant_streams() -> None:
    """Text written to the terminal or a pipe keeps a lone surrogate as its escape, as
    reports do (see :func:`checker.core.text.utf8`)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    with exit_codes() as code, _terminating():
        cli.main(
            args=list(argv) if argv is not None else None,
            standalone_mode=False,
            prog_name="baseliner",
        )
    for problem in cache.problems():
        say(f"warning: {problem}")
    return code[0]


def _interrupt(signum: int, frame: object) -> None:
    raise Terminated if signum == signal.SIGTERM else Interrupted


@contextmanager
def _terminating() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` and :class:`Terminated` while a command
    runs, from the main thread only (a library caller's thread cannot set handlers); a
    signal ignored when the process started (a shell's background job) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def entry() -> None:
    sys.exit(main())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="baseliner")
def cli() -> None:
    """Check Windows Group Policy and Intune exports against security baselines."""


for command in (
    check_command.check,
    inspect.normalize,
    inspect.explain,
    inspect.policies,
    inspect.mapping,
    history.history_command,
    history.diff_command,
    repo.lint_command,
    repo.test_command,
):
    cli.add_command(command)
