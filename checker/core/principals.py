"""Well-known Windows principals: names as exports write them, and their SIDs.

GptTmpl.inf and gpreport.xml name principals by SID (``*S-1-5-32-544``); gpresult /x often
gives only the name (``Administrators``), and old templates use names for built-in groups.
Intune writes user rights either way, ``Administrators``, ``BUILTIN\\Administrators`` or
``*S-1-5-32-544``, sometimes wrapped in ``<![CDATA[...]]>`` and separated by U+F000.
Checks compare SIDs, so a well-known name becomes its SID; any other name is kept as written.
Names are matched case-insensitively, with or without ``BUILTIN\\`` / ``NT AUTHORITY\\``.
A service's virtual account ``NT SERVICE\\<name>`` becomes the SID Windows derives from the
name (:func:`service_sid`), so a STIG's ``NT SERVICE\\autotimesvc`` meets a GPO's SID.

A list of principals (:func:`principal_list`) is compared as a set: sorted, each principal
once, and without the Null SID (``S-1-0-0``, "Nobody"): no logon token carries it, so a right
granted to it alone is granted to no one.  CIS writes "No One" that way in Intune, where the
User Rights CSP takes no empty list, and GptTmpl.inf writes it as an empty list.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
from collections.abc import Iterable

from checker.core.values import JSON

NULL_SID = "S-1-0-0"

WELL_KNOWN: dict[str, str] = {
    "nobody": NULL_SID,
    "null sid": NULL_SID,
    "everyone": "S-1-1-0",
    "local": "S-1-2-0",
    "console logon": "S-1-2-1",
    "creator owner": "S-1-3-0",
    "creator group": "S-1-3-1",
    "owner rights": "S-1-3-4",
    "dialup": "S-1-5-1",
    "network": "S-1-5-2",
    "batch": "S-1-5-3",
    "interactive": "S-1-5-4",
    "service": "S-1-5-6",
    "anonymous logon": "S-1-5-7",
    "enterprise domain controllers": "S-1-5-9",
    "self": "S-1-5-10",
    "authenticated users": "S-1-5-11",
    "restricted": "S-1-5-12",
    "terminal server user": "S-1-5-13",
    "remote interactive logon": "S-1-5-14",
    "this organization": "S-1-5-15",
    "iusr": "S-1-5-17",
    "system": "S-1-5-18",
    "local system": "S-1-5-18",
    "local service": "S-1-5-19",
    "network service": "S-1-5-20",
    "local account": "S-1-5-113",
    "local account and member of administrators group": "S-1-5-114",
    "administrators": "S-1-5-32-544",
    "users": "S-1-5-32-545",
    "guests": "S-1-5-32-546",
    "power users": "S-1-5-32-547",
    "account operators": "S-1-5-32-548",
    "server operators": "S-1-5-32-549",
    "print operators": "S-1-5-32-550",
    "backup operators": "S-1-5-32-551",
    "replicator": "S-1-5-32-552",
    "pre-windows 2000 compatible access": "S-1-5-32-554",
    "remote desktop users": "S-1-5-32-555",
    "network configuration operators": "S-1-5-32-556",
    "performance monitor users": "S-1-5-32-558",
    "performance log users": "S-1-5-32-559",
    "distributed com users": "S-1-5-32-562",
    "iis_iusrs": "S-1-5-32-568",
    "cryptographic operators": "S-1-5-32-569",
    "event log readers": "S-1-5-32-573",
    "hyper-v administrators": "S-1-5-32-578",
    "remote management users": "S-1-5-32-580",
    "device owners": "S-1-5-32-583",
    "window manager\\window manager group": "S-1-5-90-0",
    "nt virtual machine\\virtual machines": "S-1-5-83-0",
    "nt virtual machines\\virtual machine": "S-1-5-83-0",  # as the Windows 10 STIG spells it
    "all services": "S-1-5-80-0",
    "nt service\\all services": "S-1-5-80-0",
}

_PREFIXES = ("builtin\\", "nt authority\\")
_SERVICE = "nt service\\"


def principal(text: str) -> str:
    """A principal as checks compare it: a SID without ``*``, or the name as written."""
    item = text.strip().strip('"').removeprefix("*")
    if item.upper().startswith("S-1-"):
        return item.upper()
    key = item.casefold()
    for prefix in _PREFIXES:
        key = key.removeprefix(prefix)
    found = WELL_KNOWN.get(key)
    if found is None and key.startswith(_SERVICE) and len(key) > len(_SERVICE):
        return service_sid(item.strip()[len(_SERVICE) :])
    return item if found is None else found


def service_sid(name: str) -> str:
    """The SID of ``NT SERVICE\\<name>``: S-1-5-80- and the SHA-1 of the upper-cased name
    in UTF-16LE, read as five little-endian 32-bit numbers (what ``sc showsid`` prints)."""
    digest = hashlib.sha1(name.upper().encode("utf-16-le"), usedforsecurity=False).digest()
    return "S-1-5-80-" + "-".join(str(number) for number in struct.unpack("<5I", digest))


_CDATA = re.compile(r"^\s*<!\[CDATA\[(.*)\]\]>\s*$", re.S)
_SEPARATORS = re.compile("[\uf000,]")


def principal_list(items: Iterable[str]) -> list[str]:
    """The principals of a right or group as checks compare them (see module docstring):
    resolved by :func:`principal`, sorted, each once (names case-insensitively), no Null SID."""
    given = tuple(items)
    if len(given) > _LIST_CACHED or sum(map(len, given)) > _TEXT_CACHED:
        return list(_resolved(given))
    return list(_resolved_cached(given))


def _resolved(items: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        if item.strip():
            found = principal(item)
            seen.setdefault(found.casefold(), found)
    return tuple(sorted(value for value in seen.values() if value != NULL_SID))


_resolved_cached = functools.lru_cache(maxsize=1 << 10)(_resolved)
"""Cached: a fleet's devices hold the same rights with the same members, and resolving
them was half of normalizing a real gpresult.  Only lists of up to :data:`_LIST_CACHED`
members and :data:`_TEXT_CACHED` characters are kept (a real one holds a few hundred), so
hostile exports can make the cache hold a few megabytes at most."""

_LIST_CACHED, _TEXT_CACHED = 64, 2048


def split_principals(value: JSON) -> list[str]:
    """The items of an Intune user-rights value: a list, or one text whose items are
    separated by U+F000 (the CSP's separator) or commas, perhaps inside ``<![CDATA[...]]>``."""
    if isinstance(value, list):
        return [str(item) for item in value if item is not None]
    text = str(value)
    match = _CDATA.match(text)
    return _SEPARATORS.split(match.group(1) if match else text)
