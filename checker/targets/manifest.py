"""Targets a ``targets.yaml`` manifest names: their sources, groups, tags, OS and role."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from checker.core.errors import InputError, PolicyError
from checker.core.files import outside
from checker.core.remote import is_url
from checker.policy.schemas import validate
from checker.policy.yamlsrc import load_yaml
from checker.targets.discover import parts, walk
from checker.targets.plans import Plan, Planned, TargetPlan
from checker.targets.urls import planned_urls


def plan_manifest(manifest: Path, result: Plan, allowed: Sequence[Path] = ()) -> None:
    """Targets from a ``targets.yaml`` manifest (schema ``targets``); paths are relative to it.

    An entry with ``sources`` is one target whose exports apply in the order listed (a later
    source wins; the GPOs of a ``Get-GPOReport -All`` report in report order).  An entry with
    ``devices`` makes each device export under that path a target (and each GPO of an
    ``-All`` report), with the entry's ``sources`` applied first (shared GPOs or Intune
    policies).  A path out of the manifest's repository (and of the ``allowed`` folders) is
    an error.
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
            if is_url(source):
                shared += planned_urls(source, result.errors)
                continue
            path = base / source
            problem = _problem(path, manifest, allowed)
            if problem is not None:
                message = f"source {source!r} of the manifest {problem}"
                result.errors.append(InputError(str(manifest), message, line=raw.line))
                missing = True
                continue
            shared += walk(path, result.errors)
        if missing:
            # As for a source that cannot be read (see load_target): without it the verdicts
            # would be wrong, and an empty target would lower the fleet's score.
            continue
        meta = tuple((key, raw[key]) for key in ("os", "role") if key in raw)
        common = {"group": raw.get("group"), "tags": tuple(raw.get("tags", ())), "meta": meta}
        if "devices" not in raw:
            result.targets.append(TargetPlan(raw["name"], tuple(shared), **common))
            continue
        if is_url(raw["devices"]):
            devices = planned_urls(raw["devices"], result.errors)
            result.targets += [
                TargetPlan(d.path.stem, (*shared, d), named_by_content=True, **common)
                for d in devices
            ]
            continue
        problem = _problem(base / raw["devices"], manifest, allowed)
        if problem is not None:
            message = f"devices {raw['devices']!r} of the manifest {problem}"
            result.errors.append(InputError(str(manifest), message, line=raw.line))
            continue
        for device in walk(base / raw["devices"], result.errors):
            each = parts(device)
            result.targets += [TargetPlan(name, (*shared, part), **common) for name, part in each]
            if not each:
                sources = (*shared, device)
                result.targets.append(
                    TargetPlan(device.path.stem, sources, named_by_content=True, **common)
                )


def _problem(path: Path, manifest: Path, allowed: Sequence[Path]) -> str | None:
    """Why the manifest cannot name ``path``, or None."""
    if outside(path, manifest, allowed):
        return "leads out of its repository (--allow-outside PATH permits a folder)"
    if not path.exists():
        return "does not exist"
    return None
