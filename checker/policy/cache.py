"""A small on-disk cache for work that depends only on file content (parsed, validated
benchmarks), so loading every shipped benchmark costs milliseconds on the second run.

Entries are keyed by a hash of the tool version, a caller-given salt (e.g. the schema text)
and the file's bytes, so an edited file or a new schema never hits a stale entry.  The cache
lives in ``$BASELINER_CACHE_DIR``, else ``$XDG_CACHE_HOME/baseliner``, else
``~/.cache/baseliner``; ``BASELINER_NO_CACHE=1`` turns it off.  Any failure to read or write
it is ignored: the cache can only save time, never change a result.

Every edit of a benchmark and every upgrade makes new entries, so the cache keeps the
:data:`KEEP` most recently used entries of each kind and removes the rest when it writes one.

Entries are pickles, so the folder must be one only the user writes (the default is); an
entry that unpickles to anything but what its kind holds is a miss, like a corrupt one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from checker import __version__
from checker.core.files import write_atomic

T = TypeVar("T")

KEEP = 256
"""Entries kept per kind (ten shipped benchmarks and a policy repository's own, many times)."""


def cache_dir() -> Path | None:
    if os.environ.get("BASELINER_NO_CACHE"):
        return None
    explicit = os.environ.get("BASELINER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "baseliner"


def cached(
    kind: str,
    salt: str,
    data: bytes,
    build: Callable[[], T],
    made: type[T],
    fresh: Callable[[T], bool] | None = None,
) -> T:
    """``build()``, or its result stored earlier for the same ``kind``, ``salt`` and ``data``
    when it is a ``made`` (and, when ``fresh`` is given, one that ``fresh`` still accepts: a
    result that depends on other files checks them)."""
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{__version__}\0{kind}\0{salt}\0".encode() + data).hexdigest()
    entry = folder / kind / f"{digest}.pickle"
    try:
        with entry.open("rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, made) and (fresh is None or fresh(found)):
            with contextlib.suppress(OSError):
                os.utime(entry)  # used: the last to go when the cache is pruned
            return found
    except Exception:  # a missing, partial, foreign or stale entry is a miss
        pass
    value = build()
    with contextlib.suppress(OSError):
        write_atomic(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        prune(entry.parent, KEEP)
    return value


def prune(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` most recently used entries of ``folder``."""
    used: list[tuple[float, Path]] = []
    for entry in folder.glob("*.pickle"):
        with contextlib.suppress(OSError):
            used.append((entry.stat().st_mtime, entry))
    used.sort(reverse=True)
    for _, entry in used[keep:]:
        with contextlib.suppress(OSError):
            entry.unlink()
