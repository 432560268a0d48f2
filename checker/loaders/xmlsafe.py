"""The one XML parser of the project: safe against hostile exports, fast, with source lines.

Exports come from machines we do not control, so a document may try entity expansion
("billion laughs") or external entities (``file:///etc/passwd``).  lxml (libxml2) is used with
entity substitution off, no network, no DTD loading, libxml2's default size limits
(``huge_tree=False``), and a resolver that refuses every external reference before anything is
opened; a DOCTYPE that declares entities is refused outright.  lxml was chosen over
defusedxml's expat ElementTree because it parses the corpus about 2.8 times faster and gives
every element its ``sourceline``, which facts need for their origin (see
``bench/bench_xml_parse.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from checker.core.errors import input_error
from checker.core.files import MAX_BYTES, detect_encoding, read_bytes

_UTF16_DECLARATION = re.compile(rb"""^<\?xml[^>]*encoding=["'](utf-16|unicode)""", re.I)

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
    try:
        root = etree.fromstring(data, _parser(forced))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise input_error(path, f"malformed XML: {exc.msg}", line=line, column=column) from exc
    except _ExternalReference as exc:
        raise input_error(path, f"XML refers to an external resource {exc.url!r}") from exc
    except (etree.LxmlError, ValueError, LookupError) as exc:
        raise input_error(path, f"cannot parse XML: {exc}") from exc
    _refuse_entities(root, path)
    return root


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


def local(element: Element) -> str:
    """The tag without its namespace (comments and PIs are removed by the parser)."""
    tag = str(element.tag)
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 4096:  # exports use a few dozen tags; a hostile one, any number
            _LOCAL_NAMES[tag] = name
    return name


_LOCAL_NAMES: dict[str, str] = {}
"""Local names by namespaced tag, looked up rather than split: loaders ask for every child
of every setting of every device of a fleet."""


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
