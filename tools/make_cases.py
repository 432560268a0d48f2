"""Writes the policy unit tests of the shipped benchmarks: policies/tests/<name>.cases.yaml.

    python -m tools.make_cases            # (re)write a cases file for every policies/*.yaml
    python -m tools.make_cases --check    # exit 1 if a committed cases file is out of date

For every check the generator derives a value that passes it and one that fails it, with the
value derivation of tools/make_fixtures.py (verified with the compiled check's own judge), and
writes ``generated: compliant`` cases (every check ``pass``; ``absent: true`` checks left
unset) and ``generated: violating`` cases (every check ``fail``; ``absent`` checks given a
value), then a case for each corner of typed checks a check has (tools/case_corners.py:
types, hex, alternatives, bounds, hardened UNC flags, service SIDs, site parameters; a check
naming an unset parameter is ``not_applicable`` in the first two and judged in the cases that
set it).  A case never gives one setting two values, so checks reading the same setting with
conflicting expectations are spread over ``... 2``, ``... 3`` cases.

Cases whose name does not start with ``generated:`` are hand-written: they are kept, text
and comments included, ahead of the generated ones.  Checks no value could be derived for are
listed on stderr; tests/test_casetest.py fails until a hand-written case covers them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from checker.core.errors import PolicyError
from checker.core.values import JSON
from checker.kinds import TEXT_TYPES, Kind, value_type
from checker.loaders.audit_csv import SETTINGS
from checker.policy.compile import Check
from checker.policy.expect import operands
from checker.policy.load import load_benchmark
from checker.policy.yamlsrc import Located, LocatedList, load_yaml
from checker.repo.casetest import GENERATED_PREFIX
from tools import make_fixtures
from tools.case_corners import LABELS, Item, corners, other_domain, site_values

ROOT = Path(__file__).resolve().parents[1]

POLICIES = ROOT / "policies"
CASES_DIR = POLICIES / "tests"
ITEM_INDENT = 2
"""Column (0-based) of the ``-`` of each case in the files written."""

_LITERALS = re.compile(r"'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


# -- values ------------------------------------------------------------------------------------


def derivable(check: Check, raw: Located | None) -> make_fixtures.Check | None:
    """The check as make_fixtures derives values for it, or None for raw ``query`` checks
    and unresolved display-name settings (hand-written cases cover those)."""
    if check.kind is None or check.kind is Kind.SETTING:
        return None
    expect = check.expect if check.expect is not None else {}
    hints = literals(str(raw["assert"])) if raw is not None and "assert" in raw else ()
    ref = check.info.setting.partition(":")[2]
    judge = check.judge
    if check.value_type is not None:
        # A case's plain value has the type its data stands for (an integer a REG_DWORD).
        judge = _typed_judge(check.value_type, check.judge)
        if check.value_type in TEXT_TYPES:  # numbers as the text Windows reads them
            hints += tuple(str(n) for n in operands(expect) if isinstance(n, int))
    return make_fixtures.Check(check.info.id, check.kind.value, ref, expect, judge, hints)


def _typed_judge(required: str, judge: Callable[[JSON], bool]) -> Callable[[JSON], bool]:
    return lambda value: value_type(value) == required and judge(value)


def literals(assertion: str) -> tuple[JSON, ...]:
    """Values an assertion's literals suggest: each raw string or JSON literal, alone and as a
    one-item list (assertions often test membership)."""
    out: list[JSON] = []
    for raw, json_text in _LITERALS.findall(assertion):
        try:
            value = json.loads(json_text) if json_text else raw.replace("\\'", "'")
        except json.JSONDecodeError:
            continue
        out += [value, [value]]
    return tuple(out)


def present_value(check: make_fixtures.Check) -> JSON | None:
    """A value that fails an ``absent: true`` check (any value is present)."""
    return next((v for v in make_fixtures.value_pool(check.kind) if not check.passes(v)), None)


def items(
    checks: Sequence[tuple[Check, make_fixtures.Check]],
) -> tuple[list[Item], list[Item], list[str]]:
    """Passing items, failing items, and ids of checks some value could not be found for."""
    groups: dict[tuple[Kind, str], list[make_fixtures.Check]] = {}
    for compiled, derived in checks:
        assert compiled.kind is not None
        groups.setdefault((compiled.kind, compiled.key), []).append(derived)
    good: list[Item] = []
    bad: list[Item] = []
    missing: list[str] = []
    for compiled, derived in checks:
        assert compiled.kind is not None
        key = (compiled.kind, compiled.key)
        if derived.wants_absent:
            passing, failing = None, present_value(derived)
        else:
            passing = shared_value(groups[key])
            if passing is None:
                passing = make_fixtures.first_passing(derived)
            failing = None if passing is None else make_fixtures.violating(derived, passing)
        if not (plausible(compiled.kind, passing) or derived.wants_absent) or not plausible(
            compiled.kind, failing
        ):
            missing.append(derived.id)
            continue
        common = (derived.id, compiled.kind, derived.ref, compiled.key)
        good.append(Item(*common, passing, "pass"))
        bad.append(Item(*common, failing, "fail"))
    return good, bad, missing


def plausible(kind: Kind, value: JSON) -> bool:
    """Whether an export could hold ``value`` for a setting of ``kind`` (a check that only
    passes on impossible values, like a number for an audit setting, gets no case)."""
    if value is None:
        return False
    if kind is Kind.AUDIT:
        return value in SETTINGS
    if kind is Kind.PRIVILEGE:
        return isinstance(value, list)
    if kind is Kind.SERVICE:
        return isinstance(value, int)
    return not isinstance(value, bool)


def shared_value(group: list[make_fixtures.Check]) -> JSON | None:
    """A value that passes every check reading one setting, if some check's value does."""
    if any(check.wants_absent for check in group):
        return None
    for check in group:
        value = make_fixtures.first_passing(check)
        if value is not None and all(other.passes(value) for other in group):
            return value
    return None


def pack(entries: list[Item]) -> list[list[Item]]:
    """Items into as few cases as possible, no case giving one setting two values."""
    cases: list[tuple[dict[tuple[Kind, str], JSON], list[Item]]] = []
    unique = {(item.check, json.dumps(item.value, sort_keys=True)): item for item in entries}
    for item in unique.values():
        key = (item.kind, item.canonical)
        for state, members in cases:
            if key not in state or state[key] == item.value:
                state[key] = item.value
                members.append(item)
                break
        else:
            cases.append(({key: item.value}, [item]))
    return [members for _, members in cases]


# -- text --------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """A YAML scalar for ``text``: plain when safe, else single-quoted (backslashes stay)."""
    return text if _PLAIN.fullmatch(text) else "'" + text.replace("'", "''") + "'"


def case_text(
    name: str, members: list[Item], parameters: dict[str, JSON] | None = None
) -> list[str]:
    pad = " " * ITEM_INDENT
    lines = [f"{pad}- name: {quote(name)}"]
    if parameters:
        written = ", ".join(f"{key}: {quote(str(value))}" for key, value in parameters.items())
        lines.append(f"{pad}  parameters: {{{written}}}")
    state: dict[Kind, list[Item]] = {}
    for item in members:
        if item.value is not None:
            state.setdefault(item.kind, []).append(item)
    lines.append(f"{pad}  state:" + ("" if state else " {}"))
    for kind in Kind:
        if kind in state:
            lines.append(f"{pad}    {kind.value}:")
            written = dict.fromkeys(
                (i.ref, i.text or json.dumps(i.value, ensure_ascii=False)) for i in state[kind]
            )
            lines += [f"{pad}      {quote(ref)}: {value}" for ref, value in written]
    lines.append(f"{pad}  expect:")
    lines += [f"{pad}    {quote(item.check)}: {item.status}" for item in members]
    return lines


def generated_cases(
    groups: Sequence[tuple[str, list[Item]]], parameters: dict[str, JSON] | None = None
) -> list[str]:
    """The cases of each (label, items), as few as the items' settings allow."""
    lines: list[str] = []
    for label, entries in groups:
        for number, members in enumerate(pack(entries), start=1):
            suffix = "" if number == 1 else f" {number}"
            lines += case_text(f"{GENERATED_PREFIX} {label}{suffix}", members, parameters)
    return lines


def corner_cases(pairs: list[tuple[Check, make_fixtures.Check]], good: list[Item]) -> list[str]:
    """The cases of the typed corners of the checks (see tools/case_corners.py)."""
    passing = {item.check: item.value for item in good}
    found: dict[str, list[Item]] = {label: [] for labels in LABELS.values() for label in labels}
    for compiled, derived in pairs:
        if derived.id in passing:
            for label, item in corners(compiled, derived, passing[derived.id]):
                found[label].append(item)
    return generated_cases([(label, items) for label, items in found.items() if items])


def site_cases(
    benchmark: Path, unset: list[str], declared: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Cases that set the benchmark's parameters (site values, :func:`site_values`): the
    checks that name them pass with the site's groups and fail with another domain's.
    Also the checks no values were found for."""
    if not unset:
        return [], []
    values = site_values(declared)
    compiled = {c.info.id: c for c in load_benchmark(benchmark, values).checks}
    raw = {r["id"]: r for r in load_yaml(benchmark).get("checks", [])}
    pairs = []
    for check_id in unset:
        derived = derivable(compiled[check_id], raw.get(check_id))
        if derived is not None:
            pairs.append((compiled[check_id], derived))
    good, bad, missing = items(pairs)
    other = [replace(item, value=other_domain(item.value), status="fail") for item in good]
    bad = [o if o.value != g.value and not _passes(pairs, o) else b
           for g, o, b in zip(good, other, bad, strict=True)]  # fmt: skip
    set_label, other_label = LABELS["site"]
    groups = [(set_label, good), (other_label, bad)]
    return generated_cases(groups, values), missing


def _passes(pairs: list[tuple[Check, make_fixtures.Check]], item: Item) -> bool:
    return next(d for _, d in pairs if d.id == item.check).passes(item.value)


def hand_written(path: Path) -> list[str]:
    """The text of the cases of an existing file not named ``generated:``, re-indented."""
    if not path.is_file():
        return []
    document = load_yaml(path)
    text = path.read_text(encoding="utf-8").splitlines()
    cases = document.get("cases") if isinstance(document, dict) else None
    if not isinstance(cases, LocatedList):
        return []
    ends = [*cases.item_lines[1:], len(text) + 1]
    starts = [document.key_lines["cases"][0] + 1, *cases.item_lines[1:]]
    kept: list[str] = []
    for case, start, end in zip(cases, starts, ends, strict=True):
        if isinstance(case, dict) and str(case.get("name", "")).startswith(GENERATED_PREFIX):
            continue
        block = text[start - 1 : end - 1]
        while block and not block[-1].strip():
            block.pop()
        dash = next(line for line in block if line.lstrip().startswith("-"))
        shift = ITEM_INDENT - dash.index("-")
        kept += [(" " * shift + line) if shift >= 0 else line[-shift:] for line in block]
    return kept


def render(benchmark: Path, target: Path) -> tuple[str, list[str]]:
    """The cases file for a benchmark, and the checks it could not cover."""
    compiled = load_benchmark(benchmark)
    document = load_yaml(benchmark)
    raw_checks = {raw["id"]: raw for raw in document.get("checks", [])}
    pairs = []
    uncovered = []
    unset = [check.info.id for check in compiled.checks if check.unset]
    for check in compiled.checks:
        derived = derivable(check, raw_checks.get(check.info.id))
        if check.unset:
            continue
        if derived is None:
            uncovered.append(check.info.id)
        else:
            pairs.append((check, derived))
    good, bad, missing = items(pairs)
    site_specific = [_not_applicable(c) for c in compiled.checks if c.unset and c.kind is not None]
    site, site_missing = site_cases(benchmark, unset, dict(document.get("parameters") or {}))
    lines = [
        f"# Policy unit tests of {compiled.info.id} (run: baseliner test "
        f"{CASES_DIR.relative_to(ROOT).as_posix()}).",
        "# Cases named 'generated: ...' are rewritten by tools/make_cases.py from the benchmark;",
        "# add or edit cases under other names: the generator keeps them.",
        f"benchmark: {quote(benchmark.stem)}",
        "cases:",
        *hand_written(target),
        *generated_cases([("compliant", good + site_specific), ("violating", bad + site_specific)]),
        *corner_cases(pairs, good),
        *site,
    ]
    return "\n".join(lines) + "\n", uncovered + missing + site_missing


def _not_applicable(check: Check) -> Item:
    """A site-specific check's item while its parameters are unset: left unset, and
    ``not_applicable`` whatever the state."""
    assert check.kind is not None
    ref = check.info.setting.partition(":")[2]
    return Item(check.info.id, check.kind, ref, check.key, None, "not_applicable")


def shipped(paths: Sequence[Path]) -> Iterator[tuple[Path, Path]]:
    for benchmark in paths or sorted(POLICIES.glob("*.yaml")):
        yield benchmark, CASES_DIR / f"{benchmark.stem}.cases.yaml"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="*", type=Path, help="default: policies/*.yaml")
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for benchmark, target in shipped(args.benchmarks):
        try:
            text, uncovered = render(benchmark, target)
        except PolicyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for check_id in uncovered:
            print(f"{benchmark.name}: no generated values for {check_id}", file=sys.stderr)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if args.check:
            if current != text:
                stale.append(target)
        elif current != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT).as_posix()}")
    for path in stale:
        print(f"out of date: {path.relative_to(ROOT).as_posix()}", file=sys.stderr)
    if stale:
        print("run: python -m tools.make_cases", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
