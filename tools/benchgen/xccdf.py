"""DISA STIGs as DISA publishes them: a *Manual* XCCDF file, or a STIG Viewer checklist
(``.ckl``, which DISA's GPO packages ship for the release each GPO was built for).

:func:`read` gives a :class:`StigBenchmark`: its id, title, release (``V2R9``) and date, and
one :class:`StigRule` per rule with what DISA states of it (Group id ``V-220702``, rule id
``SV-220702r953805_rule``, STIG id ``WN10-00-000030`` -- stable across releases, where V-ids
were renumbered in 2020 --, legacy ids, severity, CCIs, fix text) and, read from its free-text
check by :mod:`tools.benchgen.xccdf_text`, what a Group Policy export can show of it: a list
of :class:`Expectation`, or the reason none can (``manual``).

The two XCCDF layouts differ only in where the data sits: XCCDF 1.1 ``Group/Rule`` elements,
or a checklist's ``VULN/STIG_DATA`` attribute pairs.  A benchmark whose id ends in ``TEST``
is an edited copy (another project's test data): :attr:`StigBenchmark.test` says so, and the
generator refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml.etree import _Element as Element

from checker.core.values import JSON
from checker.kinds import Kind
from checker.loaders.xmlsafe import first, kids, local, read_xml, text


@dataclass(slots=True)
class Expectation:
    """One machine-checkable requirement of a rule: a setting and what it must be."""

    kind: Kind
    key: str
    """As a benchmark names it: ``HKLM\\...!Name``, ``SeDenyNetworkLogonRight``,
    ``System Access/MinimumPasswordLength``, an audit subcategory, a service name."""
    expect: dict[str, JSON]
    type: str | None = None
    """The registry type the STIG states (REG_DWORD, REG_SZ, REG_MULTI_SZ)."""
    absent_ok: bool = False
    """"or if the Value Name does not exist": an unset value complies."""
    choice: bool = False
    """One of the rule's expectations marked so must hold ("If one of the following ...")."""
    when: list[tuple[JSON, str]] = field(default_factory=list)
    """(value, V-id): the value is also allowed when that rule holds ("V-220833 must also
    be configured ... This registry value will then be 0x00000002 (2)")."""


@dataclass(slots=True)
class StigRule:
    vid: str
    rule_id: str
    stig_id: str
    title: str
    severity: str
    ccis: list[str]
    legacy: list[str]
    fix: str
    check: str
    status: str | None = None
    """DISA's own status of the rule, in a checklist (``NotAFinding``, ``Open``, ...)."""
    kind: str = "manual"
    """registry | privilege | security | audit | service | manual."""
    parse: str = "manual"
    """full | partial (some requirements read, the rest in ``notes``) | manual."""
    reason: str = ""
    """Why the rule is manual, or what of it is not read."""
    role: str | None = None
    """dc | member | None (both), for Windows Server's one file for both roles."""
    expectations: list[Expectation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    """Blocks for other editions or set-ups left out (``v1607 LTSB``, standalone systems)."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id the rule is known by: V-id, STIG id, legacy ids."""
        return (self.vid, self.stig_id, *self.legacy)


@dataclass(slots=True)
class StigBenchmark:
    path: str
    id: str
    title: str
    release: str
    """``V2R9``: the version and release."""
    date: str
    """The benchmark date as DISA writes it (``15 May 2024``)."""
    test: bool
    rules: list[StigRule]


_RELEASE = re.compile(r"Release:\s*(\d+)\s*Benchmark Date:\s*(.+)")


def read(path: Path) -> StigBenchmark:
    """A STIG from a Manual XCCDF or a STIG Viewer checklist, its rules' check text read
    (:func:`tools.benchgen.xccdf_text.parse_rule`).  A file that is not XML raises
    :class:`checker.core.errors.InputFormatError`; XML of another kind, ``ValueError``."""
    from tools.benchgen.xccdf_text import parse_rule  # the text parser imports this module

    root = read_xml(path)
    if local(root) == "CHECKLIST":
        bench = _read_checklist(path, root)
    elif local(root) == "Benchmark":
        bench = _read_xccdf(path, root)
    else:
        raise ValueError(f"{path}: neither an XCCDF Benchmark nor a STIG Viewer CHECKLIST")
    for rule in bench.rules:
        parse_rule(rule)
    return bench


def _release(version: str, info: str) -> tuple[str, str]:
    found = _RELEASE.search(info)
    number = found.group(1) if found else "?"
    return f"V{version.strip()}R{number}", (found.group(2).strip() if found else "")


def _words(value: str | None) -> str:
    return " ".join((value or "").split())


def _read_xccdf(path: Path, root: Element) -> StigBenchmark:
    info = next(
        (e.text or "" for e in kids(root, "plain-text") if e.get("id") == "release-info"), ""
    )
    release, date = _release(text(root, "version") or "", info)
    rules = [_xccdf_rule(group, rule) for group, rule in _groups(root)]
    bench_id = root.get("id") or ""
    return StigBenchmark(
        str(path), bench_id, _words(text(root, "title")), release, date,
        bench_id.upper().endswith("TEST"), rules,
    )  # fmt: skip


def _groups(root: Element) -> Iterator[tuple[Element, Element]]:
    for group in root.iter("{*}Group"):
        rule = first(group, "Rule")
        if rule is not None:
            yield group, rule


def _xccdf_rule(group: Element, rule: Element) -> StigRule:
    idents = [(e.get("system") or "", (e.text or "").strip()) for e in kids(rule, "ident")]
    check = first(rule, "check")
    return StigRule(
        vid=group.get("id") or "",
        rule_id=rule.get("id") or "",
        stig_id=(text(rule, "version") or "").strip(),
        title=_words(text(rule, "title")),
        severity=rule.get("severity") or "medium",
        ccis=[value for system, value in idents if value.startswith("CCI-")],
        legacy=[value for system, value in idents if system.endswith("/legacy")],
        fix=(text(rule, "fixtext") or "").strip(),
        check=(text(check, "check-content") or "") if check is not None else "",
    )


def _read_checklist(path: Path, root: Element) -> StigBenchmark:
    info = {text(si, "SID_NAME") or "": text(si, "SID_DATA") or "" for si in root.iter("SI_DATA")}
    release, date = _release(info.get("version", "?"), info.get("releaseinfo", ""))
    rules = [_checklist_rule(vuln) for vuln in root.iter("VULN")]
    return StigBenchmark(
        str(path), info.get("stigid", ""), _words(info.get("title")), release, date, False, rules
    )


def _checklist_rule(vuln: Element) -> StigRule:
    data: dict[str, list[str]] = {}
    for item in vuln.iter("STIG_DATA"):
        data.setdefault(text(item, "VULN_ATTRIBUTE") or "", []).append(
            text(item, "ATTRIBUTE_DATA") or ""
        )

    def one(name: str) -> str:
        return (data.get(name) or [""])[0]

    return StigRule(
        vid=one("Vuln_Num"), rule_id=one("Rule_ID"), stig_id=one("Rule_Ver").strip(),
        title=_words(one("Rule_Title")), severity=one("Severity") or "medium",
        ccis=[c for c in data.get("CCI_REF", []) if c],
        legacy=[v for v in data.get("LEGACY_ID", []) if v],
        fix=one("Fix_Text").strip(), check=one("Check_Content"),
        status=text(vuln, "STATUS"),
    )  # fmt: skip
