"""Writes the policy unit tests of the shipped benchmarks: policies/tests/<name>.cases.yaml.

    python -m tools.make_cases            # (re)write a cases file for every policies/*.yaml
    python -m tools.make_cases --check    # exit 1 if a committed cases file is out of date

For every check the generator derives a value that passes it and one that fails it, with the
value derivation of tools/make_fixtures.py (verified with the compiled check's own judge), and
writes ``generated: compliant`` cases (every check ``pass``; ``absent: true`` checks left
unset) and ``generated: violating`` cases (every check ``fail``; ``absent`` checks given a
value).  A case never gives one setting two values, so checks reading the same setting with
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.core.errors import PolicyError
from checker.core.values import JSON
from checker.kinds import Kind
from checker.loaders.audit_csv import SETTINGS
from checker.policy.compile import Check
from checker.policy.load import load_benchmark
from checker.policy.yamlsrc import Located, LocatedList, load_yaml
from checker.repo.casetest import GENERATED_PREFIX
from tools import make_fixtures

ROOT = Path(__file__).resolve().parents[1]

POLICIES = ROOT / "policies"
CASES_DIR = POLICIES / "tests"
ITEM_INDENT = 2
"""Column (0-based) of the ``-`` of each case in the files written."""

_LITERALS = re.compile(r"'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class Item:
    """One check's setting in a case: the value it gets (None: left unset) and the verdict."""

    check: str
    kind: Kind
    ref: str
    canonical: str
    value: JSON
    status: str


# -- values ------------------------------------------------------------------------------------


def derivable(check: Check, raw: Located | None) -> make_fixtures.Check | None:
    """The check as make_fixtures derives values for it, or None for raw ``query`` checks
    and unresolved display-name settings (hand-written cases cover those)."""
    if check.kind is None or check.kind is Kind.SETTING:
        return None
    expect = raw.get("expect", {}) if raw is not None else {}
    hints = literals(str(raw["assert"])) if raw is not None and "assert" in raw else ()
    ref = check.info.setting.partition(":")[2]
    return make_fixtures.Check(check.info.id, check.kind.value, ref, expect, check.judge, hints)


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
    for item in entries:
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


def case_text(name: str, members: list[Item]) -> list[str]:
    pad = " " * ITEM_INDENT
    lines = [f"{pad}- name: {quote(name)}"]
    state: dict[Kind, list[Item]] = {}
    for item in members:
        if item.value is not None:
            state.setdefault(item.kind, []).append(item)
    lines.append(f"{pad}  state:" + ("" if state else " {}"))
    for kind in Kind:
        if kind in state:
            lines.append(f"{pad}    {kind.value}:")
            written = dict.fromkeys(
                (i.ref, json.dumps(i.value, ensure_ascii=False)) for i in state[kind]
            )
            lines += [f"{pad}      {quote(ref)}: {value}" for ref, value in written]
    lines.append(f"{pad}  expect:")
    lines += [f"{pad}    {quote(item.check)}: {item.status}" for item in members]
    return lines


def generated_cases(good: list[Item], bad: list[Item]) -> list[str]:
    lines: list[str] = []
    for label, entries in (("compliant", good), ("violating", bad)):
        for number, members in enumerate(pack(entries), start=1):
            suffix = "" if number == 1 else f" {number}"
            lines += case_text(f"{GENERATED_PREFIX} {label}{suffix}", members)
    return lines


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
    raw_checks = {raw["id"]: raw for raw in load_yaml(benchmark).get("checks", [])}
    pairs = []
    uncovered = []
    for check in compiled.checks:
        derived = derivable(check, raw_checks.get(check.info.id))
        if derived is None:
            uncovered.append(check.info.id)
        else:
            pairs.append((check, derived))
    good, bad, missing = items(pairs)
    lines = [
        f"# Policy unit tests of {compiled.info.id} (run: baseliner test "
        f"{CASES_DIR.relative_to(ROOT).as_posix()}).",
        "# Cases named 'generated: ...' are rewritten by tools/make_cases.py from the benchmark;",
        "# add or edit cases under other names: the generator keeps them.",
        f"benchmark: {quote(benchmark.stem)}",
        "cases:",
        *hand_written(target),
        *generated_cases(good, bad),
    ]
    return "\n".join(lines) + "\n", uncovered + missing


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
