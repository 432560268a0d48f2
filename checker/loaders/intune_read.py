"""Intune policies into facts: the reader of each kind of Windows policy, and the builder that
gives each fact its origin (file, line, policy name).  The format module is intune.py.

Fact keys:

* settings catalog: the ``settingDefinitionId``; value the choice option id, the integer or
  string, or a list for collections.  Children of choices and groups are facts of their own
  with ``extra`` ``path`` (parent ids joined by ``/``).  When one id occurs again in a policy
  (a group collection with several items) the later occurrences are keyed ``<id>#2``, ``#3``...
* legacy profiles and intents: ``<odata type>.<property>[.<nested>]``, e.g.
  ``windows10EndpointProtectionConfiguration.bitLockerSystemDrivePolicy.encryptionMethod``;
  intent ``definitionId`` ``deviceConfiguration--<type>_<property>`` reads the same way.
  Null properties are not configured and give no fact.
* custom profiles: the OMA-URI; compliance policies: ``compliance/<property>``;
  administrative templates: see intune_templates.py.

A value the export holds encrypted is not a value: Intune has stored custom profiles' string
OMA-URI values encrypted since 2021, and Graph returns them as ``"****"`` with
``isEncrypted: true`` unless the exporter asked for each in clear
(``getOmaSettingPlainTextValue``); a settings catalog secret comes as a token
(``valueState: encryptedValueToken``).  Such a setting is a fact whose value is unknown
(``None``, ``confidence=PARTIAL`` with the reason), so the checks that read it are
``uncertain``: the setting is configured, to a value the export does not show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checker.core.errors import InputFormatError
from checker.core.files import contained, decode, parse_json, read_bytes
from checker.core.values import JSON, Confidence, Fact, Note, NoteKind, Origin
from checker.kinds import Kind
from checker.loaders.jsonpos import Cursor, JsonText

SIDECAR = "_Settings.json"
"""IntuneManagement keeps an endpoint-security intent's settings in ``<name>_Settings.json``."""

_METADATA = frozenset(
    {
        "id",
        "displayName",
        "name",
        "description",
        "createdDateTime",
        "lastModifiedDateTime",
        "version",
        "roleScopeTagIds",
        "assignments",
        "supportsScopeTags",
        "scheduledActionsForRule",
        "settings",
        "settingCount",
        "isAssigned",
        "templateId",
        "templateReference",
        "creationSource",
        "priorityMetaData",
        "platforms",
        "technologies",
        "omaSettings",
        "definitionValues",
        "deviceStatusOverview",
        "userStatusOverview",
    }
)


def read_document(path: Path) -> tuple[JSON, JsonText]:
    """The JSON document of ``path`` and its positions.  A document that is a JSON string
    holding JSON (PowerShell's ``ConvertTo-Json`` of the text) is that JSON, on the string's
    line."""
    text = decode(read_bytes(path), str(path))
    document: JSON = parse_json(text, str(path))
    if isinstance(document, str) and document.lstrip()[:1] in ("{", "["):
        try:
            inner: JSON = parse_json(document, str(path))
        except InputFormatError:
            return document, JsonText(text, str(path))
        line = text.count("\n", 0, text.find('"')) + 1
        return inner, JsonText(document, str(path), line=line)
    return document, JsonText(text, str(path))


@dataclass(slots=True)
class Builder:
    """Collects the facts of one policy with their origins and repeat markers, and the notes
    of what the policy holds that could not be mapped."""

    path: Path
    name: str
    cursor: Cursor
    facts: list[Fact] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)

    def origin(self, find: str) -> Origin:
        """Where the next occurrence of the string ``find`` is."""
        return Origin(str(self.path), line=self.cursor.find(find), source=self.name)

    def add(
        self,
        key: str,
        value: JSON,
        *,
        find: str | None = None,
        path: str = "",
        origin: Origin | None = None,
        unknown: str | None = None,
    ) -> None:
        """A fact at the next occurrence of ``find`` (else ``key``), or at ``origin``;
        ``unknown``: why its value cannot be known (the fact then has none)."""
        count = self.seen[key] = self.seen.get(key, 0) + 1
        extra = (("path", path),) if path else ()
        origin = origin or self.origin(find or key)
        key = key if count == 1 else f"{key}#{count}"
        if unknown is None:
            self.facts.append(Fact(Kind.INTUNE, key, value, origin, extra=extra))
            return
        partial = Confidence.PARTIAL
        self.facts.append(
            Fact(Kind.INTUNE, key, None, origin, confidence=partial, reason=unknown, extra=extra)
        )

    def unmapped(self, what: str, reason: str, *, line: int | None = None, count: int = 1) -> None:
        """A note of something the policy sets that could not be mapped, and why."""
        note = Note(NoteKind.UNMAPPED, str(self.path), what, line, reason=reason, count=count)
        self.notes.append(note)


Reader = Callable[[Builder, str, dict[str, JSON]], None]


def without(builder: Builder, item: dict[str, JSON], what: str, part: str) -> bool:
    """Whether ``item`` comes without its ``part`` (Graph leaves a policy's settings out unless
    asked with ``$expand``): then nothing it sets can be judged, and a note says so, with the
    count the object gives."""
    if part in item:
        return False
    counted = item.get("settingCount")
    number = counted if isinstance(counted, int) and not isinstance(counted, bool) else None
    if number == 0:
        return True  # an empty policy, said so by its own count
    count = number if number is not None and number > 0 else 1
    reason = f"not evaluated: the export holds the policy without its {part} ($expand={part})"
    builder.unmapped(what, reason, line=builder.cursor.find("@odata.type"), count=count)
    return True


def read_catalog(builder: Builder, odata: str, item: dict[str, JSON]) -> None:
    if without(builder, item, "settings catalog setting", "settings"):
        return
    for setting in _list(item.get("settings")):
        if isinstance(setting, dict):
            _instance(builder, setting.get("settingInstance"), "")


def _instance(builder: Builder, instance: JSON, parent: str) -> None:
    """One setting instance and its children, depth first in document order."""
    if not isinstance(instance, dict) or not isinstance(instance.get("settingDefinitionId"), str):
        return
    ident = instance["settingDefinitionId"]
    here = f"{parent}/{ident}" if parent else ident
    for field_name, reader in _INSTANCE_VALUES:
        if field_name in instance:
            reader(builder, ident, parent, here, instance[field_name])
            return


def _choice(builder: Builder, ident: str, parent: str, here: str, value: JSON) -> None:
    if isinstance(value, dict):
        builder.add(ident, value.get("value"), path=parent)
        for child in _list(value.get("children")):
            _instance(builder, child, here)


def _simple(builder: Builder, ident: str, parent: str, here: str, value: JSON) -> None:
    if isinstance(value, dict):
        secret = value.get("valueState") == "encryptedValueToken"
        builder.add(ident, value.get("value"), path=parent, unknown=SECRET if secret else None)


def _collection(builder: Builder, ident: str, parent: str, here: str, values: JSON) -> None:
    items = [v for v in _list(values) if isinstance(v, dict)]
    builder.add(ident, [v.get("value") for v in items], path=parent)
    for item in items:
        for child in _list(item.get("children")):
            _instance(builder, child, here)


def _group(builder: Builder, ident: str, parent: str, here: str, values: JSON) -> None:
    groups = values if isinstance(values, list) else [values]
    for group in groups:
        if isinstance(group, dict):
            for child in _list(group.get("children")):
                _instance(builder, child, here)


_INSTANCE_VALUES = (
    ("choiceSettingValue", _choice),
    ("simpleSettingValue", _simple),
    ("choiceSettingCollectionValue", _collection),
    ("simpleSettingCollectionValue", _collection),
    ("groupSettingCollectionValue", _group),
    ("groupSettingValue", _group),
)


def read_intent(builder: Builder, odata: str, item: dict[str, JSON]) -> None:
    """An endpoint-security intent: its settings, from the sidecar file when there is one
    (IntuneManagement; an object, or the same as a JSON string), else from the object."""
    settings = _list(item.get("settingsDelta")) or _list(item.get("settings"))
    sidecar = builder.path.with_name(builder.path.stem + SIDECAR)
    beside = sidecar.exists() or sidecar.is_symlink()
    unlisted = not beside and "settingsDelta" not in item
    if unlisted and without(builder, item, "endpoint security setting", "settings"):
        return
    if beside:
        found = contained(sidecar, builder.path.parent, "the export's folder")
        document, text = read_document(found)
        if isinstance(document, dict) and isinstance(document.get("settings"), list):
            settings = document["settings"]
            builder.path, builder.cursor = sidecar, text.cursor()
    for setting in settings:
        if isinstance(setting, dict) and isinstance(setting.get("definitionId"), str):
            key = _intent_key(setting["definitionId"])
            _properties(builder, key, _intent_value(setting), setting["definitionId"])


def _intent_key(definition: str) -> str:
    """``deviceConfiguration--windows10GeneralConfiguration_usbBlocked`` ->
    ``windows10GeneralConfiguration.usbBlocked``."""
    tail = definition.rpartition("--")[2]
    head, sep, prop = tail.partition("_")
    return f"{head}.{prop}" if sep else tail


def _intent_value(setting: dict[str, JSON]) -> JSON:
    raw = setting.get("valueJson")
    if isinstance(raw, str):
        try:
            value: JSON = parse_json(raw, "valueJson")
        except InputFormatError:
            return raw  # not JSON after all: the text is the value
        return value
    return setting.get("value")


def _properties(builder: Builder, key: str, value: JSON, find: str) -> None:
    """A property at the next occurrence of ``find`` and, for an object, each nested property
    there too; nulls are not configured."""
    if value is not None:
        _nested(builder, key, value, builder.origin(find))


def _nested(builder: Builder, key: str, value: JSON, origin: Origin) -> None:
    if isinstance(value, dict):
        for name, inner in value.items():
            if "@odata" not in name and inner is not None:
                _nested(builder, f"{key}.{name}", inner, origin)
        return
    builder.add(key, value, origin=origin)


def read_device_configuration(builder: Builder, odata: str, item: dict[str, JSON]) -> None:
    """A legacy profile's properties, and a custom profile's OMA-URI settings, in the order
    the object holds them."""
    for name, value in item.items():
        if name == "omaSettings":
            _oma_settings(builder, value)
        elif _is_property(name):
            _properties(builder, f"{odata}.{name}", value, name)


def _oma_settings(builder: Builder, settings: JSON) -> None:
    for setting in _list(settings):
        if isinstance(setting, dict) and isinstance(setting.get("omaUri"), str):
            value = setting.get("value")
            hidden = setting.get("isEncrypted") is True and _masked(value)
            builder.add(setting["omaUri"], value, unknown=ENCRYPTED if hidden else None)


ENCRYPTED = (
    "the export holds this OMA-URI value encrypted ('****'): Intune applies a value it does "
    "not show (export the policy with its values in clear, getOmaSettingPlainTextValue)"
)
SECRET = (
    "the export holds this secret setting as an encrypted token: Intune applies a value it "
    "does not show"
)


def _masked(value: JSON) -> bool:
    """Graph's stand-in for an encrypted value (``****``), or none at all; an exporter that
    fetched the value in clear and left ``isEncrypted`` set gives the value itself."""
    return value is None or (isinstance(value, str) and not value.strip("*"))


def read_compliance(builder: Builder, odata: str, item: dict[str, JSON]) -> None:
    for name, value in item.items():
        if _is_property(name):
            _properties(builder, f"compliance/{name}", value, name)


def _is_property(name: str) -> bool:
    return name not in _METADATA and "@odata" not in name and not name.startswith("#")


def _list(value: JSON) -> list[JSON]:
    return value if isinstance(value, list) else []
