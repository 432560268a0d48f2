"""The default human summary: scores per category, status counts, top recommendations, what
the exports hold that was skipped, and conflicts.  Input errors are not listed: the command
prints each on stderr, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from checker.core.results import Report, Score, TargetReport
from checker.core.statuses import Status
from checker.core.text import visible
from checker.core.values import Conflict, Skipped

TOP = 10
BAR = 20


def _bar(score: Score) -> str:
    filled = round(BAR * score.percent / 100)
    return "#" * filled + "." * (BAR - filled)


def _score_line(label: str, score: Score) -> str:
    return (
        f"  {label:<18} {score.percent:6.1f}%  [{_bar(score)}]  "
        f"{float(score.points):g}/{float(score.max_points):g} pts"
    )


def _counts(statuses: Counter[Status]) -> str:
    return ", ".join(f"{statuses[s]} {s.value}" for s in Status if statuses[s])


def _target(target: TargetReport) -> list[str]:
    score = target.score
    low, high = score.uncertain_range
    lines = [f"{target.name}  ({len(target.sources)} source{'s' * (len(target.sources) != 1)})"]
    lines.append(_score_line("overall", score.overall))
    lines += [_score_line(category.value, s) for category, s in score.categories]
    lines.append(f"  results: {_counts(Counter(r.status for r in target.results))}")
    if low != high:
        lines.append(f"  uncertain results could move the score between {low:.1f}% and {high:.1f}%")
    impacts = dict(score.score_impact)
    failing = sorted(
        (r for r in target.results if r.check.id in impacts),
        key=lambda r: (-impacts[r.check.id], r.check.id),
    )
    if failing:
        lines.append(f"  top recommendations ({min(TOP, len(failing))} of {len(failing)}):")
        for result in failing[:TOP]:
            actual = "not configured" if result.status is Status.NOT_CONFIGURED else result.actual
            lines.append(
                f"    +{float(impacts[result.check.id]):.2f}  {result.check.id}  "
                f"{result.check.title}  (actual {actual}, expected {result.check.expected})"
            )
    lines += _skipped(target.skipped)
    lines += [_conflict(conflict) for conflict in target.conflicts]
    return lines


SKIPPED_KINDS = 20
"""Kinds of skipped objects listed per target; the JSON report lists every object."""


def _skipped(skipped: Sequence[Skipped]) -> list[str]:
    """What the target's exports hold that was passed over, counted by kind and reason."""
    if not skipped:
        return []
    counts: Counter[tuple[str, str]] = Counter()
    for entry in skipped:
        counts[(entry.kind, entry.reason)] += entry.count
    lines = [f"  skipped {sum(counts.values())} (each listed in the JSON report):"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    lines += [f"    {n} {kind}: {reason}" for (kind, reason), n in ordered[:SKIPPED_KINDS]]
    if len(ordered) > SKIPPED_KINDS:
        lines.append(f"    and {len(ordered) - SKIPPED_KINDS} more kinds")
    return lines


def _conflict(conflict: Conflict) -> str:
    winner, loser = conflict.winner, conflict.loser
    head = f"  conflict {conflict.kind.value}:{conflict.key}: {conflict.rule}: "
    if not conflict.applied:
        return head + (
            f"{loser.value!r} at {loser.origin.named()} against "
            f"{winner.value!r} at {winner.origin.named()}"
        )
    return head + (
        f"{winner.value!r} at {winner.origin.named()} wins over "
        f"{loser.value!r} at {loser.origin.named()}"
    )


def render(report: Report) -> str:
    lines: list[str] = []
    for target in report.targets:
        lines += [*_target(target), ""]
    if len(report.targets) > 1:
        fleet = report.fleet
        lines.append(f"fleet of {len(report.targets)} targets")
        lines.append(_score_line("overall", fleet.overall))
        lines += [_score_line(category.value, s) for category, s in fleet.categories]
        exposed = [c for c in fleet.checks if c.exposed][:TOP]
        if exposed:
            lines.append("  top recommendations:")
            for check in exposed:
                lines.append(
                    f"    +{float(check.score_impact):.2f}  {check.check.id}  "
                    f"{check.exposed}/{check.total} devices exposed"
                )
        lines.append("")
    # Input errors are not repeated here: the command prints each on stderr.
    if not report.targets:
        lines.append("no targets")
    return visible("\n".join(lines).rstrip("\n") + "\n")
