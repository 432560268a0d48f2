"""The engine: every compiled check against one target, giving one Result each.

Pure: no I/O.  A target's device document is built once, and only when a raw ``query``
check needs it; setting references are direct lookups in the target's fact table.

A check that names a site-specific parameter no profile sets is ``not_applicable`` on every
target (checker/policy/parameters.py).  A check of a computer setting on a target whose
exports hold a user's settings only (``meta["scope"] == "user"``: ``gpresult /scope user``,
or gpresult run without elevation), or of a user's setting on one whose exports hold the
computer's only (``"machine"``), is an ``error``: "not configured" would be a guess, and the
gate fails closed on it.  A check that declares its value's type (``type: REG_SZ``)
fails a value of another type whatever the value, and says so.
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


def _unjudged(check: Check, target: Target) -> Result | None:
    """Why ``check`` is not judged on ``target``: it applies to another OS or role, or it
    reads a setting of the scope (the computer's, a user's) the target's exports do not
    show; None when it is judged."""
    os, role = target.meta.get("os"), target.meta.get("role")
    if not check.applies_to.admits(os, role):
        return Result(check.info, Status.NOT_APPLICABLE, reason=f"target is {os or role}")
    scope = target.meta.get("scope")
    if scope is None or check.kind is None:
        return None
    if is_user_setting(check.kind, check.key) == (scope == "user"):
        return None
    return Result(check.info, Status.ERROR, reason=USER_ONLY if scope == "user" else MACHINE_ONLY)


def evaluate(benchmarks: Iterable[Benchmark], target: Target) -> tuple[Result, ...]:
    """Results of every check of ``benchmarks`` on ``target``, in benchmark order."""
    document: dict[str, JSON] | None = None
    os, role = target.meta.get("os"), target.meta.get("role")
    # _unjudged() would say None of every check: the usual target, tested once.
    everything_applies = os is None and role is None and target.meta.get("scope") is None
    facts = target.facts
    results: list[Result] = []
    for benchmark in benchmarks:
        for check in benchmark.checks:
            if check.unset:
                results.append(_site_specific(check))
            elif not everything_applies and (unjudged := _unjudged(check, target)) is not None:
                results.append(unjudged)
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
