"""Windows Firewall profile settings as firewall facts, whatever the source.

A ``firewall: 'Domain/EnableFirewall'`` check reads the profile setting that Group Policy
stores in ``HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile!EnableFirewall``
(the log settings under ``...\\DomainProfile\\Logging``).  A GPO backup's registry.pol, LGPO
text, a report's Windows Firewall extension and Intune settings translated to Group Policy all
give that registry value; the firewall fact is derived from it here, in one place, so that a
check says the same of a GPO read from its raw files or from its report.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from checker.core.values import Fact, Source
from checker.kinds import Kind

_PROFILE = re.compile(
    r"HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall\\(Domain|Private|Public)Profile"
    r"(?:\\Logging)?!(\w+)\Z",
    re.IGNORECASE,
)


def firewall_fact(fact: Fact) -> Fact | None:
    """The firewall fact a registry fact stands for (``Domain/EnableFirewall``), or None."""
    if fact.kind is not Kind.REGISTRY:
        return None
    key = _firewall_key(fact.key)
    return None if key is None else replace(fact, kind=Kind.FIREWALL, key=key)


@functools.lru_cache(maxsize=1 << 12)
def _firewall_key(registry_key: str) -> str | None:
    # Cached: every registry fact of every device of a fleet asks, and a fleet's devices
    # hold the same keys.
    found = _PROFILE.match(registry_key)
    if found is None:
        return None
    profile, setting = found.groups()
    return f"{profile.capitalize()}/{setting}"


def with_firewall(source: Source) -> Source:
    """``source`` with a firewall fact after each registry fact of a profile setting."""
    registry = Kind.REGISTRY  # the kind is tested here, not in a call a fact
    derived = [
        found
        for fact in source.facts
        if fact.kind is registry and (found := firewall_fact(fact)) is not None
    ]
    return replace(source, facts=source.facts + tuple(derived)) if derived else source
