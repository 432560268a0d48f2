"""A small on-disk cache for work that depends only on file content (parsed, validated
benchmarks), so loading every shipped benchmark costs milliseconds on the second run.

Entries are keyed by a hash of the tool version, a caller-given salt (e.g. the schema text)
and the file's bytes, so an edited file or a new schema never hits a stale entry.  The cache
lives in ``$BASELINER_CACHE_DIR``, else ``$XDG_CACHE_HOME/baseliner``, else
``~/.cache/baseliner``; ``BASELINER_NO_CACHE=1`` turns it off.  Any failure to read or write
it is ignored: the cache can only save time, never change a result.
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
from checker.outputs import write_atomic

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("BASELINER_NO_CACHE"):
        return None
    explicit = os.environ.get("BASELINER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "baseliner"


def cached(kind: str, salt: str, data: bytes, build: Callable[[], T]) -> T:
    """``build()``, or its result stored earlier for the same ``kind``, ``salt`` and ``data``."""
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256(f"{__version__}\0{kind}\0{salt}\0".encode() + data).hexdigest()
    entry = folder / kind / f"{digest}.pickle"
    try:
        with entry.open("rb") as handle:
            found: T = pickle.load(handle)
        return found
    except Exception:  # a missing, partial or foreign entry is a miss
        pass
    value = build()
    with contextlib.suppress(OSError):
        write_atomic(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value
