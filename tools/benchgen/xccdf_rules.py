"""STIG check text that names user rights, advanced audit, account policy and services, and
the reason a rule no export shows is left to people.

User rights come in three sentences, each followed by a list of principals:

- ``If any groups or accounts are granted the "Create a token object" user right`` -> empty;
- ``If any groups or accounts other than the following are granted the "X" user right`` ->
  ``subset_of`` (principals the text says "may" hold it, or that an update adds, with them);
- ``If the following groups or accounts are not defined for the "X" right`` -> ``superset_of``.

Principals become SIDs (``Guests group`` is S-1-5-32-546, ``NT SERVICE\\autotimesvc`` its
derived SID), a choice (``"Local account and member of Administrators group" or "Local
account"``) a ``{any_of: [...]}`` item, and a domain group only the organization can name a
site-specific parameter (``${domain_admins_sid}``).  The words are data:
``stig_words.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from checker.core.files import read_text
from checker.core.principals import principal
from checker.core.values import JSON
from checker.kinds import Kind
from checker.policy.members import CHOICE
from tools.benchgen.xccdf import Expectation

WORDS_FILE = Path(__file__).with_name("stig_words.yaml")


@dataclass(frozen=True, slots=True)
class Words:
    user_rights: Mapping[str, str]
    principals: Mapping[str, str]
    parameters: Mapping[str, Mapping[str, str]]
    security: Mapping[str, str]
    services: Mapping[str, str]
    audit_spellings: Mapping[str, str]
    banner_titles: tuple[str, ...]
    manual: tuple[tuple[re.Pattern[str], str], ...]


def load_words(path: Path = WORDS_FILE) -> Words:
    doc: dict[str, Any] = yaml.safe_load(read_text(path))
    return Words(
        {k.casefold(): v for k, v in doc["user_rights"].items()},
        {k.casefold(): v for k, v in doc["principals"].items()},
        doc["parameters"],
        {k.casefold(): v for k, v in doc["security"].items()},
        {k.casefold(): v for k, v in doc["services"].items()},
        doc["audit_spellings"],
        tuple(doc["banner_titles"]),
        tuple((re.compile(item["match"]), item["reason"]) for item in doc["manual"]),
    )


WORDS = load_words()

PARTIAL = "PARTIAL: "
"""The prefix of a note that says a requirement of the rule was not read."""


def manual_reason(text: str, notes: list[str]) -> str:
    """Why no expectation was read from a rule's text."""
    if notes:
        return "; ".join(note.removeprefix(PARTIAL) for note in notes)
    for pattern, reason in WORDS.manual:
        if pattern.search(text):
            return reason
    return "procedure on the running system (no Group Policy setting named)"


# -- user rights -----------------------------------------------------------------------------

_WHO = r"(?:groups or accounts|accounts or groups)"
_RIGHT_NONE = re.compile(
    rf'If any {_WHO}(?: \([^)]*\))?,? are (?:granted|defined for) the "(?P<right>[^"]+)"'
    r"(?: user)? right",
    re.I,
)
_RIGHT_ONLY = re.compile(
    rf'If any {_WHO} other than the following are granted the "(?P<right>[^"]+)"(?: user)? right',
    re.I,
)
_RIGHT_MUST = re.compile(
    rf'If the following {_WHO} are not defined for the "(?P<right>[^"]+)"(?: user)? right', re.I
)
_HEADING = re.compile(
    r"^(Domain Systems Only|All Systems|Domain-joined systems|Standalone.*):$", re.I
)
_PROSE = (
    "If ", "For ", "Note", "Privileged", "Secedit", "Review", "Vendor", "The ", "Run ",
    "Navigate", "S-1-",
)  # fmt: skip
_ADDED = re.compile(r"^(NT SERVICE\\\w+)\b.*\b(?:added|may)\b", re.I)


def principal_sid(name: str) -> str | None:
    """A principal as STIG text names it -> its SID, ``${parameter}``, or None."""
    text = re.sub(r"\s*\(see Note below\)", "", name.strip().strip("-").strip(), flags=re.I)
    text = text.strip().strip('"')
    for candidate in (text, re.sub(r"\s+group$", "", text, flags=re.I).strip().strip('"')):
        key = candidate.casefold()
        if key in WORDS.principals:
            return WORDS.principals[key]
        found = principal(candidate)
        if found.upper().startswith("S-1-"):
            return found
    return None


def _principal_lines(text: str) -> tuple[list[str], list[str]]:
    """The principals listed at the start of ``text`` (until a sentence), and those the
    text adds in prose (``NT SERVICE\\autotimesvc is added in v1909 ...``)."""
    names: list[str] = []
    added: list[str] = []
    for raw in text.split("\n")[1:]:
        line = raw.strip()
        service = _ADDED.match(line)
        if service:
            added.append(service.group(1))
        elif not line or _HEADING.match(line):
            continue
        elif len(line) > 90 or line.endswith(".") or line.startswith(_PROSE):
            if names:
                break
        else:
            names.append(line)
    return names, added


def user_right(text: str) -> tuple[list[Expectation], list[str]]:
    notes: list[str] = []
    found, operator = None, ""
    for pattern, op in ((_RIGHT_NONE, "empty"), (_RIGHT_ONLY, "subset_of"),
                        (_RIGHT_MUST, "superset_of")):  # fmt: skip
        found = pattern.search(text)
        if found and op == "empty" and "nondomain-joined" in text[found.end() : found.end() + 40]:
            notes.append("nondomain-joined systems: the right must be empty (not a GPO case)")
            found = None
        if found:
            operator = op
            break
    if found is None:
        return [], [*notes, "no user-right sentence (orphaned SIDs need a domain lookup)"]
    right = WORDS.user_rights.get(found.group("right").strip().rstrip(":").casefold())
    if right is None:
        return [], [f"{PARTIAL}unknown user right {found.group('right')!r}"]
    if operator == "empty":
        return [Expectation(Kind.PRIVILEGE, right, {"empty": True})], notes
    names, added = _principal_lines(text[found.end() :])
    items: list[JSON] = []
    for name in names:
        options = re.split(r'"\s+or\s+"', name) if '" or "' in name else [name]
        sids = [principal_sid(option) for option in options]
        if any(sid is None for sid in sids):
            notes.append(f"{PARTIAL}a principal no export names alike: {name!r}")
            continue
        items.append(sids[0] if len(sids) == 1 else {CHOICE: sids})
    if operator == "subset_of":
        items += [sid for sid in map(principal_sid, added) if sid and sid not in items]
        notes += [f"{name} also holds it" for name in added]
        for allowed, sid in (("NT VIRTUAL MACHINE", "S-1-5-83-0"), ("Everyone", "S-1-1-0")):
            prose = text[found.end() :]
            if re.search(rf'"{allowed}[^"]*"\s+(?:group )?may', prose) and sid not in items:
                items.append(sid)
    if not items:
        notes.append(f"{PARTIAL}no principals found")
        return [], notes
    return [Expectation(Kind.PRIVILEGE, right, {operator: items})], notes


# -- advanced audit --------------------------------------------------------------------------

_AUDIT_LINE = re.compile(
    r"^\s*(?P<cat>[A-Za-z/ ]+?)\s*>>\s*(?P<sub>[A-Za-z/ \-]+?)\s+-\s+(?P<flag>Success|Failure)\s*$",
    re.M,
)
_AUDIT_SENTENCE = re.compile(r'If "Audit (?P<sub>[^"]+)" is not set to "(?P<flag>Success|Failure)"')


def audit(text: str) -> tuple[list[Expectation], list[str]]:
    """``Account Logon >> Credential Validation - Failure``: the subcategory must audit
    failures (auditing both complies)."""
    out = []
    for found in [*_AUDIT_LINE.finditer(text), *_AUDIT_SENTENCE.finditer(text)]:
        sub = " ".join(found.group("sub").split())
        sub = WORDS.audit_spellings.get(sub, sub)
        flag = found.group("flag")
        out.append(Expectation(Kind.AUDIT, sub, {"in": [flag, "Success and Failure"]}))
    return out, ([] if out else ["no audit subcategory line"])


# -- account policy, Kerberos policy, [System Access] options -------------------------------

_POLICY_NAME = re.compile(r'"(?P<name>[^"]+?),?"')


def account_policy(text: str) -> tuple[list[Expectation], list[str]]:
    for found in _POLICY_NAME.finditer(text):
        key = WORDS.security.get(found.group("name").casefold())
        if key is None:
            continue
        expect = _policy_expect(text[found.end() : found.end() + 200], text)
        if expect is None:
            return [], [f"{PARTIAL}cannot read the bound of {found.group('name')!r}"]
        return [Expectation(Kind.SECURITY, key, expect)], []
    return [], ["no account policy or [System Access] option named"]


def _policy_expect(tail: str, text: str) -> dict[str, JSON] | None:
    numbers = [int(n) for n in re.findall(r'"(\d+)"', tail)]
    if re.search(r'is not set to "Enabled"', tail):
        return {"equals": 1}
    if re.search(r'is not set to "Disabled"', tail):
        return {"equals": 0}
    other = re.search(r'other than "(\w+)"|is set to "(\w+)", this is a finding', tail)
    if other and not (other.group(2) or "").isdigit():
        # Windows compares account names case-insensitively.
        return {"not_matches": f"(?i)^{other.group(1) or other.group(2)}$"}
    if re.search(r'is set to "0"', tail) and numbers == [0]:
        return {"gte": 1}
    if re.search(r"less than", tail) and numbers:
        if re.search(r'excluding "?0"?', tail):
            return {"any_of": [{"equals": 0}, {"gte": numbers[0]}]}
        return {"gte": numbers[0]}
    if re.search(r'is "0" or more than|"0" or greater than|is "0" or greater', tail) and (
        len(numbers) >= 2
    ):
        return {"gte": 1, "lte": numbers[1]}
    if re.search(r"greater than|more than", tail) and numbers:
        return (
            {"gte": 1, "lte": numbers[0]} if re.search(r'set to "0"', text) else {"lte": numbers[0]}
        )
    return None


# -- services --------------------------------------------------------------------------------


def service(text: str) -> tuple[list[Expectation], list[str]]:
    found = re.search(r'Locate the "(?P<name>[^"]+)" service', text)
    name = WORDS.services.get(found.group("name").casefold()) if found else None
    if name is None or not re.search(r'"Startup Type" is not "Disabled"', text):
        return [], []
    return [Expectation(Kind.SERVICE, name, {"equals": 4})], [
        "the service's running state is not in a GPO export"
    ]
