"""The HTML report's filters: by group, tag, severity and plan state, without script.

Each filter is a ``<select>``; every row it can hide carries a class per value it has (a
check's severity, plan state and tags; the groups of the devices it concerns), and a style
rule per value hides the rows without that class while the value is selected
(``main:has(#f-v option[value="2"]:checked) .fv:not(.v2)``).  So the
page keeps its Content-Security-Policy (no script at all) and works offline; filters
combine, each narrowing the rows.  Class names are made of indexes, never of report text.

A recommendation or uncertain row is in a group when a device of the group fails (or is
uncertain on) its check; a device is in its own group; the rows under a device are filtered
by their check's severity, plan state and tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checker.core.results import CheckInfo, PlanItem
from checker.core.statuses import Severity
from checker.reporters.html_page import esc

PLAN_STATES = ("open", "overdue", "resolved", "none")
"""A check's plan state; ``none``: no plan names it."""


@dataclass(frozen=True, slots=True)
class Facet:
    key: str
    """One letter: the classes are short, as a fleet's page has thousands of rows."""
    label: str
    everything: str
    """The option that filters nothing."""
    values: tuple[str, ...]

    def classes(self, have: Iterable[str]) -> list[str]:
        index = {value: number for number, value in enumerate(self.values)}
        return [f"f{self.key}"] + [
            f"{self.key}{index[value]}" for value in sorted(set(have)) if value in index
        ]

    def select(self) -> str:
        options = "".join(
            f'<option value="{number}">{esc(value)}</option>'
            for number, value in enumerate(self.values)
        )
        return (
            f'<label>{esc(self.label)} <select id="f-{self.key}" name="{self.key}">'
            f'<option value="" selected>{esc(self.everything)}</option>{options}</select></label>'
        )

    def style(self) -> str:
        return "".join(
            f'main:has(#f-{self.key} option[value="{number}"]:checked) '
            f".f{self.key}:not(.{self.key}{number}){{display:none}}\n"
            for number in range(len(self.values))
        )


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of one page: the values present in the report."""

    group: Facet
    tag: Facet
    severity: Facet
    plan: Facet
    plans: dict[str, str]
    """Plan state by check id."""

    @classmethod
    def of(
        cls, groups: Iterable[str], checks: Iterable[CheckInfo], plan: Sequence[PlanItem]
    ) -> Filters:
        tags = sorted({tag for check in checks for tag in check.tags}, key=str.casefold)
        return cls(
            Facet("g", "Group", "All groups", tuple(sorted(set(groups), key=str.casefold))),
            Facet("t", "Tag", "All tags", tuple(tags)),
            Facet("v", "Severity", "All severities", tuple(s.value for s in Severity)),
            Facet("p", "Plan", "Any plan state", PLAN_STATES if plan else ()),
            {item.check: item.state.value for item in plan},
        )

    def check_row(self, check: CheckInfo, groups: Iterable[str] = ()) -> str:
        """The class attribute of a row about ``check`` (in ``groups``, for a fleet row);
        a facet with no values (no groups, no plan) adds nothing."""
        classes = self.group.classes(groups) if self.group.values else []
        classes += self.tag.classes(check.tags) if self.tag.values else []
        classes += self.severity.classes([check.severity.value])
        if self.plan.values:
            classes += self.plan.classes([self.plans.get(check.id, "none")])
        return f' class="{" ".join(classes)}"'

    def device(self, group: str | None) -> str:
        classes = self.group.classes([group] if group else []) if self.group.values else []
        return f' class="{" ".join(classes)}"' if classes else ""

    def _shown(self) -> list[Facet]:
        return [facet for facet in (self.group, self.tag, self.severity, self.plan) if facet.values]

    def bar(self) -> str:
        """The filter bar: selects alone, no form (nothing is ever submitted)."""
        selects = "".join(facet.select() for facet in self._shown())
        return f'<div class="filters" role="group" aria-label="Filter the tables">{selects}</div>\n'

    def style(self) -> str:
        return "".join(facet.style() for facet in self._shown())
