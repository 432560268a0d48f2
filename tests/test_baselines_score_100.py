"""The official GPO backups of each Microsoft baseline score 100 against their benchmark.

The input is what an administrator links for the role: the role's GPO with the Domain
Security and Defender Antivirus GPOs, as one folder of backups (one target).  The backups are
copied into a temporary folder because the checker refuses symbolic links out of an input.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.core.results import Report
from checker.core.statuses import Status
from checker.policy.load import load_benchmarks
from checker.run.orchestrate import run

BASELINES = {
    # benchmark -> (corpus folder, GPO backups applied, in order)
    "msft-windows11-24h2": ("msft-windows11-24h2", (
        "MSFT Windows 11 24H2 - Computer", "MSFT Windows 11 24H2 - Domain Security",
        "MSFT Windows 11 24H2 - Defender Antivirus")),
    "msft-windows-server-2022-member": ("msft-windows-server-2022", (
        "MSFT Windows Server 2022 - Member Server", "MSFT Windows Server 2022 - Domain Security",
        "MSFT Windows Server 2022 - Defender Antivirus")),
    "msft-windows-server-2022-dc": ("msft-windows-server-2022", (
        "MSFT Windows Server 2022 - Domain Controller",
        "MSFT Windows Server 2022 - Domain Security",
        "MSFT Windows Server 2022 - Defender Antivirus")),
}  # fmt: skip


@pytest.fixture(scope="module")
def reports(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    found: dict[str, Report] = {}
    for name, (folder, gpos) in BASELINES.items():
        target = tmp_path_factory.mktemp(name)
        for order, gpo in enumerate(gpos, start=1):
            shutil.copytree(corpus / "gpo" / folder / gpo, target / f"{order} {gpo}")
        found[name] = run(load_benchmarks([name]), [target])
    return found


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_one_target_no_errors(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    assert (len(report.targets), report.errors) == (1, ())


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_scores_100(reports: dict[str, Report], name: str) -> None:
    target = reports[name].targets[0]
    not_passing = [(r.check.id, r.status.value, r.actual) for r in target.results
                   if r.status is not Status.PASS]  # fmt: skip
    assert not_passing == []
    assert target.score.overall.percent == 100
