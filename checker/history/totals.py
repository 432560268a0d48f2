"""What a run's history rows hold, per benchmark: a score is never taken across benchmarks.

A run that checked two benchmarks is two points in the history, one on each benchmark's
series; with target groups (``group:`` in a targets manifest), each group is a series of its
own beside the fleet's (:data:`~checker.history.schema.FLEET`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.core.results import Report, Result, Score, TargetReport, TargetScore
from checker.core.statuses import Category
from checker.history.schema import FLEET
from checker.scoring.tally import Tally, target_score


@dataclass(frozen=True, slots=True)
class Totals:
    """One benchmark's scores over a run's targets, or over one group of them."""

    benchmark: str
    group: str
    targets: int
    overall: Score
    categories: tuple[tuple[Category, Score], ...]
    uncertain_range: tuple[float, float]
    exposed: int


def _totals(tally: Tally, benchmark: str, group: str) -> Totals:
    overall, categories = tally.score()
    return Totals(
        benchmark,
        group,
        tally.targets,
        overall,
        tuple(categories.items()),
        tally.uncertain_range(),
        tally.exposed_pairs(),
    )


def fleet_totals(report: Report) -> list[Totals]:
    """Each benchmark's totals over every target, from the fleet's checks (no target read)."""
    tally = Tally.of_checks(report.fleet.checks, len(report.targets))
    return [_totals(part, name, FLEET) for name, part in sorted(tally.by_benchmark().items())]


class GroupTotals:
    """Each group's totals per benchmark, from its targets as they are recorded."""

    def __init__(self) -> None:
        self._tallies: dict[str, Tally] = {}

    def add(self, target: TargetReport) -> None:
        if target.group:  # an empty group name is no group (and FLEET's name)
            self._tallies.setdefault(target.group, Tally()).add(target.results, target.name)

    def totals(self) -> list[Totals]:
        return [
            _totals(part, benchmark, group)
            for group, tally in sorted(self._tallies.items())
            for benchmark, part in sorted(tally.by_benchmark().items())
        ]


def target_scores(target: TargetReport, benchmarks: Sequence[str]) -> list[tuple[str, TargetScore]]:
    """The target's score on each of the run's ``benchmarks`` it has results of."""
    if len(benchmarks) == 1:
        return [(benchmarks[0], target.score)]
    parts: dict[str, list[Result]] = {}
    for result in target.results:
        parts.setdefault(result.check.benchmark, []).append(result)
    return [(name, target_score(parts[name])) for name in benchmarks if name in parts]
