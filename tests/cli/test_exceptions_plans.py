"""Exceptions and remediation plans on fixtures/gpo/misconfigured (fixtures/exceptions)."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from tests.cli.run import baseliner
from tests.conftest import FIXTURES

TODAY = "2026-11-28"
ARGS = (
    "check",
    FIXTURES / "gpo" / "misconfigured",
    "--policy",
    "msft-windows11-24h2",
    "--today",
    TODAY,
    "-o",
    "json",
)
EXCEPTIONS = FIXTURES / "exceptions" / "exceptions.yaml"
PLANS = FIXTURES / "exceptions" / "plans.yaml"


@pytest.fixture(scope="module")
def plain() -> dict[str, Any]:
    return json.loads(baseliner(*ARGS).out)


@pytest.fixture(scope="module")
def excepted() -> tuple[int, dict[str, Any], str]:
    done = baseliner(*ARGS, "--exceptions", EXCEPTIONS, "--plan", PLANS)
    return done.code, json.loads(done.out), done.err


def _results(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["check"]: r for r in document["targets"][0]["results"]}


@pytest.mark.parametrize(
    ("check", "justification", "credited"),
    [
        ("msft-w11-24h2-defender-disablerealtimemonitoring", "third_party_control", True),
        ("msft-w11-24h2-password-minimumpasswordlength", "alternate_mitigation", True),
        ("msft-w11-24h2-audit-credential-validation", "risk_accepted", False),
        ("msft-w11-24h2-smb-requireencryption", "planned_remediation", False),
    ],
)
def test_each_justification(
    excepted: tuple[int, dict[str, Any], str], check: str, justification: str, credited: bool
) -> None:
    result = _results(excepted[1])[check]
    assert (result["status"], result["exception"]) == ("exempt", justification)
    exposed = {c["check"]: c["exposed"] for c in excepted[1]["fleet"]["checks"]}
    assert exposed[check] == (0 if credited else 1)


def test_score_credits_only_mitigations(
    plain: dict[str, Any], excepted: tuple[int, dict[str, Any], str]
) -> None:
    before, after = plain["targets"][0]["score"], excepted[1]["targets"][0]["score"]
    results = _results(plain)
    credited = sum(
        results[c]["impact"]
        for c in (
            "msft-w11-24h2-defender-disablerealtimemonitoring",
            "msft-w11-24h2-password-minimumpasswordlength",
        )
    )
    assert after["max_points"] == before["max_points"]
    assert Fraction(after["points"]) == Fraction(before["points"]) + credited


def test_exempt_results_do_not_gate(excepted: tuple[int, dict[str, Any], str]) -> None:
    code, document, err = excepted
    failing = [r for r in document["targets"][0]["results"] if r["status"] == "fail"]
    assert code == 1
    assert f"gate failed: {len(failing)} result(s) fail/not_configured" in err
    assert len(failing) == 5


def test_expired_and_unmatched_exceptions_are_reported(
    excepted: tuple[int, dict[str, Any], str],
) -> None:
    _, document, err = excepted
    assert document["warnings"] == [
        {
            "path": str(EXCEPTIONS),
            "position": "line 25",
            "message": "exception expired on 2026-01-31; no longer applied",
        },
        {
            "path": str(EXCEPTIONS),
            "position": "line 30",
            "message": "exception matches no failing result",
        },
    ]
    expired = _results(document)["msft-w11-24h2-user-rights-sesecurityprivilege"]
    assert expired["status"] == "fail"
    assert f"warning: {EXCEPTIONS}: line 25: exception expired" in err


def test_plan_states(excepted: tuple[int, dict[str, Any], str]) -> None:
    states = {item["check"]: item["state"] for item in excepted[1]["plan"]}
    assert states == {
        "msft-w11-24h2-logon-enumerateadministrators": "overdue",
        "msft-w11-24h2-os-letappsactivatewithvoiceabovelock": "open",
        "msft-w11-24h2-defender-disablerealtimemonitoring": "open",
        "msft-w11-24h2-uac-enablelua": "resolved",
    }


def test_csv_shows_open_overdue_and_resolved(tmp_path: Any) -> None:
    out = tmp_path / "r.csv"
    baseliner(*ARGS[:-2], "--plan", PLANS, "-o", f"csv={out}")
    text = out.read_bytes().decode("utf-8-sig")
    assert ",overdue,2026-10-31,desktop@contoso.example,Overdue on purpose." in text
    assert ",open,2027-01-15,desktop@contoso.example," in text
    assert ',resolved,2026-09-30,desktop@contoso.example,"Fixed already, so resolved."' in text


@pytest.mark.parametrize(
    ("option", "text", "error"),
    [
        (
            "--exceptions",
            "exceptions:\n  - checks: x\n    justification: because\n    reason: r\n"
            "    owner: o\n    expires: 2027-01-01\n",
            ":3:20: 'because' is not one of",
        ),
        # The shape of a date is the schema's; a day the calendar has not was an internal
        # error (for a plan, after the whole run).
        (
            "--exceptions",
            "exceptions:\n  - checks: x\n    justification: risk_accepted\n    reason: r\n"
            "    owner: o\n    expires: '2027-02-30'\n",
            ":6:14: '2027-02-30' is not a date: day is out of range for month at "
            "exceptions[0].expires",
        ),
        (
            "--plan",
            "plans:\n  - checks: x\n    due: '2027-01-01'\n    owner: o\n"
            "  - checks: y\n    due: '2027-13-01'\n    owner: o\n",
            ":6:10: '2027-13-01' is not a date: month must be in 1..12 at plans[1].due",
        ),
    ],
)
def test_bad_exceptions_or_plans_file_is_exit_2(
    tmp_path: Any, option: str, text: str, error: str
) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(text)
    done = baseliner(*ARGS, option, bad)
    assert done.code == 2
    assert f"{bad}{error}" in done.err
