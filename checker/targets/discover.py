"""Finding exports: walk input paths and sniff each file's (or folder's) format by content,
with the loaders' registry (checker/loaders/__init__.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from checker.core.errors import InputError, InputFormatError
from checker.core.files import detect_encoding, head
from checker.loaders import FORMATS, Parted, describe
from checker.targets.plans import Planned


def sniff(path: Path) -> str | None:
    """The format of a file by its content, or None."""
    first = head(path)
    return next(
        (name for name, ldr in FORMATS.items() if not ldr.FOLDER and ldr.sniff(path, first)),
        None,
    )


def unknown_format(path: Path, *, files: bool = False) -> str:
    """Why ``path`` is no export, with what to do instead when it is a report in HTML
    (``gpresult /h``, ``Get-GPOReport -ReportType Html``: what people save by habit) or a
    ZIP archive (how GPO backups travel)."""
    message = f"unknown format: not {describe(files=files)}"
    first = head(path, 2048)
    if first.startswith(b"PK\x03\x04"):
        return message + "; this is a ZIP archive: extract it and check the folder"
    encoding, bom = detect_encoding(first)
    text = first[bom:].decode(encoding, errors="ignore").lstrip().casefold()
    if text.startswith(("<!doctype html", "<html")) or "<html" in text[:512]:
        message += (
            "; this is an HTML report: export XML instead (gpresult /x, or Get-GPOReport "
            "-ReportType Xml)"
        )
    return message


def folder_format(folder: Path) -> str | None:
    """The format of a folder that is one export itself (a GPO backup), or None."""
    return next(
        (name for name, ldr in FORMATS.items() if ldr.FOLDER and ldr.sniff(folder, b"")), None
    )


def is_device(fmt: str) -> bool:
    """Whether every export of format ``fmt`` is a device of its own (see Loader.DEVICE)."""
    loader = FORMATS.get(fmt)
    return loader is not None and loader.DEVICE


def parts(item: Planned) -> list[tuple[str, Planned]]:
    """The exports ``item`` holds that are targets of their own, each with its name: the GPOs
    of a ``Get-GPOReport -All`` report (see ``loaders.Parted``); ``[]`` for an export that is
    one.  A file that cannot be read is one export here: loading it reports why."""
    loader = FORMATS.get(item.format)
    if not isinstance(loader, Parted):
        return []
    try:
        names = loader.parts(item.path)
    except (InputFormatError, OSError):
        return []
    return [(name, Planned(item.path, item.format, part)) for part, name in enumerate(names)]


def target_name(path: Path) -> str:
    return path.resolve().name if path.is_dir() else path.stem


def walk(path: Path, errors: list[InputError]) -> Iterator[Planned]:
    """Exports under ``path`` in path order; a folder that is an export (a GPO backup) is
    one, and is not entered; every other file is sniffed on its own.

    Symbolic links are not followed out of the input folder, and a folder is never visited
    twice, so link loops end.
    """
    root = path.resolve()
    if path.is_file():
        fmt = sniff(path)
        if fmt is None:
            errors.append(InputError(str(path), unknown_format(path)))
        else:
            yield Planned(path, fmt)
        return
    seen: set[tuple[int, int]] = set()
    stack = [path]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
        except OSError as exc:
            errors.append(InputError(str(folder), f"cannot read: {exc.strerror or exc}"))
            continue
        if (info.st_dev, info.st_ino) in seen:
            errors.append(InputError(str(folder), "folder visited twice (symbolic link loop)"))
            continue
        seen.add((info.st_dev, info.st_ino))
        fmt = folder_format(folder)
        if fmt is not None:
            yield Planned(folder, fmt)
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name.casefold())
        except OSError as exc:
            errors.append(InputError(str(folder), f"cannot list: {exc.strerror or exc}"))
            continue
        subfolders: list[Path] = []
        for entry in entries:
            child = Path(entry.path)
            if entry.is_symlink() and not child.resolve().is_relative_to(root):
                errors.append(InputError(str(child), "symbolic link leads out of the input folder"))
                continue
            if entry.is_dir():
                subfolders.append(child)
            elif entry.is_file() and (fmt := sniff(child)) is not None:
                yield Planned(child, fmt)
        stack.extend(reversed(subfolders))
