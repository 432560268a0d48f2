"""No result shows an actual value that prints like what its check expects while it fails
(DESIGN §9, issue 18): every shipped benchmark on every export of the fixtures and the
corpus, each result not passing shown as the reports show it (``findings.actual``) and
compared with each value its check's ``expect`` names, shown the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.core.statuses import Status
from checker.engine import evaluate
from checker.policy.compile import Benchmark
from checker.policy.expect import operands
from checker.policy.load import load_benchmarks, shipped_names
from checker.reporters import findings
from checker.targets.load import load_target, plan
from tests.conftest import CORPUS, FIXTURES

FIXTURE_EXPORTS = [
    *sorted((FIXTURES / "gpo").iterdir()),
    *sorted(p for p in (FIXTURES / "gpreport").iterdir()),
    *sorted(p for p in (FIXTURES / "gpresult").iterdir()),
    *sorted((FIXTURES / "lgpo").iterdir()),
    FIXTURES / "intune",
    FIXTURES / "comanaged",
]
CORPUS_EXPORTS = (
    [
        *sorted(p for p in CORPUS.glob("gpo/*/*") if p.is_dir()),
        *sorted(CORPUS.glob("gpo/disa-*/GPO/*/GPOs")),
        *sorted(CORPUS.glob("rsop/*.xml")),
    ]
    if CORPUS.is_dir()
    else []
)


@pytest.fixture(scope="module")
def shipped() -> list[Benchmark]:
    return load_benchmarks(shipped_names())


def _alike(benchmarks: list[Benchmark], export: Path) -> Iterator[tuple[str, str, str]]:
    """(check, value shown, expected) for each failing result whose shown value is the
    shown form of a value its check expects."""
    planned = plan([export.resolve()])
    expects = {check.info.id: check.expect for b in benchmarks for check in b.checks}
    for target_plan in planned.targets:
        target, _ = load_target(target_plan)
        if target is None:
            continue
        for result in evaluate(benchmarks, target):
            failing = result.status is Status.FAIL or result.lean is Status.FAIL
            if not failing or result.actual is None:
                continue
            shown = findings.actual(result)
            named = {findings.show(value) for value in operands(expects[result.check.id] or {})}
            if shown in named:
                yield result.check.id, shown, result.check.expected


@pytest.mark.parametrize("export", FIXTURE_EXPORTS, ids=lambda p: p.name)
def test_fixtures(shipped: list[Benchmark], export: Path) -> None:
    assert list(_alike(shipped, export)) == []


@pytest.mark.parametrize("export", CORPUS_EXPORTS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus(shipped: list[Benchmark], export: Path) -> None:
    assert list(_alike(shipped, export)) == []


def test_the_walk_meets_values_that_would_print_alike(shipped: list[Benchmark]) -> None:
    """The walk is not empty-handed: DISA's Windows 10 GPOs hold the REG_SZ banner title
    and REG_SZ digits (SCRemoveOption "1") that the old transcriptions compared with numbers;
    a bare REG_SZ "1" would print like the number 1."""
    export = CORPUS / "gpo/disa-2019-07/GPO/DoD Windows 10 v1r18/GPOs"
    if not export.is_dir():
        pytest.skip("../shared/corpus is not present")
    target, _ = load_target(plan([export.resolve()]).targets[0])
    assert target is not None
    results = [r for r in evaluate(shipped, target) if isinstance(r.actual, str)]
    assert any(r.actual.isdigit() and r.actual_type == "REG_SZ" for r in results)
