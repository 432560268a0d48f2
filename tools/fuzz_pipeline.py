"""Mutation fuzzing of the whole pipeline: real exports and policy files, damaged, through
``baseliner check`` (every output format) or ``baseliner lint``, in this process.

A mutant may be refused (exit 2, a positioned input error) or checked (exit 0 or 1); what
this looks for is anything else: "internal error", an exception out of the CLI, another exit
code.  Each such mutant is kept in ``--out`` with what the run printed.  The property tests
(tests/test_fuzz_parsers.py, tests/loaders) hold each parser to its contract on arbitrary
bytes; this reaches what comes after the parsers (translation, merging, judging, reports)
with inputs close enough to real ones to get there.

Modes, each a kind of damage:

- ``bytes``: bytes of one export file flipped, cut, inserted, repeated, or numbers swapped
  for out-of-range ones (registry.pol, GptTmpl.inf, audit.csv, XML, JSON);
- ``json``: Intune exports with values swapped for other JSON types and for payload text,
  keys dropped or repeated (UTF-8 or UTF-16);
- ``xml``: gpreport.xml and gpresult /x with element text and attributes given odd values,
  elements dropped or repeated (UTF-8 or UTF-16);
- ``gpo``: GPO backups with registry.pol entries given other types, sizes and data, and
  GptTmpl.inf and audit.csv lines given odd values, repeated, dropped or new sections;
- ``policy``: policy-repository YAML files (benchmarks, cases, exceptions) damaged, through
  ``lint`` and ``check``.

    python -m tools.fuzz_pipeline --mode json --seconds 600 --seed 5
    python -m tools.fuzz_pipeline --mode all --seconds 3000 --root ../shared/corpus

Campaigns of 2026-12-06 on the corpus (about 100,000 runs) found two bugs, both fixed: an
Intune export with ``1e999false`` (an internal error placing the number) and an OMA-URI key
holding ``<enabled`` (endless recursion in the mapping).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import random
import shutil
import struct
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from checker.cli import main as baseliner

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

FORMATS = ("json", "junit", "sarif", "csv", "markdown", "html")
POLICIES = ("msft-windows11-24h2", "stig-windows11", "stig-windows-server-2022-dc")
EXPORT_SUFFIXES = (".pol", ".inf", ".csv", ".xml", ".json")
BACKUP_FILES = ("registry.pol", "gpttmpl.inf", "audit.csv")
MAX_FILE = 3_000_000

ODD_TEXT = (
    "", " ", "-1", "0", "1", "1.5", "0x10", "4294967296", "18446744073709551616",
    "99999999999999999999999", "true", "Enabled", "Disabled", "Not Defined", "S-1-5-32-544",
    "*S-1-5-32-544,*S-1-1-0", "No Auditing", "Success, Failure", "\"quoted\"", "1,\"x\"",
    "=", ",", ";", "[[", "\\", "é\u0301", "\u200b", "a" * 3000,
)  # fmt: skip
"""Values given to text, attributes, INF and CSV fields."""

ODD_JSON: tuple[Any, ...] = (
    None, True, False, 0, -1, 2**63, 2**64, 1.5, "", "x", "****", "<enabled/>", "<disabled/>",
    '<enabled/><data id="a" value="b"/>', [], {}, [None], {"value": []}, "\u0000", "\ud800",
    "#microsoft.graph.windows10GeneralConfiguration",
    "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
    "device_vendor_msft_policy_config_defender_allowrealtimemonitoring_1", "S-1-5-32-544",
    "a" * 5000,
)  # fmt: skip
"""Values given to Intune JSON: other types, payload text, Graph vocabulary, surrogates."""

ODD_BYTES = (
    b"99999999999999999999999", b"-1", b"\x00\x00", b"&amp;", b"<", b'"', b"\\u0000",
    b"\xff\xfe", b"]]>", b"{}", b"[]", b"null", b"1e999", b"\r",
)  # fmt: skip


@dataclass
class Mutant:
    """One damaged input, ready to run: the arguments, and the files to keep if it fails."""

    args: list[str]
    keep: Path
    origin: str


Maker = Callable[[random.Random, Path], Mutant | None]
"""(random, scratch folder) -> a mutant, or None to draw again (a mode closes over its root)."""


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not out:
            out = bytearray(b"x")
        at, op = rng.randrange(len(out)), rng.random()
        if op < 0.25:
            out[at] = rng.randrange(256)
        elif op < 0.4:
            del out[at : at + rng.randint(1, 64)]
        elif op < 0.55:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op < 0.65:
            del out[at:]
        elif op < 0.75:
            start = rng.randrange(len(out))
            out[at:at] = out[start : start + rng.randint(1, 400)]
        elif op < 0.85:
            out[at:at] = rng.choice(ODD_BYTES)
        else:
            end = at
            while end < len(out) and chr(out[end]).isdigit():
                end += 1
            out[at:end] = rng.choice([b"4294967296", b"18446744073709551616", b"-2147483649"])
    return bytes(out)


def mutate_json(rng: random.Random, node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            draw = rng.random()
            if draw < 0.03:
                continue
            out[key] = rng.choice(ODD_JSON) if draw < 0.06 else mutate_json(rng, value)
        if node and rng.random() < 0.02:
            key = rng.choice(list(node))
            out[key + "_"] = node[key]
        return out
    if isinstance(node, list):
        items = [mutate_json(rng, value) for value in node if rng.random() > 0.03]
        if node and rng.random() < 0.03:
            items.append(rng.choice(node))
        return items
    return rng.choice(ODD_JSON) if rng.random() < 0.05 else node


def mutate_xml(rng: random.Random, root: Any) -> None:
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    for _ in range(rng.randint(1, 12)):
        element, draw = rng.choice(elements), rng.random()
        parent = element.getparent()
        if draw < 0.45 and element.text is not None and element.text.strip():
            element.text = rng.choice(ODD_TEXT)
        elif draw < 0.6 and element.attrib:
            element.attrib[rng.choice(list(element.attrib))] = rng.choice(ODD_TEXT)
        elif draw < 0.75 and parent is not None:
            parent.remove(element)
        elif draw < 0.9 and parent is not None:
            element.addnext(copy.deepcopy(element))
        else:
            for child in list(element):
                element.remove(child)


def mutate_pol(rng: random.Random, data: bytes) -> bytes:
    """One registry.pol entry ``[key;name;type;size;data]`` given another type, size or data."""
    body = bytearray(data[8:])
    opens = [i for i in range(0, len(body) - 1, 2) if body[i : i + 2] == b"[\x00"]
    if not opens:
        return data
    start = rng.choice(opens)
    end = min(len(body) - 1, start + 4000)
    semis = [i for i in range(start, end, 2) if body[i : i + 2] == b";\x00"]
    if len(semis) < 4:
        return data
    field, values = rng.choice(
        [(1, (0, 1, 2, 3, 4, 5, 7, 11, 0xFFFFFFFF)), (2, (0, 1, 3, 4, 8, 65536, 0xFFFFFFF0))]
    )
    at = semis[field] + 2
    body[at : at + 4] = struct.pack("<I", rng.choice(values))
    if rng.random() < 0.3:
        at = semis[3] + 2
        body[at : at + 4] = bytes(rng.randrange(256) for _ in range(4))
    return data[:8] + bytes(body)


def mutate_lines(rng: random.Random, data: bytes) -> bytes:
    """GptTmpl.inf or audit.csv with fields given odd values, lines repeated or dropped, and
    sections opened where they do not belong."""
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    try:
        lines = data.decode(encoding).splitlines(keepends=True)
    except UnicodeDecodeError:
        return data
    for _ in range(rng.randint(1, 5)):
        if not lines:
            break
        at, draw = rng.randrange(len(lines)), rng.random()
        line = lines[at]
        if draw < 0.5 and ("=" in line or "," in line):
            sep = "=" if "=" in line else ","
            parts = line.rstrip("\r\n").split(sep)
            parts[rng.randrange(len(parts))] = rng.choice(ODD_TEXT)
            lines[at] = sep.join(parts) + "\r\n"
        elif draw < 0.7:
            lines.insert(at, line)
        elif draw < 0.85:
            del lines[at]
        else:
            sections = ("[Registry Values]", "[Privilege Rights]", "[System Access]", "[Unicode]")
            lines.insert(at, rng.choice(sections) + "\r\n")
    return "".join(lines).encode(encoding)


def _check(target: Path, scratch: Path, rng: random.Random) -> list[str]:
    out = scratch / "out"
    out.mkdir(exist_ok=True)
    args = ["check", str(target), "--policy", rng.choice(POLICIES), "--soft-fail"]
    args += ["--no-progress", "--jobs", "1"]
    for name in FORMATS:
        args += ["-o", f"{name}={out / ('report.' + name)}"]
    return args


def _files(root: Path, wanted: Callable[[Path], bool]) -> list[Path]:
    found = [p for p in sorted(root.rglob("*")) if p.is_file() and wanted(p)]
    return [p for p in found if p.stat().st_size <= MAX_FILE]


def bytes_mode(root: Path) -> Maker:
    files = _files(root, lambda p: p.suffix.lower() in EXPORT_SUFFIXES)

    def make(rng: random.Random, scratch: Path) -> Mutant | None:
        source = rng.choice(files)
        target = scratch / source.name
        target.write_bytes(mutate_bytes(rng, source.read_bytes()))
        return Mutant(_check(target, scratch, rng), target, str(source))

    return make


def json_mode(root: Path) -> Maker:
    documents: list[tuple[Path, Any]] = []
    for path in _files(root, lambda p: p.suffix.lower() == ".json"):
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "utf-16"):
            with contextlib.suppress(UnicodeDecodeError, ValueError):
                documents.append((path, json.loads(raw.decode(encoding))))
                break

    def make(rng: random.Random, scratch: Path) -> Mutant | None:
        source, document = rng.choice(documents)
        text = json.dumps(mutate_json(rng, document), ensure_ascii=rng.random() < 0.5)
        target = scratch / source.name
        encoding = "utf-16" if rng.random() < 0.1 else "utf-8"
        target.write_text(text, encoding=encoding, errors="surrogatepass")
        return Mutant(_check(target, scratch, rng), target, str(source))

    return make


def xml_mode(root: Path) -> Maker:
    files = _files(root, lambda p: p.suffix.lower() == ".xml" and _is_report(p))
    parsed: dict[Path, bytes | None] = {}

    def make(rng: random.Random, scratch: Path) -> Mutant | None:
        source = rng.choice(files)
        if source not in parsed:
            try:  # the corpus holds broken reports on purpose: those are not mutated
                parsed[source] = etree.tostring(etree.parse(str(source)))
            except etree.XMLSyntaxError:
                parsed[source] = None
        text = parsed[source]
        if text is None:
            return None
        document = etree.fromstring(text)
        mutate_xml(rng, document)
        target = scratch / source.name
        encoding = rng.choice(["utf-8", "utf-16"])
        target.write_bytes(etree.tostring(document, xml_declaration=True, encoding=encoding))
        return Mutant(_check(target, scratch, rng), target, str(source))

    return make


def _is_report(path: Path) -> bool:
    head = path.read_bytes()[:4096]
    text = head.decode("utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", "ignore")
    return "GPO" in text or "Rsop" in text


def gpo_mode(root: Path) -> Maker:
    names = {"backup.xml", "bkupinfo.xml"}
    backups = sorted({p.parent for p in _files(root, lambda p: p.name.lower() in names)})

    def make(rng: random.Random, scratch: Path) -> Mutant | None:
        source = rng.choice(backups)
        target = scratch / source.name
        shutil.copytree(source, target)
        files = [p for p in target.rglob("*") if p.name.lower() in BACKUP_FILES]
        if not files:
            return None
        for path in rng.sample(files, rng.randint(1, len(files))):
            data = path.read_bytes()
            pol = path.suffix.lower() == ".pol"
            path.write_bytes(mutate_pol(rng, data) if pol else mutate_lines(rng, data))
        return Mutant(_check(target, scratch, rng), target, str(source))

    return make


def policy_mode(root: Path) -> Maker:
    del root  # policy files are the repository's own
    sources = [*sorted((ROOT / "tests" / "data").rglob("*.yaml")), *ROOT.glob("examples/**/*.yaml")]
    files = [p for p in sources if p.stat().st_size <= 300_000]
    export = ROOT / "fixtures" / "gpo"

    def make(rng: random.Random, scratch: Path) -> Mutant | None:
        source = rng.choice(files)
        folder = scratch / "repo"
        shutil.copytree(source.parent, folder)
        target = folder / source.name
        target.write_bytes(mutate_bytes(rng, source.read_bytes()))
        if rng.random() < 0.5:
            return Mutant(["lint", str(folder)], target, str(source))
        args = _check(export, scratch, rng)
        args[args.index("--policy") + 1] = str(target)
        return Mutant(args, target, str(source))

    return make


MODES: dict[str, Callable[[Path], Maker]] = {
    "bytes": bytes_mode,
    "json": json_mode,
    "xml": xml_mode,
    "gpo": gpo_mode,
    "policy": policy_mode,
}


def run_one(mutant: Mutant) -> tuple[int | str, str]:
    """The exit code (or the exception that escaped) and what the run printed."""
    err, out = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code: int | str = baseliner(mutant.args)
    except BaseException as exc:  # what the CLI lets escape is what this looks for
        code = f"raised {type(exc).__name__}: {exc}"
        err.write(traceback.format_exc())
    return code, err.getvalue() + out.getvalue()


def failed(code: int | str, printed: str) -> bool:
    return "internal error" in printed or code not in (0, 1, 2)


@dataclass
class Campaign:
    runs: int = 0
    failures: int = 0


def fuzz(mode: str, root: Path, out: Path, seed: int, *, seconds: float, runs: int) -> Campaign:
    """Run ``mode`` for ``seconds`` or ``runs`` mutants (whichever ends first)."""
    rng, make, campaign = random.Random(seed), MODES[mode](root), Campaign()
    ends = time.monotonic() + seconds
    while time.monotonic() < ends and campaign.runs < runs:
        with tempfile.TemporaryDirectory(prefix="baseliner-fuzz-") as scratch:
            mutant = make(rng, Path(scratch))
            if mutant is None:
                continue
            campaign.runs += 1
            code, printed = run_one(mutant)
            if failed(code, printed):
                campaign.failures += 1
                kept = out / f"{mode}-{seed}-{campaign.runs}"
                kept.mkdir(parents=True, exist_ok=True)
                copy_kept = shutil.copytree if mutant.keep.is_dir() else shutil.copy2
                copy_kept(mutant.keep, kept / mutant.keep.name)
                report = f"{mutant.origin}\n{mutant.args}\nexit: {code}\n{printed[-4000:]}"
                (kept / "run.txt").write_text(report, encoding="utf-8")
                print(f"{mode}: {mutant.origin}: {code}: {printed[-200:]!r}", file=sys.stderr)
    return campaign


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=[*MODES, "all"], default="all")
    default_root = CORPUS if CORPUS.is_dir() else ROOT / "fixtures"
    parser.add_argument("--root", type=Path, default=default_root, help="where the exports are")
    parser.add_argument("--out", type=Path, default=Path("fuzz-found"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=300, help="per mode")
    parser.add_argument("--runs", type=int, default=10**9, help="per mode")
    args = parser.parse_args(argv)
    modes = list(MODES) if args.mode == "all" else [args.mode]
    total = Campaign()
    for mode in modes:
        found = fuzz(mode, args.root, args.out, args.seed, seconds=args.seconds, runs=args.runs)
        print(f"{mode}: {found.runs} runs, {found.failures} failed")
        total.runs, total.failures = total.runs + found.runs, total.failures + found.failures
    return 1 if total.failures else 0


if __name__ == "__main__":
    sys.exit(main())
