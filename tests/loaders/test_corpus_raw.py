"""Every raw GPO file of the shared corpus parses, and known values come out exactly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from checker.core.values import Fact
from checker.kinds import Kind
from checker.loaders import audit_csv, gpo_backup, gpttmpl, registry_pol
from tests.conftest import first_set

W11 = "gpo/msft-windows11-24h2"
W11_COMPUTER = f"{W11}/MSFT Windows 11 24H2 - Computer/{{DAD42DA1-8499-42FE-A1CD-9E39196D8B98}}"
MACHINE = "DomainSysvol/GPO/Machine"

PARSERS: dict[str, Callable[[Path], list[Fact]]] = {
    "registry.pol": lambda p: registry_pol.parse(p.read_bytes(), str(p), registry_pol.hive_of(p)),
    "gpttmpl.inf": lambda p: gpttmpl.parse(p.read_bytes(), str(p)),
    "audit.csv": lambda p: audit_csv.parse(p.read_bytes(), str(p)),
}


@pytest.fixture(scope="module")
def raw_files(corpus: Path) -> dict[str, list[Path]]:
    """Every registry.pol, GptTmpl.inf and audit.csv of the corpus, by lower-case name."""
    found: dict[str, list[Path]] = {name: [] for name in PARSERS}
    for path in sorted(corpus.rglob("*")):
        name = path.name.casefold()
        if name in found and path.is_file():
            found[name].append(path)
    return found


@pytest.fixture(scope="module")
def parsed(raw_files: dict[str, list[Path]]) -> dict[Path, list[Fact]]:
    return {path: PARSERS[name](path) for name, paths in raw_files.items() for path in paths}


def test_every_raw_file_parses(
    raw_files: dict[str, list[Path]], parsed: dict[Path, list[Fact]]
) -> None:
    assert {name: len(first_set(paths)) for name, paths in raw_files.items()} == {
        "registry.pol": 27,
        "gpttmpl.inf": 20,
        "audit.csv": 10,
    }
    assert len(parsed) == sum(map(len, raw_files.values()))


def test_every_registry_pol_round_trips_byte_for_byte(raw_files: dict[str, list[Path]]) -> None:
    for path in raw_files["registry.pol"]:
        data = path.read_bytes()
        entries = [entry for _offset, entry in registry_pol.read_entries(data, str(path))]
        assert registry_pol.write(entries) == data, path


def test_sniffers_recognise_every_raw_file(raw_files: dict[str, list[Path]]) -> None:
    sniffers = {
        "registry.pol": registry_pol.sniff,
        "gpttmpl.inf": gpttmpl.sniff,
        "audit.csv": audit_csv.sniff,
    }
    for name, paths in raw_files.items():
        for path in paths:
            assert sniffers[name](path, path.read_bytes()[:4096]), path


def _facts(parsed: dict[Path, list[Fact]], corpus: Path, relative: str) -> list[Fact]:
    return parsed[corpus / relative]


def test_windows11_computer_values(corpus: Path, parsed: dict[Path, list[Fact]]) -> None:
    pol = _facts(parsed, corpus, f"{W11_COMPUTER}/{MACHINE}/registry.pol")
    inf = _facts(
        parsed, corpus, f"{W11_COMPUTER}/{MACHINE}/microsoft/windows nt/SecEdit/GptTmpl.inf"
    )
    csv = _facts(parsed, corpus, f"{W11_COMPUTER}/{MACHINE}/microsoft/windows nt/Audit/audit.csv")
    assert (len(pol), len(inf), len(csv)) == (140, 60, 23)
    by_key = {f.key: f for f in inf}
    lm = by_key[r"HKLM\System\CurrentControlSet\Control\Lsa!LmCompatibilityLevel"]
    assert (lm.value, lm.type, lm.origin.line) == (5, "REG_DWORD", 50)
    assert by_key["SeDenyNetworkLogonRight"].value == ["S-1-5-113"]
    assert by_key["SeImpersonatePrivilege"].value == [
        "S-1-5-19",
        "S-1-5-20",
        "S-1-5-32-544",
        "S-1-5-6",
    ]
    assert by_key["XboxGipSvc"].kind is Kind.SERVICE and by_key["XboxGipSvc"].value == 4
    assert by_key["System Access/LSAAnonymousNameLookup"].value == 0
    audit = {f.key: f.value for f in csv}
    assert (audit["Credential Validation"], audit["Account Lockout"]) == (
        "Success and Failure",
        "Failure",
    )
    deleted = [f.key.rpartition("!")[2] for f in pol if f.deleted]
    assert deleted == [
        "EnableScriptBlockInvocationLogging",
        "fUseMailto",
        "fAllowFullControl",
        "MaxTicketExpiry",
        "MaxTicketExpiryUnits",
    ]


def test_windows11_defender_first_entry(corpus: Path, parsed: dict[Path, list[Fact]]) -> None:
    defender = next(p for p in parsed if "24H2 - Defender" in str(p))
    first = parsed[defender][0]
    assert (first.key, first.value, first.type, first.origin.offset) == (
        r"HKLM\Software\Policies\Microsoft\Windows Defender!PUAProtection",
        1,
        "REG_DWORD",
        8,
    )
    assert len(parsed[defender]) == 40


def test_windows11_baseline_folder_as_backups(corpus: Path) -> None:
    sources = gpo_backup.load(corpus / W11)
    assert [(s.name, len(s.facts)) for s in sources] == [
        ("MSFT Windows 11 24H2 - Computer", 223),
        ("MSFT Windows 11 24H2 - Defender Antivirus", 40),
        ("MSFT Windows 11 24H2 - Domain Security", 8),
    ]
    assert all(f.origin.source == s.name for s in sources for f in s.facts)


def test_whole_corpus_as_backups(corpus: Path) -> None:
    sources = [s for s in gpo_backup.load(corpus / "gpo") if first_set([Path(s.path)])]
    # 1223 from registry.pol, Registry.xml, GptTmpl.inf and audit.csv, plus the 18 registry
    # settings of the LGPO-style ExtremePrivacy folder, which keeps them as machine.txt.
    assert (len(sources), sum(len(s.facts) for s in sources)) == (28, 1241)
    # The one GPO whose only settings are Preferences registry items is read from its
    # Registry.xml now, so no backup is left to be read from its gpreport.xml.
    assert [s.name for s in sources if not s.facts] == []


def test_marker_and_key_only_entries_in_the_wild(parsed: dict[Path, list[Fact]]) -> None:
    pols = first_set(path for path in parsed if path.name.casefold() == "registry.pol")
    facts = [f for path in pols for f in parsed[path]]
    delvals = sorted({f.key for f in facts if f.key.endswith("!**delvals.")})
    assert sorted(key.split("\\")[-1].partition("!")[0] for key in delvals) == [
        "DenyDeviceClasses",
        "ModuleNames",
        "SubscriptionManager",
    ]
    key_only = [f for f in facts if f.key.endswith("!")]
    assert {(f.type, f.value) for f in key_only} == {("REG_NONE", None)}
    assert len(key_only) == 7
