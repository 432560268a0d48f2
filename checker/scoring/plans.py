"""Remediation plans: due dates, owners and notes for failing checks, and their state now.

A plan entry names checks (ids or globs).  Its state in a run: ``resolved`` when the check
passes on every applicable target, ``overdue`` when it does not and the due date has passed,
``open`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from checker.core.errors import InputError, PolicyError
from checker.core.globs import compile_glob
from checker.core.results import FleetCheck, PlanItem, PlanState
from checker.core.statuses import FAILING, Status
from checker.core.values import Origin
from checker.policy.schemas import validate
from checker.policy.yamlsrc import Located, iso_date, load_yaml


def load_plans(path: Path) -> list[Located]:
    """The validated entries of a plan file (schema ``plans``), each knowing its line."""
    document = load_yaml(path)
    if not isinstance(document, dict):
        raise PolicyError(str(path), "a plan file is a mapping with 'plans'", 1)
    validate(document, "plans", str(path))
    entries: list[Located] = document["plans"]
    for index in range(len(entries)):
        iso_date(document, ["plans", index, "due"], str(path))  # refused now, not after the run
    return entries


UNRESOLVED = FAILING | {Status.EXEMPT, Status.UNCERTAIN}


def _passes_everywhere(check: FleetCheck) -> bool:
    """Resolved means fixed: an exempted or uncertain result still needs the planned work."""
    counts = dict(check.statuses)
    return bool(counts.get(Status.PASS)) and not any(counts.get(s) for s in UNRESOLVED)


def plan_states(
    entries: Iterable[Located], path: str, checks: Iterable[FleetCheck], today: date
) -> tuple[list[PlanItem], list[InputError]]:
    """The state of every planned check, and warnings for entries naming no evaluated check."""
    by_id = {check.check.id: check for check in checks}
    items: list[PlanItem] = []
    warnings: list[InputError] = []
    for raw in entries:
        globs = [raw["checks"]] if isinstance(raw["checks"], str) else raw["checks"]
        patterns = [compile_glob(glob) for glob in globs]
        matched = sorted(i for i in by_id if any(p.fullmatch(i) for p in patterns))
        if not matched:
            warnings.append(InputError(path, "plan entry names no evaluated check", line=raw.line))
        due = date.fromisoformat(raw["due"])
        for check_id in matched:
            check = by_id[check_id]
            if _passes_everywhere(check):
                state = PlanState.RESOLVED
            else:
                state = PlanState.OVERDUE if due < today else PlanState.OPEN
            items.append(
                PlanItem(
                    check=check_id,
                    due=raw["due"],
                    owner=raw["owner"],
                    state=state,
                    exposed=check.exposed,
                    total=check.total,
                    priority=raw.get("priority"),
                    notes=raw.get("notes"),
                    ticket=raw.get("ticket"),
                    origin=Origin(path, raw.line),
                )
            )
    return items, warnings
