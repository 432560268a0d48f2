"""Windows Firewall profile settings as firewall facts, whatever the source.

A ``firewall: 'Domain/EnableFirewall'`` check reads the profile setting that Group Policy
stores in ``HKLM\\Software\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile!EnableFirewall``
(the log settings under ``...\\DomainProfile\\Logging``).  A GPO backup's registry.pol, LGPO
text, a report's Windows Firewall extension and Intune settings translated to Group Policy all
give that registry value; the firewall fact is derived from it here, in one place, so that a
check says the same of a GPO read from its raw files or from its report.
"""

from __future__ import annotations

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
    found = _PROFILE.match(fact.key)
    if found is None:
        return None
    profile, setting = found.groups()
    return replace(fact, kind=Kind.FIREWALL, key=f"{profile.capitalize()}/{setting}")


def with_firewall(source: Source) -> Source:
    """``source`` with a firewall fact after each registry fact of a profile setting."""
    derived = [found for fact in source.facts if (found := firewall_fact(fact)) is not None]
    return replace(source, facts=source.facts + tuple(derived)) if derived else source
