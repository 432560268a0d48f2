"""Where reports go: ``-o FORMAT[=PATH]`` specs and atomic writes."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class OutputSpec:
    format: str
    path: Path | None
    """None means standard output."""


def parse_output(spec: str, known: list[str]) -> OutputSpec:
    """``junit=reports/junit.xml`` -> OutputSpec; no path or ``-`` means stdout."""
    name, _, path = spec.partition("=")
    if name not in known:
        raise ValueError(f"unknown output format {name!r} (known: {', '.join(known)})")
    return OutputSpec(name, None if path in ("", "-") else Path(path))


Rendered = str | bytes | Iterable[str | bytes]
"""What a reporter returns: the whole text, bytes, or text in chunks (for streaming)."""


def utf8(text: str) -> bytes:
    """``text`` in UTF-8, the encoding of every report.

    A lone surrogate (an undecodable byte of a file name, which Python reads as ``\\udcff``,
    or a ``\\ud800`` escape in a JSON or YAML input) is written as that escape: in JSON it is
    the escape JSON has for it, elsewhere readable text.  Strict encoding would stop the run
    at the end, its work done, on one odd file name.
    """
    return text.encode("utf-8", "backslashreplace")


_CONTROLS = {
    code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))
}
"""Control characters but tab and line feed, as their escapes (``str.translate`` table)."""


def visible(text: str) -> str:
    """``text`` for a terminal: control characters (an escape sequence in a file name or an
    exported display name could clear the screen, retitle the window or hide a line) are
    shown as ``\\x1b`` instead of acting.  For human-readable output only: JSON escapes
    them itself."""
    return text.translate(_CONTROLS)


def storable(text: str) -> str:
    """``text`` as :func:`utf8` writes it, for a store that refuses surrogates (SQLite)."""
    return utf8(text).decode("utf-8")


def chunks(data: Rendered) -> Iterator[bytes]:
    """Rendered output as UTF-8 byte chunks (see :func:`utf8`)."""
    if isinstance(data, bytes):
        yield data
    elif isinstance(data, str):
        yield utf8(data)
    else:
        for chunk in data:
            yield chunk if isinstance(chunk, bytes) else utf8(chunk)


def _mode(path: Path) -> int:
    """The replaced file's permissions, or what a new file gets under the umask (a temporary
    file is created 0600, which would hide a report from the CI user that uploads it)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: Rendered) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half.

    The data goes to a temporary file in the same folder, is flushed to disk, and is renamed
    over the target (atomic on POSIX and on Windows' ReplaceFile semantics of os.replace).
    A path that is not a file (``/dev/stdout``, a named pipe, a terminal) is written into:
    renaming over it would replace the device or link with a file nobody reads.
    """
    kind = _kind(path)
    if kind == "directory":
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file to write", str(path))
    if kind == "special":
        with path.open("wb") as handle:
            for chunk in chunks(data):
                handle.write(chunk)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks(data):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode(path))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _kind(path: Path) -> str:
    """What ``path`` is, its links followed: "file" (or nothing yet), "directory" or
    "special" (a device, pipe or socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    return "file" if stat.S_ISREG(mode) else "special"
