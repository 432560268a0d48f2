"""checker.loaders.intune: layouts, encodings, nested settings, errors, and the real corpus."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputFormatError
from checker.core.values import Source
from checker.kinds import Kind
from checker.loaders import intune
from tests.conftest import FIXTURES, first_set

INTUNE = FIXTURES / "intune"
CATALOG = "device_vendor_msft_policy_config_"
ASR = f"{CATALOG}defender_attacksurfacereductionrules"
SMARTSCREEN = f"{CATALOG}admx_windowsexplorer_enablesmartscreen"


def facts(sources: list[Source], name: str) -> dict[str, object]:
    (source,) = [s for s in sources if s.name == name]
    return {f.key: f.value for f in source.facts}


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("intunemanagement/settings_catalog.json", ["Fixture - Settings Catalog"]),
        ("intunemanagement/bitlocker_intent.json", ["Fixture - BitLocker intent"]),
        (
            "graph_response.json",
            [
                "Fixture - Device restrictions",
                "Fixture - Custom OMA-URI",
                "Fixture - Compliance",
                "Fixture - iOS restrictions",
            ],
        ),
        ("array.json", ["Fixture - Endpoint protection"]),
        ("backupandrestore", ["Fixture - Autoplay", "Fixture - Settings Catalog"]),
        ("intunemanagement", ["Fixture - BitLocker intent", "Fixture - Settings Catalog"]),
    ],
)
def test_layouts_give_one_source_per_policy(path: str, names: list[str]) -> None:
    sources = intune.load(INTUNE / path)
    assert [s.name for s in sources] == names
    assert {s.format for s in sources} == {"intune"}
    assert all(f.kind is Kind.INTUNE for s in sources for f in s.facts)


@pytest.mark.parametrize(
    ("path", "name", "key", "value"),
    [
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}defender_allowrealtimemonitoring",
            f"{CATALOG}defender_allowrealtimemonitoring_1",
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}defender_avgcpuloadfactor",
            50,
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}authentication_preferredaadtenantdomainname",
            "contoso.com",
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{CATALOG}userrights_denylocallogon",
            ["*S-1-5-32-546", "*S-1-5-113"],
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{ASR}_blockwin32apicallsfromofficemacros",
            f"{ASR}_blockwin32apicallsfromofficemacros_block",
        ),
        (
            "intunemanagement/settings_catalog.json",
            "Fixture - Settings Catalog",
            f"{SMARTSCREEN}_enablesmartscreendropdown",
            f"{SMARTSCREEN}_enablesmartscreendropdown_block",
        ),
        (
            "intunemanagement/bitlocker_intent.json",
            "Fixture - BitLocker intent",
            "windows10EndpointProtectionConfiguration.bitLockerSystemDrivePolicy.encryptionMethod",
            "xtsAes256",
        ),
        (
            "intunemanagement/bitlocker_intent.json",
            "Fixture - BitLocker intent",
            "windows10EndpointProtectionConfiguration.bitLockerEncryptDevice",
            True,
        ),
        (
            "graph_response.json",
            "Fixture - Device restrictions",
            "windows10GeneralConfiguration.passwordMinimumLength",
            14,
        ),
        (
            "graph_response.json",
            "Fixture - Custom OMA-URI",
            "./Device/Vendor/MSFT/Policy/Config/Defender/AllowArchiveScanning",
            1,
        ),
        ("graph_response.json", "Fixture - Compliance", "compliance/bitLockerEnabled", True),
        (
            "array.json",
            "Fixture - Endpoint protection",
            "windows10EndpointProtectionConfiguration.firewallProfileDomain.firewallEnabled",
            "allowed",
        ),
        (
            "backupandrestore",
            "Fixture - Autoplay",
            "groupPolicyConfiguration/Turn off Autoplay/Turn off Autoplay on:",
            "255",
        ),
    ],
)
def test_fact_values(path: str, name: str, key: str, value: object) -> None:
    assert facts(intune.load(INTUNE / path), name)[key] == value


def test_nulls_are_not_configured() -> None:
    intent = facts(
        intune.load(INTUNE / "intunemanagement/bitlocker_intent.json"), "Fixture - BitLocker intent"
    )
    restrictions = facts(
        intune.load(INTUNE / "graph_response.json"), "Fixture - Device restrictions"
    )
    assert (
        "windows10EndpointProtectionConfiguration.bitLockerDisableWarningForOtherDiskEncryption"
        not in intent
    )
    assert (
        "windows10EndpointProtectionConfiguration.bitLockerSystemDrivePolicy.minimumPinLength"
        not in intent
    )
    assert "windows10GeneralConfiguration.edgeHomepageUrls" not in restrictions


def test_nested_children_keep_their_path_and_line() -> None:
    (source,) = intune.load(INTUNE / "intunemanagement/settings_catalog.json")
    child = next(f for f in source.facts if f.key == f"{ASR}_blockwin32apicallsfromofficemacros")
    assert child.extra == (("path", ASR),)
    assert child.origin.line == 69
    assert child.origin.source == "Fixture - Settings Catalog"


def test_intent_facts_point_into_the_sidecar() -> None:
    (source,) = intune.load(INTUNE / "intunemanagement/bitlocker_intent.json")
    assert {Path(f.origin.path).name for f in source.facts} == {"bitlocker_intent_Settings.json"}


def test_platform_meta() -> None:
    sources = intune.load(INTUNE / "graph_response.json")
    assert [dict(s.meta)["platform"] for s in sources] == ["windows", "windows", "windows", "ios"]


def test_repeated_ids_in_group_collections_get_markers(tmp_path: Path) -> None:
    child = {
        "settingDefinitionId": "x_name",
        "simpleSettingValue": {"value": "a"},
    }
    group = {
        "settingDefinitionId": "x",
        "groupSettingCollectionValue": [{"children": [child]}, {"children": [child]}],
    }
    text = '{"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy", "name": "p",'
    text += ' "settings": [{"settingInstance": ' + json.dumps(group) + "}]}"
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    (source,) = intune.load(tmp_path / "p.json")
    assert [f.key for f in source.facts] == ["x_name", "x_name#2"]


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{\n  "a": 1,\n  "b": }', "invalid JSON: Expecting value", 3, 8),
        # Python's parser takes these; JSON has no such values, and reports could not hold them.
        (
            '{"a": "NaN Infinity",\n "b": [1, -Infinity]}',
            "invalid JSON: -Infinity is not a JSON value",
            2,
            11,
        ),
        ('{"a": "x\\" NaN",\n "b": NaN}', "invalid JSON: NaN is not a JSON value", 2, 7),
        ('{"a": [1.5e300, "1e999",\n 1e999]}', "invalid JSON: 1e999 is not a JSON value", 2, 2),
        ('{"name": "package"}', "not an Intune policy export", None, None),
        ("[1, 2]", "not an Intune policy export", None, None),
    ],
)
def test_errors(
    tmp_path: Path, text: str, message: str, line: int | None, column: int | None
) -> None:
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError) as caught:
        intune.load(path)
    assert caught.value.error.message == message
    assert (caught.value.error.line, caught.value.error.column) == (line, column)


def test_sidecar_alone_is_not_a_policy() -> None:
    with pytest.raises(InputFormatError, match="not an Intune policy export"):
        intune.load(INTUNE / "intunemanagement/bitlocker_intent_Settings.json")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("intunemanagement/settings_catalog.json", True),
        ("graph_response.json", True),
        ("array.json", True),
        ("intunemanagement/bitlocker_intent_Settings.json", False),
        ("not_a_policy.json", False),
        ("backupandrestore", True),
    ],
)
def test_sniff(path: str, expected: bool) -> None:
    target = INTUNE / path
    head = b"" if target.is_dir() else target.read_bytes()[:4096]
    assert intune.sniff(target, head) is expected


@pytest.fixture(scope="module")
def corpus_results(corpus: Path) -> list[tuple[Path, list[Source] | InputFormatError]]:
    results: list[tuple[Path, list[Source] | InputFormatError]] = []
    for path in first_set(sorted((corpus / "intune").rglob("*.json"))):
        try:
            results.append((path, intune.load(path)))
        except InputFormatError as exc:
            results.append((path, exc))
    return results


def test_every_corpus_json_loads_or_is_not_a_policy(
    corpus_results: list[tuple[Path, list[Source] | InputFormatError]],
) -> None:
    errors = [(p, r) for p, r in corpus_results if isinstance(r, InputFormatError)]
    assert all(str(r.error.message).startswith("not an Intune policy export") for _, r in errors)
    assert [p.name for p, _ in errors] == sorted(
        p.name for p, _ in errors if p.name.endswith("_Settings.json")
    )
    assert len(corpus_results) - len(errors) == 112


def test_corpus_settings_catalog_facts(
    corpus_results: list[tuple[Path, list[Source] | InputFormatError]],
) -> None:
    sources = [s for _, r in corpus_results if isinstance(r, list) for s in r]
    kinds = sorted({dict(s.meta)["kind"] for s in sources})
    assert kinds == ["compliance", "custom", "device_configuration", "intent", "settings_catalog"]
    assert all(
        f.origin.line
        for s in sources
        for f in s.facts
        if dict(s.meta)["kind"] == "settings_catalog"
    )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_give_sources_or_input_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.json"
    path.write_bytes(data)
    with contextlib.suppress(InputFormatError):
        assert isinstance(intune.load(path), list)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
        | st.sampled_from(["NaN", "1e999", "[1, 2]", '{"a": 1}', "-Infinity"]),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "settings",
                        "settingInstance",
                        "settingDefinitionId",
                        "choiceSettingValue",
                        "value",
                        "children",
                        "@odata.type",
                        "omaSettings",
                        "settingsDelta",
                        "definitionValues",
                        "groupSettingCollectionValue",
                        "simpleSettingValue",
                        "valueJson",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_shapes(tmp_path_factory: pytest.TempPathFactory, document: object) -> None:
    path = tmp_path_factory.mktemp("shape") / "x.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with contextlib.suppress(InputFormatError):
        sources = intune.load(path)
        # Every value read can go into a JSON report as it is.
        json.dumps([fact.value for source in sources for fact in source.facts], allow_nan=False)
