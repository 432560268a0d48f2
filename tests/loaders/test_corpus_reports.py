"""Every gpreport.xml and gpresult /x of the corpus, the sets added later included: each loads,
each repair is said of the file it was made to, planned and localized reports load as what
they are.  The corpus is walked once for the module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.core.errors import InputError
from checker.core.files import detect_encoding
from checker.core.values import Note, NoteKind, Target
from checker.targets.discover import sniff
from checker.targets.load import load_target, plan
from tests.cli.run import baseliner

SKIPPED = ("mapping", "benchmarks", "intune", "mdvm")
"""Corpus folders that hold no Group Policy report (ADMX, benchmarks, Intune, Defender)."""

GROUPER = "gpo-older/l0ss-Grouper/test_report.xml"

KNOWN_ERRORS: dict[tuple[str, str], str] = {}
"""Input errors that stay, by (file, message), with the reason."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """One report of the corpus as ``check`` reads it: its format, targets and errors."""

    format: str
    targets: tuple[Target, ...]
    errors: tuple[InputError, ...]

    @property
    def notes(self) -> list[Note]:
        return [note for target in self.targets for note in target.notes]


@pytest.fixture(scope="module")
def reports(corpus: Path) -> dict[str, Loaded]:
    """Every report of the corpus by its path under it, planned and loaded once."""
    found: dict[str, Loaded] = {}
    for path in sorted(corpus.rglob("*")):
        if path.relative_to(corpus).parts[0] in SKIPPED or not path.is_file():
            continue
        fmt = sniff(path)
        if fmt not in ("gpreport", "gpresult"):
            continue
        planned = plan([path])
        loaded = [load_target(target) for target in planned.targets]
        targets = tuple(target for target, _ in loaded if target is not None)
        errors = tuple(planned.errors) + tuple(e for _, found in loaded for e in found)
        found[str(path.relative_to(corpus))] = Loaded(fmt, targets, errors)
    return found


def test_every_report_of_the_corpus_is_found(reports: dict[str, Loaded]) -> None:
    formats = [loaded.format for loaded in reports.values()]
    assert (formats.count("gpreport"), formats.count("gpresult")) == (82, 3)
    sets = {name.split("/")[0] + "/" + name.split("/")[1] for name in reports}
    assert {"gpo-older/Blumira-Logmira", "gpo/disa-2019-07", "rsop/more"} <= sets


def test_every_report_loads(corpus: Path, reports: dict[str, Loaded]) -> None:
    errors = {
        (name, error.message if error.line is None else f"line {error.line}: {error.message}")
        for name, loaded in reports.items()
        for error in loaded.errors
    }
    assert errors == set(KNOWN_ERRORS)
    assert all(loaded.targets for loaded in reports.values())


_DECLARED = re.compile(r"""\A<\?xml[^>]*encoding=["']([\w.-]+)""")


def _mislabelled(data: bytes) -> bool:
    """Whether a report's declared encoding is contradicted by its bytes (the class of
    files ``xmlsafe.read_report`` repairs, worked out here independently)."""
    encoding, bom = detect_encoding(data)
    found = _DECLARED.match(data[bom:][:400].decode(encoding, errors="replace"))
    declared = found.group(1).casefold() if found else None
    return declared is not None and (declared.startswith("utf-16") or declared == "unicode") != (
        encoding.startswith("utf-16")
    )


def test_each_repaired_file_is_said_to_be_repaired(
    corpus: Path, reports: dict[str, Loaded]
) -> None:
    repaired = {
        name: sorted({note.what for note in loaded.notes if note.kind is NoteKind.REPAIRED})
        for name, loaded in reports.items()
    }
    mislabelled = {name for name in reports if _mislabelled((corpus / name).read_bytes())}
    assert {name for name, what in repaired.items() if what} == mislabelled
    assert {name: what for name, what in repaired.items() if what} == {
        # Stored as UTF-8 with a BOM by a re-save that kept the declaration.
        "gpo-older/Blumira-Logmira/4c082cc7/GPO Files/Logmira-DCs-gpreport.xml": [
            'declared encoding="utf-16" but the bytes are UTF-8 with a BOM: read as UTF-8'
        ],
        # Cut out of a PowerShell here-string, stored as 8-bit text.
        "rsop/more/sergueik-powershell_samples/dc1-gpresult-extracted.xml": [
            'declared encoding="utf-16" but the bytes are UTF-8: read as UTF-8'
        ],
    }


def test_check_warns_of_each_repaired_file(corpus: Path) -> None:
    logmira = corpus / "gpo-older/Blumira-Logmira/4c082cc7/GPO Files/Logmira-DCs-gpreport.xml"
    done = baseliner("check", corpus / "rsop" / "more", logmira, "--policy", "stig-windows10")
    assert done.code in (0, 1), done.err
    for path in (
        corpus / "rsop/more/sergueik-powershell_samples/dc1-gpresult-extracted.xml",
        logmira,
    ):
        assert f"warning: {path}: line 1: repaired: declared encoding=" in done.err


def test_a_planned_rsop_is_a_planned_target(reports: dict[str, Loaded]) -> None:
    planned = {
        name: [target.name for target in loaded.targets]
        for name, loaded in reports.items()
        if any(target.meta.get("planned") for target in loaded.targets)
    }
    name = "Win11-24H2-MSFT-BaselineTest on Win11-24H2-MSFT-BaselineTest"
    assert planned == {f"rsop/more/raandree-GpoReport/tests/TestData/{name}.xml": [name]}


def test_an_rsop_quoted_in_a_script_is_not_taken_for_one(corpus: Path) -> None:
    script = corpus / "rsop/more/sergueik-powershell_samples/external"
    assert [sniff(path) for path in sorted(script.glob("*.ps1"))] == [None]


def test_an_all_report_is_a_target_per_gpo(reports: dict[str, Loaded]) -> None:
    names = [target.name for target in reports[GROUPER].targets]
    assert len(names) == 14 and len(set(names)) == 14
    assert "Test Policy {6AC64FA2-0529-4DA7-A850-96EFAB7E45F9}" in names


def test_localized_reports_load_and_their_names_are_unmapped(reports: dict[str, Loaded]) -> None:
    french = {name: loaded for name, loaded in reports.items() if "manoletto" in name}
    assert len(french) == 2
    for loaded in french.values():
        unmapped = [note for note in loaded.notes if note.kind is NoteKind.UNMAPPED]
        assert unmapped and all(note.reason for note in unmapped)
        assert any(note.what.startswith("Composants Windows/") for note in unmapped)


@pytest.mark.parametrize("folder", ["gpo-older", "gpo/disa-2019-07", "rsop/more"])
def test_each_new_set_checks_as_a_whole(corpus: Path, folder: str) -> None:
    """The sets added to the corpus later, each checked as one input: verdicts, no error."""
    done = baseliner(
        "check", corpus / folder, "--policy", "msft-windows11-24h2", "-o", "json=/dev/null",
        "--no-progress",
    )  # fmt: skip
    assert done.code in (0, 1), done.err
    assert "input error" not in done.err
