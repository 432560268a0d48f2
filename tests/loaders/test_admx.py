"""The ADMX index: display names of every release, told apart by category and by what the
report shows, never guessed; and the generator that builds it from several releases."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from checker.loaders import admx
from checker.loaders.admx import Option, Resolution, Write
from tools import gen_admx_index

DEFENDER = "Software\\Policies\\Microsoft\\Windows Defender"
EDGE_LEGACY = "Software\\Policies\\Microsoft\\MicrosoftEdge\\PhishingFilter"


def _written(resolution: Resolution | str) -> list[tuple[str, str, object]]:
    assert isinstance(resolution, Resolution), resolution
    return [(w.key, w.name, w.value) for w in resolution.writes if not w.deleted]


@pytest.mark.parametrize(
    ("name", "category", "state", "options", "expected"),
    [
        # A name of Windows 10 1607 to 1809, "Allow Diagnostic Data" now.
        (
            "Allow Telemetry",
            "Windows Components/Data Collection and Preview Builds",
            "Enabled",
            (Option("", value="1 - Basic"),),
            [("Software\\Policies\\Microsoft\\Windows\\DataCollection", "AllowTelemetry", 1)],
        ),
        # "Windows Defender" (1607) and "Microsoft Defender Antivirus" (now) are told apart
        # by the category: the policy's meaning was reversed between them.
        (
            "Configure local administrator merge behavior for lists",
            "Windows Components/Windows Defender",
            "Enabled",
            (),
            [(DEFENDER, "DisableLocalAdminMerge", 0)],
        ),
        (
            "Configure local administrator merge behavior for lists",
            "Windows Components/Microsoft Defender Antivirus",
            "Enabled",
            (),
            [(DEFENDER, "DisableLocalAdminMerge", 1)],
        ),
        # A category path of a release between two indexed ones (1903 to 2004): each
        # category under a name some release gave it.
        (
            "Turn off Windows Defender Antivirus",
            "Windows Components/Windows Defender Antivirus",
            "Enabled",
            (),
            [(DEFENDER, "DisableAntiSpyware", 1)],
        ),
        # The option values tell releases apart ("LAN" in 1607, "LAN (1)" since 1809).
        (
            "Download Mode",
            "Windows Components/Delivery Optimization",
            "Enabled",
            (Option("Download Mode:", value="LAN (1)"),),
            [("SOFTWARE\\Policies\\Microsoft\\Windows\\DeliveryOptimization", "DODownloadMode", 1)],
        ),
        # Legacy LAPS: curated (tools/admx_curated.yaml), AdmPwd.admx is not in the corpus.
        (
            "Enable local admin password management",
            "LAPS",
            "Enabled",
            (),
            [("Software\\Policies\\Microsoft Services\\AdmPwd", "AdmPwdEnabled", 1)],
        ),
        # SecGuide.admx marks renamed policies "(DEPRECATED)"; reports of their time do not.
        (
            "Limits print driver installation to Administrators",
            "MS Security Guide",
            "Enabled",
            (),
            [
                (
                    "Software\\Policies\\Microsoft\\Windows NT\\Printers\\PointAndPrint",
                    "RestrictDriverInstallationToAdministrators",
                    1,
                )
            ],
        ),
    ],
)
def test_names_of_every_release_resolve(
    name: str, category: str, state: str, options: tuple[Option, ...], expected: list[object]
) -> None:
    assert _written(admx.resolve(name, category, "Machine", state, options)) == expected


@pytest.mark.parametrize(
    ("name", "category", "reason"),
    [
        # Same name, category, ADMX file, policy id and text; only the key differs: legacy
        # Edge's up to Windows 10 1809, Chromium Edge's in Windows 11.  Not guessed.
        (
            "Configure Windows Defender SmartScreen",
            "Windows Components/Windows Defender SmartScreen/Microsoft Edge",
            f"ambiguous: {EDGE_LEGACY}!EnabledV9 in win10-1809; "
            "Software\\Policies\\Microsoft\\Edge!SmartScreenEnabled in current",
        ),
        # One policy of this name exists, elsewhere: a site's own "Cookies" is not Firefox's.
        (
            "Cookies",
            "Magret-Utilisateurs 1805/01. Redirection de dossiers complements",
            "an ADMX policy of this name is known only under Mozilla/Firefox/Clear data when "
            "browser is closed",
        ),
        (
            "Configurer Windows Defender SmartScreen",
            "Composants Windows/Windows Defender SmartScreen/Explorateur",
            "no ADMX policy of this name is known",
        ),
    ],
)
def test_what_cannot_be_told_is_unmapped_with_the_reason(
    name: str, category: str, reason: str
) -> None:
    assert admx.resolve(name, category, "Machine", "Enabled") == reason
    assert admx.find_policy(name, category, "Machine") is None


def test_a_policy_for_the_other_configuration_is_unmapped() -> None:
    found = admx.resolve(
        "Turn off toast notifications on the lock screen",
        "Start Menu and Taskbar/Notifications",
        "Machine",
        "Enabled",
    )
    assert found == "no ADMX policy of this name applies to the Machine configuration"


def test_a_disabled_check_box_writes_its_false_value() -> None:
    policy = {
        "k": "K",
        "v": "On",
        "el": [
            {"t": "boolean", "v": "Box", "on": ["d", 1], "off": ["d", 0]},
            {"t": "text", "v": "T"},
        ],
    }
    assert admx.writes(policy, "Disabled", []).writes == (
        Write("K", "On", None, None, deleted=True),
        Write("K", "Box", "REG_DWORD", 0),
        Write("K", "T", None, None, deleted=True),
    )


# -- the generator ---------------------------------------------------------------------------

PD = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"
ADMX = """<?xml version="1.0" encoding="utf-8"?>
<policyDefinitions xmlns="{PD}" revision="1.0" schemaVersion="1.0">
  <policyNamespaces><target prefix="t" namespace="Test.Policies.T" /></policyNamespaces>
  <categories>
    <category name="Root" displayName="$(string.Root)" />
    <category name="Leaf" displayName="$(string.Leaf)"><parentCategory ref="Root" /></category>
  </categories>
  <policies>
    <policy name="P" class="Machine" displayName="$(string.P)" key="Software\\Policies\\T"
            valueName="{value}">
      <parentCategory ref="Leaf" />
    </policy>
  </policies>
</policyDefinitions>
"""

ADML = """<policyDefinitionResources xmlns="{PD}" revision="1.0" schemaVersion="1.0">
  <resources><stringTable>
    <string id="Root">{root}</string><string id="Leaf">Leaf</string><string id="P">{name}</string>
  </stringTable></resources>
</policyDefinitionResources>
"""


def _release(folder: Path, language: str, root: str, name: str, value: str) -> Path:
    """A PolicyDefinitions folder of one ADMX file (``t.admx``) and its ADML, the way older
    central stores keep them: ``en-us``, a lower-case ADML name, no XML declaration."""
    (folder / language).mkdir(parents=True)
    (folder / "T.admx").write_text(ADMX.format(PD=PD, value=value), encoding="utf-8")
    adml = ADML.format(PD=PD, root=root, name=name)
    (folder / language / "t.adml").write_text(adml, encoding="utf-8")
    return folder


def _two_releases(tmp_path: Path, old: tuple[str, str, str], new: tuple[str, str, str]) -> dict:
    """The index of an older release (in ``admx-history``, as the corpus keeps them) and a
    current one, each (root category, policy name, value name)."""
    mapping = tmp_path / "mapping"
    _release(mapping / "admx-history" / "0000-win10-1607" / "PolicyDefinitions", "en-us", *old)
    _release(mapping / "admx", "en-US", *new)
    history = gen_admx_index.History()
    for label, folder in gen_admx_index.releases(mapping / "admx"):
        history.add(label, gen_admx_index.Catalog(folder))
    index: dict = history.index()
    return index


def test_the_index_keeps_every_release_name_and_category(tmp_path: Path) -> None:
    index = _two_releases(
        tmp_path, ("Windows Root", "Old name", "V"), ("Microsoft Root", "New name", "V")
    )
    assert index["releases"] == ["win10-1607", "current"]
    assert index["names"] == {"new name": [0], "old name": [0]}
    (variant,) = index["variants"]
    assert (variant["cats"], variant["rel"]) == (
        ["Microsoft Root/Leaf", "Windows Root/Leaf"],
        [0, 1],
    )


def test_a_release_that_writes_otherwise_is_a_variant_of_its_own(tmp_path: Path) -> None:
    index = _two_releases(tmp_path, ("Root", "P", "Old"), ("Root", "P", "New"))
    assert [(v["v"], v["rel"]) for v in index["variants"]] == [("Old", [0]), ("New", [1])]


def test_an_admx_file_without_its_adml_is_an_error(tmp_path: Path) -> None:
    folder = _release(tmp_path / "admx", "en-US", "Root", "P", "V")
    (folder / "en-US" / "t.adml").unlink()
    with pytest.raises(SystemExit, match=r"T\.admx: no en-US ADML file beside it"):
        gen_admx_index.Catalog(folder)


def test_curated_entries_are_marked(tmp_path: Path) -> None:
    entries = gen_admx_index.curated()
    assert all(entry.get("evidence") for entry in entries)
    history = gen_admx_index.History()
    history.add_curated(entries)
    assert all(variant["cur"] for variant in history.index()["variants"])


def test_the_shipped_index_is_what_the_generator_makes(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index.json.gz"
    assert gen_admx_index.main([str(corpus / "mapping" / "admx"), str(out)]) == 0
    shipped = Path(admx.__file__).parent.parent / "data" / "admx_index.json.gz"
    assert out.read_bytes() == shipped.read_bytes(), "run: python -m tools.gen_admx_index"
    head, *variants = gzip.decompress(out.read_bytes()).split(b"\n")
    assert json.loads(head)["releases"] == ["win10-1607", "win10-1809", "current"]
    # JSON Lines: a variant a line, each a whole object (a line is decoded when named).
    assert all(json.loads(line)["cls"] in ("Machine", "User", "Both") for line in variants)
    numbers = {n for found in json.loads(head)["names"].values() for n in found}
    assert numbers == set(range(len(variants)))
