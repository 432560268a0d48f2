"""``baseliner diff``: what changed between two JSON result files (DESIGN §5 "History").

It compares the machine contract (checker/reporters/json.py), not Report values, so results
written by an older run or another machine compare alike.  A verdict is one check on one
target; *failing* means ``fail`` or ``not_configured`` (both scored as failing):

- new failure: failing now, and not failing before (passing, another status, or absent:
  a new check or a new target);
- fixed: failing before, passing now;
- no longer failing: failing before, now neither failing nor passing (exempt, not
  applicable, uncertain, error) or gone from a target still present;
- still failing: failing in both (counted, not listed).

Targets present in only one file are listed as added or removed; a removed target's
failures are not counted as fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from checker.core.errors import InputError, InputFormatError
from checker.core.files import decode, parse_json, read_bytes
from checker.core.statuses import FAILING as FAILING_STATUSES
from checker.core.values import JSON

FAILING = frozenset(status.value for status in FAILING_STATUSES)
"""The failing statuses as result files write them."""


RESULT_LIMIT = 2 * 1024 * 1024 * 1024
"""The largest result file read: a 5,000-device fleet's full results run to hundreds of MB."""


class DiffInputError(InputFormatError):
    """A result file ``diff`` cannot use: not JSON (with line and column), or not a result."""


@dataclass(frozen=True, slots=True)
class ScoreChange:
    """A percent before and after; ``None`` where the file has no such score."""

    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return round(self.new - self.old, 2)

    def to_json(self) -> dict[str, JSON]:
        return {"old": _round(self.old), "new": _round(self.new), "delta": self.delta}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True, slots=True)
class Change:
    """One check on one target whose verdict moved; ``None`` status: absent in that file."""

    check: str
    title: str
    target: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, JSON]:
        return {
            "check": self.check,
            "title": self.title,
            "target": self.target,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True, slots=True)
class TargetChange:
    """A target in both files whose overall or category score moved."""

    name: str
    overall: ScoreChange
    categories: tuple[tuple[str, ScoreChange], ...]

    def to_json(self) -> dict[str, JSON]:
        return {
            "name": self.name,
            "score": self.overall.to_json(),
            "categories": {name: change.to_json() for name, change in self.categories},
        }


@dataclass(frozen=True, slots=True)
class Diff:
    overall: ScoreChange
    categories: tuple[tuple[str, ScoreChange], ...]
    new_failures: tuple[Change, ...]
    fixed: tuple[Change, ...]
    no_longer_failing: tuple[Change, ...]
    still_failing: int
    new_targets: tuple[str, ...]
    removed_targets: tuple[str, ...]
    targets: tuple[TargetChange, ...]

    def to_json(self) -> dict[str, JSON]:
        return {
            "score": self.overall.to_json(),
            "categories": {name: change.to_json() for name, change in self.categories},
            "new_failures": [change.to_json() for change in self.new_failures],
            "fixed": [change.to_json() for change in self.fixed],
            "no_longer_failing": [change.to_json() for change in self.no_longer_failing],
            "still_failing": self.still_failing,
            "new_targets": list(self.new_targets),
            "removed_targets": list(self.removed_targets),
            "targets": [change.to_json() for change in self.targets],
        }


def read_result(path: Path) -> dict[str, JSON]:
    """A JSON result file, checked to have the shape :func:`diff` reads."""
    try:
        text = decode(read_bytes(path, RESULT_LIMIT), str(path))
        document = parse_json(text, str(path), max_depth=None)
    except InputFormatError as exc:
        raise DiffInputError(exc.error) from exc
    problem = _shape_problem(document)
    if problem is not None:
        raise DiffInputError(InputError(str(path), f"not a baseliner result file: {problem}"))
    assert isinstance(document, dict)
    return document


def same_benchmarks(
    old: Mapping[str, JSON], new: Mapping[str, JSON], old_name: str, new_name: str
) -> None:
    """Refuse result files of different benchmarks: their score change means nothing (a
    STIG run after Windows 11 runs read "change -13.1")."""
    before, after = _benchmark_ids(old), _benchmark_ids(new)
    if before is not None and after is not None and before != after:
        message = (
            f"checks {', '.join(sorted(after)) or 'no benchmark'} where {old_name} checks "
            f"{', '.join(sorted(before)) or 'no benchmark'}: a change is computed only between "
            "runs of the same benchmarks"
        )
        raise DiffInputError(InputError(new_name, message))


def _benchmark_ids(document: Mapping[str, JSON]) -> frozenset[str] | None:
    listed = document.get("benchmarks")
    if not isinstance(listed, list):
        return None
    return frozenset(str(item.get("id")) for item in listed if isinstance(item, dict))


def _shape_problem(document: JSON) -> str | None:
    """What keeps ``document`` from being a result file of schema 1.x, as a breadcrumb."""
    if not isinstance(document, dict):
        return "the top level is not an object"
    version = document.get("schema_version")
    if not isinstance(version, str) or version.split(".")[0] != "1":
        return f"schema_version {version!r} is not 1.x"
    fleet = document.get("fleet")
    if not isinstance(fleet, dict):
        return "fleet: missing or not an object"
    problem = _score_problem(fleet, "fleet")
    targets = document.get("targets")
    if problem is None and not isinstance(targets, list):
        return "targets: missing or not a list"
    for index, target in enumerate(targets or []):
        problem = problem or _target_problem(target, f"targets[{index}]")
    return problem


def _score_problem(node: Mapping[str, JSON], where: str) -> str | None:
    score = node.get("score")
    if not isinstance(score, dict) or not _is_number(score.get("percent")):
        return f"{where}.score.percent: missing or not a number"
    categories = node.get("categories")
    if not isinstance(categories, dict):
        return f"{where}.categories: missing or not an object"
    for name, value in categories.items():
        if not isinstance(value, dict) or not _is_number(value.get("percent")):
            return f"{where}.categories.{name}.percent: missing or not a number"
    return None


def _target_problem(target: JSON, where: str) -> str | None:
    if not isinstance(target, dict) or not isinstance(target.get("name"), str):
        return f"{where}.name: missing or not a string"
    results = target.get("results")
    if not isinstance(results, list):
        return f"{where}.results: missing or not a list"
    for index, result in enumerate(results):
        if not isinstance(result, dict) or not all(
            isinstance(result.get(key), str) for key in ("check", "status")
        ):
            return f"{where}.results[{index}]: needs string 'check' and 'status'"
    return _score_problem(target, where)


def _is_number(value: JSON) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


Verdicts = dict[str, tuple[str, str]]
"""check id -> (status, title) of one target."""


def _targets(document: Mapping[str, JSON]) -> dict[str, Mapping[str, JSON]]:
    return {target["name"]: target for target in document["targets"]}


def _verdicts(target: Mapping[str, JSON] | None) -> Verdicts:
    if target is None:
        return {}
    return {r["check"]: (r["status"], r.get("title") or "") for r in target["results"]}


def _percent(node: Mapping[str, JSON] | None) -> float | None:
    """A score's percent, from its points where the file has them: ``percent`` is rounded to
    two decimals, and a change computed from two rounded values can be off by 0.01."""
    if node is None:
        return None
    points, most = node.get("points"), node.get("max_points")
    if isinstance(points, int | float) and isinstance(most, int | float) and most > 0:
        return float(100 * points / most)
    return float(node["percent"])


def _scores(
    old: Mapping[str, JSON], new: Mapping[str, JSON]
) -> tuple[ScoreChange, tuple[tuple[str, ScoreChange], ...]]:
    """Overall and per-category change between two nodes with ``score`` and ``categories``."""
    overall = ScoreChange(_percent(old["score"]), _percent(new["score"]))
    names = sorted(set(old["categories"]) | set(new["categories"]))
    categories = tuple(
        (
            name,
            ScoreChange(
                _percent(old["categories"].get(name)), _percent(new["categories"].get(name))
            ),
        )
        for name in names
    )
    return overall, categories


def _moved(overall: ScoreChange, categories: Iterable[tuple[str, ScoreChange]]) -> bool:
    return any(change.old != change.new for change in (overall, *(c for _, c in categories)))


def diff(old: Mapping[str, JSON], new: Mapping[str, JSON]) -> Diff:
    """What changed from result document ``old`` to ``new`` (both as :func:`read_result`
    returns them)."""
    before, after = _targets(old), _targets(new)
    changes: dict[str, list[Change]] = {"new": [], "fixed": [], "gone": []}
    still = 0
    moved: list[TargetChange] = []
    for name in sorted(after):
        previous = before.get(name)
        still += _compare(name, _verdicts(previous), _verdicts(after[name]), changes)
        if previous is not None:
            overall, categories = _scores(previous, after[name])
            if _moved(overall, categories):
                moved.append(TargetChange(name, overall, categories))
    overall, categories = _scores(old["fleet"], new["fleet"])
    return Diff(
        overall=overall,
        categories=categories,
        new_failures=_ordered(changes["new"]),
        fixed=_ordered(changes["fixed"]),
        no_longer_failing=_ordered(changes["gone"]),
        still_failing=still,
        new_targets=tuple(sorted(set(after) - set(before))),
        removed_targets=tuple(sorted(set(before) - set(after))),
        targets=tuple(moved),
    )


def _compare(target: str, old: Verdicts, new: Verdicts, into: dict[str, list[Change]]) -> int:
    """Sort one target's moved verdicts into ``into``; the number still failing."""
    still = 0
    for check in sorted(set(old) | set(new)):
        was, title_was = old.get(check, (None, ""))
        now, title = new.get(check, (None, title_was))
        failed, fails = was in FAILING, now in FAILING
        change = Change(check, title or title_was, target, was, now)
        if failed and fails:
            still += 1
        elif fails:
            into["new"].append(change)
        elif failed:
            into["fixed" if now == "pass" else "gone"].append(change)
    return still


def _ordered(changes: list[Change]) -> tuple[Change, ...]:
    return tuple(sorted(changes, key=lambda c: (c.check, c.target)))
