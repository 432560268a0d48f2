"""The package's layout: the pipeline in the file names, imports that run one way, small
modules, and no private name borrowed from another module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "checker"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("kinds",),
    ("core",),
    ("policy", "loaders"),
    ("targets",),
    ("engine",),
    ("scoring",),
    ("run",),
    ("history", "repo"),
    ("reporters",),
    ("cli",),
    ("__main__",),
)
"""The flow, bottom up: a module imports from its own part or from parts of lower layers."""

MAX_LINES = 400

RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    """``checker.policy.load`` -> ``policy``; the package itself is ``checker``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "checker"


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every ``from checker... import`` in ``path``, nested ones too."""
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.lineno, node.module, [alias.name for alias in node.names])
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("checker")
    ]


def test_every_part_has_a_layer() -> None:
    parts = {_part(_name(path)) for path in _modules()} - {"checker", "data"}
    assert parts == set(RANK)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path: Path) -> None:
    here = _part(_name(path))
    if here in ("checker", "data"):
        return
    wrong = [
        f"line {line}: {module}"
        for line, module, names in _imports(path)
        for target in [f"{module}.{name}" if module == "checker" else module for name in names]
        if _part(target) != here and RANK.get(_part(target), -1) >= RANK[here]
    ]
    assert wrong == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_is_imported(path: Path) -> None:
    borrowed = [
        f"line {line}: {module}.{name}"
        for line, module, names in _imports(path)
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert borrowed == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    assert len(path.read_text("utf-8").splitlines()) <= MAX_LINES
