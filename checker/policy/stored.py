"""Compiled benchmarks as JSON data, and back: what the benchmark cache keeps
(checker/policy/cache.py) and what a benchmark pickles as (a check's judge is a closure).

The cache keeps data, never code, so a warm run compiles every check again from its data;
that is most of loading the shipped benchmarks on a warm run (a bar of issue 8).  What many
checks of a benchmark hold alike is kept once, in :class:`Shared` rows that the checks name
by number, and rebuilt once: the ``expect`` or ``assert`` (158 distinct among the 2,767
shipped checks, and compiling each check's again was a third of a warm load), ``applies_to``,
``tags``, and the rest of a check's metadata (category, severity, kind, origin file, ...).
A check is a flat list, not an object: a warm run decodes every shipped check, and JSON
arrays decode faster.  Fewer values to decode and fewer compilations brought a warm load of
the 13 shipped benchmarks from 56 to about 30 ms (bench/RESULTS.md).

The data is trusted as written: it comes from :func:`benchmark_data` (the cache signs it).
Data of another shape raises ``KeyError``, ``TypeError`` or ``ValueError``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from checker.core.results import BenchmarkInfo, CheckInfo
from checker.core.statuses import Category, Severity
from checker.core.values import JSON, Origin
from checker.kinds import TEXT_TYPES, Kind
from checker.policy import expect as expect_ops
from checker.policy.compile import AppliesTo, Benchmark, Check
from checker.policy.jmes import Compiled, compile_expression


class Shared:
    """The rows that the checks of one benchmark share, each added once (see the module
    docstring).  A judge's row is JSON text, which is its own key: the benchmarks of a run
    share one compilation of each (:func:`_judge`)."""

    TABLES = ("judge", "applies", "tags", "meta")

    def __init__(self) -> None:
        self.rows: dict[str, list[Any]] = {table: [] for table in self.TABLES}
        self._seen: dict[tuple[str, str], int] = {}

    def index(self, table: str, value: Any) -> int:
        """The number of ``value``'s row in ``table``, added when new."""
        key = (table, value if isinstance(value, str) else json.dumps(value))
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = len(self.rows[table])
            self.rows[table].append(value)
        return found


def check_data(check: Check, shared: Shared) -> list[Any]:
    """``check`` as a flat list of its own values and the numbers of its shared rows."""
    info, origin = check.info, check.info.origin
    assertion = check.assertion.expression if check.assertion is not None else None
    judge = json.dumps([check.expect, assertion, check.value_type in TEXT_TYPES])
    applies = [sorted(check.applies_to.os), sorted(check.applies_to.role)]
    meta = [
        info.category.value, info.severity.value, info.impact, info.benchmark,
        check.kind.value if check.kind is not None else None,
        check.query.expression if check.query is not None else None,
        origin.path, origin.offset, origin.source, check.absent_ok, check.value_type,
        list(check.unset),
    ]  # fmt: skip
    return [
        info.id, info.title, info.setting, info.expected, info.remediation, info.rationale,
        list(info.references), origin.line, check.key,
        shared.index("judge", judge), shared.index("applies", applies),
        shared.index("tags", list(info.tags)), shared.index("meta", meta),
    ]  # fmt: skip


def benchmark_data(benchmark: Benchmark) -> dict[str, Any]:
    """``benchmark`` as JSON data that :func:`benchmark_from_data` compiles again."""
    info, shared = benchmark.info, Shared()
    head = {"id": info.id, "title": info.title, "version": info.version, "path": info.path}
    checks = [check_data(check, shared) for check in benchmark.checks]
    return {"info": head, "shared": shared.rows, "checks": checks}


def benchmark_from_data(data: dict[str, Any]) -> Benchmark:
    """A benchmark from :func:`benchmark_data`, compiled again."""
    rows = _Rows(data["shared"])
    checks = tuple(rows.check(check) for check in data["checks"])
    head = data["info"]
    info = BenchmarkInfo(
        str(head["id"]),
        str(head["title"]),
        str(head["version"]),
        str(head["path"]),
        tuple(check.info for check in checks),
    )
    return Benchmark(info, checks)


def check_from_data(rows: Mapping[str, list[Any]], data: list[Any]) -> Check:
    """One check from its :class:`Shared` rows and :func:`check_data` (how it pickles)."""
    return _Rows(rows).check(data)


_Judged = tuple[Callable[[JSON], bool], bool, Compiled | None, Any]
"""A judge row compiled again: (judge, wants_absent, assertion, expect)."""


@functools.lru_cache(maxsize=4096)
def _judge(row: str) -> _Judged:
    """A judge row compiled again (its texts compiled before, so they do)."""
    expect, assertion, text_numbers = json.loads(row)
    if expect is not None:
        judge, _, absent = expect_ops.compile_expect(expect, text_numbers=text_numbers)
        return judge, absent, None, expect
    compiled = compile_expression(assertion)
    judge, _, absent = expect_ops.compile_assert(compiled, assertion)
    return judge, absent, compiled, None


class _Rows:
    """A benchmark's :class:`Shared` rows rebuilt, each once, and the checks built on them."""

    __slots__ = ("applies", "judges", "meta", "tags")

    def __init__(self, rows: Mapping[str, list[Any]]) -> None:
        self.judges = [_judge(row) for row in rows["judge"]]
        self.applies = [AppliesTo(frozenset(os), frozenset(role)) for os, role in rows["applies"]]
        self.tags = [tuple(tags) for tags in rows["tags"]]
        self.meta = [
            (Category(category), Severity(severity), impact, benchmark,
             Kind(kind) if kind is not None else None,
             compile_expression(query) if query is not None else None,
             path, offset, source, absent_ok, value_type, tuple(unset))
            for (category, severity, impact, benchmark, kind, query, path, offset, source,
                 absent_ok, value_type, unset) in rows["meta"]
        ]  # fmt: skip

    def check(self, data: list[Any]) -> Check:
        """A check from :func:`check_data`."""
        (check_id, title, setting, expected, remediation, rationale, refs, line, key, judged,
         applies, tags, meta) = data  # fmt: skip
        judge, wants_absent, assertion, expect = self.judges[judged]
        (category, severity, impact, benchmark, kind, query, path, offset, source, absent_ok,
         value_type, unset) = self.meta[meta]  # fmt: skip
        info = CheckInfo(
            check_id, title, category, impact, severity, benchmark, setting, expected,
            remediation, rationale, tuple(refs), self.tags[tags],
            Origin(path, line, offset, source), value_type,
        )  # fmt: skip
        return Check(
            info, kind, key, query, judge, wants_absent, self.applies[applies], absent_ok,
            assertion, expect, value_type, unset,
        )  # fmt: skip
