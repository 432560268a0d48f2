"""tools/fuzz_pipeline.py: each mode makes mutants of the project's own fixtures that reach
the CLI, none ends in an internal error, and what counts as a failure is exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import fuzz_pipeline
from tools.fuzz_pipeline import MODES, failed, fuzz

FIXTURES = Path(fuzz_pipeline.ROOT) / "fixtures"


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_short_campaign_of_each_mode_finds_nothing(mode: str, tmp_path: Path) -> None:
    """Forty mutants a mode, seed fixed: a bug that one of them reaches fails the suite (the
    two a long campaign found are fixed and tested where they were)."""
    found = fuzz(mode, FIXTURES, tmp_path / "found", seed=7, seconds=300, runs=40)
    assert (found.runs, found.failures) == (40, 0)
    assert not (tmp_path / "found").exists()


@pytest.mark.parametrize(
    ("code", "printed", "expected"),
    [
        (0, "", False),
        (1, "3 checks failed", False),
        (2, "input error: x.json: line 2, column 8: invalid JSON", False),
        (2, "internal error: RecursionError: maximum recursion depth exceeded", True),
        ("raised KeyError: 'x'", "", True),
        (3, "", True),
    ],
)
def test_what_counts_as_a_failure(code: int | str, printed: str, expected: bool) -> None:
    assert failed(code, printed) is expected


def test_a_run_that_escapes_the_cli_is_kept_with_what_it_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness itself: a CLI that raises (standing in for a bug) is two failures of two
    runs, each mutant kept beside the arguments and the traceback."""

    def broken(args: list[str]) -> int:
        print("checking", args[1])
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(fuzz_pipeline, "baseliner", broken)
    found = fuzz("json", FIXTURES, tmp_path / "found", seed=1, seconds=60, runs=2)
    assert (found.runs, found.failures) == (2, 2)
    kept = sorted((tmp_path / "found").iterdir())
    assert [k.name for k in kept] == ["json-1-1", "json-1-2"]
    for folder in kept:
        report = (folder / "run.txt").read_text(encoding="utf-8")
        assert "exit: raised RecursionError: maximum recursion depth exceeded" in report
        assert "Traceback" in report and "checking" in report
        assert len(list(folder.glob("*.json"))) == 1
