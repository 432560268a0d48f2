"""The safe XML parser: hostile documents, size cap, errors with positions, source lines."""

from __future__ import annotations

import codecs
import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.files import MAX_BYTES
from checker.loaders.xmlsafe import parse_xml, read_xml
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
