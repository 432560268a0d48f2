"""The HTML report's chart of the score over time (an inline SVG), with its data table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.core.results import Report, RunSummary, timestamp
from checker.core.statuses import Category
from checker.reporters import findings
from checker.reporters.html_page import esc

WIDTH, HEIGHT = 900, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 150, 12, 50
"""Plot margins inside the SVG: y labels left, the legend right, times and labels below."""

TICK_LABEL = 16
"""Characters of a run's ``--label`` shown under its time on the x axis (the tooltip and
the data table have it whole)."""


CHART_RUNS = 200
"""Runs in the chart's data table (the chart itself plots every run)."""


MARKED_RUNS = 60
"""Up to this many runs, each point is drawn as a marker with a tooltip."""


SERIES_STYLE: dict[str, tuple[str, str]] = {
    "overall": ("#1f2937", ""),
    Category.APPLICATION.value: ("#e69f00", "6 3"),
    Category.OS.value: ("#56b4e9", "2 3"),
    Category.NETWORK.value: ("#009e73", "8 3 2 3"),
    Category.ACCOUNTS.value: ("#cc79a7", "12 4"),
    Category.SECURITY_CONTROLS.value: ("#0072b2", "1 3 6 3"),
}
"""Okabe-Ito colours, each with its own dash pattern so lines differ without colour too."""


@dataclass(frozen=True, slots=True)
class _Point:
    when: str
    """When the run was, to the second (``timestamp``), or ``this run``."""
    tag: str
    """The run's ``--label`` (a git sha), or empty."""
    scores: tuple[tuple[str, float], ...]
    """``overall`` and each category scored in that run."""

    @property
    def label(self) -> str:
        """When and which run, for the tooltip and the data table."""
        return f"{self.when} {self.tag}" if self.tag else self.when

    def tick(self) -> tuple[str, str]:
        """The x axis's two lines: the time to the minute (runs of one day differ), the
        label (shortened)."""
        when = self.when.replace("T", " ")[:16]
        tag = self.tag if len(self.tag) <= TICK_LABEL else self.tag[: TICK_LABEL - 1] + "…"
        return when, tag


def _history_points(history: Sequence[RunSummary]) -> list[_Point]:
    return [
        _Point(
            timestamp(run.at),
            run.label or "",
            (("overall", run.overall), *((c.value, p) for c, p in run.categories)),
        )
        for run in history
    ]


def _current_point(report: Report) -> _Point:
    fleet = report.fleet
    scores = (("overall", fleet.overall.percent),)
    categories = tuple((c.value, s.percent) for c, s in fleet.categories)
    return _Point("this run", "", scores + categories)


def chart(report: Report) -> str:
    """The score over time of each benchmark of the run (the history keeps a series per
    benchmark: a score is never drawn across benchmarks), or this run alone."""
    order = {info.id: rank for rank, info in enumerate(report.benchmarks)}
    kept = [run for run in report.history if run.group is None and run.benchmark in order]
    by_benchmark: dict[str, list[RunSummary]] = {}
    for run in sorted(kept, key=lambda run: order[run.benchmark]):
        by_benchmark.setdefault(run.benchmark, []).append(run)
    if not by_benchmark:
        note = (
            "No history was given, so the chart shows this run only. Record runs with "
            "<code>baseliner check --history FILE</code> and pass the same file to draw the "
            "score over time."
        )
        figures = [_figure([_current_point(report)], "", note)]
    else:
        figures = [
            (f"<h3>{esc(name)}</h3>\n" if len(by_benchmark) > 1 else "")
            + _figure(
                _history_points(runs),
                f"-{number}" if number else "",
                f"{len(runs):,} recorded run{'s' * (len(runs) != 1)}, oldest on the left.",
            )
            for number, (name, runs) in enumerate(by_benchmark.items())
        ]
    return (
        '<section aria-labelledby="h-chart"><h2 id="h-chart">Score over time</h2>\n'
        + "".join(figures)
        + "</section>\n"
    )


def _figure(points: Sequence[_Point], suffix: str, note: str) -> str:
    """One chart and its data table; ``suffix`` keeps the ids of several charts apart."""
    names = [name for name in SERIES_STYLE if any(name in dict(p.scores) for p in points)]
    description = f"Score over time per category, 0 to 100 percent, over {len(points):,} run(s)."
    svg = [
        f'<svg class="chart" id="score-chart{suffix}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title{suffix} chart-desc{suffix}">',
        f'<title id="chart-title{suffix}">Score over time</title>',
        f'<desc id="chart-desc{suffix}">{esc(description)}</desc>',
        *_axes(points),
        *(_series(name, points) for name in names),
        *_legend(names),
        "</svg>",
    ]
    return "\n".join(svg) + f'\n<p class="note">{note}</p>\n' + _chart_table(names, points)


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
    slots = min(count, 6)  # a tick's time is 16 characters: six fit side by side
    ticks = sorted({round(i * (count - 1) / max(slots - 1, 1)) for i in range(slots)})
    for index in ticks:
        when, tag = points[index].tick()
        x = _x(index, count)
        # The first run's time would stick out of the plot's left edge if centred.
        anchor = "start" if index == 0 and count > 1 else "middle"
        below = f'<tspan x="{x:.1f}" dy="14">{esc(tag)}</tspan>' if tag else ""
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}">'
            f"{esc(when)}{below}</text>"
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
    out = [f'<g aria-label="{esc(name)}">']
    if len(coords) > 1:
        out.append(
            f'<polyline class="series {esc(name)}" stroke="{colour}"{dashes} points="{line}"/>'
        )
    if len(coords) <= MARKED_RUNS:
        out += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 if name == "overall" else 3}" '
            f'fill="{colour}"><title>{esc(label)}: {esc(name)} {value:.1f}%</title></circle>'
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
            f'stroke-width="3"{dashes}/><text x="{x + 30}" y="{y + 4}">{esc(label)}</text>'
        )
    return out


def _series_label(name: str) -> str:
    return "Overall" if name == "overall" else findings.CATEGORY_LABELS[Category(name)]


def _chart_table(names: Sequence[str], points: Sequence[_Point]) -> str:
    shown = points[-CHART_RUNS:]
    header = "".join(f'<th scope="col" class="n">{esc(_series_label(n))}</th>' for n in names)
    rows = "".join(
        f'<tr><th scope="row">{esc(p.label)}</th>'
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
