"""The compiled evaluator (checker.policy.jmes) against the jmespath package on every shipped check
and every corpus export: each check's read as a JMESPath query over the device document, and
its assertion when it has one, must give identical results (skipped without the corpus)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jmespath
import jmespath.exceptions
import pytest

from checker.loaders.gpo_backup import find_backups
from checker.policy.compile import Check
from checker.policy.jmes import compile_expression
from checker.policy.load import load_benchmarks, shipped_names
from checker.targets.load import load_target, plan


def _outcome(search: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    """A result, or the class of the error raised (both must agree)."""
    try:
        return ("value", json.dumps(search(value), sort_keys=True))
    except jmespath.exceptions.JMESPathError as exc:
        return ("error", type(exc).__name__)


def _query(check: Check) -> str:
    if check.query is not None:
        return check.query.expression
    assert check.kind is not None
    return f"{check.kind.value}.{json.dumps(check.key)}.value"


@pytest.fixture(scope="module")
def documents(corpus: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every corpus export, loaded once: GPO backups, reports, the RSoP and Intune exports."""
    paths = [*find_backups(corpus / "gpo"), *sorted((corpus / "rsop").glob("*.xml"))]
    paths += sorted(p for p in (corpus / "intune" / "openintunebaseline").iterdir() if p.is_dir())
    planned = plan(paths)
    out = []
    for target_plan in planned.targets:
        target, _ = load_target(target_plan)
        if target is not None:
            out.append((target.name, target.document()))
    assert len(out) >= 30
    return out


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    return [c for b in load_benchmarks(shipped_names()) for c in b.checks]


def test_every_shipped_check_reads_the_same(
    documents: list[tuple[str, dict[str, Any]]], checks: list[Check]
) -> None:
    differences = []
    compared = 0
    for check in checks:
        text = _query(check)
        ours, reference = compile_expression(text), jmespath.compile(text)
        for name, document in documents:
            got, want = ours.search(document), reference.search(document)
            compared += 1
            if json.dumps(got, sort_keys=True) != json.dumps(want, sort_keys=True):
                differences.append((check.info.id, name, got, want))
    assert differences == []
    assert compared >= len(checks) * len(documents) > 10_000


def test_every_shipped_assertion_judges_the_same(
    documents: list[tuple[str, dict[str, Any]]], checks: list[Check]
) -> None:
    asserting = [c for c in checks if c.assertion is not None]
    assert asserting
    for check in asserting:
        assert check.assertion is not None
        reference = jmespath.compile(check.assertion.expression)
        value_query = compile_expression(_query(check))
        for _, document in documents:
            value = value_query.search(document)
            ours = _outcome(check.assertion.search, value)
            assert ours == _outcome(reference.search, value), check.info.id
