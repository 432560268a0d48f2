"""The safe XML parser: hostile documents, size cap, errors with positions, source lines."""

from __future__ import annotations

import codecs
import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.files import MAX_BYTES
from checker.loaders.xmlsafe import parse_report, parse_xml, read_report, read_xml
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # libxml2 stops the expansion itself before our DOCTYPE check runs.
        ("billion-laughs.xml", "entity amplification factor exceeded"),
        ("external-entity.xml", "declares entities (xxe)"),
        ("external-dtd.xml", "refers to an external resource 'file:///etc/passwd'"),
    ],
)
def test_hostile_documents_are_refused(name: str, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        read_xml(FIXTURES / "gpreport" / name)
    assert message in str(caught.value)


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.xml"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(InputFormatError) as caught:
        read_xml(big)
    assert time.perf_counter() - started < 1.0
    assert "209,715,200 bytes, over the" in str(caught.value)


def test_oversized_bytes_are_refused() -> None:
    with pytest.raises(InputFormatError, match="over the"):
        parse_xml(b" " * (MAX_BYTES + 1), "big.xml")


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"<a>\n<b></a>", 2, 8),
        (b"<a>\n\n  <b x='1' x='2'/></a>", 3, 17),
        (b"", 1, 1),
        (b"<a>", 1, 4),
    ],
)
def test_malformed_xml_gives_line_and_column(data: bytes, line: int, column: int) -> None:
    with pytest.raises(InputFormatError) as caught:
        parse_xml(data, "bad.xml")
    assert (caught.value.error.line, caught.value.error.column) == (line, column)
    assert str(caught.value).startswith(f"bad.xml: line {line}, column {column}: malformed XML")


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE
        + '<?xml version="1.0" encoding="utf-16"?>\r\n<a>\r\n<b/></a>'.encode("utf-16-le"),
        '<?xml version="1.0" encoding="utf-16"?>\n<a>\n<b/></a>'.encode("utf-16-le"),
        b'<?xml version="1.0" encoding="utf-16"?>\n<a>\n<b/></a>',
        b'<?xml version="1.0" encoding="unicode"?>\n<a>\n<b/></a>',
        codecs.BOM_UTF8 + b'<?xml version="1.0"?>\n<a>\n<b/></a>',
    ],
    ids=["utf16-bom", "utf16-no-bom", "utf8-declared-utf16", "utf8-declared-unicode", "utf8-bom"],
)
def test_encodings_and_source_lines(data: bytes) -> None:
    root = parse_xml(data, "x.xml")
    assert [(str(e.tag), e.sourceline) for e in root.iter()] == [("a", 2), ("b", 3)]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_parse_or_raise_input_error(data: bytes) -> None:
    with contextlib.suppress(InputFormatError):
        parse_xml(data, "fuzz.xml")


# -- reports as Windows and git leave them (read_report) ----------------------------------

REPAIRS = FIXTURES / "gpreport" / "repairs"
NAME = "Sécurité – l’essentiel"


@pytest.mark.parametrize(
    ("name", "repaired"),
    [
        (
            "utf8-bom-declares-utf16.xml",
            'declared encoding="utf-16" but the bytes are UTF-8 with a BOM: read as UTF-8',
        ),
        (
            "utf8-declares-utf16.xml",
            'declared encoding="utf-16" but the bytes are UTF-8: read as UTF-8',
        ),
        (
            "cp1252-declares-utf16.xml",
            'declared encoding="utf-16" but the bytes are Windows-1252: read as Windows-1252',
        ),
        (
            "utf16le-declares-utf8.xml",
            'declared encoding="utf-8" but the bytes are UTF-16LE: read as UTF-16LE',
        ),
        (
            "utf16be-bom-declares-utf8.xml",
            'declared encoding="utf-8" but the bytes are UTF-16BE with a BOM: read as UTF-16BE',
        ),
    ],
)
def test_a_wrong_declared_encoding_is_read_by_the_bytes_and_noted(name: str, repaired: str) -> None:
    root, notes = read_report(REPAIRS / name)
    assert root.findtext("{*}Name") == NAME
    assert [(n.kind.value, n.what, n.line) for n in notes] == [("repaired", repaired, 1)]


def test_a_bare_ampersand_is_read_as_one_and_noted() -> None:
    root, notes = read_report(REPAIRS / "bare-ampersand.xml")
    assert (
        root.findtext("{*}Name")
        == "MSFT Windows Server 2016 & Windows 10 1607 - Defender Antivirus"
    )
    assert [(n.what, n.line) for n in notes] == [("a bare '&' read as literal '&'", 7)]


def test_a_report_as_windows_writes_it_needs_no_repair() -> None:
    _, notes = read_report(FIXTURES / "gpreport" / "small-gpreport.xml")
    assert notes == ()


@pytest.mark.parametrize(
    ("data", "line", "column", "message"),
    [
        # Declared UTF-8: invalid UTF-8 is an error, not a guess (Windows-1252 only when the
        # declaration is proven wrong).
        (b'<?xml version="1.0" encoding="utf-8"?>\n<a>caf\xe9</a>', 2, 7, "Invalid bytes"),
        (b"<a>\ncaf\xe9</a>", 2, 4, "Invalid bytes"),
        # An entity that is not one of XML's own stays an error: it starts an entity.
        (b"<a>\n<b>&nbsp;</b></a>", 2, 10, "Entity 'nbsp' not defined"),
        # A bare & repaired, the document is still broken: that error, where it is in the file.
        (b"<a>\n<b>x & y & z</a>", 2, 17, "Opening and ending tag mismatch"),
        (b"<a>\n<b>x & y", 2, 9, "Premature end of data"),
    ],
)
def test_nothing_else_is_guessed(data: bytes, line: int, column: int, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        parse_report(data, "r.xml")
    error = caught.value.error
    assert (error.line, error.column) == (line, column)
    assert message in error.message


def test_a_repaired_document_keeps_the_safety_rules() -> None:
    hostile = b'<!DOCTYPE a [<!ENTITY x "y">]>\n<a>R&D &x;</a>'
    with pytest.raises(InputFormatError, match="declares entities"):
        parse_report(hostile, "r.xml")
    external = b'<!DOCTYPE a SYSTEM "file:///etc/passwd">\n<a>R&D</a>'
    with pytest.raises(InputFormatError, match="external resource"):
        parse_report(external, "r.xml")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_read_as_a_report_or_raise_input_error(data: bytes) -> None:
    with contextlib.suppress(InputFormatError):
        parse_report(data, "fuzz.xml")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4), st.sampled_from(["utf-8", "utf-16-le", "cp1252"]))
@example(["\u00c2\u00a0", "x"], "cp1252")  # Windows-1252 bytes that are valid UTF-8 too
def test_text_with_bare_ampersands_in_any_encoding_reads_back(
    parts: list[str], encoding: str
) -> None:
    """Text joined by bare ampersands, in an element, in a real encoding under a declaration
    of UTF-16 (as a re-saved report): read back exactly, or refused with a position."""
    text = " & ".join(part.replace("&", "").replace("<", "").replace("]]>", "") for part in parts)
    document = f'<?xml version="1.0" encoding="utf-16"?>\n<a>{text}</a>'
    try:
        data = document.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        root, _ = parse_report(data, "fuzz.xml")
    except InputFormatError as error:
        assert error.error.line is not None or "Invalid" in str(error)
        return
    if encoding == "cp1252":
        # The rule reads UTF-8 before Windows-1252, so Windows-1252 bytes that are also valid
        # UTF-8 ("Â\xa0" is C2 A0) read as UTF-8: the order is the contract, not a guess.
        with contextlib.suppress(UnicodeDecodeError):
            text = data.decode("utf-8").split("<a>", 1)[1].rsplit("</a>", 1)[0]
    assert (root.text or "") == text.replace("\r\n", "\n").replace("\r", "\n")
