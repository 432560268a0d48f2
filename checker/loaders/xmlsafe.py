"""The one XML parser of the project: safe against hostile exports, fast, with source lines.

Exports come from machines we do not control, so a document may try entity expansion
("billion laughs") or external entities (``file:///etc/passwd``).  lxml (libxml2) is used with
entity substitution off, no network, no DTD loading, libxml2's default size limits
(``huge_tree=False``), and a resolver that refuses every external reference before anything is
opened; a DOCTYPE that declares entities is refused outright.  lxml was chosen over
defusedxml's expat ElementTree because it parses the corpus about 2.8 times faster and gives
every element its ``sourceline``, which facts need for their origin (see
``bench/bench_xml_parse.py``).

Reports (gpreport.xml, gpresult /x) are read by :func:`read_report`, which makes the two
repairs Windows and git make necessary, and says so (``NoteKind.REPAIRED``): a declared
encoding that the bytes prove wrong (a UTF-16 report re-saved as UTF-8 or Windows-1252 with
its declaration kept), and a bare ``&`` that starts no entity (``Get-GPOReport`` writes GPO
names such as "Windows Server 2016 & Windows 10" unescaped).  Nothing else is guessed: any
other malformed document is an error with its position, and the safety rules above hold for
a repaired document as for any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from checker.core.errors import InputFormatError, input_error
from checker.core.files import MAX_BYTES, detect_encoding, read_bytes
from checker.core.values import Note, NoteKind

_UTF16_DECLARATION = re.compile(rb"""^<\?xml[^>]*encoding=["'](utf-16|unicode)""", re.I)
_DECLARED = re.compile(r"""\A<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_LIBXML2_POSITION = re.compile(r", line \d+, column \d+\Z")
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")

Element = etree._Element
"""The element type loaders receive (lxml's; ``.sourceline`` is the 1-based line)."""


class _ExternalReference(Exception):
    """Raised by the resolver to stop the parser before it opens an external reference."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _RefuseExternal(etree.Resolver):
    """Refuses DTDs and external entities, whatever their URL scheme."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> None:
        raise _ExternalReference(system_url or public_id or "?")


def _parser(encoding: str | None) -> etree.XMLParser:
    parser = etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseExternal())
    return parser


def parse_xml(data: bytes, path: str) -> Element:
    """The root element of the XML document ``data`` read from ``path``.

    Without a BOM the encoding found by ``text.detect_encoding`` overrides a declaration of
    UTF-16: libxml2 cannot guess UTF-16 without a BOM, and real ADMX files are UTF-8 that
    declare ``encoding="utf-16"`` or ``"unicode"``.
    Raises :class:`InputFormatError` with the parser's line and column for malformed XML, and
    for documents over :data:`~checker.core.files.MAX_BYTES`, declaring entities, or
    referring to anything outside themselves.
    """
    if len(data) > MAX_BYTES:
        raise input_error(path, f"XML is {len(data):,} bytes, over the {MAX_BYTES:,}-byte limit")
    encoding, bom = detect_encoding(data)
    # libxml2 spells UTF-16 without the second hyphen (UTF-16LE).
    forced = (
        encoding.upper().replace("16-", "16")
        if not bom and (encoding != "utf-8" or _claims_utf16(data))
        else None
    )
    return _parse(data, path, forced)


def _parse(data: bytes, path: str, encoding: str | None) -> Element:
    try:
        root = etree.fromstring(data, _parser(encoding))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        # libxml2 ends its message with the position, which the error gives already.
        message = _LIBXML2_POSITION.sub("", exc.msg)
        raise input_error(path, f"malformed XML: {message}", line=line, column=column) from exc
    except _ExternalReference as exc:
        raise input_error(path, f"XML refers to an external resource {exc.url!r}") from exc
    except (etree.LxmlError, ValueError, LookupError) as exc:
        raise input_error(path, f"cannot parse XML: {exc}") from exc
    _refuse_entities(root, path)
    return root


def parse_report(data: bytes, path: str) -> tuple[Element, tuple[Note, ...]]:
    """The root element of a report, and the repairs made to read it (see module docstring).

    A document that parses as it is costs one parse, as with :func:`parse_xml`, and a look
    at its first bytes; the repairs are tried only when it does not parse.  A repaired
    document that still does not parse raises its error, at its position in the file."""
    encoding, bom = detect_encoding(data)
    declared = _declared(data[bom:], encoding)
    try:
        root = parse_xml(data, path)
    except InputFormatError:
        decoded = _decoded(data[bom:], encoding, declared)
        if decoded is None:
            raise
        encoding, text = decoded
        repaired, ampersands = _escape_ampersands(text, path)
        mislabel = _mislabel(declared, encoding, bom)
        if mislabel is None and ampersands is None:
            raise
        try:
            root = _parse(repaired.encode("utf-8"), path, "UTF-8")
        except InputFormatError as still:
            raise _in_original(still, text) from None
        notes = [_repaired(path, mislabel), ampersands]
    else:
        notes = [_repaired(path, _mislabel(declared, encoding, bom))]
    return root, tuple(note for note in notes if note is not None)


def read_report(path: Path) -> tuple[Element, tuple[Note, ...]]:
    """:func:`parse_report` of the file ``path`` (size-capped by ``files.read_bytes``)."""
    return parse_report(read_bytes(path), str(path))


_UTF16_NAMES = frozenset({"utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2"})
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_SHOWN = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "cp1252": "Windows-1252",
}


def _declared(body: bytes, encoding: str) -> str | None:
    """The encoding the XML declaration names, lower case, or None without one."""
    match = _DECLARED.match(body[:400].decode(encoding, errors="replace"))
    return match.group(1).casefold() if match else None


def _mislabel(declared: str | None, real: str, bom: int) -> str | None:
    """What is wrong with the declared encoding when the bytes prove it wrong, else None:
    UTF-16 declared over 8-bit bytes, an 8-bit encoding declared over UTF-16, or anything
    but UTF-8 declared after a UTF-8 BOM.  No declaration, or UTF-16 without a BOM that
    says UTF-16, is not wrong."""
    if declared is None:
        return None
    wrong = (declared in _UTF16_NAMES) != real.startswith("utf-16") or (
        bom > 0 and real == "utf-8" and declared not in ("utf-8", "utf8")
    )
    if not wrong:
        return None
    how = _SHOWN.get(real, real) + (" with a BOM" if bom else "")
    return (
        f'declared encoding="{declared}" but the bytes are {how}: read as {_SHOWN.get(real, real)}'
    )


def _repaired(path: str, what: str | None) -> Note | None:
    return None if what is None else Note(NoteKind.REPAIRED, path, what, 1)


def _decoded(body: bytes, encoding: str, declared: str | None) -> tuple[str, str] | None:
    """The encoding the document is read in, and its text: by its bytes (BOM, UTF-16, else
    the 8-bit encoding it declares, else strict UTF-8), and Windows-1252 only when the
    declaration is proven wrong (it names UTF-16 over 8-bit bytes that are not UTF-8) and
    every byte is a Windows-1252 character.  None when the bytes cannot be read that way
    (the parser's error stands: invalid UTF-8 in a document that declares UTF-8 is an
    error, not a guess)."""
    tried = [encoding]
    if encoding == "utf-8" and declared is not None and declared not in _UTF16_NAMES:
        tried.insert(0, declared)
    for name in tried:
        try:
            return name, body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    if encoding != "utf-8" or declared not in _UTF16_NAMES or _CP1252_UNDEFINED & set(body):
        return None
    return "cp1252", body.decode("cp1252")


def _in_original(error: InputFormatError, text: str) -> InputFormatError:
    """``error``, met in ``text`` with its bare ampersands escaped, at its column in ``text``
    (each ``&amp;`` before it on its line is four characters longer than the ``&``)."""
    where = error.error
    if where.line is None or where.column is None:
        return error
    lines = text.split("\n")
    line = lines[where.line - 1] if where.line <= len(lines) else ""
    shift = 0
    for found in _BARE_AMPERSAND.finditer(line):
        if found.start() + shift < where.column - 1:
            shift += 4
    return input_error(where.path, where.message, line=where.line, column=where.column - shift)


def _escape_ampersands(text: str, path: str) -> tuple[str, Note | None]:
    """``text`` with every ``&`` that starts no entity or character reference escaped, and
    the note saying so (None when there was none)."""
    found = _BARE_AMPERSAND.search(text)
    if found is None:
        return text, None
    count = len(_BARE_AMPERSAND.findall(text))
    what = (
        f"{count} bare '&' read as literal '&'" if count > 1 else "a bare '&' read as literal '&'"
    )
    line = text.count("\n", 0, found.start()) + 1
    return _BARE_AMPERSAND.sub("&amp;", text), Note(NoteKind.REPAIRED, path, what, line)


def _claims_utf16(data: bytes) -> bool:
    return _UTF16_DECLARATION.search(data, 0, 200) is not None


def _refuse_entities(root: Element, path: str) -> None:
    """Entities are never needed in exports; declaring any is a sign of an attack."""
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is None:
        return
    names = sorted(entity.name or "?" for entity in dtd.iterentities())
    if names:
        raise input_error(path, f"XML DOCTYPE declares entities ({', '.join(names)}); refused")


class LocalNames(dict[object, str]):
    """Local names by namespaced tag, looked up rather than split: loaders ask for every
    child of every setting of every device of a fleet, and a hot loop indexes
    :data:`LOCAL_NAMES` with ``element.tag`` itself (a lookup in C, no call of Python's)."""

    def __missing__(self, tag: object) -> str:
        name = str(tag).rpartition("}")[2]
        if len(self) < 4096:  # exports use a few dozen tags; a hostile one, any number
            self[tag] = name
        return name


LOCAL_NAMES = LocalNames()


def local(element: Element) -> str:
    """The tag without its namespace (comments and PIs are removed by the parser)."""
    return LOCAL_NAMES[element.tag]


def kids(element: Element, name: str) -> Iterator[Element]:
    """Children named ``name`` in any namespace (matched by lxml, in C)."""
    return element.iterchildren(f"{{*}}{name}")


def first(element: Element, name: str) -> Element | None:
    """The first child named ``name`` in any namespace, or None."""
    return next(kids(element, name), None)


def text(element: Element, name: str) -> str | None:
    """The text of the first child named ``name`` ("" when empty), None when there is none."""
    found = first(element, name)
    return None if found is None else (found.text or "")


def read_xml(path: Path) -> Element:
    """The root element of the XML file ``path`` (size-capped by ``text.read_bytes``)."""
    return parse_xml(read_bytes(path), str(path))
