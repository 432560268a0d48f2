"""The frame of the HTML report: escaping, the style sheet, the page, the gate's banner,
score bars, tables and sections.

One self-contained page: no script, no external resource; the Content-Security-Policy says
so to the browser.  The gate's verdict is the first thing on the page and colours the
headline score; without a verdict (a report rendered outside ``check``), fixed bands do.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from checker.core.results import Gate

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


STYLE = """
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--good:#15803d;--warn:#b45309;--bad:#b91c1c}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
margin:0 auto;padding:24px;max-width:1200px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;
border-bottom:1px solid var(--line);padding-bottom:4px}
.meta,.note{color:var(--muted)}.note{font-size:13px}
.headline{display:flex;align-items:baseline;gap:16px;margin:16px 0}
.big{font-size:44px;font-weight:700}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;background:#f9fafb}tbody th{background:none}
td.n,th.n{text-align:right;white-space:nowrap}td{overflow-wrap:anywhere}
caption{text-align:left;caption-side:top}table.fit{width:auto;min-width:50%}
td.check{min-width:16em}td.id,td[class^="s-"],th[class^="s-"]{white-space:nowrap}
table.device td:first-child{font-family:ui-monospace,monospace;white-space:nowrap}
code{font:12px ui-monospace,SFMono-Regular,Consolas,monospace;word-break:break-all}
svg.bar{width:100%;min-width:120px;height:14px;display:block}
.track{fill:#eef0f3}.good{fill:var(--good);color:var(--good)}
.warn{fill:var(--warn);color:var(--warn)}.bad{fill:var(--bad);color:var(--bad)}
.chart{width:100%;max-width:900px;height:auto;display:block}
.chart text{font-size:11px;fill:var(--muted)}.grid{stroke:var(--line)}
.series{fill:none;stroke-width:2}.series.overall{stroke-width:3}
details{border:1px solid var(--line);border-radius:4px;margin:4px 0;padding:2px 8px}
summary{cursor:pointer;padding:2px 0}summary .n{float:right;color:var(--muted)}
.s-fail,.s-not_configured,.s-error{color:var(--bad)}.s-uncertain,.s-exempt{color:var(--warn)}
.s-pass{color:var(--good)}
.gate{padding:12px 16px;border-radius:6px;margin:0 0 16px;color:#fff}
.gate h2{margin:0;padding:0;border:0;font-size:20px}.gate ul{margin:6px 0 0;padding-left:20px}
.gate-failed{background:var(--bad)}.gate-passed{background:var(--good)}
.gate-soft{background:var(--warn)}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;margin:12px 0;padding:8px;
background:#f9fafb;border:1px solid var(--line);border-radius:4px}
.filters select{font:inherit;margin-left:4px;max-width:16em}
table.uncertain{table-layout:fixed}table.uncertain th:nth-child(1){width:24%}
table.uncertain th:nth-child(2){width:18%}table.uncertain th:nth-child(3){width:26%}
table.uncertain th:nth-child(4){width:32%}
"""


_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F] if chr(code) not in "\t\n\r"}
"""Control characters are not allowed in HTML text; they are shown as ``\\xNN`` instead."""


def esc(text: object) -> str:
    return html.escape(str(text).translate(_CONTROLS), quote=True)


def note(text: object) -> str:
    return f'<span class="note">{esc(text)}</span>'


def band(percent: float) -> str:
    return "good" if percent >= 80 else "warn" if percent >= 50 else "bad"


def gate_band(gate: Gate | None, percent: float) -> str:
    """The headline's colour: the gate's verdict, else the score's band."""
    if gate is None:
        return band(percent)
    return "good" if gate.passed else "bad"


def gate_banner(gate: Gate | None) -> str:
    """The gate's verdict and reasons, first on the page."""
    if gate is None:
        return ""
    if gate.passed:
        kind, title = "passed", "Gate passed"
    else:
        kind = "soft" if gate.soft else "failed"
        title = "Gate failed (--soft-fail: the run exits 0)" if gate.soft else "Gate failed"
    reasons = "".join(f"<li>{esc(reason)}</li>" for reason in gate.reasons)
    detail = f"<ul>{reasons}</ul>" if reasons else "<p>Every condition of the gate is met.</p>"
    return (
        f'<section class="gate gate-{kind}" id="gate" aria-labelledby="h-gate">'
        f'<h2 id="h-gate">{esc(title)}</h2>{detail}</section>\n'
    )


def page(title: str, body: str, style: str = "") -> str:
    """The page; ``style``: rules of this report (the filters')."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}{style}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def bar(label: str, percent: float) -> str:
    return (
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{esc(label)}: {percent:.1f}%"><rect class="track" width="100" height="10"/>'
        f'<rect class="{band(percent)}" width="{percent:.2f}" height="10"/></svg>'
    )


def table(
    caption: str, header: Sequence[tuple[str, bool]], rows: Iterable[str], kind: str = ""
) -> str:
    """A table (of CSS class ``kind``) with column headers (``(label, numeric)``) around rows
    already rendered."""
    head = "".join(
        f'<th scope="col" class="n">{esc(label)}</th>'
        if numeric
        else f'<th scope="col">{esc(label)}</th>'
        for label, numeric in header
    )
    attribute = f' class="{kind}"' if kind else ""
    return (
        f'<table{attribute}><caption class="note">{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{''.join(rows)}</tbody></table>\n"
    )


def section(key: str, heading: str, content: str) -> str:
    return (
        f'<section aria-labelledby="h-{key}"><h2 id="h-{key}">{esc(heading)}</h2>\n'
        f"{content}</section>\n"
    )
