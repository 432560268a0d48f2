"""The frame of the HTML report: escaping, the style sheet, the page, score bars.

One self-contained page: no script, no external resource; the Content-Security-Policy says
so to the browser.
"""

from __future__ import annotations

import html

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
"""


_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F] if chr(code) not in "\t\n\r"}
"""Control characters are not allowed in HTML text; they are shown as ``\\xNN`` instead."""


def esc(text: object) -> str:
    return html.escape(str(text).translate(_CONTROLS), quote=True)


def note(text: object) -> str:
    return f'<span class="note">{esc(text)}</span>'


def band(percent: float) -> str:
    return "good" if percent >= 80 else "warn" if percent >= 50 else "bad"


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def bar(label: str, percent: float) -> str:
    return (
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{esc(label)}: {percent:.1f}%"><rect class="track" width="100" height="10"/>'
        f'<rect class="{band(percent)}" width="{percent:.2f}" height="10"/></svg>'
    )
