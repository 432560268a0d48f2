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

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from checker.loaders.text import decode, parse_json, read_bytes
from checker.model import JSON, InputError, InputFormatError
from checker.reporters import findings
from checker.reporters.markdown import cell

RESULT_LIMIT = 2 * 1024 * 1024 * 1024
"""The largest result file read: a 5,000-device fleet's full results run to hundreds of MB."""

FAILING = frozenset({"fail", "not_configured"})
SHOWN = 20
"""Rows shown per list in text and Markdown; JSON has everything."""

NAMES_SHOWN = 5
"""Target names shown per check in text and Markdown."""


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


# Reading ------------------------------------------------------------------------------------


def read_result(path: Path) -> dict[str, JSON]:
    """A JSON result file, checked to have the shape :func:`diff` reads."""
    try:
        document = parse_json(decode(read_bytes(path, RESULT_LIMIT), str(path)), str(path))
    except InputFormatError as exc:
        raise DiffInputError(exc.error) from exc
    problem = _shape_problem(document)
    if problem is not None:
        raise DiffInputError(InputError(str(path), f"not a baseliner result file: {problem}"))
    assert isinstance(document, dict)
    return document


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


# Comparing ----------------------------------------------------------------------------------

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


# Rendering ----------------------------------------------------------------------------------


def render_diff(result: Diff, fmt: Literal["text", "markdown", "json"]) -> str:
    """The diff as plain text (terminals), Markdown (PR comments) or JSON (everything)."""
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
    return _RENDERERS[fmt](result)


def _percent_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}%"


def _change_text(change: ScoreChange, width: int = 0) -> str:
    delta = change.delta
    text = f"{_percent_text(change.old):>{width}} -> {_percent_text(change.new):>{width}}"
    return text if delta is None else f"{text} ({delta:+.2f})"


def _by_check(changes: Iterable[Change]) -> list[tuple[str, str, list[Change]]]:
    """Changes grouped per check, in check order: (check, title, changes)."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.check, []).append(change)
    return [(check, items[0].title, items) for check, items in grouped.items()]


def _names(changes: list[Change], other: Callable[[Change], str | None]) -> str:
    """Targets of one check's changes, with the other side's status where it is not simply
    passing or failing (``exempt``, ``absent``...)."""
    names = [
        change.target
        if other(change) in ("pass", *FAILING)
        else f"{change.target} ({other(change) or 'absent'})"
        for change in changes
    ]
    return findings.listing(names, NAMES_SHOWN)


def _more(total: int, what: str) -> list[str]:
    return [f"  ... and {total - SHOWN:,} more {what}"] if total > SHOWN else []


_SECTIONS: tuple[tuple[str, str, Callable[[Change], str | None]], ...] = (
    ("fixed", "fixed", lambda c: c.old),
    ("new_failures", "new failures", lambda c: c.old),
    ("no_longer_failing", "no longer failing (not fixed)", lambda c: c.new),
)


def _text(result: Diff) -> str:
    lines = [f"score: {_change_text(result.overall)}"]
    width = max((len(name) for name, _ in result.categories), default=0)
    lines += [
        f"  {name:<{width}}  {_change_text(change, len('100.00%'))}"
        for name, change in result.categories
    ]
    for field, label, status in _SECTIONS:
        changes: tuple[Change, ...] = getattr(result, field)
        groups = _by_check(changes)
        lines.append(f"{label}: {_count(len(changes), len(groups))}")
        lines += [
            f"  {check}  {title}: {_names(items, status)}" for check, title, items in groups[:SHOWN]
        ]
        lines += _more(len(groups), "checks")
    lines.append(f"still failing: {result.still_failing:,}")
    lines.append(f"targets added: {', '.join(result.new_targets) or 'none'}")
    lines.append(f"targets removed: {', '.join(result.removed_targets) or 'none'}")
    lines.append(f"targets with a changed score: {len(result.targets):,}")
    lines += [f"  {t.name}  {_change_text(t.overall)}" for t in result.targets[:SHOWN]]
    lines += _more(len(result.targets), "targets")
    return "\n".join(lines) + "\n"


def _count(results: int, checks: int) -> str:
    if not results:
        return "none"
    return f"{results:,} result{'s' * (results != 1)} of {checks:,} check{'s' * (checks != 1)}"


def _markdown(result: Diff) -> str:
    out = [f"## baseliner diff: {_change_text(result.overall)}", ""]
    out += ["| Category | Before | After | Change |", "|---|---|---|---|"]
    out += [
        f"| {cell(name)} | {_percent_text(c.old)} | {_percent_text(c.new)} | "
        f"{'-' if c.delta is None else f'{c.delta:+.2f}'} |"
        for name, c in [("**overall**", result.overall), *result.categories]
    ]
    for field, label, status in _SECTIONS:
        changes: tuple[Change, ...] = getattr(result, field)
        groups = _by_check(changes)
        out += ["", f"### {label.capitalize()}: {_count(len(changes), len(groups))}"]
        if groups:
            out += ["", "| Check | Title | Targets |", "|---|---|---|"]
            out += [
                f"| `{cell(check)}` | {cell(title)} | {cell(_names(items, status))} |"
                for check, title, items in groups[:SHOWN]
            ]
            out += [line.strip() for line in _more(len(groups), "checks")]
    out += ["", f"Still failing: {result.still_failing:,}."]
    out.append(f"Targets added: {cell(', '.join(result.new_targets) or 'none')}.")
    out.append(f"Targets removed: {cell(', '.join(result.removed_targets) or 'none')}.")
    if result.targets:
        out += ["", f"### Targets with a changed score: {len(result.targets):,}", ""]
        out += ["| Target | Before | After | Change |", "|---|---|---|---|"]
        out += [
            f"| {cell(t.name)} | {_percent_text(t.overall.old)} | {_percent_text(t.overall.new)}"
            f" | {'-' if t.overall.delta is None else f'{t.overall.delta:+.2f}'} |"
            for t in result.targets[:SHOWN]
        ]
        out += [line.strip() for line in _more(len(result.targets), "targets")]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no pipe, newline or HTML."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


_RENDERERS: dict[str, Callable[[Diff], str]] = {"text": _text, "markdown": _markdown}
