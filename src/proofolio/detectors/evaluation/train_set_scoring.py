"""EVAL-train-set-scoring: the only reported metric is computed on the training data."""

from __future__ import annotations

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support.evaluation_flow import evaluation_flow
from proofolio.models import Confidence, Severity


class TrainSetScoring(FileDetector):
    meta = DetectorMeta(
        id="EVAL-train-set-scoring",
        skill="model_evaluation",
        title="Negative signal (high): metrics computed on the training data are the only result",
        what=(
            "A scikit-learn metric or model.score/evaluate on the training part of a split, or on exactly the data "
            "the model was fitted on (`model.fit(X, y)` then `accuracy_score(y, model.predict(X))`), in a file with "
            "no metric on held-out data and no cross-validation."
        ),
        why="A training score says how well the model memorised; presented as the result it overstates the model.",
        example='''
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
model = LogisticRegression().fit(X, y)
print(accuracy_score(y, model.predict(X)))                # detected
''',
        not_detected=(
            "Training scores shown next to a test, validation or cross-validated score (a fair over-fitting check), "
            "and clustering metrics (silhouette) that are computed on the training data by design."
        ),
        severity=Severity.HIGH,
        remediation="Report the metric on a held-out test split or with cross-validation, next to the training score.",
    )

    flow_gate = ("fit",)  # no split (no fit) in the file: nothing to look at

    def finish(self, ctx: FileContext) -> None:
        if not self.sees_flow(ctx):
            return
        flow = evaluation_flow(ctx)
        if flow.held_out_metric():
            return
        for metric in flow.metrics:
            if metric.role == "train":
                ctx.emit(self.meta, metric.node, Confidence.HIGH, (("api", metric.api),))
