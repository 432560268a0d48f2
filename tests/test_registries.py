"""The three registries (export formats, check kinds, report formats) agree with everything
that depends on them: the modules, the schemas, the fixtures, the golden files, the CLI and
the docs.  A new format, kind or report that misses a step fails here (CONTRIBUTING.md)."""

from __future__ import annotations

import json
import pkgutil
from importlib import import_module
from pathlib import Path

import pytest

from checker import loaders
from checker.kinds import KINDS, SETTING_KEYS, Kind
from checker.loaders import FORMATS
from checker.policy.load import load_benchmark
from checker.repo.casetest import load_cases, run
from checker.reporters import REPORTERS, TASK_OUTPUTS
from checker.targets.discover import folder_format, sniff
from tests.cli.run import baseliner
from tests.conftest import FIXTURES, ROOT
from tools import gen_docs, gen_schemas

KINDS_DATA = ROOT / "tests" / "data" / "kinds"


# -- export formats ----------------------------------------------------------------------


def test_every_format_module_is_registered_under_its_name() -> None:
    modules = {
        info.name: import_module(f"checker.loaders.{info.name}")
        for info in pkgutil.iter_modules(loaders.__path__)
    }
    formats = {module.FORMAT: module for module in modules.values() if hasattr(module, "FORMAT")}
    assert formats == FORMATS


def _sniffed(path: Path) -> set[str]:
    """Formats of the exports at and below ``path``, those inside folder exports too."""
    if path.is_file():
        found = sniff(path)
        return {found} if found else set()
    own = folder_format(path)
    inside = {fmt for child in sorted(path.iterdir()) for fmt in _sniffed(child)}
    return inside | {own} if own else inside


def test_every_format_has_example_fixtures() -> None:
    assert _sniffed(FIXTURES) == set(FORMATS)


def test_unknown_files_name_every_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("nothing an export holds\n")
    done = baseliner("check", path, "--policy", "msft-windows11-24h2")
    assert done.code == 2
    assert all(loader.DESCRIPTION in done.err for loader in FORMATS.values()), done.err


# -- check kinds -------------------------------------------------------------------------


def test_kinds_are_registered_in_document_order() -> None:
    assert list(KINDS) == list(Kind)
    assert all(spec.kind is kind for kind, spec in KINDS.items())
    assert (*(kind.value for kind in Kind), "query") == SETTING_KEYS


@pytest.mark.parametrize("name", ["benchmark", "cases", "exceptions", "plans", "targets"])
def test_shipped_schemas_are_what_the_registry_makes(name: str) -> None:
    shipped = (ROOT / "checker" / "data" / f"{name}.schema.json").read_text("utf-8")
    assert shipped == gen_schemas.text(name), "run: python -m tools.gen_schemas"


def test_benchmark_schema_takes_one_reference_of_each_kind() -> None:
    check = json.loads(gen_schemas.text("benchmark"))["$defs"]["check"]
    assert [branch["required"] for branch in check["oneOf"]] == [[key] for key in SETTING_KEYS]
    assert all(key in check["properties"] for key in SETTING_KEYS)


def test_every_kind_has_a_check_and_cases() -> None:
    """tests/data/kinds: a check of every kind, each with a passing and a failing case."""
    benchmark = load_benchmark(KINDS_DATA / "every-kind.yaml")
    assert {check.kind for check in benchmark.checks} == {*Kind, None}
    cases = load_cases(KINDS_DATA / "every-kind.cases.yaml")
    results = run([cases])
    assert all(result.passed for result in results), [r.mismatches for r in results]
    expected = {(w.check, w.status) for case in cases.cases for w in case.expect}
    for check in benchmark.checks:
        assert {(check.info.id, "pass"), (check.info.id, "fail")} <= expected, check.info.id


def test_every_stated_kind_has_a_state_section() -> None:
    properties = json.loads(gen_schemas.text("cases"))["$defs"]["state"]["properties"]
    assert list(properties) == [kind.value for kind, spec in KINDS.items() if spec.state]


# -- report formats ----------------------------------------------------------------------


def test_check_offers_every_report_format() -> None:
    done = baseliner("check", "--help")
    assert all(name in done.out for name in [*REPORTERS, *TASK_OUTPUTS]), done.out


def test_task_outputs_and_reporters_do_not_share_a_name() -> None:
    """``-o NAME`` finds one of them: a report rendered on the driver, or a part per batch."""
    assert not set(REPORTERS) & set(TASK_OUTPUTS)


def test_every_task_output_has_golden_rows() -> None:
    golden = ROOT / "tests" / "cli" / "golden_rows"
    assert {path.suffixes[-2].lstrip(".") for path in golden.iterdir()} == set(TASK_OUTPUTS)


def test_every_report_format_has_golden_files() -> None:
    golden = ROOT / "tests" / "cli" / "golden"
    extensions = {path.suffix.lstrip(".") for path in golden.iterdir()}
    assert extensions == {reporter.extension for reporter in REPORTERS.values()}


# -- docs --------------------------------------------------------------------------------


def test_readme_tables_are_what_the_registries_say() -> None:
    text = (ROOT / "README.md").read_text("utf-8")
    assert gen_docs.rendered(text) == text, "run: python -m tools.gen_docs"


def test_contributing_names_every_registry() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    for where in (
        "checker/loaders/__init__.py",
        "checker/kinds.py",
        "checker/reporters/__init__.py",
    ):
        assert where in text
