"""Project-level passes of the pipeline: duplicates counted once, tutorial data tagged, workflows built."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from proofolio.pipeline import analyze_sources
from proofolio.sources.local import LocalCollector

CELLS = [
    "import pandas as pd\nfrom sklearn.ensemble import RandomForestRegressor\nfrom sklearn.model_selection import train_test_split",
    'rentals = pd.read_csv("hourly_rentals_2021.csv")\nrentals = rentals.dropna()',
    (
        'X_train, X_test, y_train, y_test = train_test_split(rentals[["hour"]], rentals["count"], random_state=1)\n'
        "forest = RandomForestRegressor().fit(X_train, y_train)"
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
