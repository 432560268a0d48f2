"""Intune Administrative Templates (``groupPolicyConfiguration``) into facts.

An export with the definitions expanded (IntuneManagement, IntuneCD, Graph with
``$expand=definition``) names each policy by display name, category path and class, as a
gpreport.xml does: the policy is replayed through the ADMX index (checker/loaders/admx.py)
to the registry values it writes, which are facts set through Intune (``via`` the policy).
The category must match: one display name can be two policies (legacy and Chromium Edge,
WinRM Client and Service), and a name the index does not hold under that category (a
third-party or ingested ADMX, a legacy LAPS policy named like Windows LAPS) is reported as
not mapped, not guessed.

A Graph import body names the definition only by id (``definition@odata.bind``), which
cannot be resolved offline: such values are reported as not evaluated, with their count.
Each policy also gives an Intune fact ``groupPolicyConfiguration/<category>/<name>`` with
its state (``enabled``/``disabled``).
"""

from __future__ import annotations

from checker.core.values import JSON, Fact
from checker.kinds import Kind, registry_path
from checker.loaders import admx
from checker.loaders.intune_read import Builder, without

BY_ID = "not evaluated: definition given by id only"
PREFIX = "groupPolicyConfiguration/"
_CLASSES = {"machine": ("Machine", "HKLM"), "user": ("User", "HKCU")}


def read_administrative_template(builder: Builder, odata: str, item: dict[str, JSON]) -> None:
    if without(builder, item, "Administrative Template setting", "definitionValues"):
        return
    by_id: list[int | None] = []
    for value in _list(item.get("definitionValues")):
        if not isinstance(value, dict):
            continue
        definition = value.get("definition")
        if isinstance(definition, dict):
            _definition_value(builder, value, definition)
        elif "definition@odata.bind" in value:
            by_id.append(builder.cursor.find("definition@odata.bind"))
    if by_id:
        builder.unmapped("Administrative Template setting", BY_ID, line=by_id[0], count=len(by_id))


def _definition_value(
    builder: Builder, value: dict[str, JSON], definition: dict[str, JSON]
) -> None:
    name = str(definition.get("displayName") or definition.get("id") or "")
    category = str(definition.get("categoryPath") or "").strip("\\").replace("\\", "/")
    shown = f"{category}/{name}"
    key = PREFIX + shown
    enabled = _enabled(value.get("enabled"))
    builder.add(key, "enabled" if enabled else "disabled", find=name)
    origin = builder.facts[-1].origin
    cls, hive = _CLASSES.get(
        str(definition.get("classType") or "machine").casefold(), _CLASSES["machine"]
    )
    record = admx.find_policy(name, category, cls)
    if record is None:  # find_policy never takes a policy filed under another category
        ingested = str(definition.get("policyType") or "").casefold() == "admxingested"
        reason = (
            "an ingested (third-party) ADMX policy: its registry values are not known"
            if ingested
            else "no ADMX policy of this name under this category in the ADMX index"
        )
        builder.unmapped(shown, reason, line=origin.line)
        return
    presentations = [p for p in _list(value.get("presentationValues")) if isinstance(p, dict)]
    options = [_option(record, p) for p in presentations]
    resolution = admx.writes(record, "Enabled" if enabled else "Disabled", options)
    builder.facts += [
        Fact(
            Kind.REGISTRY,
            registry_path(write.key, write.name, hive),
            write.value,
            origin,
            type=write.type,
            deleted=write.deleted,
            via=key,
        )
        for write in resolution.writes
    ]
    for label in resolution.unresolved:
        builder.unmapped(
            f"{shown}: {label}", "its value does not fit the ADMX policy's option", line=origin.line
        )


def _enabled(value: JSON) -> bool:
    """Graph import bodies write ``"enabled": "true"`` as a string."""
    if isinstance(value, str):
        return value.strip().casefold() == "true"
    return value is True


def _option(record: admx.Record, presentation: dict[str, JSON]) -> admx.Option:
    """A presentation value as the ADMX replay takes an option: a number or text, a check
    box's state, a drop-down item's name (Intune gives the item's value), list items."""
    info = presentation.get("presentation")
    shown: dict[str, JSON] = info if isinstance(info, dict) else {}
    label = str(shown.get("label") or "")
    odata = str(presentation.get("@odata.type") or "")
    value = presentation.get("value")
    if odata.endswith("Boolean") or isinstance(value, bool):
        return admx.Option(label, "Enabled" if value is True else "Disabled")
    if odata.endswith("MultiText"):
        return admx.Option(
            label, items=tuple((None, str(v)) for v in _list(presentation.get("values")))
        )
    if odata.endswith("List"):
        pairs = [v for v in _list(presentation.get("values")) if isinstance(v, dict)]
        return admx.Option(
            label, items=tuple((_text(v.get("name")), str(v.get("value") or "")) for v in pairs)
        )
    text = None if value is None else str(value)
    return admx.Option(label, value=_item_name(record, shown, label, text))


def _item_name(
    record: admx.Record, shown: dict[str, JSON], label: str, value: str | None
) -> str | None:
    """A drop-down's item name for the item value Intune gives: from the presentation's
    items when the export has them, else from the ADMX record's items; other values as
    they are."""
    items = [i for i in _list(shown.get("items")) if isinstance(i, dict)]
    names = {str(i.get("value")): str(i.get("displayName")) for i in items}
    wanted = " ".join(label.split()).rstrip(":").casefold()
    for element in record.get("el", []):
        if " ".join(str(element.get("label", "")).split()).rstrip(":").casefold() == wanted:
            for item in element.get("items", []):
                names.setdefault(str(item.get("val", ["", None])[-1]), str(item.get("name", "")))
    return names.get(value or "", value)


def _text(value: JSON) -> str | None:
    return None if value is None else str(value)


def _list(value: JSON) -> list[JSON]:
    return value if isinstance(value, list) else []
