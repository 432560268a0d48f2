"""tools.benchgen.ids: check ids and titles, unique within a benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tools.benchgen.factory import check
from tools.benchgen.check import GenerationError
from tools.benchgen.ids import assign_ids, slug, unique_titles

DATA = Path(__file__).parent / "data"
ID_CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "ids_cases.yaml").read_text())
TITLE_CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "titles_cases.yaml").read_text())


@pytest.mark.parametrize("case", ID_CASES, ids=lambda case: case["why"])
def test_assign_ids(case: dict[str, Any]) -> None:
    checks = [check(given) for given in case["checks"]]
    if "error" in case:
        with pytest.raises(GenerationError) as raised:
            assign_ids(checks, case["prefix"], case.get("area", True))
        assert str(raised.value) == case["error"]
        return
    assign_ids(checks, case["prefix"], case.get("area", True))
    assert [c.id for c in checks] == case["ids"]


@pytest.mark.parametrize("case", TITLE_CASES, ids=lambda case: case["why"])
def test_unique_titles(case: dict[str, Any]) -> None:
    checks = [check(given) for given in case["checks"]]
    unique_titles(checks)
    assert [c.title for c in checks] == case["titles"]


@pytest.mark.parametrize(
    ("text", "slugged"),
    [
        ("Credential Validation", "credential-validation"),
        ("--Value__Name--", "value-name"),
        (".hidden.", "hidden"),
        ("finding_list_dod_windows_defender_antivirus_stig_v2r1.csv",
         "finding-list-dod-windows-defender-antivirus-stig-v2r1.csv"),
        ("MSFT Windows 11 24H2 - Computer", "msft-windows-11-24h2-computer"),
    ],
)  # fmt: skip
def test_slug(text: str, slugged: str) -> None:
    assert slug(text) == slugged
