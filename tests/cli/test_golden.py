"""Golden files for every output format on the shipped fixtures, through the real CLI.

Regenerate after an intended change with ``python -m pytest tests/cli/test_golden.py
--regen-golden`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.reporters import REPORTERS, TASK_OUTPUTS
from tests.cli.run import baseliner

GOLDEN = Path(__file__).parent / "golden"
EXTENSIONS = {name: reporter.extension for name, reporter in REPORTERS.items()}
# A slice of the benchmark that holds every deviation of the fixtures keeps the files small.
SLICE = [
    "--check",
    "*defender-*",
    "--check",
    "*password-*",
    "--check",
    "*audit-credential*",
    "--check",
    "*user-rights-se[st]*",
    "--check",
    "*smb-*",
    "--check",
    "*logon-*",
    "--check",
    "*uac-*",
    "--check",
    "*credential-protection-kdc*",
]
CASES = {
    "single": ["fixtures/gpo/misconfigured", *SLICE],
    "fleet": ["fixtures/gpo/compliant", "fixtures/gpo/misconfigured", "fixtures/gpo/missing",
              *SLICE],
    "exceptions": ["fixtures/gpo/misconfigured",
                   "--exceptions", "fixtures/exceptions/exceptions.yaml",
                   "--plan", "fixtures/exceptions/plans.yaml", *SLICE],
    "comanaged": ["fixtures/comanaged/mdm-wins", "--check", "*-defender-*"],
    # an Intune tenant backup: user rights by name, templates, what it skips, a conflict
    "tenant": ["fixtures/intune/tenant", "fixtures/intune/conflicts",
               "--check", "*user-rights-se[bdir]*", "--check", "*powershell-*",
               "--check", "*winrm-*", "--check", "*behaviormonitoring"],
}  # fmt: skip


def test_every_format_has_a_golden_file_of_each_case() -> None:
    expected = {f"{case}.{extension}" for case in CASES for extension in EXTENSIONS.values()}
    assert {path.name for path in GOLDEN.iterdir()} == expected


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_golden(case: str, fmt: str, tmp_path: Path, regen_golden: bool) -> None:
    out = tmp_path / f"out.{EXTENSIONS[fmt]}"
    done = baseliner(
        "check",
        *CASES[case],
        "--policy",
        "msft-windows11-24h2",
        "--today",
        "2026-11-28",
        "--soft-fail",
        "--jobs",
        "1",
        "-o",
        f"{fmt}={out}",
    )
    assert done.code == 0, done.err
    golden = GOLDEN / f"{case}.{EXTENSIONS[fmt]}"
    if regen_golden:
        golden.write_bytes(out.read_bytes())
    assert out.read_bytes() == golden.read_bytes(), f"{golden} differs (--regen-golden?)"


ROWS = Path(__file__).parent / "golden_rows"
ROW_CASES = ["single", "fleet", "tenant"]


def _parquet_rows(folder: Path) -> bytes:
    """The rows of every part, in part order, as JSON lines."""
    import pyarrow.parquet as pq

    lines = [
        json.dumps(row, sort_keys=True)
        for part in sorted(folder.glob("part-*.parquet"))
        for row in pq.read_table(part).to_pylist()
    ]
    return "\n".join([*lines, ""]).encode()


READ_ROWS = {"parquet": _parquet_rows}
"""How the golden test reads each task output back (``TASK_OUTPUTS``)."""


@pytest.mark.parametrize("case", ROW_CASES)
@pytest.mark.parametrize("fmt", sorted(TASK_OUTPUTS))
def test_golden_rows(case: str, fmt: str, tmp_path: Path, regen_golden: bool) -> None:
    pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    out = tmp_path / "rows"
    done = baseliner(
        "check", *CASES[case], "--policy", "msft-windows11-24h2", "--today", "2026-11-28",
        "--soft-fail", "--jobs", "1", "--label", "golden", "-o", f"{fmt}={out}", "-o", "json",
    )  # fmt: skip
    assert done.code == 0, done.err
    golden = ROWS / f"{case}.{fmt}.jsonl"
    rows = READ_ROWS[fmt](out)
    if regen_golden:
        golden.write_bytes(rows)
    assert rows == golden.read_bytes(), f"{golden} differs (--regen-golden?)"
