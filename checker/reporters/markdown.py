"""Markdown for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Sections, each left out when empty: the gate's verdict and its reasons, first, as a GitHub
alert coloured by it (``[!CAUTION]`` failed, ``[!WARNING]`` failed under ``--soft-fail``,
``[!TIP]`` passed; other renderers show a quote), the overall score (with its range over uncertain
results), a score table per category, counts by status, the top recommendations by score
impact (percentage points; exposed of total devices), the lowest-scoring devices (fleets),
uncertain results with their reason and Intune setting, conflicts between sources, and input
errors.  Tables are capped (``TOP``, ``ROWS``) and the whole text is cut, with a note, to stay
under GitHub's 1 MiB step-summary limit.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from checker.core.results import Report, Result, Score, TargetReport
from checker.core.statuses import Status
from checker.core.text import utf8
from checker.core.values import Conflict, Fact
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


@dataclass(slots=True)
class _Survey:
    """What the summary needs from the targets, gathered in one pass with bounded lists."""

    statuses: Counter[Status] = field(default_factory=Counter)
    devices: list[tuple[float, str, int, int]] = field(default_factory=list)
    uncertain: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    uncertain_devices: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    conflicts: list[tuple[str, Conflict]] = field(default_factory=list)
    conflict_count: int = 0

    def add(self, target: TargetReport) -> None:
        counts = Counter(result.status for result in target.results)
        self.statuses.update(counts)
        failing = counts[Status.FAIL] + counts[Status.NOT_CONFIGURED]
        row = (target.score.overall.percent, target.name, failing, counts[Status.UNCERTAIN])
        self.devices = heapq.nsmallest(TOP, [*self.devices, row])
        for result in target.results:
            if result.status is Status.UNCERTAIN:
                key = _uncertain_key(result)
                self.uncertain_devices[key] += 1
                names = self.uncertain.setdefault(key, [])
                if len(names) < DEVICES_SHOWN:
                    names.append(target.name)
        self.conflict_count += len(target.conflicts)
        room = ROWS - len(self.conflicts)
        self.conflicts += [(target.name, conflict) for conflict in target.conflicts[:room]]


def render(report: Report, *, limit: int = MAX_BYTES) -> str:
    """The Markdown summary of ``report``, at most ``limit`` bytes of UTF-8."""
    survey = _Survey()
    for target in report.targets:
        survey.add(target)
    sections = [
        _gate(report),
        _headline(report),
        _scores(report),
        _statuses(survey),
        _recommendations(report),
        _devices(survey, len(report.targets)),
        _uncertain(survey),
        _conflicts(survey),
        _errors(report),
    ]
    return _fit("\n".join(section for section in sections if section), limit)


_MARKUP = re.compile(r"[\\`*_\[\]<>|~]")
"""What is markup inside a line (no text reaches the start of a line: breaks are escaped)."""
_LINK = re.compile(r"(?i)\b(https?|ftp|file)://|\bwww\.")
_BREAKS = str.maketrans({"\r": "\\r", "\n": "\\n"})


def cell(text: str) -> str:
    """Text as it is, inert in a table cell or a PR comment: an exported name or value could
    otherwise open a heading, a live link, a mention or raw HTML.  Markdown characters are
    escaped, line breaks shown as ``\\n`` and ``\\r``, links defanged (``https[:]//``,
    ``www[.]``) and mentions broken (``@`` then a zero-width space)."""
    defanged = _LINK.sub(_defang, text.translate(_BREAKS))
    return _MARKUP.sub(r"\\\g<0>", defanged).replace("@", "@\u200b")


def _defang(found: re.Match[str]) -> str:
    scheme = found.group(1)
    return f"{scheme}[:]//" if scheme else "www[.]"


def code(text: str) -> str:
    """A code span, inert anywhere (no link, mention or emphasis); backticks and pipes
    cannot be escaped inside one, and line breaks are shown as ``\\n`` and ``\\r``."""
    return "`" + text.translate(_BREAKS).replace("`", "'").replace("|", "¦") + "`"


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
    scope = code(target.name) if target else f"fleet of {len(report.targets):,} devices"
    low, high = score.uncertain_range
    line = f"## baseliner: {score.overall.percent:.1f}% for {scope}\n\n"
    line += f"{_points(score.overall)} points"
    if low != high:
        line += f"; {low:.1f}% to {high:.1f}% depending on the uncertain and error results"
    return line + ".\n"


def _gate(report: Report) -> str:
    gate = report.gate
    if gate is None:
        return ""
    if gate.passed:
        return "> [!TIP]\n> **Gate passed**: every condition of the gate is met.\n"
    alert, title = (
        ("WARNING", "Gate failed (--soft-fail: the run exits 0)")
        if gate.soft
        else (
            "CAUTION",
            "Gate failed",
        )
    )
    reasons = "".join(f"\n> - {cell(reason)}" for reason in gate.reasons)
    return f"> [!{alert}]\n> **{title}**{reasons}\n"


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


def _statuses(survey: _Survey) -> str:
    if not survey.statuses:
        return ""
    counts = survey.statuses
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


def _devices(survey: _Survey, total: int) -> str:
    if total < 2:
        return ""
    rows = [
        (code(name), f"{percent:.1f}%", str(failing), str(uncertain))
        for percent, name, failing, uncertain in survey.devices
    ]
    text = "### Lowest-scoring devices\n\n"
    text += _table(("Device", "Score", "Failing", "Uncertain"), rows)
    return text + _more(len(rows), total, "devices")


def _uncertain(survey: _Survey) -> str:
    if not survey.uncertain:
        return ""
    rows = [
        (
            code(check_id),
            cell(
                findings.listing(
                    sorted(names), DEVICES_SHOWN, survey.uncertain_devices[(check_id, via, reason)]
                )
            ),
            code(via) if via else "",
            cell(reason),
        )
        for (check_id, via, reason), names in sorted(survey.uncertain.items())[:ROWS]
    ]
    text = f"### Uncertain results\n\n{findings.UNCERTAIN_WHY}\n\n"
    text += _table(("Check", "Devices", "Intune setting", "Reason"), rows)
    return text + _more(ROWS, len(survey.uncertain), "uncertain checks")


def _uncertain_key(result: Result) -> tuple[str, str, str]:
    return (result.check.id, result.via or "", result.reason or "no reason given")


def _conflicts(survey: _Survey) -> str:
    if not survey.conflicts:
        return ""
    rows = [
        (
            code(name),
            code(f"{conflict.kind.value}:{conflict.key}"),
            cell(_side(conflict.winner, conflict.loser) if conflict.applied else "neither"),
            cell(_side(conflict.loser, conflict.winner, both=not conflict.applied)),
            cell(conflict.rule),
        )
        for name, conflict in survey.conflicts
    ]
    header = ("Device", "Setting", "Applied", "Overridden", "Rule")
    text = "### Conflicts between sources\n\n" + _table(header, rows)
    return text + _more(len(rows), survey.conflict_count, "conflicts")


def _side(fact: Fact, other: Fact, both: bool = False) -> str:
    """A conflict's side: the value and where it is; ``both``: the other side's after it."""
    shown, other_shown = findings.sides(fact, other)
    text = f"{shown} at {fact.origin.named()}"
    return f"{text} and {other_shown} at {other.origin.named()}" if both else text


def _errors(report: Report) -> str:
    if not report.errors:
        return ""
    lines = [f"- {cell(str(error))}" for error in report.errors[:ROWS]]
    text = "### Input errors\n\nThese inputs could not be read; their targets are missing.\n\n"
    return text + "\n".join(lines) + "\n" + _more(ROWS, len(report.errors), "input errors")


def _fit(text: str, limit: int) -> str:
    """``text`` cut at a line boundary, with a note, when it is over ``limit`` bytes."""
    data = utf8(text)
    if len(data) <= limit:
        return text
    note = _TRUNCATED.format(limit=limit)
    room = max(limit - len(utf8(note)), 0)
    cut = data[:room].rfind(b"\n") + 1
    return data[:cut].decode("utf-8") + note
