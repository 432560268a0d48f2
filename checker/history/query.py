"""Reading the history: the series ``history`` shows, and two recorded runs for ``diff``.

``runs`` reads only ``run``, ``run_score`` and ``run_category``, a row or a few per run
and benchmark, through the index on (benchmark, target_group, run): a year of nightly runs
of a 10,000-device fleet reads a few hundred rows, never the device rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from checker.core.results import RunSummary
from checker.core.statuses import Category
from checker.core.values import JSON
from checker.history.database import Database, HistoryError, Row
from checker.history.location import Location
from checker.history.schema import FLEET, KnownChecks
from checker.history.store import ORDER, no_known_checks, reading


@dataclass(frozen=True, slots=True)
class Selection:
    """Which series to read: one benchmark or all; the fleet's totals, one group's, or every
    group's (``by_group``); runs since a time; the last N runs of each series."""

    benchmark: str | None = None
    group: str | None = None
    by_group: bool = False
    since: datetime | None = None
    last: int | None = None


_RUNS = """
SELECT r.id, r.at, r.label, r.tool_version, s.benchmark, s.target_group, s.targets,
       s.percent, s.uncertain_low, s.uncertain_high, s.exposed
FROM run_score s JOIN run r ON r.id = s.run"""

_CATEGORIES = """
SELECT s.run, s.benchmark, s.target_group, s.category, s.percent
FROM run_category s JOIN run r ON r.id = s.run"""


def _where(db: Database, selection: Selection) -> tuple[str, list[object]]:
    conditions: list[str] = []
    params: list[object] = []
    if selection.benchmark is not None:
        conditions.append("s.benchmark = ?")
        params.append(selection.benchmark)
    if selection.group is not None:
        conditions.append("s.target_group = ?")
        params.append(selection.group)
    else:
        conditions.append("s.target_group <> ?" if selection.by_group else "s.target_group = ?")
        params.append(FLEET)
    if selection.since is not None:
        conditions.append("r.at >= ?")
        params.append(db.to_time(selection.since))
    return " WHERE " + " AND ".join(conditions), params


def runs(
    location: Location,
    selection: Selection = Selection(),
    known: KnownChecks = no_known_checks,
    *,
    upgrade: bool = True,
) -> list[RunSummary]:
    """The recorded runs selected, a series after another (by benchmark, then group), each
    oldest first; only the ``last`` ones of each series when given.  ``upgrade``: an older
    schema is upgraded first (else refused)."""
    with reading(location, known, upgrade=upgrade) as db:
        where, params = _where(db, selection)
        rows = db.query(_RUNS + where + " ORDER BY s.benchmark, s.target_group, r.at, r.id", params)
        categories: dict[tuple[object, ...], list[tuple[object, object]]] = {}
        for run, benchmark, group, category, percent in db.query(_CATEGORIES + where, params):
            categories.setdefault((run, benchmark, group), []).append((category, percent))
        try:
            found = [_summary(db, row, categories.get(row[0:1] + row[4:6], [])) for row in rows]
        except (TypeError, ValueError) as exc:  # a store edited by hand, or damaged
            raise HistoryError(location, f"damaged history file: {exc}") from exc
    return _last(found, selection.last)


def _last(found: list[RunSummary], last: int | None) -> list[RunSummary]:
    if last is None:
        return found
    out: list[RunSummary] = []
    for key in dict.fromkeys((run.benchmark, run.group) for run in found):
        series = [run for run in found if (run.benchmark, run.group) == key]
        out += series[-last:] if last > 0 else []
    return out


def _summary(db: Database, row: Row, stored: list[tuple[object, object]]) -> RunSummary:
    """A run's row and its categories' scores; TypeError or ValueError where a value is not
    what this version writes."""
    run, at, label, version, benchmark, group, targets, percent, low, high, exposed = row
    if not isinstance(percent, float):
        raise TypeError(f"run {run}: score {percent!r} of the wrong type")
    categories = sorted(
        ((_category(name), float(str(score))) for name, score in stored),
        key=lambda pair: ORDER[pair[0]],
    )
    return RunSummary(
        id=int(str(run)),
        at=db.from_time(at),
        label=label if isinstance(label, str) else None,
        tool_version=str(version),
        targets=int(str(targets)),
        overall=percent,
        categories=tuple(categories),
        uncertain_range=(float(str(low)), float(str(high))),
        exposed=int(str(exposed)),
        benchmark=str(benchmark),
        group=str(group) or None,
    )


def _category(name: object) -> Category:
    try:
        return Category(str(name))
    except ValueError:
        raise ValueError(f"unknown category {name!r}") from None


@dataclass(frozen=True, slots=True)
class RecordedRun:
    """A run ``diff --history`` compares: its id and label, and the benchmarks it checked."""

    id: int
    label: str | None
    benchmarks: tuple[str, ...]

    def __str__(self) -> str:
        return f"run {self.id}" + (f" ({self.label})" if self.label else "")


def find_run(db: Database, ref: str) -> RecordedRun:
    """The run ``ref`` names: a run id, or a label (the latest run that has it)."""
    is_id = ref.isdigit() and len(ref) < 10  # a longer number is no id (nor an integer column's)
    rows = db.query("SELECT id, label FROM run WHERE id = ?", (int(ref),)) if is_id else []
    rows = rows or db.query("SELECT id, label FROM run WHERE label = ? ORDER BY id DESC", (ref,))
    if not rows:
        raise HistoryError(db.location, f"no run has the id or label {ref!r}")
    run, label = rows[0]
    benchmarks = db.query(
        "SELECT benchmark FROM run_score WHERE run = ? AND target_group = ? ORDER BY benchmark",
        (run, FLEET),
    )
    return RecordedRun(int(run), label, tuple(str(name) for (name,) in benchmarks))


def common_benchmark(where: Location, old: RecordedRun, new: RecordedRun, asked: str | None) -> str:
    """The one benchmark both runs checked (``asked``, when given): a change is never
    computed between different benchmarks."""
    if asked is not None:
        for run in (old, new):
            if asked not in run.benchmarks:
                raise HistoryError(
                    where, f"{run} did not check {asked!r} (it checked {_names(run)})"
                )
        return asked
    shared = [name for name in old.benchmarks if name in new.benchmarks]
    if not shared:
        raise HistoryError(
            where,
            f"{old} checked {_names(old)} and {new} checked {_names(new)}: a change is "
            "computed only between runs of the same benchmark",
        )
    if len(shared) > 1:
        raise HistoryError(
            where, f"both runs checked {', '.join(shared)}: say which with --benchmark"
        )
    return shared[0]


def _names(run: RecordedRun) -> str:
    return ", ".join(repr(name) for name in run.benchmarks) or "no benchmark"


def run_document(db: Database, run: int, benchmark: str) -> dict[str, JSON]:
    """One benchmark's part of a recorded run in the shape of a JSON result file, as far as
    ``diff`` reads one: fleet and target scores, and every target's status per check."""
    fleet = db.query(
        "SELECT percent, points, max_points FROM run_score"
        " WHERE run = ? AND benchmark = ? AND target_group = ?",
        (run, benchmark, FLEET),
    )
    fleet_categories = db.query(
        "SELECT 0, category, percent, points, max_points FROM run_category"
        " WHERE run = ? AND benchmark = ? AND target_group = ?",
        (run, benchmark, FLEET),
    )
    checks = {
        no: (check_id, title)
        for no, check_id, title in db.query(
            "SELECT no, check_id, title FROM run_check WHERE run = ? AND benchmark = ?",
            (run, benchmark),
        )
    }
    statuses: dict[tuple[int, int], str] = {
        (target, check): status
        for target, check, status in db.query(
            "SELECT target, check_no, status FROM target_status WHERE run = ?", (run,)
        )
        if check in checks
    }
    categories = _by_target(
        db.query(
            "SELECT target, category, percent, points, max_points FROM target_category"
            " WHERE run = ? AND benchmark = ?",
            (run, benchmark),
        )
    )
    targets: list[JSON] = []
    for no, name, percent, points, most in db.query(
        "SELECT t.no, t.name, s.percent, s.points, s.max_points FROM run_target t"
        " JOIN target_score s ON s.run = t.run AND s.target = t.no"
        " WHERE t.run = ? AND s.benchmark = ? ORDER BY t.no",
        (run, benchmark),
    ):
        results: list[JSON] = [
            {"check": check_id, "title": title, "status": statuses.get((no, check), "pass")}
            for check, (check_id, title) in sorted(checks.items())
        ]
        targets.append(
            {
                "name": name,
                "score": _score((percent, points, most)),
                "categories": categories.get(no, {}),
                "results": results,
            }
        )
    return {
        "fleet": {"score": _score(fleet[0]), "categories": _by_target(fleet_categories).get(0, {})},
        "targets": targets,
    }


def _score(row: Sequence[object]) -> dict[str, JSON]:
    percent, points, most = (float(str(value)) for value in row)
    return {"percent": percent, "points": points, "max_points": most}


def _by_target(rows: list[Row]) -> dict[int, dict[str, JSON]]:
    out: dict[int, dict[str, JSON]] = {}
    for target, category, *score in rows:
        out.setdefault(int(target), {})[str(category)] = _score(score)
    return out
