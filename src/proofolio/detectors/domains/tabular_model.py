"""DOM-tabular-model: a supervised model trained on a table the file reads with pandas."""

from __future__ import annotations

import ast

from proofolio.detectors.base import (
    CallTarget,
    DetectorMeta,
    FileContext,
    FileDetector,
    dotted,
)
from proofolio.detectors.support import is_model_type
from proofolio.detectors.support.evaluation_flow import (
    TABLE_READERS,
    UNSUPERVISED_PREFIXES,
    evaluation_flow,
    is_preprocessor,
)
from proofolio.models import Confidence

SUPERVISED_PREFIXES = ("sklearn.", "xgboost.", "lightgbm.", "catboost.", "imblearn.pipeline.")


def _reconstructs(call: ast.Call) -> bool:
    """`autoencoder.fit(X, X)`: the input is its own target, an unsupervised fit."""
    if len(call.args) < 2:
        return False
    first = dotted(call.args[0])
    return first is not None and first == dotted(call.args[1])


class TabularModel(FileDetector):
    meta = DetectorMeta(
        id="DOM-tabular-model",
        skill="domains",
        title="Trains a supervised model on tabular data read with pandas",
        what=(
            "The first fit of a supervised scikit-learn, XGBoost, LightGBM or CatBoost estimator (typed from its "
            "construction) on data derived from a table the file reads (pandas/polars read_csv, read_excel, "
            "read_parquet, read_sql ...), followed through assignments and train_test_split; or XGBoost's, "
            "LightGBM's or CatBoost's own train()/cv() on such data (`lgb.train(params, lgb.Dataset(X, y))`). "
            "Tagged `tabular`."
        ),
        why=(
            "Most industry ML is prediction on tables (churn, credit, demand, pricing); a model trained on a "
            "spreadsheet-like dataset is tabular work even without tabular-specific libraries."
        ),
        example='''
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
df = pd.read_csv("loans.csv")
model = RandomForestClassifier()
model.fit(df[["income", "debt"]], df["default"])   # detected
''',
        not_detected=(
            "Clustering/decomposition, outlier detectors and autoencoders fitted on their own input (unsupervised), statsmodels, models trained on arrays from images or text, "
            "and files that get their table from elsewhere (a helper in another module)."
        ),
    )
    node_types = (ast.Call,)
    flow_gate = ("fit", "lightgbm", "xgboost", "catboost")  # `.fit(` calls, or a boosting library's own train()

    def __init__(self) -> None:
        self.reads_table = False

    def wants_call(self, target: CallTarget) -> bool:
        """Only resolved table readers."""
        return target.qualified in TABLE_READERS and target.confidence is Confidence.HIGH

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if not self.reads_table:
            target = ctx.call_target(node)  # type: ignore[arg-type]
            self.reads_table = target.qualified in TABLE_READERS and target.confidence is Confidence.HIGH

    def finish(self, ctx: FileContext) -> None:
        if not self.reads_table:
            return
        flow = evaluation_flow(ctx)
        for fit in flow.native_fits:
            if fit.from_table:
                ctx.emit(self.meta, fit.node, Confidence.HIGH, (("domain", "tabular"), ("model", fit.receiver_type or "")))
                return
        for fit in flow.fits:
            kind = fit.receiver_type or ""
            if (
                fit.from_table
                and fit.node.func.attr == "fit"  # type: ignore[attr-defined]
                and is_model_type(kind)
                and kind.startswith(SUPERVISED_PREFIXES)
                and not kind.startswith(UNSUPERVISED_PREFIXES)
                and not is_preprocessor(kind)
                and not _reconstructs(fit.node)
            ):
                ctx.emit(self.meta, fit.node, Confidence.HIGH, (("domain", "tabular"), ("model", kind)))
                return
