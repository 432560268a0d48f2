"""The HTML page: golden files, self-containment, escaping, the chart, the device cap, size,
and a real render in headless Chromium with no console errors (skipped without Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from checker.core.results import Gate, PlanItem, PlanState, Report, RunSummary
from checker.core.statuses import Category, Status
from checker.core.values import Origin
from checker.reporters import html
from tests.reporters import factory
from tests.reporters.conftest import CASES, Golden

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def _history(runs: int) -> list[RunSummary]:
    """A history whose scores climb run by run; the last run has no application score."""
    return [
        RunSummary(
            id=number + 1,
            at=T0 + timedelta(days=number),
            label=f"sha{number:03d}",
            tool_version="0.1.0",
            targets=3,
            overall=30 + 2.5 * number,
            categories=tuple(
                (category, min(100.0, 20 + 2.0 * number * (rank + 1)))
                for rank, category in enumerate(Category)
                if not (number == runs - 1 and category is Category.APPLICATION)
            ),
            uncertain_range=(30.0, 40.0),
            exposed=10 - number,
            benchmark=factory.BENCHMARK,
        )
        for number in range(runs)
    ]


HISTORY = {"fleet_of_three": _history(8)}
"""Cases rendered with a history; the others show the single-point chart."""


def _render(case: str) -> str:
    return html.render(replace(CASES[case](), history=tuple(HISTORY.get(case, ()))))


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, golden: Golden) -> None:
    golden(f"html_{case}.html", _render(case))


@pytest.mark.parametrize("case", sorted(CASES))
def test_deterministic(case: str) -> None:
    assert _render(case) == _render(case)


EXTERNAL = re.compile(r"https?:|//[a-z]|\bsrc=|\bhref=|url\(|@import|<script|<link|<img|<iframe")


@pytest.mark.parametrize("case", sorted(CASES))
def test_self_contained(case: str) -> None:
    page = _render(case)
    assert EXTERNAL.search(page) is None
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in page


def test_everything_is_escaped() -> None:
    page = _render("edge_cases")
    assert "Baseline – “Strict” &lt;v2&gt;.json" in page
    assert "expression failed: `a` &amp; &lt;b&gt; on null" in page
    assert "Expecting &#x27;,&#x27; delimiter\\x01" in page
    assert "<v2>" not in page and "<b>" not in page and "\x01" not in page


def test_hostile_names() -> None:
    results = [factory.result("MS-SC-004", Status.FAIL, "</td><script>x</script>")]
    target = factory.target('"><svg onload=alert(1)>', results, ("a&b/<c>.json",))
    page = html.render(factory.report([target]))
    assert "<script>" not in page and "<svg onload" not in page
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in page
    assert "&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;" in page


def _section(page: str, key: str) -> str:
    start = page.index(f'<section aria-labelledby="h-{key}">')
    return page[start : page.index("</section>", start)]


def test_recommendations_ordered_by_score_impact_with_remediation() -> None:
    section = _section(_render("fleet_of_three"), "recommendations")
    order = re.findall(r'<td class="check"><code>([^<]+)</code>', section)
    assert order == [
        "MS-SC-004",
        "MS-NET-002",
        "MS-ACC-001",
        "MS-ACC-006",
        "MS-OS-003",
        "MS-APP-005",
    ]
    assert (
        "+25.64" in section
        and "Set security:System Access/MinimumPasswordLength to &gt;= 14." in section
    )


def test_chart_from_history() -> None:
    chart = _section(_render("fleet_of_three"), "chart")
    assert chart.count("<polyline") == 6
    assert chart.count("<circle") == 8 * 6 - 1
    assert 'aria-labelledby="chart-title chart-desc"' in chart
    assert "8 recorded runs, oldest on the left." in chart
    assert "<title>2026-03-08T08:30:00Z sha007: overall 47.5%</title>" in chart


def test_chart_draws_the_series_of_the_runs_own_benchmarks() -> None:
    """Runs of another benchmark or of a group are left out; a run of two benchmarks has a
    chart for each, with ids of their own."""
    history = _history(8)
    other = [replace(run, benchmark="stig", overall=5.0) for run in history]
    group = [replace(run, group="servers", overall=6.0) for run in history]
    report = replace(factory.fleet_of_three(), history=(*other, *history, *group))
    chart = _section(html.render(report), "chart")
    assert chart == _section(_render("fleet_of_three"), "chart")
    two = factory.generated_fleet(4, 10)
    runs = [replace(run, benchmark=name) for name in ("gen-defender", "gen-workstation")
            for run in history]  # fmt: skip
    charts = _section(html.render(replace(two, history=tuple(runs))), "chart")
    assert charts.count("<svg") == 2 and charts.count("<h3>") == 2
    ids = re.findall(r' id="([^"]+)"', charts)
    assert len(ids) == len(set(ids))


def test_chart_without_history_shows_this_run() -> None:
    chart = _section(_render("single_device"), "chart")
    assert chart.count("<polyline") == 0
    assert chart.count("<circle") == 6
    assert "No history was given, so the chart shows this run only." in chart
    assert "<title>this run: overall 23.1%</title>" in chart


def test_device_drill_down_is_capped_at_the_lowest_scores() -> None:
    report = factory.generated_fleet(40, 20)
    page = html.render(report, devices=5)
    devices = _section(page, "devices")
    expected = sorted(report.targets, key=lambda t: (t.score.overall.percent, t.name))[:5]
    shown = re.findall(r"<details><summary><strong>([^<]+)</strong>", devices)
    assert shown == [target.name for target in expected]
    assert "The 5 lowest-scoring of 40 devices; the JSON or CSV report has them all." in devices


def test_single_device_is_open_and_relative_origins() -> None:
    devices = _section(_render("single_device"), "devices")
    assert devices.count("<details open>") == 1
    assert "<td>registry.pol@1024</td>" in devices
    assert "<td>not set by any source</td>" in devices


def test_5000_devices_stay_small(fleet_5k: Report) -> None:
    page = html.render(fleet_5k)
    assert len(page.encode("utf-8")) < 4_000_000
    assert _section(page, "devices").count("<details><summary>") == html.DEVICES
    assert "The 500 lowest-scoring of 5,000 devices" in page
    assert "more recommendations not shown" in page


# Headless Chromium --------------------------------------------------------------------------

CHROMIUM = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (path := shutil.which(name))
    ),
    None,
)

CATCHER = (
    "<script>(function(){var d=document.documentElement;function note(m){"
    "d.setAttribute('data-errors',(d.getAttribute('data-errors')||'')+m+' | ');}"
    "window.addEventListener('error',function(e){note('error: '+e.message);});"
    "document.addEventListener('securitypolicyviolation',function(e){"
    "note('csp: '+e.violatedDirective+' '+e.blockedURI);});})();</script>\n"
)
"""Injected before the page's own CSP so that errors and blocked loads land in the DOM."""


def _chromium(tmp_path: Path, page: str, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    path = tmp_path / "page.html"
    path.write_text(page.replace("<head>\n", "<head>\n" + CATCHER, 1), encoding="utf-8")
    argv = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2000",
        *extra,
        path.as_uri(),
    ]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def _errors(dom: str) -> str | None:
    """What the catcher noted on the root element of the dumped DOM."""
    found = re.search(r'<html[^>]*\sdata-errors="([^"]*)"', dom)
    return None if found is None else found.group(1)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.search(r"CONSOLE|Uncaught|Refused", line)]


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH")


@needs_chromium
def test_renders_in_chromium_without_errors(tmp_path: Path) -> None:
    done = _chromium(tmp_path, _render("fleet_of_three"), "--dump-dom")
    assert done.returncode == 0, done.stderr
    assert _errors(done.stdout) is None
    assert _console_errors(done.stderr) == []
    assert '<svg class="chart" id="score-chart"' in done.stdout
    assert done.stdout.count("<polyline") == 6
    shot = tmp_path / "page.png"
    done = _chromium(tmp_path, _render("fleet_of_three"), f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_chromium_harness_catches_a_blocked_load(tmp_path: Path) -> None:
    """The check above is only as good as the catcher: an external image must be reported."""
    page = _render("single_device").replace("<main>", '<main><img src="http://192.0.2.1/x.png">')
    done = _chromium(tmp_path, page, "--dump-dom")
    assert _errors(done.stdout) == "csp: img-src http://192.0.2.1/x.png | "


# The gate, history labels, absent values, filters --------------------------------------------

FAILED = Gate(False, ("11 result(s) fail/not_configured", "score 80.8% is under 90%"))


def _grouped_fleet(gate: Gate | None = FAILED) -> Report:
    """fleet_of_three with its devices in groups, a plan and a gate verdict."""
    fleet = factory.fleet_of_three()
    groups = {"WS-0001": "finance", "WS-0002": "finance", "SRV-01": "servers"}
    targets = tuple(replace(t, group=groups[t.name]) for t in fleet.targets)
    plan = (PlanItem("MS-SC-004", "2027-01-31", "secops", PlanState.OPEN, 3, 3),)
    return replace(fleet, targets=targets, plan=plan, gate=gate)


def test_gate_verdict_and_reasons_come_first() -> None:
    page = html.render(_grouped_fleet())
    main = page[page.index("<main>") + len("<main>\n") :]
    assert main.startswith('<section class="gate gate-failed" id="gate"')
    banner = main[: main.index("</section>")]
    assert '<h2 id="h-gate">Gate failed</h2>' in banner
    assert "<li>score 80.8% is under 90%</li>" in banner
    assert "<title>baseliner: 37.2% for fleet of 3 devices (gate failed)</title>" in page


@pytest.mark.parametrize(
    ("gate", "banner", "headline"),
    [
        (Gate(True), "gate-passed", "good"),
        (FAILED, "gate-failed", "bad"),
        (Gate(False, ("1 result(s) error",), soft=True), "gate-soft", "bad"),
        (None, None, "bad"),
    ],
)
def test_the_gate_colours_the_headline(
    gate: Gate | None, banner: str | None, headline: str
) -> None:
    """37.2% would be 'bad' by the score bands: a passed gate makes it green all the same."""
    page = html.render(_grouped_fleet(gate))
    assert (f'class="gate {banner}"' in page) if banner else ('id="gate"' not in page)
    assert f'<span class="big {headline}">37.2%</span>' in page


def test_history_ticks_show_time_and_label() -> None:
    chart = _section(_render("fleet_of_three"), "chart")
    assert '>2026-03-08 08:30<tspan x="' in chart and '">sha007</tspan></text>' in chart
    assert chart.count("<tspan") == 6


def test_absent_values_say_why() -> None:
    deleted = factory.result(
        "MS-NET-002", Status.FAIL, None, Origin("exports/gpo/registry.pol", offset=88)
    )
    page = html.render(factory.report([factory.target("WS", [deleted])]))
    assert "<td>deleted by policy</td>" in page and "<td>null</td>" not in page
    assert "<td>not configured</td>" in _render("single_device")


def test_uncertain_table_has_a_fixed_layout() -> None:
    section = _section(_render("edge_cases"), "uncertain")
    assert '<table class="uncertain">' in section
    assert '<td class="id">' not in section


def test_filters_name_indexes_never_report_text() -> None:
    page = html.render(_grouped_fleet())
    bar = page[page.index('<div class="filters"') :]
    bar = bar[: bar.index("</div>")]
    assert re.findall(r'<select id="f-(\w)"', bar) == ["g", "t", "v", "p"]
    assert '<option value="0">finance</option><option value="1">servers</option>' in bar
    assert 'main:has(#f-g option[value="1"]:checked) .fg:not(.g1){display:none}' in page
    assert "<script" not in page and "onchange" not in page


FILTER_PROBE = (
    "<script>document.addEventListener('DOMContentLoaded',function(){"
    "var d=document.documentElement;"
    "function shown(sel){return Array.prototype.filter.call(document.querySelectorAll(sel),"
    "function(e){return getComputedStyle(e).display!=='none';}).length;}"
    "var out={};"
    "out.all=shown('#h-recommendations ~ table tbody tr');"
    "document.getElementById('f-v').value='3';"
    "out.critical=shown('#h-recommendations ~ table tbody tr');"
    "document.getElementById('f-v').value='';document.getElementById('f-g').value='1';"
    "out.servers=shown('#h-recommendations ~ table tbody tr');"
    "out.devices=shown('#h-devices ~ details');"
    "document.getElementById('f-p').value='0';"
    "out.serversOpen=shown('#h-recommendations ~ table tbody tr');"
    "d.setAttribute('data-probe',JSON.stringify(out));});</script>\n"
)
"""Injected before the page's CSP (as CATCHER is): picks filter values the way a reader
would, and notes how many rows stay visible."""


@needs_chromium
def test_filters_work_in_chromium(tmp_path: Path) -> None:
    page = html.render(_grouped_fleet()).replace("<head>\n", "<head>\n" + FILTER_PROBE, 1)
    done = _chromium(tmp_path, page, "--dump-dom")
    assert done.returncode == 0, done.stderr
    assert _errors(done.stdout) is None
    probe = re.search(r"data-probe=\"([^\"]*)\"", done.stdout)
    assert probe is not None, done.stdout[:500]
    found = json.loads(probe.group(1).replace("&quot;", '"'))
    # 6 recommendations; 1 critical (MS-NET-002); SRV-01, the servers group, fails 3 of them
    # (MS-NET-002, MS-SC-004, MS-ACC-006), and the one plan (open) is on MS-SC-004.
    assert found == {"all": 6, "critical": 1, "servers": 3, "devices": 1, "serversOpen": 1}


@needs_chromium
def test_screenshot_of_a_failing_fleet_shows_the_failed_gate_on_top(tmp_path: Path) -> None:
    """Pixels, as a reader sees the page: the top of the screenshot is the red banner."""
    image = pytest.importorskip("PIL.Image")
    shot = tmp_path / "fleet.png"
    done = _chromium(tmp_path, html.render(_grouped_fleet()), f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr
    with image.open(shot) as picture:
        rgb = picture.convert("RGB")
        width = rgb.width
        banner = [rgb.getpixel((x, y)) for y in range(30, 90, 4) for x in range(80, width - 80, 8)]
    red = sum(1 for r, g, b in banner if (r, g, b) == (0xB9, 0x1C, 0x1C))
    assert red / len(banner) > 0.6, f"{red} of {len(banner)} pixels are the gate's red"
