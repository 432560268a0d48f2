"""A STIG benchmark against the independent sources of its rules, through the real engine.

- :func:`against_gpos`: the benchmark's verdicts on GPO backups (DISA's own STIG GPO
  package), each non-pass with its class: the GPO does not set the setting, the rule is
  site-specific, or it fails.
- :func:`release_changes`: a GPO package built for one release (its checklist, ``.ckl``)
  against a benchmark of a later one: every rule that does not pass is new since that
  release, changed by it (it passes the package's own release), site-specific, or a real
  failure (it fails its own release too).
- :func:`against_hardeningkitty`: HardeningKitty's transcription of the STIG, row by row:
  its recommended value judged by the benchmark's check of the same setting, and a value the
  STIG accepts judged by HardeningKitty's assertion.

``python -m tools.benchgen.crosscheck gpo BENCHMARK GPO_FOLDER`` and ``... hk BENCHMARK
LIST.csv...`` print the same tables the tests hold, for the next release.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.core.principals import principal_list
from checker.core.results import BenchmarkInfo, Result
from checker.core.statuses import Status
from checker.core.values import JSON, Fact, Origin, Source
from checker.engine import evaluate
from checker.kinds import Kind
from checker.policy.compile import Benchmark, Check
from checker.policy.expect import compile_expect, operands
from checker.policy.load import load_benchmark
from checker.targets.load import load_target, plan
from checker.targets.merge import build_target
from tools.benchgen import hardeningkitty
from tools.benchgen.hardeningkitty import Finding, Rule, Unsupported


def gpo_results(benchmark: Benchmark, folder: Path) -> list[Result]:
    """The benchmark's results on the GPO backups of ``folder``, read as one target."""
    planned = plan([folder.resolve()])
    if planned.errors or len(planned.targets) != 1:
        raise ValueError(f"{folder}: not one target ({planned.errors})")
    target, errors = load_target(planned.targets[0])
    if target is None or errors:
        raise ValueError(f"{folder}: {errors}")
    return list(evaluate([benchmark], target))


def stig_id(check_id: str, benchmark: Benchmark) -> str:
    """The STIG id a check stands for (its third reference after V-id and rule id)."""
    (check,) = [c for c in benchmark.checks if c.info.id == check_id]
    return next(ref for ref in check.info.references if ref.count("-") >= 2 and ref[:2] != "V-"
                and not ref.startswith(("SV-", "CCI-", "STIG-")))  # fmt: skip


def classify(result: Result) -> str:
    """pass | not set | site-specific | fail (error and uncertain count as fail)."""
    if result.status is Status.PASS:
        return "pass"
    if result.status is Status.NOT_CONFIGURED:
        return "not set"
    if result.status is Status.NOT_APPLICABLE and (result.reason or "").startswith("site-"):
        return "site-specific"
    return "fail"


def against_gpos(benchmark: Benchmark, folder: Path) -> dict[str, str]:
    """Check id -> its class (:func:`classify`) for every check that does not pass."""
    return {
        result.check.id: found
        for result in gpo_results(benchmark, folder)
        if (found := classify(result)) != "pass"
    }


def release_changes(own: Benchmark, later: Benchmark, folder: Path) -> dict[str, str]:
    """STIG id -> why the later release's checks of it do not all pass on ``folder``, whose
    GPOs were built for ``own``'s release: ``site-specific``, ``new rule`` (not in ``own``),
    ``release change`` (passes in ``own``), ``not set in either`` or ``fails its own
    release too``."""

    def by_rule(benchmark: Benchmark) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for result in gpo_results(benchmark, folder):
            rule = stig_id(result.check.id, benchmark)
            found.setdefault(rule, set()).add(classify(result))
        return found

    before, after = by_rule(own), by_rule(later)
    out = {}
    for rule, classes in sorted(after.items()):
        if classes == {"pass"}:
            continue
        old = before.get(rule)
        if "site-specific" in classes:
            out[rule] = "site-specific"
        elif old is None:
            out[rule] = "new rule"
        elif old == {"pass"}:
            out[rule] = "release change"
        elif classes == old == {"not set"}:
            out[rule] = "not set in either"
        else:
            out[rule] = "fails its own release too"
    return out


# -- HardeningKitty ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One HardeningKitty row against the benchmark."""

    finding: Finding
    status: str
    """agree | disagree (its value fails the STIG) | narrower (it rejects a value the STIG
    accepts) | wrong id (the setting is another rule's) | other setting (the rule reads
    others) | not in the release | unsupported (HardeningKitty reads live state)"""
    subject: str
    """The benchmark's check of the row's setting, or the setting when none reads it."""
    detail: str


SITE = {
    "domain admins": "S-1-5-21-0-0-0-512",
    "enterprise admins": "S-1-5-21-0-0-0-519",
}
"""A site's domain groups, for HardeningKitty's rows that name them: the benchmark's
parameters are set to these SIDs (:func:`site_parameters`)."""


def site_parameters(path: Path) -> dict[str, JSON]:
    """The benchmark's parameters of :data:`SITE`'s groups, set to their SIDs."""
    names = {
        "domain_admins_sid": SITE["domain admins"],
        "enterprise_admins_sid": SITE["enterprise admins"],
    }
    text = path.read_text(encoding="utf-8")
    return {name: sid for name, sid in names.items() if f"${{{name}}}" in text}


def _judge(check: Check, kind: Kind, key: str, value: JSON, type_name: str | None) -> Status:
    """The check's verdict on a target whose only setting is ``key`` = ``value``."""
    if kind is Kind.PRIVILEGE and isinstance(value, list):
        # As the loaders read a right, and a site's GPO names its domain groups by SID.
        value = principal_list(SITE.get(str(item).casefold(), str(item)) for item in value)
    fact = Fact(kind, key, value, Origin("hardeningkitty"), type=type_name)
    target = build_target("hk", [Source("hk", "hardeningkitty", (fact,))])
    info = BenchmarkInfo("hk", "hk", "", "", (check.info,))
    return evaluate([Benchmark(info, (check,))], target)[0].status


_QUERIED = re.compile(r'(registry)\.("(?:[^"\\]|\\.)*")\.value')


def _settings(check: Check) -> list[tuple[Kind, str]]:
    """The settings a check reads: its own, or those its query names."""
    if check.kind is not None:
        return [(check.kind, check.key)]
    assert check.query is not None
    return [(Kind(kind), json.loads(key)) for kind, key in _QUERIED.findall(check.query.expression)]


def against_hardeningkitty(benchmark: Benchmark, lists: Iterable[Path]) -> list[Row]:
    by_setting: dict[tuple[Kind, str], list[Check]] = {}
    by_id: dict[str, list[Check]] = {}
    types: dict[str, str] = {}
    for check in benchmark.checks:
        for setting in _settings(check):
            by_setting.setdefault(setting, []).append(check)
        if check.kind is not None and check.value_type:
            types[check.key] = check.value_type
        for ref in check.info.references:
            by_id.setdefault(ref, []).append(check)
    rows = []
    for path in lists:
        for finding in hardeningkitty.read_findings(path):
            rows.append(_row(finding, hardeningkitty.translate(finding, types), by_setting, by_id))
    return rows


def _row(
    finding: Finding,
    rule: Rule | Unsupported,
    by_setting: dict[tuple[Kind, str], list[Check]],
    by_id: dict[str, list[Check]],
) -> Row:
    named = [c for part in finding.id.split("/") for c in by_id.get(part.strip(), [])]
    if isinstance(rule, Unsupported):
        return Row(finding, "unsupported", finding.method, rule.reason)
    same = by_setting.get((rule.kind, rule.canonical), [])
    setting = f"{rule.kind.value}:{rule.key}"
    if not same:
        if named:
            reads = sorted({c.info.setting for c in named})
            return Row(finding, "other setting", setting, f"the rule reads {reads}")
        return Row(finding, "not in the release", setting, "")
    check = same[0]
    status, detail = _compare(check, rule)
    if not any(c in named for c in same):
        owner = sorted({c.info.id for c in named}) or "no rule of the benchmark"
        return Row(
            finding, "wrong id", check.info.id, f"{finding.id} is {owner}; {status}: {detail}"
        )
    return Row(finding, status, check.info.id, detail)


def _compare(check: Check, rule: Rule) -> tuple[str, str]:
    """agree, disagree or narrower: HardeningKitty's value against the STIG's check, and a
    value the STIG accepts against HardeningKitty's assertion."""
    value = _value(rule.expect)
    type_name = check.value_type if rule.kind is Kind.REGISTRY else None
    if "absent" in rule.expect:
        passed = check.wants_absent or check.absent_ok
    elif "not_equals" in rule.expect:  # HardeningKitty forbids a value: the STIG must too
        passed = _judge(check, rule.kind, rule.key, value, type_name) is not Status.PASS
    else:
        passed = _judge(check, rule.kind, rule.key, value, type_name) is Status.PASS
    detail = f"HardeningKitty {rule.expect}; the STIG {check.info.expected}"
    if not passed:
        return "disagree", detail
    narrower = _narrower(check, rule)
    if narrower is not None:
        return "narrower", f"{detail}; rejects {narrower!r}"
    return "agree", detail


def _value(expect: dict[str, JSON]) -> JSON:
    """The value HardeningKitty recommends (the one its assertion names)."""
    if "empty" in expect:
        return [] if expect["empty"] else None
    for name in (
        "equals",
        "not_equals",
        "gte",
        "lte",
        "set_equals",
        "subset_of",
        "superset_of",
        "contains",
        "in",
    ):
        if name in expect:
            value = expect[name]
            return value[0] if name == "in" and isinstance(value, list) else value
    return None


def _narrower(check: Check, rule: Rule) -> JSON:
    """A value the STIG's check accepts that HardeningKitty's assertion rejects, or None."""
    if check.expect is None or rule.kind not in (Kind.REGISTRY, Kind.SECURITY):
        return None
    judge = compile_expect(rule.expect)[0]
    for value in _samples(check.expect):
        passes = _judge(check, rule.kind, rule.key, value, check.value_type) is Status.PASS
        if passes and not judge(value):
            return value
    return None


def _samples(expect: dict[str, JSON]) -> list[JSON]:
    found = [v for v in operands(expect) if isinstance(v, int | str) and not isinstance(v, bool)]
    for bound in ("gte", "lte"):
        if bound in expect and isinstance(expect[bound], int):
            found += [expect[bound] - 1, expect[bound] + 1]
    return list(dict.fromkeys(found))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    gpo = sub.add_parser("gpo")
    gpo.add_argument("benchmark", type=Path)
    gpo.add_argument("gpos", type=Path)
    hk = sub.add_parser("hk")
    hk.add_argument("benchmark", type=Path)
    hk.add_argument("lists", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.what == "gpo":
        benchmark = load_benchmark(args.benchmark)
        for check_id, found in against_gpos(benchmark, args.gpos).items():
            print(f"{found:14} {check_id}")
        return 0
    benchmark = load_benchmark(args.benchmark, site_parameters(args.benchmark))
    for row in against_hardeningkitty(benchmark, args.lists):
        if row.status != "agree":
            print(f"{row.status:18} {row.finding.id:10} {row.subject} {row.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
