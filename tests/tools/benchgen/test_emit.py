"""tools.benchgen.emit and words: the benchmark's YAML text, and expectations in words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.core.values import JSON, Confidence
from checker.kinds import Kind
from checker.policy.load import load_benchmark
from checker.targets.mapping import Mapping, MappingEntry, MappingTarget
from tests.tools.benchgen.factory import check
from tools.benchgen.check import Check
from tools.benchgen.emit import Meta, render
from tools.benchgen.sources import IntuneIndex
from tools.benchgen.words import expected_words

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "emitted.yaml"
AUTORUN = (
    "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer!NoDriveTypeAutoRun"
)
META = Meta(
    "sample", "Sample: a benchmark", "1.0", "tests/tools/benchgen", "Checks of every shape.",
    ("windows11",), "SAMPLE-1", ("member_server",), ("Made by test_emit.py;", "not by hand."),
)  # fmt: skip


def _intune() -> IntuneIndex:
    """An Intune mapping table with one exact entry for :data:`AUTORUN`, one partial."""
    target = MappingTarget(Kind.REGISTRY, AUTORUN, None, None, None)
    entries = {
        "device_vendor_msft_policy_config_autoplay_turnoffautoplay": MappingEntry(
            "device_vendor_msft_policy_config_autoplay_turnoffautoplay", Confidence.EXACT, None,
            (target,),
        ),
        "device_partial": MappingEntry("device_partial", Confidence.PARTIAL, "lossy", (target,)),
    }  # fmt: skip
    return IntuneIndex(Mapping(entries, frozenset()))


def _checks() -> list[Check]:
    return [check(given) for given in yaml.safe_load((DATA / "emitted_checks.yaml").read_text())]


def test_render_matches_the_golden_file(regen_golden: bool) -> None:
    text = render(META, _checks(), _intune())
    if regen_golden:
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_rendered_benchmark_loads(tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text(render(META, _checks(), _intune()), encoding="utf-8")
    benchmark = load_benchmark(path)
    assert [c.info.id for c in benchmark.checks] == [c.id for c in _checks()]
    assert yaml.safe_load(path.read_text())["applies_to"] == {
        "os": ["windows11"],
        "role": ["member_server"],
    }


@pytest.mark.parametrize(
    ("expect", "words"),
    [
        ({"equals": 1}, "1"),
        ({"gte": 1, "lte": 900}, "at least 1 and at most 900"),
        ({"in": ["Success", "Success and Failure"]}, "one of Success, Success and Failure"),
        ({"absent": True}, "not set"),
        ({"empty": True}, "granted to no one"),
        ({"empty": False}, "not empty"),
        ({"subset_of": ["S-1-5-32-544"]}, "granted to no one but S-1-5-32-544"),
        ({"superset_of": []}, "denied to at least (empty)"),
        ({"matches": "^(a|b)$"}, "matching /^(a|b)$/"),
    ],
)
def test_expected_words(expect: dict[str, JSON], words: str) -> None:
    assert expected_words(expect) == words
