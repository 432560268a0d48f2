"""Write the synthetic raw Group Policy text fixtures: Group Policy Preferences Registry.xml
(UTF-8 with CRLF, as GPMC writes it) under fixtures/gpp, and LGPO text (UTF-16LE with BOM and
CRLF, as ``LGPO.exe /parse`` writes it, and hand-written UTF-8) under fixtures/lgpo.

    python -m tools.make_gpp_fixtures          # write them
    python -m tools.make_gpp_fixtures --check  # exit 1 when a fixture is out of date
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parents[1]
ITEM = "{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}"
SETTINGS = "{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}"
COLLECTION = "{53B533F5-224C-47e3-B01B-CA3B3F3FF4BF}"
KEY = "SOFTWARE\\Policies\\Baseliner"
HKLM = "HKEY_LOCAL_MACHINE"


def item(
    action: str,
    key: str,
    name: str,
    rtype: str = "REG_SZ",
    value: str = "",
    *,
    hive: str | None = HKLM,
    default: str = "0",
    values: tuple[str, ...] = (),
    extra: str = "",
    filters: str = "",
) -> str:
    """One ``Registry`` item as GPMC writes it (attributes in its order)."""
    label = name or key.rpartition("\\")[2]
    hive_attribute = f" hive={quoteattr(hive)}" if hive is not None else ""
    properties = (
        f'<Properties action="{action}" displayDecimal="0" default="{default}"{hive_attribute}'
        f" key={quoteattr(key)} name={quoteattr(name)} type={quoteattr(rtype)}"
        f" value={quoteattr(value)}"
    )
    if values:
        listed = "".join(f"<Value>{v}</Value>" for v in values)
        properties += f"><Values>{listed}</Values></Properties>"
    else:
        properties += "/>"
    return (
        f'<Registry clsid="{ITEM}" name={quoteattr(label)} status={quoteattr(label)} image="7"'
        f'{extra} changed="2024-05-01 10:00:00" uid="{{00000000-0000-0000-0000-000000000001}}">'
        f"{properties}{filters}</Registry>"
    )


def collection(name: str, *children: str, extra: str = "") -> str:
    body = "\r\n\t".join(children)
    return f'<Collection clsid="{COLLECTION}" name="{name}"{extra}>\r\n\t{body}\r\n</Collection>'


def registry_xml(*children: str) -> bytes:
    body = "\r\n\t".join(children)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\r\n'
        f'<RegistrySettings clsid="{SETTINGS}">{body}\r\n</RegistrySettings>\r\n'
    ).encode()


SERVERS_ONLY = (
    '<Filters><FilterGroup bool="AND" not="0" name="EXAMPLE\\Servers" sid="S-1-5-21-1-2-3-1107"'
    ' userContext="0" primaryGroup="0" localGroup="0"/>'
    '<FilterCollection bool="OR" not="1"><FilterOs bool="AND" not="0" class="NT" version="VISTA"'
    ' type="NE" edition="NE" sp="NE"/></FilterCollection></Filters>'
)

MACHINE = registry_xml(
    item("U", KEY, "Text", "REG_SZ", "hello world"),
    item("U", KEY, "Number", "REG_DWORD", "0000000A"),
    item("R", KEY, "Big", "REG_QWORD", "0000000100000000"),
    item("C", KEY, "Path", "REG_EXPAND_SZ", "%SystemRoot%\\Temp"),
    item("U", KEY, "List", "REG_MULTI_SZ", "a b c d", values=("a", "b c", "d")),
    item("U", KEY, "Bytes", "REG_BINARY", "00FF10"),
    item("U", KEY, "", "REG_SZ", "default text", default="1"),
    item("D", KEY, "Old", "REG_DWORD", "00000000"),
    collection(
        "Outer",
        item(
            "U",
            ".DEFAULT\\Software\\Baseliner",
            "InUsers",
            "REG_DWORD",
            "00000001",
            hive="HKEY_USERS",
        ),
        collection("Inner", item("U", KEY + "\\Inner", "Deep", "REG_SZ", "deep")),
        item("U", KEY, "Skipped", "REG_SZ", "disabled item", extra=' disabled="1"'),
    ),
    collection(
        "Off",
        item("U", KEY, "AlsoSkipped", "REG_SZ", "in a disabled collection"),
        extra=' disabled="1"',
    ),
    item("D", KEY + "\\Stale", ""),
    item("R", KEY + "\\Fresh", ""),
    item("U", KEY, "Targeted", "REG_DWORD", "00000001", filters=SERVERS_ONLY),
    item("U", "Software\\Baseliner", "Profile", "REG_SZ", "p", hive="HKEY_CURRENT_CONFIG"),
)

USER = registry_xml(
    item("U", KEY, "NoHive", "REG_DWORD", "00000002", hive=None),
    item("U", KEY, "Explicit", "REG_SZ", "x", hive="HKEY_CURRENT_USER"),
)

MALFORMED = b'<?xml version="1.0" encoding="utf-8"?>\r\n<RegistrySettings>\r\n<Registry>\r\n'


def lgpo(*lines: str) -> str:
    return "\r\n".join(lines) + "\r\n"


BANNER = ("; " + "-" * 70, "; PARSING COMPUTER POLICY", "; Source file:  registry.pol", "")
FOOTER = ("; PARSING COMPLETED.", "; " + "-" * 70, "")


def block(scope: str, key: str, name: str, action: str) -> tuple[str, ...]:
    return (scope, key, name, action, "")


LGPO_MACHINE = lgpo(
    *BANNER,
    *block("Computer", KEY, "Number", "DWORD:10"),
    *block("Computer", KEY, "Hex", "DWORD:0x1F"),
    *block("Computer", KEY, "Big", "QWORD:4294967296"),
    *block("Computer", KEY, "Path", "SZ:C:\\\\Windows\\\\Temp"),
    *block("Computer", KEY, "Expand", "EXPAND_SZ:%SystemRoot%\\\\Temp"),
    *block("Computer", KEY, "List", "MULTISZ:a\\0b c\\0\\0"),
    *block("Computer", KEY, "Bytes", "BINARY:00FF10"),
    *block("Computer", KEY, "Old", "DELETE"),
    *block("Computer", KEY + "\\Stale", "*", "DELETEALLVALUES"),
    *block("Computer", KEY + "\\Fresh", "*", "CREATEKEY"),
    *block("User", KEY, "Mine", "SZ:user value"),
    *FOOTER,
)

LGPO_DELTA = (
    "; ----------------------------------------------------------------------\n"
    "; LGPO-text file, written by hand\n"
    ";\n\n"
    "; keep scripts out\n"
    "Computer\n"
    "Software\\Policies\\Microsoft\\Windows\\System\n"
    "EnableSmartScreen\n"
    "DWORD:1\n\n"
    "  ; indented comment\n"
    "User\n"
    "Software\\Policies\\Microsoft\\Windows\\Explorer\n"
    "DisableSearchBoxSuggestions\n"
    "DWORD:1\n"
)

LGPO_BAD_ACTION = "Computer\nSoftware\\Policies\\Baseliner\nValue\nWORD:1\n"


def fixtures() -> dict[Path, bytes]:
    """Each fixture file under the repository root and its bytes."""
    gpp = ROOT / "fixtures" / "gpp"
    lgpo_folder = ROOT / "fixtures" / "lgpo"
    return {
        gpp / "Machine" / "Preferences" / "Registry" / "Registry.xml": MACHINE,
        gpp / "User" / "Preferences" / "Registry" / "Registry.xml": USER,
        gpp / "malformed.xml": MALFORMED,
        lgpo_folder / "machine.txt": codecs.BOM_UTF16_LE + LGPO_MACHINE.encode("utf-16-le"),
        lgpo_folder / "delta.txt": LGPO_DELTA.encode(),
        lgpo_folder / "bad-action.txt": LGPO_BAD_ACTION.encode(),
    }


def main(argv: list[str]) -> int:
    stale = [
        path for path, data in fixtures().items() if not path.is_file() or path.read_bytes() != data
    ]
    if "--check" in argv:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fixtures()[path])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
