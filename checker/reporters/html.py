"""One self-contained HTML page: scores, the score over time, findings and a device drill-down.

Nothing is fetched: the styles are inline, the bars and the chart are inline SVG, there is no
script, and a Content-Security-Policy forbids loading anything, so the page opens the same
from a CI artifact, a mail attachment or an air-gapped share.  Every text from the report
goes through :func:`html.escape`.  The output depends only on the report and the history
passed in (no clock), so it can be compared to a golden file.

Sections, each left out when empty: headline score with its range over uncertain results,
category bars, the score over time (one line per category, from the history; with no
history, this run's scores as single points and a note), results by status, recommendations
ordered by score impact with remediation, uncertain results with their reason, conflicts,
input errors and warnings, and the devices: the ``devices`` lowest-scoring ones (500 by
default), each a ``<details>`` with its failing and undecided checks.  Long tables are capped
with a note giving the full count, so 5,000 devices stay within a few MB.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from checker.core.results import CheckInfo, Report, Score, TargetReport
from checker.core.statuses import FAILING, Category, Status
from checker.core.values import Conflict, Fact
from checker.reporters import findings
from checker.reporters.html_chart import chart
from checker.reporters.html_devices import drill_down
from checker.reporters.html_filters import Filters
from checker.reporters.html_page import (
    bar,
    esc,
    gate_band,
    gate_banner,
    note,
    page,
    section,
    table,
)

DEVICES = 500
"""Devices drilled down by default: the lowest-scoring ones."""


ROWS = 200
"""Rows shown in the recommendation, uncertain and conflict tables."""


NAMES = 5
"""Device names listed per uncertain check."""


_GROUPED = FAILING | {Status.UNCERTAIN}


@dataclass(slots=True)
class _Survey:
    """What the page needs from the targets, read in one pass with bounded lists."""

    keep: int
    targets: int = 0
    first: TargetReport | None = None
    statuses: Counter[Status] = field(default_factory=Counter)
    worst: list[tuple[float, str, TargetReport]] = field(default_factory=list)
    uncertain: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    uncertain_count: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    conflicts: list[tuple[str, Conflict]] = field(default_factory=list)
    conflict_count: int = 0
    groups: dict[str, set[str]] = field(default_factory=dict)
    """The groups whose devices fail or are uncertain on each check (for the filters)."""
    checks: dict[str, CheckInfo] = field(default_factory=dict)
    """The uncertain checks."""

    def add(self, target: TargetReport) -> None:
        self.targets += 1
        self.first = self.first or target
        self.statuses.update(result.status for result in target.results)
        self.worst.append((target.score.overall.percent, target.name, target))
        if len(self.worst) >= 2 * self.keep + 1:
            self._trim()
        for result in target.results:
            if target.group and result.status in _GROUPED:
                self.groups.setdefault(result.check.id, set()).add(target.group)
            if result.status is Status.UNCERTAIN:
                self.checks[result.check.id] = result.check
                key = (result.check.id, result.via or "", result.reason or "no reason given")
                self.uncertain_count[key] += 1
                names = self.uncertain.setdefault(key, [])
                if len(names) < NAMES:
                    names.append(target.name)
        self.conflict_count += len(target.conflicts)
        room = ROWS - len(self.conflicts)
        self.conflicts += [(target.name, conflict) for conflict in target.conflicts[:room]]

    def _trim(self) -> None:
        self.worst.sort(key=lambda row: row[:2])
        del self.worst[self.keep :]

    def lowest(self) -> list[TargetReport]:
        """The ``keep`` lowest-scoring targets, lowest first, ties by name."""
        self._trim()
        return [target for _, _, target in self.worst]


def render(report: Report, *, devices: int = DEVICES) -> str:
    """The page for ``report``; its ``history`` (oldest first, normally including this run)
    draws the score over time, and ``devices`` caps the drill-down."""
    survey = _Survey(keep=devices)
    for target in report.targets:
        survey.add(target)
    single = survey.first if survey.targets == 1 else None
    checks = [check for benchmark in report.benchmarks for check in benchmark.checks]
    groups = {group for found in survey.groups.values() for group in found}
    groups |= {t.group for t in survey.lowest() if t.group}
    filters = Filters.of(groups, checks, report.plan)
    body = [
        gate_banner(report.gate),
        _header(report, survey.targets, single),
        filters.bar(),
        _categories(single.score.categories if single else report.fleet.categories),
        chart(report),
        _statuses(survey.statuses),
        _recommendations(report, survey, filters),
        _uncertain(survey, filters),
        _conflicts(survey),
        _problems(
            "Input errors",
            "These inputs could not be read; their targets are missing.",
            report.errors,
        ),
        _problems("Warnings", "Notes that do not fail the run.", report.warnings),
        drill_down(survey.lowest(), survey.targets, filters),
    ]
    return page(_title(report, survey.targets, single), "".join(body), filters.style())


def _title(report: Report, targets: int, single: TargetReport | None) -> str:
    scope = single.name if single else f"fleet of {targets:,} devices"
    percent = (single.score if single else report.fleet).overall.percent
    gate = report.gate
    verdict = "" if gate is None else f" (gate {'passed' if gate.passed else 'failed'})"
    return f"baseliner: {percent:.1f}% for {scope}{verdict}"


def _header(report: Report, targets: int, single: TargetReport | None) -> str:
    score = single.score if single else report.fleet
    low, high = score.uncertain_range
    scope = f"device {single.name}" if single else f"fleet of {targets:,} devices"
    benchmarks = (
        ", ".join(
            b.title if b.version in b.title else f"{b.title} {b.version}" for b in report.benchmarks
        )
        or "none"
    )
    percent = score.overall.percent
    out = [
        f"<h1>Baseline compliance: {esc(scope)}</h1>\n",
        f'<p class="meta">Benchmarks: {esc(benchmarks)} · '
        f"baseliner {esc(report.tool_version)}</p>\n",
        '<section aria-labelledby="h-score"><h2 id="h-score">Overall score</h2>\n',
        f'<div class="headline"><span class="big {gate_band(report.gate, percent)}">'
        f"{percent:.1f}%</span>",
        f"<span>{_points(score.overall)} points</span></div>\n",
    ]
    if low != high:
        out.append(
            f'<p class="note">Uncertain and error results could move the score between {low:.1f}% '
            f"and {high:.1f}%.</p>\n"
        )
    return "".join(out) + "</section>\n"


def _points(score: Score) -> str:
    return f"{findings.points(score.points)} of {findings.points(score.max_points)}"


def _categories(categories: Sequence[tuple[Category, Score]]) -> str:
    if not categories:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{esc(findings.CATEGORY_LABELS[category])}</th>'
        f'<td class="n">{score.percent:.1f}%</td>'
        f"<td>{bar(findings.CATEGORY_LABELS[category], score.percent)}</td>"
        f'<td class="n">{_points(score)}</td></tr>\n'
        for category, score in categories
    )
    return (
        '<section aria-labelledby="h-categories"><h2 id="h-categories">Scores by category</h2>\n'
        '<table><thead><tr><th scope="col">Category</th><th scope="col" class="n">Score</th>'
        '<th scope="col">Bar</th><th scope="col" class="n">Points</th></tr></thead>\n'
        f"<tbody>\n{rows}</tbody></table></section>\n"
    )


def _more(shown: int, total: int, what: str) -> str:
    return (
        f'<p class="note">{total - shown:,} more {esc(what)} not shown.</p>\n'
        if total > shown
        else ""
    )


def _statuses(counts: Counter[Status]) -> str:
    if not counts:
        return ""
    rows = (
        f'<tr><th scope="row" class="s-{status.value}">{esc(status.value)}</th>'
        f'<td class="n">{counts[status]:,}</td></tr>\n'
        for status in Status
        if counts[status]
    )
    header = [("Status", False), ("Results", True)]
    rendered = table("Results of every check on every target.", header, rows, "fit")
    return section("statuses", "Results by status", rendered)


def _recommendations(report: Report, survey: _Survey, filters: Filters) -> str:
    ranked = findings.recommendations(report)
    if not ranked:
        return ""
    plans = {item.check: item for item in report.plan}
    rows = []
    for rank, item in enumerate(ranked[:ROWS], start=1):
        check = item.check
        plan = plans.get(check.id)
        planned = (
            f"<br>plan: {esc(plan.state.value)}, due {esc(plan.due)} ({esc(plan.owner)})"
            if plan
            else ""
        )
        rows.append(
            f"<tr{filters.check_row(check, survey.groups.get(check.id, ()))}>"
            f'<td class="n">{rank}</td>'
            f'<td class="check"><code>{esc(check.id)}</code><br>{esc(check.title)}</td>'
            f"<td>{esc(check.severity.value)}</td>"
            f'<td class="n">{item.exposed:,} / {item.total:,}</td>'
            f'<td class="n">+{findings.points(item.score_impact)}</td>'
            f"<td>{esc(check.remediation or 'No remediation text.')}{planned}<br>"
            f"{note(f'{check.setting}; expected {check.expected}')}</td></tr>\n"
        )
    header = [
        ("#", True),
        ("Check", False),
        ("Severity", False),
        ("Exposed", True),
        ("Score impact", True),
        ("Remediation", False),
    ]
    caption = "Ordered by the percentage points fixing the check everywhere would add."
    rendered = table(caption, header, rows)
    return section(
        "recommendations", "Recommendations", rendered + _more(ROWS, len(ranked), "recommendations")
    )


def _uncertain(survey: _Survey, filters: Filters) -> str:
    if not survey.uncertain:
        return ""
    rows = (
        f"<tr{filters.check_row(survey.checks[check], survey.groups.get(check, ()))}>"
        f"<td><code>{esc(check)}</code></td>"
        f"<td>{esc(findings.listing(sorted(names), NAMES, survey.uncertain_count[key]))}</td>"
        f"<td><code>{esc(via)}</code></td><td>{esc(reason)}</td></tr>\n"
        for key, names in sorted(survey.uncertain.items())[:ROWS]
        for check, via, reason in [key]
    )
    caption = findings.UNCERTAIN_WHY
    header = [("Check", False), ("Devices", False), ("Intune setting", False), ("Reason", False)]
    rendered = table(caption, header, rows, "uncertain")
    return section(
        "uncertain",
        "Uncertain results",
        rendered + _more(ROWS, len(survey.uncertain), "uncertain checks"),
    )


def _side(fact: Fact, other: Fact) -> str:
    shown = findings.sides(fact, other)[0]
    return f"{esc(shown)}<br>{note(fact.origin.named())}"


def _conflicts(survey: _Survey) -> str:
    if not survey.conflicts:
        return ""
    rows = (
        f'<tr><td class="id">{esc(name)}</td><td><code>{esc(c.kind.value)}:{esc(c.key)}</code></td>'
        f"<td>{_side(c.winner, c.loser) if c.applied else 'neither'}</td>"
        f"<td>{_side(c.loser, c.winner) + ('' if c.applied else '<br>' + _side(c.winner, c.loser))}"
        "</td>"
        f"<td>{esc(c.rule)}</td></tr>\n"
        for name, c in survey.conflicts
    )
    header = [
        ("Device", False),
        ("Setting", False),
        ("Applied", False),
        ("Overridden", False),
        ("Rule", False),
    ]
    rendered = table("Sources of one device that set a setting differently.", header, rows)
    return section(
        "conflicts",
        "Conflicts between sources",
        rendered + _more(len(survey.conflicts), survey.conflict_count, "conflicts"),
    )


def _problems(heading: str, caption: str, errors: Sequence[object]) -> str:
    if not errors:
        return ""
    items = "".join(f"<li><code>{esc(error)}</code></li>\n" for error in errors[:ROWS])
    key = heading.lower().replace(" ", "-")
    return section(
        key,
        heading,
        f'<p class="note">{esc(caption)}</p>\n<ul>\n{items}</ul>\n'
        + _more(ROWS, len(errors), heading.lower()),
    )
