"""Statuses, categories and severities (DESIGN §5), and the statuses that are findings."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A check's verdict on one target (DESIGN §5)."""

    PASS = "pass"
    FAIL = "fail"
    NOT_CONFIGURED = "not_configured"
    UNCERTAIN = "uncertain"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"
    EXEMPT = "exempt"


class Category(StrEnum):
    """Secure Score for Devices categories."""

    APPLICATION = "application"
    OS = "os"
    NETWORK = "network"
    ACCOUNTS = "accounts"
    SECURITY_CONTROLS = "security_controls"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


FAILING = frozenset({Status.FAIL, Status.NOT_CONFIGURED})
"""Statuses that are findings: a wrong value, or a setting no source configures.  The one
definition: scoring counts them as exposed, exceptions exempt them, the gate fails on them,
reports list them and diff compares them."""
