"""``baseliner history``: the recorded runs as a table or as JSON with their series."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from checker.core.results import RunSummary, timestamp
from checker.core.statuses import Category
from checker.core.values import JSON

Point = dict[str, JSON]
"""One point of a series: ``{"run", "at", "label", "percent"}``."""


def to_series(history: Sequence[RunSummary]) -> dict[str, list[Point]]:
    """Score over time: ``overall`` and each category, oldest run first.

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
    """The runs as a table (``text``) or as JSON with the per-category series."""
    if fmt == "json":
        document = {"runs": [run.to_json() for run in history], "series": to_series(history)}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return _table(history)


def _table(history: Sequence[RunSummary]) -> str:
    if not history:
        return "no runs recorded\n"
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
