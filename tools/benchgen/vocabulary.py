"""Fixed vocabularies that Windows does not write into a GPO backup: the Group Policy editor's
names for security settings, audit subcategories, firewall profile values, ASR rule states,
service start modes and AppLocker rule collections."""

from __future__ import annotations

import re

_SECURITY_NODES: dict[str, dict[str, str]] = {
    # Security Settings sub-path -> secedit name -> display name
    "Account Policies\\Password Policy": {
        "System Access/MinimumPasswordAge": "Minimum password age",
        "System Access/MaximumPasswordAge": "Maximum password age",
        "System Access/MinimumPasswordLength": "Minimum password length",
        "System Access/PasswordComplexity": "Password must meet complexity requirements",
        "System Access/PasswordHistorySize": "Enforce password history",
        "System Access/ClearTextPassword": "Store passwords using reversible encryption",
    },
    "Account Policies\\Account Lockout Policy": {
        "System Access/LockoutBadCount": "Account lockout threshold",
        "System Access/ResetLockoutCount": "Reset account lockout counter after",
        "System Access/LockoutDuration": "Account lockout duration",
        "System Access/AllowAdministratorLockout": "Allow Administrator account lockout",
    },
    "Local Policies\\Security Options": {
        "System Access/LSAAnonymousNameLookup": (
            "Network access: Allow anonymous SID/Name translation"
        ),
        "System Access/EnableAdminAccount": "Accounts: Administrator account status",
        "System Access/EnableGuestAccount": "Accounts: Guest account status",
        "System Access/NewAdministratorName": "Accounts: Rename administrator account",
        "System Access/NewGuestName": "Accounts: Rename guest account",
        "System Access/ForceLogoffWhenHourExpire": (
            "Network security: Force logoff when logon hours expire"
        ),
    },
    "Account Policies\\Kerberos Policy": {
        "Kerberos Policy/MaxTicketAge": "Maximum lifetime for user ticket",
        "Kerberos Policy/MaxRenewAge": "Maximum lifetime for user ticket renewal",
        "Kerberos Policy/MaxServiceAge": "Maximum lifetime for service ticket",
        "Kerberos Policy/MaxClockSkew": "Maximum tolerance for computer clock synchronization",
        "Kerberos Policy/TicketValidateClient": "Enforce user logon restrictions",
    },
}
SECURITY_SETTINGS: dict[str, tuple[str, str]] = {
    key: (display, node)
    for node, names in _SECURITY_NODES.items()
    for key, display in names.items()
}
"""secedit name -> (display name, Security Settings sub-path)."""

SECURITY_UNITS = {
    "MinimumPasswordLength": "characters",
    "PasswordHistorySize": "passwords remembered",
    "LockoutBadCount": "invalid logon attempts",
    "ResetLockoutCount": "minutes",
    "LockoutDuration": "minutes",
    "MinimumPasswordAge": "days",
    "MaximumPasswordAge": "days",
    "MaxTicketAge": "hours",
    "MaxRenewAge": "days",
    "MaxServiceAge": "minutes",
    "MaxClockSkew": "minutes",
}

AUDIT_CATEGORIES: dict[str, tuple[str, ...]] = {
    # Advanced Audit Policy Configuration\Audit Policies\<category> -> its subcategories
    "Account Logon": (
        "Credential Validation",
        "Kerberos Authentication Service",
        "Kerberos Service Ticket Operations",
        "Other Account Logon Events",
    ),
    "Account Management": (
        "Application Group Management",
        "Computer Account Management",
        "Distribution Group Management",
        "Other Account Management Events",
        "Security Group Management",
        "User Account Management",
    ),
    "Detailed Tracking": (
        "DPAPI Activity",
        "PNP Activity",
        "Process Creation",
        "Process Termination",
        "RPC Events",
        "Token Right Adjusted Events",
    ),
    "DS Access": (
        "Detailed Directory Service Replication",
        "Directory Service Access",
        "Directory Service Changes",
        "Directory Service Replication",
    ),
    "Logon/Logoff": (
        "Account Lockout",
        "User / Device Claims",
        "Group Membership",
        "IPsec Extended Mode",
        "IPsec Main Mode",
        "IPsec Quick Mode",
        "Logoff",
        "Logon",
        "Network Policy Server",
        "Other Logon/Logoff Events",
        "Special Logon",
    ),
    "Object Access": (
        "Application Generated",
        "Certification Services",
        "Detailed File Share",
        "File Share",
        "File System",
        "Filtering Platform Connection",
        "Filtering Platform Packet Drop",
        "Handle Manipulation",
        "Kernel Object",
        "Other Object Access Events",
        "Registry",
        "Removable Storage",
        "SAM",
        "Central Policy Staging",
    ),
    "Policy Change": (
        "Audit Policy Change",
        "Authentication Policy Change",
        "Authorization Policy Change",
        "Filtering Platform Policy Change",
        "MPSSVC Rule-Level Policy Change",
        "Other Policy Change Events",
    ),
    "Privilege Use": (
        "Non Sensitive Privilege Use",
        "Other Privilege Use Events",
        "Sensitive Privilege Use",
    ),
    "System": (
        "IPsec Driver",
        "Other System Events",
        "Security State Change",
        "Security System Extension",
        "System Integrity",
    ),
}
AUDIT_CATEGORY = {sub.casefold(): cat for cat, subs in AUDIT_CATEGORIES.items() for sub in subs}
"""Audit subcategory (case-folded) -> its category."""

FIREWALL_LABELS = {
    # value name under WindowsFirewall\<Profile> -> (setting label, {value: shown})
    "enablefirewall": ("Firewall state", {1: "On", 0: "Off"}),
    "defaultinboundaction": ("Inbound connections", {1: "Block", 0: "Allow"}),
    "defaultoutboundaction": ("Outbound connections", {0: "Allow", 1: "Block"}),
    "disablenotifications": ("Display a notification", {1: "No", 0: "Yes"}),
    "allowlocalpolicymerge": ("Apply local firewall rules", {0: "No", 1: "Yes"}),
    "allowlocalipsecpolicymerge": ("Apply local connection security rules", {0: "No", 1: "Yes"}),
    "logdroppedpackets": ("Logging: Log dropped packets", {1: "Yes", 0: "No"}),
    "logsuccessfulconnections": ("Logging: Log successful connections", {1: "Yes", 0: "No"}),
    "logfilesize": ("Logging: Size limit (KB)", {}),
    "policyversion": ("Policy version (written by the snap-in)", {}),
}
FIREWALL_KEY = re.compile(
    r"\\windowsfirewall(?:\\(domain|private|public|standard)profile)?(?:\\logging)?$"
)
"""The keys of :data:`FIREWALL_LABELS` values (case-folded); group 1 is the profile."""

FIREWALL_NODE = (
    "Windows Defender Firewall with Advanced Security\\Windows Defender Firewall Properties"
)
ASR_STATES = {"0": "Off", "1": "Block", "2": "Audit", "5": "Not configured", "6": "Warn"}
SERVICE_MODES: dict[int, str] = {2: "Automatic", 3: "Manual", 4: "Disabled"}
"""A service's start mode as GptTmpl writes it -> as the editor shows it."""
AUDIT_VALUES: dict[int, str] = {
    0: "No Auditing",
    1: "Success",
    2: "Failure",
    3: "Success and Failure",
}
"""An audit subcategory's setting as a number (OSConfig, auditpol) -> as the backup writes it."""

APPLOCKER_COLLECTIONS = {
    # SrpV2 key -> the rule collection's node under AppLocker
    "appx": "Packaged app Rules",
    "dll": "DLL Rules",
    "exe": "Executable Rules",
    "msi": "Windows Installer Rules",
    "script": "Script Rules",
}
