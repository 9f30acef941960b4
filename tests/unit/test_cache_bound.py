"""The results cache stays under its size: least recently used rows go first, old files migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from proofolio import cache as cache_module
from proofolio.cache import ResultCache
from proofolio.filework import FileRunner, FileTask, WorkerConfig

VALUE = "x" * 20_000  # one row: ~20 kB


def _fill(cache: ResultCache, monkeypatch: pytest.MonkeyPatch, day: int, keys: list[str]) -> None:
    monkeypatch.setattr(cache_module, "today", lambda: day)
    cache.put_many([(key, VALUE) for key in keys])


def _keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {key for (key,) in db.execute("SELECT key FROM results")}


def test_prune_drops_the_least_recently_used_rows_down_to_a_share_of_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.sqlite"
    cache = ResultCache(path)
    _fill(cache, monkeypatch, 100, [f"old{i}" for i in range(20)])
    _fill(cache, monkeypatch, 101, [f"mid{i}" for i in range(20)])
    _fill(cache, monkeypatch, 102, [f"new{i}" for i in range(20)])
    monkeypatch.setattr(cache_module, "today", lambda: 103)
    cache.touch(["old0", "old1"])  # read by today's run: now the most recently used
    assert cache.size() > 1_000_000
    assert cache.prune(10_000_000) == 0  # under the limit: nothing goes

    dropped = cache.prune(800_000)

    kept = _keys(path)
    assert cache.size() <= 800_000 * cache_module.PRUNE_TO
    assert dropped == 60 - len(kept)
    assert {"old0", "old1"} <= kept and {f"new{i}" for i in range(20)} <= kept
    assert not any(k.startswith("old") for k in kept - {"old0", "old1"})
    assert kept & {f"mid{i}" for i in range(20)} != {f"mid{i}" for i in range(20)}  # some of day 101 went
    assert cache.get("old0") == VALUE
    cache.close()
    assert path.stat().st_size <= 800_000  # the pages went back to the file system (auto_vacuum)


def test_prune_drops_file_hashes_older_than_every_result_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResultCache(tmp_path / "results.sqlite")
    monkeypatch.setattr(cache_module, "today", lambda: 100)
    cache.put_many([("a", VALUE)] * 1, [("/old/file.py", "1:2:3:4", "sha256:aa")])
    monkeypatch.setattr(cache_module, "today", lambda: 101)
    cache.put_many([(f"b{i}", VALUE) for i in range(5)], [("/new/file.py", "1:2:3:5", "sha256:bb")])
    cache.prune(int(cache.size() * 0.7))  # about half the rows go: "a" first, some of b
    assert "a" not in _keys(tmp_path / "results.sqlite") and "b4" in _keys(tmp_path / "results.sqlite")
    assert cache.known_hashes({"/old/file.py": "1:2:3:4", "/new/file.py": "1:2:3:5"}) == {"/new/file.py": "sha256:bb"}


def test_a_cache_written_before_rows_were_dated_is_migrated_and_pruned_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.sqlite"
    with sqlite3.connect(path) as db:  # the schema of earlier versions
        db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE hashes (path TEXT PRIMARY KEY, stat TEXT NOT NULL, content_id TEXT NOT NULL)")
        db.executemany("INSERT INTO results VALUES (?, ?)", [(f"legacy{i}", VALUE) for i in range(10)])
    cache = ResultCache(path)
    assert cache.get("legacy3") == VALUE
    _fill(cache, monkeypatch, 200, [f"now{i}" for i in range(10)])
    cache.prune(300_000)
    kept = _keys(path)
    assert {f"now{i}" for i in range(10)} <= kept
    assert not any(k.startswith("legacy") for k in kept)


def test_a_run_marks_what_it_read_and_prunes_to_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "p"
    project.mkdir()
    tasks = []
    for i in range(30):
        module = project / f"m{i}.py"
        module.write_text("import pandas as pd\n" + "".join(f"df{j} = pd.read_csv('f{j}.csv').dropna()\n" for j in range(60)))
        tasks.append(FileTask(str(module), module.name, "p", None, None, content_id=f"blob{i}"))
    path = tmp_path / "results.sqlite"
    monkeypatch.setattr(cache_module, "today", lambda: 300)
    with FileRunner(1, WorkerConfig(cache_path=str(path))) as runner:
        cold = list(runner.run(tasks))
    full = ResultCache(path).size()
    monkeypatch.setattr(cache_module, "today", lambda: 301)
    with FileRunner(1, WorkerConfig(cache_path=str(path))) as runner:  # reads the first ten only
        assert all(o.cached for o in runner.run(tasks[:10]))
    limit = full // 2
    monkeypatch.setattr(cache_module, "today", lambda: 302)
    with FileRunner(1, WorkerConfig(cache_path=str(path)), cache_max_bytes=limit) as runner:
        list(runner.run(tasks[:1]))
    assert ResultCache(path).size() <= limit
    with sqlite3.connect(path) as db:
        days = dict(db.execute("SELECT key, used FROM results"))
    assert len(days) < 30 and set(days.values()) <= {301, 302}  # the ten read yesterday and today stayed
    with FileRunner(1, WorkerConfig(cache_path=str(path))) as runner:
        warm = list(runner.run(tasks))
    assert [o.evidence for o in warm] == [o.evidence for o in cold]  # what was pruned is analysed again
    assert sum(o.cached for o in warm) == len(days)
