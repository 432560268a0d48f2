"""XML parse speed: the corpus gpreport.xml files and the gpresult, per MB.

Prints, for each parser, milliseconds per MB of input, and the full loaders (parse and turn
into facts) against a parse-only run of lxml on the same bytes, as a ratio.

    python -m bench.bench_xml_parse [CORPUS]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import defusedxml.ElementTree as defused
from lxml import etree

from checker.loaders import gpreport, gpresult
from checker.loaders.xmlsafe import parse_xml

ROOT = Path(__file__).resolve().parents[1]

ROUNDS = 20


def best_of(run: Callable[[], object]) -> float:
    """The fastest of ROUNDS runs, in seconds: the least disturbed by other processes."""
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def lxml_only(blobs: list[bytes]) -> None:
    for data in blobs:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        etree.fromstring(data, parser)


def report(label: str, files: list[Path], loader: Callable[[Path], object]) -> None:
    blobs = [path.read_bytes() for path in files]
    megabytes = sum(map(len, blobs)) / 1e6
    timings = {
        "lxml parse only": best_of(lambda: lxml_only(blobs)),
        "defusedxml (expat) parse only": best_of(lambda: [defused.fromstring(b) for b in blobs]),
        "xmlsafe.parse_xml": best_of(lambda: [parse_xml(b, "bench") for b in blobs]),
        "full loader": best_of(lambda: [loader(path) for path in files]),
    }
    print(f"{label}: {len(files)} files, {megabytes:.2f} MB")
    for name, seconds in timings.items():
        print(f"  {name:32s} {1000 * seconds / megabytes:8.1f} ms/MB")
    ratio = timings["full loader"] / timings["lxml parse only"]
    print(f"  full loader / lxml parse only   {ratio:8.2f}x")


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else ROOT.parent / "shared" / "corpus"
    reports = sorted((corpus / "gpo").rglob("gpreport.xml"))
    rsop = sorted((corpus / "rsop").glob("*.xml"))
    if not reports or not rsop:
        print(f"no gpreport.xml or rsop/*.xml under {corpus}", file=sys.stderr)
        return 2
    gpreport.load(reports[0])  # load the ADMX index once, outside the timings
    report("gpreport.xml", reports, gpreport.load)
    report("gpresult /x", rsop, gpresult.load)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
