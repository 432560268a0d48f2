"""The shipped mapping table itself: every translation against the ADMX it came from, the
hand-checked senses (inverted settings, deletions), and reasons that say something."""

from __future__ import annotations

import functools
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from checker.core.rows import Rows
from checker.core.values import Confidence, Fact, Origin
from checker.kinds import Kind, canonical_key, registry_path
from checker.loaders.xmlsafe import Element, first, kids, local, read_xml
from checker.targets.mapping import DELETE, load_mapping, translate

C = "device_vendor_msft_policy_config_"
U = "user_vendor_msft_policy_config_"
ANY = "*"
"""Writable data of a number or text box: any value."""


def _table() -> dict[str, Any]:
    rows = Rows(resources.files("checker.data").joinpath("mapping.json.gz").read_bytes())
    return {key: rows[number] for number, key in enumerate(rows.head["keys"])}


def _data(node: Element | None) -> object:
    """What an ADMX ``<value>``-like node writes (None: a deletion), as compared here."""
    for kind in node if node is not None else ():
        tag = local(kind)
        if tag in ("decimal", "longDecimal"):
            return kind.get("value", "0")
        if tag == "string":
            return (kind.text or "").casefold()
    return None


def _name(key: str, value_name: str) -> str:
    """A registry value without its hive, as the table and the ADMX both give it."""
    return canonical_key(Kind.REGISTRY, registry_path(f"HKLM\\{key}", value_name))[5:]


def _policy_writes(policy: Element) -> dict[str, set[object]]:
    """Registry value -> every data the policy can write to it, a deletion (None) included:
    the value when enabled (else 1) or disabled (else deleted), the lists, and each option
    (check box true/false, drop-down items, any number or text), deleted when disabled."""
    key = policy.get("key", "")
    out: defaultdict[str, set[object]] = defaultdict(set)
    if policy.get("valueName"):
        enabled, disabled = first(policy, "enabledValue"), first(policy, "disabledValue")
        out[_name(key, policy.get("valueName", ""))] |= {
            _data(enabled) if enabled is not None else "1",
            _data(disabled),
        }
    for listed in ("enabledList", "disabledList", "trueList", "falseList", "valueList"):
        for node in policy.iter(f"{{*}}{listed}"):
            for item in kids(node, "item"):
                name = _name(
                    item.get("key") or node.get("defaultKey") or key, item.get("valueName", "")
                )
                out[name].add(_data(first(item, "value")))
    elements = first(policy, "elements")
    for element in elements if elements is not None else ():
        name = _name(element.get("key") or key, element.get("valueName", ""))
        out[name].add(None)
        tag = local(element)
        if tag == "boolean":
            true, false = first(element, "trueValue"), first(element, "falseValue")
            out[name] |= {_data(true) if true is not None else "1", _data(false)}
        elif tag == "enum":
            out[name] |= {_data(first(item, "value")) for item in kids(element, "item")}
        else:
            out[name].add(ANY)
    return out


@functools.cache
def _admx(folder: Path, file: str) -> dict[str, dict[str, set[object]]]:
    root = read_xml(folder / f"{file}.admx")
    policies = first(root, "policies")
    return {
        policy.get("name", "").casefold(): _policy_writes(policy)
        for policy in (policies if policies is not None else ())
        if local(policy) == "policy"
    }


def _shown(value: object) -> object:
    return None if value is None else str(value).casefold()


def test_every_translation_is_data_its_admx_policy_writes(corpus: Path) -> None:
    folder = corpus / "mapping" / "admx"
    files = {path.stem.casefold(): path.stem for path in folder.glob("*.admx")}
    wrong, checked = [], 0
    for ident, entry in sorted(_table().items()):
        if "admx" not in entry:
            continue
        file, _, name = entry["admx"].partition(":")
        writes = _admx(folder, files[file.casefold()])[name.casefold()]
        for target in entry["targets"]:
            if target["kind"] != "registry":
                continue
            value = canonical_key(Kind.REGISTRY, target["key"]).partition("\\")[2]
            if value not in writes:
                wrong.append(f"{ident}: {target['key']} is not written by {entry['admx']}")
                continue
            for option, data in target.get("values", {}).items():
                checked += 1
                if ANY not in writes[value] and _shown(data) not in writes[value]:
                    wrong.append(
                        f"{ident} {option} -> {data!r}: {entry['admx']} writes no such data"
                    )
    assert wrong == []
    assert checked > 8000


def _gp(key: str, option: str) -> list[tuple[str, object]]:
    value = f"{key}_{option}" if option else key
    facts = translate(Fact(Kind.INTUNE, key, value, Origin("p.json", 1)))
    return [(f.key.rpartition("!")[2], DELETE if f.deleted else f.value) for f in facts]


@pytest.mark.parametrize(
    ("key", "option", "expected"),
    [
        # "Allow X" in the CSP, "Disable X" in the registry: inverted
        (
            f"{C}defender_allowfullscanremovabledrivescanning",
            "1",
            [("DisableRemovableDriveScanning", 0)],
        ),
        (
            f"{C}defender_allowfullscanremovabledrivescanning",
            "0",
            [("DisableRemovableDriveScanning", 1)],
        ),
        (
            f"{C}defender_allowfullscanonmappednetworkdrives",
            "1",
            [("DisableScanningMappedNetworkDrivesForFullScan", 0)],
        ),
        (f"{C}defender_allowuseruiaccess", "1", [("UILockdown", 0)]),
        (f"{C}experience_allowwindowstips", "0", [("DisableSoftLanding", 1)]),
        (f"{C}system_allowlocation", "0", [("DisableLocation", 1)]),
        (f"{U}experience_allowwindowsspotlight", "1", [("DisableWindowsSpotlightFeatures", 0)]),
        (
            f"{U}experience_allowthirdpartysuggestionsinwindowsspotlight",
            "1",
            [("DisableThirdPartySuggestions", 0)],
        ),
        (f"{C}defender_allowarchivescanning", "1", [("DisableArchiveScanning", 0)]),
        # the curated polarity list: names that mislead either way
        (f"{C}connectivity_allowcellulardataroaming", "1", [("fBlockRoaming", 0)]),
        (f"{C}browser_allowdonottrack", "1", [("DoNotTrack", 1)]),
        (f"{C}search_donotusewebresults", "1", [("ConnectedSearchUseWeb", 1)]),
        (f"{C}wifi_allowinternetsharing", "0", [("NC_ShowSharedAccessUI", 0)]),
        (f"{C}power_turnoffhybridsleeponbattery", "1", [("DCSettingIndex", 1)]),
        (
            f"{C}applicationmanagement_msialwaysinstallwithelevatedprivileges",
            "0",
            [("AlwaysInstallElevated", 0)],
        ),
        (
            f"{C}applicationmanagement_msiallowusercontroloverinstall",
            "0",
            [("EnableUserControl", 0)],
        ),
        (f"{C}wifi_allowautoconnecttowifisensehotspots", "0", [("AutoConnectAllowedOEM", 0)]),
        (f"{C}smartscreen_enablesmartscreeninshell", "1", [("EnableSmartScreen", 1)]),
        (f"{C}browser_allowsmartscreen", "1", [("EnabledV9", 1)]),
        (f"{C}privacy_disableadvertisingid", "1", [("DisabledByGroupPolicy", 1)]),
        (f"{C}maps_enableofflinemapsautoupdate", "1", [("AutoDownloadAndUpdateMapData", 1)]),
        # registry data that is not a number: yes/no
        (f"{C}browser_allowpasswordmanager", "1", [("FormSuggest Passwords", "yes")]),
        (f"{C}browser_allowautofill", "0", [("Use FormSuggest", "no")]),
        # values the ADMX writes, not the CSP's numbers
        (f"{C}applicationmanagement_allowappstoreautoupdate", "1", [("AutoDownload", 4)]),
        (f"{C}applicationmanagement_allowappstoreautoupdate", "2", []),
        (
            f"{C}smartscreen_preventoverrideforfilesinshell",
            "1",
            [("ShellSmartScreenLevel", "Block")],
        ),
        (f"{C}experience_donotsyncbrowsersettings", "2", [("DisableWebBrowserSettingSync", 2)]),
        # "Not configured" values give no GP value
        (f"{C}applicationmanagement_allowalltrustedapps", "65535", []),
        # a check box without falseValue deletes its value; so does Disabled without a
        # disabledValue, and a policy without disabledValue turned off by a native CSP
        (
            f"{C}windowspowershell_turnonpowershellscriptblocklogging_enablescriptblockinvocationlogging",
            "0",
            [("EnableScriptBlockInvocationLogging", DELETE)],
        ),
        (f"{U}start_hidepeoplebar", "0", [("HidePeopleBar", DELETE)]),
        (f"{C}start_forcestartsize", "0", [("ForceStartSize", DELETE)]),
        # a drop-down that writes the policy's own value decides it; the parent gives none
        (f"{C}system_bootstartdriverinitialization", "1", []),
        (f"{C}system_bootstartdriverinitialization", "0", [("DriverLoadPolicy", DELETE)]),
        (
            f"{C}system_bootstartdriverinitialization_selectdriverloadpolicy",
            "3",
            [("DriverLoadPolicy", 3)],
        ),
        (f"{C}wirelessdisplay_requirepinforpairing", "2", [("RequirePinForPairing", 2)]),
        # security options whose psd1 lists only some values
        (
            f"{C}localpoliciessecurityoptions_networksecurity_minimumsessionsecurityforntlmsspbasedclients",
            "537395200",
            [("NTLMMinClientSec", 537395200)],
        ),
    ],
)
def test_hand_checked_translations(
    key: str, option: str, expected: list[tuple[str, object]]
) -> None:
    assert _gp(key, option) == expected


def test_partial_entries_say_why_and_assume_nothing() -> None:
    partial = [e for e in load_mapping().entries.values() if e.confidence is Confidence.PARTIAL]
    assert all(e.reason for e in partial)
    assert [e.id for e in partial if "assum" in (e.reason or "")] == []
    assert len(partial) < 250
