"""Security recommendations as CSV, column for column Defender Vulnerability Management's
"Security recommendations" export.

The first columns are the export's own (``DEFENDER_COLUMNS``, its exact headers in its
order), so a sheet, a Power BI model or a script made for the export reads this file too:
what applies to a configuration recommendation is filled (recommendation, related component,
exposed and total machines, status, type, configuration score impact, tags), what does not
(weaknesses, threats, exposure score, end of support) is left empty in its column.  Then
baseliner's own columns (``CHECK_COLUMNS``): the check's data and its results across the
fleet; then the remediation-plan columns (``PLAN_COLUMNS``).

Rows: each check that leaves at least one device exposed, the most score to gain first
(MDVM status ``Active``, or ``Partial exception`` when exceptions cover some devices); then
each check that no device fails but some are ``uncertain`` or in ``error`` on (status
``Uncertain`` or ``Error``, with the reason of the first such device); then each planned
check that no longer exposes a device (``Completed``, its plan ``resolved``).

RFC 4180: every line ends in CRLF, fields are quoted when needed; UTF-8 with a BOM so Excel
detects the encoding.  A text cell that a spreadsheet would run as a formula (it starts with
``= + - @``, a tab or a carriage return, and is not a number) is prefixed with ``'``: titles,
remediation and names come from policy files and exports.  Numbers are never touched, nor
expected values (``== 0``, ``>= 14``): baseliner's own notation, an operator then a JSON value
or a JMESPath that compiled, which no spreadsheet runs as a formula.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable

from checker.core.results import FleetCheck, PlanItem, Report, TargetReport
from checker.core.statuses import Status
from checker.core.text import utf8
from checker.reporters import findings

DEFENDER_COLUMNS = (
    "Security recommendation",
    "Weaknesses",
    "Related component",
    "Has Exploit",
    "Has Known Threats",
    "Has Associated Alerts",
    "Exposed Machines",
    "Total Machines",
    "Status",
    "Type",
    "Exposure Score impact",
    "Configuration Score impact",
    "EOS software state",
    "EOS software from",
    "Has EOS Versions",
    "Has Upcoming EOS Versions",
    "Tags",
)
"""The headers of Defender Vulnerability Management's export, in its order."""
CHECK_COLUMNS = (
    "Severity",
    "Check ID",
    "Benchmark",
    "Setting",
    "Expected",
    "Remediation",
    "References",
    "Results",
    "Uncertain Machines",
    "Reason",
)
PLAN_COLUMNS = ("Plan status", "Due date", "Owner", "Notes")
HEADER = DEFENDER_COLUMNS + CHECK_COLUMNS + PLAN_COLUMNS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
_UNDECIDED = (Status.UNCERTAIN, Status.ERROR)


def render(report: Report) -> bytes:
    """The recommendations CSV as UTF-8 bytes with a BOM."""
    plans = {item.check: item for item in report.plan}
    exposed = findings.recommendations(report)
    undecided = [
        c for c in report.fleet.checks if not c.exposed and findings.status_count(c, _UNDECIDED)
    ]
    resolved = [
        c
        for c in report.fleet.checks
        if c.check.id in plans and not c.exposed and c not in undecided
    ]
    reasons = _reasons(report.targets) if any(_undecided(c) for c in report.fleet.checks) else {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for fleet_check in [*exposed, *undecided, *resolved]:
        reason = reasons.get(fleet_check.check.id, "")
        writer.writerow(row(fleet_check, plans.get(fleet_check.check.id), reason))
    return codecs.BOM_UTF8 + utf8(buffer.getvalue())


def row(fleet_check: FleetCheck, plan: PlanItem | None, reason: str = "") -> list[str]:
    check = fleet_check.check
    defender = {
        "Security recommendation": _text(check.title),
        "Related component": findings.CATEGORY_LABELS[check.category],
        "Exposed Machines": str(fleet_check.exposed),
        "Total Machines": str(fleet_check.total),
        "Status": _status(fleet_check),
        "Type": "Configuration change",
        "Configuration Score impact": findings.points(fleet_check.score_impact),
        "Tags": _text(", ".join(check.tags)),
    }
    cells = [defender.get(column, "") for column in DEFENDER_COLUMNS]
    cells += [
        check.severity.value,
        _text(check.id),
        _text(check.benchmark),
        _text(check.setting),
        check.expected,
        _text(check.remediation),
        _text(", ".join(check.references)),
        _results(fleet_check),
        str(findings.status_count(fleet_check, (Status.UNCERTAIN,))),
        _text(reason),
    ]
    planned = (plan.state.value, plan.due, plan.owner, plan.notes or "") if plan else ("",) * 4
    return cells + [_text(value) for value in planned]


def _status(fleet_check: FleetCheck) -> str:
    """MDVM's wording: exceptions on some devices make the recommendation partial; a check
    that no device fails but some are undecided on says so."""
    exempt = findings.status_count(fleet_check, (Status.EXEMPT,))
    if fleet_check.exposed:
        return "Partial exception" if exempt else "Active"
    if findings.status_count(fleet_check, (Status.ERROR,)):
        return "Error"
    if findings.status_count(fleet_check, (Status.UNCERTAIN,)):
        return "Uncertain"
    return "Exception" if exempt else "Completed"


def _results(fleet_check: FleetCheck) -> str:
    """Every status and its count of devices: ``fail 3; uncertain 1; pass 12``."""
    counts = dict(fleet_check.statuses)
    return "; ".join(f"{status.value} {counts[status]}" for status in Status if counts.get(status))


def _undecided(fleet_check: FleetCheck) -> bool:
    return bool(findings.status_count(fleet_check, _UNDECIDED))


def _reasons(targets: Iterable[TargetReport]) -> dict[str, str]:
    """The first uncertain or error reason per check, in target order (one pass)."""
    out: dict[str, str] = {}
    for target in targets:
        for result in target.results:
            if result.status in _UNDECIDED and result.check.id not in out:
                out[result.check.id] = f"{target.name}: {findings.why(result)}"
    return out


def _text(value: str) -> str:
    """``value``, with ``'`` before it when a spreadsheet would run it as a formula."""
    if value.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
