"""JSON, the machine contract (DESIGN §6).  Extend it; never rename a field.

``schema_version`` changes only when a field changes meaning or goes away.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from json.encoder import encode_basestring
from typing import Protocol, runtime_checkable

from checker.core.results import BenchmarkInfo, CheckInfo, Report, Result, TargetReport, TargetScore
from checker.core.statuses import Status
from checker.core.values import JSON, NoteKind, Origin

SCHEMA_VERSION = "1.0"


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_HOLE = "\x00baseliner: a value goes here\x00"
"""Stands for a value in a template object; JSON text shows it as ``"\u0000baseliner...``."""


def _number(value: Fraction | float) -> float:
    return round(float(value), 4)


def _result(result: Result, impacts: dict[str, float]) -> dict[str, JSON]:
    check = result.check
    out = _template(check).shape.copy()
    out["status"] = result.status.value
    out["actual"] = result.actual
    out["origin"] = [origin.to_json() for origin in result.origins]
    out["reason"] = result.reason
    out["score_impact"] = _score_impact(check, impacts)
    if result.via is not None:
        out["via"] = result.via
    if result.lean is not None:
        out["lean"] = result.lean.value
    if result.exception is not None:
        out["exception"] = result.exception
    if result.actual_type is not None:
        out["actual_type"] = result.actual_type
    return out


def _score_impact(check: CheckInfo, impacts: dict[str, float]) -> float:
    return impacts.get(check.id, 0.0)


def _impacts(score: TargetScore) -> dict[str, float]:
    """A target's score impact per exposed check, as the report writes it.

    A device has a few distinct impacts (one per check weight) over hundreds of exposed
    checks: each distinct value is converted once (``float`` of a Fraction is Python code).
    """
    numbers: dict[int, float] = {}
    out = {}
    for check_id, value in score.score_impact:
        number = numbers.get(id(value))
        if number is None:
            number = numbers[id(value)] = _number(value)
        out[check_id] = number
    return out


@dataclass(frozen=True, slots=True)
class _Template:
    """A check's result object with its fixed fields filled in and :data:`_HOLE` where the
    five values that vary go, and its compact text cut at those holes (None when a fixed
    field holds the hole's text: the object is then encoded whole).  Made once per check,
    since a fleet's JSON is mostly the same checks again."""

    check: CheckInfo
    shape: dict[str, JSON]
    pieces: tuple[str, ...] | None
    kept: dict[tuple[object, ...], tuple[str, ...]] = field(default_factory=dict)
    """Texts of results with at most one origin and a scalar value, by everything in them
    but the origin's path and line (see :func:`_key`): the whole text when there is no
    origin, else the text cut where the path and the line go.  A fleet's devices give a
    check the same few verdicts, values and GPOs, device after device."""


KEPT = 32
"""Texts kept per check in :attr:`_Template.kept` (a fleet has a few score impacts)."""

_TEMPLATES: dict[str, _Template] = {}


def _template(check: CheckInfo) -> _Template:
    found = _TEMPLATES.get(check.id)
    if found is None or found.check is not check:
        shape: dict[str, JSON] = {
            "check": check.id,
            "title": check.title,
            "category": check.category.value,
            "impact": check.impact,
            "severity": check.severity.value,
            "status": _HOLE,
            "setting": check.setting,
            "actual": _HOLE,
            "expected": check.expected,
            "origin": _HOLE,
            "reason": _HOLE,
            "score_impact": _HOLE,
        }
        found = _TEMPLATES[check.id] = _Template(check, shape, _pieces(shape, 5))
    return found


def _target(target: TargetReport) -> dict[str, JSON]:
    impacts = _impacts(target.score)
    return {
        **_target_head(target),
        "results": [_result(result, impacts) for result in target.results],
    }


def _target_head(target: TargetReport) -> dict[str, JSON]:
    """A target object without its results (which come last)."""
    score = target.score
    return {
        "name": target.name,
        "group": target.group,
        "tags": list(target.tags),
        "sources": list(target.sources),
        "planned": target.planned,
        "score": {
            **score.overall.to_json(),
            "uncertain_range": [round(v, 2) for v in score.uncertain_range],
        },
        "categories": {cat.value: s.to_json() for cat, s in score.categories},
        "conflicts": [conflict.to_json() for conflict in target.conflicts],
        **{kind.value: [n.to_json() for n in target.notes if n.kind is kind] for kind in NoteKind},
    }


def _benchmark(info: BenchmarkInfo) -> dict[str, JSON]:
    return {
        "id": info.id,
        "title": info.title,
        "version": info.version,
        "path": info.path,
        "checks": len(info.checks),
    }


def _fleet(report: Report) -> dict[str, JSON]:
    fleet = report.fleet
    return {
        "score": {
            **fleet.overall.to_json(),
            "uncertain_range": [round(v, 2) for v in fleet.uncertain_range],
        },
        "categories": {cat.value: s.to_json() for cat, s in fleet.categories},
        "checks": [
            {
                "check": c.check.id,
                "title": c.check.title,
                "category": c.check.category.value,
                "exposed": c.exposed,
                "total": c.total,
                "ratio": _number(c.ratio),
                "score_impact": _number(c.score_impact),
                "statuses": {status.value: n for status, n in c.statuses},
            }
            for c in sorted(fleet.checks, key=lambda c: c.check.id)
        ],
    }


def _head(report: Report) -> dict[str, JSON]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "baseliner", "version": report.tool_version},
        "benchmarks": [_benchmark(info) for info in report.benchmarks],
    }


def _tail(report: Report) -> dict[str, JSON]:
    tail: dict[str, JSON] = {
        "fleet": _fleet(report),
        "errors": [error.to_json() for error in report.errors],
        "warnings": [warning.to_json() for warning in report.warnings],
        "plan": [item.to_json() for item in report.plan],
    }
    if report.gate is not None:  # set by ``check``: its verdict, as the other reports state it
        tail["gate"] = report.gate.to_json()
    return tail


def to_json(report: Report) -> dict[str, JSON]:
    """The whole document in memory (for tests and small runs; :func:`render` streams)."""
    return {**_head(report), "targets": [_target(t) for t in report.targets], **_tail(report)}


@runtime_checkable
class Prerendered(Protocol):
    """Targets that bring their JSON lines, rendered as they were checked (a spooled fleet's
    workers render them in parallel), so the reporter only writes them out."""

    def json_lines(self) -> Iterable[bytes] | None:
        """Each target's :func:`target_line` in UTF-8, in target order; None when not
        rendered."""


def target_line(target: TargetReport) -> str:
    """One target as one line of compact JSON (see :func:`render`): the same text as
    ``json.dumps(_target(target), ensure_ascii=False, separators=(",", ":"))``, made faster.

    A fleet writes this for every device (140 KB each), and encoding it whole cost as much
    as parsing the device's export.  Most of each result is its check's fixed fields, the
    same on every device: they are encoded once per check (:func:`_pieces`), and only the
    values that vary are encoded per result (tests/reporters/test_json_line.py holds the
    two texts equal on arbitrary results).
    """
    head = _COMPACT.encode({**_target_head(target), "results": []})
    impacts = _impacts(target.score)
    results = ",".join([_result_text(result, impacts) for result in target.results])
    return f"{head[:-2]}{results}]}}"


def _pieces(template: dict[str, JSON], holes: int) -> tuple[str, ...] | None:
    """The compact text of ``template`` cut at its ``holes`` values that are :data:`_HOLE`;
    None when a fixed value holds that text too (the caller then encodes the whole object)."""
    pieces = tuple(_COMPACT.encode(template).split(_COMPACT.encode(_HOLE)))
    return pieces if len(pieces) == holes + 1 else None


_ORIGIN_PIECES = _pieces(Origin(_HOLE, _HOLE, _HOLE, _HOLE).to_json(), 4)  # type: ignore[arg-type]
_STATUS_TEXT = {status: _COMPACT.encode(status.value) for status in Status}
_VIA, _LEAN, _EXCEPTION, _TYPE = (
    f",{_COMPACT.encode(key)}:" for key in ("via", "lean", "exception", "actual_type")
)


def _result_text(result: Result, impacts: dict[str, float]) -> str:
    """:func:`_result` as compact JSON text."""
    template = _template(result.check)
    pieces, origin = template.pieces, _ORIGIN_PIECES
    if pieces is None or origin is None:
        return _COMPACT.encode(_result(result, impacts))
    impact = _score_impact(result.check, impacts)
    key = _key(result, impact)
    if key is None:
        head, tail = _around(result, pieces, impact)
        return f"{head}{','.join([_origin_text(o, origin) for o in result.origins])}{tail}"
    kept = template.kept.get(key)
    if kept is None:
        kept = _cut(result, pieces, origin, impact)
        if len(template.kept) < KEPT:
            template.kept[key] = kept
    if len(kept) == 1:
        return kept[0]
    first = result.origins[0]
    return f"{kept[0]}{encode_basestring(first.path)}{kept[1]}{_line(first.line)}{kept[2]}"


_SCALARS = frozenset({type(None), str, int, bool})
"""Value types a kept text may hold (a float is not among them: ``-0.0 == 0.0``)."""


def _key(result: Result, impact: float) -> tuple[object, ...] | None:
    """What a result's text depends on besides its check and its origin's path and line;
    None when it is not kept (several origins, or a value that is not a plain scalar)."""
    kind = type(result.actual)
    if len(result.origins) > 1 or kind not in _SCALARS:
        return None
    where = (result.origins[0].offset, result.origins[0].source) if result.origins else None
    # Statuses by their text: an enum member hashes in Python code.
    status, lean = result.status._value_, result.lean._value_ if result.lean else None
    return (
        status,
        kind,
        result.actual,
        result.reason,
        impact,
        result.via,
        lean,
        result.exception,
        result.actual_type,
        where,
    )


def _cut(
    result: Result, pieces: tuple[str, ...], origin: tuple[str, ...], impact: float
) -> tuple[str, ...]:
    """The text of a result with at most one origin, cut where its path and line go."""
    head, tail = _around(result, pieces, impact)
    if not result.origins:
        return (head + tail,)
    return head + origin[0], origin[1], _origin_rest(result.origins[0], origin) + tail


def _around(result: Result, pieces: tuple[str, ...], impact: float) -> tuple[str, str]:
    """A result's compact JSON text before and after its origins, from its check's
    template ``pieces``."""
    head = f"{pieces[0]}{_STATUS_TEXT[result.status]}{pieces[1]}{_value(result.actual)}{pieces[2]}["
    tail = f"]{pieces[3]}{_value(result.reason)}{pieces[4]}{float.__repr__(impact)}"
    if result.via is not None:
        tail += _VIA + _value(result.via)
    if result.lean is not None:
        tail += _LEAN + _STATUS_TEXT[result.lean]
    if result.exception is not None:
        tail += _EXCEPTION + _value(result.exception)
    if result.actual_type is not None:
        tail += _TYPE + _value(result.actual_type)
    return head, tail + pieces[5]


def _origin_text(origin: Origin, pieces: tuple[str, ...]) -> str:
    # The fields' own types, written out: a device has hundreds of origins.
    return (
        f"{pieces[0]}{encode_basestring(origin.path)}{pieces[1]}{_line(origin.line)}"
        f"{_origin_rest(origin, pieces)}"
    )


def _origin_rest(origin: Origin, pieces: tuple[str, ...]) -> str:
    """An origin's text after its line."""
    offset, source = origin.offset, origin.source
    return (
        f"{pieces[2]}{'null' if offset is None else int.__repr__(offset)}{pieces[3]}"
        f"{'null' if source is None else encode_basestring(source)}{pieces[4]}"
    )


def _line(line: int | None) -> str:
    return "null" if line is None else int.__repr__(line)


def _value(value: JSON) -> str:
    """``value`` as the compact encoder writes it; strings and integers without its setup."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    return _COMPACT.encode(value)


def render(report: Report) -> Iterator[str | bytes]:
    """The JSON document in chunks, one target at a time, so a fleet streams to disk.

    The document is indented for reading, except that each target is one line: a fleet's
    file stays greppable by device, and the C JSON encoder (which Python uses only without
    indentation) writes the bulk ten times faster.  Lines a spooled fleet prepared are
    passed on as the UTF-8 bytes they were stored as (a fleet's are hundreds of megabytes).
    """
    head = json.dumps(_head(report), indent=2, ensure_ascii=False)
    yield head[:-2] + ',\n  "targets": ['
    targets = report.targets
    lines: Iterable[str | bytes] | None = (
        targets.json_lines() if isinstance(targets, Prerendered) else None
    )
    if lines is None:
        lines = map(target_line, targets)
    for index, line in enumerate(lines):
        yield ",\n    " if index else "\n    "
        yield line
    yield ("\n  ]" if targets else "]") + ",\n"
    tail = json.dumps(_tail(report), indent=2, ensure_ascii=False)
    yield tail[2:] + "\n"
