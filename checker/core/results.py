"""What a run produces: check metadata, results, scores, and the report reporters render."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fractions import Fraction

from checker.core.errors import InputError
from checker.core.statuses import Category, Severity, Status
from checker.core.values import JSON, Conflict, Note, Origin, pickled_by_fields


@pickled_by_fields
@dataclass(slots=True, unsafe_hash=True)
class CheckInfo:
    """What reporters need to know about a check: its metadata and where it is defined.

    Not frozen, as :class:`Result` is not, on purpose: a warm run rebuilds every check of its
    benchmarks from the cache, and a frozen dataclass's ``__init__`` was half of that (see
    checker/policy/compile.py).  Treat it as immutable; it hashes by its fields as a frozen
    one does."""

    id: str
    title: str
    category: Category
    impact: int
    severity: Severity
    benchmark: str
    setting: str
    expected: str
    remediation: str = ""
    rationale: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    origin: Origin = Origin("<unknown>")
    value_type: str | None = None
    """The type the check requires of its value (``type: REG_SZ``), if it says."""


@dataclass(frozen=True, slots=True)
class BenchmarkInfo:
    id: str
    title: str
    version: str
    path: str
    checks: tuple[CheckInfo, ...]


@dataclass(slots=True)
class Result:
    """One check on one target.

    Not frozen, unlike the other values here, on purpose: the engine builds one per check per
    target, and a frozen dataclass's ``__init__`` costs four times as much (it was 60% of
    the engine's time, bench/bench_eval.py).  Treat it as immutable: derive changed results
    with ``dataclasses.replace``.

    ``origins`` are the facts the verdict read.  ``via``/``reason`` explain uncertain and
    not-applicable results; ``lean`` is the verdict an uncertain result would have had if its
    partial facts were exact (used for the score range).
    """

    check: CheckInfo
    status: Status
    actual: JSON = None
    origins: tuple[Origin, ...] = ()
    reason: str | None = None
    via: str | None = None
    lean: Status | None = None
    exception: str | None = None
    actual_type: str | None = None
    """The registry type of ``actual`` (REG_SZ, REG_DWORD, ...), when its source says."""


@dataclass(frozen=True, slots=True)
class Score:
    """Points earned out of the points at stake; ``percent`` is derived."""

    points: Fraction
    max_points: Fraction

    @property
    def percent(self) -> float:
        """0-100; a score with nothing at stake is 100 (nothing is wrong)."""
        return float(100 * self.points / self.max_points) if self.max_points else 100.0

    def to_json(self) -> dict[str, JSON]:
        return {
            "percent": round(self.percent, 2),
            "points": round(float(self.points), 4),
            "max_points": round(float(self.max_points), 4),
        }


@dataclass(frozen=True, slots=True)
class TargetScore:
    overall: Score
    categories: tuple[tuple[Category, Score], ...]
    uncertain_range: tuple[float, float]
    """Overall percent if every uncertain result failed, and if every one passed."""
    score_impact: tuple[tuple[str, Fraction], ...]
    """Percentage points of the overall score that fixing each failing check would add."""


@dataclass(frozen=True, slots=True)
class TargetReport:
    name: str
    sources: tuple[str, ...]
    results: tuple[Result, ...]
    score: TargetScore
    group: str | None = None
    tags: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[Note, ...] = ()
    """What the target's sources say of themselves: skipped, unmapped, repaired."""
    planned: bool = False
    """A source is planned (GPMC modelling, an RSoP of PlanningData), not a device's logged
    result: the settings the target would get, not those it got."""

    @property
    def export(self) -> str:
        """A file the target was read from, for a report to point at when a setting is
        absent: the file of its first result's first fact, else its first source."""
        for result in self.results:
            if result.origins:
                return result.origins[0].path
        return self.sources[0] if self.sources else self.name


@dataclass(frozen=True, slots=True)
class FleetCheck:
    check: CheckInfo
    exposed: int
    total: int
    ratio: Fraction
    """Share of the applicable targets that comply (credited exemptions included)."""
    score_impact: Fraction
    """Percentage points of the fleet score that fixing the check everywhere would add."""
    failing: tuple[str, ...]
    """Names of exposed targets (fail, not configured, uncredited exemption), sorted; at most
    scoring.FAILING_NAMES_KEPT of them (``exposed`` has the full count)."""
    statuses: tuple[tuple[Status, int], ...]


@dataclass(frozen=True, slots=True)
class FleetScore:
    overall: Score
    categories: tuple[tuple[Category, Score], ...]
    checks: tuple[FleetCheck, ...]
    uncertain_range: tuple[float, float]


class PlanState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A remediation plan entry for one check, with its state in this run."""

    check: str
    due: str
    owner: str
    state: PlanState
    exposed: int
    total: int
    priority: str | None = None
    notes: str | None = None
    ticket: str | None = None
    origin: Origin = Origin("<unknown>")

    def to_json(self) -> dict[str, JSON]:
        return {
            "check": self.check,
            "due": self.due,
            "owner": self.owner,
            "state": self.state.value,
            "exposed": self.exposed,
            "total": self.total,
            "priority": self.priority,
            "notes": self.notes,
            "ticket": self.ticket,
            "origin": self.origin.to_json(),
        }


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One recorded run, as ``history`` lists it and the HTML chart plots it."""

    id: int
    at: datetime
    label: str | None
    tool_version: str
    targets: int
    overall: float
    categories: tuple[tuple[Category, float], ...]
    uncertain_range: tuple[float, float]
    exposed: int
    """Exposed (check, target) pairs: failing, not configured or exempt without credit."""
    benchmark: str = ""
    """The benchmark these scores are of: a run that checked several is a point on each
    one's series (``""``: a run recorded before histories kept benchmarks, whose checks
    belonged to several benchmarks or to one not at hand when it was upgraded)."""
    group: str | None = None
    """The target group these scores are of; ``None``: every target of the run."""

    def to_json(self) -> dict[str, JSON]:
        return {
            "id": self.id,
            "at": timestamp(self.at),
            "label": self.label,
            "tool_version": self.tool_version,
            "targets": self.targets,
            "overall": round(self.overall, 2),
            "categories": {c.value: round(percent, 2) for c, percent in self.categories},
            "uncertain_range": [round(value, 2) for value in self.uncertain_range],
            "exposed": self.exposed,
            "benchmark": self.benchmark,
            "group": self.group,
        }


def timestamp(at: datetime) -> str:
    """``2026-11-28T15:22:59Z``: UTC to the second; sorts as text."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Gate:
    """The gate's verdict on a run, for the reports that state it (set by the CLI before it
    renders them): whether it passed, and why not."""

    passed: bool
    reasons: tuple[str, ...] = ()
    soft: bool = False
    """``--soft-fail``: a failed gate is reported, but the run exits 0."""

    def to_json(self) -> dict[str, JSON]:
        return {"passed": self.passed, "reasons": list(self.reasons), "soft": self.soft}


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a reporter renders.  Reporters are ``render(report) -> str | bytes``.

    ``targets`` is a sequence that may be backed by a spool file for large fleets: iterate it
    once per use rather than holding copies.  ``warnings`` are notes at a file position that
    do not fail the run (an expired exception, an exception that matches nothing).
    """

    tool_version: str
    benchmarks: tuple[BenchmarkInfo, ...]
    targets: Sequence[TargetReport]
    fleet: FleetScore
    errors: tuple[InputError, ...] = ()
    warnings: tuple[InputError, ...] = ()
    plan: tuple[PlanItem, ...] = ()
    history: tuple[RunSummary, ...] = ()
    """The recorded runs, oldest first, this one included, when the run was recorded
    (``--history``): the HTML report draws the score over time from them."""
    gate: Gate | None = None
    """The gate's verdict, when the run was gated (``check`` always is): the HTML and
    Markdown reports state it at the top."""
    source_root: str | None = None
    """The folder report paths are relative to (SARIF's ``%SRCROOT%``): the repository the
    run checked, ``--source-root`` (None: the working folder)."""
    category: str | None = None
    """The code-scanning category of the run (``--sarif-category``); None leaves it to the
    uploader."""
