"""Inputs and outputs at URLs (``s3://``, ``abfs://``, ``az://``, ``gs://``, ``file://``),
through fsspec and the filesystem packages of the extras (``baseliner[s3]``, ``[azure]``,
``[gcs]``).

A loader reads an object at a URL as a local file: :func:`localized` copies it into a
temporary folder (fsspec's ``simplecache``) and gives a :class:`UrlPath`, whose text is the
URL (what the loader writes into origins, notes and errors) while the operating system opens
the copy.  Credentials come from the environment and each library's own configuration
(``AWS_*`` variables and profiles, ``AZURE_STORAGE_*``, ``GOOGLE_APPLICATION_CREDENTIALS``),
never from baseliner's flags, so that they are not in a process list or a CI log.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PosixPath, PurePath
from typing import Any

from checker.core.errors import BaselinerError, input_error

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def is_url(text: str | Path) -> bool:
    """Whether ``text`` is a URL (``scheme://...``) rather than a local path."""
    return isinstance(text, str) and bool(_URL.match(text))


class RemoteError(BaselinerError):
    """A URL that fsspec cannot open: no package for its scheme, or none installed."""

    def lines(self) -> Iterator[str]:
        yield f"error: {self}"


EXTRAS = {
    "s3": "s3",
    "s3a": "s3",
    "abfs": "azure",
    "az": "azure",
    "adl": "azure",
    "gs": "gcs",
    "gcs": "gcs",
}
"""The package extra (pyproject.toml) that installs fsspec's filesystem for each scheme."""


def filesystem(url: str) -> tuple[Any, str]:
    """fsspec's filesystem for ``url`` and the path in it."""
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency
        raise RemoteError(f"{url}: URLs need fsspec (pip install fsspec)") from exc
    try:
        fs, path = fsspec.core.url_to_fs(url)
        return fs, str(path)
    except (ImportError, ValueError) as exc:
        scheme = url.partition("://")[0]
        hint = f" (pip install 'baseliner[{EXTRAS[scheme]}]')" if scheme in EXTRAS else ""
        raise RemoteError(f"{url}: cannot open {scheme}:// URLs: {exc}{hint}") from exc


def _url_of(fs: Any, path: str) -> str:
    return str(fs.unstrip_protocol(path))


def listed(url: str) -> list[str]:
    """The objects of a URL, sorted: those a glob matches, those under a folder (at any
    depth), or the object itself; ``[]`` when there is none."""
    fs, path = filesystem(url)
    if any(char in path for char in "*?["):
        found = [p for p, info in fs.glob(path, detail=True).items() if info["type"] == "file"]
    elif fs.isdir(path):
        found = list(fs.find(path))
    elif fs.isfile(path):
        return [url]
    else:
        found = []
    return sorted(_url_of(fs, p) for p in found)


def read_url(url: str, limit: int) -> bytes:
    """An object's bytes (a manifest or a list of URLs), at most ``limit``."""
    fs, path = filesystem(url)
    try:
        with fs.open(path, "rb") as handle:
            data: bytes = handle.read(limit + 1)
    except OSError as exc:
        raise input_error(url, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise input_error(url, f"larger than the {limit:,}-byte limit")
    return data


def write_url(url: str, data: Iterable[bytes]) -> None:
    """Write an object; object stores make it visible whole, when it is closed."""
    fs, path = filesystem(url)
    with fs.open(path, "wb") as handle:
        for chunk in data:
            handle.write(chunk)


def remove_parts(url: str, pattern: str) -> None:
    """Remove the objects of a folder URL whose names match ``pattern`` (a glob)."""
    fs, path = filesystem(url)
    stale = fs.glob(f"{path.rstrip('/')}/{pattern}")
    if stale:
        fs.rm(stale)


class UrlPath(PosixPath):
    """An object at a URL as loaders see it: ``str()`` is the URL, ``os.fspath()`` is the
    local copy (:func:`localized`), and the name, stem and parts are the URL's path's.

    Only the path itself carries the URL: a path derived from it (``.parent``) is a plain
    local-looking path, which loaders of single files never open.
    """

    url: str
    local: str | None

    def __new__(cls, url: str, local: str | None = None) -> UrlPath:
        self = super().__new__(cls, "/" + url.partition("://")[2].lstrip("/"))
        self.url, self.local = url, local
        return self

    def __init__(self, url: str, local: str | None = None) -> None:
        # Python 3.12's Path takes its segments in __init__; 3.11's in __new__ (above).
        if hasattr(PosixPath, "with_segments"):  # pragma: no cover - Python 3.12+
            super().__init__("/" + url.partition("://")[2].lstrip("/"))  # type: ignore[call-arg]
        self.url, self.local = url, local

    def with_segments(self, *segments: Any) -> PosixPath:  # pragma: no cover - 3.12+
        return PosixPath(*segments)

    def __str__(self) -> str:
        url: str | None = getattr(self, "url", None)
        return url if url is not None else super().__str__()

    def __fspath__(self) -> str:
        local: str | None = getattr(self, "local", None)
        if local is None:
            raise FileNotFoundError(2, "not copied here", getattr(self, "url", str(self)))
        return local

    def __reduce__(self) -> tuple[Any, ...]:
        return UrlPath, (self.url,)

    def __repr__(self) -> str:
        return f"UrlPath({self.url!r})"

    def __hash__(self) -> int:
        return hash(self.url)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UrlPath) and other.url == self.url

    def __lt__(self, other: PurePath) -> bool:
        return str(self) < str(other)


@contextmanager
def localized(path: UrlPath) -> Iterator[UrlPath]:
    """The object at ``path``'s URL copied into a temporary folder for the block (removed
    after it, so that a worker's disk holds one export at a time), as a :class:`UrlPath`
    that opens the copy.  A failure is an input error that names the URL."""
    import fsspec

    with tempfile.TemporaryDirectory(prefix="baseliner-") as folder:
        try:
            local = fsspec.open_local(
                f"simplecache::{path.url}", simplecache={"cache_storage": folder}
            )
        except FileNotFoundError as exc:
            raise input_error(path.url, "cannot read: no such object") from exc
        except (OSError, ValueError, ImportError) as exc:
            raise input_error(path.url, f"cannot read: {exc}") from exc
        yield UrlPath(path.url, local if isinstance(local, str) else local[0])
