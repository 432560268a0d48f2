"""The gate: whether a run's results pass ``--fail-under``, the per-category thresholds and
``--fail-on``, with the reasons they do not."""

from __future__ import annotations

from collections.abc import Sequence

from checker.core.results import Gate, Report
from checker.core.statuses import FAILING, Category, Status

FAIL_ON = ("fail", "uncertain", "error", "none")
"""What ``--fail-on`` takes: ``fail`` (and not_configured), ``uncertain``, ``error`` (always,
unless ``none``: fail closed), ``none``."""


def gate(
    report: Report,
    fail_under: float | None,
    category_thresholds: dict[Category, float],
    fail_on: Sequence[str],
) -> list[str]:
    """Reasons the run fails its gate (empty: it passes).  ``fail_on`` names the statuses
    that fail it (:data:`FAIL_ON`); ``error`` results fail it unless ``none`` is named."""
    reasons: list[str] = []
    statuses = {
        "fail": tuple(sorted(FAILING)),
        "uncertain": (Status.UNCERTAIN,),
        "error": (Status.ERROR,),
    }
    fail_on = [] if "none" in fail_on else list(dict.fromkeys([*fail_on, "error"]))
    counts: dict[Status, int] = {}
    for fleet_check in report.fleet.checks:  # the fleet's tallies: no pass over the targets
        for status, number in fleet_check.statuses:
            counts[status] = counts.get(status, 0) + number
    for name in fail_on:
        gating = statuses.get(name, ())
        count = sum(counts.get(status, 0) for status in gating)
        if count:
            reasons.append(f"{count} result(s) {'/'.join(s.value for s in gating)}")
    fleet = report.fleet
    if fail_under is not None and fleet.overall.percent < fail_under:
        reasons.append(f"score {fleet.overall.percent:.1f}% is under {fail_under:g}%")
    categories = dict(fleet.categories)
    for category, threshold in category_thresholds.items():
        score = categories.get(category)
        if score is not None and score.percent < threshold:
            reasons.append(f"{category.value} score {score.percent:.1f}% is under {threshold:g}%")
    return reasons


def verdict(
    report: Report,
    fail_under: float | None,
    category_thresholds: dict[Category, float],
    fail_on: Sequence[str],
    soft: bool = False,
) -> Gate:
    """The verdict the reports state: the gate's reasons, and the input errors, which fail
    the run (exit 2) whatever the gate says."""
    reasons = gate(report, fail_under, category_thresholds, fail_on)
    if report.errors:
        reasons.append(f"{len(report.errors)} input error(s)")
    return Gate(not reasons, tuple(reasons), soft)
