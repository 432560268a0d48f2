"""Text as reports and terminals take it: UTF-8 that survives odd file names, and control
characters shown rather than obeyed."""

from __future__ import annotations


def utf8(text: str) -> bytes:
    """``text`` in UTF-8, the encoding of every report.

    A lone surrogate (an undecodable byte of a file name, which Python reads as ``\\udcff``,
    or a ``\\ud800`` escape in a JSON or YAML input) is written as that escape: in JSON it is
    the escape JSON has for it, elsewhere readable text.  Strict encoding would stop the run
    at the end, its work done, on one odd file name.
    """
    return text.encode("utf-8", "backslashreplace")


_CONTROLS = {
    code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))
}
"""Control characters but tab and line feed, as their escapes (``str.translate`` table)."""


def visible(text: str) -> str:
    """``text`` for a terminal: control characters (an escape sequence in a file name or an
    exported display name could clear the screen, retitle the window or hide a line) are
    shown as ``\\x1b`` instead of acting.  For human-readable output only: JSON escapes
    them itself."""
    return text.translate(_CONTROLS)


def storable(text: str) -> str:
    """``text`` as :func:`utf8` writes it, for a store that refuses surrogates (SQLite)."""
    return utf8(text).decode("utf-8")
