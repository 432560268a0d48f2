"""The HTML report's device drill-down: the lowest-scoring devices, each a ``<details>``
with the checks it does not pass, where each value was read (relative to the device's
sources) or why it has none."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from checker.core.results import Result, TargetReport
from checker.core.statuses import FAILING, Status
from checker.core.values import Origin
from checker.reporters import findings
from checker.reporters.html_filters import Filters
from checker.reporters.html_page import band, esc, section, table

SHOWN_IN_DEVICE = frozenset(Status) - {Status.PASS, Status.NOT_APPLICABLE}
"""Results listed under a device: everything that is not a plain pass or out of scope."""


def drill_down(lowest: Sequence[TargetReport], total: int, filters: Filters) -> str:
    """The ``lowest`` of ``total`` devices, lowest score first."""
    if not total:
        return ""
    open_ = " open" if total == 1 else ""
    note = (
        f'<p class="note">The {len(lowest):,} lowest-scoring of {total:,} devices; '
        f"the JSON or CSV report has them all.</p>\n"
        if total > len(lowest)
        else ""
    )
    items = "".join(_device(target, open_, filters) for target in lowest)
    return section("devices", "Devices", note + items)


def _device(target: TargetReport, open_: str, filters: Filters) -> str:
    listed = [r for r in target.results if r.status in SHOWN_IN_DEVICE]
    failing = sum(r.status in FAILING for r in listed)
    percent = target.score.overall.percent
    group = f" · group {esc(target.group)}" if target.group else ""
    summary = (
        f'<summary><strong>{esc(target.name)}</strong> <span class="{band(percent)}">'
        f'{percent:.1f}%</span><span class="n">{failing:,} failing, '
        f"{len(listed) - failing:,} other</span></summary>\n"
    )
    categories = " · ".join(
        f"{esc(findings.CATEGORY_LABELS[c])} {s.percent:.1f}%" for c, s in target.score.categories
    )
    body = f'<p class="note">{categories}{group}<br>Sources: {esc(", ".join(target.sources))}</p>\n'
    if listed:
        header = [
            ("Check", False),
            ("Status", False),
            ("Actual", False),
            ("Expected", False),
            ("Where", False),
        ]
        rows = (
            _device_row(result, target.sources, filters)
            for result in sorted(listed, key=_device_order)
        )
        body += table(f"Checks {target.name} does not pass.", header, rows, "device")
    return f"<details{filters.device(target.group)}{open_}>{summary}{body}</details>\n"


def _device_order(result: Result) -> tuple[bool, str]:
    return (result.status not in FAILING, result.check.id)


def _within(origin: Origin, sources: Sequence[str]) -> str:
    """Where a fact was read, relative to the device's source it came from (the sources are
    listed above the table), so a row does not repeat a long GPO backup path."""
    for source in sorted(sources, key=len, reverse=True):
        base = source.rstrip("/\\")
        if origin.path == base:
            return str(replace(origin, path=re.split(r"[/\\]", base)[-1]))
        if origin.path.startswith(base) and origin.path[len(base) : len(base) + 1] in "/\\":
            return str(replace(origin, path=origin.path[len(base) + 1 :]))
    return str(origin)


def _device_row(result: Result, sources: Sequence[str], filters: Filters) -> str:
    failing = result.status in FAILING
    where = ", ".join(_within(o, sources) for o in result.origins) or "not set by any source"
    detail = where if failing else findings.why(result)
    return (
        f"<tr{filters.check_row(result.check)}><td>{esc(result.check.id)}</td>"
        f'<td class="s-{result.status.value}">{esc(result.status.value)}</td>'
        f"<td>{esc(findings.actual(result))}</td><td>{esc(result.check.expected)}</td>"
        f"<td>{esc(detail)}</td></tr>\n"
    )
