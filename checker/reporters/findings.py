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
from typing import Generic, Protocol, TypeVar, runtime_checkable

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

FLEET_NAMES = 100
"""Target names a fleet digest keeps per check and outcome: SARIF lists them all, JUnit
details the first ``DETAILED``; one digest serves both."""

Order = tuple[str, int]
"""Where a target stands in the report's target order: its name key, then its place in the
run (ties of equal names keep the order the targets were found in)."""

T = TypeVar("T")


@dataclass(slots=True)
class Smallest(Generic[T]):
    """The ``size`` items of smallest order among those offered, in any order, in bounded
    memory: an offer past the cut is dropped at once, and the list is cut back to ``size``
    once it holds half as many again (a fleet digest holds one per check and outcome)."""

    size: int
    items: list[tuple[Order, T]] = field(default_factory=list)
    cut: Order | None = None

    def offer(self, order: Order, item: T) -> bool:
        """Keep ``item`` for now; False when it can no longer be among the smallest."""
        if self.cut is not None and order >= self.cut:
            return False
        self.items.append((order, item))
        if len(self.items) > self.size + self.size // 2:
            self.items.sort(key=_order)
            del self.items[self.size :]
            self.cut = self.items[-1][0]
        return True

    def smallest(self) -> list[T]:
        """The kept items, smallest order first."""
        return [item for _, item in sorted(self.items, key=_order)[: self.size]]


def _order(pair: tuple[Order, object]) -> Order:
    return pair[0]


@dataclass(slots=True)
class CheckDigest:
    """One check across targets: status counts and the first few targets of each outcome.

    Built in one pass with bounded samples, so a fleet's memory stays flat: the names of the
    first ``keep`` targets per outcome in target order, with their results for the first
    ``DETAILED`` of them; passing targets are counted only (no report lists them).  Targets
    may be added in any order (a run collects them as its workers finish).
    """

    check: CheckInfo
    keep: int
    statuses: Counter[Status] = field(default_factory=Counter)
    named: dict[str, Smallest[str]] = field(default_factory=dict)
    detailed: dict[str, Smallest[tuple[str, Result]]] = field(default_factory=dict)

    def add(self, name: str, result: Result, order: Order) -> None:
        self.statuses[result.status] += 1
        self.offer(name, result, order)

    def offer(self, name: str, result: Result, order: Order) -> bool:
        """Keep ``name`` (and ``result``) if it is among the first of its outcome; counting
        the status is left to :meth:`add` or to the caller.  False when it cannot be among
        them (see :meth:`Smallest.offer`)."""
        group = outcome(result.status)
        if group == "pass":
            return False
        names = self.named.get(group)
        if names is None:
            names = self.named[group] = Smallest(self.keep)
            self.detailed[group] = Smallest(min(self.keep, DETAILED))
        if not names.offer(order, name):
            return False
        self.detailed[group].offer(order, (name, result))
        return True

    @property
    def evaluated(self) -> int:
        return sum(self.statuses.values())

    def count(self, group: str) -> int:
        return sum(n for status, n in self.statuses.items() if outcome(status) == group)

    def sample(self, group: str) -> list[tuple[str, Result]]:
        """The first targets of ``group`` with their results (at most DETAILED), by name."""
        detailed = self.detailed.get(group)
        return sorted(detailed.smallest() if detailed else [], key=lambda pair: pair[0])

    def names(self, group: str) -> list[str]:
        """The first target names of ``group`` (at most ``keep``), sorted."""
        named = self.named.get(group)
        return sorted(named.smallest() if named else [])


@dataclass(slots=True)
class Digester:
    """Builds a :class:`CheckDigest` per check id from targets added in any order."""

    keep: int
    table: dict[str, CheckDigest] = field(default_factory=dict)

    def add(self, name: str, results: Iterable[Result], order: Order) -> None:
        for result in results:
            self._entry(result.check).add(name, result, order)

    def offer(self, name: str, result: Result, order: Order) -> bool:
        """Like :meth:`add` for one result, but leaves the counting to :meth:`counted`: a
        run offers only a target's findings, its tally counts every result anyway.  False
        when the result cannot be in the digest (a worker process digests its own targets
        first and passes on only the rest: the first of the fleet are among the first of
        some worker's)."""
        return self._entry(result.check).offer(name, result, order)

    def counted(self, checks: Iterable[FleetCheck]) -> dict[str, CheckDigest]:
        """The digest of offered targets, with the status counts of the fleet's tally."""
        for fleet_check in checks:
            self._entry(fleet_check.check).statuses.update(dict(fleet_check.statuses))
        return self.table

    def _entry(self, check: CheckInfo) -> CheckDigest:
        entry = self.table.get(check.id)
        if entry is None:
            entry = self.table[check.id] = CheckDigest(check, self.keep)
        return entry


@runtime_checkable
class Digested(Protocol):
    """Targets that bring their fleet digest, collected as they were checked (a spooled
    fleet), so no reporter reads them all again."""

    def digest(self) -> dict[str, CheckDigest] | None:
        """The digest with ``FLEET_NAMES`` names kept, or None when none was collected."""


def digest(targets: Iterable[TargetReport], keep: int) -> dict[str, CheckDigest]:
    """A :class:`CheckDigest` per check id, reading ``targets`` once, in their order."""
    digester = Digester(keep)
    for position, target in enumerate(targets):
        digester.add(target.name, target.results, ("", position))
    return digester.table


def fleet_digest(targets: Sequence[TargetReport]) -> dict[str, CheckDigest]:
    """The digest that JUnit and SARIF fleet layouts share: the one the targets bring, else
    one pass over them."""
    collected = targets.digest() if isinstance(targets, Digested) else None
    return collected if collected is not None else digest(targets, FLEET_NAMES)
