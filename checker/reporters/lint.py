"""``baseliner lint``: findings as text, JSON or a SARIF log for code scanning."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from checker import __version__
from checker.core.text import utf8
from checker.core.values import JSON
from checker.repo.findings import RULES, SCHEMA_VERSION, Finding, Level, Result, Rule
from checker.reporters.sarif import artifact_uri, automation, driver, log


def render_text(result: Result) -> str:
    lines = [str(finding) for finding in result.findings]
    errors, warnings = result.count(Level.ERROR), result.count(Level.WARNING)
    lines.append(f"{result.files} file(s): {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def render_json(result: Result) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "baseliner", "version": __version__},
        "files": result.files,
        "errors": result.count(Level.ERROR),
        "warnings": result.count(Level.WARNING),
        "findings": [finding.to_json() for finding in result.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning"}


def render_sarif(result: Result, root: Path | None = None, category: str | None = None) -> str:
    """A SARIF 2.1.0 log, one rule per lint rule, so findings show in code scanning; paths
    relative to ``root`` (default: the working folder); the category is left to the
    uploader unless given."""
    base = os.path.abspath(root if root is not None else Path.cwd())
    ids = sorted(RULES)
    rules = [_sarif_rule(RULES[rule]) for rule in ids]
    results = [_sarif_result(finding, ids.index(finding.rule), base) for finding in result.findings]
    run = {
        "tool": {"driver": driver("baseliner-lint", __version__, rules)},
        **automation(category),
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return log([run])


def _sarif_rule(rule: Rule) -> dict[str, JSON]:
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.description},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]},
    }


def _sarif_result(finding: Finding, index: int, base: str) -> dict[str, JSON]:
    region: dict[str, JSON] = {"startLine": finding.line or 1}
    if finding.column is not None:
        region["startColumn"] = finding.column
    text = "\0".join((finding.rule, finding.path, finding.message))
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": SARIF_LEVELS[finding.level],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_uri(finding.path, base),
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"baselinerLint/v1": hashlib.sha256(utf8(text)).hexdigest()[:32]},
    }


RENDERERS: dict[str, Callable[[Result], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
}
