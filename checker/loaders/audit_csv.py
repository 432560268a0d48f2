"""Advanced audit policy CSV (``audit.csv`` of a GPO, ``auditpol /backup``, or the report
``auditpol /get /category:* /r`` prints of a device's effective policy).

Columns: Machine Name, Policy Target, Subcategory, Subcategory GUID, Inclusion Setting,
Exclusion Setting, Setting Value; the report has no Setting Value, and its Inclusion Setting
text (English) is the setting.  Rows become facts by the device-document conventions:

- system subcategory (target ``System``): Kind.AUDIT, key the subcategory without its leading
  ``Audit ``, value from Setting Value (0 No Auditing, 1 Success, 2 Failure, 3 Success and
  Failure) checked against the Inclusion Setting text when that text is English (localized
  exports write it in the display language); ``extra`` the GUID in lower case.
- ``Option:Name`` rows (CrashOnAuditFail, FullPrivilegeAuditing, ...): Kind.SECURITY
  ``Audit Options/Name``, value the Setting Value as int (the Inclusion text when it has none).
- global object access SACL rows (``FileGlobalSacl``, ``RegistryGlobalSacl``): Kind.SECURITY
  ``Global Object Access Auditing/Name``, value the SDDL in Setting Value ("" when none).
- per-user rows (target a SID or account): Kind.SECURITY ``Per-User Audit/<target>/<sub>``,
  value the Inclusion Setting text, ``extra`` the exclusion text and raw Setting Value.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from checker.core.errors import input_error
from checker.core.files import decode, detect_encoding, read_bytes
from checker.core.numbers import exported_int
from checker.core.values import JSON, Fact, Origin, Source
from checker.kinds import Kind

FORMAT = "audit-csv"
DESCRIPTION = "advanced audit policy CSV (audit.csv, auditpol /backup or /get /r)"
READS = "advanced audit subcategories, by name and GUID"
"""What baseliner reads from such an export, for the docs."""
FOLDER = False
"""Reads a folder (else a file)."""
DEVICE = False
"""Each export is one device, named by its content."""

HEADER = (
    "Machine Name",
    "Policy Target",
    "Subcategory",
    "Subcategory GUID",
    "Inclusion Setting",
    "Exclusion Setting",
    "Setting Value",
)
REPORT_HEADER = HEADER[:-1]
"""``auditpol /get /r``: the same columns but Setting Value."""
SETTINGS = ("No Auditing", "Success", "Failure", "Success and Failure")
"""Audit settings by Setting Value."""

_BY_TEXT = {text.casefold(): text for text in SETTINGS}


def parse(data: bytes, path: str, source: str | None = None) -> list[Fact]:
    """The facts of an audit policy CSV, in file order, each with its 1-based line."""
    text = decode(data, path)
    if not text.strip():
        raise input_error(path, "empty file: expected the audit policy CSV header", line=1)
    rows = csv.reader(io.StringIO(text))
    facts: list[Fact] = []
    width = 0
    try:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            origin = Origin(path, line=rows.line_num, source=source)
            if not width:
                width = _check_header(row, origin)
                continue
            if len(row) != width:
                raise input_error(
                    path, f"expected {width} columns, found {len(row)}", line=origin.line
                )
            facts.append(_fact([*row, ""] if width == len(REPORT_HEADER) else row, origin))
    except csv.Error as exc:
        raise input_error(path, f"malformed CSV: {exc}", line=rows.line_num) from exc
    return facts


def _check_header(row: list[str], origin: Origin) -> int:
    """The number of columns of the file, from its header (an input error when it is none)."""
    named = tuple(cell.strip().casefold() for cell in row)
    for header in (HEADER, REPORT_HEADER):
        if named == tuple(name.casefold() for name in header):
            return len(header)
    if len(row) in (len(HEADER), len(REPORT_HEADER)) and not row[-1].strip().isdecimal():
        return len(row)  # a localized header: the columns are known by their places
    raise input_error(
        origin.path,
        f"expected the audit CSV header ({','.join(HEADER)}), found {','.join(row)!r}",
        line=origin.line,
    )


def _fact(row: list[str], origin: Origin) -> Fact:
    _machine, target, subcategory, guid, inclusion, exclusion, value = (c.strip() for c in row)
    if not subcategory:
        raise input_error(origin.path, "the Subcategory column is empty", line=origin.line)
    if subcategory.casefold().startswith("option:"):
        name = subcategory.partition(":")[2].strip()
        option: JSON = _number(value, origin) if value.isdecimal() else inclusion
        return Fact(
            Kind.SECURITY, f"Audit Options/{name}", option, origin, extra=(("setting", inclusion),)
        )
    if not guid and not target:
        return Fact(Kind.SECURITY, f"Global Object Access Auditing/{subcategory}", value, origin)
    name = subcategory[6:] if subcategory.casefold().startswith("audit ") else subcategory
    extra: tuple[tuple[str, JSON], ...] = (("guid", guid.lower()),)
    if target.casefold() != "system":
        per_user = (("exclusion", exclusion), *extra, ("setting_value", value))
        return Fact(
            Kind.SECURITY, f"Per-User Audit/{target}/{name}", inclusion, origin, extra=per_user
        )
    return Fact(Kind.AUDIT, name, _setting(inclusion, value, origin), origin, extra=extra)


def _number(text: str, origin: Origin) -> int:
    """A number of a row, at most a REG_QWORD (an input error at its line)."""
    try:
        return exported_int(text)
    except ValueError as exc:
        raise input_error(origin.path, f"number {exc}", line=origin.line) from exc


def _setting(inclusion: str, value: str, origin: Origin) -> str:
    """The audit setting of a system row: its Setting Value, agreeing with its text."""
    named = _BY_TEXT.get(inclusion.casefold())
    if not value:
        if named is None:
            raise input_error(
                origin.path,
                f"no Setting Value and unknown Inclusion Setting {inclusion!r}",
                line=origin.line,
            )
        return named
    if not value.isdecimal() or _number(value, origin) >= len(SETTINGS):
        raise input_error(
            origin.path, f"Setting Value {value!r} is not 0, 1, 2 or 3", line=origin.line
        )
    setting = SETTINGS[int(value)]
    if named is not None and named != setting:
        raise input_error(
            origin.path,
            f"Inclusion Setting {inclusion!r} disagrees with Setting Value {value} ({setting})",
            line=origin.line,
        )
    return setting


def sniff(path: Path, head: bytes) -> bool:
    """A file that starts with the audit policy CSV header (or the report's, a prefix)."""
    encoding, bom = detect_encoding(head)
    text = head[bom:].decode(encoding, errors="ignore").lstrip()
    return text.casefold().startswith(",".join(REPORT_HEADER).casefold()) and path.is_file()


def load(path: Path) -> list[Source]:
    """A lone audit.csv as one source."""
    return [Source(str(path), FORMAT, tuple(parse(read_bytes(path), str(path))))]
