"""Write the fixtures of Group Policy reports as Windows and git really leave them, and a GPO
backup whose raw files and gpreport.xml state the same settings in every shape that differs
between the two.

- ``fixtures/gpreport/repairs/``: one small report per repair ``xmlsafe.read_report`` makes:
  a declared encoding the bytes contradict, for each real encoding (UTF-8 with and without a
  BOM, Windows-1252, UTF-16LE without a BOM, UTF-16BE with one), and a bare ``&`` in a GPO
  name, as ``Get-GPOReport`` writes it;
- ``fixtures/gpreport/all-gpos.xml``: ``Get-GPOReport -All``: a ``report`` root without a
  namespace holding three GPOs, two of one name;
- ``fixtures/gpreport/localized-fr.xml``: a report from a French Windows (translated policy
  names, language-neutral security settings);
- ``fixtures/gpresult/planned-rsop.xml``: GPMC modelling (``DataType`` PlanningData), no
  computer or user named;
- ``fixtures/gpo-with-report/{GUID}``: registry.pol, GptTmpl.inf and gpreport.xml of one GPO:
  firewall profile settings, a multi-line text and a list box, an ADMX name of an older
  release, a curated (legacy LAPS) policy, AppLocker, REG_BINARY and a multi-line text with
  commas in GptTmpl, user rights named in GptTmpl and by SID in the report, event log sizes.

    python -m tools.make_report_fixtures           # write them
    python -m tools.make_report_fixtures --check   # exit 1 when a fixture is out of date
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from checker.loaders import registry_pol
from tools.make_gp_xml_fixtures import RSOP, SETTINGS, TYPES, gpo, windows_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
GUID = "{16161616-0000-4000-8000-000000000016}"

POLICY = f"""\
      <Extension xmlns:q1="{SETTINGS}/Registry" xsi:type="q1:RegistrySettings">
        <q1:Policy>
          <q1:Name>Turn off multicast name resolution</q1:Name>
          <q1:State>Enabled</q1:State>
          <q1:Category>Network/DNS Client</q1:Category>
        </q1:Policy>
      </Extension>"""

ACCOUNT = f"""\
      <Extension xmlns:q1="{SETTINGS}/Security" xsi:type="q1:SecuritySettings">
        <q1:Account>
          <q1:Name>MinimumPasswordLength</q1:Name>
          <q1:SettingNumber>14</q1:SettingNumber>
          <q1:Type>Password</q1:Type>
        </q1:Account>
      </Extension>"""


def declared(text: str, encoding: str) -> str:
    """``text`` with an XML declaration naming ``encoding``, lines ending in CRLF."""
    return f'<?xml version="1.0" encoding="{encoding}"?>\r\n' + text.replace("\n", "\r\n") + "\r\n"


def repairs() -> dict[str, bytes]:
    """A report whose GPO name is not ASCII (é, and ’ which Windows-1252 keeps at 0x92), in
    each encoding a re-save can leave under a declaration it keeps; and a bare ``&``."""
    report = gpo(
        "Sécurité – l’essentiel",
        "{16000000-0000-4000-8000-000000000001}",
        [("Registry", POLICY)],
        [],
    )
    ampersand = gpo(
        "MSFT Windows Server 2016 & Windows 10 1607 - Defender Antivirus",
        "{16000000-0000-4000-8000-000000000002}",
        [("Registry", POLICY)],
        [],
    )
    utf16 = declared(report, "utf-16")
    return {
        "utf8-bom-declares-utf16.xml": codecs.BOM_UTF8 + utf16.encode("utf-8"),
        "utf8-declares-utf16.xml": utf16.encode("utf-8"),
        "cp1252-declares-utf16.xml": utf16.encode("cp1252"),
        "utf16le-declares-utf8.xml": declared(report, "utf-8").encode("utf-16-le"),
        "utf16be-bom-declares-utf8.xml": codecs.BOM_UTF16_BE
        + declared(report, "utf-8").encode("utf-16-be"),
        "bare-ampersand.xml": windows_text(ampersand),
    }


def all_gpos() -> bytes:
    """``Get-GPOReport -All -ReportType Xml``: ``<report>`` without a namespace."""
    gpos = [
        gpo("Workstations", "{16000000-0000-4000-8000-00000000000a}", [("Registry", POLICY)], []),
        gpo("Workstations", "{16000000-0000-4000-8000-00000000000b}", [("Security", ACCOUNT)], []),
        gpo("Servers", "{16000000-0000-4000-8000-00000000000c}", [("Security", ACCOUNT)], []),
    ]
    return windows_text("<report>\n" + "\n".join(gpos) + "\n</report>")


LOCALIZED = f"""\
      <Extension xmlns:q1="{SETTINGS}/Registry" xsi:type="q1:RegistrySettings">
        <q1:Policy>
          <q1:Name>Configurer Windows Defender SmartScreen</q1:Name>
          <q1:State>Enabled</q1:State>
          <q1:Category>Composants Windows/Windows Defender SmartScreen/Explorateur</q1:Category>
          <q1:DropDownList>
            <q1:Name>Choisissez l’un des paramètres suivants :</q1:Name>
            <q1:State>Enabled</q1:State>
            <q1:Value>
              <q1:Name>Avertir et empêcher le contournement</q1:Name>
            </q1:Value>
          </q1:DropDownList>
        </q1:Policy>
      </Extension>"""


def localized() -> bytes:
    """A report of a French Windows: translated names and states; security settings are
    the same in every language."""
    return windows_text(
        gpo(
            "Poste de travail",
            "{16000000-0000-4000-8000-00000000000f}",
            [("Sécurité", ACCOUNT), ("Registre", LOCALIZED)],
            [],
        )
    )


def planned() -> bytes:
    """GPMC modelling of the small gpresult's computer: what a computer in an OU would get;
    no computer is named, the OU modelled is."""
    computer = RSOP[: RSOP.index("  <UserResults>")] + "</Rsop>"
    for logged, modelled in (
        ("</ReadTime>\n", "</ReadTime>\n  <DataType>PlanningData</DataType>\n"),
        ("<Name>EXAMPLE\\WS01$</Name>", "<Name />"),
        ("<Site>Lab</Site>", "<SOM>example.test/Workstations</SOM>"),
    ):
        assert logged in computer, logged
        computer = computer.replace(logged, modelled)
    return windows_text(computer)


# -- one GPO, raw files and report ---------------------------------------------------------

FIREWALL_KEY = "Software\\Policies\\Microsoft\\WindowsFirewall"
ECC_KEY = "SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002"
DEVICE_KEY = "Software\\Policies\\Microsoft\\Windows\\DeviceInstall\\Restrictions"
SRP_KEY = "Software\\Policies\\Microsoft\\Windows\\SrpV2\\Exe"
RULE_ID = "921cc481-6e17-4653-8f75-050b80acca20"
RULE_ATTRIBUTES = (
    f'Id="{RULE_ID}" Name="(Default Rule) All files located in the Program Files folder" '
    'Description="Allows members of the Everyone group to run applications that are located in '
    'the Program Files folder." UserOrGroupSid="S-1-1-0" Action="Allow"'
)
RULE = (
    f"<FilePathRule {RULE_ATTRIBUTES}><Conditions>"
    '<FilePathCondition Path="%PROGRAMFILES%\\*"/></Conditions></FilePathRule>\r\n'
)
BANNER = (
    "You are accessing a system (which includes (1) this computer",
    "(2) this network, and (3) all devices), for authorized use only, this IS), you consent.",
)


def registry_entries() -> list[registry_pol.PolEntry]:
    """registry.pol as the Group Policy editor writes the policies the report shows."""
    make = registry_pol.make_entry
    return [
        make(f"{FIREWALL_KEY}\\DomainProfile", "EnableFirewall", 1),
        make(f"{FIREWALL_KEY}\\DomainProfile", "DefaultInboundAction", 1),
        make(f"{FIREWALL_KEY}\\PublicProfile\\Logging", "LogFileSize", 16384),
        make(ECC_KEY, "EccCurves", ["NistP384", "NistP256"]),
        make(DEVICE_KEY, "DenyDeviceIDs", 1),
        make(DEVICE_KEY, "DenyDeviceIDsRetroactive", 0),
        make(f"{DEVICE_KEY}\\DenyDeviceIDs", "**delvals.", " "),
        make(f"{DEVICE_KEY}\\DenyDeviceIDs", "1", "PCI\\CC_0C0A"),
        make(f"{DEVICE_KEY}\\DenyDeviceIDs", "2", "PCI\\CC_0C0010"),
        make("Software\\Policies\\Microsoft\\Windows\\DataCollection", "AllowTelemetry", 1),
        make("Software\\Policies\\Microsoft Services\\AdmPwd", "AdmPwdEnabled", 1),
        make(SRP_KEY, "EnforcementMode", 1),
        make(f"{SRP_KEY}\\{RULE_ID}", "Value", RULE),
    ]


def gpttmpl() -> bytes:
    lines = [
        "[Unicode]",
        "Unicode=yes",
        "[Version]",
        'signature="$CHICAGO$"',
        "Revision=1",
        "[Privilege Rights]",
        "SeDenyNetworkLogonRight = Guests,*S-1-5-113",
        "[Security Log]",
        "MaximumLogSize = 196608",
        "[Registry Values]",
        "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\FullPrivilegeAuditing=3,0",
        # secedit writes a comma inside a line of text as ",".
        "MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\LegalNoticeText=7,"
        + ",".join(line.replace(",", '","') for line in BANNER),
    ]
    return codecs.BOM_UTF16_LE + "".join(line + "\r\n" for line in lines).encode("utf-16-le")


def _policy(name: str, category: str, options: str = "", state: str = "Enabled") -> str:
    return f"""\
        <q1:Policy>
          <q1:Name>{name}</q1:Name>
          <q1:State>{state}</q1:State>
          <q1:Category>{category}</q1:Category>{options}
        </q1:Policy>"""


def report_registry() -> str:
    ecc = """
          <q1:MultiText>
            <q1:Name>ECC Curve Order:</q1:Name>
            <q1:State>Enabled</q1:State>
            <q1:Value>
              <q1:string>NistP384</q1:string>
              <q1:string>NistP256</q1:string>
            </q1:Value>
          </q1:MultiText>"""
    devices = """
          <q1:ListBox>
            <q1:Name>Prevent installation of devices that match any of these Device IDs:</q1:Name>
            <q1:State>Enabled</q1:State>
            <q1:ExplicitValue>false</q1:ExplicitValue>
            <q1:Additive>false</q1:Additive>
            <q1:ValuePrefix />
            <q1:Value>
              <q1:Element>
                <q1:Data>PCI\\CC_0C0A</q1:Data>
              </q1:Element>
              <q1:Element>
                <q1:Data>PCI\\CC_0C0010</q1:Data>
              </q1:Element>
            </q1:Value>
          </q1:ListBox>
          <q1:CheckBox>
            <q1:Name>Also apply to matching devices that are already installed.</q1:Name>
            <q1:State>Disabled</q1:State>
          </q1:CheckBox>"""
    telemetry = """
          <q1:DropDownList>
            <q1:Name />
            <q1:State>Enabled</q1:State>
            <q1:Value>
              <q1:Name>1 - Basic</q1:Name>
            </q1:Value>
          </q1:DropDownList>"""
    policies = [
        _policy("ECC Curve Order", "Network/SSL Configuration Settings", ecc),
        _policy(
            "Prevent installation of devices that match any of these device IDs",
            "System/Device Installation/Device Installation Restrictions",
            devices,
        ),
        # The name of Windows 10 1607 to 1809 ("Allow Diagnostic Data" now).
        _policy(
            "Allow Telemetry", "Windows Components/Data Collection and Preview Builds", telemetry
        ),
        # Legacy LAPS (AdmPwd.admx): curated, tools/admx_curated.yaml.
        _policy("Enable local admin password management", "LAPS"),
    ]
    body = "\n".join(policies)
    return f"""\
      <Extension xmlns:q1="{SETTINGS}/Registry" xsi:type="q1:RegistrySettings">
{body}
      </Extension>"""


def report_security() -> str:
    banner = "".join(f"\n            <q1:Value>{line}</q1:Value>" for line in BANNER)
    return f"""\
      <Extension xmlns:q1="{SETTINGS}/Security" xsi:type="q1:SecuritySettings">
        <q1:UserRightsAssignment>
          <q1:Name>SeDenyNetworkLogonRight</q1:Name>
          <q1:Member>
            <SID xmlns="{TYPES}">S-1-5-32-546</SID>
            <Name xmlns="{TYPES}">BUILTIN\\Guests</Name>
          </q1:Member>
          <q1:Member>
            <SID xmlns="{TYPES}">S-1-5-113</SID>
            <Name xmlns="{TYPES}">NT AUTHORITY\\Local account</Name>
          </q1:Member>
        </q1:UserRightsAssignment>
        <q1:SecurityOptions>
          <q1:KeyName>MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\FullPrivilegeAuditing</q1:KeyName>
          <q1:SettingNumber>0</q1:SettingNumber>
        </q1:SecurityOptions>
        <q1:SecurityOptions>
          <q1:KeyName>MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\LegalNoticeText</q1:KeyName>
          <q1:SettingStrings>{banner}
          </q1:SettingStrings>
        </q1:SecurityOptions>
        <q1:EventLog>
          <q1:Name>MaximumLogSize</q1:Name>
          <q1:Log>Security</q1:Log>
          <q1:SettingNumber>196608</q1:SettingNumber>
        </q1:EventLog>
      </Extension>"""


def report_firewall() -> str:
    return f"""\
      <Extension xmlns:q1="{SETTINGS}/WindowsFirewall" xsi:type="q1:WindowsFirewallSettings">
        <q1:DomainProfile>
          <q1:EnableFirewall>
            <q1:Value>true</q1:Value>
          </q1:EnableFirewall>
          <q1:DefaultInboundAction>
            <q1:Value>1</q1:Value>
          </q1:DefaultInboundAction>
        </q1:DomainProfile>
        <q1:PublicProfile>
          <q1:LogFileSize>
            <q1:Value>16384</q1:Value>
          </q1:LogFileSize>
        </q1:PublicProfile>
      </Extension>"""


def report_applocker() -> str:
    return f"""\
      <Extension xmlns:q1="{SETTINGS}/SRPV2" xsi:type="q1:Policy">
        <q1:RuleCollection Type="Exe">
          <q1:FilePathRule {RULE_ATTRIBUTES}>
            <q1:Conditions>
              <q1:FilePath Path="%PROGRAMFILES%\\*" />
            </q1:Conditions>
          </q1:FilePathRule>
          <q1:EnforcementMode>
            <q1:Mode>Enabled</q1:Mode>
          </q1:EnforcementMode>
        </q1:RuleCollection>
        <q1:RuleCollection Type="Msi" />
      </Extension>"""


def backup() -> dict[str, bytes]:
    name = "Baseliner - raw files and report"
    machine = f"{GUID}/DomainSysvol/GPO/Machine"
    sections = [
        ("Security", report_security()),
        ("Windows Firewall", report_firewall()),
        ("Registry", report_registry()),
        ("AppLocker", report_applocker()),
    ]
    backup_xml = (
        '<?xml version="1.0" encoding="utf-8"?>\r\n<GroupPolicyBackupScheme>'
        f"<GroupPolicyObject><GroupPolicyCoreSettings><DisplayName><![CDATA[{name}]]>"
        "</DisplayName></GroupPolicyCoreSettings></GroupPolicyObject></GroupPolicyBackupScheme>\r\n"
    )
    return {
        f"{GUID}/Backup.xml": backup_xml.encode("utf-8"),
        f"{GUID}/gpreport.xml": windows_text(gpo(name, GUID, sections, [])),
        f"{machine}/registry.pol": registry_pol.write(registry_entries()),
        f"{machine}/microsoft/windows nt/SecEdit/GptTmpl.inf": gpttmpl(),
    }


def files() -> dict[str, bytes]:
    """Every fixture, by path under fixtures/."""
    found = {f"gpreport/repairs/{name}": data for name, data in repairs().items()}
    found["gpreport/all-gpos.xml"] = all_gpos()
    found["gpreport/localized-fr.xml"] = localized()
    found["gpresult/planned-rsop.xml"] = planned()
    found |= {f"gpo-with-report/{path}": data for path, data in backup().items()}
    return found


def main(argv: list[str]) -> int:
    stale = []
    for name, data in files().items():
        target = FIXTURES / name
        if "--check" in argv:
            if not target.is_file() or target.read_bytes() != data:
                stale.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for name in stale:
        print(
            f"out of date: fixtures/{name}; run: python -m tools.make_report_fixtures",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
