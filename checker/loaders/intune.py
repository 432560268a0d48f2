"""Intune policy exports (Microsoft Graph JSON) -> one Source per policy of Kind.INTUNE facts.

Layouts read: IntuneManagement (one JSON per policy; endpoint-security intents keep their
settings in a ``<name>_Settings.json`` sibling), IntuneBackupAndRestore and IntuneCD (folders of
JSON per policy), a raw Graph response ``{"value": [...]}`` and a plain JSON array.

Fact keys:

* settings catalog: the ``settingDefinitionId``; value the choice option id, the integer or
  string, or a list for collections.  Children of choices and groups are facts of their own
  with ``extra`` ``path`` (parent ids joined by ``/``).  When one id occurs again in a policy
  (a group collection with several items) the later occurrences are keyed ``<id>#2``, ``#3``...
* legacy profiles and intents: ``<odata type>.<property>[.<nested>]``, e.g.
  ``windows10EndpointProtectionConfiguration.bitLockerSystemDrivePolicy.encryptionMethod``;
  intent ``definitionId`` ``deviceConfiguration--<type>_<property>`` reads the same way.
  Null properties are not configured and give no fact.
* custom profiles: the OMA-URI; administrative templates: ``groupPolicyConfiguration/<definition>``;
  compliance policies: ``compliance/<property>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from checker.core.errors import InputFormatError, input_error
from checker.core.files import contained, decode, detect_encoding, parse_json, read_bytes
from checker.core.files import head as head_of
from checker.core.values import JSON, Fact, Origin, Source, freeze
from checker.kinds import Kind

FORMAT = "intune"
DESCRIPTION = "Intune export (Microsoft Graph JSON)"
READS = "settings catalog, templates, legacy profiles, intents, compliance policies"
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""
NOT_A_POLICY = "not an Intune policy export"
SIDECAR = "_Settings.json"
_GRAPH = "#microsoft.graph."
_MARKERS = ("#microsoft.graph.", "settingDefinitionId", "deviceManagement", "omaSettings")
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
_PLATFORMS = (
    ("windows", "windows"),
    ("ios", "ios"),
    ("macos", "macos"),
    ("android", "android"),
    ("aosp", "android"),
    ("linux", "linux"),
)


def sniff(path: Path, head: bytes) -> bool:
    """A JSON file (not an intent's settings sidecar) or a folder of them that looks like
    a Graph export by content."""
    if path.is_dir():
        return any(sniff(p, head_of(p)) for p in sorted(path.rglob("*.json"))[:50])
    if path.name.endswith(SIDECAR):
        return False
    encoding, bom = detect_encoding(head)
    text = head[bom:].decode(encoding, errors="ignore").lstrip()
    return text[:1] in ("{", "[") and any(marker in text for marker in _MARKERS)


def load(path: Path) -> list[Source]:
    """The policies of a file or of every JSON file under a folder (non-policy files in a
    folder and intent sidecars are skipped; a non-policy file given alone is an error)."""
    if not path.is_dir():
        return _load_file(path)
    sources: list[Source] = []
    for file in sorted(path.rglob("*.json")):
        if file.name.endswith(SIDECAR):
            continue
        try:
            sources += _load_file(file)
        except InputFormatError as exc:
            if not exc.error.message.startswith(NOT_A_POLICY):
                raise
    return sources


def _load_file(path: Path) -> list[Source]:
    if (
        path.name.endswith(SIDECAR)
        and path.with_name(path.name[: -len(SIDECAR)] + ".json").exists()
    ):
        raise input_error(str(path), f"{NOT_A_POLICY}: the settings of the intent beside it")
    text, document = _read_json(path)
    sources = [s for item in _items(document) if (s := _policy(path, text, item)) is not None]
    if not sources:
        raise input_error(str(path), NOT_A_POLICY)
    return sources


def _read_json(path: Path) -> tuple[str, JSON]:
    text = decode(read_bytes(path), str(path))
    document: JSON = parse_json(text, str(path))
    return text, document


def _items(document: JSON) -> list[JSON]:
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        return list(document["value"])
    if isinstance(document, list):
        if document and all(isinstance(i, dict) and "definition" in i for i in document):
            return [
                {"@odata.type": f"{_GRAPH}groupPolicyConfiguration", "definitionValues": document}
            ]
        return document
    return [document]


@dataclass(slots=True)
class _Locator:
    """Finds successive JSON keys or values in the text to give facts a line cheaply: facts
    come in document order, so each search starts where the last one ended."""

    text: str
    pos: int = 0
    line: int = 1

    def find(self, token: str) -> int | None:
        needle = json.dumps(token)
        found = self.text.find(needle, self.pos)
        if found < 0:
            return None
        self.line += self.text.count("\n", self.pos, found)
        self.pos = found
        return self.line


@dataclass(slots=True)
class _Builder:
    """Collects the facts of one policy with their origins and repeat markers."""

    path: Path
    name: str
    locator: _Locator
    facts: list[Fact] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, value: JSON, *, find: str | None = None, path: str = "") -> None:
        count = self.seen[key] = self.seen.get(key, 0) + 1
        origin = Origin(str(self.path), line=self.locator.find(find or key), source=self.name)
        extra = (("path", path),) if path else ()
        self.facts.append(
            Fact(Kind.INTUNE, key if count == 1 else f"{key}#{count}", value, origin, extra=extra)
        )


def _policy(path: Path, text: str, item: JSON) -> Source | None:
    if not isinstance(item, dict):
        return None
    odata = str(item.get("@odata.type") or "").removeprefix("#").removeprefix("microsoft.graph.")
    kind = _kind(odata, item)
    if kind is None:
        return None
    name = str(item.get("displayName") or item.get("name") or path.stem)
    builder = _Builder(path, name, _Locator(text))
    READERS[kind](builder, odata, item)
    meta = {"kind": kind, "odata_type": odata or None, "platform": _platform(odata, item)}
    if isinstance(item.get("templateReference"), dict):
        meta["template"] = item["templateReference"].get("templateDisplayName")
    if item.get("templateId"):
        meta["template"] = item["templateId"]
    return Source(str(path), FORMAT, tuple(builder.facts), name=name, meta=freeze(meta))


def _kind(odata: str, item: dict[str, JSON]) -> str | None:
    settings = item.get("settings")
    if isinstance(settings, list) and any(
        isinstance(s, dict) and "settingInstance" in s for s in settings
    ):
        return "settings_catalog"
    if odata == "deviceManagementConfigurationPolicy":
        return "settings_catalog"
    if odata == "deviceManagementIntent" or "settingsDelta" in item:
        return "intent"
    if "omaSettings" in item:
        return "custom"
    if "definitionValues" in item or odata == "groupPolicyConfiguration":
        return "administrative_template"
    if odata.endswith("CompliancePolicy"):
        return "compliance"
    if odata.endswith(("Configuration", "Profile")) and odata[:1].islower():
        return "device_configuration"
    return None


def _platform(odata: str, item: dict[str, JSON]) -> str:
    hint = str(item.get("platforms") or odata).casefold()
    return next(
        (name for prefix, name in _PLATFORMS if hint.startswith(prefix)),
        "windows" if "windows" in hint else "unknown",
    )


def _read_catalog(builder: _Builder, odata: str, item: dict[str, JSON]) -> None:
    for setting in _list(item.get("settings")):
        if isinstance(setting, dict):
            _instance(builder, setting.get("settingInstance"), "")


def _instance(builder: _Builder, instance: JSON, parent: str) -> None:
    """One setting instance and its children, depth first in document order."""
    if not isinstance(instance, dict) or not isinstance(instance.get("settingDefinitionId"), str):
        return
    ident = instance["settingDefinitionId"]
    here = f"{parent}/{ident}" if parent else ident
    for field_name, reader in _INSTANCE_VALUES:
        if field_name in instance:
            reader(builder, ident, parent, here, instance[field_name])
            return


def _choice(builder: _Builder, ident: str, parent: str, here: str, value: JSON) -> None:
    if isinstance(value, dict):
        builder.add(ident, value.get("value"), path=parent)
        for child in _list(value.get("children")):
            _instance(builder, child, here)


def _simple(builder: _Builder, ident: str, parent: str, here: str, value: JSON) -> None:
    if isinstance(value, dict):
        builder.add(ident, value.get("value"), path=parent)


def _collection(builder: _Builder, ident: str, parent: str, here: str, values: JSON) -> None:
    items = [v for v in _list(values) if isinstance(v, dict)]
    builder.add(ident, [v.get("value") for v in items], path=parent)
    for item in items:
        for child in _list(item.get("children")):
            _instance(builder, child, here)


def _group(builder: _Builder, ident: str, parent: str, here: str, values: JSON) -> None:
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


def _read_intent(builder: _Builder, odata: str, item: dict[str, JSON]) -> None:
    settings = _list(item.get("settingsDelta")) or _list(item.get("settings"))
    sidecar = builder.path.with_name(builder.path.stem + SIDECAR)
    if sidecar.exists() or sidecar.is_symlink():
        text, document = _read_json(contained(sidecar, builder.path.parent, "the export's folder"))
        if isinstance(document, dict) and isinstance(document.get("settings"), list):
            settings = document["settings"]
            builder.path, builder.locator = sidecar, _Locator(text)
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


def _properties(builder: _Builder, key: str, value: JSON, find: str | None = None) -> None:
    """A property and, for an object, each nested property; nulls are not configured."""
    if value is None:
        return
    if isinstance(value, dict):
        for name, inner in value.items():
            if "@odata" not in name:
                _properties(builder, f"{key}.{name}", inner, find)
        return
    builder.add(key, value, find=find or key.rpartition(".")[2])


def _read_device_configuration(builder: _Builder, odata: str, item: dict[str, JSON]) -> None:
    for name, value in item.items():
        if _is_property(name):
            _properties(builder, f"{odata}.{name}", value, name)


def _read_compliance(builder: _Builder, odata: str, item: dict[str, JSON]) -> None:
    for name, value in item.items():
        if _is_property(name):
            _properties(builder, f"compliance/{name}", value, name)


def _read_custom(builder: _Builder, odata: str, item: dict[str, JSON]) -> None:
    _read_device_configuration(builder, odata, item)
    for setting in _list(item.get("omaSettings")):
        if isinstance(setting, dict) and isinstance(setting.get("omaUri"), str):
            builder.add(setting["omaUri"], setting.get("value"))


def _read_administrative_template(builder: _Builder, odata: str, item: dict[str, JSON]) -> None:
    for value in _list(item.get("definitionValues")):
        if not isinstance(value, dict):
            continue
        raw = value.get("definition")
        definition: dict[str, JSON] = raw if isinstance(raw, dict) else {}
        label = str(definition.get("displayName") or definition.get("id") or value.get("id") or "")
        key = f"groupPolicyConfiguration/{label}"
        builder.add(key, "enabled" if value.get("enabled") else "disabled", find=label)
        for presentation in _iter_presentations(value):
            builder.add(f"{key}/{presentation[0]}", presentation[1], find=presentation[0])


def _iter_presentations(value: dict[str, JSON]) -> Iterator[tuple[str, JSON]]:
    for presentation in _list(value.get("presentationValues")):
        if isinstance(presentation, dict):
            info = presentation.get("presentation")
            label = info.get("label") if isinstance(info, dict) else None
            yield (
                str(label or presentation.get("id") or ""),
                presentation.get("value", presentation.get("values")),
            )


def _is_property(name: str) -> bool:
    return name not in _METADATA and "@odata" not in name and not name.startswith("#")


def _list(value: JSON) -> list[JSON]:
    return value if isinstance(value, list) else []


READERS = {
    "settings_catalog": _read_catalog,
    "intent": _read_intent,
    "custom": _read_custom,
    "administrative_template": _read_administrative_template,
    "compliance": _read_compliance,
    "device_configuration": _read_device_configuration,
}
"""How each kind of policy becomes facts."""
