"""What lint finds: the rules with their level, findings with their position, the result.

The rules are listed in :data:`RULES` with their level: errors are what would stop
``baseliner check`` (or make it wrong), warnings are what a reviewer should look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from checker.core.errors import PolicyError
from checker.core.values import JSON

SCHEMA_VERSION = 1


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: Level
    description: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("yaml-syntax", Level.ERROR, "The file is not readable YAML (or has duplicate keys)."),
        Rule(
            "invalid",
            Level.ERROR,
            "The file breaks its schema, or an expression, key or reference in it does not "
            "compile (JMESPath, regular expression, setting reference, extends).",
        ),
        Rule(
            "duplicate-id",
            Level.ERROR,
            "Two benchmarks that are not related by 'extends' define the same check id; they "
            "cannot be loaded together.",
        ),
        Rule(
            "unrecognized",
            Level.WARNING,
            "A YAML file named on the command line is none of benchmark, exceptions, plans, "
            "targets or cases.",
        ),
        Rule(
            "expired-exception",
            Level.ERROR,
            "An exception has expired and no longer applies: renew it (a new expiry, reviewed) "
            "or remove it.",
        ),
        Rule("expiring-exception", Level.WARNING, "An exception expires within --expiring-days."),
        Rule(
            "unknown-check",
            Level.ERROR,
            "An exception, plan entry or test case names a check (id or glob) that no known "
            "benchmark has: a typo, or a check renamed or removed.",
        ),
        Rule("missing-remediation", Level.WARNING, "A check has no remediation text."),
        Rule("missing-references", Level.WARNING, "A check has no references."),
        Rule(
            "duplicate-check",
            Level.WARNING,
            "A check reads the same setting with the same expectation as a check of another "
            "benchmark family that can apply to the same targets: the two always agree and "
            "count twice.",
        ),
        Rule(
            "unset-parameter",
            Level.WARNING,
            "A profile (a benchmark that extends another) leaves a site-specific parameter "
            "unset: the checks that name it stay not_applicable.",
        ),
        Rule(
            "untested-check",
            Level.WARNING,
            "A check of a benchmark that has test cases has no case expecting 'pass' or none "
            "expecting 'fail'.",
        ),
        Rule(
            "missing-source",
            Level.WARNING,
            "A targets manifest names a source that does not exist or is not an export.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int | None
    column: int | None
    rule: str
    message: str

    @property
    def level(self) -> Level:
        return RULES[self.rule].level

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.rule, self.message)

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.level.value}: {self.message} [{self.rule}]"

    def to_json(self) -> dict[str, JSON]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level.value,
            "rule": self.rule,
            "message": self.message,
        }


def from_error(error: PolicyError, rule: str = "invalid") -> Finding:
    message = error.message + (f" at {error.breadcrumb}" if error.breadcrumb else "")
    return Finding(error.path, error.line, error.column, rule, message)


@dataclass(frozen=True, slots=True)
class Options:
    policies: tuple[str, ...] = ()
    """Benchmarks whose check ids exceptions, plans and cases may name (default: the linted
    benchmarks and the shipped ones)."""
    expiring_days: int = 30
    today: date = field(default_factory=date.today)
    allow_outside: tuple[Path, ...] = ()
    """Folders out of the repository that manifests and test cases may name."""


@dataclass(frozen=True, slots=True)
class Result:
    files: int
    findings: tuple[Finding, ...]
    benchmarks: frozenset[Path] = frozenset()
    """The benchmark files that compiled (resolved paths)."""

    def count(self, level: Level) -> int:
        return sum(finding.level is level for finding in self.findings)
