"""Wording and selection shared by the CI reporters (JUnit, SARIF, Markdown, CSV).

Every reporter says "what is set, what was expected, where it was read" the same way, so a
finding reads alike in a Jenkins failure, a GitHub alert and a step summary.

Values are typed (DESIGN §9): wherever a failing value could print like what was expected
(a REG_SZ ``"2"`` against the number ``2``, a REG_DWORD where the check requires REG_SZ) or
like the other side of a conflict, it is shown with its type: ``"2" (REG_SZ)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from fractions import Fraction

from checker.core.results import FleetCheck, Gate, Report, Result
from checker.core.statuses import Category, Status
from checker.core.values import JSON, Fact
from checker.kinds import value_type

CATEGORY_LABELS: dict[Category, str] = {
    Category.APPLICATION: "Application",
    Category.OS: "OS",
    Category.NETWORK: "Network",
    Category.ACCOUNTS: "Accounts",
    Category.SECURITY_CONTROLS: "Security controls",
}
"""Category names as Defender Vulnerability Management shows them."""


def show(value: JSON) -> str:
    """A setting's value as people read it: strings bare, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def typed(value: JSON, type_name: str | None) -> str:
    """A value with its type: ``"2" (REG_SZ)``, ``2 (REG_DWORD)``; a value whose source names
    no type has the type its JSON value stands for."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if type_name is None:
        type_name = "string" if isinstance(value, str) else value_type(value)
    return f"{text} ({type_name})"


def _reads_as_other(text: str) -> bool:
    """Whether a string printed bare reads as a number, a boolean, null, a list or nothing."""
    try:
        return not isinstance(json.loads(text), str)
    except ValueError:
        return not text.strip()


def ambiguous(result: Result) -> bool:
    """Whether the value a result shows could be taken for what the check expects: a string
    that prints like a number (or like nothing), or a value of a type the check refuses."""
    value = result.actual
    if result.status is Status.PASS or value is None:
        return False
    if isinstance(value, str) and _reads_as_other(value):
        return True
    required = result.check.value_type
    return required is not None and (result.actual_type or value_type(value)) != required


def actual(result: Result) -> str:
    """What the target has (typed when :func:`ambiguous`), or why it has no value: no source
    sets it ("not configured"), or a source deletes it (a setting read from a source with no
    value: a registry.pol ``**del.``, an Intune setting disabled to a deletion)."""
    if result.status is Status.NOT_CONFIGURED or (result.actual is None and not result.origins):
        return "not configured"
    if result.actual is None:
        return "deleted by policy"
    return typed(result.actual, result.actual_type) if ambiguous(result) else show(result.actual)


def gate_line(gate: Gate) -> str:
    """The gate's verdict in one line: ``passed``, or ``failed: reason; reason``."""
    if gate.passed:
        return "passed"
    soft = " (--soft-fail: the run exits 0)" if gate.soft else ""
    return f"failed{soft}: {'; '.join(gate.reasons)}"


def sides(first: Fact, second: Fact) -> tuple[str, str]:
    """The values of two facts of one setting (a conflict), typed when they print alike."""
    one, other = show(first.value), show(second.value)
    strings = [value for value in (first.value, second.value) if isinstance(value, str)]
    if one == other or any(_reads_as_other(value) for value in strings):
        return typed(first.value, first.type), typed(second.value, second.type)
    return one, other


def verdict(result: Result) -> str:
    """One line: the setting, its value and the expectation it misses."""
    check = result.check
    return f"{check.setting} is {actual(result)}; expected {check.expected}"


def origins(result: Result) -> str:
    """Where the verdict's facts were read, or that no source sets the setting."""
    return ", ".join(str(origin) for origin in result.origins) or "not set by any source"


def why(result: Result) -> str:
    """Why a result is neither a pass nor a finding (uncertain, exempt, not applicable, error)."""
    reason = result.reason or "no reason given"
    if result.status is Status.EXEMPT:
        return f"exempt ({result.exception or 'no justification'}): {reason}"
    if result.status is Status.UNCERTAIN and result.via:
        return f"uncertain: {reason} (Intune setting {result.via})"
    return f"{result.status.value.replace('_', ' ')}: {reason}"


def points(value: Fraction) -> str:
    """Score points or percentage points, two decimals."""
    return f"{float(value):.2f}"


def listing(names: Sequence[str], shown: int, total: int | None = None) -> str:
    """``a, b, c and 12 more``: the first ``shown`` names and how many were left out."""
    total = len(names) if total is None else total
    head = ", ".join(names[:shown])
    rest = total - min(shown, len(names))
    return f"{head} and {rest:,} more" if rest > 0 else head


def status_count(check: FleetCheck, statuses: Iterable[Status]) -> int:
    """How many targets got one of ``statuses`` for ``check``."""
    wanted = frozenset(statuses)
    return sum(count for status, count in check.statuses if status in wanted)


def recommendations(report: Report) -> list[FleetCheck]:
    """Checks that leave at least one target exposed, the most score to gain first."""
    exposed = [check for check in report.fleet.checks if check.exposed]
    return sorted(exposed, key=lambda check: (-check.score_impact, check.check.id))


UNCERTAIN_WHY = (
    "The verdict depends on an Intune setting that maps only partly onto the setting the "
    "check reads, or that two Intune policies set differently, so it is left open."
)
"""Why uncertain results are uncertain, as the human-facing reports say it."""
