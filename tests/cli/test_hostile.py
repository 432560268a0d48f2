"""Hostile inputs and hard stops (issue 21), each through the real CLI: a positioned error or
a correct report, the other targets still reported, and the run ends (the subprocess has a
timeout as a guard against a hang, not as a speed test: bench/RESULTS.md has the figures).

Each case writes a good target and a hostile one and checks both: the hostile input is an
error naming its file and position (exit 2) or is judged right, and the good target is
reported all the same.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.loaders.registry_pol import make_entry, write
from tests.cli.run import baseliner, clone_environment
from tests.conftest import FIXTURES, ROOT
from tests.hostile_exports import escaped_names_policy

POLICY = "msft-windows11-24h2"
GOOD = FIXTURES / "gpo" / "compliant"
RSOP = FIXTURES / "gpresult" / "small-rsop.xml"
HUGE = "9" * 5000


@dataclass(frozen=True)
class Hostile:
    """A hostile input written into a folder, what the run must say of it, and where."""

    write: Callable[[Path], Path]
    error: str
    """A part of the error line on stderr (with its position); empty: no error."""


def _file(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def write_it(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding=encoding)
        return path

    return write_it


def _deep_intune(folder: Path) -> Path:
    deep = '{"a":' * 700 + "1" + "}" * 700
    policy = {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        "name": "deep",
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": ["DEEP"],
    }
    path = folder / "deep.json"
    path.write_text(json.dumps(policy).replace('"DEEP"', deep), encoding="utf-8")
    return path


def _deletions(folder: Path) -> Path:
    entries = []
    for number in range(20_000):
        key = f"Software\\Policies\\Contoso\\K{number % 500}"
        entries += [make_entry(key, f"V{number}", number), make_entry(key, "**delvals.", " ")]
    path = folder / "registry.pol"
    path.write_bytes(write(entries))
    return path


def _escaped_names(folder: Path) -> Path:
    """40,000 escaped property names: 20 s before the index."""
    path = folder / "escaped.json"
    path.write_text(escaped_names_policy(40_000), encoding="utf-8")
    return path


HOSTILE = {
    "gpttmpl-number": Hostile(
        _file(
            "GptTmpl.inf",
            f"[Unicode]\nUnicode=yes\n[System Access]\nMinimumPasswordLength = {HUGE}\n"
            '[Version]\nsignature="$CHICAGO$"\nRevision=1\n',
        ),
        "GptTmpl.inf: line 4: number 9999",
    ),
    "audit-number": Hostile(
        _file(
            "audit.csv",
            "Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,"
            "Exclusion Setting,Setting Value\n,System,Audit Credential Validation,"
            f"{{0cce923f-69ae-11d9-bed3-505054503030}},Success,,{HUGE}\n",
        ),
        "audit.csv: line 2: number 9999",
    ),
    "lgpo-number": Hostile(
        _file("machine.txt", f"Computer\nSoftware\\Policies\\X\nV\nDWORD:{HUGE}\n"),
        "machine.txt: line 4: REG_DWORD data '9999",
    ),
    "intune-nesting": Hostile(_deep_intune, "deep.json: line 1, column"),
    "registry-deletions": Hostile(_deletions, ""),
    "intune-escaped-names": Hostile(_escaped_names, ""),
    "intune-duplicate-key": Hostile(
        _file(
            "dup.json",
            '{"@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",\n'
            ' "name": "first",\n "platforms": "windows10",\n "name": "second",\n'
            ' "settings": []}\n',
        ),
        "dup.json: line 4, column 2: duplicate key",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_export_costs_only_its_own_target(name: str, tmp_path: Path) -> None:
    case = HOSTILE[name]
    folder = tmp_path / "hostile"
    folder.mkdir()
    case.write(folder)
    out = tmp_path / "report.json"
    done = baseliner(
        "check", GOOD, folder, "--policy", POLICY, "-o", f"json={out}", "--soft-fail",
        "--jobs", "1", timeout=60,
    )  # fmt: skip
    report = json.loads(out.read_text(encoding="utf-8"))
    names = [target["name"] for target in report["targets"]]
    assert "compliant" in names, done.err
    assert "internal error" not in done.err
    if case.error:
        assert done.code == 2, done.err
        assert case.error in done.err, done.err
        assert names == ["compliant"]
    else:
        assert done.code == 0, done.err
        assert names == ["compliant", "hostile"]


# --- benchmarks, exceptions, manifests, cases from a pull request --------------------------

BOMB = "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
HEAD = "id: x\ntitle: x\nchecks:\n  - id: c\n    title: t\n    category: os\n    impact: 1\n"


def _benchmark(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bench.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + BOMB + HEAD, "(aliases)"),
        ("a: " + "[" * 200 + "]" * 200 + "\n" + HEAD, "nested deeper than 64 levels"),
        (
            HEAD + "    severity: low\n    query: '" + "(" * 450 + "@" + ")" * 450 + "'\n"
            "    expect: {absent: false}\n",
            "JMESPath nested deeper than 64 levels",
        ),
    ],
    ids=["alias-bomb", "deep-yaml", "deep-jmespath"],
)
def test_a_hostile_benchmark_is_a_positioned_policy_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _benchmark(tmp_path, text)
    done = baseliner("check", GOOD, "--policy", path, timeout=60)
    assert done.code == 2
    assert done.err.startswith(f"policy error: {path}:"), done.err
    assert message in done.err


@pytest.mark.parametrize("kind", ["exceptions", "targets", "plans"])
def test_an_alias_bomb_in_any_repository_file_is_a_lint_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.yaml"
    path.write_text(
        'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + BOMB + f"{kind}: []\n"
    )
    done = baseliner("lint", path, timeout=60)
    assert done.code == 2
    assert "expands to more than 2,000,000 values (aliases)" in done.out


def test_a_pattern_that_backtracks_is_judged_in_linear_time(tmp_path: Path) -> None:
    policy = _benchmark(
        tmp_path,
        HEAD + "    severity: low\n    registry: 'HKLM\\Software\\Policies\\Contoso!Name'\n"
        "    expect: {matches: '^(a+)+$'}\n",
    )
    export = tmp_path / "machine.txt"
    export.write_text("Computer\nSoftware\\Policies\\Contoso\nName\nSZ:" + "a" * 41 + "b\n")
    done = baseliner("check", export, "--policy", policy, "-o", "json", timeout=60)
    (target,) = json.loads(done.out)["targets"]
    assert [r["status"] for r in target["results"]] == ["fail"]


def test_an_error_result_fails_the_gate(tmp_path: Path) -> None:
    """A DWORD where the check expects a string: an error, which fails closed (it passed as
    '100.0%, 0/0 pts, 1 error' and exit 0)."""
    policy = _benchmark(
        tmp_path,
        HEAD + "    severity: low\n    registry: 'HKLM\\Software\\Policies\\Contoso!Name'\n"
        "    assert: \"starts_with(@, 'x')\"\n",
    )
    export = tmp_path / "machine.txt"
    export.write_text("Computer\nSoftware\\Policies\\Contoso\nName\nDWORD:1\n")
    done = baseliner("check", export, "--policy", policy, "-o", "json", timeout=60)
    assert done.code == 1
    assert "gate failed: 1 result(s) error" in done.err
    (target,) = json.loads(done.out)["targets"]
    assert target["score"]["uncertain_range"] == [0.0, 100.0]
    assert baseliner("check", export, "--policy", policy, "--fail-on", "none").code == 0


# --- what reaches a PR comment ---------------------------------------------------------------


def test_a_computer_name_cannot_write_markdown(tmp_path: Path) -> None:
    name = "WS01`\r\n# pwned\n[click](https://evil.example) @team <img src=x>"
    text = RSOP.read_bytes().decode("utf-16")
    export = tmp_path / "rsop.xml"
    evil = name.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "&#10;")
    export.write_text(text.replace("EXAMPLE\\WS01$", evil.replace("\r", "&#13;")), "utf-16")
    done = baseliner("check", export, "--policy", POLICY, "-o", "markdown", "--soft-fail")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert not any(line.startswith("# pwned") for line in lines)
    # Code spans are inert; outside them no link, tag or mention is left.
    outside = re.sub(r"`[^`\n]*`", "", done.out)
    assert "https://" not in outside and "<img" not in outside and "@team" not in outside
    headline = next(line for line in lines if line.startswith("## baseliner: "))
    assert headline.endswith(
        "for `WS01'\\r\\n# pwned\\n[click](https://evil.example) @team <img src=x>`"
    )


def test_names_and_values_cannot_break_a_fleet_table_or_leave_a_live_link(
    tmp_path: Path,
) -> None:
    """A fleet's Markdown: a lone CR in a computer name does not end a table row, and an
    Intune policy's name in a conflict (a link, a backtick, a pipe, a CR) stays inert."""
    fleet = tmp_path / "fleet"
    shutil.copytree(FIXTURES / "intune" / "conflicts", fleet / "conflicts")
    baseline = fleet / "conflicts" / "A - Baseline.json"
    evil = "A [click](https://evil.example/x) `code` | cell\r## pwned <img src=x> @team"
    baseline.write_text(
        baseline.read_text(encoding="utf-8").replace('"A - Baseline"', json.dumps(evil)),
        encoding="utf-8",
    )
    text = RSOP.read_bytes().decode("utf-16")
    name = "WS01\r| broken | row"
    (fleet / "rsop.xml").write_text(
        text.replace("EXAMPLE\\WS01$", name.replace("\r", "&#13;")), "utf-16"
    )
    done = baseliner("check", fleet, "--policy", POLICY, "-o", "markdown", "--soft-fail")
    assert done.code == 0, done.err
    lines = done.out.split("\n")
    assert "\r" not in done.out
    rows = [line for line in lines if line.startswith("|")]
    assert rows and all(line.endswith("|") for line in rows)
    assert not any(line.startswith("## pwned") for line in lines)
    assert "| `WS01\\r¦ broken ¦ row` |" in done.out
    (conflict,) = [row for row in rows if "DisableBehaviorMonitoring" in row]
    assert "'A \\[click\\](https\\[:\\]//evil.example/x) \\`code\\` \\| cell\\\\r" in conflict
    assert "https://" not in done.out and "@team" not in done.out
    assert re.search(r"(?<!\\)<img", done.out) is None


# --- reports and the history -----------------------------------------------------------------


def test_a_damaged_history_loses_no_report(tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite"
    history.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    outputs = {name: tmp_path / f"r.{name}" for name in ("json", "sarif", "html")}
    done = baseliner(
        "check", GOOD, "--policy", POLICY, "--history", history,
        *[arg for name, path in outputs.items() for arg in ("-o", f"{name}={path}")],
    )  # fmt: skip
    assert done.code == 2
    assert done.err.startswith(f"history error: {history}: not a readable history file")
    assert all(path.stat().st_size > 0 for path in outputs.values())


def _small_disk_can_be_mounted() -> bool:
    """A tmpfs of its own, in a private mount namespace (no root needed where user
    namespaces are allowed): a disk that really fills."""
    try:
        probe = ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt"]
        return subprocess.run(probe, capture_output=True, timeout=30, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


FILL = "dd if=/dev/zero of=disk/filler bs=4k 2>/dev/null; sync"


@pytest.mark.skipif(not _small_disk_can_be_mounted(), reason="cannot mount a tmpfs here")
@pytest.mark.parametrize(
    ("fill", "sqlite_says"),
    [
        (f"{FILL} && truncate -s -40K disk/filler", "(database or disk is full)"),
        (FILL, "(disk I/O error)"),
    ],
    ids=["writing-the-run", "sizing-the-wal-index"],
)
def test_a_full_disk_under_the_history_is_named_and_loses_neither_report_nor_run(
    tmp_path: Path, fill: str, sqlite_says: str
) -> None:
    """A real full disk (a 512 KiB tmpfs) under the history: the reports, on another disk,
    are whole; the message says the disk is full whichever way SQLite noticed it (no room
    for the run's pages is SQLITE_FULL; no room even for the WAL index, the ``-shm`` file
    the next writer makes, is only "disk I/O error"); and once there is room again, the
    earlier run is there and nothing of the failed one."""
    out = tmp_path / "r.json"
    command = [sys.executable, "-m", "checker", "check", str(GOOD), "--policy", POLICY]
    command += ["--history", "disk/history.sqlite", "--no-progress", "--today", "2026-11-28"]
    script = f"""
        set -u
        mkdir disk && mount -t tmpfs -o size=512k none disk || exit 99
        {shlex.join([*command, "--label", "first"])} >/dev/null 2>&1 || exit 98
        {fill}
        {shlex.join([*command, "--label", "second", "-o", f"json={out}"])} 2>stderr
        echo $? >code
        rm -f disk/filler
        {sys.executable} -m checker history --history disk/history.sqlite --format json >runs
    """
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=tmp_path, env=clone_environment(), timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (tmp_path / "stderr").read_text()
    stderr = (tmp_path / "stderr").read_text()
    assert (tmp_path / "code").read_text().strip() == "2", stderr
    assert stderr.startswith("history error: disk/history.sqlite: the disk is full: nothing of ")
    assert sqlite_says in stderr
    assert "Traceback" not in stderr
    assert json.loads(out.read_text(encoding="utf-8"))["targets"]
    labels = [run["label"] for run in json.loads((tmp_path / "runs").read_text())["runs"]]
    assert "first" in labels and "second" not in labels


def test_a_full_disk_names_the_report_and_writes_the_others(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = baseliner(
        "check", GOOD, "--policy", POLICY, "-o", "sarif=/dev/full", "-o", f"json={out}"
    )
    assert done.code == 2
    assert "No space left on device: '/dev/full'" in done.err
    assert json.loads(out.read_text(encoding="utf-8"))["targets"]


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (["json={input}"], "would overwrite the input"),
        (["json={history}"], "would overwrite the --history file"),
        (["json={out}", "sarif={out}"], "would overwrite the json output"),
    ],
)
def test_an_output_cannot_replace_what_the_run_reads(
    tmp_path: Path, outputs: list[str], message: str
) -> None:
    export = tmp_path / "rsop.xml"
    export.write_bytes(RSOP.read_bytes())
    paths = {"input": export, "history": tmp_path / "h.sqlite", "out": tmp_path / "r.json"}
    args = [arg for spec in outputs for arg in ("-o", spec.format(**paths))]
    done = baseliner("check", export, "--policy", POLICY, "--history", paths["history"], *args)
    assert done.code == 2
    assert message in done.err
    assert export.read_bytes() == RSOP.read_bytes()


# --- paths a repository file names ----------------------------------------------------------


def test_a_test_case_cannot_read_out_of_its_repository(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    cases = repository / "x.cases.yaml"
    cases.write_text(
        f"benchmark: {POLICY}\ncases:\n  - name: home\n    export: {Path.home()}\n"
        "    expect: {msft-w11-24h2-defender-disablerealtimemonitoring: pass}\n"
    )
    done = baseliner("test", cases, cwd=repository)
    assert done.code == 2
    assert "leads out of the repository (--allow-outside PATH" in done.err


# --- processes ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fleet() -> Path:
    from tools.make_fleet import write_fleet

    folder = Path(tempfile.mkdtemp(prefix="baseliner-hostile-"))
    write_fleet(folder, 400)
    return folder


def _children(pid: int) -> list[int]:
    return [
        int(n) for p in Path(f"/proc/{pid}/task").glob("*/children") for n in p.read_text().split()
    ]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
@pytest.mark.parametrize(
    ("number", "code", "said"),
    [(signal.SIGINT, 130, "interrupted\n"), (signal.SIGTERM, 143, "terminated\n")],
)
def test_a_signal_ends_the_run_in_one_line(
    fleet: Path, tmp_path: Path, number: int, code: int, said: str
) -> None:
    command = [sys.executable, "-m", "checker", "check", str(fleet), "--policy", POLICY]
    command += ["-o", f"json={tmp_path / 'r.json'}", "--no-progress", "--jobs", "2"]
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = _children(proc.pid)
    os.killpg(proc.pid, number)  # as a terminal sends Ctrl-C: to the whole group
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.decode()) == (code, said)
    assert os.listdir(tmp_path) == []
    time.sleep(0.2)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_their_killed_parent(fleet: Path) -> None:
    command = [sys.executable, "-m", "checker", "check", str(fleet), "--policy", POLICY]
    command += ["-o", "json=/dev/null", "--no-progress", "--jobs", "2"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = _children(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []


def test_a_target_over_its_time_limit_is_an_error_and_the_rest_is_reported(fleet: Path) -> None:
    done = baseliner(
        "check", fleet, "--policy", POLICY, "-o", "json", "--target-timeout", "0.000001",
        "--jobs", "1", "--no-progress",
    )  # fmt: skip
    assert done.code == 2
    assert "not checked: took longer than 1e-06 s (--target-timeout)" in done.err


# --- the cache -------------------------------------------------------------------------------


class _RunsCode:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.path}",)


def test_a_planted_cache_entry_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(cache))
    assert baseliner("check", GOOD, "--policy", POLICY).code == 0
    marker = tmp_path / "ran"
    planted = pickle.dumps(_RunsCode(str(marker)))
    entries = list(cache.rglob("*.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(planted)
        entry.with_suffix(".pickle").write_bytes(planted)
    done = baseliner("check", GOOD, "--policy", POLICY)
    assert done.code == 0, done.err
    assert not marker.exists()


def test_many_unknown_policies_are_looked_up_in_linear_time(tmp_path: Path) -> None:
    """Each unknown name was a scan of the whole ADMX index, kept in an unbounded cache
    (a 51 MB gpresult took 33 s and 423 MB): 20,000 unknown policies are noted, each once."""
    text = RSOP.read_bytes().decode("utf-16")
    policy = re.search(r"<q2:Policy>.*?</q2:Policy>", text, re.S)
    assert policy is not None
    unknown = "".join(
        policy.group(0).replace(
            "Turn off toast notifications on the lock screen", f"Unknown policy {n} of a vendor"
        )
        for n in range(20_000)
    )
    export = tmp_path / "rsop.xml"
    export.write_text(text.replace(policy.group(0), unknown, 1), "utf-16")
    done = baseliner("check", export, "--policy", POLICY, "-o", "json", "--soft-fail", timeout=120)
    assert done.code == 0, done.err
    (target,) = json.loads(done.out)["targets"]
    assert len(target["unmapped"]) == 20_000
