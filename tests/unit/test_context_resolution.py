"""Names are resolved through the file's imports and tracked types, never matched bare.

Each test runs the real registry over a small source and asserts the exact
(line, detector, confidence) triples of the detectors it is about.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from proofolio.detectors.base import FileContext
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.documents import read_document
from proofolio.models import Evidence

REGISTRY = default_registry()


def evidence(source: str, path: str = "analysis.py") -> list[Evidence]:
    document = read_document(path, textwrap.dedent(source).lstrip("\n").encode())
    found, problems = detect_file(document, REGISTRY.file_detectors(), "repo", None)
    assert not problems
    return found


def hits(source: str, *ids: str, path: str = "analysis.py") -> list[tuple[int | None, str, str]]:
    return sorted(
        (e.location.line, e.detector, e.confidence.value) for e in evidence(source, path) if e.detector in ids
    )


def api(source: str, detector_id: str) -> list[tuple[int | None, str | None]]:
    return sorted((e.location.line, e.value("api")) for e in evidence(source) if e.detector == detector_id)


# --------------------------------------------------------------------------- import forms
def test_module_alias() -> None:
    source = """
        import pandas as pd
        df = pd.read_csv("x.csv")
        clean = df.fillna(0)
    """
    assert api(source, "PRE-missing-values") == [(3, "pandas.DataFrame.fillna")]


def test_from_import_with_alias() -> None:
    source = """
        from sklearn.preprocessing import StandardScaler as SS
        scaler = SS()
    """
    assert api(source, "PRE-feature-scaling") == [(2, "sklearn.preprocessing.StandardScaler")]


@pytest.mark.parametrize(
    "header, base",
    [
        ("import torch.nn as nn", "nn.Module"),
        ("from torch import nn", "nn.Module"),
        ("import torch.nn", "torch.nn.Module"),
        ("import torch", "torch.nn.Module"),
        ("from torch.nn import Module as M", "M"),
    ],
)
def test_submodule_imports(header: str, base: str) -> None:
    source = f"""
{header}


class Net({base}):
    def forward(self, x):
        return x
"""
    assert hits(source, "MOD-torch-module") == [(4, "MOD-torch-module", "high")]


def test_package_submodule_alias() -> None:
    source = """
        from sklearn import metrics as m
        import sklearn.model_selection
        m.f1_score(y, p)
        sklearn.model_selection.train_test_split(X, y)
    """
    assert hits(source, "EVAL-metrics", "EVAL-train-test-split") == [
        (3, "EVAL-metrics", "high"),
        (4, "EVAL-train-test-split", "high"),
    ]


def test_imports_inside_functions_and_try_blocks_resolve() -> None:
    source = """
        try:
            import xgboost as xgb
        except ImportError:
            xgb = None


        def train():
            from sklearn.svm import SVC
            return SVC(), xgb.XGBClassifier()
    """
    assert hits(source, "MOD-sklearn-estimator", "MOD-gradient-boosting") == [
        (9, "MOD-gradient-boosting", "high"),
        (9, "MOD-sklearn-estimator", "high"),
    ]


def test_import_without_use_is_no_evidence() -> None:
    source = """
        import pandas as pd
        from sklearn.impute import SimpleImputer
        from sklearn.metrics import accuracy_score
    """
    assert evidence(source) == []


# --------------------------------------------------------------------------- bare names never match
def test_locally_defined_function_is_not_the_library_one() -> None:
    source = """
        def accuracy_score(y_true, y_pred):
            return sum(a == b for a, b in zip(y_true, y_pred)) / len(y_true)


        def fit(X, y):
            return None


        accuracy_score([1], [1])
        fit([[1]], [1])
    """
    # the candidate wrote two functions (Python evidence) and computed accuracy by hand inside one
    # (EVAL-computed-metrics, line 2); the call of their accuracy_score is not scikit-learn's metric
    found = {(e.detector, e.location.line) for e in evidence(source)}
    assert {d for d, _ in found} == {"PY-functions-classes", "EVAL-computed-metrics"}
    assert ("EVAL-computed-metrics", 2) in found


def test_star_import_is_a_medium_confidence_guess() -> None:
    source = """
        from sklearn.metrics import *


        def f1_score(p, r):
            return 2 * p * r / (p + r)


        print(accuracy_score(y, p))
        f1_score(0.5, 0.5)
        len([1])
    """
    found = [e for e in evidence(source) if e.detector == "EVAL-metrics"]
    assert [(e.location.line, e.value("api"), e.confidence.value) for e in found] == [
        (8, "sklearn.metrics.accuracy_score", "medium")
    ]


def test_builtins_are_not_star_imported() -> None:
    source = """
        from sklearn.metrics import *
        print(len(range(3)))
    """
    assert hits(source, "EVAL-metrics") == []


def test_instance_of_a_local_class_never_falls_back_to_method_names() -> None:
    source = """
        import pandas as pd


        class Table:
            def fillna(self, value):
                return self


        table = Table()
        table.fillna(0)
        Table().fillna(0)
    """
    assert hits(source, "PRE-missing-values") == []


# --------------------------------------------------------------------------- tracked types
def test_typed_variable_then_untyped_after_rebinding() -> None:
    source = """
        import pandas as pd
        df = pd.read_csv("x.csv")
        filled = df.fillna(0)
        df = load_somehow()
        filled = df.fillna(0)
    """
    assert hits(source, "PRE-missing-values") == [
        (3, "PRE-missing-values", "high"),
        (5, "PRE-missing-values", "medium"),
    ]


def test_method_on_untyped_receiver_needs_the_package_imported() -> None:
    without_pandas = """
        frame = load()
        filled = frame.fillna(0)
    """
    assert hits(without_pandas, "PRE-missing-values") == []


def test_right_hand_side_is_resolved_before_the_name_is_rebound() -> None:
    source = """
        import pandas as pd
        df = pd.read_csv("x.csv")
        df = clean(df.dropna())
    """
    assert hits(source, "PRE-missing-values") == [(3, "PRE-missing-values", "high")]


def test_methods_returning_the_same_frame_keep_its_type() -> None:
    source = """
        import pandas as pd
        df = pd.read_csv("x.csv").drop_duplicates().reset_index(drop=True)
        total = df["total"].fillna(0)
    """
    assert api(source, "PRE-missing-values") == [(3, "pandas.Series.fillna")]


def test_subplots_tuple_types_figure_and_axes() -> None:
    source = """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.set_title("Tenure")
        fig.suptitle("Overview")
        fig, axes = plt.subplots(1, 2)
        axes[0].set_xlabel("Months")
    """
    assert api(source, "COM-labelled-plots") == [
        (3, "matplotlib.axes.Axes.set_title"),
        (4, "matplotlib.figure.Figure.suptitle"),
        (6, "matplotlib.axes.Axes.set_xlabel"),
    ]


def test_tuple_unpacking_forgets_stale_types() -> None:
    source = """
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.set_title("typed")
        ax, other = make_panels()
        ax.set_title("unknown now")
    """
    assert hits(source, "COM-labelled-plots") == [
        (3, "COM-labelled-plots", "high"),
        (5, "COM-labelled-plots", "medium"),
    ]


def test_annotated_parameters_type_the_argument() -> None:
    source = """
        import pandas as pd


        def clean(df: pd.DataFrame) -> pd.DataFrame:
            return df.dropna()
    """
    assert api(source, "PRE-missing-values") == [(5, "pandas.DataFrame.dropna")]


def test_constructed_instance_types_its_methods() -> None:
    source = """
        from sklearn.linear_model import LogisticRegression
        model = LogisticRegression()
        self_model = model.fit(X, y)
        self_model.score(X_test, y_test)
    """
    assert api(source, "MOD-sklearn-estimator") == [
        (2, "sklearn.linear_model.LogisticRegression"),
        (3, "sklearn.linear_model.LogisticRegression.fit"),
    ]
    # fit returns the estimator: its score is the estimator's (using a model is evaluation, not building)
    assert api(source, "EVAL-metrics") == [(4, "sklearn.linear_model.LogisticRegression.score")]


def test_attribute_targets_are_tracked() -> None:
    source = """
        from sklearn.ensemble import RandomForestClassifier


        class Trainer:
            def __init__(self):
                self.clf = RandomForestClassifier()

            def run(self, X, y):
                self.clf.fit(X, y)
    """
    assert api(source, "MOD-sklearn-estimator") == [
        (6, "sklearn.ensemble.RandomForestClassifier"),
        (9, "sklearn.ensemble.RandomForestClassifier.fit"),
    ]


def test_pandas_plot_accessor_is_typed() -> None:
    source = """
        import pandas as pd
        df = pd.read_csv("x.csv")
        df.plot.bar(x="a", y="b")
        df["a"].plot(kind="hist")
    """
    assert api(source, "EDA-plotting") == [(3, "pandas.DataFrame.plot.bar"), (4, "pandas.Series.plot")]


def test_expression_type_directly() -> None:
    document = read_document("x.py", b"import pandas as pd\ndf = pd.read_csv('x')\n")
    ctx = FileContext(document, "repo", None)
    for statement in document.tree.body[1:]:  # type: ignore[union-attr]
        ctx.note_assignment(statement)  # type: ignore[arg-type]
    assert ctx.variable_types == {"df": "pandas.DataFrame"}


# --------------------------------------------------------------------------- notebooks
def test_notebook_locations_are_cell_and_line_inside_the_cell() -> None:
    def cell(kind: str, text: str) -> dict[str, object]:
        base: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": text}
        if kind == "code":
            base.update(execution_count=None, outputs=[])
        return base

    notebook = {
        "cells": [
            cell("markdown", "# Title"),
            cell("code", "%matplotlib inline\nimport pandas as pd\n!pip install seaborn"),
            cell("markdown", "Load the data."),
            cell("code", "df = pd.read_csv('x.csv')\n\ndf = df.fillna(0)"),
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    document = read_document("nb.ipynb", json.dumps(notebook).encode())
    found, _ = detect_file(document, REGISTRY.file_detectors(), "repo", None)
    located = [(e.location.cell, e.location.line, e.value("api")) for e in found if e.detector == "PRE-missing-values"]
    assert located == [(3, 3, "pandas.DataFrame.fillna")]


# --------------------------------------------------------------------------- calls, not imports (issue 3)
IMPORT_ONLY = """
    import numpy as np
    import pandas as pd
    import matplotlib.pyplot as plt
    import seaborn as sns
    import plotly.express as px
    import scipy.stats as st
    import statsmodels.api as sm
    import xgboost as xgb
    import lightgbm as lgb
    import catboost
    import torch
    import torch.nn as nn
    import torchvision.transforms as T
    import tensorflow as tf
    from tensorflow import keras
    import transformers
    import datasets
    import tokenizers
    import imblearn
    import optuna
    import mlflow
    import wandb
    import joblib
    import pickle
    import fastapi
    import flask
    import streamlit as stl
    import gradio as gr
    import spacy
    import nltk
    import gensim
    import cv2
    from PIL import Image
    import prophet
    import sktime
    from sklearn import preprocessing, impute, pipeline, compose, model_selection, metrics, ensemble, linear_model
"""


def test_importing_every_catalogued_library_without_using_it_is_no_evidence() -> None:
    assert evidence(IMPORT_ONLY) == []


def test_imports_only_notebook_is_no_evidence() -> None:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
            "source": textwrap.dedent(IMPORT_ONLY).strip()}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    assert evidence(json.dumps(notebook), path="imports.ipynb") == []


def test_pandas_methods_count_only_where_the_file_uses_pandas() -> None:
    with_pandas = """
        import pandas as pd
        frame = load()
        age = frame["age"].fillna(0)
        unique = frame.drop_duplicates()
        frame["city"].value_counts()
    """
    assert hits(with_pandas, "PRE-missing-values", "PRE-duplicates-outliers", "EDA-summary-statistics") == [
        (3, "PRE-missing-values", "medium"), (4, "PRE-duplicates-outliers", "medium"), (5, "EDA-summary-statistics", "medium")]
    without = """
        import mylib
        frame = mylib.load()
        age = frame["age"].fillna(0)
        frame.value_counts()
    """
    assert hits(without, "PRE-missing-values", "EDA-summary-statistics") == []


def test_a_name_from_several_star_imports_is_weighed_once_among_the_newest() -> None:
    """Thousands of star imports (hostile) cost no more than a few: few modules weighed, once per name."""
    import ast

    from proofolio.detectors.base import STAR_CANDIDATES

    source = "".join(f"from pkg.m{i} import *\n" for i in range(2_000)) + "accuracy_score(y, p)\n" * 300
    document = read_document("s.py", source.encode())
    asked: list[str] = []
    ctx = FileContext(document, "r", None)
    ctx.knows = lambda name: asked.append(name) or (2 if name == "pkg.m1990.accuracy_score" else 0)
    calls = [node for node in ast.walk(document.tree) if isinstance(node, ast.Call)]
    targets = {ctx.call_target(call).qualified for call in calls}
    assert targets == {"pkg.m1990.accuracy_score"}
    assert len(asked) == STAR_CANDIDATES
    found = evidence("from sklearn.linear_model import *\nfrom sklearn.metrics import *\nf1_score(y, p)\n")
    assert [(e.detector, e.value("api")) for e in found if e.detector == "EVAL-metrics"] == [
        ("EVAL-metrics", "sklearn.metrics.f1_score")]


def test_an_imported_name_rebound_by_the_file_is_no_longer_the_module() -> None:
    source = """
        import numpy as np
        from keras.preprocessing import image

        img = image.load_img("cat.jpg", target_size=(256, 256))
        image = image.img_to_array(img)
        batch = image.reshape(1, 256, 256, 3)
    """
    found = hits(source, "PRE-text-image-preprocessing")
    # load_img and img_to_array are Keras's (lines 4, 5); after line 5 `image` is an array: its reshape is numpy's
    assert [line for line, _, _ in found] == [4, 5]


def test_a_local_of_an_imported_name_inside_a_function_keeps_the_module() -> None:
    source = """
        import pandas as pd
        from sklearn import metrics, svm


        def evaluate(model, X, y):
            metrics = {"acc": model.score(X, y)}
            return metrics


        def load(path):
            pd = path.upper()
            return pd


        df = pd.read_csv("x.csv")
        print(metrics.accuracy_score(y_test, y_pred))
        svm = svm.SVC()
        svm.fit(X_train, y_train)
    """
    # a function's local named like a module rebinds nothing outside it; `svm = svm.SVC()` keeps its type
    assert api(source, "PRE-data-loading") == [(15, "pandas.read_csv")]
    assert api(source, "EVAL-metrics") == [(16, "sklearn.metrics.accuracy_score")]
    assert api(source, "MOD-sklearn-estimator") == [(17, "sklearn.svm.SVC"), (18, "sklearn.svm.SVC.fit")]


def test_methods_on_names_that_merely_contain_pred_are_data() -> None:
    source = """
        import pandas as pd
        predictors = pd.read_csv("x.csv")
        predictors = predictors.fillna(0)
        labels = y_pred.astype(int)
    """
    assert [line for line, _, _ in hits(source, "PRE-missing-values")] == [3]
    assert hits(source, "PRE-type-conversion") == []  # y_pred: a model's output


@pytest.mark.parametrize(
    "source",
    [
        "X_train = X[:" + "+".join(["n"] * 1400) + "]\nX_test = X[" + "+".join(["n"] * 1400) + ":]\n",
        "y = (" + "+".join(["a"] * 1400) + ") / 255\n",
        "y = x" + "[0]" * 1400 + " / 255\n",
    ],
    ids=["long-slice-bound", "long-sum-scaled", "deep-subscript-scaled"],
)
def test_deep_expressions_fail_no_detector(source: str) -> None:
    evidence(source)  # asserts that no detector failed (a RecursionError was one before)


def test_a_pandas_result_thrown_away_changes_nothing() -> None:
    source = """
        import pandas as pd
        df = pd.read_csv("x.csv")
        df.fillna(0)
        df.fillna(0, inplace=True)
        print(df.dropna().shape)
        (df.dropna()
           .to_csv("clean.csv"))
    """
    assert hits(source, "PRE-missing-values") == [(4, "PRE-missing-values", "high"), (5, "PRE-missing-values", "high"),
                                                   (6, "PRE-missing-values", "high")]


def test_a_lone_handler_shows_less_python_than_a_structured_module() -> None:
    handler = """
        from fastapi import FastAPI
        app = FastAPI()
        @app.post("/predict")
        def predict(data: dict):
            return {"ok": True}
    """
    assert hits(handler, "PY-functions-classes", "PY-type-hints") == [
        (4, "PY-functions-classes", "medium"), (4, "PY-type-hints", "low")]
    module = """
        def load(path: str) -> list[str]:
            return open(path).read().split()

        def clean(words: list[str]) -> list[str]:
            return [w.lower() for w in words]

        def main() -> None:
            print(clean(load("a.txt")))
    """
    assert hits(module, "PY-functions-classes", "PY-type-hints") == [
        (1, "PY-functions-classes", "high"), (1, "PY-type-hints", "high")]
