"""Recording a run into the history (DESIGN §5 "History"), SQLite file or PostgreSQL.

One run is one transaction, so a run is either wholly in the store or not at all: a writer
killed mid-write leaves the runs committed before it, and nothing of its own.

What a run keeps: when (UTC), a label (e.g. a git sha), the tool's version and how many
targets; per benchmark, over every target and over each target group, the overall and
per-category scores (``run_score``, ``run_category``: all that ``history`` reads); each
check's fleet ratio, exposed and total counts and score impact (``run_check``); and each
target's group, its scores per benchmark and its status per check (the device rows, which
``diff --history`` reads).  Statuses are stored only where they are not ``pass`` (about a
fifth of a real fleet's results); a check with no row for a target passed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from checker.core.results import Report, RunSummary, Score, TargetReport
from checker.core.statuses import Category, Status
from checker.core.text import storable
from checker.history.database import Database, HistoryError, connect
from checker.history.location import Backend, Location
from checker.history.schema import SCHEMA_VERSION, KnownChecks, require_current, upgrade
from checker.history.totals import GroupTotals, Totals, fleet_totals, target_scores

BATCH_TARGETS = 500
"""Targets whose rows are sent together: memory stays flat as the fleet grows, and
PostgreSQL gets few large COPYs rather than many small ones."""


ORDER = {category: rank for rank, category in enumerate(Category)}
"""Categories as the history lists them: in the order of the enum, as reports do."""


def no_known_checks() -> Mapping[str, str]:
    return {}


def text(value: str) -> str:
    """``value`` as both stores keep it: surrogate escapes spelled out, and NUL (which
    PostgreSQL's text refuses) as ``\\x00``."""
    return storable(value).replace("\x00", "\\x00")


def _utc(at: datetime | None) -> datetime:
    """``at`` in UTC (a naive time is taken to be UTC already), or now."""
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _bring_current(db: Database, known: KnownChecks) -> None:
    """Inside a write transaction: make or upgrade the schema where it is not current."""
    version = db.version()
    require_current(db, version)
    if version != SCHEMA_VERSION:
        upgrade(db, known)


def prepare(location: Location, known: KnownChecks = no_known_checks) -> None:
    """Create the history's tables, or upgrade them to this version's schema."""
    with connect(location, create=True) as db, db.transaction(write=True):
        _bring_current(db, known)


@contextmanager
def reading(
    location: Location, known: KnownChecks = no_known_checks, *, upgrade: bool = True
) -> Iterator[Database]:
    """The history at ``location``, in one read snapshot; an older schema upgraded first
    (``upgrade``) or refused."""
    with connect(location, create=False) as db:
        with db.transaction(write=False):
            version = db.version()
        if version == 0:
            what = (
                "not a baseliner history file (an empty database)"
                if location.backend is Backend.SQLITE
                else "no baseliner history in this database (record one with "
                "`baseliner check --history`)"
            )
            raise HistoryError(location, what)
        require_current(db, version)
        if version != SCHEMA_VERSION:
            if not upgrade:
                raise HistoryError(location, f"schema {version}: upgraded when a run is recorded")
            with db.transaction(write=True):
                _bring_current(db, known)
        with db.transaction(write=False):
            yield db


def record(
    location: Location,
    report: Report,
    *,
    label: str | None = None,
    at: datetime | None = None,
    known: KnownChecks = no_known_checks,
) -> int:
    """Store one run in the history at ``location`` (a SQLite file is created when absent);
    its run id.  ``at`` defaults to now; a naive datetime is taken as UTC.  ``known`` tells
    an upgrade from schema 1 the benchmark of each check (see schema.upgrade)."""
    when = _utc(at)
    with connect(location, create=True) as db, db.transaction(write=True):
        _bring_current(db, known)
        return _insert(db, report, label, when)


def summaries(report: Report, *, label: str | None, at: datetime, run: int) -> list[RunSummary]:
    """The runs ``record`` would store for ``report``, one per benchmark, as ``runs`` reads
    them back (``run`` is the id it would get): so reports drawing the history can be
    written before the history is."""
    return [
        summary(
            totals,
            run=run,
            at=_utc(at).replace(microsecond=0),
            label=None if label is None else text(label),
            tool_version=report.tool_version,
        )
        for totals in fleet_totals(report)
    ]


def summary(
    totals: Totals, *, run: int, at: datetime, label: str | None, tool_version: str
) -> RunSummary:
    return RunSummary(
        id=run,
        at=at,
        label=label,
        tool_version=tool_version,
        targets=totals.targets,
        overall=totals.overall.percent,
        categories=tuple(
            sorted(
                ((category, score.percent) for category, score in totals.categories),
                key=lambda pair: ORDER[pair[0]],
            )
        ),
        uncertain_range=totals.uncertain_range,
        exposed=totals.exposed,
        benchmark=totals.benchmark,
        group=totals.group or None,
    )


def _score(score: Score) -> tuple[float, float, float]:
    return (score.percent, float(score.points), float(score.max_points))


RUN_CHECK = (
    "run", "no", "check_id", "benchmark", "title", "category", "impact", "ratio", "exposed",
    "total", "score_impact",
)  # fmt: skip
SCORE = ("percent", "points", "max_points")
RUN_SCORE = (
    "run", "benchmark", "target_group", "targets", *SCORE, "uncertain_low", "uncertain_high",
    "exposed",
)  # fmt: skip
RUN_CATEGORY = ("run", "benchmark", "target_group", "category", *SCORE)


def _insert(db: Database, report: Report, label: str | None, at: datetime) -> int:
    run = db.insert_run(
        "INSERT INTO run (at, label, tool_version, targets) VALUES (?, ?, ?, ?)",
        (
            db.to_time(at),
            None if label is None else text(label),
            report.tool_version,
            len(report.targets),
        ),
    )
    checks = sorted(report.fleet.checks, key=lambda c: c.check.id)
    db.bulk(
        "run_check",
        RUN_CHECK,
        (
            (
                run, no, text(c.check.id), text(c.check.benchmark), text(c.check.title),
                c.check.category.value, c.check.impact, float(c.ratio), c.exposed, c.total,
                float(c.score_impact),
            )
            for no, c in enumerate(checks)
        ),
    )  # fmt: skip
    groups = GroupTotals()
    batch = _TargetRows(db, run, {c.check.id: no for no, c in enumerate(checks)})
    batch.benchmarks = sorted({c.check.benchmark for c in checks})
    for no, target in enumerate(report.targets):
        groups.add(target)
        batch.add(no, target)
    batch.flush()
    totals = fleet_totals(report) + groups.totals()
    db.bulk(
        "run_score",
        RUN_SCORE,
        (
            (run, text(t.benchmark), text(t.group), t.targets, *_score(t.overall),
             *t.uncertain_range, t.exposed)
            for t in totals
        ),
    )  # fmt: skip
    db.bulk(
        "run_category",
        RUN_CATEGORY,
        (
            (run, text(t.benchmark), text(t.group), category.value, *_score(score))
            for t in totals
            for category, score in t.categories
        ),
    )
    return run


class _TargetRows:
    """The device rows of one run, sent :data:`BATCH_TARGETS` targets at a time."""

    def __init__(self, db: Database, run: int, numbers: dict[str, int]) -> None:
        self.db, self.run, self.numbers = db, run, numbers
        self.benchmarks: list[str] = []
        self.targets: list[tuple[object, ...]] = []
        self.scores: list[tuple[object, ...]] = []
        self.categories: list[tuple[object, ...]] = []
        self.statuses: list[tuple[object, ...]] = []

    def add(self, no: int, target: TargetReport) -> None:
        run = self.run
        group = text(target.group) if target.group else None
        self.targets.append((run, no, text(target.name), group))
        for benchmark, score in target_scores(target, self.benchmarks):
            name = text(benchmark)
            self.scores.append((run, no, name, *_score(score.overall)))
            self.categories += [
                (run, no, name, category.value, *_score(each))
                for category, each in score.categories
            ]
        numbers = self.numbers
        # A set: a target's results hold a check once, but a duplicate would break the key.
        self.statuses += {
            (run, no, numbers[r.check.id], r.status.value)
            for r in target.results
            if r.status is not Status.PASS
        }
        if len(self.targets) >= BATCH_TARGETS:
            self.flush()

    def flush(self) -> None:
        tables = (
            ("run_target", ("run", "no", "name", "target_group"), self.targets),
            ("target_score", ("run", "target", "benchmark", *SCORE), self.scores),
            (
                "target_category",
                ("run", "target", "benchmark", "category", *SCORE),
                self.categories,
            ),
            ("target_status", ("run", "target", "check_no", "status"), self.statuses),
        )
        for table, columns, rows in tables:
            if rows:
                self.db.bulk(table, columns, rows)
            rows.clear()
