"""Group Policy Preferences Registry.xml: every action, type and nesting; gpreport.xml reads
the same items to the same facts; GPO backups read it in order; bad input; property test."""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.files import head
from checker.core.values import Confidence, Fact
from checker.loaders import FORMATS, gpo_backup, gpp_registry, gpreport
from checker.loaders.registry_pol import make_entry, write
from tests.conftest import FIXTURES
from tools import make_gpp_fixtures

GPP = FIXTURES / "gpp"
MACHINE = GPP / "Machine" / "Preferences" / "Registry" / "Registry.xml"
USER = GPP / "User" / "Preferences" / "Registry" / "Registry.xml"
BASE = "SOFTWARE\\Policies\\Baseliner"
TARGETING = "FilterGroup EXAMPLE\\Servers OR NOT (FilterOs)"
SETTINGS = "http://www.microsoft.com/GroupPolicy/Settings"


Row = tuple[int | None, str, object, str | None, bool, tuple[tuple[str, object], ...]]


def row(fact: Fact) -> Row:
    return (fact.origin.line, fact.key, fact.value, fact.type, fact.deleted, fact.extra)


MACHINE_FACTS: list[Row] = [
    (2, f"HKLM\\{BASE}!Text", "hello world", "REG_SZ", False, ()),
    (3, f"HKLM\\{BASE}!Number", 10, "REG_DWORD", False, ()),
    (4, f"HKLM\\{BASE}!Big", 4294967296, "REG_QWORD", False, ()),
    (5, f"HKLM\\{BASE}!Path", "%SystemRoot%\\Temp", "REG_EXPAND_SZ", False, (("soft", True),)),
    (6, f"HKLM\\{BASE}!List", ["a", "b c", "d"], "REG_MULTI_SZ", False, ()),
    (7, f"HKLM\\{BASE}!Bytes", "00ff10", "REG_BINARY", False, ()),
    (8, f"HKLM\\{BASE}!", "default text", "REG_SZ", False, ()),
    (9, f"HKLM\\{BASE}!Old", None, None, True, ()),
    (11, "HKU\\.DEFAULT\\Software\\Baseliner!InUsers", 1, "REG_DWORD", False, ()),
    (13, f"HKLM\\{BASE}\\Inner!Deep", "deep", "REG_SZ", False, ()),
    (20, f"HKLM\\{BASE}\\Stale!**delvals.", None, None, True, ()),
    (21, f"HKLM\\{BASE}\\Fresh!**delvals.", None, None, True, ()),
    (21, f"HKLM\\{BASE}\\Fresh!", None, None, False, ()),
    (22, f"HKLM\\{BASE}!Targeted", 1, "REG_DWORD", False, (("targeting", TARGETING),)),
    (
        23,
        "HKLM\\SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current\\Software\\Baseliner!Profile",
        "p",
        "REG_SZ",
        False,
        (),
    ),
]


def test_fixtures_are_up_to_date() -> None:
    assert make_gpp_fixtures.main(["--check"]) == 0


def test_machine_fixture() -> None:
    assert [row(fact) for fact in gpp_registry.load(MACHINE)[0].facts] == MACHINE_FACTS


def test_user_fixture_takes_its_hive_from_the_folder() -> None:
    (source,) = gpp_registry.load(USER)
    assert (source.format, [row(fact) for fact in source.facts]) == (
        "gpp-registry",
        [
            (2, f"HKCU\\{BASE}!NoHive", 2, "REG_DWORD", False, ()),
            (3, f"HKCU\\{BASE}!Explicit", "x", "REG_SZ", False, ()),
        ],
    )


def test_targeted_item_is_partial_with_its_reason() -> None:
    targeted = [
        f for f in gpp_registry.load(MACHINE)[0].facts if f.confidence is not Confidence.EXACT
    ]
    assert [(f.key, f.confidence, f.reason) for f in targeted] == [
        (
            f"HKLM\\{BASE}!Targeted",
            Confidence.PARTIAL,
            f"Group Policy Preferences item-level targeting: applies where {TARGETING}",
        )
    ]


def _one(properties: str, *, item: str = "", filters: str = "") -> bytes:
    return (
        f"<RegistrySettings><Registry{item}><Properties {properties}/>{filters}</Registry>"
        "</RegistrySettings>"
    ).encode()


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ('key="K" name="N" value="v"', ("HKLM\\K!N", "v", "REG_SZ", False)),
        ('action="u" key="K" name="N" type="reg_dword" value="ffffffff"',
         ("HKLM\\K!N", 4294967295, "REG_DWORD", False)),
        ('action="U" key="K" name="N" type="REG_DWORD" value="00000000000000FF"',
         ("HKLM\\K!N", 255, "REG_DWORD", False)),
        ('action="U" key="K" name="N" type="REG_MULTI_SZ" value=""',
         ("HKLM\\K!N", [], "REG_MULTI_SZ", False)),
        ('action="U" key="K" name="N" type="REG_MULTI_SZ" value="x y"',
         ("HKLM\\K!N", ["x", "y"], "REG_MULTI_SZ", False)),
        ('action="U" key="K" name="N" type="REG_BINARY" value=""',
         ("HKLM\\K!N", "", "REG_BINARY", False)),
        ('action="U" key="K" name="N" type="REG_BINARY" value="0A 0b"',
         ("HKLM\\K!N", "0a0b", "REG_BINARY", False)),
        ('action="D" key="K" name="N" type="REG_DWORD" value="not read"',
         ("HKLM\\K!N", None, None, True)),
        ('action="D" key="K" name="" default="1"', ("HKLM\\K!", None, None, True)),
        ('action="U" key="K" name=""', ("HKLM\\K!", None, None, False)),
        ('action="C" hive="HKEY_CLASSES_ROOT" key="K" name="N" value="v"',
         ("HKCR\\K!N", "v", "REG_SZ", False)),
        ('hive="hkey_current_user" key="\\K\\" name="N" value="v"',
         ("HKCU\\K!N", "v", "REG_SZ", False)),
    ],
)  # fmt: skip
def test_one_item(properties: str, expected: tuple[str, object, str | None, bool]) -> None:
    (fact,) = gpp_registry.parse(_one(properties), "r.xml", "HKLM")
    assert (fact.key, fact.value, fact.type, fact.deleted) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("<Filters/>", None),
        (
            '<Filters><FilterComputer bool="AND" not="1" name="PC1"/></Filters>',
            "NOT FilterComputer PC1",
        ),
        (
            '<Filters><FilterOs bool="AND" not="0"/><FilterWmi bool="OR" not="0"/></Filters>',
            "FilterOs OR FilterWmi",
        ),
        ('<Filters><FilterCollection bool="AND" not="0"/></Filters>', "()"),
    ],
)
def test_targeting_expression(filters: str, expected: str | None) -> None:
    (fact,) = gpp_registry.parse(_one('key="K" name="N"', filters=filters), "r.xml", "HKLM")
    assert dict(fact.extra).get("targeting") == expected


def test_collection_targeting_applies_to_its_items() -> None:
    data = (
        b'<RegistrySettings><Collection><Filters><FilterSite bool="AND" not="0" name="Lab"/>'
        b'</Filters><Registry><Properties key="K" name="N"/><Filters>'
        b'<FilterUser bool="AND" not="0" name="bob"/></Filters></Registry></Collection>'
        b"</RegistrySettings>"
    )
    (fact,) = gpp_registry.parse(data, "r.xml", "HKLM")
    assert dict(fact.extra)["targeting"] == "(FilterSite Lab) AND (FilterUser bob)"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<RegistrySettings><Registry>", "r.xml: line 1, column 29: malformed XML: "),
        (b"<Groups/>",
         "r.xml: line 1: not a Group Policy Preferences Registry.xml (root 'Groups')"),
        (b"<RegistrySettings>\n<Registry/></RegistrySettings>",
         "r.xml: line 2: registry item without <Properties>"),
        (_one('action="X" key="K" name="N"'),
         "r.xml: line 1: unknown action 'X' (expected C, R, U or D)"),
        (_one('hive="HKEY_NOWHERE" key="K" name="N"'),
         "r.xml: line 1: unknown hive 'HKEY_NOWHERE'"),
        (_one('key="K" name="N" type="REG_DWORD" value="0x10"'),
         "r.xml: line 1: REG_DWORD value '0x10' is not hexadecimal data"),
        (_one('key="K" name="N" type="REG_DWORD" value="100000000"'),
         "r.xml: line 1: REG_DWORD value '100000000' is not hexadecimal data"),
        (_one('key="K" name="N" type="REG_DWORD" value=""'),
         "r.xml: line 1: REG_DWORD value '' is not hexadecimal data"),
        (_one('key="K" name="N" type="REG_BINARY" value="abc"'),
         "r.xml: line 1: REG_BINARY value 'abc' is not hexadecimal bytes"),
    ],
)  # fmt: skip
def test_bad_input(data: bytes, message: str) -> None:
    with pytest.raises(InputFormatError) as caught:
        gpp_registry.parse(data, "r.xml", "HKLM")
    assert str(caught.value).startswith(message)
    assert caught.value.error.line is not None


def test_malformed_fixture_names_its_line() -> None:
    with pytest.raises(InputFormatError) as caught:
        gpp_registry.load(GPP / "malformed.xml")
    assert caught.value.error.line == 4


def _report(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<GPO xmlns="{SETTINGS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Name>G</Name><Computer>'
        f'<ExtensionData><Extension xmlns:q1="{SETTINGS}/Windows/Registry" '
        f'xsi:type="q1:RegistrySettings">{body}</Extension></ExtensionData></Computer></GPO>'
    ).encode()


def test_gpreport_reads_the_same_items_to_the_same_facts(tmp_path: Path) -> None:
    raw = MACHINE.read_text()
    body = raw[raw.index("<RegistrySettings") :].replace(
        "<RegistrySettings ", f'<RegistrySettings xmlns="{SETTINGS}/Windows/Registry" ', 1
    )
    report = tmp_path / "gpreport.xml"
    report.write_bytes(_report(body))
    (source,) = gpreport.load(report)
    expected = [
        (key, value, rtype, deleted, extra)
        for _, key, value, rtype, deleted, extra in MACHINE_FACTS
    ]
    assert [row(fact)[1:] for fact in source.facts] == expected
    assert [f.confidence for f in source.facts] == [
        f.confidence for f in gpp_registry.load(MACHINE)[0].facts
    ]


def test_backup_reads_registry_xml_after_registry_pol(tmp_path: Path) -> None:
    machine = tmp_path / "{B}" / "DomainSysvol" / "GPO" / "Machine"
    (machine / "Preferences" / "Registry").mkdir(parents=True)
    (machine / "Preferences" / "Registry" / "Registry.xml").write_bytes(
        _one(f'hive="HKEY_LOCAL_MACHINE" key="{BASE}" name="N" type="REG_DWORD" value="00000002"')
    )
    (machine / "registry.pol").write_bytes(write([make_entry(BASE, "N", 1)]))
    (source,) = gpo_backup.load(tmp_path)
    assert [(f.key, f.value, Path(f.origin.path).name) for f in source.facts] == [
        (f"HKLM\\{BASE}!N", 1, "registry.pol"),
        (f"HKLM\\{BASE}!N", 2, "Registry.xml"),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (MACHINE, "gpp-registry"),
        (USER, "gpp-registry"),
        (GPP / "malformed.xml", "gpp-registry"),
        (FIXTURES / "lgpo" / "machine.txt", "lgpo-text"),
        (FIXTURES / "gpreport" / "external-entity.xml", "gpreport"),
        (
            next(FIXTURES.glob("gpo/compliant/*/DomainSysvol/GPO/Machine/registry.pol")),
            "registry-pol",
        ),
        (
            next(
                FIXTURES.glob(
                    "gpo/compliant/*/DomainSysvol/GPO/Machine/microsoft/*/SecEdit/GptTmpl.inf"
                )
            ),
            "gpttmpl",
        ),
        (FIXTURES / "comanaged" / "gp-wins" / "intune" / "defender.json", "intune"),
    ],
)
def test_sniffed_as(path: Path, expected: str | None) -> None:
    claimed = [
        name
        for name, module in FORMATS.items()
        if not module.FOLDER and module.sniff(path, head(path))
    ]
    assert claimed == ([expected] if expected else [])


def test_no_other_fixture_is_claimed() -> None:
    claimed = sorted(
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.rglob("*")
        if path.is_file() and gpp_registry.sniff(path, head(path))
    )
    assert claimed == [
        "gpp/Machine/Preferences/Registry/Registry.xml",
        "gpp/User/Preferences/Registry/Registry.xml",
        "gpp/malformed.xml",
    ]


@pytest.fixture(scope="module")
def corpus_files(corpus: Path) -> dict[str, list[Fact]]:
    return {
        str(path.relative_to(corpus)): gpp_registry.load(path)[0].facts
        for path in sorted((corpus / "gpo").rglob("*"))
        if path.name.casefold() == "registry.xml"
    }


def test_every_corpus_registry_xml_loads(corpus_files: dict[str, list[Fact]]) -> None:
    assert sorted(len(facts) for facts in corpus_files.values()) == [1, 1, 1, 1, 3, 6]


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AWKWARD = st.one_of(
    st.sampled_from(("", " ", "0", "U", "D", "C", "R", "1", "REG_DWORD", "REG_MULTI_SZ",
                     "REG_BINARY", "REG_QWORD", "HKEY_USERS", "ffffffff", "0x1", "zz")),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)  # fmt: skip
ATTRIBUTES = ("action", "hive", "key", "name", "type", "value", "default")


def _parse_or_error(data: bytes) -> None:
    try:
        facts = gpp_registry.parse(data, "r.xml", "HKCU")
    except InputFormatError as exc:
        assert exc.error.path == "r.xml" and exc.error.message
        return
    assert all(isinstance(fact, Fact) for fact in facts)


@PROPERTY
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    _parse_or_error(data)


@PROPERTY
@given(
    chosen=st.lists(st.dictionaries(st.sampled_from(ATTRIBUTES), AWKWARD), max_size=4),
    disabled=st.booleans(),
)
def test_registry_shaped_documents(chosen: list[dict[str, str]], disabled: bool) -> None:
    items = "".join(
        "<Registry{}><Properties {}/></Registry>".format(
            ' disabled="1"' if disabled and index else "",
            " ".join(f"{key}={quoteattr(value)}" for key, value in attributes.items()),
        )
        for index, attributes in enumerate(chosen)
    )
    _parse_or_error(
        f"<RegistrySettings><Collection>{items}</Collection></RegistrySettings>".encode()
    )


def test_loading_a_folder_file_through_the_registry() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Registry.xml"
        path.write_bytes(_one('key="K" name="N" value="v"'))
        assert FORMATS["gpp-registry"].load(path)[0].facts[0].key == "HKLM\\K!N"


def test_an_item_of_an_unknown_type_is_noted_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "Registry.xml"
    path.write_bytes(_one('key="K" name="N" type="REG_NONE"'))
    (source,) = gpp_registry.load(path)
    assert source.facts == ()
    assert [(n.what, n.line) for n in source.notes] == [
        ("K\\N: registry value type 'REG_NONE' is unknown", 1)
    ]
