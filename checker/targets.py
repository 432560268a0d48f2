"""From input paths to targets: find the exports, sniff their formats, plan the targets.

Without a manifest, each input path is a target, except that every gpresult file is a device
of its own (a folder of gpresult files is a fleet).  Inside a folder, GPO backups, loose
gpreport.xml files, registry.pol / GptTmpl.inf / audit.csv files and Intune exports all
belong to the folder's target, applied in path order.

Planning reads only file heads; loading happens per target (possibly in a worker process),
so one bad file costs only its own target, and memory holds one target at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker.loaders import Loader, file_formats, folder_formats, gpo_backup
from checker.loaders.text import head
from checker.mapping import translate
from checker.model import InputError, InputFormatError, Kind, Source, Target, build_target
from checker.schemas import validate
from checker.yamlsrc import PolicyError, load_yaml

DEVICE_FORMATS = frozenset({"gpresult"})
"""Formats whose every file is one device, named by the file's content."""


@dataclass(frozen=True, slots=True)
class Planned:
    """One export to read: its path and the loader that reads it."""

    path: Path
    format: str


@dataclass(frozen=True, slots=True)
class TargetPlan:
    """A target to build: name, sources in precedence order, and where it was declared."""

    name: str
    sources: tuple[Planned, ...]
    group: str | None = None
    tags: tuple[str, ...] = ()
    named_by_content: bool = False
    """Take the name from the device export (gpresult names its computer)."""
    meta: tuple[tuple[str, str], ...] = ()
    """Facts about the target from the manifest (os, role) for ``applies_to``."""


@dataclass(slots=True)
class Plan:
    targets: list[TargetPlan] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def sniff(path: Path) -> str | None:
    """The format of a file by its content, or None (folders: see :func:`_walk`)."""
    first = head(path)
    return next((name for name, ldr in file_formats().items() if ldr.sniff(path, first)), None)


def plan(paths: list[Path], manifest: Path | None = None) -> Plan:
    """Targets for the input paths (see module docstring) and those a manifest names."""
    result = Plan()
    if manifest is not None:
        _plan_manifest(manifest, result)
    for path in paths:
        if not path.exists():
            result.errors.append(InputError(str(path), "no such file or folder"))
            continue
        found = list(_walk(path, result.errors))
        devices = [item for item in found if item.format in DEVICE_FORMATS]
        shared = tuple(item for item in found if item.format not in DEVICE_FORMATS)
        result.targets += [
            TargetPlan(item.path.stem, (item,), named_by_content=True) for item in devices
        ]
        if shared:
            result.targets.append(TargetPlan(_target_name(path), shared))
        elif not devices and path.is_dir():
            result.errors.append(InputError(str(path), "no Group Policy or Intune export found"))
    return result


def _plan_manifest(manifest: Path, result: Plan) -> None:
    """Targets from a ``targets.yaml`` manifest (schema ``targets``); paths are relative to it.

    An entry with ``sources`` is one target whose exports apply in the order listed (a later
    source wins).  An entry with ``devices`` makes each device export under that path a
    target, with the entry's ``sources`` applied first (shared GPOs or Intune policies).
    """
    document = load_yaml(manifest)
    if not isinstance(document, dict):
        raise PolicyError(str(manifest), "a targets manifest is a mapping with 'targets'", 1)
    validate(document, "targets", str(manifest))
    base = manifest.parent
    for raw in document["targets"]:
        shared: list[Planned] = []
        missing = False
        for source in raw.get("sources", []):
            path = base / source
            if not path.exists():
                message = f"source {source!r} of the manifest does not exist"
                result.errors.append(InputError(str(manifest), message, line=raw.line))
                missing = True
                continue
            shared += _walk(path, result.errors)
        if missing:
            # As for a source that cannot be read (see load_target): without it the verdicts
            # would be wrong, and an empty target would lower the fleet's score.
            continue
        meta = tuple((key, raw[key]) for key in ("os", "role") if key in raw)
        common = {"group": raw.get("group"), "tags": tuple(raw.get("tags", ())), "meta": meta}
        if "devices" not in raw:
            result.targets.append(TargetPlan(raw["name"], tuple(shared), **common))
            continue
        devices = [p for p in _walk(base / raw["devices"], result.errors)]
        for device in devices:
            sources = (*shared, device)
            result.targets.append(
                TargetPlan(device.path.stem, sources, named_by_content=True, **common)
            )


def _target_name(path: Path) -> str:
    return path.resolve().name if path.is_dir() else path.stem


def _walk(path: Path, errors: list[InputError]) -> Iterator[Planned]:
    """Exports under ``path`` in path order; a GPO backup folder is one export (its raw
    files, or its gpreport.xml when it has none), every other file is sniffed on its own.

    Symbolic links are not followed out of the input folder, and a folder is never visited
    twice, so link loops end.
    """
    root = path.resolve()
    if path.is_file():
        fmt = sniff(path)
        if fmt is None:
            errors.append(
                InputError(str(path), "unknown format: not a GPO, gpresult or Intune export")
            )
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
        if gpo_backup.is_backup(folder):
            try:
                planned = _backup(folder)
            except InputFormatError as exc:  # its gpreport.xml is not a file it holds
                errors.append(exc.error)
                continue
            yield planned
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


def _backup(folder: Path) -> Planned:
    """A GPO backup is read from its raw files; one that has none (a report-only export, or a
    GPO whose settings no raw file we read holds) is read from its gpreport.xml."""
    root = gpo_backup.gpo_root(folder)
    report = gpo_backup.find_path(folder, ("gpreport.xml",))
    if (root is None or not gpo_backup.raw_files(root)) and report is not None:
        return Planned(gpo_backup.member(folder, report), "gpreport")
    return Planned(folder, gpo_backup.FORMAT)


def load_target(target_plan: TargetPlan) -> tuple[Target | None, list[InputError]]:
    """Read every source of a planned target; a target with an unreadable source is not
    built (its verdicts would be wrong), and the errors say why."""
    sources: list[Source] = []
    errors: list[InputError] = []
    for planned in target_plan.sources:
        try:
            sources += loader(planned.format).load(planned.path)
        except InputFormatError as exc:
            errors.append(exc.error)
        except OSError as exc:
            errors.append(InputError(str(planned.path), f"cannot read: {exc.strerror or exc}"))
    if errors:
        return None, errors
    sources = [with_translations(source) for source in sources]
    name = target_plan.name
    if target_plan.named_by_content:
        device = next((s for s in sources if s.format in DEVICE_FORMATS and s.name), None)
        name = device.name if device is not None and device.name else name
    target = build_target(name, sources, group=target_plan.group, tags=target_plan.tags)
    for source in sources:
        for key, value in source.meta:
            target.meta.setdefault(key, value)
    target.meta.update(target_plan.meta)
    return target, errors


def read_targets(paths: list[Path], errors: list[InputError]) -> Iterator[Target]:
    """Every target under ``paths``, loaded one at a time; input errors go to ``errors``."""
    planned = plan(paths)
    errors += planned.errors
    for target_plan in planned.targets:
        target, target_errors = load_target(target_plan)
        errors += target_errors
        if target is not None:
            yield target


def with_translations(source: Source) -> Source:
    """An Intune source with the Group Policy facts its settings translate to added after
    its own facts (see checker/mapping.py); other sources as they are."""
    if not any(fact.kind is Kind.INTUNE for fact in source.facts):
        return source
    translated = [gp for fact in source.facts for gp in translate(fact)]
    return replace(source, facts=source.facts + tuple(translated))


def loader(name: str) -> Loader:
    formats = {**file_formats(), **folder_formats()}
    return formats[name]
