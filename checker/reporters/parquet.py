"""``-o parquet=DIR_OR_URL``: one row per device and check, for DuckDB, Spark and data
platforms, written by each batch of targets where it is checked (a task output, see
``checker.run.options.TaskOutput``): ``part-NNNNN.parquet``, NNNNN being the batch's number,
so that a task run again (its worker lost) replaces its own part and no row is counted twice.

Columns: ``target``, ``group``, ``tags`` (list), ``check``, ``category``, ``status``,
``actual`` (the value read, as JSON text; null when the setting is absent), ``origin`` (the
first place the value was read, ``path:line``), ``run`` (``--label``).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from checker.core.remote import filesystem, is_url, remove_parts
from checker.core.results import TargetReport

COLUMNS = ("target", "group", "tags", "check", "category", "status", "actual", "origin", "run")
PARTS = "part-*.parquet"

Rows = tuple[
    str, str | None, tuple[str, ...], list[str], list[str], list[str], list[Any], list[Any]
]
"""One target's rows, by column: target, group, tags, then per result check, category,
status, actual (JSON text or None) and origin (or None)."""


@cache
def _dumps() -> Any:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is in the parquet extra
        return lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return lambda value: orjson.dumps(value).decode()


@dataclass(frozen=True, slots=True)
class ParquetParts:
    """Where the parts go (a folder or a folder URL) and the run's label."""

    destination: str
    label: str = ""

    def rows(self, report: TargetReport) -> Any:
        dumps = _dumps()
        results = report.results
        return (
            report.name,
            report.group,
            report.tags,
            [r.check.id for r in results],
            [r.check.category.value for r in results],
            [r.status.value for r in results],
            [None if r.actual is None else dumps(r.actual) for r in results],
            [str(r.origins[0]) if r.origins else None for r in results],
        )

    def write(self, part: int, rows: list[Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table(_columns(rows, self.label), schema=_schema(pa))
        name = f"part-{part:05d}.parquet"
        if is_url(self.destination):
            fs, path = filesystem(self.destination)
            with fs.open(f"{path.rstrip('/')}/{name}", "wb") as handle:
                pq.write_table(table, handle)
            return
        folder = Path(self.destination)
        folder.mkdir(parents=True, exist_ok=True)  # a worker on another machine: a share
        fd, temporary = tempfile.mkstemp(prefix=".part-", dir=folder)
        os.close(fd)
        try:
            pq.write_table(table, temporary)
            os.replace(temporary, folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _columns(rows: list[Rows], label: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for name, group, tags, checks, categories, statuses, actuals, origins in rows:
        count = len(checks)
        out["target"] += [name] * count
        out["group"] += [group] * count
        out["tags"] += [list(tags)] * count
        out["check"] += checks
        out["category"] += categories
        out["status"] += statuses
        out["actual"] += actuals
        out["origin"] += origins
    out["run"] = [label] * len(out["target"])
    return out


def _schema(pa: Any) -> Any:
    text = pa.string()
    fields = [(name, pa.list_(text) if name == "tags" else text) for name in COLUMNS]
    return pa.schema(fields)


def prepare(destination: str) -> None:
    """Make the folder, and remove the parts of an earlier run there: a run of fewer
    batches would leave some, which a query would count with this run's."""
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise OSError(
            f"-o parquet needs pyarrow: pip install 'baseliner[parquet]' ({exc})"
        ) from exc
    if is_url(destination):
        remove_parts(destination, PARTS)
        return
    folder = Path(destination)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(PARTS):
        stale.unlink()
