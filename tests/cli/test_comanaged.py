"""Co-managed devices: GPO and Intune on one target, MDMWinsOverGP, conflicts."""

from __future__ import annotations

import json

import pytest

from tests.cli.run import baseliner
from tests.conftest import FIXTURES

RTP = (
    "registry:HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection"
    "!DisableRealtimeMonitoring"
)


@pytest.mark.parametrize(
    ("device", "winner", "loser", "status", "rule"),
    [
        ("gp-wins", 0, 1, "pass", "Group Policy wins over MDM (MDMWinsOverGP not set)"),
        ("mdm-wins", 1, 0, "fail", "MDMWinsOverGP"),
    ],
)
def test_exactly_the_deliberate_conflict(
    device: str, winner: int, loser: int, status: str, rule: str
) -> None:
    done = baseliner(
        "check",
        FIXTURES / "comanaged" / device,
        "--policy",
        "msft-windows11-24h2",
        "-o",
        "json",
        "--check",
        "*realtimemonitoring",
    )
    (target,) = json.loads(done.out)["targets"]
    (conflict,) = target["conflicts"]
    assert conflict["setting"] == RTP
    assert (conflict["winner"]["value"], conflict["loser"]["value"]) == (winner, loser)
    assert conflict["rule"] == rule
    origins = {conflict["winner"]["origin"]["path"], conflict["loser"]["origin"]["path"]}
    assert {p.rsplit("/", 1)[-1] for p in origins} == {"registry.pol", "defender.json"}
    (result,) = target["results"]
    assert result["status"] == status
