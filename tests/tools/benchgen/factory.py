"""Facts and checks from the compact form the cases files write them in.

A setting is written as in a benchmark: its kind as the key (``registry: HKLM\\...!Name``,
``privilege: SeDenyNetworkLogonRight``), with ``value``, ``type`` and ``deleted`` beside it.
A check adds the fields of :class:`~tools.benchgen.check.Check` it sets, ``area`` as a tag
and ``finding`` as a HardeningKitty row id.
"""

from __future__ import annotations

from typing import Any

from checker.core.values import Fact, Origin
from checker.kinds import Kind
from tools.benchgen.check import Check
from tools.benchgen.hardeningkitty import Finding
from tools.benchgen.rules import RULES, Area


def fact(given: dict[str, Any]) -> Fact:
    (kind,) = (Kind(name) for name in given if name in set(Kind))
    return Fact(
        kind,
        given[kind.value],
        given.get("value"),
        Origin("case"),
        type=given.get("type"),
        deleted=given.get("deleted", False),
    )


def area(tag: str) -> Area:
    return next(area for area in RULES.areas if area.tag == tag)


def finding(row_id: str, name: str = "Name", severity: str = "Medium") -> Finding:
    return Finding(row_id, "Cat", name, "Registry", "", "", "", "", "", "=", severity, 2)


def check(given: dict[str, Any]) -> Check:
    """A check of ``given``'s setting; by default in the area ``os``, expecting its value,
    named after its title."""
    title = given.get("title", "Title")
    row = given.get("finding")
    return Check(
        fact(given), given.get("gpo", "GPO"), title, given.get("gpo_path"),
        given.get("setting_text", ""), area(given.get("area", "os")),
        given.get("severity", "medium"), given.get("impact", 5),
        given.get("expect", {"equals": given.get("value")}), given.get("bound_note"),
        finding(str(row)) if row is not None else None, given.get("leaf", ""),
        given.get("name", title), given.get("id", ""), given.get("assertion"),
        given.get("remediation_text"), given.get("absent_ok", False),
        tuple(given.get("references", ())),
    )  # fmt: skip
