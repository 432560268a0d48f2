"""``baseliner history``'s rendering: a table and a series per benchmark and group, a change
only within a series."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from checker.core.results import RunSummary
from checker.core.statuses import Category
from checker.reporters.history import render_history, to_series

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def _two_runs(benchmark: str = "w11") -> list[RunSummary]:
    base = RunSummary(
        id=1,
        at=T0,
        label="abc123",
        tool_version="0.1.0",
        targets=3,
        overall=61.25,
        categories=((Category.OS, 50.0), (Category.NETWORK, 75.555)),
        uncertain_range=(60.0, 70.0),
        exposed=7,
        benchmark=benchmark,
    )
    later = replace(
        base,
        id=2,
        at=T0 + timedelta(days=1),
        label=None,
        targets=12,
        overall=70.0,
        categories=((Category.OS, 80.0),),
        uncertain_range=(70.0, 70.0),
        exposed=3,
    )
    return [base, later]


def test_series() -> None:
    point = {"run": 1, "at": "2026-03-01T08:30:00Z", "label": "abc123"}
    later = {"run": 2, "at": "2026-03-02T08:30:00Z", "label": None}
    assert to_series(_two_runs()) == {
        "overall": [{**point, "percent": 61.25}, {**later, "percent": 70.0}],
        "os": [{**point, "percent": 50.0}, {**later, "percent": 80.0}],
        "network": [{**point, "percent": 75.56}],
    }


def test_render_text() -> None:
    assert render_history(_two_runs(), "text") == (
        "w11, every target\n"
        "run  at (UTC)              label   targets  overall  change     os  network\n"
        "  1  2026-03-01T08:30:00Z  abc123        3    61.2%          50.0%    75.6%\n"
        "  2  2026-03-02T08:30:00Z  -            12    70.0%    +8.8  80.0%        -\n"
    )
    assert render_history([], "text") == "no runs recorded\n"


def test_no_change_across_benchmarks_or_groups() -> None:
    """A STIG run after Windows 11 runs read "change -13.1": now each is a series."""
    stig = [replace(run, id=run.id + 2, overall=40.0) for run in _two_runs("stig")]
    group = [replace(run, group="servers") for run in _two_runs()]
    text = render_history([*_two_runs(), *group, *stig], "text")
    assert text.count("change") == 3
    assert text.count("+8.8") == 2 and "-30.0" not in text and "-21.2" not in text
    titles = [line for line in text.splitlines() if "," in line and "run" not in line]
    assert titles == ["w11, every target", "w11, group servers", "stig, every target"]


def test_render_json() -> None:
    stig = [replace(run, benchmark="stig", group="servers") for run in _two_runs()]
    document = json.loads(render_history([*_two_runs(), *stig], "json"))
    assert document["runs"][1] == {
        "id": 2,
        "at": "2026-03-02T08:30:00Z",
        "label": None,
        "tool_version": "0.1.0",
        "targets": 12,
        "overall": 70.0,
        "categories": {"os": 80.0},
        "uncertain_range": [70.0, 70.0],
        "exposed": 3,
        "benchmark": "w11",
        "group": None,
    }
    assert document["series"] == [
        {"benchmark": "w11", "group": None, "scores": to_series(_two_runs())},
        {"benchmark": "stig", "group": "servers", "scores": to_series(stig)},
    ]
