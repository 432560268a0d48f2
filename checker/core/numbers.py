"""Numbers as exports state them, bounded: a registry number is at most a REG_QWORD."""

from __future__ import annotations

QWORD = 1 << 64
MAX_DIGITS = 24
"""Characters of a number read at most (a REG_QWORD has 20 decimal digits, 16 hexadecimal)."""


def exported_int(text: str, base: int = 10) -> int:
    """``int(text, base)`` for a number an export states; a ``ValueError`` for one beyond a
    REG_QWORD (from -2**63 up to 2**64 - 1), the largest number Windows stores.

    Python refuses to read integers of more than 4,300 digits with a ``ValueError`` of its
    own, deep inside a parse, and the rest of a hostile export's run was lost with it; this
    refuses anything longer than a number Windows could hold before converting it."""
    digits = text.strip()
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"{digits[:MAX_DIGITS]}... is beyond a REG_QWORD")
    number = int(digits, base)
    if not -(QWORD >> 1) <= number < QWORD:
        raise ValueError(f"{digits} is beyond a REG_QWORD")
    return number
