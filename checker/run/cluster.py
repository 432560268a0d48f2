"""``--executor dask``: the run's partitions checked on a Dask cluster.

The driver (this process) has planned the targets and cut them into batches of consecutive
targets; each batch is a task calling :func:`~checker.run.partition.check_partition`, with
the benchmarks compiled once per worker by :class:`Installer`, a worker plugin (a plugin is
set up again on every worker that joins or restarts, which ``scatter``'s data is not).
Results come back as bytes, in batch order, a bounded number of tasks ahead of the driver,
so that the driver holds only a few batches' results at a time whatever the fleet.

A worker that dies has its tasks run again on the others (Dask's own resilience); a batch
whose task killed workers ``distributed.scheduler.allowed-failures`` times is reported as
not checked, like the local pool's lost targets.

Security: Dask's TCP comm is unauthenticated, and workers and scheduler unpickle what they
receive.  Beyond localhost use ``tls://`` with certificates from Dask's configuration
(``distributed.comm.tls.*``, or ``DASK_DISTRIBUTED__COMM__TLS__...`` variables): the
client takes its :class:`~distributed.Security` from there, never from flags.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import checker
from checker.core.errors import ClusterError
from checker.run.options import RunOptions
from checker.run.partition import (
    VersionMismatch,
    check_partition,
    install,
    key_of,
    partition_args,
)
from checker.run.pool import BatchPlan

try:
    import dask
    from distributed import Client, Future, LocalCluster, WorkerPlugin
    from distributed.scheduler import KilledWorker
except ImportError as exc:  # pragma: no cover - the extra is installed in the test suite
    raise ClusterError(
        f"--executor dask needs Dask: pip install 'baseliner[dask]' ({exc})"
    ) from exc

AHEAD = 3
"""Tasks submitted per worker ahead of the one the driver waits for: enough to keep every
worker busy while the driver merges, few enough that results wait in the workers' memory,
not the driver's."""


class Installer(WorkerPlugin):
    """Compiles the run's benchmarks on each worker, once, as it joins.

    A worker of another baseliner version installs nothing; its first task says so
    (:func:`~checker.run.partition.check_partition` refuses to run), which stops the run
    with exit 2 rather than mix its results in.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data

    def setup(self, worker: Any) -> None:
        with suppress(VersionMismatch):
            install(self.data, f"the worker {worker.address}")


def check_batches(
    data: bytes, batches: Sequence[BatchPlan], options: RunOptions
) -> Generator[bytes | BatchPlan, None, None]:
    """Each batch's result bytes in batch order, or the batch itself when it could not be
    checked (its task killed too many workers)."""
    key = key_of(data)
    with _client(options) as client:
        try:
            client.register_plugin(Installer(data), name=f"baseliner-{key}")
        except VersionMismatch:
            raise
        except Exception as exc:
            raise ClusterError(
                f"the workers cannot load baseliner's worker plugin ({type(exc).__name__}: "
                f"{exc}): is baseliner {checker.__version__} installed on every worker?"
            ) from exc
        ahead = AHEAD * max(1, sum(client.nthreads().values()))
        try:
            yield from _in_order(client, key, batches, ahead)
        finally:
            # A long-lived cluster would keep every run's setup otherwise.
            with suppress(Exception):
                client.unregister_worker_plugin(f"baseliner-{key}")


def _in_order(
    client: Client, key: str, batches: Sequence[BatchPlan], ahead: int
) -> Iterator[bytes | BatchPlan]:
    pending: deque[tuple[BatchPlan, Future[bytes]]] = deque()
    todo = iter(batches)
    try:
        while True:
            for batch in todo:
                task = client.submit(
                    check_partition,
                    key,
                    checker.__version__,
                    *partition_args(batch),
                    key=f"baseliner-{key}-{batch[0]}",
                    pure=False,
                    retries=0,
                )
                pending.append((batch, task))
                if len(pending) >= ahead:
                    break
            if not pending:
                return
            batch, task = pending.popleft()
            try:
                result: bytes = task.result()
            except KilledWorker:
                yield batch
            else:
                yield result
            finally:
                task.release()
    finally:
        for _, task in pending:
            task.cancel()


@contextmanager
def _client(options: RunOptions) -> Iterator[Client]:
    """A client of ``--scheduler``, or of Dask's configured scheduler, or of a local cluster
    of ``--jobs`` single-threaded worker processes, started and stopped here."""
    address = options.scheduler or dask.config.get("scheduler-address", None)
    if not address:
        with (
            # The workers' statistical profiler (for the dashboard nobody watches here)
            # samples the checking thread's deep stacks every 10 ms.
            dask.config.set({"distributed.worker.profile.enabled": False}),
            LocalCluster(
                n_workers=options.jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                host="127.0.0.1",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout="30s")
    except (OSError, TypeError, ValueError) as exc:
        hint = (
            " (tls:// takes its certificates from Dask's configuration: "
            "distributed.comm.tls.ca-file, .client.cert and .client.key)"
            if address.startswith("tls://")
            else ""
        )
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}{hint}") from exc
    with client:
        yield client
