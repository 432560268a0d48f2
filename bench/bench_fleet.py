"""End-to-end fleet time against a parse-only pass over the same files (issue 20: <= 3.5x on
generated whole-baseline devices, <= 2.5x on copies of the corpus's real gpresult).

For each fleet size, a generated fleet of ``gpresult /x`` files (tools/make_fleet.py, cached
under /tmp) is checked by the real command, in a fresh process::

    python -m checker check FOLDER --policy msft-windows11-24h2 --jobs J \\
        -o json=... -o junit=... -o sarif=... --soft-fail --no-progress

(read, parse, normalize, evaluate, score, write three reports), and the same files are
parsed by the fastest parser there is, lxml on each file's bytes, in as many processes, also
in a fresh process (``--parse-only``).  Both are timed from the outside, wall clock, so both
pay interpreter start-up; the ratio is printed side by side.

A third figure puts the ratio in proportion, *parse+dumps*: in one process, CPU time per
device of the lxml parse plus ``json.dumps`` (the C encoder) of that device's line of the
JSON report the run just wrote, against the parse alone: what encoding the report DESIGN §6
specifies (140 KB a device) costs a tool that builds the object and encodes it, before it
normalizes, evaluates or writes JUnit and SARIF.  (This tool assembles the line from text
encoded once per check, in about two thirds of the ``json.dumps`` time.)  The last line
gives the same encoding by orjson, per device, beside ``json.dumps``: what a JSON library in
C that builds no text in Python would take for the line.

A fourth, *vs load*, divides the end-to-end time by a load-only pass in a fresh process (the
tool's own reading, parsing and normalizing of every target, ``targets.load_target``, in as
many processes): what checking and reporting add to loading.

A fifth, *CPU ratio*, divides the CPU time of the end-to-end run's process tree (user +
system, the parent and the workers it waited for) by the parse-only pass's: on a machine
shared with others the wall times move with their load (2x between identical runs), the CPU
a run takes much less, so this says what the ratio would be on cores of its own.  Each round
runs the check, the parse-only and the load-only pass one after the other, so a load that
comes and goes falls on all three; every figure is the best of its rounds.

With ``--corpus`` the fleet is copies of the corpus's real ``gpresult /x`` (a domain
controller, checked against the Server 2022 DC baseline), each with a name of its own: a real
export holds about 50 settings in 283 KB where a generated device holds the whole Windows 11
baseline (250) in the same size, so the two fleets bracket the cost per device.

    python -m bench.bench_fleet [--devices 200 2000] [--jobs 2] [--rounds 1] [--corpus]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
from lxml import etree

from checker.targets.load import load_target, plan
from checker.targets.plans import TargetPlan
from tools.make_fleet import CACHE, CORPUS_RSOP, cached_corpus_fleet, cached_fleet

ROOT = Path(__file__).resolve().parents[1]

POLICY = "msft-windows11-24h2"
CORPUS_POLICY = "msft-windows-server-2022-dc"
TARGETS = {POLICY: 3.5, CORPUS_POLICY: 2.5}


def check_command(folder: Path, out: Path, jobs: int, policy: str = POLICY) -> list[str]:
    """The end-to-end run measured: the real CLI writing JSON, JUnit and SARIF."""
    return [
        sys.executable,
        "-m",
        "checker",
        "check",
        str(folder),
        "--policy",
        policy,
        "--jobs",
        str(jobs),
        "-o",
        f"json={out / 'report.json'}",
        "-o",
        f"junit={out / 'junit.xml'}",
        "-o",
        f"sarif={out / 'report.sarif'}",
        "--soft-fail",
        "--no-progress",
    ]


def pass_command(kind: str, folder: Path, jobs: int) -> list[str]:
    """This script running one of its passes (``--parse-only`` or ``--load-only``)."""
    return [sys.executable, "-m", "bench.bench_fleet", kind, str(folder), "--jobs", str(jobs)]


def _parse(path: Path) -> int:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return len(etree.fromstring(path.read_bytes(), parser))


def parse_only(folder: Path, jobs: int) -> int:
    """Parse every file of ``folder`` with lxml in ``jobs`` processes; the elements read."""
    files = sorted(folder.iterdir())
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return sum(pool.imap_unordered(_parse, files, chunksize=16))


def _load(target: TargetPlan) -> int:
    loaded, _ = load_target(target)
    return 0 if loaded is None else len(loaded.facts)


def load_only(folder: Path, jobs: int) -> int:
    """Load (read, parse, normalize, merge) every target of ``folder`` in ``jobs`` processes."""
    targets = plan([folder]).targets
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return sum(pool.imap_unordered(_load, targets, chunksize=16))


def parse_and_dumps(folder: Path, report: Path, sample: int) -> tuple[float, float, float]:
    """(parse ms, parse + JSON-encode ms, orjson-encode ms) per device, one process, over
    ``sample`` devices.

    The report's target lines are decoded before timing; each device's line is encoded again
    by the C encoder as the reporter writes it (compact separators, ``ensure_ascii=False``).
    """
    targets: dict[str, object] = {}
    with report.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith('    {"name"') and len(targets) < sample:
                entry = json.loads(line.strip().rstrip(","))
                targets[Path(entry["sources"][0]).name] = entry
    files = [path for path in sorted(folder.iterdir()) if path.name in targets]
    parse = encode = fast = 0.0
    for path in files:
        started = time.process_time()
        _parse(path)
        parsed = time.process_time()
        json.dumps(targets[path.name], ensure_ascii=False, separators=(",", ":"))
        encoded = time.process_time()
        orjson.dumps(targets[path.name])
        parse += parsed - started
        encode += encoded - parsed
        fast += time.process_time() - encoded
    count = len(files)
    return 1000 * parse / count, 1000 * (parse + encode) / count, 1000 * fast / count


def timed(command: Sequence[str]) -> tuple[float, float]:
    """One run of ``command`` (which must succeed): its wall time, and the CPU time of its
    process tree (user + system of the process and every child it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


@dataclass(frozen=True)
class Measured:
    megabytes: float
    end_to_end: float
    parse_only: float
    load_only: float
    parse_dumps: tuple[float, float, float]
    """(parse ms, parse + JSON-encode ms, orjson ms) per device, see :func:`parse_and_dumps`."""
    cpu: tuple[float, float]
    """The least CPU seconds of the end-to-end run's and the parse-only pass's process trees."""


def measure(folder: Path, policy: str, jobs: int, rounds: int) -> Measured:
    """Every figure for the fleet in ``folder``, checked against ``policy``.

    Each round runs the three commands one after the other, so that a load that comes and
    goes on a shared machine falls on all of them; each figure is its best round."""
    megabytes = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
    wall = dict.fromkeys(("check", "parse", "load"), float("inf"))
    cpu = dict(wall)
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as out:
        commands = {
            "check": check_command(folder, Path(out), jobs, policy),
            "parse": pass_command("--parse-only", folder, jobs),
            "load": pass_command("--load-only", folder, jobs),
        }
        for _ in range(rounds):
            for name, command in commands.items():
                took, used = timed(command)
                wall[name], cpu[name] = min(wall[name], took), min(cpu[name], used)
        lower = parse_and_dumps(folder, Path(out) / "report.json", 200)
    return Measured(
        megabytes, wall["check"], wall["parse"], wall["load"], lower, (cpu["check"], cpu["parse"])
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="best of N runs of each")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="copies of the corpus's real gpresult (a domain controller, checked against "
        f"{CORPUS_POLICY}) instead of generated devices",
    )
    parser.add_argument("--parse-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--load-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.parse_only is not None:
        parse_only(args.parse_only, args.jobs)
        return 0
    if args.load_only is not None:
        load_only(args.load_only, args.jobs)
        return 0
    if args.corpus and not CORPUS_RSOP.exists():
        print(f"--corpus needs {CORPUS_RSOP} (../shared beside the repository)", file=sys.stderr)
        return 2
    policy = CORPUS_POLICY if args.corpus else POLICY
    kind = f"copies of {CORPUS_RSOP.name}" if args.corpus else "generated devices"
    print(f"{kind}, policy {policy}, --jobs {args.jobs}, best of {args.rounds}")
    print(
        f"{'devices':>8} {'MB':>8} {'end-to-end s':>13} {'parse-only s':>13} {'ratio':>6} "
        f"{'ms/device':>10} {'parse+dumps':>12} {'load-only s':>12} {'vs load':>8} "
        f"{'CPU ratio':>10}"
    )
    worst = 0.0
    for devices in args.devices:
        folder = (
            cached_corpus_fleet(devices, cache=args.cache)
            if args.corpus
            else cached_fleet(devices, cache=args.cache)
        )
        m = measure(folder, policy, args.jobs, args.rounds)
        ratio = m.end_to_end / m.parse_only
        worst = max(worst, ratio)
        parse_ms, dumps_ms, orjson_ms = m.parse_dumps
        print(
            f"{devices:>8} {m.megabytes:>8.0f} {m.end_to_end:>13.2f} {m.parse_only:>13.2f} "
            f"{ratio:>5.2f}x {1000 * m.end_to_end / devices:>10.1f} {dumps_ms / parse_ms:>11.2f}x "
            f"{m.load_only:>12.2f} {m.end_to_end / m.load_only:>7.2f}x "
            f"{m.cpu[0] / m.cpu[1]:>9.2f}x"
        )
    target = TARGETS[policy]
    print(f"target: end-to-end <= {target}x parse-only: {'met' if worst <= target else 'NOT met'}")
    print(
        "parse+dumps: lxml parse + json.dumps of the device's JSON report line, per device, one "
        f"process, against the parse alone (last fleet: {parse_ms:.2f} -> {dumps_ms:.2f} ms)"
    )
    print(
        "CPU ratio: CPU seconds of the end-to-end run's process tree against the parse-only "
        f"pass's (last fleet: {m.cpu[0]:.2f} / {m.cpu[1]:.2f} s), each the least of its "
        "rounds: what the ratio would be on cores of its own, where the wall times of a "
        "shared machine move with the others' load"
    )
    print(
        f"a device's JSON line: json.dumps {dumps_ms - parse_ms:.3f} ms, orjson "
        f"{orjson_ms:.3f} ms (the tool's own line is checker/reporters/json.py target_line)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
