"""A small on-disk cache for work that depends only on file content (parsed, validated and
compiled benchmarks), so loading every shipped benchmark costs milliseconds on the second run.

Entries are keyed by a hash of the tool version, a caller-given salt (e.g. the schema text)
and the file's bytes, so an edited file or a new schema never hits a stale entry.  The cache
lives in ``$BASELINER_CACHE_DIR``, else the user's cache folder of the platform
(``platformdirs``: ``$XDG_CACHE_HOME/baseliner`` or ``~/.cache/baseliner`` on Linux,
``~/Library/Caches/baseliner`` on macOS, ``%LOCALAPPDATA%/baseliner/Cache`` on Windows);
``BASELINER_NO_CACHE=1`` turns it off.  A failure to read or write it
is a miss: the cache can only save time, never change a result.

Entries are data, never code.  Each is JSON that the caller turns back into its value (a
compiled benchmark is compiled again from its checks' texts: checker/policy/stored.py), so
a planted entry cannot run anything; at worst it could describe another benchmark.  Against
that, every entry carries an HMAC keyed by a secret only the user can read (``secret``,
created 0600 in the folder), and the folder must be the user's own and writable by nobody
else (it is created 0700): a folder that is not is not used, and :func:`problems` says why,
for the CLI to warn.  A cache restored from somewhere else (a CI cache shared with less
trusted workflows) brings its own secret: do not restore one you would not run benchmarks
from.

Every edit of a benchmark and every upgrade makes new entries, so the cache keeps the
:data:`KEEP` most recently used entries of each kind and removes the rest when it writes one.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from checker import __version__
from checker.core.files import open_regular, write_atomic

T = TypeVar("T")

KEEP = 256
"""Entries kept per kind (ten shipped benchmarks and a policy repository's own, many times)."""

SECRET = "secret"
SECRET_BYTES = 32

_PROBLEMS: list[str] = []
"""Why the cache folder was not used, once each (see :func:`problems`)."""


def cache_dir() -> Path | None:
    """Where the cache is, or None when it is turned off."""
    if os.environ.get("BASELINER_NO_CACHE"):
        return None
    explicit = os.environ.get("BASELINER_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_cache_dir("baseliner", appauthor=False))


def problems() -> list[str]:
    """Why the cache was not used since the last call (for the CLI to warn), each once."""
    found = list(dict.fromkeys(_PROBLEMS))
    _PROBLEMS.clear()
    return found


def cached(
    kind: str,
    salt: str,
    data: bytes,
    build: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T | None],
) -> T:
    """``build()``, or its result stored earlier for the same ``kind``, ``salt`` and ``data``.

    ``encode`` turns a result into JSON data; ``decode`` turns the data back, or gives None
    when it is not (or no longer) a result of this kind: a result that depends on other
    files checks them.  Anything that goes wrong reading an entry is a miss."""
    folder = cache_dir()
    key = _secret(folder) if folder is not None else None
    if folder is None or key is None:
        return build()
    hashed = hashlib.sha256(f"{__version__}\0{kind}\0{salt}\0".encode())
    hashed.update(data)
    digest = hashed.hexdigest()
    entry = folder / kind / f"{digest}.json"
    found = _read(entry, key, decode)
    if found is not None:
        return found
    value = build()
    with contextlib.suppress(OSError, TypeError, ValueError):
        body = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode()
        (folder / kind).mkdir(mode=0o700, exist_ok=True)
        write_atomic(entry, _sign(key, body) + b"\n" + body, mode=0o600)
        prune(entry.parent, KEEP)
    return value


def _read(entry: Path, key: bytes, decode: Callable[[Any], T | None]) -> T | None:
    """The entry's value, or None: missing, partial, unsigned, forged, foreign or stale."""
    try:
        with open_regular(entry) as handle:
            raw = handle.read()
        end = raw.find(b"\n")
        body = memoryview(raw)[end + 1 :]  # not copied: 3 MB for the shipped benchmarks
        if end < 0 or not hmac.compare_digest(raw[:end], _sign(key, body)):
            return None
        found = decode(json.loads(str(body, "utf-8")))
    except Exception:  # an entry can only miss, whatever is wrong with it
        return None
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(entry)  # used: the last to go when the cache is pruned
    return found


def _sign(key: bytes, body: bytes | memoryview) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode()


def _secret(folder: Path) -> bytes | None:
    """The folder's secret, created when new; None (with a problem noted) when the folder or
    the secret is not the user's own alone."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        problem = _unsafe(folder.stat(), "folder is writable", 0o022)
        if problem is None:
            return _key(folder / SECRET)
    except OSError as exc:
        problem = f"cannot use it: {exc.strerror or exc}"
    _PROBLEMS.append(f"cache {folder} not used: {problem}")
    return None


def _key(path: Path) -> bytes:
    """The secret at ``path``, made (0600) when there is none; OSError when it is unsafe."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(made, "wb") as handle:
                handle.write(os.urandom(SECRET_BYTES))
        fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        problem = _unsafe(os.fstat(handle.fileno()), "secret is readable", 0o077)
        key = handle.read(SECRET_BYTES + 1)
    if problem is None and len(key) != SECRET_BYTES:
        problem = "secret has the wrong size"
    if problem is not None:
        raise OSError(problem)
    return key


def _unsafe(info: os.stat_result, what: str, forbidden: int) -> str | None:
    """Why a file or folder with ``info`` is not safe to trust, or None; ``what`` says what
    the ``forbidden`` mode bits allow ("folder is writable")."""
    owner = os.getuid() if hasattr(os, "getuid") else None
    name = what.split(" ")[0]
    if owner is not None and info.st_uid != owner:
        return f"the {name} belongs to another user (uid {info.st_uid})"
    if info.st_mode & forbidden:
        return f"the {what} by others (mode {stat.filemode(info.st_mode)})"
    return None


def prune(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` most recently used entries of ``folder``."""
    used: list[tuple[float, Path]] = []
    for entry in folder.glob("*.json"):
        with contextlib.suppress(OSError):
            used.append((entry.stat().st_mtime, entry))
    used.sort(reverse=True)
    for _, entry in used[keep:]:
        with contextlib.suppress(OSError):
            entry.unlink()
