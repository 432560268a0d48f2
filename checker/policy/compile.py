"""One check's document compiled: what it reads, the judge of its value, its metadata.

Every expression (JMESPath ``query`` and ``assert``, ``expect`` operators and ``matches``
regexes) is compiled here, once, so a bad policy stops the run before any export is read,
with the file, line, column and a breadcrumb to the key at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jmespath.exceptions

from checker.core.errors import PolicyError
from checker.core.principals import principal
from checker.core.results import BenchmarkInfo, CheckInfo
from checker.core.statuses import Category, Severity
from checker.core.values import JSON, Origin
from checker.kinds import KINDS, SETTING_KEYS, TEXT_TYPES, Kind, canonical_key
from checker.policy import expect as expect_ops
from checker.policy.jmes import Compiled, compile_expression
from checker.policy.members import is_choice
from checker.policy.parameters import Parameter, references, substitute
from checker.policy.yamlsrc import Located, breadcrumb, position

# Enum members by value, looked up directly: calling the enum is ten times slower, and a run
# compiles every check of its benchmarks at start-up (the schema has checked the values).
_KINDS = {kind.value: kind for kind in Kind}


_CATEGORIES = {category.value: category for category in Category}


_SEVERITIES = {severity.value: severity for severity in Severity}


@dataclass(frozen=True, slots=True)
class AppliesTo:
    """OS and role names a check applies to; empty means every target."""

    os: frozenset[str] = frozenset()
    role: frozenset[str] = frozenset()

    def admits(self, os: str | None, role: str | None) -> bool:
        """Unknown target facts admit the check: we only skip what we know does not apply."""
        if self.os and os is not None and os.casefold() not in self.os:
            return False
        return not (self.role and role is not None and role.casefold() not in self.role)


@dataclass(slots=True, unsafe_hash=True)
class Check:
    """A compiled check: what it reads, how it judges, and its metadata.

    Not frozen, as :class:`~checker.core.results.CheckInfo` is not (which see): treat it
    as immutable; it hashes by its fields as a frozen one does."""

    info: CheckInfo
    kind: Kind | None
    """What the check reads: a setting of this kind, or None for a raw ``query``."""
    key: str
    """Canonical setting key (see checker.kinds.canonical_key) or the query text."""
    query: Compiled | None
    judge: Callable[[JSON], bool]
    wants_absent: bool
    applies_to: AppliesTo
    absent_ok: bool = False
    """An unset setting complies: the Windows default meets the expectation."""
    assertion: Compiled | None = None
    """The compiled ``assert`` expression, when the check has one (``judge`` applies it)."""
    expect: Any = field(default=None, compare=False)
    """The ``expect`` mapping, when the check has one (``judge`` applies it; a mapping, so
    left out of the check's hash and equality, which ``judge`` stands for)."""
    value_type: str | None = None
    """The type the value must have (``type: REG_SZ``): a value of another type fails."""
    unset: tuple[str, ...] = ()
    """Parameters the check names that no profile sets: the check is site-specific and
    ``not_applicable`` until they are."""

    def __reduce__(self) -> tuple[Callable[..., Check], tuple[Any, ...]]:
        # A judge is a closure, which does not pickle: a check pickles as its data.
        from checker.policy import stored  # builds on this module

        shared = stored.Shared()
        return stored.check_from_data, (shared.rows, stored.check_data(self, shared))


@dataclass(frozen=True, slots=True)
class Benchmark:
    info: BenchmarkInfo
    checks: tuple[Check, ...]

    def __reduce__(self) -> tuple[Callable[..., Benchmark], tuple[Any, ...]]:
        # As a check does, with the rows its checks share sent once.
        from checker.policy import stored  # builds on this module

        return stored.benchmark_from_data, (stored.benchmark_data(self),)


def applies_to_of(raw: dict[str, Any] | None) -> AppliesTo:
    raw = raw or {}
    return AppliesTo(
        os=frozenset(name.casefold() for name in raw.get("os", [])),
        role=frozenset(name.casefold() for name in raw.get("role", [])),
    )


def compile_check(
    raw: Located,
    origin: Origin,
    document: Any,
    crumbs: list[str | int],
    defaults: AppliesTo,
    path: str,
    parameters: Mapping[str, Parameter] | None = None,
) -> Check:
    def fail(message: str, key: str, offset: int | None = None) -> PolicyError:
        """An error at ``key``; ``offset`` is a 0-based position inside its value's text."""
        line, column = position(document, [*crumbs, key])
        start = raw.value_starts.get(key) if isinstance(raw, Located) else None
        if offset is not None and start is not None and start[0] >= (origin.line or 0):
            line, column = start[0], start[1] + offset + (start[2] is not None)
        if line is None or line < (origin.line or 0):
            line, column = origin.line, None
        return PolicyError(path, message, line, column, breadcrumb([*crumbs, key]))

    setting_key = next(key for key in SETTING_KEYS if key in raw)
    texts = {key: raw[key] for key in (setting_key, "expect", "assert") if key in raw}
    unset = _unset(texts, parameters or {}, fail)
    if not unset:
        values = {p.name: p.value for p in (parameters or {}).values() if p.value is not None}
        texts = {key: substitute(text, values) for key, text in texts.items()}
    reference = str(texts[setting_key])
    kind: Kind | None = None
    query: Compiled | None = None
    if setting_key == "query":
        query = compile_jmespath(reference, lambda msg, col: fail(msg, "query", col))
        key = reference
    else:
        kind = _KINDS[setting_key]
        try:
            key = canonical_key(kind, reference)
        except ValueError as exc:
            raise fail(str(exc), setting_key) from exc

    value_type: str | None = raw.get("type")
    if value_type is not None and (kind is None or value_type not in KINDS[kind].value_types):
        raise fail(f"a {setting_key} check's value has no type {value_type!r}", "type")
    expression: Compiled | None = None
    expect_spec = texts.get("expect")
    if expect_spec is not None:
        if kind is Kind.PRIVILEGE:
            expect_spec = _principals(expect_spec)
        try:
            judge, expected, wants_absent = expect_ops.compile_expect(
                expect_spec, text_numbers=value_type in TEXT_TYPES
            )
        except expect_ops.ExpectError as exc:
            raise fail(str(exc), "expect") from exc
    else:
        text = str(texts["assert"])
        expression = compile_jmespath(text, lambda msg, col: fail(msg, "assert", col))
        judge, expected, wants_absent = expect_ops.compile_assert(expression, text)
    if value_type is not None:
        expected = f"{expected} ({value_type})"

    applies_to = applies_to_of(raw.get("applies_to")) if "applies_to" in raw else defaults
    info = CheckInfo(
        id=raw["id"],
        title=raw["title"],
        category=_CATEGORIES[raw["category"]],
        impact=int(raw["impact"]),
        severity=_SEVERITIES[raw["severity"]],
        benchmark=document["id"],
        setting=reference if kind is None else f"{kind.value}:{reference}",
        expected=expected,
        remediation=str(raw.get("remediation", "")).strip(),
        rationale=str(raw.get("rationale", "")).strip(),
        references=tuple(raw.get("references", ())),
        tags=tuple(raw.get("tags", ())),
        origin=origin,
        value_type=value_type,
    )
    absent_ok = bool(raw.get("absent_ok", False))
    return Check(
        info, kind, key, query, judge, wants_absent, applies_to, absent_ok, expression,
        expect_spec, value_type, unset,
    )  # fmt: skip


def _unset(
    texts: Mapping[str, Any],
    parameters: Mapping[str, Parameter],
    fail: Callable[[str, str], PolicyError],
) -> tuple[str, ...]:
    """The parameters the check names that are not set; one it names that the benchmark
    does not declare is an error at the key that names it."""
    unset: dict[str, None] = {}
    for key, text in texts.items():
        for name in references(text):
            if name not in parameters:
                known = ", ".join(sorted(parameters)) or "none"
                raise fail(f"names ${{{name}}}, not a parameter of the benchmark ({known})", key)
            if parameters[name].value is None:
                unset[name] = None
    return tuple(unset)


_PRINCIPAL_OPERATORS = frozenset(
    {"equals", "in", "contains", "not_contains", "set_equals", "subset_of", "superset_of"}
)


def _principals(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A user right's ``expect`` with the principals it names as checks compare them: a
    well-known name or ``NT SERVICE\\name`` as its SID (checker/core/principals.py), as
    the loaders give a right's holders."""
    out: dict[str, Any] = {}
    for name, operand in spec.items():
        if name == "any_of" and isinstance(operand, list):
            out[name] = [_principals(alt) if isinstance(alt, dict) else alt for alt in operand]
        elif name in _PRINCIPAL_OPERATORS:
            out[name] = _principal_items(operand)
        else:
            out[name] = operand
    return out


def _principal_items(value: Any) -> Any:
    if isinstance(value, str):
        return principal(value)
    if isinstance(value, list):
        return [_principal_items(item) for item in value]
    if is_choice(value):
        return {key: _principal_items(items) for key, items in value.items()}
    return value


MAX_NESTING = 64
"""Brackets a JMESPath expression may nest: its parser recurses, and about 450 levels end
the process's stack."""


def compile_jmespath(text: str, fail: Callable[[str, int | None], PolicyError]) -> Compiled:
    deepest = _deepest(text)
    if deepest is not None:
        raise fail(f"JMESPath nested deeper than {MAX_NESTING} levels", deepest)
    try:
        return compile_expression(text)
    except jmespath.exceptions.ParseError as exc:
        at = exc.lex_position if isinstance(exc.lex_position, int) else 0
        token = f" near {exc.token_value!r}" if exc.token_value not in (None, "") else ""
        raise fail(f"bad JMESPath {text!r}: {exc.msg}{token} (character {at + 1})", at) from exc
    except jmespath.exceptions.JMESPathError as exc:
        raise fail(f"bad JMESPath {text!r}: {exc}", None) from exc


def _deepest(text: str) -> int | None:
    """Where ``text`` opens its ``MAX_NESTING + 1``-th bracket (outside quoted strings and
    literals), or None."""
    depth, quote = 0, ""
    for at, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[at - 1] != "\\" else quote
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                return at
        elif char in ")]}":
            depth -= 1
    return None
