"""Evaluation throughput: checks judged per second on one core, side by side.

    python -m bench.bench_eval [--seconds 2] [--policy msft-windows11-24h2] [--profile]

Every check of the benchmark is judged on every target, in these ways:

- ``engine``: ``checker.engine.evaluate`` as shipped (setting lookup + ``expect`` judge);
- ``engine, query (jmespath)`` / ``engine, query (compiled)``: the same engine, each check
  rewritten as a raw ``query`` + ``assert`` (what a policy author may write), its
  expressions compiled by ``jmespath.compile`` (the package's interpreter) or by
  ``checker.jmes`` (what ``checker.policy`` uses);
- ``jmespath.search``: a bare loop, query and assertion interpreted by the package;
- ``checker.jmes``: the same bare loop with compiled expressions;
- ``plain Python``: a hand-written lookup and comparison per check, the practical limit.

Targets are the GPO backups of ../shared/corpus/gpo when present, else fixtures/gpo.
Throughput is CPU time (``time.process_time``) of this process, so other work on the
machine does not count against it.  Verdicts of every way are compared with the engine's,
so a way that is fast because it judges differently shows.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import json
import pstats
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jmespath
import yaml

from checker.core.statuses import Status
from checker.core.values import JSON, Target
from checker.engine import evaluate
from checker.policy.compile import Benchmark, Check
from checker.policy.expect import truthy
from checker.policy.jmes import compile_expression
from checker.policy.load import load_benchmarks, resolve
from checker.targets.load import load_target, plan

ROOT = Path(__file__).resolve().parents[1]

CORPUS_GPO = ROOT.parent / "shared" / "corpus" / "gpo"
FIXTURE_GPO = ROOT / "fixtures" / "gpo"

Judge = Callable[[JSON], bool]
Search = Callable[[JSON], JSON]


def _literal(value: JSON) -> str:
    return f"`{json.dumps(value)}`"


def _ordered(operator: str) -> Callable[[JSON], str]:
    return lambda operand: f"(type(@) == 'number' && @ {operator} {_literal(operand)})"


def _all_of(operand: JSON) -> str:
    return " && ".join(f"contains(@, {_literal(item)})" for item in operand)


ASSERTIONS: dict[str, Callable[[JSON], str]] = {
    "equals": lambda operand: f"@ == {_literal(operand)}",
    "not_equals": lambda operand: f"@ != {_literal(operand)}",
    "in": lambda operand: f"contains({_literal(operand)}, @)",
    "not_in": lambda operand: f"!contains({_literal(operand)}, @)",
    "gt": _ordered(">"),
    "gte": _ordered(">="),
    "lt": _ordered("<"),
    "lte": _ordered("<="),
    "empty": lambda operand: ("" if operand else "!") + "(@ == `[]` || @ == '' || @ == `{}`)",
    "subset_of": lambda operand: (
        f"(type(@) == 'array' && length(@[?!contains({_literal(operand)}, @)]) == `0`)"
    ),
    "superset_of": lambda operand: f"(type(@) == 'array' && {_all_of(operand)})",
    "absent": lambda operand: "@ == `null`" if operand else "@ != `null`",
}
"""``expect`` operator -> the JMESPath ``assert`` a policy author would write for it (set
operators compare case-sensitively here, a difference the verdict comparison shows)."""


def _fold(items: JSON) -> frozenset[JSON] | None:
    if not isinstance(items, list):
        return None
    return frozenset(item.casefold() if isinstance(item, str) else item for item in items)


def _plain_equals(operand: JSON) -> Judge:
    kind = type(operand)
    return lambda value: type(value) is kind and value == operand


def _plain_in(operand: JSON) -> Judge:
    allowed = set(operand)
    return lambda value: value in allowed


def _plain_order(relation: Callable[[int, int], bool]) -> Callable[[JSON], Judge]:
    return lambda operand: lambda value: type(value) is int and relation(value, operand)


def _plain_set(
    relation: Callable[[frozenset[JSON], frozenset[JSON]], bool],
) -> Callable[[JSON], Judge]:
    def make(operand: JSON) -> Judge:
        wanted = _fold(operand)
        assert wanted is not None

        def judge(value: JSON) -> bool:
            have = _fold(value)
            return have is not None and relation(have, wanted)

        return judge

    return make


PLAIN: dict[str, Callable[[JSON], Judge]] = {
    "equals": _plain_equals,
    "not_equals": lambda operand: lambda value: not _plain_equals(operand)(value),
    "in": _plain_in,
    "not_in": lambda operand: lambda value: value not in set(operand),
    "gt": _plain_order(int.__gt__),
    "gte": _plain_order(int.__ge__),
    "lt": _plain_order(int.__lt__),
    "lte": _plain_order(int.__le__),
    "empty": lambda operand: lambda value: (value in ([], "", {})) is operand,
    "subset_of": _plain_set(frozenset.__le__),
    "superset_of": _plain_set(frozenset.__ge__),
    "absent": lambda operand: lambda value: (value is None) is operand,
}
"""``expect`` operator -> a hand-written Python judge, as one would write it for speed."""


@dataclass(frozen=True, slots=True)
class Translated:
    """One check as a raw query and assertion, and as plain Python."""

    check: Check
    spec: dict[str, JSON]
    query: str
    assertion: str
    plain: Judge


def translate(check: Check, spec: dict[str, JSON]) -> Translated:
    assert check.kind is not None
    query = f"{check.kind.value}.{json.dumps(check.key)}.value"
    texts = [ASSERTIONS[name](operand) for name, operand in spec.items()]
    judges = [PLAIN[name](operand) for name, operand in spec.items()]
    assertion = " && ".join(texts)
    plain = judges[0] if len(judges) == 1 else (lambda value: all(j(value) for j in judges))
    return Translated(check, spec, query, assertion, plain)


def translations(benchmarks: list[Benchmark], paths: Iterable[Path]) -> list[Translated]:
    specs: dict[str, dict[str, JSON]] = {}
    for path in paths:
        for raw in yaml.safe_load(path.read_text("utf-8"))["checks"]:
            specs[raw["id"]] = raw["expect"]
    return [
        translate(check, specs[check.info.id])
        for benchmark in benchmarks
        for check in benchmark.checks
    ]


def as_query_checks(
    benchmarks: list[Benchmark], items: list[Translated], compiler: Callable[[str], Any]
) -> list[Benchmark]:
    """The benchmarks with every check rewritten as ``query`` + ``assert``."""
    by_id = {item.check.info.id: item for item in items}

    def rewrite(check: Check) -> Check:
        item = by_id[check.info.id]
        query, assertion = compiler(item.query), compiler(item.assertion)
        return dataclasses.replace(
            check,
            kind=None,
            key=item.query,
            # jmespath's ParsedResult and checker.jmes.Compiled both offer .search(value)
            query=cast(Any, query),
            judge=lambda value: truthy(assertion.search(value)),
            wants_absent="absent" in item.assertion or check.wants_absent,
        )

    return [
        Benchmark(benchmark.info, tuple(rewrite(check) for check in benchmark.checks))
        for benchmark in benchmarks
    ]


# -- the ways of judging; each returns the statuses, target by target -----------------------


def run_engine(benchmarks: list[Benchmark]) -> Callable[[list[Target]], list[str]]:
    def run(targets: list[Target]) -> list[str]:
        return [result.status for target in targets for result in evaluate(benchmarks, target)]

    return run


def bare_loop(
    items: list[Translated], documents: list[dict[str, JSON]], compiler: Callable[[str], Any]
) -> Callable[[list[Target]], list[str]]:
    """Query then assertion per check, with no Result values: the expressions' own cost."""
    compiled: list[tuple[Search, Search, bool]] = [
        (
            compiler(item.query).search,
            compiler(item.assertion).search,
            item.check.wants_absent,
        )
        for item in items
    ]

    def run(targets: list[Target]) -> list[str]:
        statuses: list[str] = []
        for document in documents:
            for query, assertion, wants_absent in compiled:
                value = query(document)
                if value is None and not wants_absent:
                    statuses.append(Status.NOT_CONFIGURED.value)
                elif truthy(assertion(value)):
                    statuses.append(Status.PASS.value)
                else:
                    statuses.append(Status.FAIL.value)
        return statuses

    return run


def plain_loop(
    items: list[Translated], documents: list[dict[str, JSON]]
) -> Callable[[list[Target]], list[str]]:
    """Dict lookups and a Python comparison: the practical limit."""
    table = [
        (item.check.kind.value if item.check.kind else "", item.check.key, item.plain)
        for item in items
    ]
    wants = [item.check.wants_absent for item in items]
    empty: dict[str, JSON] = {}

    def run(targets: list[Target]) -> list[str]:
        statuses: list[str] = []
        for document in documents:
            for (kind, key, judge), wants_absent in zip(table, wants, strict=True):
                entry = document.get(kind, empty).get(key)
                value = None if entry is None else entry["value"]
                if value is None and not wants_absent:
                    statuses.append("not_configured")
                else:
                    statuses.append("pass" if judge(value) else "fail")
        return statuses

    return run


def measure(
    run: Callable[[list[Target]], list[str]], targets: list[Target], seconds: float
) -> float:
    """Seconds of CPU per round, over as many rounds as fit in ``seconds``."""
    rounds, start = 0, time.process_time()
    while True:
        run(targets)
        rounds += 1
        spent = time.process_time() - start
        if spent >= seconds:
            return spent / rounds


def load_targets() -> tuple[str, list[Target]]:
    root = CORPUS_GPO if CORPUS_GPO.is_dir() else FIXTURE_GPO
    planned = plan(sorted(path for path in root.iterdir() if path.is_dir()))
    targets = [target for tp in planned.targets if (target := load_target(tp)[0]) is not None]
    return str(root), targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="CPU seconds per way")
    parser.add_argument("--policy", default="msft-windows11-24h2")
    parser.add_argument("--profile", action="store_true", help="profile the engine way")
    args = parser.parse_args(argv)

    benchmarks = load_benchmarks([args.policy])
    items = translations(benchmarks, resolve(args.policy))
    root, targets = load_targets()
    documents = [target.document() for target in targets]
    checks = len(items) * len(targets)
    print(f"{len(items)} checks x {len(targets)} targets from {root} = {checks} per round")

    ways: list[tuple[str, Callable[[list[Target]], list[str]]]] = [
        ("engine (setting + expect)", run_engine(benchmarks)),
        (
            "engine, query (jmespath)",
            run_engine(as_query_checks(benchmarks, items, jmespath.compile)),
        ),
        (
            "engine, query (compiled)",
            run_engine(as_query_checks(benchmarks, items, compile_expression)),
        ),
        ("jmespath.search", bare_loop(items, documents, jmespath.compile)),
        ("checker.jmes", bare_loop(items, documents, compile_expression)),
        ("plain Python", plain_loop(items, documents)),
    ]
    reference = ways[0][1](targets)
    timings = [(name, measure(run, targets, args.seconds), run(targets)) for name, run in ways]
    limit = timings[-1][1]
    header = ("way", "checks/s/core", "us/check", "of plain", "verdicts = engine")
    print("{:28} {:>14} {:>9} {:>9} {:>18}".format(*header))
    for name, seconds, statuses in timings:
        agree = sum(a == b for a, b in zip(statuses, reference, strict=True))
        print(
            f"{name:28} {checks / seconds:14,.0f} {seconds / checks * 1e6:9.2f} "
            f"{limit / seconds:9.1%} {agree:>10}/{len(reference)}"
        )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [ways[0][1](targets) for _ in range(200)])
        pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
