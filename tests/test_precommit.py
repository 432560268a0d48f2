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
from typing import Any

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


# A real `git commit` through the published hook ---------------------------------------------


def _snapshot(destination: Path) -> tuple[Path, str]:
    """This checkout as pre-commit fetches a hook repository: a git repository whose HEAD
    holds the working tree's tracked and new files (uncommitted changes included, as
    try-repo does), and that commit's sha."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relative)
    _git(destination, "init", "-q")
    _git(destination, "add", "-A")
    _commit(destination, "snapshot", env=None)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=destination, capture_output=True, text=True, check=True
    ).stdout.strip()
    return destination, sha


def _commit(
    repo: Path, message: str, env: dict[str, str] | None
) -> subprocess.CompletedProcess[str]:
    identity = ["-c", "user.name=Policy Author", "-c", "user.email=author@example.com"]
    return subprocess.run(
        ["git", *identity, "commit", "-q", "-m", message],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def committing_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A scratch policy repository whose git hooks run baseliner-lint from this checkout
    (``pre-commit install``), with a first valid commit made through them."""
    hooks, sha = _snapshot(tmp_path_factory.mktemp("hooks") / "baseliner")
    repo = tmp_path_factory.mktemp("committing") / "policies"
    for relative, source in GOOD_FILES.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        (repo / relative).write_text(text.replace("../contoso.yaml", "../benchmarks/contoso.yaml"))
    config = {"repos": [{"repo": str(hooks), "rev": sha, "hooks": [{"id": "baseliner-lint"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    _git(repo, "init", "-q")
    subprocess.run(["pre-commit", "install"], cwd=repo, env=env, check=True, capture_output=True)
    _git(repo, "add", "-A")
    first = _commit(repo, "a valid policy repository", env)
    assert first.returncode == 0, first.stdout + first.stderr
    return repo, env


def _edit(repo: Path, relative: str, old: str, new: str) -> None:
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DUPLICATE = """\
id: other-team
title: Another team's benchmark
version: "1"
checks:
  - id: contoso.password-length
    title: Minimum password length at least 12
    category: accounts
    impact: 3
    severity: low
    security: System Access/MinimumPasswordLength
    expect: {gte: 12}
    remediation: Set it.
    references: [X-1]
"""


def _duplicate_id(repo: Path) -> list[str]:
    # "a-" sorts before contoso.yaml: the duplicate is found at both definitions.
    (repo / "benchmarks" / "a-other-team.yaml").write_text(DUPLICATE, encoding="utf-8")
    return ["benchmarks/a-other-team.yaml"]


def _expired(repo: Path) -> list[str]:
    _edit(repo, "exceptions.yaml", '"2030-01-31"', '"2020-01-31"')
    return ["exceptions.yaml"]


def _unknown_check(repo: Path) -> list[str]:
    _edit(
        repo, "exceptions.yaml", "checks: contoso.password-length", "checks: contoso.pasword-length"
    )
    return ["exceptions.yaml"]


def _valid(repo: Path) -> list[str]:
    _edit(repo, "benchmarks/contoso.yaml", "at least 14", "of 14 characters or more")
    return ["benchmarks/contoso.yaml"]


@pytest.mark.parametrize(
    ("change", "blocked_by"),
    [
        (_duplicate_id, "error: duplicate check id 'contoso.password-length'"),
        (_expired, "error: exception expired on 2020-01-31"),
        (_unknown_check, "error: 'contoso.pasword-length' names no known check"),
        (_valid, None),
    ],
    ids=["duplicate-id", "expired-exception", "unknown-check", "valid"],
)
@needs_tools
def test_git_commit_through_the_hook(
    committing_repo: tuple[Path, dict[str, str]], change: Any, blocked_by: str | None
) -> None:
    """Only the changed file is staged, as in a real commit: the hook still judges it against
    the whole repository, and errors block the commit."""
    repo, env = committing_repo
    staged = change(repo)
    _git(repo, "add", *staged)
    done = _commit(repo, f"change: {staged}", env)
    output = done.stdout + done.stderr
    try:
        if blocked_by is None:
            assert done.returncode == 0, output
        else:
            assert done.returncode != 0, output
            assert blocked_by in output
    finally:
        _git(repo, "reset", "-q", "--hard", "HEAD")
        _git(repo, "clean", "-q", "-fd")
