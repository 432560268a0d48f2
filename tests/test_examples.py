"""The CI recipes in examples/ and the sample policy repository they run against.

The commands the recipes run are extracted from the three YAML files and must be the ones in
:data:`COMMANDS`; those commands run here, end to end, in a copy of examples/policy-repo, and
every one must exit 0 and write valid reports.
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import xmlschema
import yaml

from tests.conftest import ROOT, SHARED
from tests.test_lint import baseliner

EXAMPLES = ROOT / "examples"
POLICY_REPO = EXAMPLES / "policy-repo"
RECIPES = ("github-actions.yml", "gitlab-ci.yml", "azure-pipelines.yml")

COMMANDS = (
    "baseliner lint .",
    "baseliner lint . --format sarif > reports/lint.sarif",
    "baseliner test tests -o junit=reports/policy-tests.xml",
    "baseliner check --targets targets.yaml --policy benchmarks --exceptions exceptions.yaml "
    "--plan plans.yaml -o console -o junit=reports/baseliner.xml -o sarif=reports/baseliner.sarif "
    "-o markdown=reports/summary.md --fail-under 90",
)


def strings(node: object) -> Iterator[str]:
    """Every string value of a parsed YAML document (run:, script:, ... whatever the CI)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def baseliner_commands(recipe: Path) -> list[str]:
    document = yaml.safe_load(recipe.read_text(encoding="utf-8"))
    lines = [line for text in strings(document) for line in text.splitlines()]
    return [" ".join(line.split()) for line in lines if line.strip().startswith("baseliner ")]


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipes_run_the_tested_commands(recipe: str) -> None:
    found = baseliner_commands(EXAMPLES / recipe)
    assert found and set(found) <= set(COMMANDS), found
    assert {"baseliner lint .", COMMANDS[2], COMMANDS[3]} <= set(found)


def test_github_recipe_uploads_sarif_junit_and_a_summary() -> None:
    text = (EXAMPLES / "github-actions.yml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    steps = document["jobs"]["baseline"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "github/codeql-action/upload-sarif" in uses
    assert "actions/upload-artifact" in uses
    assert "$GITHUB_STEP_SUMMARY" in text
    assert set(baseliner_commands(EXAMPLES / "github-actions.yml")) == set(COMMANDS)


def test_gitlab_recipe_reports_junit() -> None:
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))["baseline"]
    assert job["artifacts"]["reports"]["junit"] == [
        "reports/policy-tests.xml",
        "reports/baseliner.xml",
    ]


def test_azure_recipe_publishes_junit() -> None:
    steps = yaml.safe_load((EXAMPLES / "azure-pipelines.yml").read_text(encoding="utf-8"))["steps"]
    publish = [step for step in steps if step.get("task") == "PublishTestResults@2"]
    assert publish[0]["inputs"]["testResultsFormat"] == "JUnit"
    assert publish[0]["inputs"]["testResultsFiles"] == "reports/*.xml"


def test_exports_are_the_current_fixtures() -> None:
    from examples.make_policy_repo import main

    assert main(["--check"]) == 0, "run: python -m examples.make_policy_repo"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample repository, so reports are written outside the checkout."""
    target = tmp_path_factory.mktemp("policy-repo") / "repo"
    shutil.copytree(POLICY_REPO, target)
    return target


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_are_green(command: str, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    words, _, redirect = command.partition(" > ")
    result = baseliner(*shlex.split(words)[1:])
    assert result.code == 0, result.out + result.err
    if redirect:
        (repo / redirect).parent.mkdir(exist_ok=True)
        (repo / redirect).write_text(result.out, encoding="utf-8")


def test_reports_are_valid(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the commands (run first, in file order): JUnit and SARIF valid, a summary."""
    reports = repo / "reports"
    if not (reports / "baseliner.sarif").is_file():
        monkeypatch.chdir(repo)
        for command in COMMANDS[2:]:
            assert baseliner(*shlex.split(command)[1:]).code == 0
    assert "| `ws-pilot` |" in (reports / "summary.md").read_text(encoding="utf-8")
    schemas = SHARED / "schemas"
    if not schemas.is_dir():
        pytest.skip("../shared/schemas is not present")
    junit = xmlschema.XMLSchema(str(schemas / "junit-10.xsd"))
    for name in ("policy-tests.xml", "baseliner.xml"):
        junit.validate(str(reports / name))
    sarif_schema = json.loads((schemas / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(sarif_schema)(sarif_schema)
    validator.validate(json.loads((reports / "baseliner.sarif").read_text(encoding="utf-8")))


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipes_install_from_a_source_the_user_names(recipe: str) -> None:
    """baseliner is not on PyPI: a recipe installs what BASELINER_SOURCE names (its git
    repository at a commit, or a wheel built from it), never ``pip install baseliner``."""
    lines = [
        line
        for text in strings(yaml.safe_load((EXAMPLES / recipe).read_text(encoding="utf-8")))
        for line in text.splitlines()
        if line.strip().startswith("pip install")
    ]
    assert lines and all("BASELINER_SOURCE" in line for line in lines), lines


def test_policy_repository_hooks_name_no_tag_that_does_not_exist() -> None:
    config = yaml.safe_load((POLICY_REPO / ".pre-commit-config.yaml").read_text("utf-8"))
    revs = [repo["rev"] for repo in config["repos"]]
    assert revs and all(len(rev) == 40 for rev in revs), revs
