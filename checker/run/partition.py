"""A run's work as two plain functions that any engine calls: Dask here
(checker/run/cluster.py), Spark's ``mapPartitions`` in the README's recipe.

- :func:`setup` (on the driver) packs what every worker needs once: the compiled benchmarks
  (which pickle as their data and compile again where they are unpickled), the exceptions
  and the run's preparations, behind the driver's baseliner version.
- :func:`install` (once per worker process) compiles them; :func:`check_partition` checks a
  batch of consecutive targets with them and returns opaque bytes: the batch's outcomes and
  packed tally, and the packed reports and JSON lines of a spooled run.  Engines move bytes
  cheaply, where Dask pickles nested lists element by element (dask/distributed#6368).
- :func:`merge_partition` (on the driver) turns those bytes back into the pool's
  :class:`~checker.run.pool.Batch`, appending a spooled run's targets to the driver's spool.

A partition's targets, tally and rows depend only on its targets, so an engine that runs a
partition twice (a worker lost, a task retried) gets the same targets, and the driver,
which takes one result per partition, counts each target once.  (The findings it offers
the fleet digest also depend on what its worker checked before; the digest they make does
not, see :func:`~checker.run.pool.own_state`.)
"""

from __future__ import annotations

import hashlib
import os
import pickle
import socket
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

import checker
from checker.core.errors import ClusterError
from checker.policy.compile import Benchmark
from checker.run.housekeeping import collecting_less
from checker.run.options import Prepared, RunOptions
from checker.run.pool import Batch, BatchPlan, check_batch, digester, own_state, setup_state
from checker.run.spool import BufferWriter, SpooledTargets, Stored
from checker.scoring.digest import Digester
from checker.targets.plans import TargetPlan

_SIZE = struct.Struct("<Q")


class VersionMismatch(ClusterError):
    """A worker runs another version of baseliner than the driver."""


@dataclass(slots=True)
class _Installed:
    benchmarks: Sequence[Benchmark]
    options: RunOptions
    prepare: frozenset[Prepared]
    spooled: bool
    digest: Digester | None = None
    """The findings digest of the run's targets this process checked (see
    :func:`~checker.run.pool.own_state`)."""

    def __post_init__(self) -> None:
        self.digest = digester(self.prepare)


_INSTALLED: dict[str, _Installed] = {}
_KEPT = 4
"""Setups a worker keeps (a cluster shared by a few runs at once)."""
_LOCK = threading.Lock()
"""A worker process checks one partition at a time: the checking state is the process's
(see checker/run/pool.py), and pure-Python checking gains nothing from more threads under
the GIL (run workers with one thread each and as many processes as cores)."""


def setup(
    benchmarks: Sequence[Benchmark],
    options: RunOptions,
    prepare: frozenset[Prepared],
    spooled: bool,
) -> bytes:
    """What every worker needs once, as bytes: the driver's version, then the rest pickled."""
    # A worker needs how to check, not what the driver reads after the run; the task
    # outputs go along (each partition writes its own part).
    options = replace(
        options, plans=(), plans_path="", manifest=None, allow_outside=(), engine=None
    )
    body = pickle.dumps((benchmarks, options, prepare, spooled), pickle.HIGHEST_PROTOCOL)
    version = checker.__version__.encode()
    return _SIZE.pack(len(version)) + version + body


def key_of(data: bytes) -> str:
    """The name a setup is installed under."""
    return hashlib.sha256(data).hexdigest()[:20]


def refuse_other_version(version: str, where: str = "") -> None:
    """Raise :class:`VersionMismatch` unless this process runs baseliner ``version``."""
    if version != checker.__version__:
        where = where or f"the worker on {socket.gethostname()} (pid {os.getpid()})"
        raise VersionMismatch(
            f"{where} runs baseliner {checker.__version__}, the driver {version}: install "
            f"baseliner {version} on every worker (pip install 'baseliner[dask]=={version}')"
        )


def install(data: bytes, where: str = "") -> str:
    """Compile a :func:`setup` in this process (once: a setup already installed is not
    unpickled again); returns its key for :func:`check_partition`."""
    key = key_of(data)
    (size,) = _SIZE.unpack_from(data)
    refuse_other_version(bytes(data[_SIZE.size : _SIZE.size + size]).decode(), where)
    with _LOCK:
        if key not in _INSTALLED:
            while len(_INSTALLED) >= _KEPT:
                del _INSTALLED[next(iter(_INSTALLED))]
            _INSTALLED[key] = _Installed(*pickle.loads(data[_SIZE.size + size :]))
    return key


_CURRENT = [""]
"""The key of the setup the checking state holds now."""


def check_partition(key: str, version: str, number: int, start: int, plans: bytes) -> bytes:
    """Check the partition numbered ``number``: the targets ``plans`` (a pickled list of
    :class:`TargetPlan`, the first being the run's ``start``-th) with the setup ``key``
    (see :func:`install`); returns bytes for :func:`merge_partition`."""
    refuse_other_version(version)
    with _LOCK:
        installed = _INSTALLED.get(key)
        if installed is None:
            raise ClusterError(f"the run's setup {key} is not installed on this worker")
        if _CURRENT[0] != key:
            setup_state(installed.benchmarks, installed.options, installed.prepare, None)
            _CURRENT[0] = key
        targets: list[TargetPlan] = pickle.loads(plans)
        writer = BufferWriter() if installed.spooled else None
        # A Dask worker holds many more objects than a pool worker: the collector's full
        # passes over them took most of its time (see collecting_less).
        with own_state(writer, installed.digest), collecting_less():
            batch = check_batch((number, start, targets))
    head = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
    return b"".join((_SIZE.pack(len(head)), head, writer.buffer if writer else b""))


def partition_args(batch: BatchPlan) -> tuple[int, int, bytes]:
    """A batch as :func:`check_partition` takes it: the targets pickled by the driver, so
    that a worker checks its version before it unpickles anything of the run."""
    number, start, plans = batch
    return number, start, pickle.dumps(list(plans), pickle.HIGHEST_PROTOCOL)


def merge_partition(data: bytes, spool: SpooledTargets | None) -> Batch:
    """The :class:`Batch` a partition returned; a spooled run's targets go to ``spool``."""
    view = memoryview(data)
    (size,) = _SIZE.unpack_from(view)
    batch: Batch = pickle.loads(view[_SIZE.size : _SIZE.size + size])
    if spool is None:
        return batch
    stored = [o[0].kept for o in batch.outcomes if o[0] is not None]
    assert all(isinstance(kept, Stored) for kept in stored), "a spooled partition stores"
    moved = iter(spool.receive(view[_SIZE.size + size :], stored))  # type: ignore[arg-type]
    outcomes = tuple(
        (replace(checked, kept=next(moved)) if checked is not None else None, *rest)
        for checked, *rest in batch.outcomes
    )
    return Batch(outcomes, batch.tally)  # type: ignore[arg-type]
