"""Intune exports (Microsoft Graph JSON) -> one Source per Windows policy, of Kind.INTUNE facts.

Layouts read: IntuneManagement (one JSON per object; endpoint-security intents keep their
settings in a ``<name>_Settings.json`` sibling, an object or the same as a JSON string),
IntuneCD and IntuneBackupAndRestore (folders of JSON per object, whole tenants; IntuneCD
drops ``@odata.type`` and ids), a raw Graph response ``{"value": [...]}``, a plain JSON array,
and Graph import bodies (Administrative Templates as a bare array of ``definitionValues``).
UTF-8 or UTF-16, with or without OData annotations.

Each object is classified by its content (checker/loaders/intune_kinds.py): Windows settings
catalog policies, endpoint-security intents, legacy device configuration and custom
profiles, compliance policies and Administrative Templates are read (intune_read.py,
intune_templates.py); everything else a tenant holds (scripts, assignments, roles, app
protection, other platforms...) is passed over and listed as skipped with its kind.  A file
of such objects only is no error.  Broken JSON is (with its position), and so are duplicate
keys in one object (checker/loaders/jsonpos.py).
"""

from __future__ import annotations

from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import detect_encoding
from checker.core.files import head as head_of
from checker.core.values import JSON, Note, NoteKind, Source, freeze
from checker.loaders.intune_kinds import GRAPH, MARKERS, Classified, classify, odata_type, platform
from checker.loaders.intune_read import (
    SIDECAR,
    Builder,
    Reader,
    read_catalog,
    read_compliance,
    read_device_configuration,
    read_document,
    read_intent,
)
from checker.loaders.intune_templates import read_administrative_template
from checker.loaders.jsonpos import Cursor

FORMAT = "intune"
DESCRIPTION = "Intune export (Microsoft Graph JSON)"
READS = (
    "settings catalog, endpoint security, legacy and custom profiles, compliance policies, "
    "Administrative Templates; what else a tenant backup holds is listed as skipped"
)
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""
NOT_A_POLICY = "not an Intune policy export"
ARCHIVE = "__archive__"
ARCHIVED = "IntuneCD keeps here what is no longer in the tenant"
"""IntuneCD moves the objects a tenant no longer has into ``__archive__/<date>/``: read as
policies, they would apply again (and conflict with their own newer versions)."""
PAGED = (
    "not evaluated: the export is one page of a longer list (@odata.nextLink): the policies "
    "after it are not in it; export every page"
)
"""A Graph list response saved without following its ``@odata.nextLink``."""

READERS: dict[str, Reader] = {
    "settings_catalog": read_catalog,
    "intent": read_intent,
    "custom": read_device_configuration,
    "administrative_template": read_administrative_template,
    "compliance": read_compliance,
    "device_configuration": read_device_configuration,
}
"""How each kind of Windows policy becomes facts (see intune_kinds.classify)."""


def sniff(path: Path, head: bytes) -> bool:
    """A JSON object or array whose start holds Graph's or Intune's vocabulary; not an
    intent's settings file, which its intent reads."""
    encoding, bom = detect_encoding(head)
    text = head[bom:].decode(encoding, errors="ignore").lstrip()
    if text[:1] not in ("{", "[", '"') or not any(marker in text for marker in MARKERS):
        return False
    return _intent_of(path) is None


def _intent_of(path: Path) -> Path | None:
    """The intent whose settings ``path`` holds (IntuneManagement writes ``<name>.json`` and
    ``<name>_Settings.json``), known by the intent's content; None for any other file."""
    if not path.name.endswith(SIDECAR):
        return None
    intent = path.with_name(path.name[: -len(SIDECAR)] + ".json")
    if not intent.is_file():
        return None
    encoding, bom = detect_encoding(first := head_of(intent))
    return intent if "deviceManagementIntent" in first[bom:].decode(encoding, "ignore") else None


def load(path: Path) -> list[Source]:
    """One source per Windows policy of the file, and one holding what the file has that
    is passed over; an error when nothing in it is an Intune object."""
    intent = _intent_of(path)
    if intent is not None:
        raise input_error(str(path), f"{NOT_A_POLICY}: the settings of the intent {intent.name}")
    document, text = read_document(path)
    items = _items(document, path)
    found = [(item, classify(item)) for item in items if isinstance(item, dict)]
    if not any(kind is not None or _marked(item) for item, kind in found):
        raise input_error(str(path), NOT_A_POLICY)
    cursor = text.cursor()
    sources: list[Source] = []
    skipped: list[Note] = []
    archived = ARCHIVE in path.parts
    for item, kind in found:
        if archived and kind is not None and kind.reader is not None:
            kind = Classified(f"{kind.kind} (archived)", reason=ARCHIVED)
        source = _object(path, item, kind, cursor)
        if isinstance(source, Source):
            sources.append(source)
        else:
            skipped.append(source)
    if isinstance(document, dict) and isinstance(document.get("@odata.nextLink"), str):
        line = text.cursor().find("@odata.nextLink")
        skipped.append(Note(NoteKind.UNMAPPED, str(path), "Graph list page", line, reason=PAGED))
    if skipped:
        sources.append(Source(str(path), FORMAT, (), path.stem, notes=_counted(skipped)))
    return sources


def _items(document: JSON, path: Path) -> list[JSON]:
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        return list(document["value"])
    if not isinstance(document, list):
        return [document]
    if document and all(isinstance(i, dict) and _is_definition_value(i) for i in document):
        # Administrative Template definition values, as IntuneManagement exports them or as
        # a Graph import body: one policy, named after the file.
        policy = {"@odata.type": f"{GRAPH}groupPolicyConfiguration", "definitionValues": document}
        return [{"displayName": path.stem, **policy}]
    return document


def _is_definition_value(item: dict[str, JSON]) -> bool:
    return "definition" in item or "definition@odata.bind" in item


def _marked(item: dict[str, JSON]) -> bool:
    return any(marker in key for key in item for marker in MARKERS)


def _object(
    path: Path, item: dict[str, JSON], kind: Classified | None, cursor: Cursor
) -> Source | Note:
    """A Windows policy's source, or the note of an object passed over."""
    name = str(item.get("displayName") or item.get("name") or "")
    if kind is None or kind.reader is None:
        line = cursor.find(name) if name else None
        what = kind.kind if kind is not None else "unrecognized object"
        reason = kind.reason if kind is not None else _unknown(item)
        return Note(NoteKind.SKIPPED, str(path), what, line, name or None, reason)
    builder = Builder(path, name or path.stem, cursor)
    odata = odata_type(item)
    READERS[kind.reader](builder, odata, item)
    meta = {"kind": kind.reader, "odata_type": odata or None, "platform": platform(odata, item)}
    if isinstance(item.get("templateReference"), dict):
        meta["template"] = item["templateReference"].get("templateDisplayName")
    if item.get("templateId"):
        meta["template"] = item["templateId"]
    # An intent read from its sidecar leaves the builder there: the file's cursor goes on.
    return Source(
        str(path),
        FORMAT,
        tuple(builder.facts),
        name=builder.name,
        meta=freeze(meta),
        notes=tuple(builder.notes),
    )


def _unknown(item: dict[str, JSON]) -> str:
    keys = ", ".join(sorted(item)[:6])
    return f"no Intune object kind baseliner knows has these keys ({keys})"


def _counted(skipped: list[Note]) -> tuple[Note, ...]:
    """Objects of one kind in one file without names are the rows of one object (an
    assignment report): one note."""
    rows = [note for note in skipped if note.name is None]
    if len(rows) < 2 or len({note.what for note in rows}) != 1:
        return tuple(skipped)
    return (*(note for note in skipped if note.name is not None), rows[0])
