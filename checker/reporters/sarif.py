"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run per log, so that code scanning takes it as one analysis whatever the fleet: its
category (``automationDetails.id``) is left to the uploader (``category:`` of upload-sarif)
unless ``Report.category`` (``--sarif-category``) sets it, and it does not change with the
targets' names or number.  The run lists as rules only the checks its results and
notifications name (help with remediation and references, ``security-severity``, tags).
Results are findings: ``fail`` and ``not_configured`` with the check's level, ``uncertain`` as
``kind: review`` (level ``none``).  Evaluation errors and input errors are
``invocations[0].toolExecutionNotifications``.

Layouts:

* device results, for up to ``DEVICE_RESULTS_MAX_TARGETS`` targets with at most
  ``MAX_RESULTS_PER_RUN`` findings in all: one result per finding of each target, located
  where the setting was read (``Result.origins[0]``: line, or byte offset for binary exports);
* fleet results, for larger fleets: one result per check and kind, listing the affected
  devices in the message (the first ``DEVICES_IN_MESSAGE``) and in ``properties.devices``
  (the first ``DEVICES_IN_PROPERTIES``; ``properties.count`` has them all), located at the
  first listed device's setting.  Results are bounded by twice the number of checks.

A result whose setting no source sets is located at the check in its benchmark when the
benchmark is inside the source root (a policy repository's own benchmark), else at the
target's export (:attr:`TargetReport.export`, line 1): never at an installed file.

Artifact URIs are relative to the source root (``Report.source_root``, ``--source-root``;
the working folder by default), with forward slashes and percent-encoding, based on
``%SRCROOT%``; files outside it get absolute ``file:`` URIs, which GitHub refuses: keep the
exports in the repository that is checked out.  ``partialFingerprints`` hash the check id,
the target (or ``fleet``) and the setting, so an alert survives re-runs and line moves.

:func:`oversize` says, before the log is written, when GitHub would refuse it (over
``MAX_GZIPPED_BYTES`` gzipped or ``MAX_RUNS`` runs) and how to split the upload.

``security-severity`` keeps GitHub's label equal to the check's severity and ranks checks of
one severity by impact (1-10): ``low + (high - low) * (impact - 1) / 9`` over the band of the
severity, low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0, one decimal.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from checker import INFORMATION_URI
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
MAX_GZIPPED_BYTES = 10 * 1024 * 1024
"""GitHub code scanning's limits on one upload: runs, results per run, gzipped size."""
DEVICE_RESULTS_MAX_TARGETS = 20
MAX_TAGS = 20
DEVICES_IN_MESSAGE = 20
DEVICES_IN_PROPERTIES = FLEET_NAMES
FINGERPRINT = "baselinerFinding/v1"
SRCROOT = "%SRCROOT%"

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


class _Located:
    """Where results point: paths relative to the source root, and whether a benchmark is
    inside it (else an absent setting points at the target's export)."""

    def __init__(self, root: str) -> None:
        self.root = root

    def inside(self, path: str) -> bool:
        relative = os.path.relpath(_absolute(path), self.root)
        return relative != "." and not relative.startswith("..")

    def absent(self, check: CheckInfo, export: str) -> Origin:
        """Where a result whose setting no source sets points."""
        if self.inside(check.origin.path) or not export:
            return check.origin
        return Origin(export, line=1)


def render(report: Report, *, root: Path | str | None = None) -> str:
    """The SARIF log for ``report``; artifact URIs relative to ``root`` (default: the
    report's source root, else the working folder)."""
    where = _Located(_absolute(str(root or report.source_root or Path.cwd())))
    if _fits_device_results(report):
        digests = digest_of(report.targets, DEVICES_IN_MESSAGE)
        results = [
            _result(result, target, where)
            for target in report.targets
            for result in _findings(target.results)
        ]
    else:
        digests = fleet_digest(report.targets)
        results = [
            _fleet_result(digests[check_id], group, where)
            for check_id in sorted(digests)
            for group in ("failure", "uncertain")
            if digests[check_id].count(group)
        ]
    notifications = _input_notifications(report, where.root) + _error_notifications(digests)
    named = {str(result["ruleId"]) for result in results}
    named |= {check_id for check_id, entry in digests.items() if entry.count("error")}
    return log([_run(report, results, notifications, named)])


def log(runs: list[dict[str, JSON]]) -> str:
    """A SARIF 2.1.0 log of ``runs``, as text (check results and lint findings alike)."""
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def oversize(text: str | bytes) -> str | None:
    """Why GitHub code scanning would refuse this log, and how to split it; None when it
    fits (checked before writing, so that CI fails at the report, not at the upload)."""
    data = utf8(text) if isinstance(text, str) else text
    runs = len(json.loads(data).get("runs", []))
    size = len(gzip.compress(data, compresslevel=6, mtime=0))
    problems = []
    if runs > MAX_RUNS:
        problems.append(f"{runs} runs, over GitHub's {MAX_RUNS}")
    if size > MAX_GZIPPED_BYTES:
        problems.append(
            f"{size / 1024 / 1024:.1f} MB gzipped, over GitHub's "
            f"{MAX_GZIPPED_BYTES // 1024 // 1024} MB"
        )
    if not problems:
        return None
    return (
        f"the SARIF log is {' and '.join(problems)}: split the upload, one `baseliner check` "
        "and one upload per part, each part its own category (--sarif-category, or the "
        "upload's category:): per benchmark (--policy), per group of targets (a --targets "
        "manifest each), or per category (--category)"
    )


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


def driver(name: str, version: str, rules: list[dict[str, JSON]]) -> dict[str, JSON]:
    """The ``tool.driver`` of a run (check results and lint findings alike)."""
    return {
        "name": name,
        "fullName": f"{name} {version}",
        "version": version,
        "semanticVersion": version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }


def automation(category: str | None) -> dict[str, JSON]:
    """``automationDetails`` for an explicit category, else nothing: upload-sarif's
    ``category:`` only fills an id that is not set."""
    if not category:
        return {}
    return {"automationDetails": {"id": category if category.endswith("/") else category + "/"}}


def artifact_uri(path: str, base: str) -> dict[str, JSON]:
    """An ``artifactLocation`` for ``path``: relative to ``base`` when inside it.

    Percent-encoded from the name's bytes, as ``Path.as_uri`` does for the absolute form: a
    name that is not valid UTF-8 keeps its bytes (``%FF``) and cannot fail the encoding."""
    absolute = _absolute(path)
    relative = os.path.relpath(absolute, base)
    if relative != "." and not relative.startswith(".."):
        uri = quote(os.fsencode(PurePosixPath(relative).as_posix()))
        return {"uri": uri, "uriBaseId": SRCROOT}
    return {"uri": Path(absolute).as_uri()}


def _absolute(path: str) -> str:
    return os.path.abspath(path.replace("\\", "/"))


def fingerprint(check: CheckInfo, scope: str) -> str:
    text = "\0".join((check.id, scope, check.setting))
    return hashlib.sha256(utf8(text)).hexdigest()[:32]


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


def _fits_device_results(report: Report) -> bool:
    if not report.targets or len(report.targets) > DEVICE_RESULTS_MAX_TARGETS:
        return False
    total = sum(len(_findings(target.results)) for target in report.targets)
    return total <= MAX_RESULTS_PER_RUN


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
    else:
        physical["region"] = {"startLine": 1}
    return {"physicalLocation": physical}


def _kind(status: Status, check: CheckInfo) -> dict[str, JSON]:
    if status is Status.UNCERTAIN:
        return {"kind": "review", "level": "none"}
    return {"kind": "fail", "level": LEVELS[check.severity]}


def _result(result: Result, target: TargetReport, where: _Located) -> dict[str, JSON]:
    check = result.check
    origin = result.origins[0] if result.origins else where.absent(check, target.export)
    text = findings.verdict(result)
    if result.status is Status.UNCERTAIN:
        text = f"{text} ({findings.why(result)})"
    properties: dict[str, JSON] = {
        "target": target.name,
        "status": result.status.value,
        "setting": check.setting,
        "actual": result.actual,
        "expected": check.expected,
    }
    if result.via:
        properties["via"] = result.via
    return {
        "ruleId": check.id,
        **_kind(result.status, check),
        "message": {"text": f"{target.name}: {check.title}: {text}"},
        "locations": [_location(origin, where.root)],
        "partialFingerprints": {FINGERPRINT: fingerprint(check, target.name)},
        "properties": properties,
    }


def _fleet_result(entry: CheckDigest, group: str, where: _Located) -> dict[str, JSON]:
    check, count = entry.check, entry.count(group)
    names = entry.names(group)
    status = Status.UNCERTAIN if group == "uncertain" else Status.FAIL
    state = "is uncertain" if status is Status.UNCERTAIN else "fails"
    devices = findings.listing(names, DEVICES_IN_MESSAGE, count)
    first = entry.located(group)[:1]
    origin = where.absent(check, first[0][2] if first else "")
    if first and first[0][1].origins:
        origin = first[0][1].origins[0]
    return {
        "ruleId": check.id,
        **_kind(status, check),
        "message": {
            "text": f"{check.title} {state} on {count:,} of {entry.evaluated:,} devices "
            f"({check.setting}; expected {check.expected}): {devices}"
        },
        "locations": [_location(origin, where.root)],
        "partialFingerprints": {FINGERPRINT: fingerprint(check, f"fleet/{group}")},
        "properties": {"count": count, "evaluated": entry.evaluated, "devices": names},
    }


def _run(
    report: Report, results: list[dict[str, JSON]], notifications: list[JSON], named: set[str]
) -> dict[str, JSON]:
    """The run, with the rules its results and notifications name (``named``) and each
    result's ``ruleIndex`` among them."""
    checks = _checks(report)
    used = [checks[check_id] for check_id in sorted(named) if check_id in checks]
    index = {check.id: position for position, check in enumerate(used)}
    for result in results:
        result["ruleIndex"] = index[str(result["ruleId"])]
    invocation: dict[str, JSON] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "tool": {"driver": driver("baseliner", report.tool_version, [rule(c) for c in used])},
        **automation(report.category),
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }


def _checks(report: Report) -> dict[str, CheckInfo]:
    """Every check of the loaded benchmarks, plus any only seen in results, by id."""
    seen = {check.id: check for benchmark in report.benchmarks for check in benchmark.checks}
    for fleet_check in report.fleet.checks:
        seen.setdefault(fleet_check.check.id, fleet_check.check)
    return seen


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
