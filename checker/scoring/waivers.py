"""Exceptions (waivers): reviewed, expiring decisions that a failing check is accepted (DESIGN §5).

An exceptions file lists entries by check id or glob, scoped to targets, groups or tags, with a
justification, reason, owner and expiry date.  A matching failing or not-configured result
becomes ``exempt``; whether it is credited in the score depends on the justification (see
checker/scoring/tally.py).  Expired entries stop applying; expired entries and entries that matched
nothing are reported as warnings, with the file and line of the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from checker.core.errors import InputError, PolicyError
from checker.core.globs import compile_globs
from checker.core.results import Result
from checker.core.statuses import FAILING, Status
from checker.core.values import Origin
from checker.policy.schemas import validate
from checker.policy.yamlsrc import iso_date, load_yaml


@dataclass(frozen=True, slots=True)
class Scope:
    """Targets an entry covers: by name glob, group or tag; empty covers every target."""

    targets: tuple[re.Pattern[str], ...] = ()
    groups: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, raw: dict[str, Any] | None) -> Scope:
        raw = raw or {}
        return cls(
            targets=compile_globs(raw.get("targets", [])),
            groups=frozenset(g.casefold() for g in raw.get("groups", [])),
            tags=frozenset(t.casefold() for t in raw.get("tags", [])),
        )

    def admits(self, name: str, group: str | None, tags: Iterable[str]) -> bool:
        if not (self.targets or self.groups or self.tags):
            return True
        return (
            any(p.fullmatch(name) for p in self.targets)
            or (group is not None and group.casefold() in self.groups)
            or bool(self.tags & {t.casefold() for t in tags})
        )


@dataclass(frozen=True, slots=True)
class Entry:
    checks: tuple[re.Pattern[str], ...]
    scope: Scope
    justification: str
    reason: str
    owner: str
    expires: date
    origin: Origin

    def covers(self, check_id: str) -> bool:
        return any(p.fullmatch(check_id) for p in self.checks)


def load_exceptions(path: Path) -> list[Entry]:
    """Parse and validate an exceptions file (schema ``exceptions``)."""
    document = load_yaml(path)
    if not isinstance(document, dict):
        raise PolicyError(str(path), "an exceptions file is a mapping with 'exceptions'", 1)
    validate(document, "exceptions", str(path))
    return [
        Entry(
            checks=compile_globs(raw["checks"]),
            scope=Scope.parse(raw.get("scope")),
            justification=raw["justification"],
            reason=raw["reason"],
            owner=raw["owner"],
            expires=iso_date(document, ["exceptions", index, "expires"], str(path)),
            origin=Origin(str(path), raw.line),
        )
        for index, raw in enumerate(document["exceptions"])
    ]


@dataclass(slots=True)
class Exemptions:
    """Applies exception entries to results target by target and remembers what matched."""

    entries: list[Entry]
    today: date
    matched: set[int] = field(default_factory=set)

    def apply(
        self, results: Sequence[Result], name: str, group: str | None, tags: Iterable[str]
    ) -> tuple[Result, ...]:
        live = [
            (index, entry)
            for index, entry in enumerate(self.entries)
            if entry.expires >= self.today and entry.scope.admits(name, group, tags)
        ]
        if not live:
            return tuple(results)
        return tuple(self._exempt(result, live) for result in results)

    def _exempt(self, result: Result, live: list[tuple[int, Entry]]) -> Result:
        if result.status not in FAILING:
            return result
        for index, entry in live:
            if entry.covers(result.check.id):
                self.matched.add(index)
                reason = (
                    f"{entry.justification} until {entry.expires.isoformat()} "
                    f"({entry.owner}): {entry.reason} [{entry.origin}]"
                )
                return replace(
                    result, status=Status.EXEMPT, exception=entry.justification, reason=reason
                )
        return result

    def warnings(self) -> list[InputError]:
        """Expired entries, and live entries that matched no failing result in the run."""
        out: list[InputError] = []
        for index, entry in enumerate(self.entries):
            where = entry.origin
            if entry.expires < self.today:
                message = f"exception expired on {entry.expires.isoformat()}; no longer applied"
                out.append(InputError(where.path, message, line=where.line))
            elif index not in self.matched:
                out.append(
                    InputError(where.path, "exception matches no failing result", line=where.line)
                )
        return out
