"""The engine: every compiled check against one target, giving one Result each.

Pure: no I/O.  A target's device document is built once, and only when a raw ``query``
check needs it; setting references are direct lookups in the target's fact table.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.core.results import Result
from checker.core.statuses import Status
from checker.core.values import JSON, Confidence, Fact, Target
from checker.policy.compile import Benchmark, Check

_NO_FACTS: dict[str, Fact] = {}


def evaluate(benchmarks: Iterable[Benchmark], target: Target) -> tuple[Result, ...]:
    """Results of every check of ``benchmarks`` on ``target``, in benchmark order."""
    document: dict[str, JSON] | None = None
    os, role = target.meta.get("os"), target.meta.get("role")
    everything_applies = os is None and role is None  # admits() would say yes to every check
    facts = target.facts
    results: list[Result] = []
    for benchmark in benchmarks:
        for check in benchmark.checks:
            if not everything_applies and not check.applies_to.admits(os, role):
                results.append(
                    Result(check.info, Status.NOT_APPLICABLE, reason=f"target is {os or role}")
                )
            elif check.kind is not None:
                fact = facts.get(check.kind, _NO_FACTS).get(check.key)
                results.append(_judge_setting(check, fact))
            else:
                if document is None:
                    document = target.document()
                results.append(_judge_query(check, document))
    return tuple(results)


def _absent(check: Check, not_found: str) -> Result:
    """The verdict when nothing is set: what both setting references and queries give.

    The same on every target (a check reads settings one way, so ``not_found`` is fixed per
    check), and a fleet's most frequent result: made once per check and shared, as a
    ``Result`` is never modified once made (see :class:`checker.core.results.Result`)."""
    made = _ABSENT.get(id(check))
    if made is not None and made[0] is check:
        return made[1]
    if check.wants_absent:
        result = Result(check.info, Status.PASS, reason="not set")
    elif check.absent_ok:
        result = Result(check.info, Status.PASS, reason="not set: the Windows default complies")
    else:
        result = Result(check.info, Status.NOT_CONFIGURED, reason=not_found)
    if len(_ABSENT) >= _ABSENT_KEPT:
        _ABSENT.clear()
    _ABSENT[id(check)] = (check, result)
    return result


_ABSENT: dict[int, tuple[Check, Result]] = {}
""":func:`_absent`'s results by check; the check is kept with its result, so its id is not
reused while the entry lives."""

_ABSENT_KEPT = 1 << 14
"""Checks :data:`_ABSENT` holds before it starts again (shipped benchmarks have ~2,000)."""


def _judge_setting(check: Check, fact: Fact | None) -> Result:
    if fact is None:
        return _absent(check, "setting not found in any source")
    value = fact.value
    # _verdict inlined: this is the engine's hot path, and the call and tuple cost ~5%.
    try:
        status = Status.PASS if check.judge(value) else Status.FAIL
    except Exception as exc:  # an assertion that cannot judge this value is the check's error
        error = _failed("assertion failed to evaluate", exc)
        return Result(check.info, Status.ERROR, value, (fact.origin,), error, fact.via)
    if fact.confidence is Confidence.PARTIAL:
        return _uncertain(check, fact, status)
    reason = "deleted by policy" if fact.deleted else None
    return Result(check.info, status, value, (fact.origin,), reason, fact.via)


def _uncertain(check: Check, fact: Fact, lean: Status) -> Result:
    reason = f"depends on Intune setting {fact.via}: {fact.reason}"
    return Result(
        check.info, Status.UNCERTAIN, fact.value, (fact.origin,), reason, fact.via, lean=lean
    )


def _judge_query(check: Check, document: dict[str, JSON]) -> Result:
    assert check.query is not None
    try:
        value = check.query.search(document)
    except Exception as exc:  # a runtime JMESPath error (e.g. a function on the wrong type)
        return Result(check.info, Status.ERROR, reason=_failed("query failed", exc))
    if value is None:
        return _absent(check, "query found nothing")
    status, error = _verdict(check, value)
    return Result(check.info, status, value, reason=error)


def _verdict(check: Check, value: JSON) -> tuple[Status, str | None]:
    try:
        return (Status.PASS if check.judge(value) else Status.FAIL), None
    except Exception as exc:  # an assertion that cannot judge this value is the check's error
        return Status.ERROR, _failed("assertion failed to evaluate", exc)


REASON_LIMIT = 300
"""Characters of an error a result's reason keeps."""


def _failed(what: str, exc: Exception) -> str:
    """``what: exc``, cut at :data:`REASON_LIMIT`: JMESPath's errors quote the value they
    met, which for ``sort(@)`` is the whole device document (114 KB in every result, on
    every device of a fleet)."""
    text = f"{what}: {exc}"
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"
