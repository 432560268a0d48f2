"""Wording and selection shared by the CI reporters (JUnit, SARIF, Markdown, CSV).

Every reporter says "what is set, what was expected, where it was read" the same way, so a
finding reads alike in a Jenkins failure, a GitHub alert and a step summary.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from checker.model import (
    JSON,
    Category,
    CheckInfo,
    FleetCheck,
    Report,
    Result,
    Status,
    TargetReport,
)

FAILING = frozenset({Status.FAIL, Status.NOT_CONFIGURED})
"""Statuses that are findings: a wrong value, or a setting no source configures."""

CATEGORY_LABELS: dict[Category, str] = {
    Category.APPLICATION: "Application",
    Category.OS: "OS",
    Category.NETWORK: "Network",
    Category.ACCOUNTS: "Accounts",
    Category.SECURITY_CONTROLS: "Security controls",
}
"""Category names as Defender Vulnerability Management shows them."""


def show(value: JSON) -> str:
    """A setting's value as people read it: strings bare, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def actual(result: Result) -> str:
    """What the target has, or that it has nothing."""
    return "not configured" if result.status is Status.NOT_CONFIGURED else show(result.actual)


def verdict(result: Result) -> str:
    """One line: the setting, its value and the expectation it misses."""
    check = result.check
    return f"{check.setting} is {actual(result)}; expected {check.expected}"


def origins(result: Result) -> str:
    """Where the verdict's facts were read, or that no source sets the setting."""
    return ", ".join(str(origin) for origin in result.origins) or "not set by any source"


def why(result: Result) -> str:
    """Why a result is neither a pass nor a finding (uncertain, exempt, not applicable, error)."""
    reason = result.reason or "no reason given"
    if result.status is Status.EXEMPT:
        return f"exempt ({result.exception or 'no justification'}): {reason}"
    if result.status is Status.UNCERTAIN and result.via:
        return f"uncertain: {reason} (Intune setting {result.via})"
    return f"{result.status.value.replace('_', ' ')}: {reason}"


def points(value: Fraction) -> str:
    """Score points or percentage points, two decimals."""
    return f"{float(value):.2f}"


def listing(names: Sequence[str], shown: int, total: int | None = None) -> str:
    """``a, b, c and 12 more``: the first ``shown`` names and how many were left out."""
    total = len(names) if total is None else total
    head = ", ".join(names[:shown])
    rest = total - min(shown, len(names))
    return f"{head} and {rest:,} more" if rest > 0 else head


def status_count(check: FleetCheck, statuses: Iterable[Status]) -> int:
    """How many targets got one of ``statuses`` for ``check``."""
    wanted = frozenset(statuses)
    return sum(count for status, count in check.statuses if status in wanted)


def recommendations(report: Report) -> list[FleetCheck]:
    """Checks that leave at least one target exposed, the most score to gain first."""
    exposed = [check for check in report.fleet.checks if check.exposed]
    return sorted(exposed, key=lambda check: (-check.score_impact, check.check.id))


def outcome(status: Status) -> str:
    """The CI outcome a status maps to: failure, error, uncertain, pass or other (skipped)."""
    if status in FAILING:
        return "failure"
    if status in (Status.ERROR, Status.UNCERTAIN, Status.PASS):
        return status.value
    return "other"


UNCERTAIN_WHY = (
    "The verdict depends on an Intune setting that maps only partly onto the setting the "
    "check reads, or that two Intune policies set differently, so it is left open."
)
"""Why uncertain results are uncertain, as the human-facing reports say it."""

DETAILED = 20
"""Targets per check and outcome whose results a digest keeps (the rest: names only)."""


@dataclass(slots=True)
class CheckDigest:
    """One check across targets: status counts and the first few targets of each outcome.

    Built in one pass with bounded samples, so a fleet's memory stays flat: the names of up
    to ``keep`` targets per outcome, with their results for the first ``DETAILED`` of them;
    passing targets are counted only (no report lists them).
    """

    check: CheckInfo
    keep: int
    statuses: Counter[Status] = field(default_factory=Counter)
    samples: dict[str, list[tuple[str, Result]]] = field(default_factory=dict)
    named: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, result: Result) -> None:
        self.statuses[result.status] += 1
        group = outcome(result.status)
        if group == "pass":
            return
        names = self.named.setdefault(group, [])
        if len(names) < self.keep:
            names.append(name)
            detailed = self.samples.setdefault(group, [])
            if len(detailed) < min(self.keep, DETAILED):
                detailed.append((name, result))

    @property
    def evaluated(self) -> int:
        return sum(self.statuses.values())

    def count(self, group: str) -> int:
        return sum(n for status, n in self.statuses.items() if outcome(status) == group)

    def sample(self, group: str) -> list[tuple[str, Result]]:
        """The first targets of ``group`` with their results (at most DETAILED), by name."""
        return sorted(self.samples.get(group, []), key=lambda pair: pair[0])

    def names(self, group: str) -> list[str]:
        """The kept target names of ``group`` (at most ``keep``), sorted."""
        return sorted(self.named.get(group, []))


def digest(targets: Iterable[TargetReport], keep: int) -> dict[str, CheckDigest]:
    """A :class:`CheckDigest` per check id, reading ``targets`` once."""
    table: dict[str, CheckDigest] = {}
    for target in targets:
        for result in target.results:
            entry = table.get(result.check.id)
            if entry is None:
                entry = table[result.check.id] = CheckDigest(result.check, keep)
            entry.add(target.name, result)
    return table
