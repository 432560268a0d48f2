"""Values that cross module borders: facts with their origin, targets, results.

The device document
-------------------
Every loader turns an export into :class:`Fact` values.  A :class:`Target` merges the facts of
its sources (in precedence order) into one *device document*, the shape that
``baseliner normalize`` prints and that a check's raw JMESPath ``query`` reads::

    {
      "registry":  {"hklm\\software\\policies\\...!valuename": ENTRY, ...},
      "security":  {"system access/minimumpasswordlength": ENTRY, ...},
      "privilege": {"sedenynetworklogonright": ENTRY, ...},
      "audit":     {"credential validation": ENTRY, ...},
      "service":   {"xboxgipsvc": ENTRY, ...},
      "firewall":  {"domain/enablefirewall": ENTRY, ...},
      "intune":    {"device_vendor_msft_policy_config_...": ENTRY, ...},
      "setting":   {"display name of an unresolved setting": ENTRY, ...}
    }

    ENTRY = {"key": <as first written>, "value": <data>, "type": <REG_DWORD|...|null>,
             "origin": {"path", "line", "offset", "source"}, ...}

Keys are canonical (:func:`canonical_key`): lower case, registry hives abbreviated
(``HKLM``/``HKCU``), so that ``LanManServer`` and ``LanmanServer`` are one key, as on Windows.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

JSON = Any
"""A JSON-compatible value (None, bool, int, str, list, dict)."""


class Kind(StrEnum):
    """The families of facts a device document holds."""

    REGISTRY = "registry"
    SECURITY = "security"
    PRIVILEGE = "privilege"
    AUDIT = "audit"
    SERVICE = "service"
    FIREWALL = "firewall"
    INTUNE = "intune"
    SETTING = "setting"


class Confidence(StrEnum):
    """How sure a fact is: read directly, or translated through a mapping."""

    EXACT = "exact"
    PARTIAL = "partial"


class Status(StrEnum):
    """A check's verdict on one target (DESIGN §5)."""

    PASS = "pass"
    FAIL = "fail"
    NOT_CONFIGURED = "not_configured"
    UNCERTAIN = "uncertain"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"
    EXEMPT = "exempt"


class Category(StrEnum):
    """Secure Score for Devices categories."""

    APPLICATION = "application"
    OS = "os"
    NETWORK = "network"
    ACCOUNTS = "accounts"
    SECURITY_CONTROLS = "security_controls"


_Value = TypeVar("_Value")


def pickled_by_fields(cls: type[_Value]) -> type[_Value]:
    """Make a frozen slotted dataclass pickle as a call with its field values.

    The dataclass default for such classes goes through ``fields()`` for every object,
    several times slower; a fleet's spool pickles an origin per result, and the benchmark
    cache every check's info.  The field list is read once, here, so it cannot drift.
    """
    names = [item.name for item in fields(cls)]  # type: ignore[arg-type]
    values = operator.attrgetter(*names)

    def reduce(self: _Value) -> tuple[type[_Value], tuple[Any, ...]]:
        found = values(self)
        return cls, found if len(names) > 1 else (found,)

    setattr(cls, "__reduce__", reduce)  # noqa: B010 -- a method assigned after the class
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a fact, result or error came from.

    ``line`` is 1-based for text formats; ``offset`` is a byte offset for binary ones.
    ``source`` names the GPO, policy or profile inside the file when there is one.
    """

    path: str
    line: int | None = None
    offset: int | None = None
    source: str | None = None

    def to_json(self) -> dict[str, JSON]:
        return {
            "path": self.path,
            "line": self.line,
            "offset": self.offset,
            "source": self.source,
        }

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        elif self.offset is not None:
            where += f"@{self.offset}"
        return where


@dataclass(frozen=True, slots=True)
class Fact:
    """One setting as an export states it.

    ``value`` is JSON-compatible.  A registry value deleted by policy (``**del.``) has
    ``deleted=True`` and ``value=None``.  Facts translated from Intune carry ``via`` (the
    Intune setting id) and, when the translation is lossy, ``confidence=PARTIAL`` with
    ``reason``.
    """

    kind: Kind
    key: str
    value: JSON
    origin: Origin
    type: str | None = None
    deleted: bool = False
    confidence: Confidence = Confidence.EXACT
    reason: str | None = None
    via: str | None = None
    extra: tuple[tuple[str, JSON], ...] = ()

    @property
    def canonical(self) -> str:
        return canonical_key(self.kind, self.key)

    def entry(self) -> dict[str, JSON]:
        """The fact as a device-document entry."""
        out: dict[str, JSON] = {"key": self.key, "value": self.value}
        if self.type is not None:
            out["type"] = self.type
        if self.deleted:
            out["deleted"] = True
        if self.confidence is not Confidence.EXACT:
            out["confidence"] = self.confidence.value
            out["reason"] = self.reason
        if self.via is not None:
            out["via"] = self.via
        out.update(self.extra)
        out["origin"] = self.origin.to_json()
        return out


_HIVES = {
    "hkey_local_machine": "hklm",
    "machine": "hklm",
    "hklm": "hklm",
    "hkey_current_user": "hkcu",
    "user": "hkcu",
    "hkcu": "hkcu",
    "hkey_users": "hku",
    "hku": "hku",
    "hkey_classes_root": "hkcr",
    "hkcr": "hkcr",
}
_SLASHES = re.compile(r"\\+")


@functools.lru_cache(maxsize=1 << 16)
def registry_path(key: str, value_name: str, default_hive: str = "HKLM") -> str:
    """A display path ``HIVE\\key!value`` with the hive abbreviated; the key keeps its case.

    Cached (as is :func:`canonical_key`): a fleet names the same few hundred settings on every
    device, and these two were a tenth of loading one; the bound keeps memory flat."""
    key = key.strip().strip("\\")
    if "\\\\" in key:
        key = _SLASHES.sub("\\\\", key)
    head, _, rest = key.partition("\\")
    hive = _HIVES.get(head.casefold())
    if hive is None:
        hive, rest = default_hive.casefold(), key
    return f"{hive.upper()}\\{rest}!{value_name}"


@functools.lru_cache(maxsize=1 << 16)
def canonical_key(kind: Kind, key: str) -> str:
    """The case-insensitive lookup key of a setting of ``kind``."""
    if kind is Kind.REGISTRY:
        path, bang, name = key.rpartition("!")
        if not bang:
            raise ValueError(f"registry setting {key!r} needs 'KEY!ValueName'")
        key = registry_path(path, name)
    elif kind is Kind.AUDIT:
        key = key.strip()
        if key.casefold().startswith("audit "):
            key = key[6:]
    return key.strip().casefold()


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sources of one target that set the same setting to different values."""

    kind: Kind
    key: str
    winner: Fact
    loser: Fact
    rule: str

    def to_json(self) -> dict[str, JSON]:
        return {
            "setting": f"{self.kind.value}:{self.key}",
            "winner": {"value": self.winner.value, "origin": self.winner.origin.to_json()},
            "loser": {"value": self.loser.value, "origin": self.loser.origin.to_json()},
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class InputError:
    """A bad input: the file, the position in it, and what is wrong."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    offset: int | None = None

    @property
    def position(self) -> str | None:
        if self.line is not None:
            return f"line {self.line}" + (f", column {self.column}" if self.column else "")
        if self.offset is not None:
            return f"byte {self.offset}"
        return None

    def __str__(self) -> str:
        pos = self.position
        return f"{self.path}: {pos}: {self.message}" if pos else f"{self.path}: {self.message}"

    def to_json(self) -> dict[str, JSON]:
        return {"path": self.path, "position": self.position, "message": self.message}


class InputFormatError(Exception):
    """Raised by a loader for a file it cannot read; carries an :class:`InputError`."""

    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


def input_error(
    path: str,
    message: str,
    *,
    line: int | None = None,
    column: int | None = None,
    offset: int | None = None,
) -> InputFormatError:
    """Shorthand for loaders: ``raise input_error(path, "bad thing", offset=12)``."""
    return InputFormatError(InputError(path, message, line, column, offset))


@dataclass(frozen=True, slots=True)
class Source:
    """One export (file or GPO backup) and the facts read from it, in file order."""

    path: str
    format: str
    facts: tuple[Fact, ...]
    name: str | None = None
    meta: tuple[tuple[str, JSON], ...] = ()


@dataclass(slots=True)
class Target:
    """The merged state of one device or group of devices.

    Sources are applied in order; a later source's fact replaces an earlier one for the same
    setting, unless a ``winner`` rule (Intune vs GP, RSoP precedence) says otherwise.
    """

    name: str
    sources: list[Source]
    group: str | None = None
    tags: tuple[str, ...] = ()
    facts: dict[Kind, dict[str, Fact]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    meta: dict[str, JSON] = field(default_factory=dict)

    def lookup(self, kind: Kind, canonical: str) -> Fact | None:
        return self.facts.get(kind, {}).get(canonical)

    def document(self) -> dict[str, JSON]:
        """The device document (see module docstring), sorted for deterministic output."""
        return {
            kind.value: {key: self.facts[kind][key].entry() for key in sorted(self.facts[kind])}
            for kind in Kind
            if self.facts.get(kind)
        }


def merge_facts(
    facts: Iterable[Fact], into: dict[Kind, dict[str, Fact]] | None = None
) -> dict[Kind, dict[str, Fact]]:
    """Apply facts in order, later ones replacing earlier ones for the same setting
    (see :func:`_place`)."""
    table: dict[Kind, dict[str, Fact]] = into if into is not None else {}
    for fact in facts:
        _place(table.setdefault(fact.kind, {}), fact, fact.canonical)
    return table


def _place(bucket: dict[str, Fact], fact: Fact, canonical: str) -> None:
    """Record ``fact`` under ``canonical``.  A registry ``**delvals.`` fact (key ending
    ``!**delvals.``) first removes every value of its key set by earlier facts."""
    if canonical.endswith("!**delvals.") and fact.kind is Kind.REGISTRY:
        prefix = canonical[: -len("**delvals.")]
        for key in [k for k in bucket if k.startswith(prefix)]:
            del bucket[key]
    bucket[canonical] = fact


MDM_WINS_OVER_GP = "device_vendor_msft_policy_config_controlpolicyconflict_mdmwinsovergp"
"""The Intune (Policy CSP ControlPolicyConflict) setting that makes MDM win over Group Policy."""


def mdm_wins(sources: Iterable[Source]) -> bool:
    """Whether any source sets MDMWinsOverGP (choice ``..._1`` or the integer 1)."""
    for source in sources:
        for fact in source.facts:
            if fact.kind is Kind.INTUNE and fact.key.casefold() == MDM_WINS_OVER_GP:
                return str(fact.value).endswith("1")
    return False


def _mdm_disagreement(
    old: Fact, new: Fact, canonical: str, conflicts: dict[tuple[Kind, str], Conflict]
) -> Fact:
    """Two Intune policies setting one setting differently: Intune applies neither and marks
    the setting in conflict, so the value on the device is unknown and the fact is partial."""
    if old.value == new.value and old.deleted == new.deleted:
        return new
    rule = "Intune policies disagree: Intune applies neither"
    conflicts[(new.kind, canonical)] = Conflict(new.kind, new.key, new, old, rule)
    reason = f"{rule} ({old.via} = {old.value!r} at {old.origin}, {new.via} = {new.value!r})"
    return replace(new, confidence=Confidence.PARTIAL, reason=reason)


def build_target(
    name: str,
    sources: list[Source],
    *,
    group: str | None = None,
    tags: tuple[str, ...] = (),
) -> Target:
    """A target whose facts are its sources' facts applied in order.

    Within Group Policy (and within MDM) a later fact replaces an earlier one.  Between the
    two channels Windows decides by MDMWinsOverGP: without it a Group Policy value wins over
    the MDM (Intune-translated) value of the same setting, with it MDM wins.  Every such
    meeting with different values is recorded as a :class:`Conflict`.
    """
    prefer_mdm = mdm_wins(sources)
    rule = "MDMWinsOverGP" if prefer_mdm else "Group Policy wins over MDM (MDMWinsOverGP not set)"
    table: dict[Kind, dict[str, Fact]] = {}
    conflicts: dict[tuple[Kind, str], Conflict] = {}
    for source in sources:
        for fact in source.facts:
            bucket = table.get(fact.kind)
            if bucket is None:
                bucket = table[fact.kind] = {}
            canonical = fact.canonical  # computed once: it is most of the merge's cost
            old = bucket.get(canonical)
            if old is not None and old.via is not None and fact.via is not None:
                fact = _mdm_disagreement(old, fact, canonical, conflicts)
            if old is None or (old.via is None) == (fact.via is None):
                _place(bucket, fact, canonical)
                continue
            fact_is_mdm = fact.via is not None
            winner, loser = (fact, old) if fact_is_mdm == prefer_mdm else (old, fact)
            _place(bucket, winner, canonical)
            if winner.value != loser.value or winner.deleted != loser.deleted:
                conflicts[(fact.kind, canonical)] = Conflict(
                    fact.kind, fact.key, winner, loser, rule
                )
    return Target(
        name=name,
        sources=sources,
        group=group,
        tags=tags,
        facts=table,
        conflicts=[conflicts[key] for key in sorted(conflicts)],
    )


def freeze(mapping: Mapping[str, JSON]) -> tuple[tuple[str, JSON], ...]:
    """A mapping as the sorted tuple of pairs that frozen dataclasses hold."""
    return tuple(sorted(mapping.items()))


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class CheckInfo:
    """What reporters need to know about a check: its metadata and where it is defined."""

    id: str
    title: str
    category: Category
    impact: int
    severity: Severity
    benchmark: str
    setting: str
    expected: str
    remediation: str = ""
    rationale: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    origin: Origin = Origin("<unknown>")


@dataclass(frozen=True, slots=True)
class BenchmarkInfo:
    id: str
    title: str
    version: str
    path: str
    checks: tuple[CheckInfo, ...]


@dataclass(slots=True)
class Result:
    """One check on one target.

    Not frozen, unlike the other values here, on purpose: the engine builds one per check per
    target, and a frozen dataclass's ``__init__`` costs four times as much (it was 60% of
    the engine's time, bench/bench_eval.py).  Treat it as immutable: derive changed results
    with ``dataclasses.replace``.

    ``origins`` are the facts the verdict read.  ``via``/``reason`` explain uncertain and
    not-applicable results; ``lean`` is the verdict an uncertain result would have had if its
    partial facts were exact (used for the score range).
    """

    check: CheckInfo
    status: Status
    actual: JSON = None
    origins: tuple[Origin, ...] = ()
    reason: str | None = None
    via: str | None = None
    lean: Status | None = None
    exception: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """Points earned out of the points at stake; ``percent`` is derived."""

    points: Fraction
    max_points: Fraction

    @property
    def percent(self) -> float:
        """0-100; a score with nothing at stake is 100 (nothing is wrong)."""
        return float(100 * self.points / self.max_points) if self.max_points else 100.0

    def to_json(self) -> dict[str, JSON]:
        return {
            "percent": round(self.percent, 2),
            "points": round(float(self.points), 4),
            "max_points": round(float(self.max_points), 4),
        }


@dataclass(frozen=True, slots=True)
class TargetScore:
    overall: Score
    categories: tuple[tuple[Category, Score], ...]
    uncertain_range: tuple[float, float]
    """Overall percent if every uncertain result failed, and if every one passed."""
    score_impact: tuple[tuple[str, Fraction], ...]
    """Percentage points of the overall score that fixing each failing check would add."""


@dataclass(frozen=True, slots=True)
class TargetReport:
    name: str
    sources: tuple[str, ...]
    results: tuple[Result, ...]
    score: TargetScore
    group: str | None = None
    tags: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


@dataclass(frozen=True, slots=True)
class FleetCheck:
    check: CheckInfo
    exposed: int
    total: int
    ratio: Fraction
    """Share of the applicable targets that comply (credited exemptions included)."""
    score_impact: Fraction
    """Percentage points of the fleet score that fixing the check everywhere would add."""
    failing: tuple[str, ...]
    """Names of exposed targets (fail, not configured, uncredited exemption), sorted; at most
    scoring.FAILING_NAMES_KEPT of them (``exposed`` has the full count)."""
    statuses: tuple[tuple[Status, int], ...]


@dataclass(frozen=True, slots=True)
class FleetScore:
    overall: Score
    categories: tuple[tuple[Category, Score], ...]
    checks: tuple[FleetCheck, ...]
    uncertain_range: tuple[float, float]


class PlanState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A remediation plan entry for one check, with its state in this run."""

    check: str
    due: str
    owner: str
    state: PlanState
    exposed: int
    total: int
    priority: str | None = None
    notes: str | None = None
    ticket: str | None = None
    origin: Origin = Origin("<unknown>")

    def to_json(self) -> dict[str, JSON]:
        return {
            "check": self.check,
            "due": self.due,
            "owner": self.owner,
            "state": self.state.value,
            "exposed": self.exposed,
            "total": self.total,
            "priority": self.priority,
            "notes": self.notes,
            "ticket": self.ticket,
            "origin": self.origin.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a reporter renders.  Reporters are ``render(report) -> str | bytes``.

    ``targets`` is a sequence that may be backed by a spool file for large fleets: iterate it
    once per use rather than holding copies.  ``warnings`` are notes at a file position that
    do not fail the run (an expired exception, an exception that matches nothing).
    """

    tool_version: str
    benchmarks: tuple[BenchmarkInfo, ...]
    targets: Sequence[TargetReport]
    fleet: FleetScore
    errors: tuple[InputError, ...] = ()
    warnings: tuple[InputError, ...] = ()
    plan: tuple[PlanItem, ...] = ()
