"""Write the synthetic gpreport.xml / gpresult /x fixtures (UTF-16LE with BOM and CRLF, as
Windows writes them) and two hostile XML documents.

    python -m tools.make_gp_xml_fixtures
"""

from __future__ import annotations

import codecs
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "http://www.microsoft.com/GroupPolicy/Settings"
TYPES = "http://www.microsoft.com/GroupPolicy/Types"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
SC_REMOVE_OPTION = (
    "MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\ScRemoveOption"
)

SECURITY = f"""\
      <Extension xmlns:q1="{SETTINGS}/Security" xsi:type="q1:SecuritySettings">
        <q1:Account>
          <q1:Name>MinimumPasswordLength</q1:Name>
          <q1:SettingNumber>14</q1:SettingNumber>
          <q1:Type>Password</q1:Type>
        </q1:Account>
        <q1:Account>
          <q1:Name>ClearTextPassword</q1:Name>
          <q1:SettingBoolean>false</q1:SettingBoolean>
          <q1:Type>Password</q1:Type>
        </q1:Account>
        <q1:Account>
          <q1:Name>MaxTicketAge</q1:Name>
          <q1:SettingNumber>10</q1:SettingNumber>
          <q1:Type>Kerberos</q1:Type>
        </q1:Account>
        <q1:UserRightsAssignment>
          <q1:Name>SeDenyNetworkLogonRight</q1:Name>
          <q1:Member>
            <SID xmlns="{TYPES}">S-1-5-113</SID>
            <Name xmlns="{TYPES}">NT AUTHORITY\\Local account</Name>
          </q1:Member>
          <q1:Member>
            <SID xmlns="{TYPES}">S-1-5-32-546</SID>
            <Name xmlns="{TYPES}">BUILTIN\\Guests</Name>
          </q1:Member>
        </q1:UserRightsAssignment>
        <q1:UserRightsAssignment>
          <q1:Name>SeTcbPrivilege</q1:Name>
        </q1:UserRightsAssignment>
        <q1:SecurityOptions>
          <q1:KeyName>MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel</q1:KeyName>
          <q1:SettingNumber>5</q1:SettingNumber>
        </q1:SecurityOptions>
        <q1:SecurityOptions>
          <q1:KeyName>{SC_REMOVE_OPTION}</q1:KeyName>
          <q1:SettingString>"1"</q1:SettingString>
        </q1:SecurityOptions>
        <q1:SecurityOptions>
          <q1:SystemAccessPolicyName>LSAAnonymousNameLookup</q1:SystemAccessPolicyName>
          <q1:SettingNumber>0</q1:SettingNumber>
        </q1:SecurityOptions>
        <q1:RestrictedGroups>
          <q1:GroupName>
            <SID xmlns="{TYPES}">S-1-5-32-555</SID>
          </q1:GroupName>
          <q1:Member>
            <SID xmlns="{TYPES}">S-1-5-21-1-2-3-513</SID>
          </q1:Member>
        </q1:RestrictedGroups>
        <q1:SystemServices>
          <q1:Name>XboxGipSvc</q1:Name>
          <q1:StartupMode>Disabled</q1:StartupMode>
        </q1:SystemServices>
        <q1:Blocked>false</q1:Blocked>
      </Extension>"""

AUDIT = f"""\
      <Extension xmlns:q2="{SETTINGS}/Auditing" xsi:type="q2:AuditSettings">
        <q2:AuditSetting>
          <q2:PolicyTarget>System</q2:PolicyTarget>
          <q2:SubcategoryName>Audit Credential Validation</q2:SubcategoryName>
          <q2:SubcategoryGuid>{{0cce923f-69ae-11d9-bed3-505054503030}}</q2:SubcategoryGuid>
          <q2:SettingValue>3</q2:SettingValue>
        </q2:AuditSetting>
      </Extension>"""

FIREWALL = f"""\
      <Extension xmlns:q3="{SETTINGS}/WindowsFirewall" xsi:type="q3:WindowsFirewallSettings">
        <q3:DomainProfile>
          <q3:EnableFirewall>
            <q3:Value>true</q3:Value>
          </q3:EnableFirewall>
          <q3:LogFileSize>
            <q3:Value>16384</q3:Value>
          </q3:LogFileSize>
        </q3:DomainProfile>
      </Extension>"""

REGISTRY = f"""\
      <Extension xmlns:q4="{SETTINGS}/Registry" xsi:type="q4:RegistrySettings">
        <q4:Policy>
          <q4:Name>Turn off multicast name resolution</q4:Name>
          <q4:State>Enabled</q4:State>
          <q4:Category>Network/DNS Client</q4:Category>
        </q4:Policy>
        <q4:Policy>
          <q4:Name>Configure SMB v1 client driver</q4:Name>
          <q4:State>Enabled</q4:State>
          <q4:Category>MS Security Guide</q4:Category>
          <q4:DropDownList>
            <q4:Name>Configure MrxSmb10 driver</q4:Name>
            <q4:State>Enabled</q4:State>
            <q4:Value>
              <q4:Name>Disable driver (recommended)</q4:Name>
            </q4:Value>
          </q4:DropDownList>
        </q4:Policy>
        <q4:Policy>
          <q4:Name>A policy no ADMX defines</q4:Name>
          <q4:State>Enabled</q4:State>
          <q4:Category>Custom/Somewhere</q4:Category>
        </q4:Policy>
        <q4:RegistrySetting>
          <q4:KeyPath>Software\\Policies\\Microsoft\\Windows\\GameDVR</q4:KeyPath>
          <q4:AdmSetting>false</q4:AdmSetting>
          <q4:Value>
            <q4:Name>AllowGameDVR</q4:Name>
            <q4:Number>0</q4:Number>
          </q4:Value>
        </q4:RegistrySetting>
      </Extension>"""

USER_REGISTRY = f"""\
      <Extension xmlns:q1="{SETTINGS}/Registry" xsi:type="q1:RegistrySettings">
        <q1:Policy>
          <q1:Name>Turn off toast notifications on the lock screen</q1:Name>
          <q1:State>Enabled</q1:State>
          <q1:Category>Start Menu and Taskbar/Notifications</q1:Category>
        </q1:Policy>
      </Extension>"""


def extension_data(extensions: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"    <ExtensionData>\n{body}\n      <Name>{name}</Name>\n    </ExtensionData>"
        for name, body in extensions
    )


def gpo(name: str, guid: str, computer: list[tuple[str, str]], user: list[tuple[str, str]]) -> str:
    return f"""<GPO xmlns:xsd="{XSD}" xmlns:xsi="{XSI}" xmlns="{SETTINGS}">
  <Identifier>
    <Identifier xmlns="{TYPES}">{guid}</Identifier>
    <Domain xmlns="{TYPES}">example.test</Domain>
  </Identifier>
  <Name>{name}</Name>
  <Computer>
    <Enabled>true</Enabled>
{extension_data(computer)}
  </Computer>
  <User>
    <Enabled>true</Enabled>
{extension_data(user)}
  </User>
</GPO>"""


SMALL_GPO = gpo(
    "Fixture Baseline",
    "{11111111-2222-3333-4444-555555555555}",
    [
        ("Security", SECURITY),
        ("Advanced Audit Configuration", AUDIT),
        ("Windows Firewall", FIREWALL),
        ("Registry", REGISTRY),
    ],
    [("Registry", USER_REGISTRY)],
)

TWO_GPOS = (
    '<report xmlns="'
    + SETTINGS
    + '">\n'
    + gpo(
        "First",
        "{00000000-0000-0000-0000-000000000001}",
        [("Advanced Audit Configuration", AUDIT)],
        [],
    )
    + "\n"
    + gpo("Second", "{00000000-0000-0000-0000-000000000002}", [("Windows Firewall", FIREWALL)], [])
    + "\n</report>"
)

RSOP = f"""<Rsop xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="{XSI}" xmlns="http://www.microsoft.com/GroupPolicy/Rsop">
  <ReadTime>2024-01-02T03:04:05Z</ReadTime>
  <ComputerResults>
    <Name>EXAMPLE\\WS01$</Name>
    <Domain>example.test</Domain>
    <Site>Lab</Site>
    <GPO>
      <Name>Fixture Baseline</Name>
      <Path>
        <Identifier xmlns="{TYPES}">{{11111111-2222-3333-4444-555555555555}}</Identifier>
        <Domain xmlns="{TYPES}">example.test</Domain>
      </Path>
      <Enabled>true</Enabled>
      <IsValid>true</IsValid>
      <FilterAllowed>true</FilterAllowed>
      <AccessDenied>false</AccessDenied>
    </GPO>
    <GPO>
      <Name>Filtered Out</Name>
      <Path>
        <Identifier xmlns="{TYPES}">{{99999999-0000-0000-0000-000000000000}}</Identifier>
      </Path>
      <Enabled>true</Enabled>
      <IsValid>true</IsValid>
      <FilterAllowed>false</FilterAllowed>
      <AccessDenied>false</AccessDenied>
    </GPO>
    <ExtensionData>
      <Extension xmlns:q1="{SETTINGS}/Security" xsi:type="q1:SecuritySettings" xmlns="{SETTINGS}">
        <q1:Account>
          <GPO xmlns="{SETTINGS}/Base">
            <Identifier xmlns="{TYPES}">{{11111111-2222-3333-4444-555555555555}}</Identifier>
            <Domain xmlns="{TYPES}">example.test</Domain>
          </GPO>
          <Precedence xmlns="{SETTINGS}/Base">1</Precedence>
          <q1:Name>MinimumPasswordLength</q1:Name>
          <q1:SettingNumber>14</q1:SettingNumber>
          <q1:Type>Password</q1:Type>
        </q1:Account>
      </Extension>
      <Name xmlns="{SETTINGS}">Security</Name>
    </ExtensionData>
  </ComputerResults>
  <UserResults>
    <Name>EXAMPLE\\alice</Name>
    <Domain>example.test</Domain>
    <GPO>
      <Name>Fixture Baseline</Name>
      <Path>
        <Identifier xmlns="{TYPES}">{{11111111-2222-3333-4444-555555555555}}</Identifier>
      </Path>
      <Enabled>true</Enabled>
      <IsValid>true</IsValid>
      <FilterAllowed>true</FilterAllowed>
      <AccessDenied>false</AccessDenied>
    </GPO>
    <ExtensionData>
      <Extension xmlns:q2="{SETTINGS}/Registry" xsi:type="q2:RegistrySettings" xmlns="{SETTINGS}">
        <q2:Policy>
          <GPO xmlns="{SETTINGS}/Base">
            <Identifier xmlns="{TYPES}">{{11111111-2222-3333-4444-555555555555}}</Identifier>
          </GPO>
          <Precedence xmlns="{SETTINGS}/Base">2</Precedence>
          <q2:Name>Turn off toast notifications on the lock screen</q2:Name>
          <q2:State>Enabled</q2:State>
          <q2:Category>Start Menu and Taskbar/Notifications</q2:Category>
        </q2:Policy>
      </Extension>
      <Name xmlns="{SETTINGS}">Registry</Name>
    </ExtensionData>
  </UserResults>
</Rsop>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings"><Name>&lol9;</Name></GPO>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE GPO [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings"><Name>&xxe;</Name></GPO>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE GPO SYSTEM "file:///etc/passwd">
<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings"><Name>x</Name></GPO>
"""


def windows_text(text: str) -> bytes:
    """UTF-16LE with BOM and CRLF, with the declaration Windows writes."""
    body = '<?xml version="1.0" encoding="utf-16"?>\n' + text + "\n"
    return codecs.BOM_UTF16_LE + body.replace("\n", "\r\n").encode("utf-16-le")


def main() -> int:
    files = {
        "gpreport/small-gpreport.xml": windows_text(SMALL_GPO),
        "gpreport/two-gpos.xml": TWO_GPOS.encode("utf-8"),
        "gpreport/billion-laughs.xml": BILLION_LAUGHS.encode("utf-8"),
        "gpreport/external-entity.xml": EXTERNAL_ENTITY.encode("utf-8"),
        "gpreport/external-dtd.xml": EXTERNAL_DTD.encode("utf-8"),
        "gpresult/small-rsop.xml": windows_text(RSOP),
    }
    for name, data in files.items():
        target = ROOT / "fixtures" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
