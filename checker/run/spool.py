"""Target reports packed for the trip between processes, and the spool a large fleet is kept in.

A packed report replaces each result's :class:`CheckInfo` with its index (cheap to pickle).
A fleet of more than ``SPOOL_ABOVE`` targets keeps its reports in temporary files, one per
checking process, and the parent only an index of where each target is (about 100 bytes a
target), so memory holds the fleet's tallies, not the fleet.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.queues import SimpleQueue
from typing import IO, Any, Protocol, overload

from checker.core.results import CheckInfo, Result, TargetReport
from checker.core.statuses import Status
from checker.scoring.digest import CheckDigest

Packed = tuple[Any, ...]
"""A TargetReport with each result's CheckInfo replaced by its index (cheap to pickle)."""


PackedResult = tuple[Any, ...]
"""One result of a :data:`Packed` report: check index, status, actual, origins, reason, via,
lean, exception, actual type."""


def pack(report: TargetReport, index: dict[str, int]) -> Packed:
    return (
        report.name,
        report.sources,
        tuple(pack_result(result, index) for result in report.results),
        report.score,
        report.group,
        report.tags,
        report.conflicts,
        report.notes,
        report.planned,
    )


def pack_result(result: Result, index: dict[str, int]) -> PackedResult:
    """One result of a :data:`Packed` report (:func:`unpack_result` is the inverse)."""
    r = result
    lean = r.lean.value if r.lean else None
    i = index[r.check.id]
    return i, r.status.value, r.actual, r.origins, r.reason, r.via, lean, r.exception, r.actual_type


def unpack(packed: Packed, infos: Sequence[CheckInfo]) -> TargetReport:
    name, sources, results, score, group, tags, conflicts, notes, planned = packed
    return TargetReport(
        name=name,
        sources=sources,
        results=tuple(unpack_result(row, infos) for row in results),
        score=score,
        group=group,
        tags=tags,
        conflicts=conflicts,
        notes=notes,
        planned=planned,
    )


def unpack_result(row: PackedResult, infos: Sequence[CheckInfo]) -> Result:
    """One packed result back as a :class:`Result`."""
    i, status, actual, origins, reason, via, lean, exception, actual_type = row
    lean_status = STATUSES[lean] if lean else None
    return Result(
        infos[i], STATUSES[status], actual, origins, reason, via, lean_status, exception,
        actual_type,
    )  # fmt: skip


STATUSES = {status.value: status for status in Status}
"""Statuses by value, looked up (calling the enum is several times slower)."""


@dataclass(frozen=True, slots=True)
class Stored:
    """Where a target is in the spool: the file (one per checking process), the offset of its
    pickled :data:`Packed` report, the report's size, and the size of the JSON line (UTF-8)
    that follows it."""

    file: int
    offset: int
    packed: int
    line: int


@dataclass(frozen=True, slots=True)
class Spool:
    """The spool as the checking processes share it: one file per process, by descriptor
    (forked workers inherit them), and the numbers of the files not yet taken.

    A file of its own per process needs no lock, so a worker that dies (killed, out of
    memory) cannot leave the others waiting for one.
    """

    fds: tuple[int, ...]
    free: SimpleQueue[int]

    def take(self) -> int:
        """The number of a file no other process writes (called once per process)."""
        return self.free.get()


class Writer(Protocol):
    """Where a checking process puts a target: says where it went."""

    def write(self, packed: bytes, line: bytes) -> Stored: ...


class BufferWriter:
    """A task's targets kept in memory, for a task on a cluster that returns them as bytes:
    the driver appends the buffer to its spool and moves each :class:`Stored` by where the
    buffer went (:meth:`SpooledTargets.receive`)."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, packed: bytes, line: bytes) -> Stored:
        offset = len(self.buffer)
        self.buffer += packed
        self.buffer += line
        return Stored(0, offset, len(packed), len(line))


class SpoolWriter:
    """One process's end of the :class:`Spool`: appends a target to its own file and says
    where it went.  The file is flushed after each target, so the parent may read any
    target it was told of."""

    def __init__(self, spool: Spool) -> None:
        self._number = spool.take()
        self._file = os.fdopen(spool.fds[self._number], "wb", closefd=False)

    def write(self, packed: bytes, line: bytes) -> Stored:
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(packed)
        self._file.write(line)
        self._file.flush()
        return Stored(self._number, offset, len(packed), len(line))


class SpooledTargets(Sequence[TargetReport]):
    """Target reports kept in temporary files and read back one at a time, in name order,
    with their JSON lines and findings digest when the run prepared them (the reporters
    then use those, see :class:`checker.reporters.json.Prerendered` and
    :class:`checker.scoring.digest.Digested`).

    The checking processes write the files, one each (:class:`Spool`); the parent only
    keeps the index of where each target is, so a target's bulk never passes through the
    parent before a reporter reads it back.
    """

    def __init__(self, infos: Sequence[CheckInfo], processes: int, reports: bool) -> None:
        self._infos = infos
        self._reports = reports
        """Whether the workers store the target reports (see :data:`REPORTS`)."""
        # Closed when the spool is collected; they live as long as the Report does.  Being
        # anonymous, they are gone when the parent ends, however it ends.
        self._files: list[IO[bytes]] = [
            tempfile.TemporaryFile(prefix="baseliner-")  # noqa: SIM115
            for _ in range(processes)
        ]
        free: SimpleQueue[int] = multiprocessing.SimpleQueue()
        for number in range(processes):
            free.put(number)
        self.spool = Spool(tuple(file.fileno() for file in self._files), free)
        # Per target, in arrival order: the name key, and (file, offset, size of the packed
        # report, size of the JSON line) in a flat array: about 100 bytes a target, where a
        # tuple each was 280 (the index is what grows with the fleet, issue 8's memory bar).
        self._keys: list[str] = []
        self._where = array("q")
        self._order: Sequence[int] = ()
        """Arrival numbers in name order (a stable sort: equal names keep arrival order)."""
        self._lines = False
        self._digest: dict[str, CheckDigest] | None = None

    def append(self, name: str, stored: Stored) -> None:
        """Index a stored target; its place in name order is (name key, arrival)."""
        self._keys.append(name.casefold())
        self._where.extend((stored.file, stored.offset, stored.packed, stored.line))
        self._lines = self._lines or bool(stored.line)

    def receive(self, buffer: bytes | memoryview, stored: Iterable[Stored]) -> list[Stored]:
        """Append a task's buffer (see :class:`BufferWriter`) to the first file; where its
        targets are now."""
        file = self._files[0]
        base = file.seek(0, os.SEEK_END)
        file.write(buffer)
        file.flush()
        return [Stored(0, base + s.offset, s.packed, s.line) for s in stored]

    def close(self) -> None:
        for file in self._files:
            file.close()

    def seal(self, digest: dict[str, CheckDigest] | None) -> None:
        self._order = array("q", sorted(range(len(self._keys)), key=self._keys.__getitem__))
        self._digest = digest

    def names(self) -> tuple[Sequence[str], Sequence[int]]:
        """The name keys in arrival order, and the arrival numbers in name order (sealed)."""
        return self._keys, self._order

    def __len__(self) -> int:
        return len(self._keys)

    def _read(self, item: int, line: bool) -> bytes:
        """The ``item``-th target in name order: its packed report, or its JSON line."""
        at = 4 * self._order[item]
        number, offset, size, length = self._where[at : at + 4]
        file = self._files[number]
        file.seek(offset + size if line else offset)
        return file.read(length if line else size)

    @overload
    def __getitem__(self, item: int) -> TargetReport: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[TargetReport]: ...

    def __getitem__(self, item: int | slice) -> TargetReport | Sequence[TargetReport]:
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        if not self._reports:
            # A reader the run did not prepare for (see REPORTS): a bug, never a wrong report.
            raise RuntimeError("this run kept its targets' JSON lines and digest, not reports")
        packed: Packed = pickle.loads(self._read(item, line=False))
        return unpack(packed, self._infos)

    def __iter__(self) -> Iterator[TargetReport]:
        for i in range(len(self)):
            yield self[i]

    def json_lines(self) -> Iterable[bytes] | None:
        """Each target's JSON line as its worker rendered it (UTF-8), in name order."""
        return self._read_lines() if self._lines else None

    def _read_lines(self) -> Iterator[bytes]:
        for item in range(len(self)):
            yield self._read(item, line=True)

    def digest(self) -> dict[str, CheckDigest] | None:
        """The findings digest collected as the targets arrived."""
        return self._digest
