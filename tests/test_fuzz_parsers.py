"""Property tests for the gpresult /x and gpreport.xml loaders (the other parsers have theirs
in tests/loaders): whatever the file holds, a load gives sources or an InputFormatError.

Three kinds of input: arbitrary bytes; documents of the right shape whose setting elements
(every element the extension readers know, nested as in real reports) hold arbitrary or
awkward values, or lack children; and a generated real-sized device export with bytes
overwritten, cut out or cut off.

Bounded for the suite (100 examples each); for a long run set BASELINER_FUZZ_EXAMPLES::

    BASELINER_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz_parsers.py -q
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.values import Source
from checker.loaders import gpreport, gpresult
from tools.make_fleet import DEFAULT_POLICY, device_xml, encode, load_settings, templates

EXAMPLES = int(os.environ.get("BASELINER_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Load = Callable[[Path], list[Source]]
LOADERS: dict[str, Load] = {"gpresult": gpresult.load, "gpreport": gpreport.load}

SETTINGS_NS = "http://www.microsoft.com/GroupPolicy/Settings"
BASE_NS = f"{SETTINGS_NS}/Base"
TYPES_NS = "http://www.microsoft.com/GroupPolicy/Types"

SHAPES: dict[str, tuple[str, ...]] = {
    "Account": ("Name", "SettingNumber", "SettingBoolean", "SettingString", "Type"),
    "SecurityOptions": (
        "KeyName",
        "SettingNumber",
        "SettingBoolean",
        "SettingString",
        "SettingStrings",
        "SystemAccessPolicyName",
    ),
    "SettingStrings": ("Value",),
    "UserRightsAssignment": ("Name", "Member"),
    "Member": ("SID", "Name"),
    "RestrictedGroups": ("GroupName", "Member", "Memberof"),
    "GroupName": ("SID", "Name"),
    "Memberof": ("SID", "Name"),
    "SystemServices": ("Name", "StartupMode", "SecurityDescriptor"),
    "SecurityDescriptor": ("SDDL",),
    "Audit": ("Name", "SuccessAttempts", "FailureAttempts"),
    "AuditSetting": ("PolicyTarget", "SubcategoryName", "SubcategoryGuid", "SettingValue"),
    "Policy": (
        "Name",
        "State",
        "Category",
        "Numeric",
        "DropDownList",
        "CheckBox",
        "EditText",
        "ListBox",
    ),
    "Numeric": ("Name", "State", "Value"),
    "CheckBox": ("Name", "State"),
    "EditText": ("Name", "State", "Value"),
    "DropDownList": ("Name", "State", "Choice"),
    "ListBox": ("Name", "State", "Items"),
    "Items": ("Element",),
    "Element": ("Name", "Data"),
    "RegistrySetting": ("KeyPath", "RegistryValue"),
    "RegistryValue": ("Name", "Number", "String", "MultiString"),
    "MultiString": ("Value",),
    "DomainProfile": ("EnableFirewall", "DefaultInboundAction", "LogFileSize"),
    "GlobalSettings": ("PolicyVersion",),
    "EnableFirewall": ("Value",),
    "DefaultInboundAction": ("Value",),
    "LogFileSize": ("Value",),
    "PolicyVersion": ("Value",),
}
"""Children of each element the readers know; ``Choice``, ``Items`` and ``RegistryValue``
are written as ``Value`` (the reports reuse that name for different shapes)."""
RENAMED = {"Choice": "Value", "Items": "Value", "RegistryValue": "Value"}
EXTENSIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Security": (
        "SecuritySettings",
        "q1",
        (
            "Account",
            "SecurityOptions",
            "UserRightsAssignment",
            "RestrictedGroups",
            "SystemServices",
            "Audit",
        ),
    ),
    "Auditing": ("AuditSettings", "q2", ("AuditSetting",)),
    "Registry": ("RegistrySettings", "q3", ("Policy", "RegistrySetting")),
    "WindowsFirewall": ("WindowsFirewallSettings", "q4", ("DomainProfile", "GlobalSettings")),
    "Windows/Registry": ("RegistrySettings", "q5", ("RegistrySettings",)),
}
AWKWARD = (
    "",
    " ",
    "0",
    "-1",
    "1",
    "3",
    "4",
    "99",
    "4294967296",
    "99999999999999999999999",
    "1e5",
    "0x10",
    "true",
    "false",
    "Enabled",
    "Disabled",
    "NotConfigured",
    "Automatic",
    '"quoted"',
    "MACHINE\\Software\\Policies\\X\\Y",
    "Software\\Policies\\X",
    "\\\\",
    "!",
    "Audit ",
    "S-1-5-32-544",
    "*S-1-1-0",
    "{0cce923f-69ae-11d9-bed3-505054503030}",
)
TEXT = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=24),
)


@cache
def policy_names() -> tuple[tuple[str, str], ...]:
    """Real (name, category) pairs from the shipped ADMX index, so resolution is reached."""
    found, _ = templates(load_settings(DEFAULT_POLICY))
    return tuple((template.name, template.category) for template in found[:40])


def _leaf(prefix: str, name: str) -> st.SearchStrategy[str]:
    tag = f"{prefix}:{name}"
    return TEXT.map(lambda text: f"<{tag}>{escape(text)}</{tag}>")


@st.composite
def element(draw: st.DrawFn, prefix: str, name: str, depth: int = 0) -> str:
    """One element named ``name`` with a random selection of its known children."""
    children = SHAPES.get(name)
    tag = f"{prefix}:{RENAMED.get(name, name)}"
    if name == "RegistrySettings":
        return draw(_preference(prefix))
    if children is None or depth > 4:
        return draw(_leaf(prefix, RENAMED.get(name, name)))
    picked = draw(st.lists(st.sampled_from(children), max_size=len(children) + 2))
    parts = [draw(element(prefix, child, depth + 1)) for child in picked]
    if name == "Policy" and draw(st.booleans()):
        policy_name, category = draw(st.sampled_from(policy_names()))
        parts[:0] = [f"<{prefix}:Name>{policy_name}</{prefix}:Name>"]
        parts.append(f"<{prefix}:Category>{category}</{prefix}:Category>")
    if depth == 0:
        parts[:0] = [draw(_attribution())]
    return f"<{tag}>{''.join(parts)}</{tag}>"


@st.composite
def _attribution(draw: st.DrawFn) -> str:
    """The GPO and precedence gpresult gives each setting (gpreport ignores them)."""
    if not draw(st.booleans()):
        return ""
    guid = draw(st.sampled_from(("{11111111-2222-3333-4444-555555555555}", "", "local")))
    precedence = draw(TEXT)
    return (
        f'<GPO xmlns="{BASE_NS}"><Identifier xmlns="{TYPES_NS}">{guid}</Identifier></GPO>'
        f'<Precedence xmlns="{BASE_NS}">{escape(precedence)}</Precedence>'
    )


@st.composite
def _preference(draw: st.DrawFn, prefix: str) -> str:
    attributes = ("action", "hive", "key", "name", "type", "value")
    chosen = draw(st.dictionaries(st.sampled_from(attributes), TEXT, max_size=len(attributes)))
    properties = " ".join(f"{key}={quoteattr(value)}" for key, value in chosen.items())
    return (
        f"<{prefix}:RegistrySettings><{prefix}:Registry><{prefix}:Properties {properties}/>"
        f"</{prefix}:Registry></{prefix}:RegistrySettings>"
    )


@st.composite
def extension(draw: st.DrawFn) -> str:
    namespace = draw(st.sampled_from(sorted(EXTENSIONS)))
    xsi_type, prefix, kinds = EXTENSIONS[namespace]
    names = draw(st.lists(st.sampled_from(kinds), max_size=6))
    body = "".join(draw(element(prefix, name)) for name in names)
    return (
        f'<ExtensionData><Extension xmlns:{prefix}="{SETTINGS_NS}/{namespace}" '
        f'xsi:type="{prefix}:{xsi_type}" xmlns="{SETTINGS_NS}">{body}</Extension>'
        "</ExtensionData>"
    )


XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


@st.composite
def rsop(draw: st.DrawFn) -> str:
    sections = []
    for section in draw(st.lists(st.sampled_from(("Computer", "User")), max_size=2)):
        extensions = "".join(draw(st.lists(extension(), max_size=3)))
        name = escape(draw(TEXT))
        sections.append(
            f"<{section}Results><Name>{name}</Name><GPO><Name>G</Name><Path>"
            f'<Identifier xmlns="{TYPES_NS}">{{11111111-2222-3333-4444-555555555555}}'
            f"</Identifier></Path></GPO>{extensions}</{section}Results>"
        )
    return (
        f'<Rsop {XSI} xmlns="http://www.microsoft.com/GroupPolicy/Rsop">{"".join(sections)}</Rsop>'
    )


@st.composite
def report(draw: st.DrawFn) -> str:
    sections = []
    for section in draw(st.lists(st.sampled_from(("Computer", "User")), max_size=2)):
        extensions = "".join(draw(st.lists(extension(), max_size=3)))
        sections.append(f"<{section}>{extensions}</{section}>")
    name = escape(draw(TEXT))
    return f'<GPO {XSI} xmlns="{SETTINGS_NS}"><Name>{name}</Name>{"".join(sections)}</GPO>'


def _load_or_input_error(load: Load, data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        path = Path(folder) / "export.xml"
        path.write_bytes(data)
        try:
            sources = load(path)
        except InputFormatError as exc:
            assert exc.error.path == str(path) and exc.error.message
            return
    assert all(isinstance(source, Source) for source in sources)


@pytest.mark.parametrize("format_name", sorted(LOADERS))
@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(format_name: str, data: bytes) -> None:
    _load_or_input_error(LOADERS[format_name], data)


@FUZZ
@given(document=rsop(), utf16=st.booleans())
def test_rsop_shaped_documents(document: str, utf16: bool) -> None:
    _load_or_input_error(gpresult.load, encode(document) if utf16 else document.encode())


@FUZZ
@given(document=report(), utf16=st.booleans())
def test_gpreport_shaped_documents(document: str, utf16: bool) -> None:
    _load_or_input_error(gpreport.load, encode(document) if utf16 else document.encode())


@cache
def real_sized() -> bytes:
    return encode(device_xml(7))


@FUZZ
@given(
    writes=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=4)), max_size=6),
    cut=st.tuples(st.floats(0, 1), st.integers(0, 4000)),
    keep=st.floats(0.01, 1),
)
def test_mutated_real_sized_export(
    writes: list[tuple[float, bytes]], cut: tuple[float, int], keep: float
) -> None:
    data = bytearray(real_sized())
    for where, new in writes:
        at = int(where * (len(data) - len(new)))
        data[at : at + len(new)] = new
    start = int(cut[0] * len(data))
    del data[start : start + cut[1]]
    _load_or_input_error(gpresult.load, bytes(data[: max(2, int(keep * len(data)))]))
