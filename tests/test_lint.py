"""``baseliner lint``: every policy-repository file, findings with positions, three formats."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from checker.cli import main
from checker.repo.findings import RULES
from tests.conftest import ROOT, SHARED

DATA = ROOT / "tests" / "data" / "lint"


@dataclass(frozen=True)
class Completed:
    code: int
    out: str
    err: str


def baseliner(*args: str | Path) -> Completed:
    """Run the CLI in-process; stdout is a real text stream (reporters write its buffer)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(arg) for arg in args])
        out.flush()
    return Completed(code, out.buffer.getvalue().decode("utf-8"), err.getvalue())


BAD_FINDINGS = [
    "bad/bad-jmespath.yaml:10:24: error: bad JMESPath 'length(@) = `3`': Invalid jmespath "
    "expression near '=' (character 11) at checks[0].assert [invalid]",
    "bad/bad-schema.cases.yaml:5:26: error: 'passed' is not one of ['pass', 'fail', "
    "'not_configured', 'uncertain', 'not_applicable', 'error'] at cases[0].expect.bare.check "
    "[invalid]",
    "bad/duplicate-id.yaml:13:5: error: duplicate check id 'dup.same' (first at line 4) at "
    "checks[1].id [invalid]",
    "bad/duplicate-key.yaml:8:5: error: duplicate key 'impact' [yaml-syntax]",
    "bad/exceptions.yaml:2: error: exception expired on 2025-01-01 (a@example.com); it no "
    "longer applies [expired-exception]",
    "bad/exceptions.yaml:7: warning: exception expires on 2025-03-10, in 18 day(s) "
    "(b@example.com) [expiring-exception]",
    "bad/exceptions.yaml:7: error: 'nosuch.*' names no known check [unknown-check]",
    "bad/family-a.yaml:4: error: duplicate check id 'shared.id' (also defined at "
    "bad/family-b.yaml:4) [duplicate-id]",
    "bad/family-b.yaml:4: error: duplicate check id 'shared.id' (also defined at "
    "bad/family-a.yaml:4) [duplicate-id]",
    "bad/family-b.yaml:13: warning: check 'other.id' duplicates 'shared.id' "
    "(bad/family-a.yaml:4): both read service:xboxgipsvc and expect == 4 [duplicate-check]",
    "bad/no-metadata.yaml:4: warning: check 'bare.check' has no references [missing-references]",
    "bad/no-metadata.yaml:4: warning: check 'bare.check' has no remediation [missing-remediation]",
    "bad/no-metadata.yaml:4: warning: check 'bare.check' has no test case expecting fail "
    "[untested-check]",
    "bad/plans.yaml:5: error: 'gone.check' names no known check [unknown-check]",
    "bad/targets.yaml:2: warning: source 'exports/missing' of the manifest does not exist "
    "[missing-source]",
    "bad/unknown-key.yaml:13:5: error: unknown key 'severty' (allowed: ...) at "
    "checks[0].severty [invalid]",
    "bad/unknown.cases.yaml:7: error: case 'renamed check' expects 'bare.renamed', not a "
    "check of no-metadata [unknown-check]",
    "13 file(s): 11 error(s), 6 warning(s)",
]


def _allowed_elided(text: str) -> str:
    """The schema's list of allowed keys grows with the format; the test is about the key."""
    return re.sub(r"\(allowed: [^)]*\)", "(allowed: ...)", text)


@pytest.fixture(autouse=True)
def _in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in findings are as given: relative to tests/data/lint."""
    monkeypatch.chdir(DATA)


@pytest.mark.parametrize(
    ("args", "code", "lines"),
    [
        (["good"], 0, ["7 file(s): 0 error(s), 0 warning(s)"]),
        (["good", "--strict"], 0, ["7 file(s): 0 error(s), 0 warning(s)"]),
        (["bad", "--today", "2025-02-20"], 2, BAD_FINDINGS),
        (
            ["bad/notes.yaml", "--repo", "bad"],
            0,
            [
                "bad/notes.yaml:1: warning: not a benchmark, exceptions, plans, targets or cases "
                "file [unrecognized]",
                "1 file(s): 0 error(s), 1 warning(s)",
            ],
        ),
        (
            ["bad/notes.yaml", "--strict", "--repo", "bad"],
            1,
            [
                "bad/notes.yaml:1: warning: not a benchmark, exceptions, plans, targets or cases "
                "file [unrecognized]",
                "1 file(s): 0 error(s), 1 warning(s)",
            ],
        ),
        (
            ["bad/exceptions.yaml", "--today", "2025-12-05", "--repo", "bad"],
            2,
            [
                "bad/exceptions.yaml:2: error: exception expired on 2025-01-01 (a@example.com);"
                " it no longer applies [expired-exception]",
                "bad/exceptions.yaml:7: error: exception expired on 2025-03-10 (b@example.com);"
                " it no longer applies [expired-exception]",
                "bad/exceptions.yaml:7: error: 'nosuch.*' names no known check [unknown-check]",
                "bad/exceptions.yaml:12: warning: exception expires on 2026-01-01, in 27 day(s) "
                "(c@example.com) [expiring-exception]",
                "1 file(s): 3 error(s), 1 warning(s)",
            ],
        ),
        (
            ["bad/exceptions.yaml", "--today", "2025-12-05", "--repo", "good"],
            2,
            [
                "bad/exceptions.yaml:2: error: exception expired on 2025-01-01 (a@example.com);"
                " it no longer applies [expired-exception]",
                "bad/exceptions.yaml:2: error: 'shared.id' names no known check [unknown-check]",
                "bad/exceptions.yaml:7: error: exception expired on 2025-03-10 (b@example.com);"
                " it no longer applies [expired-exception]",
                "bad/exceptions.yaml:7: error: 'nosuch.*' names no known check [unknown-check]",
                "bad/exceptions.yaml:7: error: 'other.id' names no known check [unknown-check]",
                "bad/exceptions.yaml:12: warning: exception expires on 2026-01-01, in 27 day(s) "
                "(c@example.com) [expiring-exception]",
                "bad/exceptions.yaml:12: error: 'bare.check' names no known check [unknown-check]",
                "1 file(s): 6 error(s), 1 warning(s)",
            ],
        ),
        (
            ["bad/plans.yaml", "--policy", "bad/no-metadata.yaml", "--repo", "bad"],
            2,
            [
                "bad/plans.yaml:5: error: 'gone.check' names no known check [unknown-check]",
                "1 file(s): 1 error(s), 0 warning(s)",
            ],
        ),
    ],
    ids=[
        "good",
        "good-strict",
        "bad",
        "unrecognized",
        "strict",
        "repo-ids",
        "other-repo",
        "policy",
    ],
)
def test_text_findings(args: list[str], code: int, lines: list[str]) -> None:
    result = baseliner("lint", *args)
    assert result.code == code
    assert _allowed_elided(result.out).splitlines() == lines


def test_a_profile_shares_its_base_ids() -> None:
    """contoso-strict extends contoso: same ids, one family, no duplicate-id."""
    result = baseliner("lint", "good/contoso.yaml", "good/contoso-strict.yaml", "--repo", "good")
    assert (result.code, result.out) == (0, "2 file(s): 0 error(s), 0 warning(s)\n")


def test_untested_checks_need_a_pass_and_a_fail_case(tmp_path: Path) -> None:
    benchmark = tmp_path / "base.yaml"
    benchmark.write_text((DATA / "good" / "contoso.yaml").read_text())
    (tmp_path / "tests").mkdir()
    cases = (DATA / "good" / "tests" / "contoso.cases.yaml").read_text()
    only_passing = cases.split("  - name: violating")[0].replace("../contoso.yaml", "../base.yaml")
    (tmp_path / "tests" / "base.cases.yaml").write_text(only_passing)
    result = baseliner("lint", benchmark, "--repo", tmp_path)
    assert result.out.splitlines() == [
        f"{benchmark}:5: warning: check 'contoso.defender-realtime' has no test case expecting "
        "fail [untested-check]",
        f"{benchmark}:14: warning: check 'contoso.password-length' has no test case expecting "
        "fail [untested-check]",
        "1 file(s): 0 error(s), 2 warning(s)",
    ]


def test_json() -> None:
    result = baseliner("lint", "bad", "--today", "2025-02-20", "--format", "json")
    document = json.loads(result.out)
    assert (result.code, document["files"], document["errors"], document["warnings"]) == (
        2,
        13,
        11,
        6,
    )
    first = document["findings"][0]
    assert first == {
        "path": "bad/bad-jmespath.yaml",
        "line": 10,
        "column": 24,
        "level": "error",
        "rule": "invalid",
        "message": "bad JMESPath 'length(@) = `3`': Invalid jmespath expression near '=' "
        "(character 11) at checks[0].assert",
    }


def test_sarif_is_valid_and_has_one_rule_per_lint_rule() -> None:
    schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.is_file():
        pytest.skip("../shared/schemas is not present")
    result = baseliner("lint", "bad", "--today", "2025-02-20", "--format", "sarif")
    log = json.loads(result.out)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == sorted(RULES)
    located = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in run["results"]
    ]
    assert len(located) == 17
    assert located[0] == ("invalid", "bad/bad-jmespath.yaml", 10)
    assert all(r["partialFingerprints"] for r in run["results"])


def test_shipped_policies_have_no_errors() -> None:
    result = baseliner("lint", ROOT / "policies")
    assert result.code == 0, result.out
    assert [line for line in result.out.splitlines() if ": error: " in line] == []


def test_a_missing_path_is_a_usage_error() -> None:
    result = baseliner("lint", "bad/missing.yaml")
    assert (result.code, result.out) == (2, "")
