"""``baseliner mapping``: the Intune -> Group Policy table, its coverage, its agreement."""

from __future__ import annotations

from typing import Any


def render_mapping(out: dict[str, Any]) -> str:
    lines = [f"mapping table: {out['entries']} Intune settings mapped"]
    if "coverage" in out:
        c = out["coverage"]
        lines.append(
            f"coverage: {c['settings']} settings: {c['exact']} exact, {c['partial']} partial, "
            f"{c['unmapped']} unmapped; {c['mapped_with_gp_equivalent']}/"
            f"{c['with_gp_equivalent']} ({c['mapped_percent_of_gp_equivalent']}%) of those with"
            " a Group Policy equivalent are mapped"
        )
    if "osconfig" in out:
        o = out["osconfig"]
        lines.append(
            f"osconfig: {o['agreeing']}/{o['compared']} pairs agree "
            f"({o['agreement_percent']}%), {len(o['not_in_table'])} OSConfig pairs not in table"
        )
        lines += [
            f"  differs: {d['setting']}: osconfig {d['osconfig']}" for d in o["disagreements"]
        ]
    for match in out.get("matches", []):
        reason = f" ({match['reason']})" if match["reason"] else ""
        lines.append(f"{match['setting']}  [{match['confidence']}]{reason}")
        lines += [f"    -> {target}" for target in match["targets"]]
    return "\n".join(lines)
