"""Security recommendations as CSV, shaped like Defender Vulnerability Management's export.

One row per check that leaves at least one device exposed (``FleetCheck.exposed > 0``), the
most score to gain first.  The first columns follow MDVM's "Security recommendations" export
(recommendation, related component, exposed and total devices, status, type, configuration
score impact, tags) so the file reads like the one security teams already triage; then the
check's own data (severity, id, benchmark, setting, expected value, remediation, references);
then the remediation-plan columns (``PLAN_COLUMNS``), filled by the ``plan`` argument and empty
by default.

RFC 4180: every line ends in CRLF, fields are quoted when needed; UTF-8 with a BOM so Excel
detects the encoding.  Text fields starting with ``= + - @`` are prefixed with ``'`` so a
spreadsheet does not run them as formulas (titles and remediation come from policy files).
"""

from __future__ import annotations

import codecs
import csv
import io

from checker.core.results import FleetCheck, PlanItem, Report
from checker.core.statuses import Status
from checker.core.text import utf8
from checker.reporters import findings

MDVM_COLUMNS = (
    "Security recommendation",
    "Related component",
    "Exposed devices",
    "Total devices",
    "Status",
    "Type",
    "Configuration score impact",
    "Tags",
)
CHECK_COLUMNS = (
    "Severity",
    "Check ID",
    "Benchmark",
    "Setting",
    "Expected",
    "Remediation",
    "References",
)
PLAN_COLUMNS = ("Plan status", "Due date", "Owner", "Notes")
HEADER = MDVM_COLUMNS + CHECK_COLUMNS + PLAN_COLUMNS

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render(report: Report) -> bytes:
    """The recommendations CSV as UTF-8 bytes with a BOM.

    One row per check that leaves a target exposed, then one per planned check that no
    longer does (its plan status ``resolved``), so a plan's progress shows in the export.
    """
    plans = {item.check: item for item in report.plan}
    rows = findings.recommendations(report)
    rows += [c for c in report.fleet.checks if not c.exposed and c.check.id in plans]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for fleet_check in rows:
        writer.writerow(row(fleet_check, plans.get(fleet_check.check.id)))
    return codecs.BOM_UTF8 + utf8(buffer.getvalue())


def row(fleet_check: FleetCheck, plan: PlanItem | None) -> list[str]:
    check = fleet_check.check
    cells = [
        _text(check.title),
        findings.CATEGORY_LABELS[check.category],
        str(fleet_check.exposed),
        str(fleet_check.total),
        _status(fleet_check),
        "Configuration change",
        findings.points(fleet_check.score_impact),
        _text(", ".join(check.tags)),
        check.severity.value,
        _text(check.id),
        _text(check.benchmark),
        _text(check.setting),
        _text(check.expected),
        _text(check.remediation),
        _text(", ".join(check.references)),
    ]
    planned = (plan.state.value, plan.due, plan.owner, plan.notes or "") if plan else ("",) * 4
    return cells + [_text(value) for value in planned]


def _status(fleet_check: FleetCheck) -> str:
    """MDVM's wording: exceptions on some devices make the recommendation partial."""
    exempt = findings.status_count(fleet_check, (Status.EXEMPT,))
    if not fleet_check.exposed:
        return "Exception" if exempt else "Completed"
    return "Partial exception" if exempt else "Active"


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
