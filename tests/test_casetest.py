"""Policy unit tests: cases files, the runner, ``baseliner test``, and the shipped cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema

from checker.core.errors import PolicyError
from checker.core.statuses import Status
from checker.kinds import Kind
from checker.policy.compile import Benchmark
from checker.repo import casetest
from tests.conftest import ROOT, SHARED
from tests.test_lint import baseliner
from tools import make_cases

POLICIES = sorted((ROOT / "policies").glob("*.yaml"))
CASES_DIR = ROOT / "policies" / "tests"
GOOD = ROOT / "tests" / "data" / "lint" / "good"


@pytest.fixture(scope="module")
def shipped_cases() -> dict[str, casetest.CasesFile]:
    """Every shipped benchmark's cases file, loaded once (a benchmark compiled once)."""
    loaded: dict[Path, Benchmark] = {}
    found = {}
    for benchmark in POLICIES:
        path = CASES_DIR / f"{benchmark.stem}.cases.yaml"
        if path.is_file():
            found[benchmark.stem] = casetest.load_cases(path, loaded)
    return found


@pytest.mark.parametrize("name", [p.stem for p in POLICIES])
def test_every_shipped_check_has_a_passing_and_a_failing_case(
    name: str, shipped_cases: dict[str, casetest.CasesFile]
) -> None:
    assert name in shipped_cases, f"no policies/tests/{name}.cases.yaml"
    # A failing case is one that fails the check: a wrong value, or the setting unset (a
    # check that accepts every configured value can only fail that way).
    failing = {Status.FAIL, Status.NOT_CONFIGURED}
    untested = {
        check: {"pass": Status.PASS in got, "fail": bool(got & failing)}
        for check, got in casetest.coverage(shipped_cases[name]).items()
        if Status.PASS not in got or not got & failing
    }
    assert untested == {}


@pytest.mark.parametrize("name", [p.stem for p in POLICIES])
def test_shipped_cases_pass(name: str, shipped_cases: dict[str, casetest.CasesFile]) -> None:
    failed = [
        (r.case, [str(m) for m in r.mismatches], [str(e) for e in r.errors])
        for r in casetest.run([shipped_cases[name]])
        if not r.passed
    ]
    assert failed == []


def test_generated_cases_are_up_to_date() -> None:
    assert make_cases.main(["--check"]) == 0, "run: python -m tools.make_cases"


def test_baseliner_test_policies_passes() -> None:
    result = baseliner("test", ROOT / "policies")
    assert result.code == 0, result.out
    loaded: dict[Path, Benchmark] = {}
    files = casetest.find_cases([CASES_DIR])
    cases = sum(len(casetest.load_cases(path, loaded).cases) for path in files)
    assert result.out.splitlines()[-1] == f"{cases} passed, 0 failed"


# -- the runner on small files -----------------------------------------------------------------

FAILING = """\
benchmark: ../good/contoso.yaml
cases:
  - name: compliant
    state:
      security:
        System Access/MinimumPasswordLength: 14
    expect:
      contoso.password-length: pass
      contoso.defender-realtime: pass
  - name: off by one
    state:
      security: {System Access/MinimumPasswordLength: 13}
    expect:
      contoso.password-length: pass
      contoso.renamed: fail
"""


@pytest.fixture()
def failing_file(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (tmp_path / "good").symlink_to(GOOD)
    path = folder / "contoso.cases.yaml"
    path.write_text(FAILING)
    return path


def test_results_name_the_mismatching_checks(failing_file: Path) -> None:
    results = casetest.run([casetest.load_cases(failing_file)])
    assert [(r.case, r.line, r.passed) for r in results] == [
        ("compliant", 3, False),
        ("off by one", 10, False),
    ]
    assert [str(m) for r in results for m in r.mismatches] == [
        "contoso.defender-realtime: expected pass, got not_configured (actual (none); "
        "setting not found in any source)",
        "contoso.password-length: expected pass, got fail (actual 13)",
        "contoso.renamed: expected fail, but the benchmark has no such check",
    ]
    assert [m.line for r in results for m in r.mismatches] == [9, 14, 15]


def test_cli_reports_failures_and_exits_1(failing_file: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = baseliner("test", failing_file.parent, "-o", f"junit={junit}")
    assert result.code == 1
    assert result.out.splitlines() == [
        f"FAILED {failing_file}:3 compliant",
        "    line 9: contoso.defender-realtime: expected pass, got not_configured "
        "(actual (none); setting not found in any source)",
        f"FAILED {failing_file}:10 off by one",
        "    line 14: contoso.password-length: expected pass, got fail (actual 13)",
        "    line 15: contoso.renamed: expected fail, but the benchmark has no such check",
        "0 passed, 2 failed",
    ]
    assert result.err == "2 case(s) failed\n"
    _valid_junit(junit.read_text(encoding="utf-8"))
    assert 'failures="2"' in junit.read_text(encoding="utf-8")


def test_cli_passes_and_writes_junit(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    result = baseliner("test", GOOD / "tests", "-o", f"junit={junit}", "-v")
    assert result.code == 0
    assert result.out.splitlines()[-1] == "4 passed, 0 failed"
    assert result.out.count("PASSED ") == 4
    _valid_junit(junit.read_text(encoding="utf-8"))


def _valid_junit(text: str) -> None:
    xsd = SHARED / "schemas" / "junit-10.xsd"
    if xsd.is_file():
        xmlschema.XMLSchema(str(xsd)).validate(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("benchmark: nosuch\ncases: []\n", "no benchmark file, folder or shipped name 'nosuch'"),
        ("cases: []\n", "'benchmark' is required"),
        (
            "benchmark: ../good/contoso.yaml\ncases:\n  - name: a\n    expect: {x: pass}\n",
            "needs one of state, export",
        ),
        (
            "benchmark: ../good/contoso.yaml\ncases:\n"
            "  - {name: a, state: {}, expect: {x: pass}}\n"
            "  - {name: a, state: {}, expect: {x: pass}}\n",
            "duplicate case name 'a' (first at line 3)",
        ),
        (
            "benchmark: ../good/contoso.yaml\ncases:\n"
            "  - {name: a, state: {registry: {'HKLM\\Software\\X': 1}}, expect: {x: pass}}\n",
            "registry setting 'HKLM\\\\Software\\\\X' needs 'KEY!ValueName'",
        ),
        (
            "benchmark: ../good/contoso.yaml\ncases:\n"
            "  - {name: a, export: nowhere, expect: {x: pass}}\n",
            "export 'nowhere' does not exist (paths are relative to the file)",
        ),
        (
            "benchmark: ../good/contoso.yaml\ncases:\n"
            "  - {name: a, state: {audit: {Logon: Yes}}, expect: {x: pass}}\n",
            "is not one of ['No Auditing', 'Success', 'Failure', 'Success and Failure']",
        ),
    ],
    ids=["benchmark", "required", "state-or-export", "names", "registry", "export", "audit"],
)
def test_bad_cases_files(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "good").symlink_to(GOOD)
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "x.cases.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        casetest.load_cases(path)
    assert message in caught.value.message
    result = baseliner("test", path)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"policy error: {path}")


@pytest.mark.parametrize(
    ("written", "fact"),
    [
        ("1", (1, "REG_DWORD", False)),
        # A number with no fraction is a JSON Schema "integer"; it was an internal error.
        ("1.5e+3", (1500, "REG_DWORD", False)),
        ("{value: 2.0, type: REG_QWORD}", (2, "REG_QWORD", False)),
        ("x", ("x", "REG_SZ", False)),
        ("[a, b]", (["a", "b"], "REG_MULTI_SZ", False)),
        ("null", (None, "REG_NONE", False)),
        ("{value: '%x%', type: REG_EXPAND_SZ}", ("%x%", "REG_EXPAND_SZ", False)),
        ("{deleted: true}", (None, "REG_NONE", True)),
    ],
)
def test_registry_state_values_become_typed_facts(
    tmp_path: Path, written: str, fact: tuple[object, ...]
) -> None:
    path = tmp_path / "x.cases.yaml"
    path.write_text(
        f"benchmark: {GOOD / 'contoso.yaml'}\ncases:\n  - name: a\n    state:\n"
        f"      registry:\n        'HKLM\\Software\\K!V': {written}\n    expect: {{x: pass}}\n"
    )
    cases = casetest.load_cases(path)
    target, errors = casetest.target_of(cases, cases.cases[0])
    assert target is not None and errors == []
    made = target.lookup(Kind.REGISTRY, "hklm\\software\\k!v")
    assert made is not None
    assert (made.value, made.type, made.deleted) == fact
    assert not isinstance(made.value, float)  # 1500.0 == 1500, but reports show 1500.0
    assert (made.origin.path, made.origin.line) == (str(path), 6)
