"""A check being built: what every generator fills in before ids, titles and YAML."""

from __future__ import annotations

from dataclasses import dataclass

from checker.core.values import JSON, Fact
from tools.benchgen.hardeningkitty import Finding
from tools.benchgen.rules import Area


@dataclass(slots=True)
class Check:
    """One check being built (mutable: titles and ids are made unique afterwards)."""

    fact: Fact
    gpo: str
    title: str
    gpo_path: str | None
    setting_text: str
    area: Area
    severity: str
    impact: int
    expect: dict[str, JSON]
    bound_note: str | None
    finding: Finding | None
    leaf: str
    name: str
    id: str = ""
    assertion: str | None = None
    """A JMESPath ``assert`` used instead of ``expect`` when no operator says it."""
    remediation_text: str | None = None
    """Set by sources that know better than the GPO path (an OSConfig CSP path)."""
    absent_ok: bool = False
    """The source accepts the setting unset (the Windows default complies)."""
    references: tuple[str, ...] = ()
    """The source's own rule ids (STIG V-numbers, CCE), cited before the derived ones."""
    value_type: str | None = None
    """The registry type the source requires of the value (``type: REG_SZ``)."""
    query: str | None = None
    """A raw JMESPath ``query`` the check reads instead of ``fact``'s setting (a rule that
    reads several settings together); ``fact`` is then the first of them."""

    def setting(self) -> tuple[str, str]:
        """The check's reference: (kind, key), or ("query", the query)."""
        if self.query is not None:
            return "query", self.query
        return self.fact.kind.value, self.fact.key


class GenerationError(Exception):
    """A benchmark that cannot be generated as asked (the command exits with 1)."""
