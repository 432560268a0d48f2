"""Reporters: one module per output format, each ``render(report) -> str | bytes`` (or an
iterator of text chunks, for output that streams a fleet).

:data:`REPORTERS` is the one registry of ``-o`` formats, written out by hand: the CLI's
choices, the docs and the golden-file tests come from it.  Each entry also says what the
reporter reads of a large (spooled) fleet, so that the workers prepare just that while they
check (:class:`~checker.run.options.Prepared`); the run itself knows no reporter by name.

The other modules here render what is not a run's report: ``diff``, ``history``, ``lint``,
``mapping`` and ``cases`` (policy tests), and shared wording (``findings``) and HTML parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from checker.core.files import Rendered
from checker.core.results import Report, TargetReport
from checker.reporters import console, csv, html, json, junit, markdown, parquet, sarif
from checker.run.options import Prepared, TaskOutput


@dataclass(frozen=True, slots=True)
class Reporter:
    """An output format: how it renders, who reads it, and what of a fleet it reads."""

    render: Callable[[Report], Rendered]
    extension: str
    """The file name extension its files take."""
    audience: str
    """Who reads it, for the docs."""
    notes: str
    """What it holds, for the docs."""
    reads: frozenset[Prepared] = frozenset({Prepared.REPORTS})
    """What it reads of a spooled fleet: the target reports (the default), or only what
    the workers prepared for it (JSON lines, the findings digest)."""
    line: Callable[[TargetReport], str] | None = None
    """Renders a target's JSON line, for a reporter that reads them."""
    refuse: Callable[[str | bytes], str | None] | None = None
    """Why the rendered output (whole) would be refused by its consumer (None: it would
    not), asked before it is written."""


REPORTERS: dict[str, Reporter] = {
    "console": Reporter(
        console.render, "txt", "people", "category scores, status counts, top recommendations"
    ),
    "json": Reporter(
        json.render,
        "json",
        "machines",
        "the contract (`schema_version`), streamed target by target",
        frozenset({Prepared.LINES}),
        json.target_line,
    ),
    "junit": Reporter(
        junit.render,
        "xml",
        "Jenkins, GitLab, Azure DevOps",
        "one device: a suite per device, a test case per check; a fleet: a suite per "
        "benchmark, a test case per check listing the failing devices (size grows with "
        "checks, not devices: 0.34 MB for 5,000 devices)",
        frozenset({Prepared.DIGEST}),
    ),
    "sarif": Reporter(
        sarif.render,
        "sarif",
        "GitHub code scanning",
        "one run with the rules its results use, help and `security-severity`; a location "
        "in the repository for every result (the export's line; for an absent setting, the "
        "benchmark's line when the benchmark is in the repository, else the target's "
        "export); `partialFingerprints`; a result per device and finding up to 20 devices, "
        "a result per check for larger fleets; refused over GitHub's 10 MB gzipped, with "
        "how to split; the category is the uploader's unless `--sarif-category`",
        frozenset({Prepared.DIGEST}),
        refuse=sarif.oversize,
    ),
    "markdown": Reporter(
        markdown.render,
        "md",
        "`$GITHUB_STEP_SUMMARY`, PR comments",
        "the gate's verdict first (a GitHub alert), score table, counts, top "
        "recommendations, uncertain results; capped at 1 MiB",
    ),
    "csv": Reporter(
        csv.render,
        "csv",
        "Excel, Defender users",
        "Defender Vulnerability Management's recommendations export column for column "
        "(its 17 headers, in order), then the check, its results (uncertain ones too), "
        "remediation and plan; UTF-8 with BOM",
    ),
    "html": Reporter(
        html.render,
        "html",
        "people",
        "one self-contained page (no network, no script): the gate's verdict first, "
        "scores, the score over time, recommendations, per-device drill-down; filters by "
        "group, tag, severity and plan state",
    ),
}


@dataclass(frozen=True, slots=True)
class PartWriter:
    """An output each batch of targets writes where it is checked (see
    :class:`~checker.run.options.TaskOutput`), into a folder or a folder URL, rather than a
    rendering of the merged report: a fleet of a million devices has a billion rows."""

    make: Callable[[str, str], TaskOutput]
    """The output for a destination and a run label (``--label``)."""
    prepare: Callable[[str], None]
    """Readies the destination before the run (and says what is missing for it)."""
    audience: str
    notes: str


TASK_OUTPUTS: dict[str, PartWriter] = {
    "parquet": PartWriter(
        parquet.ParquetParts,
        parquet.prepare,
        "DuckDB, Spark, data platforms",
        "one row per device and check (target, group, tags, check, category, status, "
        "actual as JSON, origin, run label); a `part-NNNNN.parquet` per batch, in a folder "
        "or a folder URL",
    ),
}
"""The ``-o`` formats written by each batch (``-o FORMAT=DIR_OR_URL``), beside
:data:`REPORTERS`, which render the merged report on the driver."""


def preparations(
    formats: Iterable[str], recorded: bool
) -> tuple[frozenset[Prepared], Callable[[TargetReport], str] | None]:
    """What a spooled fleet prepares for these output formats (and for the history, which
    reads every target's score), and the JSON line renderer when one reads lines.  A task
    output (:data:`TASK_OUTPUTS`) reads nothing of the spool: a run that writes only
    Parquet keeps nothing of its targets."""
    names = list(formats)
    chosen = [REPORTERS[name] for name in names if name not in TASK_OUTPUTS]
    prepare = frozenset(item for reporter in chosen for item in reporter.reads)
    if recorded or not names:
        prepare |= {Prepared.REPORTS}
    line = next((r.line for r in chosen if r.line is not None and Prepared.LINES in r.reads), None)
    return prepare, line
