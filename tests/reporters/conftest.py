"""Golden-file comparison and the generated fleets, built once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from checker.core.results import Report
from tests.reporters import factory

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "single_device": factory.single_device,
    "fleet_of_three": factory.fleet_of_three,
    "edge_cases": factory.edge_cases,
    "typed_values": factory.typed_values,
}
"""The reports every format has golden files for."""

Golden = Callable[[str, str | bytes], None]


@pytest.fixture
def golden(regen_golden: bool) -> Golden:
    """Compare output with ``golden/<name>`` byte for byte, or rewrite it (--regen-golden)."""

    def compare(name: str, output: str | bytes) -> None:
        data = output.encode("utf-8") if isinstance(output, str) else output
        path = GOLDEN / name
        if regen_golden:
            path.write_bytes(data)
            return
        assert data.decode("utf-8") == path.read_bytes().decode("utf-8")

    return compare


@pytest.fixture(scope="session")
def fleet_1k() -> Report:
    return factory.generated_fleet(1_000)


@pytest.fixture(scope="session")
def fleet_5k() -> Report:
    return factory.generated_fleet(5_000)
