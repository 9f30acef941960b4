"""The result cache and the file runner: same outcome cold or warm, with one job or several."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from proofolio.cache import ResultCache, cache_key
from proofolio.filework import FileRunner, FileTask, WorkerConfig

CODE = "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\ndf = pd.read_csv('a.csv').dropna()\nLogisticRegression().fit(df, df)\n"
NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "source": "%matplotlib inline\nimport pandas as pd\ndf = pd.read_csv('x')\ndf.describe()", "metadata": {}, "outputs": [], "execution_count": 1}]})

SEEDED = "import numpy as np\nnp.random.seed(0)\n"


@pytest.fixture()
def tasks(tmp_path: Path) -> list[FileTask]:
    made = []
    for i in range(6):
        path = tmp_path / f"m{i}.py"
        path.write_text(CODE + f"x{i} = {i}\n" + (SEEDED if i == 0 else ""))
        made.append(FileTask(str(path), path.name, "proj", None, None))
    nb = tmp_path / "n.ipynb"
    nb.write_text(NOTEBOOK)
    made.append(FileTask(str(nb), "n.ipynb", "proj", None, 0.5))
    bad = tmp_path / "bad.py"
    bad.write_text("def broken(:\n")
    made.append(FileTask(str(bad), "bad.py", "proj", None, None))
    made.append(FileTask(str(tmp_path / "gone.py"), "gone.py", "proj", None, None))
    return made


def _view(outcomes):
    return [(o.path, o.evidence, o.problems, o.kind, o.parsed, o.failure, o.probes) for o in outcomes]


def test_warm_run_equals_cold_run_and_hits_the_cache(tmp_path: Path, tasks: list[FileTask]) -> None:
    db = tmp_path / "cache" / "results.sqlite"
    with FileRunner(1, WorkerConfig(cache_path=str(db))) as runner:
        cold = list(runner.run(tasks))
    assert not any(o.cached for o in cold)
    assert cold[-1].failure == ("unreadable", "cannot read: No such file or directory")
    assert [p.kind for p in cold[-2].problems] == ["syntax-error"]
    assert any(e.detector == "PRE-missing-values" for e in cold[0].evidence)
    assert cold[6].kind == "notebook" and all(e.authored_share == 0.5 for e in cold[6].evidence)
    with FileRunner(1, WorkerConfig(cache_path=str(db))) as runner:
        warm = list(runner.run(tasks))
    assert [o.cached for o in warm] == [True] * 8 + [False]  # the missing file is never cached
    assert _view(warm) == _view(cold)


def test_jobs_do_not_change_results_or_their_order(tmp_path: Path, tasks: list[FileTask]) -> None:
    with FileRunner(1, WorkerConfig()) as one:
        serial = list(one.run(tasks))
    with FileRunner(2, WorkerConfig(cache_path=str(tmp_path / "c.sqlite"))) as two:
        parallel = list(two.run(tasks))
    assert _view(parallel) == _view(serial)


def test_cached_result_is_rebound_to_its_project(tmp_path: Path, tasks: list[FileTask]) -> None:
    db = str(tmp_path / "c.sqlite")
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        list(runner.run(tasks[:1]))
    task = tasks[0]
    moved = FileTask(task.abspath, task.path, "other/repo", "a" * 40, 1.0)
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        (outcome,) = runner.run([moved])
    assert outcome.cached
    assert {(e.location.repo, e.location.commit, e.authored_share) for e in outcome.evidence} == {("other/repo", "a" * 40, 1.0)}


def test_key_depends_on_content_path_and_selection() -> None:
    base = cache_key("blob1", "a.py")
    assert base == cache_key("blob1", "a.py")
    assert len({base, cache_key("blob2", "a.py"), cache_key("blob1", "b.py"), cache_key("blob1", "a.py", "EVAL-")}) == 4


def test_corrupt_cache_is_discarded_with_a_warning_and_rebuilt(tmp_path: Path, tasks: list[FileTask]) -> None:
    db = tmp_path / "results.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.warns(UserWarning, match="corrupt"):
        cache = ResultCache(db)
    cache.put_many([("k", "v")])
    assert cache.get("k") == "v"
    cache.close()
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_disabled_cache_stores_nothing(tasks: list[FileTask]) -> None:
    cache = ResultCache(None)
    cache.put_many([("k", "v")])
    assert cache.get("k") is None


def _age(tasks: list[FileTask], seconds: int = 60) -> None:
    """Make files look settled (not modified within the last timestamp tick)."""
    import os
    import time

    past = time.time() - seconds
    for task in tasks:
        if Path(task.abspath).exists():
            os.utime(task.abspath, (past, past))


def test_warm_run_does_not_read_unchanged_files_outside_git(
    tmp_path: Path, tasks: list[FileTask], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    _age(tasks)
    time.sleep(0.01)
    db = str(tmp_path / "c.sqlite")
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        cold = list(runner.run(tasks))
    reads: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(str(self)) or original(self))
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        warm = list(runner.run(tasks))
    assert _view(warm) == _view(cold)
    assert reads == [tasks[-1].abspath]  # only the missing file is tried again


def test_a_changed_file_is_analysed_again(tmp_path: Path, tasks: list[FileTask]) -> None:
    _age(tasks)
    db = str(tmp_path / "c.sqlite")
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        list(runner.run(tasks))
    Path(tasks[0].abspath).write_text("import torch\nmodel = torch.nn.Linear(2, 1)\n")
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        warm = list(runner.run(tasks))
    assert not warm[0].cached and warm[1].cached
    assert not any(e.detector == "PRE-missing-values" for e in warm[0].evidence)


def test_a_file_changed_just_now_is_hashed_not_trusted(tmp_path: Path, tasks: list[FileTask]) -> None:
    """Racy files (modified within the last tick) get no remembered hash: their next run reads them."""
    import os
    import time

    racy = time.time() + 60  # modified "just now" however long the run takes
    for task in tasks:
        if Path(task.abspath).exists():
            os.utime(task.abspath, (racy, racy))
    db = tmp_path / "c.sqlite"
    with FileRunner(1, WorkerConfig(cache_path=str(db))) as runner:
        list(runner.run(tasks))
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM hashes").fetchone()[0] == 0
    _age(tasks)
    with FileRunner(1, WorkerConfig(cache_path=str(db))) as runner:
        list(runner.run(tasks))
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM hashes").fetchone()[0] == 8


def test_a_row_gone_between_lookup_and_load_costs_that_file_only(
    tmp_path: Path, tasks: list[FileTask], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run rebuilt the cache mid-stream: the missing file is analysed again and stored; the rest stay cached."""
    from proofolio import filework

    _age(tasks)
    db = tmp_path / "c.sqlite"
    with FileRunner(1, WorkerConfig(cache_path=str(db))) as runner:
        cold = list(runner.run(tasks))
    monkeypatch.setattr(filework, "LOOKUP_BATCH", 3)  # several batches for 8 cached files
    original = ResultCache.get_many
    dropped: list[str] = []

    def losing_one(self: ResultCache, keys: list[str]) -> dict[str, str]:
        found = original(self, keys)
        if not dropped:
            dropped.append(keys[1])
            self._db.execute("DELETE FROM results WHERE key = ?", (keys[1],))  # type: ignore[union-attr]
            found.pop(keys[1])
        return found

    monkeypatch.setattr(ResultCache, "get_many", losing_one)
    with FileRunner(1, WorkerConfig(cache_path=str(db))) as runner:
        warm = list(runner.run(tasks))
    assert _view(warm) == _view(cold)
    assert [o.cached for o in warm] == [True, False, True, True, True, True, True, True, False]
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM results").fetchone()[0] == 8  # stored again


def test_without_a_cache_files_are_neither_hashed_nor_encoded(
    tasks: list[FileTask], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--no-cache: hashing a file and encoding its result only serve the cache, so neither happens."""
    from proofolio import filework

    def never(*args: object) -> str:
        raise AssertionError("not needed without a cache")

    with FileRunner(1, WorkerConfig()) as runner:
        expected = _view(runner.run(tasks))
    monkeypatch.setattr(filework, "content_sha256", never)
    monkeypatch.setattr(filework, "encode_result", never)
    monkeypatch.setattr(filework, "cache_key", never)
    with FileRunner(1, WorkerConfig()) as runner:
        outcomes = list(runner.run(tasks))
    assert _view(outcomes) == expected
    assert all(o.cache_row is None and o.hash_row is None for o in outcomes)
    assert outcomes[-1].failure == ("unreadable", "cannot read: No such file or directory")


def test_stored_results_round_trip_and_decode_into_shared_strings() -> None:
    """Positional rows give back equal evidence, its strings interned as pipeline.compact would make them."""
    import sys

    from proofolio.cache import decode_result, encode_result
    from proofolio.documents.base import DocumentProblem
    from proofolio.models import Confidence, Evidence, Location, Severity, compact

    found = (
        Evidence("EVAL-leak", "model_evaluation", Location("r", "c" * 40, "a/b.ipynb", 3, 5, 2), "fit(X)", Confidence.MEDIUM,
                 (("api", "sklearn." + "fit"), ("n", "2")), 0.5, Severity.HIGH, "split " + "first", "f" * 64),
        Evidence("PY-x", "python", Location("r", None, "a/b.ipynb", None), "é ✓", Confidence.LOW),
    )
    problems = (DocumentProblem("syntax-error", "bad", 1, 2),)
    text = encode_result(found, problems, {"kind": "notebook", "parsed": True, "fingerprint": None})
    assert isinstance(json.loads(text)["evidence"][0], list)
    repo, commit = sys.intern("other/" + "repo"), sys.intern("d" * 40)
    evidence, decoded_problems, extra = decode_result(text, repo, commit, 1.0)
    rebound = tuple(
        Evidence(e.detector, e.skill, Location(repo, commit, e.location.path, e.location.line, e.location.end_line,
                 e.location.cell), e.snippet, e.confidence, e.values, 1.0, e.severity, e.remediation, e.cited_sha256)
        for e in found
    )
    assert evidence == rebound and decoded_problems == problems and extra["kind"] == "notebook"
    assert all(compact(e) is e for e in evidence)  # nothing left to share: not built twice
    assert evidence[0].values[0][1] is sys.intern("sklearn.fit")


def test_a_first_run_asks_the_cache_about_no_file(
    tmp_path: Path, tasks: list[FileTask], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty cache cannot answer for a file: the run reads, hashes and stores without a lookup per file."""
    asked: list[str] = []
    original = ResultCache.get
    monkeypatch.setattr(ResultCache, "get", lambda self, key: asked.append(key) or original(self, key))
    db = str(tmp_path / "c.sqlite")
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        cold = list(runner.run(tasks))
    assert asked == [] and not any(o.cached for o in cold)
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:  # files changed just now: hashed, then looked up
        warm = list(runner.run(tasks))
    assert len(asked) == 8 and [o.cached for o in warm] == [True] * 8 + [False]
    assert _view(warm) == _view(cold)


def test_the_repository_probes_are_answered_by_the_file_pass_and_cached(tmp_path: Path, tasks: list[FileTask]) -> None:
    """Whether a module sets a seed is asked of every file by SE-no-random-seed: answered where the file is read."""
    from proofolio.detectors.deployment.project_model_serving import (
        LOADS_MODEL,
        WEB_APP,
    )
    from proofolio.detectors.engineering.random_seed import SETS_SEED, TRAINS

    db = str(tmp_path / "c.sqlite")
    with FileRunner(2, WorkerConfig(cache_path=db)) as runner:
        cold = list(runner.run(tasks))
    by_path = {o.path: o.probes for o in cold}
    assert by_path["m0.py"] == {SETS_SEED.key, TRAINS.key}  # seeded, and fits a model
    assert by_path["m1.py"] == {TRAINS.key} and by_path["bad.py"] == frozenset()  # asked of the text, parsed or not
    assert by_path["n.ipynb"] == frozenset()  # every probe asks modules only: notebooks are read when needed
    assert by_path["gone.py"] is None  # never read: a repository detector would read it itself
    with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
        warm = list(runner.run(tasks))
    assert [o.probes for o in warm] == [o.probes for o in cold] and warm[0].cached
    assert WEB_APP.key != LOADS_MODEL.key != SETS_SEED.key


def test_a_probe_that_raises_leaves_the_question_to_the_repository_detector() -> None:
    from proofolio.detectors.base import TextProbe
    from proofolio.filework import answer_probes

    def broken(text: str) -> bool:
        raise ValueError(text)

    fine = TextProbe(lambda text: "seed" in text, (".py",))
    assert answer_probes("a.py", b"seed", (fine,)) == {fine.key}
    assert answer_probes("a.ipynb", b"seed", (fine,)) == frozenset()
    assert answer_probes("a.py", b"seed", (fine, TextProbe(broken, (".py",)))) is None



def test_a_probe_narrowed_to_some_paths_is_asked_of_those_only() -> None:
    """LOOKS_LIKE_TESTS matters at test paths alone: other modules never pay for its scans, and
    the repository context reads a file itself when the file pass did not ask there."""
    from proofolio.detectors.engineering.tests import LOOKS_LIKE_TESTS
    from proofolio.filework import answer_probes

    text = b"import pytest\n\ndef test_fit():\n    assert True\n"
    assert answer_probes("tests/test_fit.py", text, (LOOKS_LIKE_TESTS,)) == {LOOKS_LIKE_TESTS.key}
    assert answer_probes("src/fit.py", text, (LOOKS_LIKE_TESTS,)) == frozenset()
    assert answer_probes("tests/test_run.py", b"print(1)\n", (LOOKS_LIKE_TESTS,)) == frozenset()
    assert LOOKS_LIKE_TESTS.asks("test_fit.py") and not LOOKS_LIKE_TESTS.asks("src/fit.py")

def _damaged_cache(tmp_path: Path) -> Path:
    """A cache of 400 rows, every page but the header and schema pages scribbled over: opening works, reading the rows fails."""
    db = tmp_path / "results.sqlite"
    cache = ResultCache(db)
    cache.put_many([(f"k{i:04d}", "v" * 3000) for i in range(400)])
    cache.close()
    data = bytearray(db.read_bytes())
    for offset in range(2 * 4096, len(data), 4096):
        data[offset : offset + 64] = b"\xff" * 64
    db.write_bytes(bytes(data))
    return db


def test_damage_found_on_a_read_discards_the_cache_with_a_warning_and_rebuilds_it(tmp_path: Path) -> None:
    """Opening no longer reads the whole file (PRAGMA quick_check): damage is handled where SQLite meets it."""
    db = _damaged_cache(tmp_path)
    worker = ResultCache(db, verify=False)  # a worker only misses: the parent repairs
    assert worker.get("k0010") is None and db.stat().st_size > 1_000_000
    worker.close()
    cache = ResultCache(db)
    with pytest.warns(UserWarning, match="corrupt .*malformed.*discarded and rebuilt"):
        assert cache.get("k0010") is None
    cache.put_many([("k", "v")])
    assert cache.get("k") == "v" and cache.get("k0011") is None
    cache.close()
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_damage_found_on_a_write_stores_into_the_rebuilt_cache(tmp_path: Path) -> None:
    db = _damaged_cache(tmp_path)
    cache = ResultCache(db)
    with pytest.warns(UserWarning, match="corrupt"):
        cache.put_many([("k0001", "new")])
    assert cache.get("k0001") == "new"
    cache.close()


def test_text_sqlite_cannot_store_is_skipped_and_the_rest_stored(tmp_path: Path) -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates; SQLite cannot store those."""
    cache = ResultCache(tmp_path / "results.sqlite")
    bad = "/p/caf\udce9.py"
    cache.put_many([("k1", "v1"), ("k2", f"value naming {bad}")], [(bad, "1:2:3:4", "sha256:x"), ("/p/ok.py", "1:2:3:5", "sha256:y")])
    assert cache.get("k1") == "v1" and cache.get("k2") is None
    assert cache.known_hashes({"/p/ok.py": "1:2:3:5"}) == {"/p/ok.py": "sha256:y"}
    cache.put_many([("k3", "v3")])  # no transaction left open
    assert cache.get("k3") == "v3"
    cache.close()


def test_a_course_exercise_is_credited_as_mostly_the_courses_cold_and_warm(tmp_path: Path) -> None:
    """A Kaggle Learn exercise (learntools) or a graded Coursera notebook: its evidence carries the
    course's share, whether analysed now or recalled from the cache."""
    exercise = tmp_path / "ex.py"
    exercise.write_text("from learntools.core import binder\nbinder.bind(globals())\n" + CODE)
    graded = tmp_path / "graded.py"
    graded.write_text("# GRADED FUNCTION: model\ndef model(X, y):\n    ### START CODE HERE ###\n"
                      "    return LogisticRegression().fit(X, y)\n    ### END CODE HERE ###\n"
                      "from sklearn.linear_model import LogisticRegression\n")
    own = tmp_path / "own.py"
    own.write_text(CODE + "# graded by the CI, code here is mine\n")  # words alone are no course
    tasks = [FileTask(str(p), p.name, "proj", None, None) for p in (exercise, graded, own)]
    db = str(tmp_path / "c.sqlite")
    runs, cached = [], []
    for _ in range(2):
        with FileRunner(1, WorkerConfig(cache_path=db)) as runner:
            outcomes = list(runner.run(tasks))
        runs.append({o.path: {e.authored_share for e in o.evidence} for o in outcomes})
        cached.append(all(o.cached for o in outcomes))
    assert cached == [False, True] and runs[0] == runs[1]
    assert runs[0]["ex.py"] == {0.25} and runs[0]["graded.py"] == {0.25} and runs[0]["own.py"] == {None}
