"""Benchmark parameters: site-specific values a check names as ``${NAME}``.

Some rules name what only the organization can: its Domain Admins group's SID, its tenant.
A benchmark declares such a value under ``parameters`` (a description, and a pattern the
value must match: ``S-1-5-21-*-512`` for a domain's Domain Admins), and its checks name it
in their strings (``superset_of: ['${domain_admins_sid}', S-1-5-32-546]``).  A profile that
``extends`` the benchmark sets it (``parameters: {domain_admins_sid: S-1-5-21-...-512}``);
until one does, each check naming it is ``not_applicable``, "site-specific: set parameter
domain_admins_sid", rather than judged against a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import re2  # type: ignore[import-untyped]

from checker.core.values import JSON

NAME = re.compile(r"[a-z][a-z0-9_]*")
REFERENCE = re.compile(r"\$\{([^}]*)\}")
"""``${NAME}`` in a check's string."""

_RE2 = re2.Options()
_RE2.log_errors = False


class ParameterError(ValueError):
    """A parameter declared, set or named wrongly; ``crumbs`` lead to the key at fault."""

    def __init__(self, message: str, crumbs: list[str | int], at_value: bool = False) -> None:
        super().__init__(message)
        self.crumbs = crumbs
        self.at_value = at_value
        """The fault is the value at ``crumbs`` (a position points at it), not the key."""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str = ""
    match: str | None = None
    """A pattern the value must match, ``*`` standing for anything (case-insensitive)."""
    value: JSON = None
    """The value a profile (or the benchmark itself) sets; None: unset."""


def declared(document: Mapping[str, Any], base: Mapping[str, Parameter]) -> dict[str, Parameter]:
    """The parameters of a benchmark ``document``: those of the benchmark it extends
    (``base``), then its own declarations and values.  A value for a parameter declared
    nowhere, or one its pattern refuses, raises :class:`ParameterError`."""
    found = dict(base)
    for name, entry in (document.get("parameters") or {}).items():
        crumbs: list[str | int] = ["parameters", name]
        if not NAME.fullmatch(str(name)):
            raise ParameterError(
                f"parameter name {name!r} is not lower_case_with_underscores", crumbs
            )
        if isinstance(entry, dict):
            found[name] = Parameter(
                name, str(entry.get("description", "")), entry.get("match"), entry.get("value")
            )
            if found[name].value is not None:
                check_value(found[name], found[name].value, [*crumbs, "value"])
        elif name not in found:
            known = ", ".join(sorted(found)) or "none"
            raise ParameterError(
                f"parameters sets {name!r}, which no benchmark declares (declared: {known})",
                crumbs,
            )
        else:
            check_value(found[name], entry, crumbs)
            found[name] = Parameter(name, found[name].description, found[name].match, entry)
    return found


def with_values(
    parameters: Mapping[str, Parameter], values: Mapping[str, JSON]
) -> dict[str, Parameter]:
    """``parameters`` with ``values`` set (a policy test case's), each checked."""
    found = dict(parameters)
    for name, value in values.items():
        if name not in found:
            known = ", ".join(sorted(found)) or "none"
            raise ParameterError(f"{name!r} is not a parameter of the benchmark ({known})", [name])
        check_value(found[name], value, [name])
        found[name] = Parameter(name, found[name].description, found[name].match, value)
    return found


def check_value(parameter: Parameter, value: JSON, crumbs: list[str | int]) -> None:
    if not isinstance(value, str | int) or isinstance(value, bool):
        message = f"parameter {parameter.name!r} takes a string or a number"
        raise ParameterError(message, crumbs, at_value=True)
    if parameter.match is not None and not matches(parameter.match, str(value)):
        raise ParameterError(
            f"{value!r} does not match {parameter.match!r}, the pattern of {parameter.name!r}",
            crumbs,
            at_value=True,
        )


def matches(pattern: str, value: str) -> bool:
    source = ".+".join(re.escape(part) for part in pattern.casefold().split("*"))
    return re2.compile(source, options=_RE2).fullmatch(value.casefold()) is not None


def references(value: JSON) -> Iterator[str]:
    """The parameter names a check's value names, in order (repeats included)."""
    if isinstance(value, str):
        yield from REFERENCE.findall(value)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from references(key)
            yield from references(item)


def substitute(value: JSON, values: Mapping[str, JSON]) -> JSON:
    """``value`` with each ``${NAME}`` replaced by its value; a string that is only a
    reference takes the value as it is (a number stays a number)."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return values[whole.group(1)]
        return REFERENCE.sub(lambda m: str(values[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(item, values) for item in value]
    if isinstance(value, dict):
        return {substitute(k, values): substitute(v, values) for k, v in value.items()}
    return value
