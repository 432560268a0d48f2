"""URLs whose filesystem package is missing: the error names the extra that installs it, and
every extra it names is declared, with the package fsspec loads for that scheme."""

from __future__ import annotations

import importlib.util
import re
import tomllib

import pytest

from checker.core.errors import EXIT_ERROR
from checker.core.remote import EXTRAS
from tests.cli.run import baseliner
from tests.conftest import ROOT

fsspec_registry = pytest.importorskip("fsspec.registry")

DECLARED = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "optional-dependencies"
]


def _package(scheme: str) -> str:
    """The top-level package of fsspec's filesystem class for ``scheme``."""
    implementation: str = fsspec_registry.known_implementations[scheme]["class"]
    return implementation.split(".")[0]


@pytest.mark.parametrize("scheme", sorted(EXTRAS))
def test_the_extra_named_for_a_scheme_installs_its_filesystem(scheme: str) -> None:
    requirements = DECLARED[EXTRAS[scheme]]
    names = {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0] for requirement in requirements}
    assert _package(scheme) in names


@pytest.mark.parametrize(
    "scheme", [s for s in sorted(EXTRAS) if importlib.util.find_spec(_package(s)) is None]
)
def test_a_url_without_its_package_names_the_extra(scheme: str) -> None:
    url = f"{scheme}://exports/fleet/"
    result = baseliner("check", url, "--policy", "msft-windows11-24h2", "--no-progress")
    assert result.code == EXIT_ERROR, result.err
    assert f"pip install 'baseliner[{EXTRAS[scheme]}]'" in result.err
    assert url in result.err
    assert "Traceback" not in result.err
