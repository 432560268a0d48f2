"""The default human summary: scores per category, status counts, top recommendations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from checker.core.results import Report, Score, TargetReport
from checker.core.statuses import Status
from checker.core.text import visible
from checker.core.values import Note, NoteKind

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
    sources = f"{len(target.sources)} source{'s' * (len(target.sources) != 1)}"
    planned = "; planned by GPMC modelling, not a device's logged result" * target.planned
    lines = [f"{target.name}  ({sources}{planned})"]
    lines.append(_score_line("overall", score.overall))
    lines += [_score_line(category.value, s) for category, s in score.categories]
    lines.append(f"  results: {_counts(Counter(r.status for r in target.results))}")
    if low != high:
        lines.append(
            f"  uncertain and error results could move the score between {low:.1f}% and {high:.1f}%"
        )
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
    lines += _notes(target.notes)
    for conflict in target.conflicts:
        lines.append(
            f"  conflict {conflict.kind.value}:{conflict.key}: {conflict.winner.value!r} "
            f"({conflict.winner.origin}) wins over {conflict.loser.value!r} "
            f"({conflict.loser.origin}) by {conflict.rule}"
        )
    return lines


NOTES_SHOWN = 5
"""Notes of one kind listed by name per target before the count of the rest."""

_NOTE_WORDS = {
    NoteKind.SKIPPED: "export objects skipped (they set no Windows device setting)",
    NoteKind.UNMAPPED: "policies not mapped to the settings checks read",
    NoteKind.REPAIRED: "inputs repaired to be read",
}


def _notes(notes: Sequence[Note]) -> list[str]:
    """A line per kind of note: how many, and the first few."""
    lines = []
    for kind, words in _NOTE_WORDS.items():
        found = [note.what for note in notes if note.kind is kind]
        if found:
            shown = "; ".join(found[:NOTES_SHOWN])
            more = f"; and {len(found) - NOTES_SHOWN} more" if len(found) > NOTES_SHOWN else ""
            lines.append(f"  {len(found)} {words}: {shown}{more}")
    return lines


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
    for error in report.errors:
        lines.append(f"error: {error}")
    if not report.targets and not report.errors:
        lines.append("no targets")
    return visible("\n".join(lines).rstrip("\n") + "\n")
