"""Values that could print like what is expected are shown with their type in every report
that shows values (DESIGN §9): ``"2" (REG_SZ)`` against ``2``."""

from __future__ import annotations

import html

import pytest

from checker.core.results import Result
from checker.core.statuses import Status
from checker.core.values import Fact, Origin
from checker.kinds import Kind
from checker.reporters import console, csv, findings, junit, markdown
from checker.reporters import html as html_report
from tests.reporters import factory

RENDERERS = {
    "console": console.render,
    "html": html_report.render,
    "junit": junit.render,
    "markdown": markdown.render,
}


def _text(name: str) -> str:
    out = RENDERERS[name](factory.typed_values())
    text = out if isinstance(out, str) else b"".join(out).decode("utf-8")  # type: ignore[arg-type]
    return html.unescape(text).replace("\\_", "_")  # Markdown escapes underscores


@pytest.mark.parametrize(("name", "shown"), [
    ("console", 2), ("html", 2), ("junit", 2), ("markdown", 1),
])  # fmt: skip
def test_values_that_print_alike_carry_their_type(name: str, shown: int) -> None:
    """The REG_SZ "2" of a check expecting the number 2, and the REG_DWORD 2 of a check
    requiring a REG_SZ (Markdown shows no values, but a conflict's two sides)."""
    text = _text(name)
    assert (text.count('"2" (REG_SZ)'), text.count("2 (REG_DWORD)")) == (shown, shown)


def test_csv_shows_the_type_a_check_requires() -> None:
    text = csv.render(factory.typed_values()).decode("utf-8-sig")
    assert 'in [""2"", ""3""] (REG_SZ)' in text


CHECK = factory.TYPED[1]  # expects the number 2, states no type


@pytest.mark.parametrize(
    ("actual", "actual_type", "status", "shown"),
    [
        ("2", "REG_SZ", Status.FAIL, '"2" (REG_SZ)'),
        ("2", None, Status.FAIL, '"2" (string)'),
        ("", "REG_SZ", Status.FAIL, '"" (REG_SZ)'),
        ("true", "REG_SZ", Status.FAIL, '"true" (REG_SZ)'),
        ("Block", "REG_SZ", Status.FAIL, "Block"),
        (3, "REG_DWORD", Status.FAIL, "3"),
        ("2", "REG_SZ", Status.PASS, "2"),
        (None, None, Status.NOT_CONFIGURED, "not configured"),
    ],
)
def test_shown_actual(actual: object, actual_type: str | None, status: Status, shown: str) -> None:
    result = Result(CHECK, status, actual, (Origin("x"),), actual_type=actual_type)
    assert findings.actual(result) == shown


def test_a_type_the_check_refuses_is_shown() -> None:
    result = Result(factory.TYPED[0], Status.FAIL, 7, (), actual_type="REG_DWORD")
    assert findings.actual(result) == "7 (REG_DWORD)"


@pytest.mark.parametrize(
    ("one", "other", "shown"),
    [
        ((1, "REG_DWORD"), ("1", "REG_SZ"), ("1 (REG_DWORD)", '"1" (REG_SZ)')),
        ((1, "REG_DWORD"), (0, "REG_DWORD"), ("1", "0")),
        (("a", "REG_SZ"), ("b", "REG_SZ"), ("a", "b")),
    ],
)
def test_conflict_sides(
    one: tuple[object, str], other: tuple[object, str], shown: tuple[str, str]
) -> None:
    first = Fact(Kind.REGISTRY, "HKLM\\X!Y", one[0], Origin("a"), type=one[1])
    second = Fact(Kind.REGISTRY, "HKLM\\X!Y", other[0], Origin("b"), type=other[1])
    assert findings.sides(first, second) == shown
