"""The content-keyed benchmark cache: hits give the same document, edits miss, errors are
never cached, it can be turned off; and its entries are data a planted file cannot turn into
code, in a folder only the user writes."""

from __future__ import annotations

import json
import os
import pickle
import stat
from pathlib import Path

import pytest

from checker.core.errors import PolicyError
from checker.policy import cache
from checker.policy.compile import Benchmark
from checker.policy.load import compile_benchmark, load_benchmark, read_benchmark
from checker.policy.stored import benchmark_data
from tests.cli.run import baseliner
from tests.conftest import ROOT

GOOD = ROOT / "tests" / "data" / "policies" / "good" / "all-references.yaml"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _cached(key: bytes, build: int) -> int:
    return cache.cached("k", "", key, lambda: build, lambda v: v, _int)


def test_hit_gives_the_same_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    first = read_benchmark(GOOD)
    assert list((tmp_path / "benchmark").glob("*.json"))
    second = read_benchmark(GOOD)
    assert second == first and second is not first
    assert type(second["checks"]) is type(first["checks"])


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
    assert not list((tmp_path / "c").rglob("*.json"))


def _planted(tmp_path: Path) -> dict[str, bytes]:
    """What an attacker can put in place of each entry: it must all be a miss."""
    marker = tmp_path / "ran"
    code = pickle.dumps(_RunsCode(str(marker)))
    forged = json.dumps({"id": "forged"}).encode()
    return {
        "garbage": b"not an entry",
        "pickle": code,
        "unsigned json": forged,
        "wrongly signed json": b"0" * 64 + b"\n" + forged,
        "signed pickle": cache._sign(b"x" * 32, code) + b"\n" + code,
    }


class _RunsCode:
    """A pickle that would create a file when loaded."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.path}",)


@pytest.mark.parametrize(
    "kind", ["garbage", "pickle", "unsigned json", "wrongly signed json", "signed pickle"]
)
def test_a_planted_entry_is_a_miss_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(folder))
    load_benchmark(GOOD)
    planted = _planted(tmp_path)[kind]
    entries = list(folder.rglob("*.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(planted)
        entry.with_suffix(".pickle").write_bytes(planted)
    assert read_benchmark(GOOD)["id"] == "sample"
    assert load_benchmark(GOOD).info.id == "sample"
    assert not (tmp_path / "ran").exists()


def test_a_foreign_entry_of_the_right_signature_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed data of another shape (a bug, or another version's entry) is a miss too."""
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    load_benchmark(GOOD)
    key = (tmp_path / cache.SECRET).read_bytes()
    for entry in tmp_path.rglob("*.json"):
        body = json.dumps({"benchmark": {"checks": [{"id": 1}]}, "bases": []}).encode()
        entry.write_bytes(cache._sign(key, body) + b"\n" + body)
    assert load_benchmark(GOOD).info.id == "sample"


def test_the_folder_and_secret_are_the_users_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(folder))
    old = os.umask(0o002)
    try:
        load_benchmark(GOOD)
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / cache.SECRET).stat().st_mode) == 0o600
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o022 == 0 for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("what", "make_unsafe", "problem"),
    [
        ("folder", lambda folder: folder.chmod(0o775), "the folder is writable by others"),
        (
            "secret",
            lambda folder: (folder / cache.SECRET).chmod(0o640),
            "the secret is readable by others",
        ),
    ],
)
def test_an_unsafe_cache_is_not_used_and_the_cli_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, make_unsafe: object, problem: str
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(folder))
    load_benchmark(GOOD)
    make_unsafe(folder)  # type: ignore[operator]
    for entry in folder.rglob("*.json"):
        entry.unlink()
    done = baseliner("policies")
    assert problem in done.err, done.err
    assert not list(folder.rglob("*.json"))


@pytest.mark.skipif(os.geteuid() != 0, reason="gives the folder to another user")
def test_a_folder_of_another_user_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    os.chown(folder, 12345, 12345)
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(folder))
    assert _cached(b"x", 1) == 1
    assert not list(folder.rglob("*.json"))
    assert any("belongs to another user (uid 12345)" in p for p in cache.problems())


def test_no_cache_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASELINER_NO_CACHE", "1")
    assert cache.cache_dir() is None
    assert _cached(b"x", 42) == 42


def test_pruning_keeps_the_most_recently_used(tmp_path: Path) -> None:
    for age, name in enumerate(["new", "used", "old", "older"]):
        entry = tmp_path / f"{name}.json"
        entry.write_bytes(b"x")
        os.utime(entry, (1_000_000 - age, 1_000_000 - age))
    (tmp_path / "other.txt").write_bytes(b"not an entry")
    cache.prune(tmp_path, keep=2)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "new.json",
        "other.txt",
        "used.json",
    ]


def test_a_hit_counts_as_use_and_a_write_prunes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "KEEP", 2)
    _cached(b"first", 1)
    _cached(b"second", 2)
    for entry in (tmp_path / "k").iterdir():
        os.utime(entry, (1, 1))  # both long unused...
    assert _cached(b"first", 0) == 1  # ...until "first" is read
    _cached(b"third", 3)  # a third entry: "second" goes
    assert _cached(b"first", 0) == 1
    assert _cached(b"third", 0) == 3
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
        texts = [c.expression if c is not None else None for c in (check.query, check.assertion)]
        out.append((check.info, check.kind, check.key, check.applies_to, check.absent_ok,
                    check.wants_absent, check.expect, check.value_type, check.unset, *texts,
                    tuple(verdicts)))  # fmt: skip
    return out


SHIPPED = sorted((ROOT / "policies").glob("*.yaml"))


@pytest.mark.parametrize(
    "path", [GOOD, PROFILE_DIR / "contoso-strict.yaml", *SHIPPED], ids=lambda path: path.stem
)
def test_a_cached_compiled_benchmark_is_the_compiled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    monkeypatch.setenv("BASELINER_NO_CACHE", "1")
    fresh = load_benchmark(path)
    monkeypatch.delenv("BASELINER_NO_CACHE")
    monkeypatch.setenv("BASELINER_CACHE_DIR", str(tmp_path))
    load_benchmark(path)  # compiles and stores
    assert list((tmp_path / "compiled").glob("*.json"))
    cached = load_benchmark(path)
    assert cached.info == fresh.info
    assert _verdicts(cached) == _verdicts(fresh)
    # A cold run keeps the compilation made from the document with its key positions; a
    # document from the cache, without them, compiles the same.
    document = read_benchmark(path)
    assert not vars(document).get("key_lines")
    again = compile_benchmark(document, str(path), validated=True)
    assert again.info == fresh.info
    assert _verdicts(again) == _verdicts(fresh)


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


@pytest.mark.parametrize("path", [GOOD, ROOT / "policies" / "msft-windows11-24h2.yaml"])
def test_a_benchmark_and_a_check_pickle_as_their_data(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BASELINER_NO_CACHE", "1")
    benchmark = load_benchmark(path)
    again = pickle.loads(pickle.dumps(benchmark))
    assert again.info == benchmark.info
    assert _verdicts(again) == _verdicts(benchmark)
    for check in benchmark.checks[:5]:
        alone = Benchmark(benchmark.info, (pickle.loads(pickle.dumps(check)),))
        assert _verdicts(alone) == _verdicts(Benchmark(benchmark.info, (check,)))


def test_what_checks_share_is_stored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped benchmarks' checks share few judges, scopes, tag lists and metadata: the
    cache keeps each once, and a warm run rebuilds each once (checker/policy/stored.py)."""
    monkeypatch.setenv("BASELINER_NO_CACHE", "1")
    path = ROOT / "policies" / "stig-windows10.yaml"
    data = json.loads(json.dumps(benchmark_data(load_benchmark(path))))
    column = {"judge": 9, "applies": 10, "tags": 11, "meta": 12}
    for table, rows in data["shared"].items():
        assert len({json.dumps(row) for row in rows}) == len(rows), table
        assert {check[column[table]] for check in data["checks"]} == set(range(len(rows)))
    assert len(data["shared"]["judge"]) * 4 < len(data["checks"])
    assert len(data["shared"]["meta"]) * 4 < len(data["checks"])
