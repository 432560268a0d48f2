"""Check ids and titles, unique within a benchmark and stable across regenerations."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from checker.kinds import Kind
from tools.benchgen.check import Check, GenerationError


def slug(text: str) -> str:
    """Lower case, runs of anything but letters, digits and dots as one hyphen."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9.]+", "-", text.casefold())).strip("-.")


def _id_parts(check: Check) -> list[str]:
    """Most specific last: the setting name, then its key's components from the leaf up."""
    fact = check.fact
    if fact.kind is Kind.REGISTRY:
        path, _, name = fact.key.rpartition("!")
        # A key-only entry (no value name) is named after its key: "<leaf>-key".
        return [*path.split("\\")[1:], name or f"{path.rpartition(chr(92))[2]}-key"]
    if fact.kind is Kind.INTUNE:
        return [fact.key.rpartition("_config_")[2]]
    return [fact.key.rpartition("/")[2] if fact.kind is Kind.SECURITY else fact.key]


def assign_ids(checks: Sequence[Check], prefix: str, area: bool = True) -> None:
    """``<prefix>-<area>-<name>`` (``area=False``: ``<prefix>-<name>``); colliding ids take
    key components until unique."""
    depth = {id(c): 1 for c in checks}
    while True:
        for check in checks:
            parts = _id_parts(check)
            tail = "-".join(slug(p) for p in parts[-depth[id(check)] :])
            check.id = f"{prefix}-{check.area.tag}-{tail}" if area else f"{prefix}-{tail}"
        counts = Counter(c.id for c in checks)
        clashing = [c for c in checks if counts[c.id] > 1]
        if not clashing:
            return
        if all(depth[id(c)] >= len(_id_parts(c)) for c in clashing):
            raise GenerationError(f"cannot make ids unique: {sorted({c.id for c in clashing})}")
        for check in clashing:
            depth[id(check)] += 1


def unique_titles(checks: Sequence[Check]) -> None:
    """Same-named policies (event logs, SMB client/server, KDC/Kerberos) get their category."""
    leaves: dict[str, set[str]] = defaultdict(set)
    for check in checks:
        leaves[check.name].add(check.leaf)
    for check in checks:
        if len(leaves[check.name]) > 1:
            check.title = f"{check.title} [{check.leaf}]"
    counts = Counter(c.title for c in checks)
    for check in checks:
        if counts[check.title] > 1:
            check.title = f"{check.title} [{check.fact.key.rpartition('!')[2]}]"
