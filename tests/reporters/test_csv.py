"""Recommendations CSV: golden files, RFC 4180 with a BOM, formula safety, plan columns."""

from __future__ import annotations

import codecs
import csv as stdlib_csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from checker.core.results import PlanItem, PlanState, Report
from checker.reporters import csv
from tests.reporters import factory
from tests.reporters.conftest import CASES, Golden


def rows(data: bytes) -> list[list[str]]:
    return list(stdlib_csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, golden: Golden) -> None:
    golden(f"{case}.csv", csv.render(CASES[case]()))


def test_bom_crlf_and_header(fleet_1k: Report) -> None:
    data = csv.render(fleet_1k)
    assert data.startswith(codecs.BOM_UTF8)
    assert data.count(b"\r\n") == data.count(b"\n") == len(rows(data))
    assert rows(data)[0] == list(csv.HEADER)


def test_headers_are_defenders_in_its_order_then_baselines(shared: Path) -> None:
    """The header row of Defender Vulnerability Management's real export (its second line:
    the first names the export and its date), exactly, then baseliner's columns."""
    export = shared / "corpus" / "mdvm" / "export-tvm-security-recommendations.csv"
    defender = rows(export.read_bytes())[1]
    assert list(csv.DEFENDER_COLUMNS) == defender
    header = rows(csv.render(factory.fleet_of_three()))[0]
    assert header[: len(defender)] == defender
    assert header[len(defender) :] == [*csv.CHECK_COLUMNS, *csv.PLAN_COLUMNS]


def test_rows_exposed_first_most_impact_first_then_undecided(fleet_1k: Report) -> None:
    body = rows(csv.render(fleet_1k))[1:]
    exposed = [check for check in fleet_1k.fleet.checks if check.exposed]
    status = csv.HEADER.index("Status")
    assert all(row[status] in ("Active", "Partial exception") for row in body[: len(exposed)])
    assert {row[status] for row in body[len(exposed) :]} <= {"Uncertain", "Error"}
    impacts = [
        float(row[csv.HEADER.index("Configuration Score impact")]) for row in body[: len(exposed)]
    ]
    assert impacts == sorted(impacts, reverse=True)


def test_uncertain_results_have_rows_with_their_status_and_reason() -> None:
    body = rows(csv.render(factory.edge_cases()))[1:]
    by_id = {row[csv.HEADER.index("Check ID")]: row for row in body}
    uncertain = by_id["MS-OS-003"]
    assert uncertain[csv.HEADER.index("Status")] == "Uncertain"
    assert uncertain[csv.HEADER.index("Uncertain Machines")] == "1"
    assert "uncertain" in uncertain[csv.HEADER.index("Results")]
    assert uncertain[csv.HEADER.index("Reason")].startswith("LAPTOP-ÉTÉ: uncertain: ")


@pytest.mark.parametrize(
    ("title", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("+1", "+1"),
        ("-2.5", "-2.5"),
        ("Plain, with comma", "Plain, with comma"),
    ],
)
def test_formulas_are_neutralised_only_where_they_would_run(title: str, cell: str) -> None:
    fleet_check = factory.single_device().fleet.checks[0]
    renamed = replace(fleet_check, check=replace(fleet_check.check, title=title))
    assert csv.row(renamed, None)[0] == cell


@pytest.mark.parametrize("expected", ["== 0", ">= 14", "-1", "@ == `1`"])
def test_expected_values_and_numbers_are_never_guarded(expected: str) -> None:
    fleet_check = factory.single_device().fleet.checks[0]
    changed = replace(fleet_check, check=replace(fleet_check.check, expected=expected))
    cells = csv.row(changed, None)
    assert cells[csv.HEADER.index("Expected")] == expected
    for column in ("Exposed Machines", "Total Machines", "Configuration Score impact"):
        assert not cells[csv.HEADER.index(column)].startswith("'")


def test_plan_columns_show_open_overdue_and_resolved() -> None:
    report = factory.single_device()
    exposed = [c.check.id for c in report.fleet.checks if c.exposed]
    passing = next(c.check.id for c in report.fleet.checks if not c.exposed)
    items = (
        PlanItem(exposed[0], "2026-01-31", "secops", PlanState.OVERDUE, 1, 1, notes="CHG-42"),
        PlanItem(exposed[1], "2027-01-31", "netops", PlanState.OPEN, 1, 1),
        PlanItem(passing, "2026-06-30", "secops", PlanState.RESOLVED, 0, 1),
    )
    body = rows(csv.render(replace(report, plan=items)))[1:]
    planned = {
        r[csv.HEADER.index("Check ID")]: (r[csv.HEADER.index("Status")], *r[-4:]) for r in body
    }
    assert planned[exposed[0]] == ("Active", "overdue", "2026-01-31", "secops", "CHG-42")
    assert planned[exposed[1]] == ("Active", "open", "2027-01-31", "netops", "")
    assert planned[passing] == ("Completed", "resolved", "2026-06-30", "secops", "")


def test_partial_exception_status() -> None:
    body = rows(csv.render(factory.edge_cases()))[1:]
    statuses = {row[csv.HEADER.index("Check ID")]: row[csv.HEADER.index("Status")] for row in body}
    assert statuses == {
        "MS-SC-004": "Active",
        "MS-ACC-001": "Partial exception",
        "MS-NET-002": "Error",
        "MS-OS-003": "Uncertain",
    }
