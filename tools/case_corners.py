"""The corners of typed checks that tools/make_cases.py writes a case for, each check that has
the corner getting a passing and (where a value can fail it) a failing item:

- ``type``: a REG_DWORD where the check requires REG_SZ, and the reverse (same digits);
- ``hex``: a number written in hex passes, its hex digits read as decimal fail
  (``0x00001000`` is 4096, not 1000);
- ``alternative``: each value of ``in`` and each ``any_of`` alternative passes;
- ``bound``: a bound passes, one past it fails, and 0 fails a bound that excludes it;
- ``flags``: a hardened UNC path's flags reordered, spaced and with one more pass; with one
  missing, fail;
- ``service``: ``NT SERVICE\\name`` passes where the check names the service's SID, another
  service fails;
- ``site``: a check naming a site-specific parameter is not_applicable while it is unset
  (the compliant and violating cases) and judged once a case sets it: its domain group's
  SID passes, another domain's fails.

Each corner is a label; the items of one label are packed into as few cases as possible
(``generated: <label>``, ``... 2``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checker.core.principals import service_sid
from checker.core.values import JSON
from checker.kinds import TEXT_TYPES, Kind
from checker.policy.compile import Check
from checker.policy.expect import flag_set, operands
from tools import make_fixtures

KNOWN_SERVICES = ("autotimesvc", "WdiServiceHost", "TrustedInstaller")
"""Services whose ``NT SERVICE\\`` name a case writes for their SID."""

OTHER_SERVICE = "NT SERVICE\\W32Time"

SITE_SID = "S-1-5-21-1111111111-2222222222-3333333333"
OTHER_DOMAIN = "S-1-5-21-4444444444-5555555555-6666666666"
"""The domain of a case's site parameters, and another domain."""


@dataclass(frozen=True, slots=True)
class Item:
    """One check's setting in a case: the value it gets (None: left unset) and the verdict;
    ``text``: the value as the case file writes it, when not as JSON (``0x00001000``)."""

    check: str
    kind: Kind
    ref: str
    canonical: str
    value: JSON
    status: str
    text: str | None = None


Corner = tuple[str, Item]
"""(label, item)."""

LABELS = {
    "type": ("REG_DWORD where REG_SZ is required", "REG_SZ where REG_DWORD is required"),
    "hex": ("written in hex", "hex read as decimal"),
    "alternative": ("each alternative",),
    "bound": ("at the bounds", "past the bounds"),
    "flags": ("flags reordered", "a flag missing"),
    "service": ("services by name", "another service"),
    "site": ("site parameters set", "another domain's groups"),
}
"""Corner -> the labels of its cases (passing first)."""


def corners(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    """The corner items of a check whose value ``good`` passes."""
    for make in (_typed, _hex, _alternatives, _bounds, _flags, _services):
        yield from make(check, derived, good)


def _item(check: Check, derived: make_fixtures.Check, value: JSON, status: str,
          text: str | None = None) -> Item:  # fmt: skip
    assert check.kind is not None
    return Item(derived.id, check.kind, derived.ref, check.key, value, status, text)


def _typed(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    if check.value_type in TEXT_TYPES and isinstance(good, str) and good.isdigit():
        yield LABELS["type"][0], _item(check, derived, int(good), "fail")
    elif check.value_type == "REG_DWORD" and isinstance(good, int) and not isinstance(good, bool):
        yield LABELS["type"][1], _item(check, derived, str(good), "fail")


def _numbers(check: Check) -> list[int]:
    found = operands(check.expect or {})
    return [n for n in found if isinstance(n, int) and not isinstance(n, bool)]


def _hex(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    if check.kind is not Kind.REGISTRY or check.value_type in TEXT_TYPES:
        return
    for number in _numbers(check):
        digits = f"{number:x}"
        misread = int(digits) if digits.isdigit() else number
        wrong = misread != number and not derived.passes(misread)
        if number >= 10 and wrong and derived.passes(number):
            yield LABELS["hex"][0], _item(check, derived, number, "pass", f"0x{number:08x}")
            yield LABELS["hex"][1], _item(check, derived, misread, "fail")
            return


def _alternatives(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    expect = check.expect or {}
    values: list[JSON] = list(expect.get("in", [])) if len(expect.get("in", [])) > 1 else []
    for alternative in expect.get("any_of", []):
        one = make_fixtures.Check(derived.id, derived.kind, derived.ref, alternative)
        found = make_fixtures.first_passing(one)
        values += [found] if found is not None else []
    for value in dict.fromkeys(_hashable(values)):
        if derived.passes(value):
            yield LABELS["alternative"][0], _item(check, derived, value, "pass")


def _hashable(values: list[JSON]) -> list[JSON]:
    return [value for value in values if isinstance(value, int | str)]


def _bounds(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    expect = check.expect or {}
    text = check.value_type in TEXT_TYPES

    def typed(number: int) -> JSON:
        return str(number) if text else number

    for name, past in (("gte", -1), ("lte", 1)):
        bound = expect.get(name)
        if isinstance(bound, int) and not isinstance(bound, bool) and derived.passes(typed(bound)):
            yield LABELS["bound"][0], _item(check, derived, typed(bound), "pass")
            if not derived.passes(typed(bound + past)):
                yield LABELS["bound"][1], _item(check, derived, typed(bound + past), "fail")
    if expect.get("gte") == 1 and "lte" in expect and not derived.passes(typed(0)):
        yield LABELS["bound"][1], _item(check, derived, typed(0), "fail")


def _flags(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    wanted = (check.expect or {}).get("flags")
    if not isinstance(wanted, dict) or len(wanted) < 2:
        return
    pairs = [f"{name}={value}" for name, value in wanted.items()]
    loose = ",  ".join([*reversed(pairs), "RequirePrivacy=1"])
    if derived.passes(loose) and flag_set(loose):
        yield LABELS["flags"][0], _item(check, derived, loose, "pass")
        yield LABELS["flags"][1], _item(check, derived, ",".join(pairs[1:]), "fail")


def _services(check: Check, derived: make_fixtures.Check, good: JSON) -> Iterator[Corner]:
    if check.kind is not Kind.PRIVILEGE or not isinstance(good, list):
        return
    names = {service_sid(name).casefold(): f"NT SERVICE\\{name}" for name in KNOWN_SERVICES}
    named = [names.get(str(sid).casefold(), sid) for sid in good]
    if named != good and derived.passes(good) and "subset_of" in (check.expect or {}):
        yield LABELS["service"][0], _item(check, derived, named, "pass")
        yield LABELS["service"][1], _item(check, derived, [*named, OTHER_SERVICE], "fail")


def site_values(parameters: dict[str, dict[str, JSON]]) -> dict[str, JSON]:
    """A value for each declared parameter: its pattern's ``*`` as :data:`SITE_SID`'s
    domain (``S-1-5-21-*-512``), else DISA's dummy GUID."""
    values: dict[str, JSON] = {}
    for name, declared in parameters.items():
        pattern = declared.get("match") if isinstance(declared, dict) else None
        if isinstance(pattern, str) and pattern.startswith("S-1-5-21-*"):
            values[name] = pattern.replace("S-1-5-21-*", SITE_SID)
        else:
            values[name] = "1111-2222-3333-4444"
    return values


def other_domain(value: JSON) -> JSON:
    """A value with the site's domain groups of another domain (same RIDs)."""
    if isinstance(value, list):
        return sorted(str(item).replace(SITE_SID, OTHER_DOMAIN) for item in value)
    return value
