"""The published pre-commit hook, run as users run it: ``pre-commit try-repo`` on a policy repo.

try-repo installs the hook from this checkout (HEAD plus uncommitted changes of tracked files)
into a fresh virtualenv per call (it always uses a temporary store; pip's wheel cache makes
that a few seconds).  Skipped without ``git`` or ``pre-commit``, and until the CLI has the
repository commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "lint"

needs_tools = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("pre-commit") is None,
    reason="needs git and pre-commit",
)

GOOD_FILES = {
    "benchmarks/contoso.yaml": DATA / "good" / "contoso.yaml",
    "exceptions.yaml": DATA / "good" / "exceptions.yaml",
    "tests/contoso.cases.yaml": DATA / "good" / "tests" / "contoso.cases.yaml",
}
BAD_FILES = {
    "benchmarks/bad-jmespath.yaml": DATA / "bad" / "bad-jmespath.yaml",
    "benchmarks/unknown-key.yaml": DATA / "bad" / "unknown-key.yaml",
    "benchmarks/duplicate-id.yaml": DATA / "bad" / "duplicate-id.yaml",
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def policy_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with a good benchmark, exceptions, a cases file and three bad ones."""
    repo = tmp_path_factory.mktemp("precommit") / "policy-repo"
    for relative, source in {**GOOD_FILES, **BAD_FILES}.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        (repo / relative).write_text(text.replace("../contoso.yaml", "../benchmarks/contoso.yaml"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    return repo


def try_repo(repo: Path, home: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), "baseliner-lint", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    ("files", "code", "lines"),
    [
        (
            list(BAD_FILES),
            1,
            [
                "benchmarks/bad-jmespath.yaml:10:24: error: bad JMESPath 'length(@) = `3`': "
                "Invalid jmespath expression near '=' (character 11) at checks[0].assert "
                "[invalid]",
                "benchmarks/duplicate-id.yaml:13:5: error: duplicate check id 'dup.same' (first "
                "at line 4) at checks[1].id [invalid]",
                "3 file(s): 3 error(s), 0 warning(s)",
            ],
        ),
        (list(GOOD_FILES), 0, ["baseliner lint" + "." * 59 + "Passed"]),
    ],
    ids=["bad", "good"],
)
@needs_tools
def test_hook_blocks_bad_policies(
    policy_repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
    files: list[str],
    code: int,
    lines: list[str],
) -> None:
    """One try-repo (one hook environment) per outcome: the three bad benchmarks (bad
    JMESPath, unknown key, duplicate id) block the commit, the good files pass."""
    result = try_repo(policy_repo, tmp_path_factory.mktemp("pre-commit-home"), files)
    assert result.returncode == code, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert [line for line in lines if line not in out] == []
    if code:
        unknown = "benchmarks/unknown-key.yaml:13:5: error: unknown key 'severty'"
        assert any(line.startswith(unknown) for line in out)


def test_hooks_file_matches_policy_repository_files() -> None:
    """The lint hook's ``files`` takes the policy-repository layouts, and nothing else."""
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    pattern = re.compile(hooks["baseliner-lint"]["files"])
    taken = [
        "policies/msft-windows11-24h2.yaml",
        "policies/tests/msft-windows11-24h2.cases.yaml",
        "benchmarks/contoso.yml",
        "exceptions.yaml",
        "gitops/site-a/plans.yaml",
        "targets.yml",
        "tests/contoso.cases.yaml",
    ]
    left = [".github/workflows/ci.yml", "docs/mkdocs.yaml", "pyproject.toml"]
    assert [path for path in taken if not pattern.search(path)] == []
    assert [path for path in left if pattern.search(path)] == []
    assert hooks["baseliner-test"]["pass_filenames"] is False
    assert hooks["baseliner-check"]["pass_filenames"] is False
