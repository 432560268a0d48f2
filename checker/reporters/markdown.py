"""Markdown for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Sections, each left out when empty: the overall score (with its range over uncertain
results), a score table per category, counts by status, the top recommendations by score
impact (percentage points; exposed of total devices), the lowest-scoring devices (fleets),
uncertain results with their reason and Intune setting, conflicts between sources, and input
errors.  Tables are capped (``TOP``, ``ROWS``) and the whole text is cut, with a note, to stay
under GitHub's 1 MiB step-summary limit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from checker.model import Report, Result, Score, Status, TargetReport
from checker.reporters import findings

MAX_BYTES = 1024 * 1024
"""GitHub refuses a step summary over 1 MiB."""

TOP = 10
"""Recommendations and lowest-scoring devices shown."""

ROWS = 50
"""Rows shown in the uncertain and conflict tables."""

DEVICES_SHOWN = 5

_TRUNCATED = (
    "\n> **Truncated**: this summary was cut to stay under GitHub's {limit:,}-byte limit; "
    "the JSON, CSV or SARIF report has everything.\n"
)


def render(report: Report, *, limit: int = MAX_BYTES) -> str:
    """The Markdown summary of ``report``, at most ``limit`` bytes of UTF-8."""
    sections = [
        _headline(report),
        _scores(report),
        _statuses(report),
        _recommendations(report),
        _devices(report),
        _uncertain(report),
        _conflicts(report),
        _errors(report),
    ]
    return _fit("\n".join(section for section in sections if section), limit)


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipe, newline or HTML."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def code(text: str) -> str:
    """A code span for table cells; backticks and pipes cannot be escaped inside one."""
    return "`" + text.replace("`", "'").replace("|", "¦").replace("\n", " ") + "`"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _more(shown: int, total: int, what: str) -> str:
    return f"\n_{total - shown:,} more {what} not shown._\n" if total > shown else ""


def _single(report: Report) -> TargetReport | None:
    return report.targets[0] if len(report.targets) == 1 else None


def _headline(report: Report) -> str:
    target = _single(report)
    score = target.score if target else report.fleet
    scope = f"`{target.name}`" if target else f"fleet of {len(report.targets):,} devices"
    low, high = score.uncertain_range
    line = f"## baseliner: {score.overall.percent:.1f}% for {scope}\n\n"
    line += f"{_points(score.overall)} points"
    if low != high:
        line += f"; {low:.1f}% to {high:.1f}% depending on the uncertain results"
    return line + ".\n"


def _points(score: Score) -> str:
    return f"{findings.points(score.points)} of {findings.points(score.max_points)}"


def _scores(report: Report) -> str:
    if not report.targets:
        return ""
    target = _single(report)
    score = target.score if target else report.fleet
    rows = [
        (findings.CATEGORY_LABELS[category], f"{value.percent:.1f}%", _points(value))
        for category, value in score.categories
    ]
    rows.append(("**Overall**", f"**{score.overall.percent:.1f}%**", _points(score.overall)))
    return "### Scores\n\n" + _table(("Category", "Score", "Points"), rows)


def _statuses(report: Report) -> str:
    counts = Counter(result.status for target in report.targets for result in target.results)
    if not counts:
        return ""
    rows = [(status.value, f"{counts[status]:,}") for status in Status if counts[status]]
    return "### Results\n\n" + _table(("Status", "Results"), rows)


def _recommendations(report: Report) -> str:
    ranked = findings.recommendations(report)
    if not ranked:
        return ""
    rows = [
        (
            str(rank),
            cell(item.check.title),
            code(item.check.id),
            item.check.severity.value,
            f"{item.exposed:,} / {item.total:,}",
            f"+{findings.points(item.score_impact)}",
        )
        for rank, item in enumerate(ranked[:TOP], start=1)
    ]
    header = ("#", "Recommendation", "Check", "Severity", "Exposed devices", "Score impact")
    text = "### Top recommendations\n\n" + _table(header, rows)
    return text + _more(TOP, len(ranked), "recommendations")


def _devices(report: Report) -> str:
    if len(report.targets) < 2:
        return ""
    ranked = sorted(report.targets, key=lambda t: (t.score.overall.percent, t.name))
    rows = [
        (
            code(target.name),
            f"{target.score.overall.percent:.1f}%",
            str(sum(result.status in findings.FAILING for result in target.results)),
            str(sum(result.status is Status.UNCERTAIN for result in target.results)),
        )
        for target in ranked[:TOP]
    ]
    text = "### Lowest-scoring devices\n\n"
    text += _table(("Device", "Score", "Failing", "Uncertain"), rows)
    return text + _more(TOP, len(ranked), "devices")


def _uncertain(report: Report) -> str:
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for target in report.targets:
        for result in target.results:
            if result.status is Status.UNCERTAIN:
                grouped.setdefault(_uncertain_key(result), []).append(target.name)
    if not grouped:
        return ""
    rows = [
        (
            code(check_id),
            cell(findings.listing(sorted(names), DEVICES_SHOWN)),
            code(via) if via else "",
            cell(reason),
        )
        for (check_id, via, reason), names in sorted(grouped.items())[:ROWS]
    ]
    text = "### Uncertain results\n\nThe Intune setting does not map one to one onto the "
    text += "setting the check reads, so the verdict is left open.\n\n"
    text += _table(("Check", "Devices", "Intune setting", "Reason"), rows)
    return text + _more(ROWS, len(grouped), "uncertain checks")


def _uncertain_key(result: Result) -> tuple[str, str, str]:
    return (result.check.id, result.via or "", result.reason or "no reason given")


def _conflicts(report: Report) -> str:
    conflicts = [
        (target.name, conflict) for target in report.targets for conflict in target.conflicts
    ]
    if not conflicts:
        return ""
    rows = [
        (
            code(name),
            code(f"{conflict.kind.value}:{conflict.key}"),
            cell(f"{findings.show(conflict.winner.value)} ({conflict.winner.origin})"),
            cell(f"{findings.show(conflict.loser.value)} ({conflict.loser.origin})"),
            cell(conflict.rule),
        )
        for name, conflict in conflicts[:ROWS]
    ]
    header = ("Device", "Setting", "Applied", "Overridden", "Rule")
    text = "### Conflicts between sources\n\n" + _table(header, rows)
    return text + _more(ROWS, len(conflicts), "conflicts")


def _errors(report: Report) -> str:
    if not report.errors:
        return ""
    lines = [f"- {cell(str(error))}" for error in report.errors[:ROWS]]
    text = "### Input errors\n\nThese inputs could not be read; their targets are missing.\n\n"
    return text + "\n".join(lines) + "\n" + _more(ROWS, len(report.errors), "input errors")


def _fit(text: str, limit: int) -> str:
    """``text`` cut at a line boundary, with a note, when it is over ``limit`` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    note = _TRUNCATED.format(limit=limit)
    room = max(limit - len(note.encode("utf-8")), 0)
    cut = data[:room].rfind(b"\n") + 1
    return data[:cut].decode("utf-8") + note
