"""Errors: one tree, each class knowing its exit code and how the terminal is told of it.

Exit codes (DESIGN §7): 0 passed; 1 the gate failed; 2 usage, policy or input error.
Only the CLI turns errors into exit codes (``checker.cli.exit_codes``): it catches
:class:`BaselinerError`, prints its :meth:`~BaselinerError.lines` and exits with its
:attr:`~BaselinerError.exit_code`.  Anything else that escapes is a bug of ours.

An :class:`InputError` is a value, not an exception: a bad input becomes a reported error
with its position, and every other target is still checked (DESIGN §8).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
"""128 + SIGINT and 128 + SIGTERM, as shells report a process those signals ended."""


class BaselinerError(Exception):
    """The root of every error the tool reports rather than crashes on."""

    exit_code: int = EXIT_ERROR

    def lines(self) -> Iterator[str]:
        """What the terminal is told, a line each."""
        yield str(self)


@dataclass(frozen=True, slots=True)
class InputError:
    """A bad input: the file, the position in it, and what is wrong."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    offset: int | None = None

    @property
    def position(self) -> str | None:
        if self.line is not None:
            return f"line {self.line}" + (f", column {self.column}" if self.column else "")
        if self.offset is not None:
            return f"byte {self.offset}"
        return None

    def __str__(self) -> str:
        pos = self.position
        return f"{self.path}: {pos}: {self.message}" if pos else f"{self.path}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "position": self.position, "message": self.message}


class InputFormatError(BaselinerError):
    """Raised by a loader for a file it cannot read; carries an :class:`InputError`."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error

    def lines(self) -> Iterator[str]:
        yield f"input error: {self.error}"


def input_error(
    path: str,
    message: str,
    *,
    line: int | None = None,
    column: int | None = None,
    offset: int | None = None,
) -> InputFormatError:
    """Shorthand for loaders: ``raise input_error(path, "bad thing", offset=12)``."""
    return InputFormatError(InputError(path, message, line, column, offset))


SHOWN_PER_MESSAGE = 20
"""Input errors shown on the terminal with one message; the reports list them all."""


def error_lines(errors: Sequence[InputError]) -> Iterator[str]:
    """A line per input error, but at most :data:`SHOWN_PER_MESSAGE` with one message and then
    how many more: a worker that dies leaves every target it did not hand over "not
    checked", thousands in a large fleet."""
    total = Counter(error.message for error in errors)
    seen: Counter[str] = Counter()
    for error in errors:
        seen[error.message] += 1
        if seen[error.message] <= SHOWN_PER_MESSAGE:
            yield f"input error: {error}"
        elif seen[error.message] == SHOWN_PER_MESSAGE + 1:
            more = total[error.message] - SHOWN_PER_MESSAGE
            yield f"input error: {more:,} more file(s): {error.message}"


class InputErrors(BaselinerError):
    """Raised after all output is written, when some input could not be read."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(f"{len(errors)} input error(s)")
        self.errors = errors

    def lines(self) -> Iterator[str]:
        yield from error_lines(self.errors)


class PolicyError(BaselinerError):
    """A bad policy-repository file: path, line, column, breadcrumb and message."""

    def __init__(
        self,
        path: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        breadcrumb: str = "",
    ) -> None:
        super().__init__(path, message, line, column, breadcrumb)
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        self.breadcrumb = breadcrumb

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        crumb = f" at {self.breadcrumb}" if self.breadcrumb else ""
        return f"{where}: {self.message}{crumb}"

    def lines(self) -> Iterator[str]:
        yield f"policy error: {self}"


class GateFailed(BaselinerError):
    """The results are below the gate set by --fail-under / --fail-on."""

    exit_code = EXIT_GATE

    def lines(self) -> Iterator[str]:
        yield f"gate failed: {self}"


class OutputRefused(BaselinerError):
    """A report that its consumer would refuse (a SARIF log over GitHub's limits) was not
    written; the others were."""

    def lines(self) -> Iterator[str]:
        yield f"output error: {self}"


class Failed(BaselinerError):
    """A repository command (lint, test) found problems; it chooses its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class ClusterError(BaselinerError):
    """The cluster cannot check the run: its scheduler cannot be reached, an extra is not
    installed, or a worker runs another version of baseliner.  Exit 2, no report: a report
    from workers that run other code would not be the report of this run."""

    def lines(self) -> Iterator[str]:
        yield f"error: {self}"


class Interrupted(BaselinerError):
    """SIGINT (Ctrl-C): raised in the main thread, so the run stops as an error does (no
    temporary files left, workers stopped) and says so in one line."""

    exit_code = EXIT_INTERRUPTED

    def lines(self) -> Iterator[str]:
        yield "interrupted"


class Terminated(Interrupted):
    """SIGTERM, as :class:`Interrupted`."""

    exit_code = EXIT_TERMINATED

    def lines(self) -> Iterator[str]:
        yield "terminated"
