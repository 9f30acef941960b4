"""Workflow stages per file: read off the evidence, placed at first appearance, order checked."""

from proofolio.models import Confidence, Evidence, Location, Severity
from proofolio.workflow import stage_of, workflow_of, workflows


def ev(detector: str, line: int, path: str = "nb.ipynb", cell: int | None = None, repo: str = "p", **kw) -> Evidence:
    return Evidence(detector, "x", Location(repo, None, path, line, None, cell), "code", Confidence.HIGH, **kw)


def test_stage_mapping() -> None:
    assert [stage_of(d) for d in ("PRE-data-loading", "PRE-missing-values", "EVAL-train-test-split", "MOD-torch-module",
                                  "EVAL-metrics", "EVAL-hyperparameter-search", "EVAL-tuning-loop", "OPS-model-persistence",
                                  "OPS-model-serving", "EDA-plotting", "OPS-dockerfile", "EVAL-provided-test-split")] == [
        "load", "clean", "split", "fit", "evaluate", "tune", "tune", "persist", "serve", None, None, "split"]


def test_stages_in_order_of_first_appearance_with_locations() -> None:
    items = [
        ev("EVAL-metrics", 2, cell=9), ev("PRE-data-loading", 1, cell=2), ev("PRE-missing-values", 3, cell=4),
        ev("EVAL-train-test-split", 1, cell=6), ev("MOD-sklearn-estimator", 2, cell=7), ev("MOD-sklearn-estimator", 1, cell=3),
        ev("EVAL-hyperparameter-search", 1, cell=11), ev("OPS-model-persistence", 1, cell=12), ev("EDA-plotting", 1, cell=1),
    ]
    flow = workflow_of("p", "nb.ipynb", items)
    assert flow is not None
    assert [(s.stage, s.location.cell, s.location.line) for s in flow.stages] == [
        ("load", 2, 1), ("fit", 3, 1), ("clean", 4, 3), ("split", 6, 1), ("evaluate", 9, 2), ("tune", 11, 1), ("persist", 12, 1)]
    assert flow.in_order is False  # a model constructed before the cleaning
    ordered = workflow_of("p", "nb.ipynb", [e for e in items if not (e.detector.startswith("MOD") and e.location.cell == 3)])
    assert ordered is not None and ordered.in_order is True


def test_one_stage_or_negative_signals_make_no_workflow() -> None:
    assert workflow_of("p", "a.py", [ev("MOD-sklearn-estimator", 1)]) is None
    leak = ev("EVAL-train-set-scoring", 5, path="a.py", severity=Severity.HIGH)
    assert workflow_of("p", "a.py", [ev("MOD-sklearn-estimator", 1, path="a.py"), leak]) is None


def test_cv_splitter_setup_is_not_the_evaluation_stage() -> None:
    splitter = ev("EVAL-cross-validation", 1, path="a.py", values=(("api", "sklearn.model_selection.StratifiedKFold"),))
    flow = workflow_of("p", "a.py", [splitter, ev("MOD-sklearn-estimator", 2, path="a.py"),
                                      ev("EVAL-cross-validation", 3, path="a.py",
                                         values=(("api", "sklearn.model_selection.cross_val_score"),))])
    assert flow is not None and [(s.stage, s.location.line) for s in flow.stages] == [("fit", 2), ("evaluate", 3)]
    assert flow.in_order


def test_workflows_per_file_sorted() -> None:
    items = [ev("PRE-data-loading", 1, path="b.py", repo="r2"), ev("MOD-sklearn-estimator", 2, path="b.py", repo="r2"),
             ev("PRE-data-loading", 1, path="a.py"), ev("EVAL-metrics", 4, path="a.py"), ev("EVAL-metrics", 1, path="c.py")]
    assert [(w.repo, w.path) for w in workflows(items)] == [("p", "a.py"), ("r2", "b.py")]


def test_stages_in_one_notebook_cell_follow_the_canonical_order() -> None:
    # the reported-metrics evidence cites the cell's first line, the model is built below it
    items = [ev("PRE-data-loading", 1, cell=1), ev("EVAL-reported-metrics", 2, cell=4), ev("MOD-sklearn-estimator", 6, cell=4)]
    flow = workflow_of("p", "nb.ipynb", items)
    assert flow is not None and [(s.stage, s.location.line) for s in flow.stages] == [("load", 1), ("fit", 6), ("evaluate", 2)]
    assert flow.in_order


def test_class_definitions_place_no_stage_except_the_model() -> None:
    dataset_class = ev("PRE-data-pipeline", 5, path="data.py", values=(("base", "torch.utils.data.Dataset"),))
    flow = workflow_of("p", "data.py", [dataset_class, ev("PRE-data-loading", 40, path="data.py"),
                                         ev("PRE-feature-scaling", 44, path="data.py")])
    assert flow is not None and [(s.stage, s.location.line) for s in flow.stages] == [("load", 40), ("clean", 44)]
