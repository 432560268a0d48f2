"""The reference data a generator consults besides its own input: the ADMX files (policy
paths), a HardeningKitty finding list (names, IDs, severities) and the project's Intune
mapping table (the settings catalog setting that sets the same value)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.core.values import Confidence, Fact
from checker.kinds import Kind, canonical_key
from checker.targets.mapping import Mapping
from tools.benchgen import hardeningkitty
from tools.benchgen.admx import AdmxIndex
from tools.benchgen.hardeningkitty import Finding


class FindingIndex:
    """HardeningKitty rows by the setting they read (:mod:`tools.benchgen.hardeningkitty`)."""

    def __init__(self, path: Path | None) -> None:
        self._rows: dict[tuple[Kind, str], Finding] = {}
        self._names: dict[str, Finding] = {}
        for finding in hardeningkitty.read_findings(path) if path else ():
            self._names.setdefault(finding.name.casefold(), finding)
            rule = hardeningkitty.translate(finding)
            if isinstance(rule, hardeningkitty.Rule):
                self._rows.setdefault((rule.kind, rule.canonical), finding)

    def get(self, kind: Kind, key: str) -> Finding | None:
        return self._rows.get((kind, canonical_key(kind, key)))

    def named(self, name: str) -> Finding | None:
        return self._names.get(name.casefold())


class IntuneIndex:
    """GP setting -> the Intune settings catalog setting that sets it exactly (the project's
    mapping table read backwards), for remediation text."""

    def __init__(self, table: Mapping | None) -> None:
        self._ids: dict[tuple[Kind, str], str] = {}
        entries = sorted(table.entries.values(), key=lambda e: len(e.id)) if table else ()
        for entry in entries:
            if entry.confidence is not Confidence.EXACT or not entry.id.startswith("device_"):
                continue
            for target in entry.targets:
                self._ids.setdefault(
                    (target.kind, canonical_key(target.kind, target.key)), entry.id
                )

    def get(self, fact: Fact) -> str | None:
        return self._ids.get((fact.kind, fact.canonical))


@dataclass(frozen=True, slots=True)
class Sources:
    admx: AdmxIndex
    findings: FindingIndex
    intune: IntuneIndex = field(default_factory=lambda: IntuneIndex(None))
