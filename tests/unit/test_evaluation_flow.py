"""The train/test data flow behind the negative signals: roles from tuple targets, derived names."""

from __future__ import annotations

import textwrap

from proofolio.detectors.base import FileContext
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.detectors.support.evaluation_flow import evaluation_flow
from proofolio.documents import read_document

REGISTRY = default_registry()
SIGNALS = ("EVAL-leakage-preprocessing-before-split", "EVAL-test-set-selection", "EVAL-refit-includes-test",
           "EVAL-train-set-scoring")
HEADER = """
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
"""


def signals(body: str) -> list[tuple[int, str]]:
    source = textwrap.dedent(HEADER).lstrip("\n") + textwrap.dedent(body).lstrip("\n")
    document = read_document("a.py", source.encode())
    found, problems = detect_file(document, REGISTRY.file_detectors(), "r", None)
    assert not problems
    offset = len(textwrap.dedent(HEADER).lstrip("\n").splitlines())
    return sorted((e.location.line - offset, e.detector) for e in found if e.detector in SIGNALS)  # type: ignore[operator]


def flow(body: str):  # type: ignore[no-untyped-def]
    document = read_document("a.py", (textwrap.dedent(HEADER) + textwrap.dedent(body)).encode())
    return evaluation_flow(FileContext(document, "r", None))


def test_tuple_targets_give_train_and_test_roles() -> None:
    f = flow("""
        a_tr, a_te, b_tr, b_te, w_tr, w_te = train_test_split(A, B, W, random_state=0)
        X_tr, X_val, y_tr, y_val = train_test_split(a_tr, b_tr, random_state=0)
    """)
    first, second = f.splits
    assert (first.train, first.test) == (("a_tr", "b_tr", "w_tr"), ("a_te", "b_te", "w_te"))
    assert (second.train, second.test) == (("X_tr", "y_tr"), ())  # a split of training data is validation


def test_derived_names_carry_the_role() -> None:
    assert signals("""
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        X_test_scaled = MinMaxScaler().fit(X_train).transform(X_test)
        clf = LogisticRegression().fit(X_test_scaled, y_test)
    """) == [(3, "EVAL-test-set-selection")]


def test_scaling_unrelated_data_or_after_the_split_is_fine() -> None:
    assert signals("""
        reference = pd.read_csv("ref.csv")
        MinMaxScaler().fit(reference)
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        scaler = MinMaxScaler().fit(X_train)
    """) == []


def test_preprocessing_on_a_frame_later_split_through_derived_names() -> None:
    assert signals("""
        df = pd.read_csv("a.csv")
        df[["a", "b"]] = MinMaxScaler().fit_transform(df[["a", "b"]])
        features = df.drop(columns="y")
        X_train, X_test, y_train, y_test = train_test_split(features, df["y"])
    """) == [(2, "EVAL-leakage-preprocessing-before-split")]


def test_selection_by_comprehension_and_sorted() -> None:
    assert signals("""
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        scores = {c: f1_score(y_test, LogisticRegression(C=c).fit(X_train, y_train).predict(X_test)) for c in (0.1, 1)}
        best = sorted(scores.items(), key=lambda kv: kv[1])[-1]
    """) == [(3, "EVAL-test-set-selection")]


def test_printing_test_scores_in_a_loop_is_not_selection() -> None:
    assert signals("""
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        for c in (0.1, 1):
            model = LogisticRegression(C=c).fit(X_train, y_train)
            print(c, accuracy_score(y_test, model.predict(X_test)))
    """) == []


def test_refit_after_reporting_is_fine_refit_before_is_not() -> None:
    body = """
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        model = LogisticRegression()
        model.fit(X_train, y_train)
        print(accuracy_score(y_test, model.predict(X_test)))
        model.fit(X, y)
    """
    assert signals(body) == []
    assert signals(body.rstrip(" ") + "        print(model.score(X_test, y_test))\n") == [(5, "EVAL-refit-includes-test")]


def test_train_scores_next_to_cross_validation_are_fine() -> None:
    assert signals("""
        from sklearn.model_selection import cross_val_score
        model = LogisticRegression().fit(X, y)
        print(model.score(X, y), cross_val_score(LogisticRegression(), X, y, cv=5).mean())
    """) == []
    assert signals("""
        model = LogisticRegression().fit(X, y)
        print(model.score(X, y))
    """) == [(2, "EVAL-train-set-scoring")]


def test_a_rebound_name_loses_its_old_type() -> None:
    body = """
        scaler = MinMaxScaler()
        scaler = {rebound}
        scaler.fit(X)
        X_train, X_test, y_train, y_test = train_test_split(X, y)
    """
    assert signals(body.format(rebound="MinMaxScaler()")) == [(3, "EVAL-leakage-preprocessing-before-split")]
    # rebound to something unknown: no longer known to be a scaler fitted before the split
    assert signals(body.format(rebound="load_transformer('a.pkl')")) == []


def test_types_are_those_bound_at_the_call_not_at_the_end_of_the_file() -> None:
    body = """
        def prepare(X, prep: MinMaxScaler):
            prep.fit(X)
        X_train, X_test, y_train, y_test = train_test_split(X, y)
        prep = {later}
        prep.fit(X_train)
    """
    assert signals(body.format(later="MinMaxScaler()")) == [(2, "EVAL-leakage-preprocessing-before-split")]
    assert signals(body.format(later="LogisticRegression()")) == [(2, "EVAL-leakage-preprocessing-before-split")]


def test_match_and_except_star_blocks_are_followed() -> None:
    assert signals("""
        match mode:
            case "minmax":
                scaler = MinMaxScaler()
                scaler.fit(X)
        X_train, X_test, y_train, y_test = train_test_split(X, y)
    """) == [(4, "EVAL-leakage-preprocessing-before-split")]
    assert signals("""
        try:
            pass
        except* ValueError:
            MinMaxScaler().fit(X)
        X_train, X_test, y_train, y_test = train_test_split(X, y)
    """) == [(4, "EVAL-leakage-preprocessing-before-split")]


def test_a_file_without_fit_or_split_is_not_followed_and_has_no_signal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The engine follows the flow only in files holding a gate word (fit, train_test_split)."""
    from proofolio.detectors import engine
    from proofolio.detectors.support.evaluation_flow import FlowTracker

    built: list[object] = []

    def counting(ctx: FileContext) -> FlowTracker:
        built.append(ctx)
        return FlowTracker(ctx)

    monkeypatch.setattr(engine, "FlowTracker", counting)

    def detected(source: str) -> list[str]:
        found, problems = detect_file(read_document("m.py", source.encode()), REGISTRY.file_detectors(), "r", None)
        assert not problems
        return [e.detector for e in found if e.detector in SIGNALS]

    metric_only = "from sklearn.metrics import accuracy_score\nprint(accuracy_score(y_true, y_pred))\n"
    assert detected(metric_only) == [] and built == []
    assert detected("from sklearn.svm import SVC\nSVC().fit(X, y)\n") == [] and len(built) == 1  # gate word: followed
    f = flow("""
        print(accuracy_score(y_true, y_pred))
    """)
    assert f.metrics and not f.fits  # a context built by hand is followed in full


def test_signals_carry_severity_and_remediation() -> None:
    metas = {m.id: m for m in REGISTRY.metas()}
    assert {i: metas[i].severity.value for i in SIGNALS} == {  # type: ignore[union-attr]
        "EVAL-leakage-preprocessing-before-split": "low", "EVAL-test-set-selection": "high",
        "EVAL-refit-includes-test": "high", "EVAL-train-set-scoring": "high"}
    assert metas["SE-no-random-seed"].severity.value == "info"  # type: ignore[union-attr]
    assert all(metas[i].remediation for i in (*SIGNALS, "SE-no-random-seed"))
    assert all(m.severity is None for m in metas.values() if m.id not in (*SIGNALS, "SE-no-random-seed"))


# --------------------------------------------------------------------------- radon values on PY evidence
def test_python_evidence_shows_radon_complexity_and_maintainability() -> None:
    source = textwrap.dedent('''
        def grade(score):
            if score > 90:
                return "A"
            elif score > 80:
                return "B"
            for bonus in range(3):
                if score + bonus > 80:
                    return "B-"
            return "C"


        def add(a, b):
            return a + b
    ''').lstrip()
    document = read_document("grades.py", source.encode())
    found, _ = detect_file(document, REGISTRY.file_detectors(), "r", None)
    [item] = [e for e in found if e.detector == "PY-functions-classes"]
    assert (item.value("cc_max"), item.value("cc_max_block"), item.value("cc_average")) == ("5", "grade", "3.0")
    assert item.value("mi_rank") == "A" and 0 < int(item.value("mi") or 0) <= 100


def test_radon_maintainability_is_skipped_for_data_like_files() -> None:
    from proofolio.detectors.support.code_metrics import code_metrics

    rows = ",\n".join(f"    ({i}, {i * 2}, 'row{i}')" for i in range(200))
    data = read_document("table.py", f"ROWS = [\n{rows}\n]\n\n\ndef first():\n    return ROWS[0]\n".encode())
    keys = [k for k, _ in code_metrics(data)]
    assert "cc_max" in keys and "mi" not in keys
    notebook = read_document("n.ipynb", b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert code_metrics(notebook) == ()


# --------------------------------------------------------------------------- tutorial datasets
def test_data_loading_names_tutorial_datasets_from_loader_or_path() -> None:
    from support import ROOT

    path = ROOT / "fixtures" / "detectors" / "PRE-data-loading" / "positive.py"
    document = read_document("positive.py", path.read_bytes())
    found, _ = detect_file(document, REGISTRY.file_detectors(), "r", None)
    datasets = [(e.location.line, e.value("dataset")) for e in found if e.detector == "PRE-data-loading"]
    assert datasets == [(9, None), (10, "Titanic"), (11, "Iris"), (12, "California housing"), (13, "MNIST"),
                        (14, "Fashion-MNIST"), (15, "IMDB"), (16, "Tips"), (17, None)]


def test_tutorial_names_match_whole_words() -> None:
    from proofolio.detectors.support.tutorial_datasets import tutorial_dataset

    assert [tutorial_dataset(t) for t in ("winequality-red.csv", "swine_flu.csv", "load_breast_cancer", "cifar10",
                                          "CIFAR100", "data/virus.csv", "sales_2023.csv", "rotten_tomatoes",
                                          "glue/sst2", "ag_news", "tomatoes_rotten_prices.csv")] == [
        "Wine", None, "Breast cancer", "CIFAR-10", "CIFAR-100", None, None, "Rotten Tomatoes", "SST-2", "AG News", None]


def test_maintainability_from_the_parsed_tree_tracks_radon_mi() -> None:
    """Our single-parse MI stays within a few points of `radon mi` on real modules."""
    from pathlib import Path

    from radon.metrics import mi_visit

    from proofolio.detectors.support.code_metrics import code_metrics

    root = Path(__file__).resolve().parents[2] / "examples" / "portfolio"
    files = sorted(root.glob("*/src/*/*.py")) + sorted(root.glob("*/*.py"))
    assert len(files) >= 5
    for path in files:
        ours = dict(code_metrics(read_document(path.name, path.read_bytes())))
        assert abs(int(ours["mi"]) - mi_visit(path.read_text(), True)) <= 5, path


def test_lines_named_in_values_are_cell_lines_in_notebooks() -> None:
    """`split_line` points where a reader looks: inside the split's cell, which `split_cell` names."""
    import json

    cells = ["import pandas as pd\nfrom sklearn.preprocessing import StandardScaler\ndf = pd.read_csv('a.csv')",
             "X = StandardScaler().fit_transform(df[['a', 'b']])\ny = df['y']",
             "from sklearn.model_selection import train_test_split\n\nX_train, X_test, y_train, y_test = train_test_split(X, y)"]
    nb = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": i}
                    for i, c in enumerate(cells)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    as_notebook = read_document("n.ipynb", json.dumps(nb).encode())
    as_module = read_document("m.py", "\n".join(cells).encode())
    found = {}
    for document in (as_notebook, as_module):
        evidence, _ = detect_file(document, REGISTRY.file_detectors(), "r", None)
        leak = [e for e in evidence if e.detector == "EVAL-leakage-preprocessing-before-split"]
        assert len(leak) == 1
        found[document.path] = (leak[0].location.cell, leak[0].location.line, leak[0].value("split_line"), leak[0].value("split_cell"))
    assert found == {"n.ipynb": (1, 1, "3", "2"), "m.py": (None, 4, "8", None)}


def test_a_cut_of_shuffled_rows_is_said_to_be_a_random_hold_out() -> None:
    """EVAL-holdout-slices claims a time-ordered split unless the rows were shuffled first (then order=shuffled)."""
    source = textwrap.dedent("""
        import random
        names = ["a", "b"]
        random.shuffle(names)
        train, test = series[:80], series[80:]
        random.shuffle(rows)
        train_rows, test_rows = rows[:80], rows[80:]
        df = df.sample(frac=1).reset_index(drop=True)
        train_df, test_df = df.iloc[:80], df.iloc[80:]
    """).lstrip("\n")
    evidence, _ = detect_file(read_document("a.py", source.encode()), REGISTRY.file_detectors(), "r", None)
    found = [(e.location.line, e.value("sliced"), e.value("order")) for e in evidence if e.detector == "EVAL-holdout-slices"]
    assert found == [(4, "series", None), (6, "rows", "shuffled"), (8, "df", "shuffled")]


def test_reported_metrics_quote_the_line_that_printed_them() -> None:
    """The evidence points at the line that shows the figures, not at the cell's first line (often an import)."""
    from support import ROOT

    path = ROOT / "fixtures" / "detectors" / "EVAL-reported-metrics" / "positive_validation_log.ipynb"
    evidence, _ = detect_file(read_document(path.name, path.read_bytes()), REGISTRY.file_detectors(), "r", None)
    quoted = [(e.location.cell, e.location.line, e.snippet) for e in evidence if e.detector == "EVAL-reported-metrics"]
    assert quoted == [(0, 2, "model.fit(X, y, epochs=1, validation_split=0.2)  # [expect: EVAL-reported-metrics]"),
                      (1, 3, "print(f'accuracy: {acc:.3f}')  # [expect: EVAL-reported-metrics]")]
