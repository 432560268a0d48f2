"""The default human summary: scores per category, status counts, top recommendations, what
the exports hold that was skipped, and conflicts.  Input errors are not listed: the command
prints each on stderr, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from checker.core.results import Report, Score, TargetReport
from checker.core.statuses import Status
from checker.core.text import visible
from checker.core.values import Conflict, Note, NoteKind
from checker.reporters import findings

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
            lines.append(
                f"    +{float(impacts[result.check.id]):.2f}  {result.check.id}  "
                f"{result.check.title}  (actual {findings.actual(result)}, "
                f"expected {result.check.expected})"
            )
    lines += _notes(target.notes)
    lines += [_conflict(conflict) for conflict in target.conflicts]
    return lines


def _conflict(conflict: Conflict) -> str:
    winner, loser = conflict.winner, conflict.loser
    won, lost = findings.sides(winner, loser)
    head = f"  conflict {conflict.kind.value}:{conflict.key}: {conflict.rule}: "
    if not conflict.applied:
        return head + (f"{lost} at {loser.origin.named()} against {won} at {winner.origin.named()}")
    return head + f"{won} at {winner.origin.named()} wins over {lost} at {loser.origin.named()}"


_NOTE_WORDS = {
    NoteKind.SKIPPED: ("export objects skipped (they set no Windows device setting)", 20),
    NoteKind.UNMAPPED: ("policies not mapped to the settings checks read", 5),
    NoteKind.REPAIRED: ("inputs repaired to be read", 5),
}
"""Per kind of note: its words, and how many of its kinds (skipped) or names are shown."""


def _notes(notes: Sequence[Note]) -> list[str]:
    """A line per kind of note: how many, and the first few of them, alike ones counted
    together (16 × settings catalog policy (macOS)); the JSON report lists each."""
    lines = []
    for kind, (words, shown) in _NOTE_WORDS.items():
        found: Counter[str] = Counter()
        for note in notes:
            if note.kind is kind:
                found[_shown(note)] += note.count
        if found:
            groups = [what if n == 1 else f"{n} × {what}" for what, n in found.most_common()]
            more = len(groups) - shown
            tail = f"; and {more} more" if more > 0 else ""
            lines.append(f"  {found.total()} {words}: {'; '.join(groups[:shown])}{tail}")
    return lines


def _shown(note: Note) -> str:
    """A skipped object by its kind; anything else with why, when the note says."""
    if note.kind is NoteKind.SKIPPED or not note.reason:
        return note.what
    return f"{note.what} ({note.reason})"


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
