"""Plan the targets of the input paths (and a manifest), and load them one at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from checker.core.errors import InputError, InputFormatError
from checker.core.values import Fact, Note, NoteKind, Source, Target
from checker.kinds import Kind
from checker.loaders import FORMATS, Parted
from checker.targets.discover import is_device, parts, target_name, walk
from checker.targets.firewall import with_firewall
from checker.targets.manifest import plan_manifest
from checker.targets.mapping import UNTRANSLATED, setting_id, translate, untranslated
from checker.targets.merge import build_target
from checker.targets.plans import Plan, Planned, TargetPlan
from checker.targets.urls import REMOTE, load_url, plan_listed, plan_url


def plan(
    paths: Sequence[Path | str],
    manifest: Path | str | None = None,
    allowed: Sequence[Path] = (),
) -> Plan:
    """Targets for the input paths and URLs (see checker/targets/urls.py) and those a
    manifest names (its paths inside its repository or the ``allowed`` folders); a
    manifest may also be a text file of URLs, one target each."""
    result = Plan()
    if manifest is not None and not plan_listed(manifest, result):
        if isinstance(manifest, str):
            message = "a targets.yaml is read from a local file (its sources may be URLs)"
            result.errors.append(InputError(manifest, message))
        else:
            plan_manifest(manifest, result, allowed)
    for path in paths:
        if isinstance(path, str):
            plan_url(path, result)
            continue
        if not path.exists():
            result.errors.append(InputError(str(path), "no such file or folder"))
            continue
        before = len(result.targets)
        found = list(walk(path, result.errors))
        devices = [item for item in found if is_device(item.format)]
        result.targets += [
            TargetPlan(item.path.stem, (item,), named_by_content=True) for item in devices
        ]
        shared: tuple[Planned, ...] = ()
        for item in found:
            if is_device(item.format):
                continue
            each = parts(item)
            result.targets += [TargetPlan(name, (part,)) for name, part in each]
            shared += () if each else (item,)
        if shared:
            result.targets.append(TargetPlan(target_name(path), shared))
        elif not devices and path.is_dir() and len(result.targets) == before:
            result.errors.append(InputError(str(path), "no Group Policy or Intune export found"))
    return result


def load_target(target_plan: TargetPlan) -> tuple[Target | None, list[InputError]]:
    """Read every source of a planned target; a target with an unreadable source is not
    built (its verdicts would be wrong), and the errors say why."""
    sources: list[Source] = []
    errors: list[InputError] = []
    for planned in target_plan.sources:
        try:
            sources += _load(planned)
        except InputFormatError as exc:
            errors.append(exc.error)
        except OSError as exc:
            errors.append(InputError(str(planned.path), f"cannot read: {exc.strerror or exc}"))
    if errors:
        return None, errors
    sources = [with_firewall(with_translations(source)) for source in sources]
    name = target_plan.name
    if target_plan.named_by_content:
        device = next((s for s in sources if is_device(s.format) and s.name), None)
        name = device.name if device is not None and device.name else name
    target = build_target(name, sources, group=target_plan.group, tags=target_plan.tags)
    for source in sources:
        for key, value in source.meta:
            target.meta.setdefault(key, value)
    # Sources that all hold one scope of a device's settings (a gpresult of the computer's or
    # of a user's alone): the other scope's settings are unknown, not unset (engine.py).
    scopes = {dict(source.meta).get("scope") for source in sources}
    target.meta.pop("scope", None)
    if len(scopes) == 1 and None not in scopes:
        target.meta["scope"] = scopes.pop()
    target.meta.update(target_plan.meta)
    return target, errors


def _load(planned: Planned) -> list[Source]:
    if planned.format == REMOTE:
        return load_url(planned)
    loader = FORMATS[planned.format]
    if planned.part is None:
        return loader.load(planned.path)
    assert isinstance(loader, Parted)  # only a Parted format's exports are planned by part
    return loader.load_part(planned.path, planned.part)


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
    its own facts (see checker/targets/mapping.py), and a note of each setting with a Group
    Policy equivalent that the mapping does not translate; other sources as they are."""
    if not any(fact.kind is Kind.INTUNE for fact in source.facts):
        return source
    translated: list[Fact] = []
    noted: dict[str, Note] = {}
    for fact in source.facts:
        found = translate(fact)
        translated += found
        if not found and untranslated(fact):
            ident = setting_id(fact.key)
            origin = fact.origin
            note = Note(
                NoteKind.UNMAPPED, origin.path, ident, origin.line, origin.source, UNTRANSLATED
            )
            noted.setdefault(ident, note)
    notes = source.notes + tuple(noted.values())
    return replace(source, facts=source.facts + tuple(translated), notes=notes)
