"""Files in and out: bounded, decoded reads of untrusted exports; atomic writes of reports.

Real exports come as UTF-16LE with BOM and CRLF (gpreport.xml, GptTmpl.inf, gpresult),
UTF-16 without BOM, and UTF-8 with or without BOM.  Reports are written so that a reader sees
the old file or the new, never half of one.
"""

from __future__ import annotations

import codecs
import errno
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from checker.core.errors import input_error
from checker.core.text import utf8

MAX_BYTES = 64 * 1024 * 1024
"""The largest export read; real ones are under 2 MB.  Larger files are refused, not read."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading, refusing anything but a regular file (OSError): a FIFO
    or device swapped in for an export would block the reader forever.  Opened without
    blocking, then checked on the open file, so a file swapped in after a check cannot
    get through."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_upto(handle: BinaryIO, limit: int) -> bytes:
    """The bytes of an open file, but no more than ``limit + 1`` (one more than allowed
    tells the caller it is too big).  Asking for ``limit + 1`` bytes at once would allocate
    (and release) that much a file: four times the cost of reading a 300 KB export under a
    64 MB limit, and half of reading the shipped benchmarks under 16 MB.  A file that grew
    since ``stat`` is read on, up to the limit."""
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size, limit) + 1)
    if size < len(data) <= limit:
        data += handle.read(limit + 1 - len(data))
    return data


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, refusing files above ``limit`` without reading them."""
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise input_error(
                    str(path),
                    f"file is {size:,} bytes, over the {limit:,}-byte limit for an export",
                )
            data = read_upto(handle, limit)
    except OSError as exc:
        raise input_error(str(path), f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise input_error(str(path), f"file grew past the {limit:,}-byte limit while read")
    return data


def head(path: Path, size: int = 4096) -> bytes:
    """The first ``size`` bytes of a file, or ``b""`` when it cannot be read or is not a
    regular file (for sniffing)."""
    try:
        with open_regular(path) as handle:
            return handle.read(size)
    except OSError:
        return b""


def contained(found: Path, folder: Path, what: str) -> Path:
    """``found``, a file that belongs to ``folder`` (``what``: "the GPO backup"), to read.

    An InputFormatError when it is not a file (a folder, a broken or looping link) or when a
    symbolic link takes it out of ``folder``: following it would read, and quote in errors, a
    file the export does not hold.  (The walk of an input folder refuses such links among
    the files it meets; this is for the files a loader finds beside or below its own.)
    """
    try:
        resolved = found.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: "Symlink loop from ..."
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise input_error(str(found), f"cannot read: {reason}") from exc
    if not resolved.is_relative_to(folder.resolve()):
        raise input_error(str(found), f"symbolic link leads out of {what}")
    if not resolved.is_file():
        raise input_error(str(found), "not a file")
    return found


def git_top_level(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` that holds ``.git`` (a clone or a
    worktree), resolved; None out of git."""
    where = folder.resolve()
    for candidate in (where, *where.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def repository_of(file: Path) -> Path:
    """The repository a policy-repository file belongs to: the nearest folder above it that
    holds ``.git``; out of git, the working folder when the file is in it (commands run at
    the top of a policy repository), else the file's own folder."""
    folder = file.resolve().parent
    top = git_top_level(folder)
    if top is not None:
        return top
    here = Path.cwd().resolve()
    return here if folder.is_relative_to(here) else folder


def working_repository() -> Path:
    """The repository the working folder is in: its git top level, else the folder."""
    return git_top_level(Path.cwd()) or Path.cwd().resolve()


def outside(found: Path, file: Path, allowed: Sequence[Path] = ()) -> bool:
    """Whether ``found``, a path that ``file`` names, leads out of ``file``'s repository and
    out of every ``allowed`` folder (an absolute path, ``..``, a link): a test case or a
    manifest from a pull request must not read the runner's home folder."""
    try:
        where = found.resolve()
    except (OSError, ValueError):  # a NUL byte, a link loop: nothing to read there either
        return False
    roots = [repository_of(file), *(folder.resolve() for folder in allowed)]
    return not any(where.is_relative_to(root) for root in roots)


def detect_encoding(data: bytes) -> tuple[str, int]:
    """The encoding of ``data`` and the length of its BOM."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    sample = data[:512]
    if len(sample) >= 2:
        # ASCII text in UTF-16 without a BOM: every other byte is zero.
        if sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
            return "utf-16-le", 0
        if sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
            return "utf-16-be", 0
    return "utf-8", 0


def decode(data: bytes, path: str) -> str:
    """Text of an export, whatever its BOM; a decoding error names the byte offset."""
    encoding, bom = detect_encoding(data)
    body = data[bom:]
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise input_error(
            path, f"not valid {encoding.upper()} text: {exc.reason}", offset=bom + exc.start
        ) from exc


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Decoded text of ``path`` (see :func:`decode`)."""
    return decode(read_bytes(path, limit), str(path))


class _NotJson(ValueError):
    """Raised by the JSON parser at a value Python's parser takes but JSON has not: NaN,
    Infinity, or a number too large for a float (``1e999``), which Python reads as infinite."""


def _not_json(token: str) -> Any:
    raise _NotJson(token)


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NotJson(token)
    return value


def _where(text: str, token: str) -> tuple[int | None, int | None]:
    """Line and column of the first ``token`` outside a JSON string: the one the parser met
    first (a later one cannot come before it).  Whatever follows it but a digit: the parser
    hands a number over before it looks past it, so ``1e999false`` is refused at the number.
    None when it is not found (the message still names the value)."""
    pattern = r'"(?:[^"\\]|\\.)*"|(?<![\w.+-])(' + re.escape(token) + r")(?!\d)"
    found = next((m for m in re.finditer(pattern, text) if m.group(1)), None)
    if found is None:
        return None, None
    start = found.start(1)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


MAX_DEPTH = 64
"""Nesting an input may have: real exports nest a dozen levels; far deeper nesting only
serves to exhaust the stack of whatever walks the data later (pickling it to a worker)."""


def parse_json(text: str, path: str, max_depth: int | None = MAX_DEPTH) -> Any:
    """The JSON document ``text`` read from ``path``.

    Malformed JSON raises InputFormatError with the line and column, as do ``NaN``,
    ``Infinity`` and numbers beyond a float (``1e999``): Python's parser takes them, but JSON
    has no such values, and one read into a fact would make every JSON report and SARIF log
    written from it invalid.  So does nesting deeper than ``max_depth`` (None: any).
    """
    try:
        document = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg}"
        raise input_error(path, message, line=exc.lineno, column=exc.colno) from exc
    except _NotJson as exc:
        line, column = _where(text, str(exc))
        raise input_error(
            path, f"invalid JSON: {exc} is not a JSON value", line=line, column=column
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise input_error(path, f"invalid JSON: {exc}") from exc
    if max_depth is not None and too_deep(document, max_depth):
        line, column = _deep_at(text, max_depth)
        message = f"nested deeper than {max_depth} levels"
        raise input_error(path, message, line=line, column=column)
    return document


def too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` (JSON data) nests lists and objects deeper than ``limit``; walked
    without recursion, so it holds for any depth."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _deep_at(text: str, limit: int) -> tuple[int, int]:
    """Line and column of the bracket that opens the ``limit + 1``-th level of ``text``."""
    depth = 0
    for found in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        mark = found.group()
        if mark in "[{":
            depth += 1
            if depth > limit:
                start = found.start()
                return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
        elif mark in "]}":
            depth -= 1
    return 1, 1


Rendered = str | bytes | Iterable[str | bytes]
"""What a reporter returns: the whole text, bytes, or text in chunks (for streaming)."""


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


def write_atomic(path: Path, data: Rendered, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half.

    The data goes to a temporary file in the same folder, is flushed to disk, and is renamed
    over the target (atomic on POSIX and on Windows' ReplaceFile semantics of os.replace).
    A path that is not a file (``/dev/stdout``, a named pipe, a terminal) is written into:
    renaming over it would replace the device or link with a file nobody reads.  ``mode``
    sets the new file's permissions (default: the replaced file's, or the umask's).
    """
    kind = _kind(path)
    if kind == "directory":
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file to write", str(path))
    if kind == "special":
        try:
            with path.open("wb") as handle:
                for chunk in chunks(data):
                    handle.write(chunk)
        except OSError as exc:
            _reraise_named(exc, path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks(data):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode(path) if mode is None else mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        _reraise_named(exc, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _reraise_named(exc: OSError, path: Path) -> NoReturn:
    """Raise ``exc``, naming ``path`` when it names no file (a full disk says only
    "[Errno 28]")."""
    if exc.filename is None:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    raise exc


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
