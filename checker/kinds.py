"""Check kinds: the one registry of what a check can read, and what a device document holds.

A check names one setting of one kind (``registry: 'HKLM\\...!Value'``, ``privilege:
SeDenyNetworkLogonRight``, ...), or a raw JMESPath ``query``.  Everything that depends on the
kinds comes from :data:`KINDS`: the :class:`Kind` members and their order in the device
document, the keys a check may use (:data:`SETTING_KEYS`), the kind parts of the benchmark and
cases JSON Schemas (:func:`schema_parts`, which ``checker/policy/schemas.py`` puts into the
shipped schemas), how a key is canonicalised (:func:`canonical_key`), and how a policy test
case's ``state`` becomes a fact.  The loaders produce facts of these kinds; a new kind is one
:class:`KindSpec` here and the loader that produces it (CONTRIBUTING.md).

This module imports nothing from the package: it sits at the bottom of the import graph with
``checker/core``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The families of facts a device document holds, in document order (see :data:`KINDS`)."""

    REGISTRY = "registry"
    SECURITY = "security"
    PRIVILEGE = "privilege"
    AUDIT = "audit"
    SERVICE = "service"
    FIREWALL = "firewall"
    INTUNE = "intune"
    SETTING = "setting"


_HIVES = {
    "hkey_local_machine": "hklm",
    "machine": "hklm",
    "hklm": "hklm",
    "hkey_current_user": "hkcu",
    "user": "hkcu",
    "hkcu": "hkcu",
    "hkey_users": "hku",
    "hku": "hku",
    "hkey_classes_root": "hkcr",
    "hkcr": "hkcr",
}
_SLASHES = re.compile(r"\\+")


@functools.lru_cache(maxsize=1 << 16)
def registry_path(key: str, value_name: str, default_hive: str = "HKLM") -> str:
    """A display path ``HIVE\\key!value`` with the hive abbreviated; the key keeps its case.

    Cached (as is :func:`canonical_key`): a fleet names the same few hundred settings on every
    device, and these two were a tenth of loading one; the bound keeps memory flat."""
    key = key.strip().strip("\\")
    if "\\\\" in key:
        key = _SLASHES.sub("\\\\", key)
    head, _, rest = key.partition("\\")
    hive = _HIVES.get(head.casefold())
    if hive is None:
        hive, rest = default_hive.casefold(), key
    return f"{hive.upper()}\\{rest}!{value_name}"


def _registry_key(key: str) -> str:
    path, bang, name = key.rpartition("!")
    if not bang:
        raise ValueError(f"registry setting {key!r} needs 'KEY!ValueName'")
    return registry_path(path, name)


def _audit_key(key: str) -> str:
    key = key.strip()
    return key[6:] if key.casefold().startswith("audit ") else key


def _never(key: str) -> bool:
    return False


def _in_user_hive(key: str) -> bool:
    return key.startswith("hkcu\\")


def _as_written(key: str) -> str:
    return key


REGISTRY_TYPES: tuple[tuple[type, str], ...] = (
    (int, "REG_DWORD"),
    (str, "REG_SZ"),
    (list, "REG_MULTI_SZ"),
    (type(None), "REG_NONE"),
)
"""The registry type a plain state value stands for."""

REGISTRY_VALUE_TYPES = (
    "REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_DWORD", "REG_QWORD", "REG_BINARY", "REG_NONE"
)  # fmt: skip
"""The types a registry check may require of its value."""

TEXT_TYPES = frozenset({"REG_SZ", "REG_EXPAND_SZ"})
"""Value types of text that Windows may read as a decimal number (``CachedLogonsCount``)."""


def value_type(value: Any) -> str:
    """The registry type a value stands for when its source names none (an Intune setting
    translated, a test case's plain value): integers are REG_DWORD, text REG_SZ."""
    found = (name for python_type, name in REGISTRY_TYPES if isinstance(value, python_type))
    return next(found, "REG_NONE")


@dataclass(frozen=True, slots=True)
class StateValue:
    """A policy test case's state value as a fact takes it: data, registry type, deleted."""

    value: Any
    type: str | None = None
    deleted: bool = False


def _plain_state(value: Any) -> StateValue:
    return StateValue(value)


def _integral(value: Any) -> Any:
    """``1500.0`` (YAML's ``1.5e+3``) as 1500: JSON Schema's "integer" takes a number with no
    fraction, and a registry value holds integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _registry_state(value: Any) -> StateValue:
    """A registry value of a case: plain (its type follows its data) or ``{value, type,
    deleted}``."""
    if isinstance(value, dict):
        deleted = bool(value.get("deleted", False))
        data = None if deleted else _integral(value.get("value"))
        return StateValue(data, value.get("type") or value_type(data), deleted)
    data = _integral(value)
    return StateValue(data, value_type(data))


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One check kind: how a check names its setting, how keys compare, how a test case
    states its value, and what the device document says of it."""

    kind: Kind
    reference: dict[str, Any]
    """The JSON Schema of the check's reference (``registry: <this>``)."""
    example: str
    """A reference, for the docs."""
    value: str
    """What a check of this kind reads, for the docs."""
    canonical: Callable[[str], str] = _as_written
    """The key before case folding: registry hives abbreviated, ``Audit `` dropped."""
    state: dict[str, Any] | None = None
    """The JSON Schema of a test case's ``state`` section of this kind (None: no section)."""
    state_value: Callable[[Any], StateValue] = field(default=_plain_state)
    """A test case's state value as the fact it stands for."""
    value_types: tuple[str, ...] = ()
    """The types a check of this kind may require of its value (``type: REG_SZ``)."""
    per_user: Callable[[str], bool] = field(default=_never)
    """Whether a setting of this kind (its canonical key) is a user's, not the computer's:
    an export of a user's settings alone (``gpresult /scope user``) can show only those."""


_SCALAR = {"$ref": "#/$defs/scalar"}

KINDS: dict[Kind, KindSpec] = {
    Kind.REGISTRY: KindSpec(
        Kind.REGISTRY,
        {"type": "string", "pattern": "!", "description": "'HKLM\\\\Key\\\\Path!ValueName'"},
        "'HKLM\\Software\\Policies\\...!ValueName'",
        "DWORD/QWORD as integer, SZ as string, MULTI_SZ as list",
        _registry_key,
        {
            "type": "object",
            "description": "'HKLM\\Key\\Path!ValueName' -> value, or {value, type, deleted}",
            "additionalProperties": {
                "anyOf": [
                    {"$ref": "#/$defs/registryScalar"},
                    {"type": "array", "items": {"type": "string"}},
                    {"$ref": "#/$defs/registryValue"},
                ]
            },
        },
        _registry_state,
        REGISTRY_VALUE_TYPES,
        _in_user_hive,
    ),
    Kind.SECURITY: KindSpec(
        Kind.SECURITY,
        {
            "type": "string",
            "pattern": "/",
            "description": "'Section/Name' of GptTmpl.inf, e.g. "
            "'System Access/MinimumPasswordLength'",
        },
        "'System Access/MinimumPasswordLength'",
        "integer, or string",
        state={
            "type": "object",
            "description": "'Section/Name' -> integer or string",
            "additionalProperties": {"type": ["integer", "string"]},
        },
    ),
    Kind.PRIVILEGE: KindSpec(
        Kind.PRIVILEGE,
        {
            "type": "string",
            "pattern": "^Se[A-Za-z]+$",
            "description": "user right, e.g. SeDenyNetworkLogonRight",
        },
        "SeDenyNetworkLogonRight",
        "list of SIDs (without `*`) and names",
        state={
            "type": "object",
            "description": "user right -> principals (SIDs without '*', or names)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    ),
    Kind.AUDIT: KindSpec(
        Kind.AUDIT,
        {
            "type": "string",
            "description": "advanced audit subcategory, e.g. 'Credential Validation'",
        },
        "'Credential Validation'",
        "`No Auditing`, `Success`, `Failure`, `Success and Failure`",
        _audit_key,
        {
            "type": "object",
            "description": "advanced audit subcategory -> setting",
            "additionalProperties": {
                "enum": ["No Auditing", "Success", "Failure", "Success and Failure"]
            },
        },
    ),
    Kind.SERVICE: KindSpec(
        Kind.SERVICE,
        {
            "type": "string",
            "description": "service name; the value is the start mode (2 automatic, 3 manual, "
            "4 disabled)",
        },
        "XboxGipSvc",
        "start mode: 2 automatic, 3 manual, 4 disabled",
        state={
            "type": "object",
            "description": "service name -> start mode (2 automatic, 3 manual, 4 disabled)",
            "additionalProperties": {"type": "integer"},
        },
    ),
    Kind.FIREWALL: KindSpec(
        Kind.FIREWALL,
        {
            "type": "string",
            "pattern": "/",
            "description": "'Profile/Setting', e.g. 'Domain/EnableFirewall'",
        },
        "'Domain/EnableFirewall'",
        "as exported",
        state={
            "type": "object",
            "description": "'Profile/Setting' -> value",
            "additionalProperties": _SCALAR,
        },
    ),
    Kind.INTUNE: KindSpec(
        Kind.INTUNE,
        {"type": "string", "description": "Intune setting definition id"},
        "a settings catalog definition id",
        "as exported",
        state={
            "type": "object",
            "description": "settings catalog definition id -> value; translated to Group "
            "Policy facts like an export",
            "additionalProperties": True,
        },
    ),
    Kind.SETTING: KindSpec(
        Kind.SETTING,
        {
            "type": "string",
            "description": "display name of a setting that has no registry value",
        },
        "'Windows Components/Some policy'",
        "a policy a report names that no registry value stands for: its state",
        state={
            "type": "object",
            "description": "'Category/Display name' -> the policy's state (Enabled, Disabled)",
            "additionalProperties": {"type": "string"},
        },
    ),
}
"""Every check kind, in device-document order.  Keys are :class:`Kind` members in the same
order (a test holds them together)."""

SETTING_KEYS: tuple[str, ...] = (*(kind.value for kind in KINDS), "query")
"""The keys that say what a check reads; exactly one per check."""


@functools.lru_cache(maxsize=1 << 16)
def canonical_key(kind: Kind, key: str) -> str:
    """The case-insensitive lookup key of a setting of ``kind``."""
    return KINDS[kind].canonical(key).strip().casefold()


def is_user_setting(kind: Kind, canonical: str) -> bool:
    """Whether the setting ``canonical`` (:func:`canonical_key`) of ``kind`` is a user's."""
    return KINDS[kind].per_user(canonical)


def schema_parts() -> dict[str, Any]:
    """The kind parts of the shipped schemas, by ``<schema>#/<JSON pointer>``: each kind's
    reference in a benchmark check, the check's ``oneOf`` (exactly one reference), and each
    kind's section of a test case's ``state``."""
    parts: dict[str, Any] = {}
    for kind, spec in KINDS.items():
        parts[f"benchmark#/$defs/check/properties/{kind.value}"] = spec.reference
        if spec.state is not None:
            parts[f"cases#/$defs/state/properties/{kind.value}"] = spec.state
    parts["benchmark#/$defs/check/oneOf"] = [{"required": [key]} for key in SETTING_KEYS]
    parts["benchmark#/$defs/check/properties/type"] = {
        "enum": [name for spec in KINDS.values() for name in spec.value_types],
        "description": "the type the value must have (registry checks): a value of another "
        "type fails, and a REG_SZ read as a number (CachedLogonsCount) may be bounded",
    }
    return parts
