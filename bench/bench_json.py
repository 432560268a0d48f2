"""Would orjson write the JSON report faster, and byte-identical?  (issue 19)

Checks a generated fleet against a shipped benchmark (real target reports, in memory), then,
per target, encodes the report's JSON line three ways: ``target_line`` (what the reporter
writes: each check's fixed fields encoded once, only the varying values per result), the
plain ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` it must equal, and
``orjson.dumps`` of the same document; and the indented head and tail of the document with
``json.dumps(indent=2)`` and orjson's ``OPT_INDENT_2``.  Prints how many texts are
byte-identical to the reporter's and the best time of each over the fleet.

    python -m bench.bench_json [--devices 200] [--rounds 3] [--policy msft-windows11-24h2]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from checker.policy.load import load_benchmarks
from checker.reporters import json as json_report
from checker.run.options import RunOptions
from checker.run.orchestrate import run
from tools.make_fleet import CACHE, cached_fleet


def best(rounds: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--policy", default="msft-windows11-24h2")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    fleet = cached_fleet(args.devices, cache=args.cache)
    report = run(load_benchmarks([args.policy]), [fleet], RunOptions(jobs=1))
    targets = list(report.targets)
    documents = [json_report._target(target) for target in targets]

    def line(target: Any) -> str:
        return json_report.target_line(target)

    def stdlib(document: Any) -> str:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))

    def fast(document: Any) -> str:
        return orjson.dumps(document).decode("utf-8")

    written = [line(target) for target in targets]
    same_stdlib = sum(a == stdlib(d) for a, d in zip(written, documents, strict=True))
    same_orjson = sum(a == fast(d) for a, d in zip(written, documents, strict=True))
    edges = [json_report._head(report), json_report._tail(report)]
    same_edges = sum(
        json.dumps(edge, indent=2, ensure_ascii=False)
        == orjson.dumps(edge, option=orjson.OPT_INDENT_2).decode("utf-8")
        for edge in edges
    )
    size = sum(len(text.encode("utf-8")) for text in written)
    print(f"{len(targets)} devices x {args.policy}: {size / 1e6:.1f} MB of JSON lines")
    print(
        f"byte-identical to the reporter's lines: json.dumps {same_stdlib}/{len(targets)}, "
        f"orjson {same_orjson}/{len(targets)}; indented head and tail: orjson "
        f"{same_edges}/2"
    )
    timings = {
        "target_line (the reporter)": best(args.rounds, lambda: [line(t) for t in targets]),
        "json.dumps of _target (build included)": best(
            args.rounds, lambda: [stdlib(json_report._target(t)) for t in targets]
        ),
        "orjson.dumps of _target (build included)": best(
            args.rounds, lambda: [fast(json_report._target(t)) for t in targets]
        ),
        "orjson.dumps alone (prebuilt documents)": best(
            args.rounds, lambda: [fast(d) for d in documents]
        ),
    }
    for name, seconds in timings.items():
        print(f"  {name:42} {seconds * 1000 / len(targets):7.3f} ms a device")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
