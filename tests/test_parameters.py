"""Site-specific parameters: declared by a benchmark, named by its checks as ``${NAME}``, set
by a profile (or a policy test case); a check naming an unset one is not_applicable."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.core.errors import PolicyError
from checker.core.statuses import Status
from checker.core.values import Fact, Origin, Source
from checker.engine import evaluate
from checker.kinds import Kind
from checker.policy.load import load_benchmark
from checker.repo.casetest import load_cases, run_case
from checker.repo.findings import Options
from checker.repo.lint import lint
from checker.targets.merge import build_target

BASE = """\
id: base
title: Base
parameters:
  domain_admins_sid: {description: "the domain's Domain Admins", match: 'S-1-5-21-*-512'}
  tenant: {description: the tenant}
checks:
  - id: deny
    title: Deny network logon
    category: accounts
    impact: 5
    severity: medium
    privilege: SeDenyNetworkLogonRight
    expect: {superset_of: ['${domain_admins_sid}', Guests]}
  - id: tenant
    title: Tenant
    category: os
    impact: 5
    severity: medium
    registry: 'HKLM\\Software\\Policies\\Microsoft\\OneDrive\\AllowTenantList!${tenant}'
    expect: {equals: '${tenant}'}
  - id: time
    title: Change the system time
    category: accounts
    impact: 5
    severity: medium
    privilege: SeSystemtimePrivilege
    expect: {subset_of: [Administrators, LOCAL SERVICE, 'NT SERVICE\\autotimesvc']}
"""

DOMAIN_ADMINS = "S-1-5-21-1-2-3-512"
AUTOTIMESVC = "S-1-5-80-3169285310-278349998-1452333686-3865143136-4212226833"


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "base.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def _profile(tmp_path: Path, parameters: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(
        f"id: profile\ntitle: Profile\nextends: base.yaml\nparameters:\n{parameters}",
        encoding="utf-8",
    )
    return path


def _results(path: Path, facts: list[Fact]) -> dict[str, tuple[Status, str | None]]:
    target = build_target("dev", [Source("s", "test", tuple(facts))])
    return {r.check.id: (r.status, r.reason) for r in evaluate([load_benchmark(path)], target)}


def _right(name: str, holders: list[str]) -> Fact:
    return Fact(Kind.PRIVILEGE, name, holders, Origin("GptTmpl.inf", 7))


def test_unset_parameters_make_their_checks_site_specific(base: Path) -> None:
    denied = _right("SeDenyNetworkLogonRight", [DOMAIN_ADMINS, "S-1-5-32-546"])
    assert _results(base, [denied]) == {
        "deny": (Status.NOT_APPLICABLE, "site-specific: set parameter domain_admins_sid"),
        "tenant": (Status.NOT_APPLICABLE, "site-specific: set parameter tenant"),
        "time": (Status.NOT_CONFIGURED, "setting not found in any source"),
    }


@pytest.mark.parametrize(
    ("holders", "status"),
    [
        ([DOMAIN_ADMINS, "S-1-5-32-546"], Status.PASS),
        (["S-1-5-21-9-9-9-512", "S-1-5-32-546"], Status.FAIL),  # another domain's admins
        (["ADD YOUR DOMAIN ADMINS", "S-1-5-32-546"], Status.FAIL),  # DISA's placeholder
    ],
)
def test_a_profile_sets_a_parameter(
    base: Path, tmp_path: Path, holders: list[str], status: Status
) -> None:
    profile = _profile(tmp_path, f"  domain_admins_sid: {DOMAIN_ADMINS}\n")
    found = _results(profile, [_right("SeDenyNetworkLogonRight", holders)])
    assert found["deny"][0] is status
    assert found["tenant"][0] is Status.NOT_APPLICABLE
    (check,) = [c for c in load_benchmark(profile).checks if c.info.id == "deny"]
    assert check.info.expected == f'includes ["{DOMAIN_ADMINS}", "S-1-5-32-546"]'


def test_a_parameter_in_a_registry_key(base: Path, tmp_path: Path) -> None:
    guid = "1111-2222-3333-4444"
    profile = _profile(tmp_path, f"  tenant: {guid}\n")
    key = f"HKLM\\Software\\Policies\\Microsoft\\OneDrive\\AllowTenantList!{guid}"
    found = _results(profile, [Fact(Kind.REGISTRY, key, guid, Origin("registry.pol"))])
    assert found["tenant"] == (Status.PASS, None)


@pytest.mark.parametrize(
    ("holders", "status"),
    [
        (["S-1-5-32-544", "S-1-5-19", AUTOTIMESVC], Status.PASS),
        (["S-1-5-32-544", "S-1-5-19", "NT SERVICE\\autotimesvc"], Status.FAIL),  # unresolved fact
        (["S-1-5-32-544", "S-1-5-80-1-2-3-4-5"], Status.FAIL),
    ],
)
def test_service_principals_are_their_sids(base: Path, holders: list[str], status: Status) -> None:
    """The benchmark's ``NT SERVICE\\autotimesvc`` is compared as its derived SID (loaders
    resolve an export's names the same way, so a fact holding the name is not a case)."""
    assert _results(base, [_right("SeSystemtimePrivilege", holders)])["time"][0] is status


BAD = [
    # (profile parameters, message)
    ("  domain_admins_sid: S-1-5-21-1-2-3-513\n",
     "{path}:5:22: 'S-1-5-21-1-2-3-513' does not match 'S-1-5-21-*-512', the pattern of "
     "'domain_admins_sid' at parameters.domain_admins_sid"),
    ("  nobody: x\n",
     "{path}:5:3: parameters sets 'nobody', which no benchmark declares (declared: "
     "domain_admins_sid, tenant) at parameters.nobody"),
    ("  Bad-Name: {description: x}\n",
     "{path}:5:3: parameter name 'Bad-Name' is not lower_case_with_underscores at "
     "parameters.Bad-Name"),
]  # fmt: skip


@pytest.mark.parametrize(("parameters", "message"), BAD)
def test_bad_parameters(base: Path, tmp_path: Path, parameters: str, message: str) -> None:
    profile = _profile(tmp_path, parameters)
    with pytest.raises(PolicyError) as caught:
        load_benchmark(profile)
    assert str(caught.value) == message.format(path=profile)


def test_a_check_naming_an_undeclared_parameter(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(BASE.replace("'${tenant}'", "'${tennant}'"), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_benchmark(path)
    assert str(caught.value) == (
        f"{path}:20:5: names ${{tennant}}, not a parameter of the benchmark "
        "(domain_admins_sid, tenant) at checks[1].expect"
    )


def test_type_only_on_registry_checks(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    right = "    privilege: SeSystemtimePrivilege\n"
    path.write_text(BASE.replace(right, f"{right}    type: REG_SZ\n"))
    with pytest.raises(PolicyError, match="a privilege check's value has no type 'REG_SZ'"):
        load_benchmark(path)


CASES = """\
benchmark: base.yaml
cases:
  - name: set
    parameters: {domain_admins_sid: S-1-5-21-1-2-3-512}
    state:
      privilege:
        SeDenyNetworkLogonRight: [S-1-5-21-1-2-3-512, Guests]
        SeSystemtimePrivilege: [Administrators, 'NT SERVICE\\autotimesvc']
    expect: {deny: pass, tenant: not_applicable, time: pass}
  - name: unset
    state:
      privilege:
        SeDenyNetworkLogonRight: [S-1-5-21-1-2-3-512, Guests]
    expect: {deny: not_applicable}
"""


def test_a_case_sets_parameters(base: Path, tmp_path: Path) -> None:
    path = tmp_path / "base.cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    cases = load_cases(path)
    assert [run_case(cases, case).mismatches for case in cases.cases] == [(), ()]


def test_a_case_sets_a_parameter_wrongly(base: Path, tmp_path: Path) -> None:
    path = tmp_path / "base.cases.yaml"
    path.write_text(CASES.replace("1-2-3-512}", "1-2-3-500}"), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_cases(path)
    assert str(caught.value) == (
        f"{path}:4:37: 'S-1-5-21-1-2-3-500' does not match 'S-1-5-21-*-512', the pattern of "
        "'domain_admins_sid' at cases[0].parameters.domain_admins_sid"
    )


def test_lint_warns_of_a_profile_that_leaves_a_parameter_unset(base: Path, tmp_path: Path) -> None:
    profile = _profile(tmp_path, f"  domain_admins_sid: {DOMAIN_ADMINS}\n")
    found = [f for f in lint([base, profile], Options()).findings if f.rule == "unset-parameter"]
    assert [(f.path, f.line, f.message) for f in found] == [
        (str(profile), 3, "parameter 'tenant' is not set: 1 check stays not_applicable "
         "(site-specific)"),
    ]  # fmt: skip
