"""Generate a DISA STIG benchmark from DISA's own publication: a Manual XCCDF file (or a STIG
Viewer checklist, ``.ckl``, as DISA's GPO packages ship).  ::

    python -m tools.benchgen stig \\
        ../shared/corpus/benchmarks/stig-xccdf/mitre-inspec-profile-update-action/benchmarks/\\
DISA/U_MS_Windows_10_STIG_V2R9_Manual-xccdf.xml \\
        --id stig-windows10 --check-prefix stig-win10 --os windows10 \\
        -o policies/stig-windows10.yaml

The rules are read by :mod:`tools.benchgen.xccdf`.  Each requirement a Group Policy export
can show becomes a check named after the STIG id (stable across releases: the V-ids were
renumbered in 2020), with the STIG's title, severity (CAT I/II/III: high, medium, low, and
the impact :mod:`tools.benchgen.rules` gives them), fix text as remediation, and V-id, rule
id, STIG id, CCIs and legacy ids as references.  Registry checks state the type the STIG
states (``type: REG_SZ``).  A rule that names several settings is a check per setting,
except where the STIG accepts one of them ("If one of the following registry values") or
allows a value on a condition (telemetry 2 with V-220833): those read the settings together,
through a ``query``.  Rules no export can show are listed under ``manual`` with the reason;
the domain groups only the organization can name are ``parameters``.  Windows Server's one
file for both roles gives the member server or the domain controller benchmark
(``--stig-role``).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from checker.core.errors import InputFormatError
from checker.core.values import JSON, Fact, Origin
from checker.kinds import Kind, canonical_key
from checker.policy.parameters import references as parameter_names
from checker.targets.mapping import load_mapping
from tools.benchgen.check import Check, GenerationError
from tools.benchgen.emit import Meta, render
from tools.benchgen.ids import slug
from tools.benchgen.rules import RULES, area_of
from tools.benchgen.sources import IntuneIndex
from tools.benchgen.xccdf import Expectation, StigBenchmark, StigRule, read
from tools.benchgen.xccdf_rules import WORDS

CATEGORIES = {"high": "CAT I", "medium": "CAT II", "low": "CAT III"}
"""DISA's severity -> its category name."""

SERVER_ROLES = {"member": "member", "dc": "dc"}


def build(
    bench: StigBenchmark, prefix: str, role: str | None
) -> tuple[list[Check], list[dict[str, JSON]]]:
    """The checks of the rules that apply to ``role`` (dc, member, None: every rule) and
    the ``manual`` entries of those no export shows (wholly or in part)."""
    index = {rule_id: rule for rule in bench.rules for rule_id in rule.ids}
    # DISA has given two rules one STIG id (V1R18's WN10-CC-000340): their V-ids tell them apart.
    shared = {stig for stig, n in Counter(r.stig_id for r in bench.rules).items() if n > 1}
    checks: list[Check] = []
    manual: list[dict[str, JSON]] = []
    for rule in bench.rules:
        if role is not None and rule.role not in (None, role):
            continue
        if rule.parse != "full":
            why = rule.reason if rule.parse == "manual" else f"in part: {rule.reason}"
            manual.append(_manual(rule, why))
        if rule.expectations:
            head = f"{prefix}-{slug(rule.stig_id)}"
            checks += rule_checks(
                rule, head if rule.stig_id not in shared else f"{head}-{slug(rule.vid)}", index
            )
    ids = Counter(check.id for check in checks)
    if len(ids) != len(checks):
        raise GenerationError(f"ids made twice: {sorted(i for i, n in ids.items() if n > 1)}")
    return checks, manual


def _manual(rule: StigRule, reason: str) -> dict[str, JSON]:
    return {"id": rule.vid, "rule": rule.stig_id, "severity": rule.severity,
            "title": rule.title, "reason": reason}  # fmt: skip


def rule_checks(rule: StigRule, head: str, index: dict[str, StigRule]) -> list[Check]:
    """The checks of a rule, named ``head`` (and a suffix when there are several): one per
    expectation, one for a choice among several, one per conditional."""
    chosen = [exp for exp in rule.expectations if exp.choice]
    single = [exp for exp in rule.expectations if not exp.choice]
    parts: list[tuple[list[Expectation], str | None]] = [([exp], None) for exp in single]
    if chosen:
        parts.append((chosen, "one of"))
    suffixes = _suffixes([group for group, _ in parts])
    checks = []
    for (group, label), suffix in zip(parts, suffixes, strict=True):
        check = _check(rule, group[0], head, suffix, len(parts) > 1)
        if label is not None:
            _one_of(check, group)
        elif group[0].when:
            _conditional(check, group[0], index)
        checks.append(check)
    return checks


def _suffixes(groups: list[list[Expectation]]) -> list[str]:
    """What tells a rule's checks apart: the components of their keys (from the value name
    up) in which they differ, or the value name alone; a choice among settings is ``one
    of``."""
    if len(groups) == 1:
        return [""]
    parts = [_key_parts(group[0]) for group in groups if len(group) == 1]
    longest = max((len(p) for p in parts), default=0)
    differ = [
        depth
        for depth in range(1, longest + 1)
        if len({p[-depth].casefold() if len(p) >= depth else "" for p in parts}) > 1
    ] or [1]
    named = iter(" ".join(p[-d] for d in reversed(differ) if len(p) >= d) for p in parts)
    return [next(named) if len(group) == 1 else "one of" for group in groups]


def _key_parts(exp: Expectation) -> list[str]:
    if exp.kind is Kind.REGISTRY:
        path, _, name = exp.key.rpartition("!")
        return [*path.split("\\")[1:], name]
    return [exp.key]


def _check(rule: StigRule, exp: Expectation, head: str, suffix: str, several: bool) -> Check:
    fact = Fact(exp.kind, exp.key, _value(exp.expect), Origin(rule.vid), type=exp.type)
    area = area_of(fact)
    check_id = f"{head}-{slug(suffix)}" if several else head
    title = f"{rule.title} [{suffix}]" if several else rule.title
    references = (rule.vid, rule.rule_id, rule.stig_id, *rule.ccis, *rule.legacy)
    check = Check(
        fact, CATEGORIES.get(rule.severity, rule.severity), title, None, "", area,
        rule.severity, RULES.impact[rule.severity], dict(exp.expect), None, None, "", title,
        check_id, remediation_text=rule.fix or None, absent_ok=exp.absent_ok,
        references=references,
        value_type=_value_type(exp),
    )  # fmt: skip
    return check


def _value_type(exp: Expectation) -> str | None:
    """The type a check requires: the STIG's, but not of the logon banner, which GptTmpl
    holds as REG_MULTI_SZ (a line an item) and Windows writes as REG_SZ (``text_equals``
    reads both alike)."""
    if exp.kind is not Kind.REGISTRY or "text_equals" in exp.expect:
        return None
    return exp.type


def _value(expect: dict[str, JSON]) -> JSON:
    return next(iter(expect.values()), None)


def _entry(exp: Expectation) -> str:
    key = json.dumps(canonical_key(exp.kind, exp.key), ensure_ascii=False)
    return f"{exp.kind.value}.{key}.value"


def _condition(exp: Expectation, at: int) -> str:
    """A JMESPath condition on item ``at`` of the query's list that ``exp`` holds."""
    values = exp.expect.get("in", [exp.expect["equals"]] if "equals" in exp.expect else None)
    if set(exp.expect) - {"in", "equals"} or not isinstance(values, list):
        raise GenerationError(f"{exp.key}: {exp.expect} cannot be read together with others")
    literal = (json.dumps(value) for value in values)
    return " || ".join(f"@[{at}] == `{text}`" for text in literal)


def _together(check: Check, members: list[Expectation], assertion: str) -> None:
    """Make ``check`` read ``members`` as one list (null where unset; the whole query null,
    so the check not_configured, when the first -- or, for a choice, every -- is unset)."""
    entries = ", ".join(_entry(exp) for exp in members)
    check.query = f"[{entries}] | ({assertion}) && @ || `null`"
    check.assertion = " || ".join(
        f"({part})" for part in [_condition(e, i) for i, e in enumerate(members)]
    )
    check.value_type = None


def _one_of(check: Check, members: list[Expectation]) -> None:
    present = " || ".join(f"@[{i}] != `null`" for i in range(len(members)))
    _together(check, members, present)


def _conditional(check: Check, exp: Expectation, index: dict[str, StigRule]) -> None:
    """A value also allowed when another rule holds: ``[this, other]`` with the rule's own
    values, or the allowed value and the other rule's."""
    (value, other_id), *more = exp.when
    other = index.get(other_id)
    if more or other is None or len(other.expectations) != 1:
        raise GenerationError(f"{exp.key}: the condition on {other_id} cannot be read")
    members = [exp, other.expectations[0]]
    _together(check, members, "@[0] != `null`")
    check.assertion = (
        f"{_condition(exp, 0)} || (@[0] == `{json.dumps(value)}` && ({_condition(members[1], 1)}))"
    )


def declared_parameters(checks: Sequence[Check]) -> dict[str, JSON]:
    """The parameters the checks name, as the benchmark declares them."""
    names: dict[str, None] = {}
    for check in checks:
        text = json.dumps([check.setting(), check.expect], ensure_ascii=False)
        names.update(dict.fromkeys(parameter_names(text)))
    return {name: dict(WORDS.parameters[name]) for name in names}


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.benchgen stig", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("stig", type=Path, help="a DISA Manual XCCDF file or a STIG Viewer .ckl")
    parser.add_argument("--id", required=True)
    parser.add_argument("--check-prefix", required=True, help="check id prefix, e.g. stig-win10")
    parser.add_argument("--title", help="default: 'DISA STIG: ' and the STIG's title")
    parser.add_argument("--os", action="append", default=[], help="applies_to os (repeatable)")
    parser.add_argument("--role", action="append", default=[], help="applies_to role")
    parser.add_argument(
        "--stig-role", choices=sorted(SERVER_ROLES), help="Windows Server: the rules of this role"
    )
    parser.add_argument("-o", "--output", type=Path, required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        bench = read(args.stig)
    except (InputFormatError, ValueError) as exc:  # not XML, or XML of another kind
        raise GenerationError(str(exc)) from exc
    if bench.test:
        raise GenerationError(f"{args.stig}: the benchmark {bench.id!r} is an edited test copy")
    checks, manual = build(bench, args.check_prefix, args.stig_role)
    title = args.title or f"DISA STIG: {bench.title}"
    role = f" ({args.stig_role} rules)" if args.stig_role else ""
    source = f"DISA {bench.title} {bench.release} ({bench.date}), {args.stig.name}"
    description = (
        f"The rules of the {bench.title}{role}, {bench.release} of {bench.date}, that a Group "
        "Policy export shows: registry policies, security options, user rights, account "
        "policy, advanced audit policy and services, as DISA's XCCDF states them. Rules no "
        "export shows are listed under 'manual'; checks naming a group only the organization "
        "can name are not_applicable until a profile sets its parameter."
    )
    extra: list[tuple[str, JSON]] = []
    parameters = declared_parameters(checks)
    if parameters:
        extra.append(("parameters", parameters))
    extra.append(("manual", manual))
    meta = Meta(
        args.id, title, bench.release, source, description, tuple(args.os),
        f"{args.check_prefix.upper()}-{bench.release}", tuple(args.role),
        (f"Generated by tools.benchgen stig from {args.stig.name} (DISA, {bench.release}).",
         f"{len(checks)} checks; {len(manual)} rules no export shows (wholly or in part) are",
         "listed under 'manual'."),
        tuple(extra),
    )  # fmt: skip
    text = render(meta, checks, IntuneIndex(load_mapping()))
    args.output.write_text(text, encoding="utf-8", newline="\n")
    summary = Counter((c.area.category, c.severity) for c in checks)
    print(f"{len(checks)} checks -> {args.output}")
    for (category, severity), count in sorted(summary.items()):
        print(f"  {category:18} {severity:9} {count}")
    print(f"manual: {len(manual)}")
    for reason, count in Counter(str(m["reason"]) for m in manual).most_common():
        print(f"  {count:3}  {reason}")
    return 0
