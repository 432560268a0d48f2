"""Shell patterns for check ids and target names."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence


def compile_glob(glob: str) -> re.Pattern[str]:
    """A check-id or target-name glob, matched whole and case-insensitively: ``*``, ``?``,
    ``[seq]`` and ``[!seq]`` as in shell patterns (``fnmatch``).  ``[...]`` used to be taken
    literally, so ``--check '*se[st]*'`` selected nothing, silently."""
    return re.compile(fnmatch.translate(glob), re.IGNORECASE)


def compile_globs(value: str | Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """One pattern or several, compiled."""
    return tuple(compile_glob(v) for v in ([value] if isinstance(value, str) else value))
