"""Input errors on the terminal: every one, except that one message shows at most
``SHOWN_PER_MESSAGE`` times and then how many more there are (the reports list them all)."""

from __future__ import annotations

import pytest

from checker.core.errors import SHOWN_PER_MESSAGE, InputError, error_lines

LOST = "not checked: a worker process ended unexpectedly"


def _lost(count: int) -> list[InputError]:
    return [InputError(f"d{i:03}.xml", LOST) for i in range(count)]


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([], []),
        (
            [InputError("a.xml", "malformed XML", line=3), InputError("b.pol", "bad", offset=9)],
            ["input error: a.xml: line 3: malformed XML", "input error: b.pol: byte 9: bad"],
        ),
        (_lost(SHOWN_PER_MESSAGE), [f"input error: d{i:03}.xml: {LOST}" for i in range(20)]),
        (
            [*_lost(SHOWN_PER_MESSAGE + 1500), InputError("z.xml", "other")],
            [
                *(f"input error: d{i:03}.xml: {LOST}" for i in range(20)),
                f"input error: 1,500 more file(s): {LOST}",
                "input error: z.xml: other",
            ],
        ),
    ],
)
def test_error_lines(errors: list[InputError], expected: list[str]) -> None:
    assert SHOWN_PER_MESSAGE == 20
    assert list(error_lines(errors)) == expected
