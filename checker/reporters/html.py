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

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from checker.history import RunSummary, timestamp
from checker.model import (
    Category,
    Conflict,
    Origin,
    Report,
    Result,
    Score,
    Status,
    TargetReport,
)
from checker.reporters import findings

DEVICES = 500
"""Devices drilled down by default: the lowest-scoring ones."""

ROWS = 200
"""Rows shown in the recommendation, uncertain and conflict tables."""

NAMES = 5
"""Device names listed per uncertain check."""

CHART_RUNS = 200
"""Runs in the chart's data table (the chart itself plots every run)."""

MARKED_RUNS = 60
"""Up to this many runs, each point is drawn as a marker with a tooltip."""

SHOWN_IN_DEVICE = frozenset(Status) - {Status.PASS, Status.NOT_APPLICABLE}
"""Results listed under a device: everything that is not a plain pass or out of scope."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

SERIES_STYLE: dict[str, tuple[str, str]] = {
    "overall": ("#1f2937", ""),
    Category.APPLICATION.value: ("#e69f00", "6 3"),
    Category.OS.value: ("#56b4e9", "2 3"),
    Category.NETWORK.value: ("#009e73", "8 3 2 3"),
    Category.ACCOUNTS.value: ("#cc79a7", "12 4"),
    Category.SECURITY_CONTROLS.value: ("#0072b2", "1 3 6 3"),
}
"""Okabe-Ito colours, each with its own dash pattern so lines differ without colour too."""

STYLE = """
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--good:#15803d;--warn:#b45309;--bad:#b91c1c}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
margin:0 auto;padding:24px;max-width:1200px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;
border-bottom:1px solid var(--line);padding-bottom:4px}
.meta,.note{color:var(--muted)}.note{font-size:13px}
.headline{display:flex;align-items:baseline;gap:16px;margin:16px 0}
.big{font-size:44px;font-weight:700}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;background:#f9fafb}tbody th{background:none}
td.n,th.n{text-align:right;white-space:nowrap}td{overflow-wrap:anywhere}
caption{text-align:left;caption-side:top}table.fit{width:auto;min-width:50%}
td.check{min-width:16em}td.id,td[class^="s-"],th[class^="s-"]{white-space:nowrap}
table.device td:first-child{font-family:ui-monospace,monospace;white-space:nowrap}
code{font:12px ui-monospace,SFMono-Regular,Consolas,monospace;word-break:break-all}
svg.bar{width:100%;min-width:120px;height:14px;display:block}
.track{fill:#eef0f3}.good{fill:var(--good);color:var(--good)}
.warn{fill:var(--warn);color:var(--warn)}.bad{fill:var(--bad);color:var(--bad)}
.chart{width:100%;max-width:900px;height:auto;display:block}
.chart text{font-size:11px;fill:var(--muted)}.grid{stroke:var(--line)}
.series{fill:none;stroke-width:2}.series.overall{stroke-width:3}
details{border:1px solid var(--line);border-radius:4px;margin:4px 0;padding:2px 8px}
summary{cursor:pointer;padding:2px 0}summary .n{float:right;color:var(--muted)}
.s-fail,.s-not_configured,.s-error{color:var(--bad)}.s-uncertain,.s-exempt{color:var(--warn)}
.s-pass{color:var(--good)}
"""


_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F] if chr(code) not in "\t\n\r"}
"""Control characters are not allowed in HTML text; they are shown as ``\\xNN`` instead."""


def _e(text: object) -> str:
    return html.escape(str(text).translate(_CONTROLS), quote=True)


def _note(text: object) -> str:
    return f'<span class="note">{_e(text)}</span>'


def _band(percent: float) -> str:
    return "good" if percent >= 80 else "warn" if percent >= 50 else "bad"


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

    def add(self, target: TargetReport) -> None:
        self.targets += 1
        self.first = self.first or target
        self.statuses.update(result.status for result in target.results)
        self.worst.append((target.score.overall.percent, target.name, target))
        if len(self.worst) >= 2 * self.keep + 1:
            self._trim()
        for result in target.results:
            if result.status is Status.UNCERTAIN:
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


def render(
    report: Report, *, history: Sequence[RunSummary] | None = None, devices: int = DEVICES
) -> str:
    """The page for ``report``; ``history`` (oldest first, normally including this run)
    draws the score over time, and ``devices`` caps the drill-down."""
    survey = _Survey(keep=devices)
    for target in report.targets:
        survey.add(target)
    single = survey.first if survey.targets == 1 else None
    body = [
        _header(report, survey.targets, single),
        _categories(single.score.categories if single else report.fleet.categories),
        _chart(report, history or ()),
        _statuses(survey.statuses),
        _recommendations(report),
        _uncertain(survey),
        _conflicts(survey),
        _problems(
            "Input errors",
            "These inputs could not be read; their targets are missing.",
            report.errors,
        ),
        _problems("Warnings", "Notes that do not fail the run.", report.warnings),
        _devices(survey),
    ]
    return _page(_title(report, survey.targets, single), "".join(body))


def _title(report: Report, targets: int, single: TargetReport | None) -> str:
    scope = single.name if single else f"fleet of {targets:,} devices"
    percent = (single.score if single else report.fleet).overall.percent
    return f"baseliner: {percent:.1f}% for {scope}"


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


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
        f"<h1>Baseline compliance: {_e(scope)}</h1>\n",
        f'<p class="meta">Benchmarks: {_e(benchmarks)} · baseliner {_e(report.tool_version)}</p>\n',
        '<section aria-labelledby="h-score"><h2 id="h-score">Overall score</h2>\n',
        f'<div class="headline"><span class="big {_band(percent)}">{percent:.1f}%</span>',
        f"<span>{_points(score.overall)} points</span></div>\n",
    ]
    if low != high:
        out.append(
            f'<p class="note">Uncertain results could move the score between {low:.1f}% '
            f"and {high:.1f}%.</p>\n"
        )
    return "".join(out) + "</section>\n"


def _points(score: Score) -> str:
    return f"{findings.points(score.points)} of {findings.points(score.max_points)}"


def _bar(label: str, percent: float) -> str:
    return (
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{_e(label)}: {percent:.1f}%"><rect class="track" width="100" height="10"/>'
        f'<rect class="{_band(percent)}" width="{percent:.2f}" height="10"/></svg>'
    )


def _categories(categories: Sequence[tuple[Category, Score]]) -> str:
    if not categories:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{_e(findings.CATEGORY_LABELS[category])}</th>'
        f'<td class="n">{score.percent:.1f}%</td>'
        f"<td>{_bar(findings.CATEGORY_LABELS[category], score.percent)}</td>"
        f'<td class="n">{_points(score)}</td></tr>\n'
        for category, score in categories
    )
    return (
        '<section aria-labelledby="h-categories"><h2 id="h-categories">Scores by category</h2>\n'
        '<table><thead><tr><th scope="col">Category</th><th scope="col" class="n">Score</th>'
        '<th scope="col">Bar</th><th scope="col" class="n">Points</th></tr></thead>\n'
        f"<tbody>\n{rows}</tbody></table></section>\n"
    )


# The chart ----------------------------------------------------------------------------------

WIDTH, HEIGHT = 900, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 12, 36
"""Plot margins inside the SVG: y labels left, the legend right, dates below."""


@dataclass(frozen=True, slots=True)
class _Point:
    label: str
    """When and which run, for the tooltip and the x axis."""
    scores: tuple[tuple[str, float], ...]
    """``overall`` and each category scored in that run."""


def _history_points(history: Sequence[RunSummary]) -> list[_Point]:
    return [
        _Point(
            f"{timestamp(run.at)}{' ' + run.label if run.label else ''}",
            (("overall", run.overall), *((c.value, p) for c, p in run.categories)),
        )
        for run in history
    ]


def _current_point(report: Report) -> _Point:
    fleet = report.fleet
    scores = (("overall", fleet.overall.percent),)
    return _Point("this run", scores + tuple((c.value, s.percent) for c, s in fleet.categories))


def _chart(report: Report, history: Sequence[RunSummary]) -> str:
    points = _history_points(history) or [_current_point(report)]
    names = [name for name in SERIES_STYLE if any(name in dict(p.scores) for p in points)]
    note = (
        f"{len(points):,} recorded run{'s' * (len(points) != 1)}, oldest on the left."
        if history
        else "No history was given, so the chart shows this run only. Record runs with "
        "<code>baseliner check --history FILE</code> and pass the same file to draw the "
        "score over time."
    )
    description = f"Score over time per category, 0 to 100 percent, over {len(points):,} run(s)."
    svg = [
        f'<svg class="chart" id="score-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="chart-title chart-desc">',
        '<title id="chart-title">Score over time</title>',
        f'<desc id="chart-desc">{_e(description)}</desc>',
        *_axes(points),
        *(_series(name, points) for name in names),
        *_legend(names),
        "</svg>",
    ]
    return (
        '<section aria-labelledby="h-chart"><h2 id="h-chart">Score over time</h2>\n'
        + "\n".join(svg)
        + f'\n<p class="note">{note}</p>\n'
        + _chart_table(names, points)
        + "</section>\n"
    )


def _x(index: int, count: int) -> float:
    width = WIDTH - LEFT - RIGHT
    return LEFT + (width / 2 if count == 1 else width * index / (count - 1))


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (100 - percent) / 100


def _axes(points: Sequence[_Point]) -> list[str]:
    out = []
    for level in (0, 25, 50, 75, 100):
        y = _y(level)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{level}%</text>'
        )
    count = len(points)
    slots = count if count <= 8 else 6
    ticks = sorted({round(i * (count - 1) / max(slots - 1, 1)) for i in range(slots)})
    for index in ticks:
        label = points[index].label.split("T")[0]
        out.append(
            f'<text x="{_x(index, count):.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{_e(label)}</text>'
        )
    return out


def _series(name: str, points: Sequence[_Point]) -> str:
    colour, dash = SERIES_STYLE[name]
    count = len(points)
    coords = [
        (_x(index, count), _y(dict(p.scores)[name]), p.label, dict(p.scores)[name])
        for index, p in enumerate(points)
        if name in dict(p.scores)
    ]
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in coords)
    out = [f'<g aria-label="{_e(name)}">']
    if len(coords) > 1:
        out.append(
            f'<polyline class="series {_e(name)}" stroke="{colour}"{dashes} points="{line}"/>'
        )
    if len(coords) <= MARKED_RUNS:
        out += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 if name == "overall" else 3}" '
            f'fill="{colour}"><title>{_e(label)}: {_e(name)} {value:.1f}%</title></circle>'
            for x, y, label, value in coords
        ]
    return "".join(out) + "</g>"


def _legend(names: Sequence[str]) -> list[str]:
    out = []
    for row, name in enumerate(names):
        colour, dash = SERIES_STYLE[name]
        x, y = WIDTH - RIGHT + 16, TOP + 10 + row * 20
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        label = _series_label(name)
        out.append(
            f'<line x1="{x}" x2="{x + 24}" y1="{y}" y2="{y}" stroke="{colour}" '
            f'stroke-width="3"{dashes}/><text x="{x + 30}" y="{y + 4}">{_e(label)}</text>'
        )
    return out


def _series_label(name: str) -> str:
    return "Overall" if name == "overall" else findings.CATEGORY_LABELS[Category(name)]


def _chart_table(names: Sequence[str], points: Sequence[_Point]) -> str:
    shown = points[-CHART_RUNS:]
    header = "".join(f'<th scope="col" class="n">{_e(_series_label(n))}</th>' for n in names)
    rows = "".join(
        f'<tr><th scope="row">{_e(p.label)}</th>'
        + "".join(
            f'<td class="n">{dict(p.scores)[n]:.1f}%</td>' if n in dict(p.scores) else "<td></td>"
            for n in names
        )
        + "</tr>\n"
        for p in shown
    )
    more = f" (latest {len(shown):,} of {len(points):,})" if len(points) > len(shown) else ""
    return (
        f"<details><summary>Chart data{more}</summary><table><thead><tr>"
        f'<th scope="col">Run</th>{header}</tr></thead>\n<tbody>\n{rows}</tbody></table>'
        "</details>\n"
    )


# Findings -----------------------------------------------------------------------------------


def _table(
    caption: str, header: Sequence[tuple[str, bool]], rows: Iterable[str], kind: str = ""
) -> str:
    """A table (of CSS class ``kind``) with column headers (``(label, numeric)``) around rows
    already rendered."""
    head = "".join(
        f'<th scope="col" class="n">{_e(label)}</th>'
        if numeric
        else f'<th scope="col">{_e(label)}</th>'
        for label, numeric in header
    )
    attribute = f' class="{kind}"' if kind else ""
    return (
        f'<table{attribute}><caption class="note">{_e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{''.join(rows)}</tbody></table>\n"
    )


def _section(key: str, heading: str, content: str) -> str:
    return (
        f'<section aria-labelledby="h-{key}"><h2 id="h-{key}">{_e(heading)}</h2>\n'
        f"{content}</section>\n"
    )


def _more(shown: int, total: int, what: str) -> str:
    return (
        f'<p class="note">{total - shown:,} more {_e(what)} not shown.</p>\n'
        if total > shown
        else ""
    )


def _statuses(counts: Counter[Status]) -> str:
    if not counts:
        return ""
    rows = (
        f'<tr><th scope="row" class="s-{status.value}">{_e(status.value)}</th>'
        f'<td class="n">{counts[status]:,}</td></tr>\n'
        for status in Status
        if counts[status]
    )
    header = [("Status", False), ("Results", True)]
    table = _table("Results of every check on every target.", header, rows, "fit")
    return _section("statuses", "Results by status", table)


def _recommendations(report: Report) -> str:
    ranked = findings.recommendations(report)
    if not ranked:
        return ""
    plans = {item.check: item for item in report.plan}
    rows = []
    for rank, item in enumerate(ranked[:ROWS], start=1):
        check = item.check
        plan = plans.get(check.id)
        planned = (
            f"<br>plan: {_e(plan.state.value)}, due {_e(plan.due)} ({_e(plan.owner)})"
            if plan
            else ""
        )
        rows.append(
            f'<tr><td class="n">{rank}</td>'
            f'<td class="check"><code>{_e(check.id)}</code><br>{_e(check.title)}</td>'
            f"<td>{_e(check.severity.value)}</td>"
            f'<td class="n">{item.exposed:,} / {item.total:,}</td>'
            f'<td class="n">+{findings.points(item.score_impact)}</td>'
            f"<td>{_e(check.remediation or 'No remediation text.')}{planned}<br>"
            f"{_note(f'{check.setting}; expected {check.expected}')}</td></tr>\n"
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
    table = _table(caption, header, rows)
    return _section(
        "recommendations", "Recommendations", table + _more(ROWS, len(ranked), "recommendations")
    )


def _uncertain(survey: _Survey) -> str:
    if not survey.uncertain:
        return ""
    rows = (
        f'<tr><td class="id"><code>{_e(check)}</code></td>'
        f"<td>{_e(findings.listing(sorted(names), NAMES, survey.uncertain_count[key]))}</td>"
        f"<td><code>{_e(via)}</code></td><td>{_e(reason)}</td></tr>\n"
        for key, names in sorted(survey.uncertain.items())[:ROWS]
        for check, via, reason in [key]
    )
    caption = findings.UNCERTAIN_WHY
    header = [("Check", False), ("Devices", False), ("Intune setting", False), ("Reason", False)]
    table = _table(caption, header, rows)
    return _section(
        "uncertain",
        "Uncertain results",
        table + _more(ROWS, len(survey.uncertain), "uncertain checks"),
    )


def _conflicts(survey: _Survey) -> str:
    if not survey.conflicts:
        return ""
    rows = (
        f'<tr><td class="id">{_e(name)}</td><td><code>{_e(c.kind.value)}:{_e(c.key)}</code></td>'
        f"<td>{_e(findings.show(c.winner.value))}<br>{_note(c.winner.origin)}</td>"
        f"<td>{_e(findings.show(c.loser.value))}<br>{_note(c.loser.origin)}</td>"
        f"<td>{_e(c.rule)}</td></tr>\n"
        for name, c in survey.conflicts
    )
    header = [
        ("Device", False),
        ("Setting", False),
        ("Applied", False),
        ("Overridden", False),
        ("Rule", False),
    ]
    table = _table("Sources of one device that set a setting differently.", header, rows)
    return _section(
        "conflicts",
        "Conflicts between sources",
        table + _more(len(survey.conflicts), survey.conflict_count, "conflicts"),
    )


def _problems(heading: str, caption: str, errors: Sequence[object]) -> str:
    if not errors:
        return ""
    items = "".join(f"<li><code>{_e(error)}</code></li>\n" for error in errors[:ROWS])
    key = heading.lower().replace(" ", "-")
    return _section(
        key,
        heading,
        f'<p class="note">{_e(caption)}</p>\n<ul>\n{items}</ul>\n'
        + _more(ROWS, len(errors), heading.lower()),
    )


# Devices ------------------------------------------------------------------------------------


def _devices(survey: _Survey) -> str:
    if not survey.targets:
        return ""
    lowest = survey.lowest()
    open_ = " open" if survey.targets == 1 else ""
    note = (
        f'<p class="note">The {len(lowest):,} lowest-scoring of {survey.targets:,} devices; '
        f"the JSON or CSV report has them all.</p>\n"
        if survey.targets > len(lowest)
        else ""
    )
    items = "".join(_device(target, open_) for target in lowest)
    return _section("devices", "Devices", note + items)


def _device(target: TargetReport, open_: str) -> str:
    listed = [r for r in target.results if r.status in SHOWN_IN_DEVICE]
    failing = sum(r.status in findings.FAILING for r in listed)
    percent = target.score.overall.percent
    summary = (
        f'<summary><strong>{_e(target.name)}</strong> <span class="{_band(percent)}">'
        f'{percent:.1f}%</span><span class="n">{failing:,} failing, '
        f"{len(listed) - failing:,} other</span></summary>\n"
    )
    categories = " · ".join(
        f"{_e(findings.CATEGORY_LABELS[c])} {s.percent:.1f}%" for c, s in target.score.categories
    )
    body = f'<p class="note">{categories}<br>Sources: {_e(", ".join(target.sources))}</p>\n'
    if listed:
        header = [
            ("Check", False),
            ("Status", False),
            ("Actual", False),
            ("Expected", False),
            ("Where", False),
        ]
        rows = (_device_row(result, target.sources) for result in sorted(listed, key=_device_order))
        body += _table(f"Checks {target.name} does not pass.", header, rows, "device")
    return f"<details{open_}>{summary}{body}</details>\n"


def _device_order(result: Result) -> tuple[bool, str]:
    return (result.status not in findings.FAILING, result.check.id)


def _within(origin: Origin, sources: Sequence[str]) -> str:
    """Where a fact was read, relative to the device's source it came from (the sources are
    listed above the table), so a row does not repeat a long GPO backup path."""
    for source in sorted(sources, key=len, reverse=True):
        base = source.rstrip("/\\")
        if origin.path == base:
            return str(replace(origin, path=re.split(r"[/\\]", base)[-1]))
        if origin.path.startswith(base) and origin.path[len(base) : len(base) + 1] in "/\\":
            return str(replace(origin, path=origin.path[len(base) + 1 :]))
    return str(origin)


def _device_row(result: Result, sources: Sequence[str]) -> str:
    failing = result.status in findings.FAILING
    where = ", ".join(_within(o, sources) for o in result.origins) or "not set by any source"
    detail = where if failing else findings.why(result)
    return (
        f"<tr><td>{_e(result.check.id)}</td>"
        f'<td class="s-{result.status.value}">{_e(result.status.value)}</td>'
        f"<td>{_e(findings.actual(result))}</td><td>{_e(result.check.expected)}</td>"
        f"<td>{_e(detail)}</td></tr>\n"
    )
