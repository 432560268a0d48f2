"""The findings digest: per check, status counts and the first targets of each outcome, in
bounded memory, so a fleet's JUnit and SARIF list a sample of the devices per finding
without holding the fleet.  A run collects it as targets are checked (checker/run), and the
reporters read it (``fleet_digest``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, runtime_checkable

from checker.core.results import CheckInfo, FleetCheck, Result, TargetReport
from checker.core.statuses import FAILING, Status


def outcome(status: Status) -> str:
    """The CI outcome a status maps to: failure, error, uncertain, pass or other (skipped)."""
    if status in FAILING:
        return "failure"
    if status in (Status.ERROR, Status.UNCERTAIN, Status.PASS):
        return status.value
    return "other"


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
    detailed: dict[str, Smallest[tuple[str, Result, str]]] = field(default_factory=dict)

    def add(self, name: str, result: Result, order: Order, export: str = "") -> None:
        self.statuses[result.status] += 1
        self.offer(name, result, order, export)

    def offer(self, name: str, result: Result, order: Order, export: str = "") -> bool:
        """Keep ``name`` (and ``result``, and ``export``: a file the target was read from,
        :attr:`TargetReport.export`) if it is among the first of its outcome; counting the
        status is left to :meth:`add` or to the caller.  False when it cannot be among them
        (see :meth:`Smallest.offer`)."""
        group = outcome(result.status)
        if group == "pass":
            return False
        names = self.named.get(group)
        if names is None:
            names = self.named[group] = Smallest(self.keep)
            self.detailed[group] = Smallest(min(self.keep, DETAILED))
        if not names.offer(order, name):
            return False
        self.detailed[group].offer(order, (name, result, export))
        return True

    @property
    def evaluated(self) -> int:
        return sum(self.statuses.values())

    def count(self, group: str) -> int:
        return sum(n for status, n in self.statuses.items() if outcome(status) == group)

    def sample(self, group: str) -> list[tuple[str, Result]]:
        """The first targets of ``group`` with their results (at most DETAILED), by name."""
        return [(name, result) for name, result, _ in self.located(group)]

    def located(self, group: str) -> list[tuple[str, Result, str]]:
        """:meth:`sample` with each target's export file (empty when not given)."""
        detailed = self.detailed.get(group)
        return sorted(detailed.smallest() if detailed else [], key=lambda item: item[0])

    def names(self, group: str) -> list[str]:
        """The first target names of ``group`` (at most ``keep``), sorted."""
        named = self.named.get(group)
        return sorted(named.smallest() if named else [])


@dataclass(slots=True)
class Digester:
    """Builds a :class:`CheckDigest` per check id from targets added in any order."""

    keep: int
    table: dict[str, CheckDigest] = field(default_factory=dict)

    def add(self, name: str, results: Iterable[Result], order: Order, export: str = "") -> None:
        for result in results:
            self._entry(result.check).add(name, result, order, export)

    def offer(self, name: str, result: Result, order: Order, export: str = "") -> bool:
        """Like :meth:`add` for one result, but leaves the counting to :meth:`counted`: a
        run offers only a target's findings, its tally counts every result anyway.  False
        when the result cannot be in the digest (a worker process digests its own targets
        first and passes on only the rest: the first of the fleet are among the first of
        some worker's)."""
        return self._entry(result.check).offer(name, result, order, export)

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
        digester.add(target.name, target.results, ("", position), target.export)
    return digester.table


def fleet_digest(targets: Sequence[TargetReport]) -> dict[str, CheckDigest]:
    """The digest that JUnit and SARIF fleet layouts share: the one the targets bring, else
    one pass over them."""
    collected = targets.digest() if isinstance(targets, Digested) else None
    return collected if collected is not None else digest(targets, FLEET_NAMES)
