"""Targets at URLs: objects listed under a folder or a glob, or named one per line in a text
file (so that a million objects need not be listed), each read on the worker that checks it.

The driver does not read the objects: each is planned with its format unknown
(:data:`REMOTE`), and the process that checks it copies it, sniffs its format and loads it
with the same loaders as a local file (:func:`load_url`).  Each object is a target: a device
export names itself (gpresult), any other export is named after its file.  GPO backup
folders are not read at URLs (list their files, or copy the backups locally).
"""

from __future__ import annotations

from pathlib import Path

from checker.core.errors import InputError, input_error
from checker.core.files import head, read_bytes
from checker.core.remote import UrlPath, is_url, listed, localized, read_url
from checker.core.values import Source
from checker.loaders import FORMATS, Parted
from checker.targets.discover import sniff, unknown_format
from checker.targets.plans import Plan, Planned, TargetPlan

REMOTE = ""
"""The format of a planned object at a URL: sniffed where it is checked."""

LIST_LIMIT = 256 * 1024 * 1024
"""Bytes a text file of URLs may have (about 3 million URLs)."""


def planned_urls(url: str, errors: list[InputError]) -> list[Planned]:
    """The objects at ``url`` (an object, a folder or a glob), in URL order."""
    try:
        found = listed(url)
    except OSError as exc:
        errors.append(InputError(url, f"cannot list: {exc.strerror or exc}"))
        return []
    if not found:
        errors.append(InputError(url, "no such object, folder or matching object"))
    return [Planned(UrlPath(each), REMOTE) for each in found]


def plan_url(url: str, result: Plan) -> None:
    """Targets for an input URL: one per object."""
    result.targets += [_target(item) for item in planned_urls(url, result.errors)]


def _target(item: Planned) -> TargetPlan:
    return TargetPlan(item.path.stem, (item,), named_by_content=True)


def url_list(data: bytes) -> list[tuple[int, str]] | None:
    """The URLs of a text file of URLs, each with its line (blank lines and ``#`` comments
    left out), or None when the file is not one (its first line that says anything is not
    a URL: a targets.yaml)."""
    lines = [
        (number, line.strip())
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines or not is_url(lines[0][1]):
        return None
    return lines


def plan_url_list(where: str, data: bytes, result: Plan) -> bool:
    """Targets for a text file of URLs, one per URL as given (none is listed); False when
    ``data`` is not a list of URLs."""
    lines = url_list(data)
    if lines is None:
        return False
    for number, text in lines:
        if is_url(text):
            result.targets.append(_target(Planned(UrlPath(text), REMOTE)))
        else:
            result.errors.append(InputError(where, f"not a URL: {text!r}", line=number))
    return True


def plan_listed(manifest: str | Path, result: Plan) -> bool:
    """Targets for a manifest that is a text file of URLs (at a URL or local); False when
    it is not one (a local targets.yaml)."""
    if isinstance(manifest, Path):
        if url_list(head(manifest)) is None:
            return False
        return plan_url_list(str(manifest), read_bytes(manifest, LIST_LIMIT), result)
    return plan_url_list(manifest, read_url(manifest, LIST_LIMIT), result)


def load_url(planned: Planned) -> list[Source]:
    """The sources of an object at a URL, read by the loader its content calls for."""
    assert isinstance(planned.path, UrlPath)
    url = planned.path.url
    with localized(planned.path) as path:
        fmt = planned.format or sniff(path)
        loader = FORMATS.get(fmt) if fmt else None
        if loader is None or loader.FOLDER:
            raise input_error(url, unknown_format(path, files=True))
        if planned.part is not None and isinstance(loader, Parted):
            return loader.load_part(path, planned.part)
        return loader.load(path)
