"""A STIG rule's check text read into expectations: which parser reads a rule, and the
registry values it names.

DISA writes registry requirements in two shapes, with many spellings of each (the tests hold
one of each, from DISA's files):

- blocks: ``Registry Hive:`` / ``Registry Path:`` (or ``Registry Paths:`` and a list) /
  ``Value Name:`` / ``Value Type:`` (``Type:``) / ``Value:`` (``Value data:``); the value in
  hex with its decimal (``0x00001000 (4096)``), or decimal, with bounds (``(or greater)``,
  ``(or less, excluding "0" ...)``), alternatives (``1 (Lock Workstation) or 2 (Force
  Logoff)``, ``1, 3, or 8``, or one per line), ``(or if the Value Name does not exist)``, a
  word or an SDDL string, a hardened UNC path's flags, the logon banner's text; and around
  them, blocks for other editions (``v1607 LTSB:``), an NA condition, "one of the following"
  choices and "When ... is used:" alternatives;
- Defender's criteria: the key after "navigate to the following key:", then
  ``If the value "X" is REG_DWORD = 0, this is not a finding.`` and its variants.

User rights, audit, account policy and services are read by :mod:`tools.benchgen.xccdf_rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.core.values import JSON
from checker.kinds import Kind
from tools.benchgen.xccdf import Expectation, StigRule
from tools.benchgen.xccdf_rules import (
    PARTIAL,
    WORDS,
    account_policy,
    audit,
    manual_reason,
    service,
    user_right,
)


def parse_rule(rule: StigRule) -> None:
    """Fill in the rule's kind, expectations, role, notes and parse state from its text."""
    text = rule.check.replace("\r\n", "\n").replace("\u201c", '"').replace("\u201d", '"')
    rule.role = _role(rule.stig_id, text)
    found: list[Expectation] = []
    notes: list[str] = []
    kind = "manual"
    if re.search(r"Registry Hive:|Registry ?Paths?:?\s*\\|^Value Name:", text, re.M):
        found, notes, rule.variants = registry_blocks(text)
        kind = "registry"
    elif re.search(r'If the value "[^"]+" (?:is "?REG_|does not exist)', text):
        found, notes = defender_criteria(text)
        kind = "registry"
    elif "User Rights Assignment" in text:
        found, notes = user_right(text)
        kind = "privilege"
    elif re.search(r"AuditPol|Advanced Audit Policy Configuration", text):
        found, notes = audit(text)
        kind = "audit"
    elif re.search(r"Account Policies >>|Security Options\.|Kerberos Policy", text):
        found, notes = account_policy(text)
        kind = "security"
    elif re.search(r"Services\.msc", text):
        found, notes = service(text)
        kind = "service"
    if found and re.search(
        r"^If .{0,80}(?:not disconnected|is installed|is used).{0,80}required:?$", text, re.M
    ):
        notes.append(f"{PARTIAL}the value is required only under a hardware or site condition")
    rule.expectations = found
    rule.notes.extend(notes)
    if not found:
        rule.kind, rule.parse = "manual", "manual"
        rule.reason = manual_reason(text, notes)
        return
    rule.kind = kind
    partial = [note.removeprefix(PARTIAL) for note in notes if note.startswith(PARTIAL)]
    rule.parse = "partial" if partial else "full"
    rule.reason = "; ".join(partial)


def _role(stig_id: str, text: str) -> str | None:
    """Windows Server's rules for domain controllers or member servers only."""
    if "-DC-" in stig_id:
        return "dc"
    if "-MS-" in stig_id:
        return "member"
    head = text[:400]
    if re.search(r"(?:applies|applicable) to domain controllers", head):
        return "dc"
    if re.search(r"applies to member servers", head):
        return "member"
    return None


# -- numbers -------------------------------------------------------------------------------

_NUMBER = re.compile(r"^(?:0x([0-9a-fA-F]+)\s*\((\d+)\)|0x([0-9a-fA-F]+)|(\d+))")


def parse_number(token: str) -> tuple[int | None, str | None]:
    """``0x00001000 (4096)`` -> (4096, None): the hex is the value, and a decimal that
    disagrees with it is the second item, a problem to report; ``8`` -> 8; a word -> None."""
    found = _NUMBER.match(token.strip())
    if not found:
        return None, None
    hex_text, decimal, bare_hex, plain = found.groups()
    if hex_text is not None:
        value = int(hex_text, 16)
        if value != int(decimal):
            return value, f"0x{hex_text} is {value}, but the text says ({decimal})"
        return value, None
    if bare_hex is not None:
        return int(bare_hex, 16), None
    return int(plain), None


def split_alternatives(value: str) -> list[str]:
    """``1 (A) or 2 (B)``, ``1, 3, or 8``, ``0x1 (1), 0x3 (3)`` -> the items, each with its
    parentheses (a comma or "or" inside them does not separate)."""
    parts: list[str] = []
    depth, start, at = 0, 0, 0
    while at < len(value):
        char = value[at]
        depth += {"(": 1, ")": -1}.get(char, 0)
        separator = re.match(r",\s*or\s+|\s+or\s+|,\s*", value[at:]) if depth == 0 else None
        if separator:
            parts.append(value[start:at])
            at += separator.end()
            start = at
            continue
        at += 1
    parts.append(value[start:])
    return [part.strip() for part in parts if part.strip()]


# -- registry blocks -----------------------------------------------------------------------

_FIELD = re.compile(
    r"^(?P<f>Registry Hive|Registry ?Paths?|Value Name|Value Type|Type|Value(?: [Dd]ata)?)"
    r"\s*(?::\s*(?P<v>.*)|(?P<p>\\.*))$"
)
_VARIANT = re.compile(
    r"^(v1\d{3}\s+LTS[BC]|Windows 10 v?1\d{3}|Standalone(?: or nondomain-joined)? systems|"
    r"Domain joined systems|For Windows Server 20\d\d|Windows 2012|LTSB|LTSC)\b.*:\s*$",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(r"^When .+:\s*$")
_NA_BLOCK = re.compile(r"exists and is configured as specified, (?:this |the )?requirement is NA")
_HIVES = {"HKEY_LOCAL_MACHINE": "HKLM", "HKEY_CURRENT_USER": "HKCU"}


@dataclass(slots=True)
class _Block:
    hive: str = ""
    paths: list[str] = field(default_factory=list)
    name: str | None = None
    type: str | None = None
    value: str | None = None
    more: list[str] = field(default_factory=list)
    """Lines after ``Value:`` that continue it (alternatives one per line)."""
    mode: str = "main"
    """main | na | variant:<what> | alternative:<what>"""
    choice: bool = False


@dataclass(slots=True)
class _Reader:
    """The state of reading a rule's blocks line by line."""

    blocks: list[_Block] = field(default_factory=list)
    current: _Block = field(default_factory=_Block)
    mode: str = "main"
    variants: list[str] = field(default_factory=list)
    paths_open: bool = False
    value_open: bool = False
    choice: bool = False

    def field(self, name: str, value: str) -> None:
        self.paths_open = self.value_open = False
        if name == "Registry Hive":
            self.current = _Block(hive=value, mode=self.mode)
        elif name.replace(" ", "").startswith("RegistryPath"):
            self.current = _Block(hive=self.current.hive, mode=self.mode)
            self.current.paths = [value] if value else []
            self.paths_open = not value or name.endswith("Paths")
        elif name == "Value Name":
            self.current = _Block(
                self.current.hive, list(self.current.paths), value, mode=self.mode,
                choice=self.choice,
            )  # fmt: skip
            self.blocks.append(self.current)
        elif name in ("Value Type", "Type"):
            self.current.type = value.split()[0] if value else None
        else:
            self.current.value = value
            self.value_open = True

    def line(self, line: str) -> None:
        if self.paths_open and line.startswith("\\"):
            self.current.paths.append(line)
            return
        self.paths_open = False
        if self.value_open and self._continues(line):
            return
        self.value_open = False
        if _NA_BLOCK.search(line):
            self.mode = "na"
        elif line.startswith("If the policy-based registry value does not exist"):
            self._variant("local (non-policy) fallback")
        elif line.startswith("If one of the following registry values"):
            self.choice = True
        elif re.match(r"If the following registry values? (?:does|do) not exist", line):
            self.choice = False
        elif _VARIANT.match(line):
            self._variant(line.rstrip(":"))
        elif _ALTERNATIVE.match(line):
            self.mode = "alternative:" + line.rstrip(":")

    def _variant(self, what: str) -> None:
        self.mode = "variant:" + what
        self.variants.append(what)

    def _continues(self, line: str) -> bool:
        """Whether ``line`` continues the value: another alternative (``0x00000001 (1) -
        ...``) or, after an empty ``Value:``, the text (a banner)."""
        block = self.current
        if line and (re.match(r"^0x[0-9a-fA-F]+\s*\(\d+\)", line) or block.value == ""):
            block.more.append(line)
            return True
        if not line and block.value == "":
            if block.more:
                block.more.append("")
            return True
        return False


def _unreadable(name: str, value: str | None) -> str:
    if value is None:  # DISA's Windows 11 camera rule: "Value Name: Deny" and no value
        return f"{PARTIAL}the STIG text gives no value for {name!r}"
    return f"{PARTIAL}cannot read the value {value!r} of {name}"


def registry_blocks(text: str) -> tuple[list[Expectation], list[str], list[str]]:
    """The expectations of a rule's registry blocks, notes, and the variants left out."""
    reader = _Reader()
    for raw in text.split("\n"):
        line = raw.strip()
        found = _FIELD.match(line)
        if found:
            reader.field(found.group("f"), (found.group("v") or found.group("p") or "").strip())
        else:
            reader.line(line)
    out: list[Expectation] = []
    notes: list[str] = []
    by_key: dict[str, Expectation] = {}
    for block in reader.blocks:
        if block.mode.startswith("variant"):
            continue
        if block.mode == "na":
            notes.append(f"NA when {block.name} = {block.value} (applicability, not a requirement)")
            continue
        if not block.paths or block.name is None:
            notes.append(f"{PARTIAL}the STIG text names no registry path for {block.name!r}")
            continue
        hive = _HIVES.get(block.hive.strip().upper(), block.hive.strip().upper() or "HKLM")
        for path in block.paths:
            key = f"{hive}\\{path.strip().strip(chr(92))}!{block.name.strip()}"
            found_exp = registry_value(key, block.type, block.value or "", block.more, text)
            if found_exp is None:
                notes.append(_unreadable(block.name, block.value))
                continue
            if block.mode.startswith("alternative") and key.casefold() in by_key:
                notes.append(_merge(by_key[key.casefold()], found_exp, block.mode))
                continue
            found_exp.choice = block.choice
            by_key[key.casefold()] = found_exp
            out.append(found_exp)
    notes += _conditions(out, text)
    if len(out) == 1 and re.search(
        r"If the registry value name below does not exist, this is not a finding", text, re.I
    ):
        out[0].absent_ok = True
    if sum(exp.choice for exp in out) == 1:  # a choice of one is a requirement
        for exp in out:
            exp.choice = False
    return out, notes, reader.variants


def _merge(first: Expectation, other: Expectation, mode: str) -> str:
    """An alternative value of a setting ("When BitLocker network unlock is used:")."""
    if set(first.expect) == {"equals"} and set(other.expect) == {"equals"}:
        first.expect = {"in": [first.expect["equals"], other.expect["equals"]]}
    elif set(first.expect) == {"in"} and set(other.expect) == {"equals"}:
        first.expect = {"in": [*first.expect["in"], other.expect["equals"]]}
    return f"{mode.split(':', 1)[1]}: {other.key.rpartition('!')[2]} may also be {other.expect}"


def _conditions(found: list[Expectation], text: str) -> list[str]:
    notes = []
    for match in re.finditer(
        r"(V-\d+) must also be configured[^.]*\.\s*This registry value will then be ([^.]+?)\.",
        text,
    ):
        number, _ = parse_number(match.group(2))
        if number is not None and len(found) == 1:
            found[0].when.append((number, match.group(1)))
            notes.append(f"{number} is allowed when {match.group(1)} is configured")
    return notes


_ABSENT_OK = re.compile(r"\(?\s*or if the Value Name does not exist\s*\)?", re.I)


def registry_value(
    key: str, reg_type: str | None, value: str, more: list[str], text: str
) -> Expectation | None:
    """The expectation of one ``Value:`` (None: not read)."""
    absent_ok = bool(_ABSENT_OK.search(value))
    value = _ABSENT_OK.sub("", value).strip()
    exp = Expectation(Kind.REGISTRY, key, {}, reg_type, absent_ok)
    name = key.rpartition("!")[2].casefold()
    if name == "legalnoticetext":
        exp.expect = {"text_equals": banner(text)}
    elif name == "legalnoticecaption":
        exp.expect = {"in": list(WORDS.banner_titles)}
    elif name == "organization's tenant guid":
        # OneDrive's AllowTenantList: the value's name and data are the tenant's GUID.
        exp.key = key.rpartition("!")[0] + "!${onedrive_tenant_guid}"
        exp.expect = {"equals": "${onedrive_tenant_guid}"}
    elif reg_type == "REG_MULTI_SZ":
        exp.expect = {"equals": value.split()} if value else {"empty": True}
    elif reg_type == "REG_SZ" and re.fullmatch(r"(\w+=\d+\s*,\s*)*\w+=\d+", value):
        pairs = (pair.partition("=") for pair in value.split(","))
        exp.expect = {"flags": {name.strip(): flag.strip() for name, _, flag in pairs}}
    else:
        expect = _numbers(value, more, reg_type)
        word = value and parse_number(value)[0] is None  # not a number the text garbles
        if expect is None and word and not value.lower().startswith(("see ", "refer ")):
            expect = {"equals": value}
            exp.type = reg_type or "REG_SZ"  # a word: only a string holds it
        if expect is None:
            return None
        exp.expect = expect
    return exp


def _numbers(value: str, more: list[str], reg_type: str | None) -> dict[str, JSON] | None:
    """A number, alternatives or bounds; a REG_SZ's as strings (bounds then read them as
    numbers, as Windows does: ``type: REG_SZ`` with ``lte``)."""
    lower = bool(re.search(r"or greater", value, re.I))
    upper = bool(re.search(r"or less", value, re.I))
    not_zero = bool(re.search(r"excluding\s*\"?0\"?|but not 0|not 0\b", value, re.I))
    core = re.sub(r"\((?:or greater|or less[^)]*)\)|or greater|\(excluding[^)]*\)", "", value)
    items = [*(split_alternatives(core) if core else []), *(line for line in more if line)]
    numbers: list[int] = []
    for item in items:
        number, problem = parse_number(item)
        if number is None or problem:  # a word, or hex and decimal that disagree
            return None
        numbers.append(number)
    if not numbers:
        return None
    if lower and len(numbers) == 1:
        return {"gte": numbers[0]}
    if upper and len(numbers) == 1:
        return {"gte": 1, "lte": numbers[0]} if not_zero else {"lte": numbers[0]}
    typed: list[JSON] = [str(n) for n in numbers] if reg_type == "REG_SZ" else list(numbers)
    return {"equals": typed[0]} if len(typed) == 1 else {"in": typed}


def banner(text: str) -> str:
    """The logon banner: the lines after LegalNoticeText's ``Value:`` (the line itself unless
    it says "See message text below"), up to the next sentence that is not part of it."""
    found = re.search(
        r"Value Name:\s*LegalNoticeText.*?\n\s*Value:[ \t]*(?P<first>[^\n]*)\n(?P<rest>.*)",
        text,
        re.S,
    )
    if not found:
        return ""
    head = found.group("first").strip()
    lines = [] if not head or head.lower().startswith(("see ", "refer ")) else [head]
    for line in found.group("rest").split("\n"):
        if re.match(r"\s*(If |NOTE|Note:|Registry Hive)", line):
            break
        lines.append(line)
    return "\n".join(lines).strip()


# -- Defender's criteria ---------------------------------------------------------------------

_DEF_KEY = re.compile(r"^(HKLM|HKEY_LOCAL_MACHINE|HKCU)\\(.+?)\s*$", re.M)
_DEF_VALUE = re.compile(
    r'If the value "(?P<name>[^"]+)" is "?(?P<type>REG_\w+) = (?P<value>[^,"]+?)"?'
    r"(?: \(or (?P<alt>\d+)\))?, this is (?P<ok>not )?a finding"
)
_DEF_ABSENT = re.compile(r'If the value "(?P<name>[^"]+)" does not exist, this is (?P<ok>not )?a')
_DEF_RANGE = re.compile(
    r"Values of (0x[0-9a-fA-F]+|\d+) through (0x[0-9a-fA-F]+|\d+) are acceptable"
)
_DEF_HIGHER = re.compile(r"higher than (\d+) is a finding")


def defender_criteria(text: str) -> tuple[list[Expectation], list[str]]:
    keys = _DEF_KEY.findall(text)
    if not keys:
        return [], [f"{PARTIAL}no registry key line"]
    hive, path = keys[0]
    base = f"{_HIVES.get(hive, hive)}\\{path.strip().rstrip(chr(92))}"
    out: dict[str, Expectation] = {}
    notes: list[str] = []
    for match in _DEF_VALUE.finditer(text):
        key = f"{base}!{match.group('name')}"
        number, _ = parse_number(match.group("value"))
        if number is None:
            notes.append(f"{PARTIAL}cannot read the value {match.group('value')!r}")
            continue
        reg_type = match.group("type")
        as_text = reg_type == "REG_SZ"
        typed: JSON = str(number) if as_text else number
        exp = out.setdefault(key, Expectation(Kind.REGISTRY, key, {}, reg_type))
        if match.group("ok"):  # "is X, this is not a finding"
            alternatives = [typed]
            if match.group("alt"):
                alt = match.group("alt")
                alternatives.append(alt if as_text else int(alt))
            exp.expect = {"equals": typed} if len(alternatives) == 1 else {"in": alternatives}
        else:  # "is X, this is a finding": the range the text accepts, else anything but X
            bounds = _DEF_RANGE.search(text)
            exp.expect = {"not_equals": typed}
            if bounds:
                exp.expect = {
                    "gte": parse_number(bounds.group(1))[0],
                    "lte": parse_number(bounds.group(2))[0],
                }
    higher = _DEF_HIGHER.search(text)
    for exp in out.values():
        # "A value higher than 7 is a finding. ... Do not select a value of 0."
        if higher and exp.expect.get("equals") == int(higher.group(1)):
            exp.expect = {"gte": 1, "lte": int(higher.group(1))}
    for match in _DEF_ABSENT.finditer(text):
        key = f"{base}!{match.group('name')}"
        if match.group("ok") and key in out:
            out[key].absent_ok = True
        elif match.group("ok"):
            out[key] = Expectation(Kind.REGISTRY, key, {"absent": True})
    if re.search(r"If the value does not exist, this is not a finding", text):
        for exp in out.values():
            exp.absent_ok = True
    return list(out.values()), notes
