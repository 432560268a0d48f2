"""Reporters: one module per output format, each ``render(report) -> str | bytes``
(or an iterator of text chunks, for output that streams a fleet).

The registry below is written out by hand; its keys are the ``-o`` format names.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.model import Report
from checker.outputs import Rendered
from checker.reporters import console, csv, html, json, junit, markdown, sarif

Renderer = Callable[[Report], Rendered]

REPORTERS: dict[str, Renderer] = {
    "console": console.render,
    "json": json.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "markdown": markdown.render,
    "csv": csv.render,
    "html": html.render,
}
