"""Golden files for every output format on the shipped fixtures, through the real CLI.

Regenerate after an intended change with ``python -m pytest tests/cli/test_golden.py
--regen-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.reporters import REPORTERS
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
