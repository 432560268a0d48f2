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
from checker.reporters import console, csv, html, json, junit, markdown, sarif
from checker.run.options import Prepared


@dataclass(frozen=True, slots=True)
class Reporter:
    """An output format."""

    render: Callable[[Report], Rendered]
    description: str
    reads: frozenset[Prepared] = frozenset({Prepared.REPORTS})
    """What it reads of a spooled fleet: the target reports (the default), or only what
    the workers prepared for it (JSON lines, the findings digest)."""
    line: Callable[[TargetReport], str] | None = None
    """Renders a target's JSON line, for a reporter that reads them."""


REPORTERS: dict[str, Reporter] = {
    "console": Reporter(console.render, "per-category scores and top recommendations"),
    "json": Reporter(
        json.render,
        "the complete, versioned result document (the machine contract)",
        frozenset({Prepared.LINES}),
        json.target_line,
    ),
    "junit": Reporter(junit.render, "JUnit XML for CI test reports", frozenset({Prepared.DIGEST})),
    "sarif": Reporter(sarif.render, "SARIF 2.1.0 for code scanning", frozenset({Prepared.DIGEST})),
    "markdown": Reporter(markdown.render, "a summary for CI step summaries and PR comments"),
    "csv": Reporter(csv.render, "recommendations as Defender Vulnerability Management lists them"),
    "html": Reporter(html.render, "one self-contained page with category bars and history"),
}


def preparations(
    formats: Iterable[str], recorded: bool
) -> tuple[frozenset[Prepared], Callable[[TargetReport], str] | None]:
    """What a spooled fleet prepares for these output formats (and for the history, which
    reads every target's score), and the JSON line renderer when one reads lines."""
    chosen = [REPORTERS[name] for name in formats]
    prepare = frozenset(item for reporter in chosen for item in reporter.reads)
    if recorded or not chosen:
        prepare |= {Prepared.REPORTS}
    line = next((r.line for r in chosen if r.line is not None and Prepared.LINES in r.reads), None)
    return prepare, line
