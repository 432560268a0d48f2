"""Benchmark loading: every good example compiles; every bad one fails with the exact
position and message written in its first line (``# error: LINE:COL: MESSAGE``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.core.errors import PolicyError
from checker.core.globs import compile_glob
from checker.kinds import Kind
from checker.policy.load import load_benchmark, load_benchmarks, resolve
from checker.policy.schemas import schema
from checker.policy.select import select
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data" / "policies"
LINT_GOOD = Path(__file__).parent / "data" / "lint" / "good"
BAD = sorted((DATA / "bad").glob("*.yaml"))
GOOD = sorted((DATA / "good").glob("*.yaml"))


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_policy_names_file_line_and_key(path: Path) -> None:
    expected = path.read_text().splitlines()[0].removeprefix("# error: ")
    with pytest.raises(PolicyError) as caught:
        load_benchmark(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    assert expected in message.removeprefix(f"{path}:")


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_policy_compiles(path: Path) -> None:
    benchmark = load_benchmark(path)
    assert benchmark.checks
    assert all(check.info.origin.line for check in benchmark.checks)


def test_setting_references_compile_to_canonical_keys() -> None:
    benchmark = load_benchmark(DATA / "good" / "all-references.yaml")
    keys = [(check.kind, check.key) for check in benchmark.checks]
    assert keys == [
        (Kind.REGISTRY, "hklm\\software\\x!y"),
        (Kind.SECURITY, "system access/minimumpasswordlength"),
        (Kind.PRIVILEGE, "sedebugprivilege"),
        (Kind.AUDIT, "credential validation"),
        (Kind.SERVICE, "xboxgipsvc"),
        (Kind.FIREWALL, "domain/enablefirewall"),
        (None, "registry.*.value | length(@)"),
        (Kind.INTUNE, "device_vendor_msft_policy_config_defender_allowrealtimemonitoring"),
    ]


def test_duplicate_ids_across_benchmarks(tmp_path: Path) -> None:
    source = (DATA / "good" / "all-references.yaml").read_text()
    (tmp_path / "a.yaml").write_text(source)
    (tmp_path / "b.yaml").write_text(source.replace("id: sample\n", "id: other\n"))
    with pytest.raises(PolicyError, match=r"duplicate check id 'sample\.one'"):
        load_benchmarks([str(tmp_path)])


def test_unknown_policy_name_lists_shipped() -> None:
    with pytest.raises(PolicyError, match="no benchmark file, folder or shipped name 'nope'"):
        resolve("nope")


@pytest.mark.parametrize(
    ("checks", "categories", "skip", "kept"),
    [
        ((), (), (), 8),
        (("s.*",), (), (), 7),
        ((), ("accounts",), (), 2),
        (("s.*",), ("accounts",), ("s.3",), 1),
    ],
)
def test_select(
    checks: tuple[str, ...], categories: tuple[str, ...], skip: tuple[str, ...], kept: int
) -> None:
    benchmarks = [load_benchmark(DATA / "good" / "all-references.yaml")]
    assert len(select(benchmarks, checks, categories, skip)[0].checks) == kept


def test_schema_ships_with_the_package() -> None:
    assert schema("benchmark")["title"] == "baseliner benchmark"


@pytest.mark.parametrize(
    ("glob", "matches", "misses"),
    [
        ("*se[st]*", ["rights-sesecurity", "RIGHTS-SETCB"], ["rights-sebackup"]),
        ("*se[!st]*", ["rights-sebackup"], ["rights-setcb"]),
        ("a.?", ["a.b", "A.B"], ["axb", "a.bc"]),
        ("*", ["", "anything"], []),
        ("[", ["["], ["x"]),  # an unclosed bracket is itself
    ],
)
def test_globs_are_shell_patterns(glob: str, matches: list[str], misses: list[str]) -> None:
    """``[seq]`` was taken literally, so a selection like ``*se[st]*`` ran nothing."""
    pattern = compile_glob(glob)
    assert all(pattern.fullmatch(text) for text in matches)
    assert not any(pattern.fullmatch(text) for text in misses)


def test_a_policy_file_that_is_not_text_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(b"id: x\ntitle: \xff\n")
    with pytest.raises(PolicyError) as caught:
        load_benchmark(path)
    assert str(caught.value) == f"{path}: not valid UTF-8 text: invalid start byte (byte 13)"


def test_a_policy_repository_folder_loads_its_benchmarks_only() -> None:
    """Its exceptions, plans and targets files, cases and hidden files (a
    .pre-commit-config.yaml) are passed over; each used to stop the run."""
    repo = ROOT / "examples" / "policy-repo"
    ids = [b.info.id for b in load_benchmarks([str(repo)])]
    assert ids == [b.info.id for b in load_benchmarks([str(repo / "benchmarks")])]
    assert ids


def test_another_kind_of_file_named_as_a_benchmark_is_an_error() -> None:
    path = ROOT / "examples" / "policy-repo" / "plans.yaml"
    with pytest.raises(PolicyError) as caught:
        load_benchmarks([str(path)])
    assert str(caught.value) == f"{path}:1: not a benchmark: it has 'plans' at the top level"


def test_hidden_files_of_a_policy_folder_are_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".ci.yml").write_text("stages: [x]\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "workflow.yaml").write_text("on: push\n")
    (tmp_path / "b.yaml").write_text((LINT_GOOD / "contoso.yaml").read_text())
    assert [b.info.id for b in load_benchmarks([str(tmp_path)])] == ["contoso-base"]
