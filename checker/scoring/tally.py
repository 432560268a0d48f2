"""Scores, the default model of DESIGN §5, in exact fractions.

For check c with impact w and applicable targets T::

    r(c) = (passing + credited exempt) / |T|
    category score = 100 * sum(w * r) / sum(w)   over the category's checks
    overall        = the same over all checks;  points = sum(w * r) out of sum(w)

``uncertain``, ``not_applicable`` and ``error`` results leave both sums; ``uncertain_range``
gives the overall percent if every uncertain (or error) result failed, and if every one
passed.
``not_configured`` counts as failing.  Exemptions justified by a third-party control or an
alternate mitigation are credited; risk acceptance and planned remediation are not credited
(they count as failing here) but do not gate CI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from checker.core.results import CheckInfo, FleetCheck, FleetScore, Result, Score, TargetScore
from checker.core.statuses import Category, Status

CREDITED_JUSTIFICATIONS = frozenset({"third_party_control", "alternate_mitigation"})
SCORED = frozenset({Status.PASS, Status.FAIL, Status.NOT_CONFIGURED, Status.EXEMPT})
"""Statuses in the score.  A scored result either complies or leaves its target exposed
(``statuses.FAILING``, or an exemption no other control credits): the tallies test one,
for a fleet's every result, and take the other as its negation (tests/test_scoring.py)."""
FAILING_NAMES_KEPT = 100
"""Names of exposed targets kept per check; beyond it only the count grows, so a fleet's
memory stays flat."""


def complies(result: Result) -> bool:
    """Whether a scored result earns its check's points."""
    if result.status is Status.EXEMPT:
        return result.exception in CREDITED_JUSTIFICATIONS
    return result.status is Status.PASS


@dataclass(slots=True)
class _CheckTally:
    """Counts for one check across targets; a single target is a fleet of one."""

    info: CheckInfo
    applicable: int = 0
    complying: int = 0
    uncertain: int = 0
    uncertain_passing: int = 0
    statuses: dict[Status, int] = field(default_factory=dict)
    exposed: int = 0
    failing: list[str] = field(default_factory=list)

    def add(self, result: Result, target: str) -> None:
        status = result.status
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status is Status.UNCERTAIN:
            self.uncertain += 1
            self.uncertain_passing += result.lean is Status.PASS
        elif status is Status.ERROR:
            # A check that could not judge might have passed or failed: outside the score,
            # inside the range it could take (fail closed: the gate fails on it too).
            self.uncertain += 1
        elif status in SCORED:
            self.applicable += 1
            if complies(result):
                self.complying += 1
            else:  # a scored result that does not comply is exposed (see SCORED)
                self.exposed += 1
                if len(self.failing) < FAILING_NAMES_KEPT:
                    self.failing.append(target)

    def merge(self, other: _CheckTally) -> None:
        """Add the counts of ``other``, whose targets come after this tally's."""
        self.applicable += other.applicable
        self.complying += other.complying
        self.uncertain += other.uncertain
        self.uncertain_passing += other.uncertain_passing
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.exposed += other.exposed
        self.failing += other.failing[: FAILING_NAMES_KEPT - len(self.failing)]

    def counts(self, uncertain_as: bool | None = None) -> tuple[int, int]:
        """(complying, applicable) targets; uncertain ones counted as failing (``False``),
        passing (``True``) or left out (``None``)."""
        total, good = self.applicable, self.complying
        if uncertain_as is not None:
            total += self.uncertain
            good += self.uncertain if uncertain_as else 0
        return good, total

    def ratio(self, uncertain_as: bool | None = None) -> Fraction | None:
        """Share of applicable targets that comply (see :meth:`counts`)."""
        good, total = self.counts(uncertain_as)
        return Fraction(good, total) if total else None


PackedTally = tuple[int, tuple[tuple[Any, ...], ...]]
"""A :class:`Tally` as :meth:`Tally.packed` gives it: targets, and a row per check."""


@dataclass(slots=True)
class Tally:
    """Accumulates results target by target, so a fleet is scored without keeping it."""

    checks: dict[str, _CheckTally] = field(default_factory=dict)
    targets: int = 0

    def add(self, results: Iterable[Result], target: str) -> None:
        self.targets += 1
        for result in results:
            tally = self.checks.get(result.check.id)
            if tally is None:
                tally = self.checks[result.check.id] = _CheckTally(result.check)
            tally.add(result, target)

    def merge(self, other: Tally) -> None:
        """Add ``other``'s targets, which come after this tally's (the failing names kept
        are the first ones, in target order)."""
        self.targets += other.targets
        for check_id, theirs in other.checks.items():
            mine = self.checks.get(check_id)
            if mine is None:
                mine = self.checks[check_id] = _CheckTally(theirs.info)
            mine.merge(theirs)

    def packed(self, index: Mapping[str, int]) -> PackedTally:
        """This tally as plain data, each check by its number in ``index``: what a worker
        process sends for the targets it checked (a CheckInfo each would be most of it).
        :meth:`unpacked` is the inverse."""
        return self.targets, tuple(
            (
                index[check_id],
                t.applicable,
                t.complying,
                t.uncertain,
                t.uncertain_passing,
                tuple((status.value, count) for status, count in t.statuses.items()),
                t.exposed,
                tuple(t.failing),
            )
            for check_id, t in self.checks.items()
        )

    @classmethod
    def unpacked(cls, packed: PackedTally, infos: Sequence[CheckInfo]) -> Tally:
        """The tally :meth:`packed` gave, ``infos`` being the checks in ``index`` order."""
        targets, rows = packed
        checks = {}
        for i, applicable, complying, uncertain, leaning, statuses, exposed, failing in rows:
            info = infos[i]
            checks[info.id] = _CheckTally(
                info,
                applicable,
                complying,
                uncertain,
                leaning,
                {Status(status): count for status, count in statuses},
                exposed,
                list(failing),
            )
        return cls(checks, targets)

    @classmethod
    def of_checks(cls, checks: Iterable[FleetCheck], targets: int) -> Tally:
        """The tally a fleet's checks were scored from, as far as scores go (not the lean of
        uncertain results, which no score reads): to score a part of them again."""
        tallies = {}
        for check in checks:
            statuses = dict(check.statuses)
            uncertain = statuses.get(Status.UNCERTAIN, 0) + statuses.get(Status.ERROR, 0)
            complying = int(check.ratio * check.total)
            tallies[check.check.id] = _CheckTally(
                check.check, check.total, complying, uncertain, 0, statuses, check.exposed,
                list(check.failing),
            )  # fmt: skip
        return cls(tallies, targets)

    def by_benchmark(self) -> dict[str, Tally]:
        """This tally's checks split by benchmark, each part over the same targets."""
        parts: dict[str, Tally] = {}
        for check_id, tally in self.checks.items():
            part = parts.setdefault(tally.info.benchmark, Tally(targets=self.targets))
            part.checks[check_id] = tally
        return parts

    def exposed_pairs(self) -> int:
        """Exposed (check, target) pairs."""
        return sum(tally.exposed for tally in self.checks.values())

    def score(self, uncertain_as: bool | None = None) -> tuple[Score, dict[Category, Score]]:
        overall: list[Fraction | int] = [0, 0]
        categories: dict[Category, list[Fraction | int]] = {}
        for tally in self.checks.values():
            good, total = tally.counts(uncertain_as)
            if not total:
                continue
            # A single target's ratio is 0 or 1: integer sums keep one device's score cheap.
            earned: Fraction | int = tally.info.impact * good
            if total > 1:
                earned = Fraction(earned, total)
            for sums in (overall, categories.setdefault(tally.info.category, [0, 0])):
                sums[0] += earned
                sums[1] += tally.info.impact
        return _score(overall), {
            category: _score(sums) for category, sums in sorted(categories.items())
        }

    def uncertain_range(self) -> tuple[float, float]:
        if not any(tally.uncertain for tally in self.checks.values()):
            percent = self.score()[0].percent
            return (percent, percent)
        return (self.score(False)[0].percent, self.score(True)[0].percent)

    def score_impact(self, tally: _CheckTally, max_points: Fraction) -> Fraction:
        """Percentage points the overall score gains when ``tally``'s check complies everywhere."""
        ratio = tally.ratio()
        if ratio is None or not max_points:
            return Fraction(0)
        return 100 * Fraction(tally.info.impact) * (1 - ratio) / max_points

    def target_score(self) -> TargetScore:
        overall, categories = self.score()
        impacts = tuple(
            (check_id, self.score_impact(tally, overall.max_points))
            for check_id, tally in self.checks.items()
            if tally.exposed
        )
        return TargetScore(overall, tuple(categories.items()), self.uncertain_range(), impacts)

    def fleet_score(self) -> FleetScore:
        overall, categories = self.score()
        checks = tuple(
            FleetCheck(
                check=tally.info,
                exposed=tally.exposed,
                total=tally.applicable,
                ratio=tally.ratio() or Fraction(0),
                score_impact=self.score_impact(tally, overall.max_points),
                failing=tuple(sorted(tally.failing)),
                statuses=tuple(sorted(tally.statuses.items())),
            )
            for tally in self.checks.values()
        )
        ordered = sorted(checks, key=lambda c: (-c.score_impact, c.check.id))
        return FleetScore(
            overall, tuple(categories.items()), tuple(ordered), self.uncertain_range()
        )


def _score(sums: list[Fraction | int]) -> Score:
    return Score(Fraction(sums[0]), Fraction(sums[1]))


def target_score(results: Iterable[Result]) -> TargetScore:
    """One target's score: the fleet model with every ratio 0 or 1, so in integers.

    Gives exactly what ``Tally`` gives for a fleet of one (a test holds them together), at a
    tenth of the cost: a fleet scores every device.
    """
    sums: dict[Category, list[int]] = {}
    uncertain = 0
    exposed_weights: list[tuple[str, int]] = []
    for result in results:
        status, check = result.status, result.check
        weight = check.impact
        if status is Status.UNCERTAIN or status is Status.ERROR:
            uncertain += weight
        elif status in SCORED:
            category = sums.get(check.category)
            if category is None:
                category = sums[check.category] = [0, 0]
            category[1] += weight
            if complies(result):
                category[0] += weight
            else:  # exposed (see SCORED)
                exposed_weights.append((check.id, weight))
    points = sum(earned for earned, _ in sums.values())
    at_stake = sum(weight for _, weight in sums.values())
    overall = Score(Fraction(points), Fraction(at_stake))
    if uncertain:
        low = Score(Fraction(points), Fraction(at_stake + uncertain)).percent
        high = Score(Fraction(points + uncertain), Fraction(at_stake + uncertain)).percent
    else:
        low = high = overall.percent
    # One Fraction per weight, shared by the checks that have it (a device has hundreds of
    # exposed checks and a few weights).
    shares = {
        weight: Fraction(100 * weight, at_stake) if at_stake else Fraction(0)
        for weight in {weight for _, weight in exposed_weights}
    }
    impacts = tuple((check_id, shares[weight]) for check_id, weight in exposed_weights)
    categories = tuple(
        (category, Score(Fraction(earned), Fraction(weight)))
        for category, (earned, weight) in sorted(sums.items())
    )
    return TargetScore(overall, categories, (low, high), impacts)
