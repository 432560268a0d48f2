"""What the reference data says about a setting: its title, its Group Policy editor path and
the value to set there.

Where titles and paths come from (first that answers):

- Administrative Templates: the ADMX/ADML set maps a registry value to its policy (its own
  value, an enabled/disabled list item, an element, or a list key); the backup's gpreport.xml
  gives that policy's category path, state and displayed element values.
- Security options: gpreport.xml ``SecurityOptions`` (display name and displayed value).
- Windows Defender Firewall profile values: the fixed labels of
  :data:`~tools.benchgen.vocabulary.FIREWALL_LABELS`.
- Everything else, and ASR rule names: the HardeningKitty finding list; then the raw name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.core.values import JSON, Fact
from checker.kinds import Kind
from tools.benchgen.admx import AdmxPart
from tools.benchgen.gpreport import NO_REPORT, Report, ReportPolicy
from tools.benchgen.hardeningkitty import Finding
from tools.benchgen.sources import FindingIndex, Sources
from tools.benchgen.vocabulary import (
    APPLOCKER_COLLECTIONS,
    ASR_STATES,
    AUDIT_CATEGORY,
    FIREWALL_KEY,
    FIREWALL_LABELS,
    FIREWALL_NODE,
    SECURITY_SETTINGS,
    SECURITY_UNITS,
    SERVICE_MODES,
)
from tools.benchgen.words import show

SEC = "Computer Configuration\\Windows Settings\\Security Settings"
ADMIN = "Computer Configuration\\Administrative Templates"


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the reference data says about one setting."""

    title: str
    gpo_path: str | None
    setting_text: str  # what remediation says to set
    leaf: str  # the last category, used to tell same-named policies apart
    name: str = ""  # the policy or setting name, ditto


def _match_report_policy(part: AdmxPart, report: Report) -> ReportPolicy | None:
    same = [
        p
        for p in report.policies
        if p.name.rstrip(".").casefold() == part.policy.rstrip(".").casefold()
    ]
    for policy in same:
        if tuple(policy.category.split("/")) == part.category:
            return policy
    for policy in same:
        if part.category and policy.category.split("/")[-1] == part.category[-1]:
            return policy
    return same[0] if len(same) == 1 else None


def _norm_label(label: str) -> str:
    return label.strip().rstrip(":").strip().casefold()


def _element_shown(part: AdmxPart, policy: ReportPolicy, value: JSON) -> str | None:
    """The element's value as the editor shows it; None when only the raw value is known."""
    label = _norm_label(part.label or "")
    for name, shown in policy.elements:
        if label and _norm_label(name) == label and shown:
            return shown
    return next((name for item, name in part.items if item == value), None)


def _asr_name(fact: Fact, findings: FindingIndex) -> str:
    finding = findings.get(Kind.REGISTRY, fact.key)
    if finding is None:
        return fact.key.rpartition("!")[2]
    return finding.name.removeprefix("ASR: ").removesuffix(" (Policy)")


def admx_policy_path(fact: Fact, sources: Sources) -> str | None:
    """The Group Policy editor path of the ADMX policy that writes a registry value, from the
    ADMX files alone (sources without a gpreport.xml: STIG lists, OSConfig)."""
    parts = sorted(sources.admx.lookup(fact.key), key=lambda part: part.label is not None)
    if not parts:
        return None
    return "\\".join((ADMIN, *parts[0].category, parts[0].policy))


def _resolve_admx(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    # An element that writes the same value as its policy says more (the chosen option).
    parts = sorted(sources.admx.lookup(fact.key), key=lambda part: part.label is None)
    matched = [(part, _match_report_policy(part, report)) for part in parts]
    chosen = next(((p, r) for p, r in matched if r is not None), None)
    if chosen is None:
        return None
    part, policy = chosen
    value_name = fact.key.rpartition("!")[2]
    path = f"{ADMIN}\\{policy.category.replace('/', chr(92))}\\{policy.name}"
    head = f"{policy.name.rstrip('.')}: {policy.state}"
    label = (part.label or "").strip().rstrip(":").strip()
    if part.is_list and "\\asr\\rules!" in fact.key.casefold():
        state = ASR_STATES.get(str(fact.value), show(fact.value))
        title = f"ASR rule: {_asr_name(fact, sources.findings)}: {state}"
        setting = f"{policy.state}, with rule {value_name} set to {show(fact.value)} ({state})"
    elif part.is_list:
        title = f"{head} ({value_name} = {show(fact.value)})"
        setting = f"{policy.state}, with the entry {value_name} = {show(fact.value)}"
    elif fact.deleted:
        what = label or value_name
        title = f"{head} ({what} not set)"
        setting = f"{policy.state} (the policy removes {value_name})"
    elif part.label is not None:
        shown = _element_shown(part, policy, fact.value)
        if shown is None:
            title, setting = head, f"{policy.state}, {label or value_name}: {show(fact.value)}"
        elif not label or _norm_label(label) == policy.name.casefold():
            title, setting = f"{head} ({shown})", f"{policy.state}, {shown}"
        else:
            title, setting = f"{head} ({label}: {shown})", f"{policy.state}, {label}: {shown}"
    else:
        title, setting = head, policy.state
    return Resolved(title, path, setting, policy.category.split("/")[-1], policy.name)


def _resolve_option(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    option = report.options.get(fact.canonical)
    finding = sources.findings.get(Kind.REGISTRY, fact.key)
    name = (option.name if option else "") or (
        finding.name if finding and finding.category == "Security Options" else ""
    )
    if not name:
        return None
    shown = option.display if option and option.display else show(fact.value)
    path = f"{SEC}\\Local Policies\\Security Options\\{name}"
    return Resolved(f"{name}: {shown}", path, shown, "Security Options")


def _resolve_firewall(fact: Fact) -> Resolved | None:
    path, _, name = fact.key.rpartition("!")
    match = FIREWALL_KEY.search(path.casefold())
    if not match or name.casefold() not in FIREWALL_LABELS:
        return None
    label, values = FIREWALL_LABELS[name.casefold()]
    profile = f"{(match.group(1) or 'global').capitalize()} Profile" if match.group(1) else "Global"
    shown = (
        values.get(fact.value, show(fact.value))
        if isinstance(fact.value, int)
        else show(fact.value)
    )
    gpo = f"{SEC}\\{FIREWALL_NODE}\\{profile}"
    return Resolved(
        f"Windows Defender Firewall ({profile}): {label}: {shown}",
        f"{gpo}\\{label}",
        shown,
        profile,
    )


_APPLOCKER_KEY = re.compile(r"\\srpv2\\(appx|dll|exe|msi|script)(\\[0-9a-f-]{36})?$")
_XML_ATTRIBUTE = re.compile(r'\b(Name|Action)="([^"]*)"')


def _resolve_applocker(fact: Fact) -> Resolved | None:
    """AppLocker rule collections: a rule's title is its name and action, not its XML."""
    path, _, value_name = fact.key.rpartition("!")
    match = _APPLOCKER_KEY.search(path.casefold())
    if not match:
        return None
    collection = APPLOCKER_COLLECTIONS[match.group(1)]
    gpo = f"{SEC}\\Application Control Policies\\AppLocker\\{collection}"
    if match.group(2) and isinstance(fact.value, str):
        attributes = dict(_XML_ATTRIBUTE.findall(fact.value))
        rule = f"{attributes.get('Name', '?')} ({attributes.get('Action', '?')})"
        title = f"AppLocker {collection}: {rule}"
        return Resolved(title, f"{gpo}\\{rule}", "the rule as the baseline defines it", collection)
    shown = show(fact.value)
    return Resolved(f"AppLocker {collection}: {value_name} = {shown}", gpo, shown, collection)


def _resolve_registry(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    return (
        _resolve_applocker(fact)
        or _resolve_firewall(fact)
        or _resolve_option(fact, report, sources)
        or _resolve_admx(fact, report, sources)
    )


def _resolve_security(fact: Fact) -> Resolved:
    display, where = SECURITY_SETTINGS.get(
        fact.key, (fact.key.rpartition("/")[2], "Account Policies")
    )
    unit = SECURITY_UNITS.get(fact.key.rpartition("/")[2])
    if unit:
        shown = f"{fact.value} {unit}"
    elif fact.value in (0, 1):
        shown = "Enabled" if fact.value == 1 else "Disabled"
    else:
        shown = show(fact.value)
    return Resolved(f"{display}: {shown}", f"{SEC}\\{where}\\{display}", shown, where)


def _resolve_privilege(fact: Fact, report: Report, sources: Sources) -> Resolved:
    finding = sources.findings.get(Kind.PRIVILEGE, fact.key)
    display = finding.name if finding else fact.key
    names = report.members.get(fact.key) or tuple(fact.value)
    shown = ", ".join(n.rpartition("\\")[2] for n in names) or "No One"
    path = f"{SEC}\\Local Policies\\User Rights Assignment\\{display}"
    return Resolved(f"{display}: {shown}", path, shown, "User Rights Assignment")


def _resolve_audit(fact: Fact) -> Resolved:
    category = AUDIT_CATEGORY.get(fact.key.casefold(), "System")
    path = (
        f"{SEC}\\Advanced Audit Policy Configuration\\Audit Policies\\{category}\\Audit {fact.key}"
    )
    return Resolved(f"Audit {fact.key}: {fact.value}", path, show(fact.value), category)


def _resolve_service(fact: Fact, sources: Sources) -> Resolved:
    finding = sources.findings.get(Kind.SERVICE, fact.key)
    display = finding.name.removesuffix(" (Service Startup type)") if finding else fact.key
    mode = (
        SERVICE_MODES.get(fact.value, show(fact.value))
        if isinstance(fact.value, int)
        else show(fact.value)
    )
    path = f"{SEC}\\System Services\\{display}"
    return Resolved(f"{display}: {mode}", path, mode, "System Services")


def resolve(fact: Fact, report: Report, sources: Sources) -> Resolved | None:
    """Title, GPO path and displayed value of a setting; None when nothing names it."""
    if fact.kind is Kind.REGISTRY:
        return _resolve_registry(fact, report, sources)
    if fact.kind is Kind.SECURITY:
        return _resolve_security(fact)
    if fact.kind is Kind.PRIVILEGE:
        return _resolve_privilege(fact, report, sources)
    if fact.kind is Kind.AUDIT:
        return _resolve_audit(fact)
    return _resolve_service(fact, sources)


def fallback(fact: Fact, finding: Finding | None) -> Resolved:
    """A title for a setting no reference names: the HardeningKitty name or the raw value."""
    path, _, value_name = fact.key.rpartition("!")
    name = finding.name if finding else value_name
    if not name:
        return Resolved(f"Key {path} present", None, "present", path.rpartition("\\")[2])
    state = "absent" if fact.deleted else show(fact.value)
    return Resolved(f"{name}: {state}", None, state, path.rpartition("\\")[2])


def gpo_path_of(fact: Fact, sources: Sources) -> str | None:
    """The Group Policy editor path of a setting, for sources without a gpreport.xml: the
    ADMX policy of a registry value, the Security Settings node of the others; None for an
    Intune (Policy CSP) setting."""
    if fact.kind is Kind.INTUNE:
        return None
    if fact.kind is Kind.REGISTRY:
        return admx_policy_path(fact, sources)
    resolved = resolve(fact, NO_REPORT, sources)
    return resolved.gpo_path if resolved else None


def leaf_of(fact: Fact) -> str:
    """What tells same-named settings apart, for sources without categories: a registry
    value's key, else the setting's kind."""
    if fact.kind is Kind.REGISTRY:
        return fact.key.rpartition("!")[0].rpartition("\\")[2]
    return fact.kind.value
