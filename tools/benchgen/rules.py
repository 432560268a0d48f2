"""The rules that place a setting in a benchmark: its area (tag, category, ATT&CK techniques,
rationale), its severity and impact, and whether the baseline's value is a bound rather than
the only good value.

The tables are data, ``rules.yaml`` beside this module (its comments say how patterns are
matched); :func:`load_rules` reads and checks them, the functions below apply them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checker.core.files import read_text
from checker.core.statuses import Category, Severity
from checker.core.values import JSON, Fact
from checker.kinds import Kind
from tools.benchgen.hardeningkitty import Finding

RULES_FILE = Path(__file__).with_name("rules.yaml")

BOUND_OPERATORS = ("gte", "lte")
_ATTACK_ID = re.compile(r"T\d{4}(\.\d{3})?")
_EVERY_SETTING = re.compile("")


@dataclass(frozen=True, slots=True)
class Area:
    """The area a setting belongs to, matched on ``kind:key`` (canonical, lower case)."""

    tag: str
    pattern: re.Pattern[str]
    category: Category
    rationale: str
    attack: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bound:
    """A setting whose baseline value is a lower (``gte``) or upper (``lte``) bound."""

    pattern: re.Pattern[str]
    operator: str
    why: str


@dataclass(frozen=True, slots=True)
class Rules:
    areas: tuple[Area, ...]
    """In priority order; the last one matches every setting."""
    critical: re.Pattern[str]
    impact: Mapping[str, int]
    """Severity -> impact."""
    bounds: tuple[Bound, ...]


class RulesError(ValueError):
    """A rules file that does not say what :func:`load_rules` expects; the message names
    the file and the key at fault."""


def load_rules(path: Path = RULES_FILE) -> Rules:
    """The rules of a rules file, checked (a bad one raises :class:`RulesError`)."""
    doc = _table(
        yaml.safe_load(read_text(path)), str(path), {"areas", "critical", "impact"}, {"bounds"}
    )
    where = f"{path}: "
    areas = _list(doc["areas"], f"{where}areas")
    rules = Rules(
        tuple(_area(a, f"{where}areas[{i}]", i == len(areas) - 1) for i, a in enumerate(areas)),
        _pattern(doc["critical"], f"{where}critical"),
        _impact(doc["impact"], f"{where}impact"),
        tuple(
            _bound(b, f"{where}bounds[{i}]")
            for i, b in enumerate(_list(doc.get("bounds", []), f"{where}bounds"))
        ),
    )
    tags = [area.tag for area in rules.areas]
    if len(set(tags)) != len(tags):
        raise RulesError(f"{where}areas: a tag is used twice: {tags}")
    return rules


def _area(value: Any, where: str, last: bool) -> Area:
    doc = _table(value, where, {"tag", "category", "rationale"}, {"match", "attack"})
    if "match" in doc and last:
        raise RulesError(f"{where}.match: the last area takes every setting left: no match")
    if "match" not in doc and not last:
        raise RulesError(f"{where}: missing ['match'] (only the last area goes without)")
    category = _string(doc["category"], f"{where}.category")
    if category not in set(Category):
        raise RulesError(f"{where}.category: {category!r} is not one of {[*map(str, Category)]}")
    attack = _list(doc.get("attack", []), f"{where}.attack")
    for index, technique in enumerate(attack):
        if not isinstance(technique, str) or not _ATTACK_ID.fullmatch(technique):
            raise RulesError(f"{where}.attack[{index}]: {technique!r} is not an ATT&CK id")
    return Area(
        _string(doc["tag"], f"{where}.tag"),
        _pattern(doc["match"], f"{where}.match") if "match" in doc else _EVERY_SETTING,
        Category(category),
        _string(doc["rationale"], f"{where}.rationale"),
        tuple(attack),
    )


def _bound(value: Any, where: str) -> Bound:
    doc = _table(value, where, {"match", "operator", "why"})
    operator = _string(doc["operator"], f"{where}.operator")
    if operator not in BOUND_OPERATORS:
        raise RulesError(f"{where}.operator: {operator!r} is not one of {list(BOUND_OPERATORS)}")
    return Bound(
        _pattern(doc["match"], f"{where}.match"), operator, _string(doc["why"], f"{where}.why")
    )


def _impact(value: Any, where: str) -> dict[str, int]:
    doc = _table(value, where, {str(severity) for severity in Severity})
    for severity, impact in doc.items():
        if not isinstance(impact, int) or not 1 <= impact <= 10:
            raise RulesError(f"{where}.{severity}: {impact!r} is not a whole number from 1 to 10")
    return dict(doc)


def _pattern(value: Any, where: str) -> re.Pattern[str]:
    """A pattern: one regular expression, or a list of alternatives joined with ``|``."""
    parts = [value] if isinstance(value, str) else _list(value, where)
    alternatives = [_string(part, f"{where}[{i}]") for i, part in enumerate(parts)]
    try:
        return re.compile("|".join(alternatives))
    except re.error as exc:
        raise RulesError(f"{where}: not a regular expression: {exc}") from exc


def _table(
    value: Any, where: str, required: set[str], optional: set[str] | None = None
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{where}: a mapping was expected")
    missing = sorted(required - value.keys())
    unknown = sorted(value.keys() - required - (optional or set()))
    if missing or unknown:
        raise RulesError(f"{where}: missing {missing}, unknown {unknown}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise RulesError(f"{where}: a list was expected")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise RulesError(f"{where}: a non-empty string was expected")
    return value


RULES = load_rules()
"""The rules every generator applies."""

AUDIT_AT_LEAST: dict[str, list[JSON]] = {
    "Success": ["Success", "Success and Failure"],
    "Failure": ["Failure", "Success and Failure"],
}
"""An audit subcategory the baseline audits for success (failure) is also met by auditing
both."""


def area_of(fact: Fact, rules: Rules = RULES) -> Area:
    """The first area whose pattern is found in ``kind:canonical key``."""
    subject = f"{fact.kind.value}:{fact.canonical}"
    return next(area for area in rules.areas if area.pattern.search(subject))


def severity_of(fact: Fact, finding: Finding | None, rules: Rules = RULES) -> tuple[str, int]:
    """Severity and impact: critical for the :attr:`Rules.critical` registry values; low
    (impact 2) for a value the baseline deletes and low (impact 1) for the firewall policy
    version marker; else the HardeningKitty finding's severity; else medium for registry
    values, user rights and security settings, low for audit subcategories and services."""
    if fact.kind is Kind.REGISTRY and rules.critical.search(fact.canonical):
        return "critical", rules.impact["critical"]
    if fact.deleted:
        return "low", 2
    if fact.kind is Kind.REGISTRY and fact.canonical.endswith("windowsfirewall!policyversion"):
        return "low", 1
    if finding and finding.severity.casefold() in rules.impact:
        severity = finding.severity.casefold()
    else:
        severity = "low" if fact.kind in (Kind.AUDIT, Kind.SERVICE) else "medium"
    return severity, rules.impact[severity]


def expect_of(fact: Fact, rules: Rules = RULES) -> tuple[dict[str, JSON], str | None]:
    """The assertion that the baseline's value ``fact`` makes and, for a bound, the comment
    that explains it."""
    if fact.deleted:
        return {"absent": True}, None
    if fact.kind is Kind.PRIVILEGE:
        # A deny right must deny at least the baseline's principals; a grant right may grant
        # to no one beyond them.
        if not fact.value:
            return {"empty": True}, None
        deny = fact.key.casefold().startswith("sedeny")
        return {"superset_of" if deny else "subset_of": list(fact.value)}, None
    if fact.kind is Kind.AUDIT and fact.value in AUDIT_AT_LEAST:
        note = f"baseline: {fact.value}; auditing more (Success and Failure) also meets it"
        return {"in": AUDIT_AT_LEAST[str(fact.value)]}, note
    if isinstance(fact.value, int):
        for bound in rules.bounds:
            if bound.pattern.search(fact.canonical):
                return _bounded(fact.value, bound)
    return {"equals": fact.value}, None


def _bounded(value: int, bound: Bound) -> tuple[dict[str, JSON], str]:
    note = f"baseline: {value}; {bound.operator}: {bound.why}"
    if bound.operator == "lte":
        # 0 turns these settings off (no inactivity lock, no lockout).
        return {"gte": 1, "lte": value}, f"{note}; 0 turns it off"
    return {bound.operator: value}, note
