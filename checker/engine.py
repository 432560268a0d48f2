"""The engine: every compiled check against one target, giving one Result each.

Pure: no I/O.  A target's device document is built once, and only when a raw ``query``
check needs it; setting references are direct lookups in the target's fact table.

A check that names a site-specific parameter no profile sets is ``not_applicable`` on every
target (checker/policy/parameters.py).  A check of a computer setting on a target whose
exports hold a user's settings only (``meta["scope"] == "user"``: ``gpresult /scope user``,
or gpresult run without elevation), or of a user's setting on one whose exports hold the
computer's only (``"machine"``), is an ``error`` (unless it does not apply to the target):
"not configured" would be a guess, and the gate fails closed on it.  A check that declares
its value's type (``type: REG_SZ``) fails a value of another type whatever the value, and
says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.core.results import Result
from checker.core.statuses import Status
from checker.core.values import JSON, Confidence, Fact, Target
from checker.kinds import is_user_setting, value_type
from checker.policy.compile import Benchmark, Check

_NO_FACTS: dict[str, Fact] = {}

USER_ONLY = (
    "cannot be judged: the export holds a user's settings only (gpresult /scope user, or "
    "gpresult run without elevation), not the computer's; export gpresult /x elevated"
)
MACHINE_ONLY = (
    "cannot be judged: the export holds the computer's settings only (gpresult /scope "
    "computer, or run for an account without Group Policy results), not a user's"
)


def _out_of_scope(benchmarks: tuple[Benchmark, ...], scope: str) -> tuple[int, ...]:
    """The places, among the results of ``benchmarks``, of the checks that read a setting of
    the other scope than ``scope`` (``user``: every setting but a user's; ``machine``: a
    user's).  Worked out once per run and kept (with the benchmarks, so their ids stay
    theirs): a fleet's computer-only gpresult devices pay nothing per check for it."""
    key = (tuple(map(id, benchmarks)), scope)
    found = _SCOPES.get(key)
    if found is not None:
        return found[1]
    user = scope == "user"
    checks = [check for benchmark in benchmarks for check in benchmark.checks]
    places = tuple(
        place
        for place, check in enumerate(checks)
        if check.kind is not None and is_user_setting(check.kind, check.key) is not user
    )
    if len(_SCOPES) >= 64:
        _SCOPES.clear()
    _SCOPES[key] = (benchmarks, places)
    return places


_SCOPES: dict[tuple[tuple[int, ...], str], tuple[tuple[Benchmark, ...], tuple[int, ...]]] = {}


def _in_scope(benchmarks: tuple[Benchmark, ...], results: list[Result], scope: str) -> list[Result]:
    """``results`` with each check outside ``scope`` an error, unless it does not apply."""
    reason = USER_ONLY if scope == "user" else MACHINE_ONLY
    for place in _out_of_scope(benchmarks, scope):
        result = results[place]
        if result.status is not Status.NOT_APPLICABLE:
            results[place] = Result(result.check, Status.ERROR, reason=reason)
    return results


def evaluate(benchmarks: Iterable[Benchmark], target: Target) -> tuple[Result, ...]:
    """Results of every check of ``benchmarks`` on ``target``, in benchmark order."""
    document: dict[str, JSON] | None = None
    benchmarks = tuple(benchmarks)
    os, role = target.meta.get("os"), target.meta.get("role")
    everything_applies = os is None and role is None  # admits() would say yes to every check
    facts = target.facts
    results: list[Result] = []
    for benchmark in benchmarks:
        for check in benchmark.checks:
            if check.unset:
                results.append(_site_specific(check))
            elif not everything_applies and not check.applies_to.admits(os, role):
                results.append(
                    Result(check.info, Status.NOT_APPLICABLE, reason=f"target is {os or role}")
                )
            elif check.kind is not None:
                fact = facts.get(check.kind, _NO_FACTS).get(check.key)
                if fact is not None:
                    results.append(_judge_setting(check, fact))
                    continue
                # Unset, a fleet's most frequent case: its shared result, without a call.
                made = _SHARED.get(id(check))
                if made is not None and made[0] is check:
                    results.append(made[1])
                else:
                    results.append(_absent(check, _NOT_FOUND))
            else:
                if document is None:
                    document = target.document()
                results.append(_judge_query(check, document))
    scope = target.meta.get("scope")
    if isinstance(scope, str):
        return tuple(_in_scope(benchmarks, results, scope))
    return tuple(results)


def _absent(check: Check, not_found: str) -> Result:
    """The verdict when nothing is set: what both setting references and queries give.

    The same on every target (a check reads settings one way, so ``not_found`` is fixed per
    check), and a fleet's most frequent result: made once per check and shared, as a
    ``Result`` is never modified once made (see :class:`checker.core.results.Result`)."""
    if check.wants_absent:
        return _shared(check, Status.PASS, "not set")
    if check.absent_ok:
        return _shared(check, Status.PASS, "not set: the Windows default complies")
    return _shared(check, Status.NOT_CONFIGURED, not_found)


def _shared(check: Check, status: Status, reason: str) -> Result:
    """A result without a value, the same on every target: made once per check and shared."""
    made = _SHARED.get(id(check))
    if made is not None and made[0] is check:
        return made[1]
    result = Result(check.info, status, reason=reason)
    if len(_SHARED) >= _SHARED_KEPT:
        _SHARED.clear()
    _SHARED[id(check)] = (check, result)
    return result


_SHARED: dict[int, tuple[Check, Result]] = {}
""":func:`_shared`'s results by check; the check is kept with its result, so its id is not
reused while the entry lives."""

_SHARED_KEPT = 1 << 14
"""Checks :data:`_SHARED` holds before it starts again (shipped benchmarks have ~2,000)."""


def _site_specific(check: Check) -> Result:
    names = ", ".join(check.unset)
    word = "parameter" if len(check.unset) == 1 else "parameters"
    return _shared(check, Status.NOT_APPLICABLE, f"site-specific: set {word} {names}")


_NOT_FOUND = "setting not found in any source"


def _judge_setting(check: Check, fact: Fact) -> Result:
    value = fact.value
    if check.value_type is not None and value is not None:
        found = fact.type or value_type(value)
        if found != check.value_type:
            return _verdict_of(
                check, fact, Status.FAIL, f"{found}, not the {check.value_type} required"
            )
    # _verdict inlined: this is the engine's hot path, and the call and tuple cost ~5%; the
    # arguments are positional for the same reason (keywords cost ~10% of the engine).
    try:
        status = Status.PASS if check.judge(value) else Status.FAIL
    except Exception as exc:  # an assertion that cannot judge this value is the check's error
        error = _failed("assertion failed to evaluate", exc)
        return Result(
            check.info, Status.ERROR, value, (fact.origin,), error, fact.via, None, None, fact.type
        )
    if fact.confidence is Confidence.PARTIAL:
        return _verdict_of(check, fact, status, None)
    reason = "deleted by policy" if fact.deleted else None
    return Result(
        check.info, status, value, (fact.origin,), reason, fact.via, None, None, fact.type
    )


def _verdict_of(check: Check, fact: Fact, status: Status, reason: str | None) -> Result:
    """A verdict off the hot path: uncertain when the fact came through a partial mapping."""
    if fact.confidence is Confidence.PARTIAL:
        why = f"depends on Intune setting {fact.via}: {fact.reason}"
        return Result(
            check.info, Status.UNCERTAIN, fact.value, (fact.origin,), why, fact.via,
            lean=status, actual_type=fact.type,
        )  # fmt: skip
    return Result(
        check.info, status, fact.value, (fact.origin,), reason, fact.via, actual_type=fact.type
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
