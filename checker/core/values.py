"""Facts with their origin, the sources that hold them, and targets.

The device document
-------------------
Every loader turns an export into :class:`Fact` values.  A :class:`Target` merges the facts of
its sources (in precedence order, see checker/targets/merge.py) into one *device document*,
the shape that ``baseliner normalize`` prints and that a check's raw JMESPath ``query``
reads: one section per check kind (checker/kinds.py, in its order), keyed canonically::

    {
      "registry":  {"hklm\\software\\policies\\...!valuename": ENTRY, ...},
      "security":  {"system access/minimumpasswordlength": ENTRY, ...},
      "privilege": {"sedenynetworklogonright": ENTRY, ...},
      ...
    }

    ENTRY = {"key": <as first written>, "value": <data>, "type": <REG_DWORD|...|null>,
             "origin": {"path", "line", "offset", "source"}, ...}

Keys are canonical (:func:`checker.kinds.canonical_key`): lower case, registry hives
abbreviated (``HKLM``/``HKCU``), so that ``LanManServer`` and ``LanmanServer`` are one key, as
on Windows.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar

from checker.kinds import Kind, canonical_key

JSON = Any
"""A JSON-compatible value (None, bool, int, str, list, dict)."""


class Confidence(StrEnum):
    """How sure a fact is: read directly, or translated through a mapping."""

    EXACT = "exact"
    PARTIAL = "partial"


_Value = TypeVar("_Value")


def pickled_by_fields(cls: type[_Value]) -> type[_Value]:
    """Make a slotted dataclass pickle as a call with its field values.

    The dataclass default for such classes goes through ``fields()`` for every object,
    several times slower; a fleet's spool pickles an origin per result, and a pool's or a
    cluster's workers are sent every check's info.  The field list is read once, here, so
    it cannot drift.
    """
    names = [item.name for item in fields(cls)]  # type: ignore[arg-type]
    values = operator.attrgetter(*names)

    def reduce(self: _Value) -> tuple[type[_Value], tuple[Any, ...]]:
        found = values(self)
        return cls, found if len(names) > 1 else (found,)

    setattr(cls, "__reduce__", reduce)  # noqa: B010 -- a method assigned after the class
    return cls


@pickled_by_fields
@dataclass(slots=True, unsafe_hash=True)
class Origin:
    """Where a fact, result or error came from.

    Not frozen, as :class:`Fact` (which see), but hashed by its fields as a frozen one is;
    treat it as immutable.

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

    def named(self) -> str:
        """The origin with the GPO or policy it is in, for messages: ``file:line ('Name')``."""
        return f"{self} ({self.source!r})" if self.source else str(self)


@dataclass(slots=True, unsafe_hash=True)
class Fact:
    """One setting as an export states it.

    Not frozen, as :class:`checker.core.results.Result` is not, on purpose: a loader makes
    one per setting of every device of a fleet (with its :class:`Origin`), and a frozen
    dataclass's ``__init__``, a call of ``object.__setattr__`` a field, took a fifth of
    normalizing a gpresult (bench/bench_stages.py).  Treat it as immutable: derive changed
    facts with ``dataclasses.replace``; it hashes by its fields as a frozen one does.

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

    @property
    def unknown(self) -> bool:
        """Whether the fact says a setting is set to a value its export does not show (an
        Intune value held encrypted, checker/loaders/intune_read.py, and what it translates
        to): no value, not deleted, partial."""
        return self.value is None and not self.deleted and self.confidence is Confidence.PARTIAL

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


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two sources of one target that set the same setting to different values: the
    ``winner`` applied by ``rule`` and the ``loser``, or two Intune facts of which neither
    applies (:attr:`applied`; then ``winner`` is the later one)."""

    kind: Kind
    key: str
    winner: Fact
    loser: Fact
    rule: str

    @property
    def applied(self) -> bool:
        """Whether the winner's value is the one the device gets: not when two Intune
        policies disagree (both facts came through Intune), as Intune then applies neither."""
        return self.winner.via is None or self.loser.via is None

    def to_json(self) -> dict[str, JSON]:
        return {
            "setting": f"{self.kind.value}:{self.key}",
            "winner": {"value": self.winner.value, "origin": self.winner.origin.to_json()},
            "loser": {"value": self.loser.value, "origin": self.loser.origin.to_json()},
            "rule": self.rule,
            "applied": self.applied,
        }


class NoteKind(StrEnum):
    """What a target says of its inputs beside their facts (DESIGN §9): none is an error."""

    SKIPPED = "skipped"
    """An export object that sets no Windows device setting (a script, a role, another
    platform's policy); ``what`` is its kind."""
    UNMAPPED = "unmapped"
    """A setting the export names that could not be mapped to what checks read (an
    Administrative Template policy of an unknown, third-party or localized name)."""
    REPAIRED = "repaired"
    """A repair made to an input to read it (an encoding declared wrongly, a bare ``&``)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Note:
    """One thing a source says of itself beside its facts: see :class:`NoteKind`."""

    kind: NoteKind
    path: str
    what: str
    line: int | None = None
    name: str | None = None
    """The display name of the object noted, when it has one."""
    reason: str | None = None
    """Why it was skipped or could not be mapped, when there is more to say than its kind."""
    count: int = 1
    """How many such things the note stands for (Administrative Template settings given by
    id only, say)."""

    def to_json(self) -> dict[str, JSON]:
        return {
            "path": self.path,
            "line": self.line,
            "what": self.what,
            "name": self.name,
            "reason": self.reason,
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """One export (file or GPO backup) and the facts read from it, in file order, and what
    it says of itself beside them (a file of skipped objects only has notes, no facts)."""

    path: str
    format: str
    facts: tuple[Fact, ...]
    name: str | None = None
    meta: tuple[tuple[str, JSON], ...] = ()
    notes: tuple[Note, ...] = ()


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

    @property
    def notes(self) -> tuple[Note, ...]:
        """What the sources say of themselves, in source order, each once (the GPOs of one
        report share the report's repairs)."""
        return tuple(dict.fromkeys(note for source in self.sources for note in source.notes))

    def document(self) -> dict[str, JSON]:
        """The device document (see module docstring), sorted for deterministic output."""
        return {
            kind.value: {key: self.facts[kind][key].entry() for key in sorted(self.facts[kind])}
            for kind in Kind
            if self.facts.get(kind)
        }


def freeze(mapping: Mapping[str, JSON]) -> tuple[tuple[str, JSON], ...]:
    """A mapping as the sorted tuple of pairs that frozen dataclasses hold."""
    return tuple(sorted(mapping.items()))
