"""The findings digest is the same whatever order targets arrive in.

A run digests targets as its workers finish them; the digest must keep what one pass over
the targets in report order (name, case-insensitively) keeps: the first names and results
of each outcome.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from checker.core.results import TargetReport
from checker.scoring.digest import CheckDigest, Digester, Smallest, digest
from tests.reporters import factory

GROUPS = ("failure", "error", "uncertain", "other")


def _fleet() -> list[TargetReport]:
    """150 targets, half named in lower case, so name order and case-blind order differ."""
    targets = factory.generated_fleet(150, checks=20).targets
    named = [
        replace(target, name=target.name.lower() if number % 2 else target.name)
        for number, target in enumerate(targets)
    ]
    return sorted(named, key=lambda target: target.name.casefold())


TARGETS = _fleet()


def _view(table: dict[str, CheckDigest]) -> dict[str, object]:
    return {
        check_id: (
            dict(entry.statuses),
            [entry.names(group) for group in GROUPS],
            [entry.sample(group) for group in GROUPS],
        )
        for check_id, entry in table.items()
    }


def _arrivals(seed: int) -> list[TargetReport]:
    shuffled = list(TARGETS)
    random.Random(seed).shuffle(shuffled)
    return shuffled


@pytest.mark.parametrize("keep", [1, 3, 20, 100])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_any_arrival_order_gives_the_report_order_digest(keep: int, seed: int) -> None:
    digester = Digester(keep)
    for arrival, target in enumerate(_arrivals(seed)):
        digester.add(target.name, target.results, (target.name.casefold(), arrival))
    assert _view(digester.table) == _view(digest(TARGETS, keep))


@pytest.mark.parametrize("seed", [0, 1])
def test_offered_findings_counted_by_the_fleet_tally_give_the_same_digest(seed: int) -> None:
    fleet = factory.report(TARGETS).fleet
    digester = Digester(100)
    for arrival, target in enumerate(_arrivals(seed)):
        order = (target.name.casefold(), arrival)
        for result in target.results:
            if result.status.value != "pass":
                digester.offer(target.name, result, order)
    assert _view(digester.counted(fleet.checks)) == _view(digest(TARGETS, 100))


@pytest.mark.parametrize("keep", [1, 3, 20, 100])
@pytest.mark.parametrize(("workers", "batch", "seed"), [(2, 16, 0), (3, 5, 1), (4, 1, 2)])
def test_findings_passed_on_by_worker_digests_give_the_same_digest(
    keep: int, workers: int, batch: int, seed: int
) -> None:
    """Each worker digests its own targets and passes on only the findings it keeps; the
    parent's digest of those, in any order, is the digest of every finding."""
    fleet = factory.report(TARGETS).fleet
    local = [Digester(keep) for _ in range(workers)]
    passed_on = []
    for arrival, target in enumerate(_arrivals(seed)):
        worker = local[(arrival // batch) % workers]
        order = (target.name.casefold(), arrival)
        passed_on += [
            (target.name, result, order)
            for result in target.results
            if worker.offer(target.name, result, order)
        ]
    random.Random(seed).shuffle(passed_on)
    parent = Digester(keep)
    for name, result, order in passed_on:
        parent.offer(name, result, order)
    assert _view(parent.counted(fleet.checks)) == _view(digest(TARGETS, keep))
    findings = sum(1 for t in TARGETS for result in t.results if result.status.value != "pass")
    assert len(passed_on) < findings if keep <= 3 else len(passed_on) <= findings


@pytest.mark.parametrize(
    ("size", "offers", "expected"),
    [
        (1, [5, 3, 9, 1, 7], [1]),
        (2, [5, 3, 9, 1, 7], [1, 3]),
        (3, [9, 8, 7, 6, 5, 4, 3, 2, 1], [1, 2, 3]),
        (4, [1, 2], [1, 2]),
        (2, [], []),
    ],
)
def test_smallest_keeps_the_smallest_orders(
    size: int, offers: list[int], expected: list[int]
) -> None:
    kept: Smallest[int] = Smallest(size)
    for value in offers:
        kept.offer(("", value), value)
    assert kept.smallest() == expected
