"""``baseliner diff``: what changed between two result files, as text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Literal

from checker.history.diff import FAILING, Change, Diff, ScoreChange
from checker.reporters import findings
from checker.reporters.markdown import cell

SHOWN = 20
"""Rows shown per list in text and Markdown; JSON has everything."""


NAMES_SHOWN = 5
"""Target names shown per check in text and Markdown."""


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


_RENDERERS: dict[str, Callable[[Diff], str]] = {"text": _text, "markdown": _markdown}
