"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Rules are the checks of every loaded benchmark (help with remediation and references,
``security-severity``, tags).  Results are findings: ``fail`` and ``not_configured`` with the
check's level, ``uncertain`` as ``kind: review`` (level ``none``).  Evaluation errors and
input errors are ``invocations[0].toolExecutionNotifications``.

Layouts:

* device layout: one run per target, ``automationDetails.id`` ``baseliner/<target>/`` (GitHub
  keeps each as its own analysis category), one result per finding, located where the
  setting was read (``Result.origins[0]``: line, or byte offset for binary exports) or, when
  no source sets it, at the check in its benchmark file;
* fleet layout, used when the device layout would break GitHub's limits (more than
  ``MAX_RUNS`` runs, or a run over ``MAX_RESULTS_PER_RUN`` results): one run
  ``baseliner/fleet/``, one result per check and kind, located at the check in its benchmark
  file (its devices' exports differ), listing the affected devices in the message (the first
  ``DEVICES_IN_MESSAGE``) and in ``properties.devices`` (the first ``DEVICES_IN_PROPERTIES``;
  ``properties.count`` has them all).  Results are bounded by twice the number of checks.

Artifact URIs are relative to ``root`` (the working directory by default), with forward
slashes and percent-encoding, based on ``%SRCROOT%``; files outside ``root`` get absolute
``file:`` URIs.  ``partialFingerprints`` hash the check id, the target (or ``fleet``) and
the setting, so an alert survives re-runs and line moves.

``security-severity`` keeps GitHub's label equal to the check's severity and ranks checks of
one severity by impact (1-10): ``low + (high - low) * (impact - 1) / 9`` over the band of the
severity, low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0, one decimal.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from checker.core.results import CheckInfo, Report, Result, TargetReport
from checker.core.statuses import FAILING, Severity, Status
from checker.core.text import utf8
from checker.core.values import JSON, Origin
from checker.reporters import findings
from checker.scoring.digest import FLEET_NAMES, CheckDigest, fleet_digest
from checker.scoring.digest import digest as digest_of

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25_000
MAX_TAGS = 20
DEVICES_IN_MESSAGE = 20
DEVICES_IN_PROPERTIES = FLEET_NAMES
FINGERPRINT = "baselinerFinding/v1"

SEVERITY_BANDS: dict[Severity, tuple[float, float]] = {
    Severity.LOW: (0.1, 3.9),
    Severity.MEDIUM: (4.0, 6.9),
    Severity.HIGH: (7.0, 8.9),
    Severity.CRITICAL: (9.0, 10.0),
}
LEVELS: dict[Severity, str] = {
    Severity.LOW: "note",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "error",
    Severity.CRITICAL: "error",
}
_REPORTED = FAILING | {Status.UNCERTAIN}
_WORD = re.compile(r"[A-Za-z0-9]+")


def render(report: Report, *, root: Path | None = None) -> str:
    """The SARIF log for ``report``; artifact URIs relative to ``root`` (default: cwd)."""
    base = os.path.abspath(root if root is not None else Path.cwd())
    checks = _checks(report)
    index = {check.id: position for position, check in enumerate(checks)}
    rules = [rule(check) for check in checks]
    if _fits_device_layout(report):
        runs = [_device_run(report, target, rules, index, base) for target in report.targets]
    else:
        runs = [_fleet_run(report, rules, index, base)]
    return log(runs)


def log(runs: list[dict[str, JSON]]) -> str:
    """A SARIF 2.1.0 log of ``runs``, as text (check results and lint findings alike)."""
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def security_severity(check: CheckInfo) -> str:
    low, high = SEVERITY_BANDS[check.severity]
    impact = min(max(check.impact, 1), 10)
    return f"{low + (high - low) * (impact - 1) / 9:.1f}"


def rule(check: CheckInfo) -> dict[str, JSON]:
    """A ``reportingDescriptor`` for a check."""
    tags = list(dict.fromkeys(("security", check.category.value, *check.tags)))[:MAX_TAGS]
    return {
        "id": check.id,
        "name": "".join(word[:1].upper() + word[1:] for word in _WORD.findall(check.title)),
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.rationale or check.title},
        "help": {"text": _help_text(check), "markdown": _help_markdown(check)},
        "defaultConfiguration": {"level": LEVELS[check.severity]},
        "properties": {
            "security-severity": security_severity(check),
            "tags": tags,
            "precision": "very-high",
            "impact": check.impact,
            "benchmark": check.benchmark,
        },
    }


def artifact_uri(path: str, base: str) -> dict[str, JSON]:
    """An ``artifactLocation`` for ``path``: relative to ``base`` when inside it.

    Percent-encoded from the name's bytes, as ``Path.as_uri`` does for the absolute form: a
    name that is not valid UTF-8 keeps its bytes (``%FF``) and cannot fail the encoding."""
    absolute = os.path.abspath(path.replace("\\", "/"))
    relative = os.path.relpath(absolute, base)
    if relative != "." and not relative.startswith(".."):
        uri = quote(os.fsencode(PurePosixPath(relative).as_posix()))
        return {"uri": uri, "uriBaseId": "%SRCROOT%"}
    return {"uri": Path(absolute).as_uri()}


def fingerprint(check: CheckInfo, scope: str) -> str:
    text = "\0".join((check.id, scope, check.setting))
    return hashlib.sha256(utf8(text)).hexdigest()[:32]


def _checks(report: Report) -> list[CheckInfo]:
    """Every check of the loaded benchmarks, plus any only seen in results, sorted by id."""
    seen = {check.id: check for benchmark in report.benchmarks for check in benchmark.checks}
    for fleet_check in report.fleet.checks:
        seen.setdefault(fleet_check.check.id, fleet_check.check)
    return [seen[check_id] for check_id in sorted(seen)]


def _help_text(check: CheckInfo) -> str:
    parts = [f"{check.title}.", f"Setting: {check.setting}; expected {check.expected}."]
    if check.rationale:
        parts.append(f"Rationale: {check.rationale}")
    if check.remediation:
        parts.append(f"Remediation: {check.remediation}")
    if check.references:
        parts.append("References: " + ", ".join(check.references))
    return "\n\n".join(parts)


def _help_markdown(check: CheckInfo) -> str:
    parts = [f"**{check.title}**", f"Setting `{check.setting}`, expected `{check.expected}`."]
    if check.rationale:
        parts.append(f"## Rationale\n\n{check.rationale}")
    if check.remediation:
        parts.append(f"## Remediation\n\n{check.remediation}")
    if check.references:
        parts.append("## References\n\n" + "\n".join(f"- {ref}" for ref in check.references))
    return "\n\n".join(parts)


def _findings(results: Iterable[Result]) -> list[Result]:
    reported = (result for result in results if result.status in _REPORTED)
    return sorted(reported, key=lambda result: result.check.id)


def _fits_device_layout(report: Report) -> bool:
    if not report.targets or len(report.targets) > MAX_RUNS:
        return False
    return all(len(_findings(target.results)) <= MAX_RESULTS_PER_RUN for target in report.targets)


def _location(origin: Origin, base: str) -> dict[str, JSON]:
    physical: dict[str, JSON] = {"artifactLocation": artifact_uri(origin.path, base)}
    if origin.line is not None:
        physical["region"] = {"startLine": origin.line}
    elif origin.offset is not None:
        # GitHub code scanning needs region.startLine on every result; a binary export
        # (registry.pol) has none, so the alert points at the file's start and the exact
        # byte offset travels in the location's properties.
        physical["region"] = {"startLine": 1}
        physical["properties"] = {"byteOffset": origin.offset}
    return {"physicalLocation": physical}


def _kind(status: Status, check: CheckInfo) -> dict[str, JSON]:
    if status is Status.UNCERTAIN:
        return {"kind": "review", "level": "none"}
    return {"kind": "fail", "level": LEVELS[check.severity]}


def _result(result: Result, target: str, index: dict[str, int], base: str) -> dict[str, JSON]:
    check = result.check
    origin = result.origins[0] if result.origins else check.origin
    text = findings.verdict(result)
    if result.status is Status.UNCERTAIN:
        text = f"{text} ({findings.why(result)})"
    properties: dict[str, JSON] = {
        "target": target,
        "status": result.status.value,
        "setting": check.setting,
        "actual": result.actual,
        "expected": check.expected,
    }
    if result.via:
        properties["via"] = result.via
    return {
        "ruleId": check.id,
        "ruleIndex": index[check.id],
        **_kind(result.status, check),
        "message": {"text": f"{target}: {check.title}: {text}"},
        "locations": [_location(origin, base)],
        "partialFingerprints": {FINGERPRINT: fingerprint(check, target)},
        "properties": properties,
    }


def _device_run(
    report: Report,
    target: TargetReport,
    rules: list[dict[str, JSON]],
    index: dict[str, int],
    base: str,
) -> dict[str, JSON]:
    results = [_result(result, target.name, index, base) for result in _findings(target.results)]
    digests = digest_of([target], DEVICES_IN_MESSAGE)
    return _run(report, rules, results, f"baseliner/{target.name}/", digests, base)


def _fleet_run(
    report: Report, rules: list[dict[str, JSON]], index: dict[str, int], base: str
) -> dict[str, JSON]:
    digests = fleet_digest(report.targets)
    results = [
        _fleet_result(digests[check_id], group, index, base)
        for check_id in sorted(digests)
        for group in ("failure", "uncertain")
        if digests[check_id].count(group)
    ]
    return _run(report, rules, results, "baseliner/fleet/", digests, base)


def _fleet_result(
    entry: CheckDigest, group: str, index: dict[str, int], base: str
) -> dict[str, JSON]:
    check, count = entry.check, entry.count(group)
    names = entry.names(group)
    status = Status.UNCERTAIN if group == "uncertain" else Status.FAIL
    state = "is uncertain" if status is Status.UNCERTAIN else "fails"
    devices = findings.listing(names, DEVICES_IN_MESSAGE, count)
    return {
        "ruleId": check.id,
        "ruleIndex": index[check.id],
        **_kind(status, check),
        "message": {
            "text": f"{check.title} {state} on {count:,} of {entry.evaluated:,} devices "
            f"({check.setting}; expected {check.expected}): {devices}"
        },
        "locations": [_location(check.origin, base)],
        "partialFingerprints": {FINGERPRINT: fingerprint(check, f"fleet/{group}")},
        "properties": {"count": count, "evaluated": entry.evaluated, "devices": names},
    }


def _run(
    report: Report,
    rules: list[dict[str, JSON]],
    results: list[dict[str, JSON]],
    automation_id: str,
    digests: dict[str, CheckDigest],
    base: str,
) -> dict[str, JSON]:
    notifications = _input_notifications(report, base) + _error_notifications(digests)
    invocation: dict[str, JSON] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "tool": {
            "driver": {
                "name": "baseliner",
                "version": report.tool_version,
                "rules": rules,
            }
        },
        "automationDetails": {"id": automation_id},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }


def _input_notifications(report: Report, base: str) -> list[JSON]:
    notes: list[JSON] = []
    for error in report.errors:
        physical: dict[str, JSON] = {"artifactLocation": artifact_uri(error.path, base)}
        if error.line is not None:
            physical["region"] = {"startLine": error.line, "startColumn": error.column or 1}
        elif error.offset is not None:
            physical["region"] = {"startLine": 1}
            physical["properties"] = {"byteOffset": error.offset}
        notes.append(
            {
                "level": "error",
                "message": {"text": str(error)},
                "locations": [{"physicalLocation": physical}],
            }
        )
    return notes


def _error_notifications(digests: dict[str, CheckDigest]) -> list[JSON]:
    """Evaluation errors, one notification per check naming the targets it failed on."""
    notes: list[JSON] = []
    for check_id in sorted(digests):
        entry = digests[check_id]
        errors = entry.sample("error")
        if errors:
            names = findings.listing(entry.names("error"), DEVICES_IN_MESSAGE, entry.count("error"))
            notes.append(
                {
                    "level": "error",
                    "message": {"text": f"{check_id}: {findings.why(errors[0][1])} ({names})"},
                    "associatedRule": {"id": check_id},
                }
            )
    return notes
