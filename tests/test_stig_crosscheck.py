"""The STIG benchmarks against the independent sources of their rules (issue 18), through the
real engine (tools/benchgen/crosscheck.py):

- DISA's own GPO packages (corpus ``gpo/disa-*``, each STIG's GPOs with the STIG Viewer
  checklist of the release they were built for): a benchmark generated from the checklist
  passes every check whose setting the GPOs set, but those that name a group only the site
  can name; whatever package of whatever release the corpus holds;
- the same packages against the shipped benchmark of a later release: every rule that does
  not pass is new since the package's release, changed by the later release, or
  site-specific -- none fails its own release too;
- HardeningKitty's transcription of the STIGs: every row that disagrees with the benchmark,
  with its reason.

Every disagreement is listed here with its reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.policy.compile import Benchmark
from checker.policy.load import load_benchmark
from tests.conftest import CORPUS, ROOT
from tools.benchgen import crosscheck, stig, xccdf

PACKAGES = sorted(CORPUS.glob("gpo/disa-*/GPO/*/Checklist/*.ckl")) if CORPUS.is_dir() else []
"""Every DISA GPO package of the corpus: its checklist; the GPOs are in ``../GPOs``."""

NOT_SET_IN_ITS_OWN_RELEASE = {
    # package -> check of the package's own release -> why the GPOs do not set it
    "DoD Windows Defender Antivirus STIG v1r6": {
        "own-wndf-av-000030": "the V1R6 text names the key ...\\Windows Defender\\Signature "
        "Update (a DISA typo: the GPO writes Signature Updates, fixed in V2R3)",
    },
}
"""The checks of a package's own release its GPOs do not set, where that is not the package
leaving the rule to the site (which the check's ``not_applicable`` says)."""


def _own(checklist: Path, tmp_path: Path) -> Benchmark:
    output = tmp_path / "own.yaml"
    assert (
        stig.main([str(checklist), "--id", "own", "--check-prefix", "own", "-o", str(output)]) == 0
    )
    return load_benchmark(output)


def _package(checklist: Path) -> str:
    return checklist.parent.parent.name


@pytest.mark.parametrize("checklist", PACKAGES, ids=_package)
def test_a_disa_package_passes_its_own_release(checklist: Path, tmp_path: Path) -> None:
    """Each check the GPOs set passes; what does not pass is site-specific (a deny right
    naming DISA's placeholder "ADD YOUR DOMAIN ADMINS", OneDrive's tenant) or listed."""
    found = crosscheck.against_gpos(_own(checklist, tmp_path), checklist.parent.parent / "GPOs")
    assert "fail" not in found.values(), found
    not_set = {check for check, why in found.items() if why == "not set"}
    assert not_set == set(NOT_SET_IN_ITS_OWN_RELEASE.get(_package(checklist), {}))


SITE_SPECIFIC_IN_V1R18 = {
    "own-wn10-ur-000070", "own-wn10-ur-000075", "own-wn10-ur-000080", "own-wn10-ur-000085",
    "own-wn10-ur-000090", "own-wn10-cc-000340-v-88203",
}  # fmt: skip


def test_the_windows_10_package_leaves_the_domain_groups_and_onedrive_to_the_site(
    corpus: Path, tmp_path: Path
) -> None:
    checklist = next(corpus.glob("gpo/disa-2019-07/GPO/DoD Windows 10 v1r18/Checklist/*.ckl"))
    found = crosscheck.against_gpos(_own(checklist, tmp_path), checklist.parent.parent / "GPOs")
    assert {
        check for check, why in found.items() if why == "site-specific"
    } == SITE_SPECIFIC_IN_V1R18


LATER = {
    # STIG id prefix of a package's rules -> the shipped benchmark of the later release
    "WN10": "stig-windows10",
    "WNDF": "stig-defender-antivirus",
}

RELEASE_CHANGES = {
    # package -> STIG id -> (class, reason)
    "DoD Windows 10 v1r18": {
        **{rule: ("new rule", "an audit subcategory V2 added") for rule in (
            "WN10-AU-000555", "WN10-AU-000560", "WN10-AU-000565", "WN10-AU-000570",
            "WN10-AU-000575", "WN10-AU-000580")},
        "WN10-AU-000585": ("new rule", "Process Creation failures; the GPO audits successes"),
        "WN10-CC-000007": ("new rule", "the camera"),
        "WN10-CC-000080": ("new rule", "HVCI 1 or 2; the GPO's 3 is 'not configured'"),
        "WN10-CC-000085": ("release change", "Early Launch Antimalware: an unset value no "
                           "longer complies"),
        "WN10-CC-000327": ("new rule", "PowerShell transcription"),
        "WN10-CC-000328": ("new rule", "preview and reading panes (HKCU)"),
        "WN10-CC-000370": ("new rule", "convenience PIN"),
        "WN10-CC-000385": ("new rule", "Ink Workspace"),
        "WN10-CC-000390": ("new rule", "third-party suggestions (HKCU)"),
        "WN10-EP-000310": ("new rule", "Kernel DMA protection"),
        **{rule: ("site-specific", "the deny rights name the site's Domain and Enterprise "
                  "Admins; the GPO holds DISA's placeholders") for rule in (
            "WN10-UR-000070", "WN10-UR-000075", "WN10-UR-000080", "WN10-UR-000085",
            "WN10-UR-000090")},
    },
    "DoD Windows Defender Antivirus STIG v1r6": {
        "WNDF-AV-000001": ("release change", "PUA protection: V1R6 read MpEngine!MpEnablePus "
                           "(which the GPO sets), V2R3 on Windows Defender!PUAProtection"),
    },
}  # fmt: skip


@pytest.mark.parametrize("checklist", PACKAGES, ids=_package)
def test_a_disa_package_against_the_shipped_release(checklist: Path, tmp_path: Path) -> None:
    own = _own(checklist, tmp_path)
    prefix = next(c.info.references[3].split("-")[0] for c in own.checks)
    if prefix not in LATER:
        pytest.skip(f"no shipped benchmark of {prefix} rules")
    later = load_benchmark(ROOT / "policies" / f"{LATER[prefix]}.yaml")
    found = crosscheck.release_changes(own, later, checklist.parent.parent / "GPOs")
    assert "fails its own release too" not in found.values()
    listed = RELEASE_CHANGES.get(_package(checklist), {})
    assert found == {rule: cls for rule, (cls, _) in listed.items()}


RELEASES = sorted(CORPUS.glob("benchmarks/stig-xccdf/**/*-xccdf.xml")) if CORPUS.is_dir() else []
"""Every DISA XCCDF of the corpus, of whatever release (the edited test copies, which the
generator refuses, are left out below)."""


def _releases_of(prefix: str) -> list[Path]:
    """The corpus XCCDFs whose rules carry ``prefix`` (``WN10``), DISA's own only."""
    found = []
    for path in RELEASES:
        bench = xccdf.read(path)
        if not bench.test and bench.rules[0].stig_id.split("-")[0] == prefix:
            found.append(path)
    return found


@pytest.mark.parametrize("checklist", PACKAGES, ids=_package)
def test_a_disa_package_against_every_release_of_the_corpus(
    checklist: Path, tmp_path: Path
) -> None:
    """Not only the shipped release: against each release of its STIG the corpus holds, a
    package's non-passes are rules new since its release (which it cannot know), or release
    changes and site-specific rules the shipped release's list above names with the same
    class; never a rule that fails its own release too."""
    own = _own(checklist, tmp_path)
    prefix = next(c.info.references[3].split("-")[0] for c in own.checks)
    releases = _releases_of(prefix)
    if not releases:
        pytest.skip(f"no XCCDF of {prefix} rules in the corpus")
    listed = {rule: cls for rule, (cls, _) in RELEASE_CHANGES.get(_package(checklist), {}).items()}
    for path in releases:
        output = tmp_path / f"{path.stem}.yaml"
        assert stig.main([str(path), "--id", "r", "--check-prefix", "r", "-o", str(output)]) == 0
        gpos = checklist.parent.parent / "GPOs"
        found = crosscheck.release_changes(own, load_benchmark(output), gpos)
        unlisted = {
            rule: cls for rule, cls in found.items() if cls not in ("new rule", listed.get(rule))
        }
        assert unlisted == {}, path


# -- HardeningKitty ---------------------------------------------------------------------------

HK = "benchmarks/hardeningkitty/lists/finding_list_dod_"
LISTS = {
    "stig-windows10": ("microsoft_windows_10_stig_v2r1_machine",
                       "microsoft_windows_10_stig_v2r1_user"),
    "stig-windows-server-2019-member": ("microsoft_windows_server_2019_member_stig_v2r1_machine",
                                        "microsoft_windows_server_2019_member_stig_v2r1_user"),
    "stig-windows-server-2019-dc": ("microsoft_windows_server_2019_dc_stig_v2r1_machine",
                                    "microsoft_windows_server_2019_dc_stig_v2r1_user"),
    "stig-defender-antivirus": ("windows_defender_antivirus_stig_v2r1",),
}  # fmt: skip
"""The HardeningKitty lists of each STIG (its V2R1; the corpus has none of Windows 11 or
Server 2022).  Their rows use the pre-2020 V-ids, which the XCCDF lists as legacy ids."""

BOUND = "HardeningKitty's '=' where the STIG gives a bound"
ALTERNATIVE = "HardeningKitty's '=' to one of the STIG's alternatives"
BANNER = "HardeningKitty writes the banner's lines joined by commas"
ACCOUNT_POLICY = {  # account and lockout policy, the same rows in every Windows list
    "windows10": ("ac-000005", "ac-000010", "ac-000015", "ac-000020", "ac-000025", "ac-000030",
                  "ac-000035"),
    "server": ("ac-000010", "ac-000020", "ac-000030", "ac-000040", "ac-000050", "ac-000060",
               "ac-000070"),
}  # fmt: skip
_HK_IDS = {
    "windows10": ("V-63405", "V-63409", "V-63413", "V-63415", "V-63419", "V-63421", "V-63423"),
    "server": ("V-93145", "V-93141", "V-93143", "V-93479", "V-93477", "V-93471", "V-93463"),
}


def _account_policy(family: str, prefix: str) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (hk_id, f"{prefix}-{rule}"): ("narrower", BOUND)
        for hk_id, rule in zip(_HK_IDS[family], ACCOUNT_POLICY[family], strict=True)
    }


SERVER_2019 = {
    ("V-93285", "so-000100"): ("narrower", BOUND),
    ("V-92961", "so-000120"): ("narrower", BOUND),
    ("V-93147", "so-000130"): ("disagree", BANNER),
    ("V-93149", "so-000140"): ("narrower", "one of the STIG's two banner titles"),
    ("V-93287", "so-000150"): ("narrower", ALTERNATIVE),
    ("V-93493", "so-000350"): ("disagree", "ForceKeyProtection 1 where the STIG requires 2"),
    ("V-93523", "so-000400"): ("narrower", ALTERNATIVE),
    ("V-93173", "cc-000090"): ("disagree", "inverted: the STIG requires command line process "
                               "auditing (1)"),
    ("V-93245", "cc-000110-requireplatformsecurityfeatures"): ("narrower", ALTERNATIVE),
    ("V-93257", "cc-000250"): ("narrower", ALTERNATIVE),
    ("V-93259", "cc-000260"): ("narrower", ALTERNATIVE),
    ("V-93403", "cc-000160"): ("wrong id", "the setting is WN19-CC-000160's; V-93403 is "
                               "WN19-CC-000150"),
    ("V-93245", "registry:HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\DeviceGuard!"
     "HypervisorEnforcedCodeIntegrity"): ("other setting", "HVCI, which V3R1's rule does not "
                                          "name on Server"),
    ("V-93251", "registry:HKLM\\Software\\Policies\\Microsoft\\Windows\\Group Policy\\"
     "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}!NoBackgroundPolicy"): (
        "other setting", "NoBackgroundPolicy where the STIG reads NoGPOListChanges"),
    ("V-93411", "registry:HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\System!"
     "ShellSmartScreenLevel"): ("other setting", "the Server STIG reads EnableSmartScreen "
                                "only"),
}  # fmt: skip


def _server(prefix: str) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (hk_id, subject if ":" in subject else f"{prefix}-wn19-{subject}"): why
        for (hk_id, subject), why in SERVER_2019.items()
    }


DISAGREEMENTS: dict[str, dict[tuple[str, str], tuple[str, str]]] = {
    "stig-windows10": {
        **_account_policy("windows10", "stig-win10-wn10"),
        ("V-63871", "stig-win10-wn10-ur-000070"): ("disagree", "names the Guest account where "
                                                   "the STIG denies the Guests group"),
        ("V-63661", "stig-win10-wn10-so-000055"): ("narrower", BOUND),
        ("V-63669", "stig-win10-wn10-so-000070"): ("narrower", BOUND),
        ("V-63675", "stig-win10-wn10-so-000075"): ("disagree", BANNER),
        ("V-63681", "stig-win10-wn10-so-000080"): ("narrower", "one of the STIG's two banner "
                                                   "titles"),
        ("V-63687", "stig-win10-wn10-so-000085"): ("narrower", BOUND),
        ("V-63697", "stig-win10-wn10-so-000095"): ("narrower", ALTERNATIVE),
        **{("V-72329", f"stig-win10-wn10-cc-000039-{name}"): (
            "disagree", "hex read as decimal: 0x00001000 is 4096, not 1000")
           for name in ("batfile", "cmdfile", "exefile", "mscfile")},
        ("V-68817", "stig-win10-wn10-cc-000066"): ("disagree", "inverted: the STIG requires "
                                                   "command line process auditing (1)"),
        ("V-63595", "stig-win10-wn10-cc-000070-requireplatformsecurityfeatures"): (
            "narrower", ALTERNATIVE),
        ("V-63603", "stig-win10-wn10-cc-000080"): ("wrong id", "HVCI's V1 id, which V2 does not "
                                                   "list; and '=' to one of 1 or 2"),
        ("V-63607", "stig-win10-wn10-cc-000085"): ("narrower", ALTERNATIVE),
        ("V-63721", "stig-win10-wn10-cc-000260"): ("narrower", BOUND),
        ("V-94861", "stig-win10-wn10-00-000032"): ("narrower", BOUND),
        ("V-65681", "stig-win10-wn10-cc-000206"): ("narrower", ALTERNATIVE),
        ("V-63683", "stig-win10-wn10-cc-000205"): ("disagree", "2, which the STIG allows only "
                                                   "with V-220833 (Windows Analytics limited)"),
        ("V-99561", "stig-win10-wn10-cc-000385"): ("disagree", "inverted: the STIG requires 1 "
                                                   "(on, not above the lock)"),
        ("V-71761", "stig-win10-wn10-so-000030"): ("wrong id", "the setting is WN10-SO-000030's"),
        ("V-71765", "stig-win10-wn10-cc-000060"): ("wrong id", "the setting is WN10-CC-000060's"),
        ("V-71763", "stig-win10-wn10-cc-000360"): ("wrong id", "the setting is WN10-CC-000360's"),
        ("V-230220", "stig-win10-wn10-cc-000327"): ("wrong id", "V2R1's id; V2R9 numbers the "
                                                    "rule V-252896"),
        ("V-74719", "registry:HKLM\\SYSTEM\\CurrentControlSet\\Services\\seclogon!Start"): (
            "other setting", "the service's Start value where the STIG reads its start mode "
            "(GptTmpl's [Service General Setting])"),
        ("V-63609", "registry:HKLM\\Software\\Policies\\Microsoft\\Windows\\Group Policy\\"
         "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}!NoBackgroundPolicy"): (
            "other setting", "NoBackgroundPolicy where the STIG reads NoGPOListChanges"),
        **{("V-94859", f"registry:HKLM\\Software\\Policies\\Microsoft\\FVE!{name}"): (
            "other setting", "a value the STIG does not name: it asks for UseTPMPIN or "
            "UseTPMKeyPIN, not all four")
           for name in ("EnableBDEWithNoTPM", "UseTPM", "UseTPMKey")},
    },
    "stig-windows-server-2019-member": {
        **_account_policy("server", "stig-ws2019-ms-wn19"),
        **_server("stig-ws2019-ms"),
        ("V-93007", "stig-ws2019-ms-wn19-ms-000070"): ("disagree", "Remote Desktop Users where "
                                                       "the STIG says Authenticated Users"),
        ("V-93009", "stig-ws2019-ms-wn19-ms-000080"): ("disagree", "names the Guest account "
                                                       "where the STIG denies the Guests group"),
        ("V-93011", "stig-ws2019-ms-wn19-ms-000090"): ("disagree", "leaves out the Guests group"),
        ("V-92963", "stig-ws2019-ms-wn19-ms-000120"): ("wrong id", "an id V3R1 does not list "
                                                       "for the rule"),
    },
    "stig-windows-server-2019-dc": {
        **_account_policy("server", "stig-ws2019-dc-wn19"),
        **_server("stig-ws2019-dc"),
        ("V-93007", "stig-ws2019-dc-wn19-dc-000340"): (
            "wrong id", "the member server rule's id; and Remote Desktop Users where the STIG "
            "says Authenticated Users"),
        **{(hk_id, f"stig-ws2019-dc-wn19-dc-{rule}"): (
            "wrong id", "the DC's value filed under the member server rule's id")
           for hk_id, rule in (("V-93009", "000370"), ("V-93011", "000380"),
                               ("V-93013", "000390"), ("V-93015", "000400"),
                               ("V-93047", "000420"))},
    },
    "stig-defender-antivirus": {
        ("V-75237", "stig-defender-wndf-av-000026"): ("narrower", "0, where the STIG accepts "
                                                      "any day 0 to 7"),
        ("V-75241", "stig-defender-wndf-av-000028"): ("narrower", BOUND),
        ("V-75243", "stig-defender-wndf-av-000029"): ("narrower", BOUND),
        ("V-75247", "stig-defender-wndf-av-000031"): ("narrower", ALTERNATIVE),
        **{("V-75247", f"stig-defender-wndf-av-0000{rule}"): (
            "wrong id", "severity levels 1, 2 and 4 are rules of their own")
           for rule in ("40", "41", "42")},
        ("V-75209", "stig-defender-wndf-av-000039"): ("wrong id", "network protection is a "
                                                      "rule of its own"),
        ("V-75247", "registry:HKLM\\Software\\Policies\\Microsoft\\Windows Defender\\Threats!"
         "Threats_ThreatSeverityDefaultAction"): (
            "other setting", "the switch of the per-severity actions, which the STIG does not "
            "name"),
    },
}  # fmt: skip

AGREE = {
    "stig-windows10": 167,
    "stig-windows-server-2019-member": 137,
    "stig-windows-server-2019-dc": 138,
    "stig-defender-antivirus": 22,
}
"""HardeningKitty's rows whose value the benchmark's check of the same setting passes and
whose assertion passes what the STIG accepts."""


@pytest.mark.parametrize("name", sorted(LISTS))
def test_hardeningkitty_disagreements_are_listed(name: str, corpus: Path) -> None:
    path = ROOT / "policies" / f"{name}.yaml"
    benchmark = load_benchmark(path, crosscheck.site_parameters(path))
    lists = [corpus / f"{HK}{stem}.csv" for stem in LISTS[name]]
    rows = crosscheck.against_hardeningkitty(benchmark, lists)
    quiet = ("agree", "not in the release", "unsupported")
    found = {(row.finding.id, row.subject): row.status for row in rows if row.status not in quiet}
    assert found == {key: status for key, (status, _) in DISAGREEMENTS[name].items()}
    assert sum(row.status == "agree" for row in rows) == AGREE[name]
    # Rows HardeningKitty reads from the live system (exploit protection per process, ...).
    unsupported = {row.detail for row in rows if row.status == "unsupported"}
    assert all("live" in reason or "exploit" in reason for reason in unsupported), unsupported
