"""``baseliner history``: the recorded runs as tables or as JSON, a series per benchmark (and
target group).  A change is computed within a series only: never between benchmarks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from checker.core.results import RunSummary, timestamp
from checker.core.statuses import Category
from checker.core.values import JSON

Point = dict[str, JSON]
"""One point of a series: ``{"run", "at", "label", "percent"}``."""


UNKNOWN_BENCHMARK = "(benchmark not recorded)"
"""How a run upgraded from schema 1 whose benchmark could not be told is shown."""


def series(history: Sequence[RunSummary]) -> list[list[RunSummary]]:
    """The runs split into series, one per benchmark and group, each in the order given."""
    out: dict[tuple[str, str | None], list[RunSummary]] = {}
    for run in history:
        out.setdefault((run.benchmark, run.group), []).append(run)
    return list(out.values())


def to_series(history: Sequence[RunSummary]) -> dict[str, list[Point]]:
    """Score over time of one series: ``overall`` and each category, oldest run first.

    A category a run did not score (no check of it was selected) has no point for that run.
    """
    out: dict[str, list[Point]] = {"overall": []}
    out.update((category.value, []) for category in Category)
    for run in history:
        base: Point = {"run": run.id, "at": timestamp(run.at), "label": run.label}
        out["overall"].append({**base, "percent": round(run.overall, 2)})
        for category, percent in run.categories:
            out[category.value].append({**base, "percent": round(percent, 2)})
    return {name: points for name, points in out.items() if points}


def render_history(history: Sequence[RunSummary], fmt: Literal["text", "json"]) -> str:
    """The runs as a table per series (``text``), or as JSON: every run, and each series
    with its benchmark, group and scores over time."""
    if fmt == "json":
        document = {
            "runs": [run.to_json() for run in history],
            "series": [
                {"benchmark": runs[0].benchmark, "group": runs[0].group, "scores": to_series(runs)}
                for runs in series(history)
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if not history:
        return "no runs recorded\n"
    return "\n".join(_title(runs) + _table(runs) for runs in series(history))


def _title(runs: Sequence[RunSummary]) -> str:
    first = runs[0]
    benchmark = first.benchmark or UNKNOWN_BENCHMARK
    group = f"group {first.group}" if first.group is not None else "every target"
    return f"{benchmark}, {group}\n"


def _table(history: Sequence[RunSummary]) -> str:
    shown = [c for c in Category if any(c in dict(run.categories) for run in history)]
    header = ["run", "at (UTC)", "label", "targets", "overall", "change"]
    header += [category.value for category in shown]
    rows = [header]
    previous: float | None = None
    for run in history:
        scores = dict(run.categories)
        change = "" if previous is None else f"{run.overall - previous:+.1f}"
        rows.append(
            [
                str(run.id),
                timestamp(run.at),
                run.label or "-",
                str(run.targets),
                f"{run.overall:.1f}%",
                change,
            ]
            + [f"{scores[c]:.1f}%" if c in scores else "-" for c in shown]
        )
        previous = run.overall
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    left = {1, 2}
    lines = [
        "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"
