"""Which checks run: ``--check``, ``--skip`` and ``--category``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from checker.core.globs import compile_glob
from checker.core.results import BenchmarkInfo
from checker.core.statuses import Category
from checker.policy.compile import Benchmark, Check


def iter_checks(benchmarks: Iterable[Benchmark]) -> Iterator[Check]:
    for benchmark in benchmarks:
        yield from benchmark.checks


def unmatched(benchmarks: Iterable[Benchmark], patterns: Iterable[str]) -> list[str]:
    """The patterns (as ``select`` takes them) that match no check of ``benchmarks``."""
    ids = [check.info.id for benchmark in benchmarks for check in benchmark.checks]
    return [
        pattern
        for pattern in patterns
        if not any(compile_glob(pattern).fullmatch(check_id) for check_id in ids)
    ]


def select(
    benchmarks: list[Benchmark],
    checks: Iterable[str] = (),
    categories: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> list[Benchmark]:
    """Keep the checks whose id matches one of ``checks`` (glob or regex-free prefix patterns)
    and whose category is in ``categories``; drop those matching ``skip``.  Empty means all."""
    wanted = [compile_glob(p) for p in checks]
    skipped = [compile_glob(p) for p in skip]
    cats = {Category(c) for c in categories}
    out: list[Benchmark] = []
    for benchmark in benchmarks:
        kept = tuple(
            check
            for check in benchmark.checks
            if (not wanted or any(p.fullmatch(check.info.id) for p in wanted))
            and (not cats or check.info.category in cats)
            and not any(p.fullmatch(check.info.id) for p in skipped)
        )
        info = BenchmarkInfo(
            benchmark.info.id,
            benchmark.info.title,
            benchmark.info.version,
            benchmark.info.path,
            tuple(check.info for check in kept),
        )
        out.append(Benchmark(info, kept))
    return out
