"""The ``-o`` outputs of ``check``: which, where, and writing them once the run is done (the
task outputs, Parquet, are written by the run's batches)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from checker.cli.common import OutputSpec, parse_output
from checker.core.errors import OutputRefused
from checker.core.files import chunks, write_atomic
from checker.core.remote import write_url
from checker.core.results import Report
from checker.reporters import REPORTERS, TASK_OUTPUTS
from checker.run.options import TaskOutput


def emit(report: Report, specs: list[OutputSpec]) -> None:
    """Write every report; one that cannot be written (a full disk) or that its consumer
    would refuse does not stop the others, and the first such error is raised once they are
    written."""
    failed: list[Exception] = []
    for spec in specs:
        if spec.format in TASK_OUTPUTS:
            continue  # written by each batch as it was checked
        reporter = REPORTERS[spec.format]
        data = reporter.render(report)
        if reporter.refuse is not None:
            data = data if isinstance(data, str | bytes) else b"".join(chunks(data))
            problem = reporter.refuse(data)
            if problem is not None:
                failed.append(OutputRefused(f"{spec.format}: {problem}"))
                continue
        try:
            if spec.url is not None:
                write_url(spec.url, chunks(data))
            elif spec.path is None:
                sys.stdout.flush()
                for chunk in chunks(data):
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
            else:
                write_atomic(spec.path, data)
        except OSError as exc:
            failed.append(exc)
    if failed:
        raise failed[0]


def output_specs(values: Sequence[str]) -> list[OutputSpec]:
    try:
        known = [*REPORTERS, *TASK_OUTPUTS]
        specs = [parse_output(value, known, urls=True) for value in values or ["console"]]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="-o/--output") from exc
    for spec in specs:
        if spec.format in TASK_OUTPUTS and spec.path is None and spec.url is None:
            message = f"{spec.format} is written to a folder: -o {spec.format}=DIR_OR_URL"
            raise click.BadParameter(message, param_hint="-o/--output")
    if sum(spec.path is None and spec.url is None for spec in specs) > 1:
        raise click.BadParameter("only one output can go to stdout", param_hint="-o/--output")
    return specs


def task_outputs(specs: Sequence[OutputSpec], label: str | None) -> tuple[TaskOutput, ...]:
    """The outputs each batch writes, their folders readied (see ``TASK_OUTPUTS``)."""
    out = []
    for spec in specs:
        if spec.format in TASK_OUTPUTS:
            writer = TASK_OUTPUTS[spec.format]
            destination = spec.url or str(spec.path)
            writer.prepare(destination)
            out.append(writer.make(destination, label or ""))
    return tuple(out)


def refuse_overwriting(specs: Sequence[OutputSpec], read: dict[str, Path | None]) -> None:
    """An output must not replace a file the run reads (an input, the history, a manifest,
    exceptions or plan) or another output: ``-o json=in.xml`` lost the export."""
    seen: dict[str, str] = {}
    for what, path in read.items():
        if path is not None:  # the history may not exist yet: it will be written
            seen[os.path.realpath(path)] = what
    for spec in specs:
        if spec.path is None or spec.format in TASK_OUTPUTS or _kind_of(spec.path) == "special":
            continue
        where = os.path.realpath(spec.path)
        if where in seen:
            message = f"{spec.format}={spec.path} would overwrite {seen[where]}"
            raise click.BadParameter(message, param_hint="-o/--output")
        seen[where] = f"the {spec.format} output"


def _kind_of(path: Path) -> str:
    """ "special" for a device or pipe (``/dev/stdout``), which outputs may share."""
    try:
        return "file" if path.is_file() or not path.exists() else "special"
    except OSError:
        return "special"
