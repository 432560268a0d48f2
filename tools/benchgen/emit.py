"""The benchmark as YAML text: each check as a document of the benchmark schema, written in a
fixed layout (flow style for values, folded remediation and rationale, the bound notes as
comments), and verified to load back to the same data."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from checker.core.values import JSON, Fact
from checker.kinds import Kind
from tools.benchgen.check import Check, GenerationError
from tools.benchgen.ids import slug
from tools.benchgen.sources import IntuneIndex
from tools.benchgen.words import show


def _writes(fact: Fact) -> str:
    if fact.kind is Kind.REGISTRY:
        name = fact.key.rpartition("!")[2]
        if fact.deleted:
            return f"{name} must not be present"
        return f"writes {name} = {show(fact.value)}"
    if fact.kind is Kind.PRIVILEGE:
        return f"grants {show(fact.value) if fact.value else 'no one'}"
    return f"{fact.key} = {show(fact.value)}"


def remediation(check: Check, intune: IntuneIndex) -> str:
    """The GPO path and value (or the source's own text), and the Intune setting if known."""
    text = check.remediation_text or _gpo_remediation(check)
    setting = intune.get(check.fact)
    return (
        f"{text} Intune settings catalog: {setting}." if setting and setting not in text else text
    )


def _gpo_remediation(check: Check) -> str:
    key, _, name = check.fact.key.rpartition("!")
    if check.gpo_path is None and not name:
        return f"Create the key {key} (the GPO {check.gpo!r} writes it with no values)."
    if check.gpo_path is None:
        action = (
            "Delete"
            if check.fact.deleted
            else f"Set {name} = {show(check.fact.value)} ({check.fact.type}) in"
        )
        return (
            f"{action} the registry value {name} of {key} through Group Policy (GPO {check.gpo!r})."
        )
    return f'Set "{check.gpo_path}" to {check.setting_text} ({_writes(check.fact)}).'


def references(check: Check, baseline_ref: str) -> list[str]:
    refs = [baseline_ref, *check.references]
    if check.finding:
        refs.append(f"HardeningKitty:{check.finding.id}")
    refs.extend(check.area.attack)
    return refs


def check_document(check: Check, baseline_ref: str, intune: IntuneIndex) -> dict[str, JSON]:
    kind, key = check.setting()
    return {
        "id": check.id,
        "title": check.title,
        "category": str(check.area.category),
        "impact": check.impact,
        "severity": check.severity,
        kind: key,
        **({"type": check.value_type} if check.value_type else {}),
        **({"assert": check.assertion} if check.assertion else {"expect": check.expect}),
        **({"absent_ok": True} if check.absent_ok else {}),
        "remediation": remediation(check, intune),
        "rationale": check.area.rationale,
        "references": references(check, baseline_ref),
        "tags": [check.area.tag, slug(check.gpo)],
    }


def _scalar(value: JSON) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if not text.isprintable():
        # JSON strings are YAML double-quoted scalars: CR/LF inside AppLocker XML survive.
        return json.dumps(text, ensure_ascii=False)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", text) and text.casefold() not in _YAML_WORDS:
        return text
    return "'" + text.replace("'", "''") + "'"


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _flow(value: JSON) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _foldable(text: str) -> bool:
    """True when a folded block scalar (``>-``) reads back as exactly ``text``."""
    return text == text.strip() and not any(c in text for c in "\n\r\t") and "  " not in text


def _check_yaml(doc: dict[str, JSON], note: str | None) -> list[str]:
    lines = []
    for index, (key, value) in enumerate(doc.items()):
        lead = "  - " if index == 0 else "    "
        if key == "expect" and note:
            lines.append(f"    # {note}")
        if key in ("remediation", "rationale") and _foldable(str(value)):
            lines.extend([f"{lead}{key}: >-", f"      {value}"])
        elif key in ("remediation", "rationale"):
            # JSON strings are YAML double-quoted scalars: newlines and tabs survive.
            lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{lead}{key}: {_flow(value)}")
    return lines


def _block(key: str, value: JSON) -> list[str]:
    if isinstance(value, dict | list) and not value:
        return [f"{key}: {_flow(value)}"]
    if isinstance(value, dict):
        return [f"{key}:", *(f"  {k}: {_flow(v)}" for k, v in value.items())]
    if isinstance(value, list):
        return [f"{key}:", *(f"  - {_flow(item)}" for item in value)]
    return [f"{key}: {_flow(value)}"]


@dataclass(frozen=True, slots=True)
class Meta:
    id: str
    title: str
    version: str
    source: str
    description: str
    os: tuple[str, ...]
    reference: str
    role: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    """Comment lines at the top: which generator made the benchmark from what."""
    extra: tuple[tuple[str, JSON], ...] = ()
    """Top-level keys written before the checks (a STIG's ``parameters`` and ``manual``):
    a mapping one entry a line, a list one item a line."""


def _applies_to(meta: Meta) -> dict[str, JSON]:
    scope: dict[str, JSON] = {}
    if meta.os:
        scope["os"] = list(meta.os)
    if meta.role:
        scope["role"] = list(meta.role)
    return scope


def render(meta: Meta, checks: Sequence[Check], intune: IntuneIndex | None = None) -> str:
    """The benchmark text; verified to load back to the same data."""
    head: dict[str, JSON] = {
        "id": meta.id,
        "title": meta.title,
        "version": meta.version,
        "platform": "windows",
        "source": meta.source,
    }
    lines = [
        *(f"# {line}".rstrip() for line in meta.header),
        *(f"{k}: {_flow(v)}" for k, v in head.items()),
        "description: >-",
        f"  {meta.description}",
        *([f"applies_to: {_flow(_applies_to(meta))}"] if _applies_to(meta) else []),
        *(line for key, value in meta.extra for line in _block(key, value)),
        "checks:",
    ]
    index = intune or IntuneIndex(None)
    docs = [check_document(c, meta.reference, index) for c in checks]
    for check, doc in zip(checks, docs, strict=True):
        lines.extend(_check_yaml(doc, check.bound_note))
    text = "\n".join(lines) + "\n"
    loaded = yaml.safe_load(text)
    if loaded["checks"] != docs or any(loaded[key] != value for key, value in meta.extra):
        raise GenerationError("internal error: the YAML written does not load back to the checks")
    return text
