"""Project-level passes of the pipeline: duplicates counted once, tutorial data tagged, workflows built."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from proofolio.pipeline import analyze_sources
from proofolio.sources.local import LocalCollector

CELLS = [
    "import pandas as pd\nfrom sklearn.ensemble import RandomForestRegressor\nfrom sklearn.model_selection import train_test_split",
    'rentals = pd.read_csv("hourly_rentals_2021.csv")\nrentals = rentals.dropna()',
    (
        'X_train, X_test, y_train, y_test = train_test_split(rentals[["hour"]], rentals["count"], random_state=1)\n'
        "forest = RandomForestRegressor().fit(X_train, y_train)\n"
        "print(forest.score(X_test, y_test))"
    ),
]
EXPORT = "#!/usr/bin/env python\n# coding: utf-8\n\n# # Demand\n\n" + "".join(
    f"# In[{i}]:\n\n\n{cell}\n\n\n" for i, cell in enumerate(CELLS, 1)
) + "get_ipython().run_line_magic('matplotlib', 'inline')\n"


def notebook(path: Path, magic: bool = True) -> None:
    cells = [new_markdown_cell("# Demand"), *(new_code_cell(c) for c in CELLS)]
    if magic:
        cells.insert(1, new_code_cell("%matplotlib inline"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(new_notebook(cells=cells)), "utf-8")


def run(root: Path):
    return analyze_sources(str(root), LocalCollector(root).collect())


def project(root: Path, files: dict[str, str]) -> Path:
    """A project folder holding ``files`` (path → text)."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def assessment(root: Path, skill: str):  # type: ignore[no-untyped-def]
    return next(a for a in run(root).assessments if a.skill == skill)


def test_a_notebook_and_its_verbatim_export_count_once(tmp_path: Path) -> None:
    root = tmp_path / "demand"
    notebook(root / "demand.ipynb")
    (root / "demand.py").write_text(EXPORT, "utf-8")
    result = run(root)
    paths = {e.location.path for a in result.assessments for e in a.evidence}
    assert paths == {"demand.ipynb"}
    [dup] = [p for p in result.problems if p.kind == "duplicate"]
    assert (dup.path, dup.reason) == ("demand.py", "same code as demand.ipynb: its evidence is counted once, there")
    assert result.stats["duplicate_files"] == 1


def test_the_same_notebook_in_two_projects_counts_in_the_first(tmp_path: Path) -> None:
    notebook(tmp_path / "a-first" / "nb" / "demand.ipynb")
    notebook(tmp_path / "b-copy" / "demand.ipynb", magic=False)
    (tmp_path / "a-first" / "requirements.txt").write_text("pandas\n")
    (tmp_path / "b-copy" / "requirements.txt").write_text("pandas\n")
    (tmp_path / "a-first" / ".git").mkdir()  # make both look like separate projects of one portfolio
    (tmp_path / "b-copy" / ".git").mkdir()
    result = analyze_sources(str(tmp_path), LocalCollector(tmp_path).collect())
    repos = {e.location.repo for a in result.assessments for e in a.evidence if e.location.path.endswith(".ipynb")}
    assert repos == {"a-first"}
    assert [(p.repo, p.path) for p in result.problems if p.kind == "duplicate"] == [("b-copy", "demand.ipynb")]


def test_small_or_different_files_are_not_duplicates(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "a.py").write_text("import pandas as pd\n")
    (root / "b.py").write_text("import pandas as pd\n")
    (root / "c.py").write_text(CELLS[1] + "\nprint(1)\nprint(2)\n")
    (root / "d.py").write_text(CELLS[1] + "\nprint(1)\nprint(3)\n")
    result = run(root)
    assert [p for p in result.problems if p.kind == "duplicate"] == []


def test_tutorial_data_only_tags_every_item_and_caveats(tmp_path: Path) -> None:
    root = tmp_path / "iris"
    root.mkdir()
    (root / "iris.py").write_text(
        "from sklearn.datasets import load_iris\nfrom sklearn.tree import DecisionTreeClassifier\n"
        "X, y = load_iris(return_X_y=True)\nclf = DecisionTreeClassifier().fit(X, y)\n"
    )
    result = run(root)
    building = next(a for a in result.assessments if a.skill == "model_building")
    assert {e.value("tutorial_dataset") for e in building.evidence} == {"Iris"}
    assert any("tutorial datasets (Iris)" in c for c in building.caveats)
    (root / "own.py").write_text('import pandas as pd\nsales = pd.read_csv("sales_2024.csv")\n')
    mixed = next(a for a in run(root).assessments if a.skill == "model_building")
    assert {e.value("tutorial_dataset") for e in mixed.evidence} == {None}
    assert not any("tutorial" in c for c in mixed.caveats)


def test_workflows_and_negative_signals_reach_the_json(tmp_path: Path, validate_report) -> None:  # type: ignore[no-untyped-def]
    from proofolio.reporters import FORMATS

    root = tmp_path / "p"
    root.mkdir()
    (root / "score.py").write_text(
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\nfrom sklearn.metrics import accuracy_score\n"
        'df = pd.read_csv("loans.csv")\nX, y = df[["a"]], df["y"]\nmodel = LogisticRegression().fit(X, y)\n'
        "print(accuracy_score(y, model.predict(X)))\n"
    )
    result = run(root)
    [flow] = result.workflows
    assert [(s.stage, s.location.line) for s in flow.stages] == [("load", 4), ("fit", 6), ("evaluate", 7)]
    assert flow.in_order
    data = validate_report(FORMATS["json"](result))
    evaluation = next(a for a in data["assessments"] if a["skill"] == "model_evaluation")
    [signal] = [e for e in evaluation["evidence"] if e["detector"] == "EVAL-train-set-scoring"]
    assert signal["severity"] == "high" and signal["location"]["line"] == 7
    assert "held-out" in signal["remediation"]
    assert data["workflows"][0]["path"] == "score.py"


def test_tutorial_tag_spares_skills_that_do_not_depend_on_the_data(tmp_path: Path) -> None:
    root = tmp_path / "mnist"
    (root / "tests").mkdir(parents=True)
    (root / "train.py").write_text(
        '"""Train."""\nfrom tensorflow import keras\n\n\ndef load():\n    """Load MNIST."""\n'
        "    return keras.datasets.mnist.load_data()\n\n\nmodel = keras.Sequential([])\n"
    )
    (root / "tests" / "test_train.py").write_text("def test_load():\n    assert True\n")
    by_skill = {a.skill: a for a in run(root).assessments}
    assert {e.value("tutorial_dataset") for e in by_skill["model_building"].evidence} == {"MNIST"}
    assert {e.value("tutorial_dataset") for e in by_skill["python"].evidence} == {None}
    assert not any("tutorial" in c for c in by_skill["software_engineering"].caveats)


def _repo_project(root: Path) -> None:
    (root / "app").mkdir(parents=True)
    (root / "README.md").write_text("# Churn\n\n## Problem\n\nx\n\n## Setup\n\npip install -r requirements.txt\npython train.py\n")
    (root / "setup.py").write_text("from setuptools import setup\nsetup(name='churn', install_requires=['pandas==2.2'])\n")
    (root / "pyproject.toml").write_text('[project]\nname = "churn"\ndependencies = ["scikit-learn>=1.4"]\n')
    (root / "requirements.txt").write_text("pandas==2.2\n")
    (root / "train.py").write_text("import joblib\nfrom sklearn.svm import SVC\nm = SVC().fit([[0]], [0])\njoblib.dump(m, 'm.pkl')\n")
    (root / "app" / "model.py").write_text("import joblib\n\ndef load():\n    return joblib.load('m.pkl')\n")
    (root / "app" / "main.py").write_text("from fastapi import FastAPI\nfrom app.model import load\napp = FastAPI()\nload()\n")


def _repo_run(context_class: type, source, evidence) -> tuple[list, list[str]]:  # type: ignore[no-untyped-def]
    from proofolio.detectors.base import RepoContext
    from proofolio.detectors.registry import default_registry

    reads: list[str] = []
    original = RepoContext.read_text

    def counting(self, path: str, limit: int = 512_000) -> str:  # type: ignore[no-untyped-def]
        reads.append(path)
        return original(self, path, limit)

    RepoContext.read_text = counting  # type: ignore[method-assign]
    try:
        repo = context_class(source, evidence)
        for detector in default_registry().repo_detectors():
            detector.check(repo)
    finally:
        RepoContext.read_text = original  # type: ignore[method-assign]
    return repo.evidence, reads


def test_repository_detectors_read_each_file_once_and_find_the_same(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ProjectFiles shares file texts between the repository detectors; past MEMO_CHARS it reads again."""
    from proofolio import project_files
    from proofolio.detectors.base import RepoContext
    from proofolio.detectors.registry import default_registry
    from proofolio.filework import FileRunner, WorkerConfig
    from proofolio.pipeline import analyze_batch
    from proofolio.project_files import ProjectFiles

    root = tmp_path / "churn"
    _repo_project(root)
    [source] = LocalCollector(root).collect()
    registry = default_registry()
    [analysis] = analyze_batch([source], registry, runner=FileRunner(1, WorkerConfig()))
    repo_level = {d.meta.id for d in registry.repo_detectors()}
    files = tuple(e for e in analysis.evidence if e.detector not in repo_level)
    expected, plain_reads = _repo_run(RepoContext, source, files)
    found, reads = _repo_run(ProjectFiles, source, files)
    assert found == expected
    assert {e.detector for e in found} >= {"COM-readme", "PY-packaging", "SE-dependencies", "OPS-model-serving-project"}
    assert sorted(reads) == sorted(set(plain_reads)) and len(plain_reads) > len(reads)
    monkeypatch.setattr(project_files, "MEMO_CHARS", 100)  # room for the smallest files only
    bounded, bounded_reads = _repo_run(ProjectFiles, source, files)
    assert bounded == expected and len(reads) < len(bounded_reads) <= len(plain_reads)


def test_compact_keeps_what_is_shared_already() -> None:
    import sys

    from proofolio.models import Confidence, Evidence, Location, compact

    private = Evidence("PRE-" + "x", "data", Location("p" + "roj", None, "a" + ".py", 1), "s", Confidence.HIGH,
                       (("api", "pandas." + "read_csv"),))
    shared = compact(private)
    assert shared == private and shared is not private
    assert shared.location.path is sys.intern("a.py") and shared.values[0][1] is sys.intern("pandas.read_csv")
    assert compact(shared) is shared
    same_place = Evidence("PRE-" + "y", "data", shared.location, "t", Confidence.LOW, (("api", "numpy." + "mean"),))
    assert compact(same_place).location is shared.location  # only the values needed sharing


def test_without_a_cache_no_project_or_run_is_identified(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """--no-cache: identities (a stat of every file, twice) only make cache keys, so none are computed."""
    from proofolio import pipeline, rerun
    from proofolio.filework import FileRunner, WorkerConfig

    root = tmp_path / "churn"
    _repo_project(root)
    sources = list(LocalCollector(root).collect())
    expected = rerun.analyze_or_recall(str(root), sources, pipeline.AnalyzeOptions(), FileRunner(1, WorkerConfig()))

    def never(*args: object) -> str:
        raise AssertionError("no identity without a cache")

    monkeypatch.setattr(pipeline, "project_identity", never)
    monkeypatch.setattr(rerun, "run_identity", never)
    with FileRunner(1, WorkerConfig()) as runner:
        result = rerun.analyze_or_recall(str(root), sources, pipeline.AnalyzeOptions(), runner)
    assert result.assessments == expected.assessments and result.problems == expected.problems


def _count_reads(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The paths RepoContext.read_text is asked for from now on, in order."""
    from proofolio.detectors.base import RepoContext

    reads: list[str] = []
    original = RepoContext.read_text

    def counting(self, path: str, limit: int = 512_000) -> str:  # type: ignore[no-untyped-def]
        reads.append(path)
        return original(self, path, limit)

    monkeypatch.setattr(RepoContext, "read_text", counting)
    return reads


@pytest.mark.parametrize("jobs", [1, 2])
def test_repository_detectors_read_only_the_modules_the_file_pass_flagged(tmp_path: Path, monkeypatch, jobs: int) -> None:  # type: ignore[no-untyped-def]
    """SE-no-random-seed and OPS-model-serving-project ask a question of every module; the file pass answers it."""
    from proofolio.detectors.base import RepoContext
    from proofolio.detectors.registry import default_registry
    from proofolio.filework import FileRunner, WorkerConfig
    from proofolio.pipeline import analyze_batch

    root = tmp_path / "churn"
    _repo_project(root)
    (root / "features.py").write_text("import pandas as pd\n\ndef clean(df):\n    return df.dropna()\n")
    [source] = LocalCollector(root).collect()
    registry = default_registry()
    reads = _count_reads(monkeypatch)
    with FileRunner(jobs, WorkerConfig()) as runner:
        [analysis] = analyze_batch([source], registry, runner=runner)
    repo_level = {d.meta.id for d in registry.repo_detectors()}
    files = tuple(e for e in analysis.evidence if e.detector not in repo_level)
    expected, plain_reads = _repo_run(RepoContext, source, files)  # no answers: every module is read
    assert [e for e in analysis.evidence if e.detector in repo_level] == expected
    assert {"SE-no-random-seed", "OPS-model-serving-project"} <= {e.detector for e in expected}
    assert "features.py" in plain_reads and "features.py" not in reads[: len(reads) - len(plain_reads)]
    modules_read = {p for p in reads[: len(reads) - len(plain_reads)] if p.endswith(".py")}
    assert modules_read <= {"app/main.py", "app/model.py", "setup.py", "train.py"}


def test_evidence_from_a_worker_arrives_equal_and_shared() -> None:
    """Evidence pickles as one flat tuple and is rebuilt with its strings interned (what compact would do)."""
    import pickle
    import sys

    from proofolio.models import Confidence, Evidence, Location, Severity, compact

    items = (
        Evidence("EVAL-" + "leak", "model_evaluation", Location("o/" + "r", "c" * 40, "a/" + "b.ipynb", 3, 5, 2), "fit(X)",
                 Confidence.MEDIUM, (("api", "sklearn." + "fit"),), 0.5, Severity.HIGH, "split " + "first", "f" * 64),
        Evidence("PY-" + "x", "python", Location("r", None, "a.py", None), "é ✓", Confidence.LOW),
    )
    back = pickle.loads(pickle.dumps(items))
    assert back == items
    assert back[0].severity is Severity.HIGH and back[0].confidence is Confidence.MEDIUM and back[1].severity is None
    assert back[0].location.path is sys.intern("a/b.ipynb") and back[0].values[0][1] is sys.intern("sklearn.fit")
    assert back[0].remediation is sys.intern("split first")
    assert all(compact(e) is e for e in back)  # nothing left for the parent to share


def test_probe_any_takes_the_file_pass_answers_first_and_reads_the_rest_in_order(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from proofolio.detectors.base import RepoContext
    from proofolio.detectors.engineering.random_seed import SETS_SEED

    root = tmp_path / "p"
    root.mkdir()
    notebook(root / "a.ipynb")  # random_state=1 in a cell: sets a seed
    (root / "b.py").write_text("import numpy as np\n")
    (root / "c.py").write_text("np.random.seed(0)\n")
    [source] = LocalCollector(root).collect()
    reads = _count_reads(monkeypatch)
    paths = ["a.ipynb", "b.py", "c.py"]
    answered = RepoContext(source, (), probed={"b.py": frozenset(), "c.py": frozenset({SETS_SEED.key})})
    assert answered.probe_any(paths, SETS_SEED) and reads == []
    unseeded = RepoContext(source, (), probed={"b.py": frozenset(), "c.py": frozenset(), "a.ipynb": frozenset({SETS_SEED.key})})
    assert unseeded.probe_any(paths, SETS_SEED) and reads == ["a.ipynb"]  # notebooks are never answered for it
    reads.clear()
    assert not RepoContext(source, (), probed={"b.py": frozenset()}).probe_any(["b.py"], SETS_SEED) and reads == []
    assert RepoContext(source, ()).probe_any(paths, SETS_SEED) and reads == ["a.ipynb"]  # no answers: read in order


def test_evidence_is_emitted_with_its_strings_shared() -> None:
    """What compact would share (ids, skill, repo, path, values) is shared as it is emitted: nothing is rebuilt later."""
    import sys

    from proofolio.detectors.engine import detect_file
    from proofolio.detectors.registry import default_registry
    from proofolio.documents import read_document
    from proofolio.models import compact

    for text in ("my-repo", "src/train.py", "pandas.read_csv", "pandas.DataFrame.dropna"):
        sys.intern("".join(text))  # interned copies exist: the emitted strings must be those, not equal ones
    name = "".join(["src/", "train.py"])  # noqa: FLY002 - built at run time: not the interned copy
    document = read_document(name, "\n".join(CELLS).encode())
    evidence, problems = detect_file(document, default_registry().file_detectors(), "".join(["my", "-repo"]), None)  # noqa: FLY002
    assert not problems and {"PRE-data-loading", "PRE-missing-values", "EVAL-train-test-split"} <= {e.detector for e in evidence}
    assert all(compact(e) is e for e in evidence)


def test_test_modules_show_testing_not_modelling(tmp_path: Path) -> None:
    root = tmp_path / "demand"
    (root / "tests").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "features.py").write_text("def add_hour(frame):\n    return frame\n")
    (root / "pyproject.toml").write_text('[project]\nname = "demand"\n')  # one project, not a folder of two
    toy_fit = (
        "from sklearn.ensemble import RandomForestClassifier\n"
        "from sklearn.metrics import accuracy_score\n\n\n"
        "def test_model_learns(toy_data):\n"
        '    """The forest separates two obvious classes."""\n'
        "    X, y = toy_data\n"
        "    model = RandomForestClassifier().fit(X, y)\n"
        "    assert accuracy_score(y, model.predict(X)) > 0.9\n"
    )
    (root / "tests" / "test_model.py").write_text(toy_fit)
    (root / "tests" / "conftest.py").write_text(
        "import pandas as pd\nimport pytest\n\n\n@pytest.fixture\ndef toy_data():\n"
        '    frame = pd.read_csv("toy.csv").dropna()\n    return frame[["x"]], frame["y"]\n'
    )
    result = run(root)
    found = {(e.location.path, e.detector) for a in result.assessments for e in a.evidence}
    skills = {a.skill for a in result.assessments if a.evidence}
    # the test module and its fixtures: testing and Python; not a model, a metric, cleaning or a train-set score
    assert ("tests/test_model.py", "PY-functions-classes") in found
    assert "software_engineering" in skills
    assert not skills & {"model_building", "model_evaluation", "data_preprocessing"}
    assert not any(d.startswith(("MOD-", "EVAL-", "PRE-")) for _, d in found)


def test_a_script_named_like_a_test_that_holds_no_tests_keeps_its_evidence(tmp_path: Path) -> None:
    root = tmp_path / "xray"
    (root / "src").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "xray"\n')
    (root / "src" / "test_model.py").write_text(  # evaluates the trained model: no test functions
        "from sklearn.metrics import accuracy_score\n\nprint(accuracy_score(y_test, clf.predict(X_test)))\n"
    )
    found = {(e.location.path, e.detector) for a in run(root).assessments for e in a.evidence}
    assert ("src/test_model.py", "EVAL-metrics") in found


DAG_ETL = '''import pandas as pd
from airflow import DAG
from airflow.operators.python import PythonOperator


def load_ratings():
    pd.read_csv("ratings.csv").to_sql("ratings", "postgresql://localhost/movies")


with DAG("movie_ratings", schedule_interval="@daily") as dag:
    PythonOperator(task_id="load", python_callable=load_ratings)
'''


def test_an_etl_pipeline_without_a_model_is_no_mlops(tmp_path: Path) -> None:
    root = project(tmp_path / "etl", {"dag.py": DAG_ETL})
    deployment = assessment(root, "deployment_mlops")
    assert deployment.detectors == ()
    project(root, {"train.py": (
        "import joblib\nimport pandas as pd\nfrom sklearn.linear_model import LinearRegression\n"
        'ratings = pd.read_csv("ratings.csv")\n'
        'joblib.dump(LinearRegression().fit(ratings[["age"]], ratings["stars"]), "model.joblib")\n'
    )})
    with_model = assessment(root, "deployment_mlops")
    assert with_model.detectors == ("OPS-model-persistence", "OPS-pipeline-orchestration")


def test_an_ml_pipeline_framework_counts_without_a_model_in_the_project(tmp_path: Path) -> None:
    root = project(tmp_path / "kfp", {"pipeline.py": (
        "from kfp import dsl\n\n\n@dsl.component\ndef train_step(data: str) -> str:\n    return data\n\n\n"
        "@dsl.pipeline(name='train')\ndef training_pipeline(data: str):\n    train_step(data=data)\n"
    )})
    deployment = assessment(root, "deployment_mlops")
    assert deployment.detectors == ("OPS-pipeline-orchestration",)
