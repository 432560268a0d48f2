"""The content-keyed benchmark cache: hits give the same document, edits miss, errors are
never cached, and it can be turned off."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from checker.core.errors import PolicyError
from checker.policy import cache
from checker.policy.compile import Benchmark
from checker.policy.load import load_benchmark, read_benchmark
from tests.conftest import ROOT

GOOD = ROOT / "tests" / "data" / "policies" / "good" / "all-references.yaml"


def test_hit_gives_the_same_document_with_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    first = read_benchmark(GOOD)
    assert list((tmp_path / "benchmark").glob("*.pickle"))
    second = read_benchmark(GOOD)
    assert second == first and second is not first
    assert (second.line, second["checks"].item_lines) == (first.line, first["checks"].item_lines)
    assert second["checks"][0].key_lines == first["checks"][0].key_lines


def test_an_edited_file_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path / "c"))
    path = tmp_path / "b.yaml"
    path.write_text(GOOD.read_text())
    assert read_benchmark(path)["title"] == "Sample"
    path.write_text(GOOD.read_text().replace("title: Sample", "title: Edited"))
    assert read_benchmark(path)["title"] == "Edited"


def test_errors_are_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path / "c"))
    bad = ROOT / "tests" / "data" / "policies" / "bad" / "unknown-key.yaml"
    for _ in range(2):
        with pytest.raises(PolicyError, match="unknown key 'colour'"):
            load_benchmark(bad)
    assert not list((tmp_path / "c").rglob("*.pickle"))


@pytest.mark.parametrize(
    "stored",
    [b"not a pickle", pickle.dumps({"x": 1}), pickle.dumps(None)],
    ids=["garbage", "another-shape", "none"],
)
def test_a_corrupt_or_foreign_entry_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stored: bytes
) -> None:
    """An entry that unpickles to something else (another shape, written by hand or by a
    tool of the same version built otherwise) was returned as it was: KeyError 'id'."""
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    load_benchmark(GOOD)
    for entry in tmp_path.rglob("*.pickle"):
        entry.write_bytes(stored)
    assert read_benchmark(GOOD)["id"] == "sample"
    assert load_benchmark(GOOD).info.id == "sample"


def test_no_cache_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASELINER_NO_CACHE", "1")
    assert cache.cache_dir() is None
    assert cache.cached("k", "", b"x", lambda: 42, int) == 42


def test_pruning_keeps_the_most_recently_used(tmp_path: Path) -> None:
    for age, name in enumerate(["new", "used", "old", "older"]):
        entry = tmp_path / f"{name}.pickle"
        entry.write_bytes(b"x")
        os.utime(entry, (1_000_000 - age, 1_000_000 - age))
    (tmp_path / "other.txt").write_bytes(b"not an entry")
    cache.prune(tmp_path, keep=2)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "new.pickle",
        "other.txt",
        "used.pickle",
    ]


def test_a_hit_counts_as_use_and_a_write_prunes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "KEEP", 2)
    cache.cached("k", "", b"first", lambda: 1, int)
    cache.cached("k", "", b"second", lambda: 2, int)
    for entry in (tmp_path / "k").iterdir():
        os.utime(entry, (1, 1))  # both long unused...
    assert cache.cached("k", "", b"first", lambda: 0, int) == 1  # ...until "first" is read
    cache.cached("k", "", b"third", lambda: 3, int)  # a third entry: "second" goes
    assert cache.cached("k", "", b"first", lambda: 0, int) == 1
    assert cache.cached("k", "", b"third", lambda: 0, int) == 3
    assert len(list((tmp_path / "k").iterdir())) == 2


# --- compiled benchmarks ------------------------------------------------------------------

PROFILE_DIR = ROOT / "tests" / "data" / "lint" / "good"
VALUES: list[object] = [None, 0, 1, 4, 16, 99, -1, "", "1", "x", [], ["S-1-5-32-544"], True]


def _verdicts(benchmark: Benchmark) -> list[tuple[object, ...]]:
    """What a benchmark is: its checks' metadata and scope, and each judge's verdict on a
    spread of values (an error counts as a verdict)."""
    out: list[tuple[object, ...]] = []
    for check in benchmark.checks:
        verdicts = []
        for value in VALUES:
            try:
                verdicts.append(check.judge(value))
            except Exception as exc:  # the engine turns these into error results
                verdicts.append(type(exc).__name__)
        out.append((check.info, check.kind, check.key, check.applies_to, check.absent_ok,
                    check.wants_absent, tuple(verdicts)))  # fmt: skip
    return out


@pytest.mark.parametrize(
    "path", [GOOD, PROFILE_DIR / "contoso-strict.yaml", ROOT / "policies" / "stig-windows10.yaml"]
)
def test_a_cached_compiled_benchmark_is_the_compiled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    monkeypatch.setenv("BASELINER_NO_CACHE", "1")
    fresh = load_benchmark(path)
    monkeypatch.delenv("BASELINER_NO_CACHE")
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    load_benchmark(path)  # compiles and stores
    assert list((tmp_path / "compiled").glob("*.pickle"))
    cached = load_benchmark(path)
    assert cached.info == fresh.info
    assert _verdicts(cached) == _verdicts(fresh)


def test_a_profile_misses_when_its_base_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path / "c"))
    for name in ("contoso.yaml", "contoso-strict.yaml"):
        (tmp_path / name).write_bytes((PROFILE_DIR / name).read_bytes())
    profile = tmp_path / "contoso-strict.yaml"
    before = {c.info.id: c.info.title for c in load_benchmark(profile).checks}
    base = tmp_path / "contoso.yaml"
    base.write_text(base.read_text().replace('title: "Turn off', 'title: "Edited Turn off'))
    after = {c.info.id: c.info.title for c in load_benchmark(profile).checks}
    changed = [check_id for check_id in before if before[check_id] != after[check_id]]
    assert len(changed) == 1 and after[changed[0]].startswith("Edited ")


def test_the_same_file_named_another_way_keeps_its_own_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path / "c"))
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(GOOD.read_bytes())
    for path in (GOOD, copy, GOOD, copy):
        benchmark = load_benchmark(path)
        assert benchmark.info.path == str(path)
        assert {check.info.origin.path for check in benchmark.checks} == {str(path)}
