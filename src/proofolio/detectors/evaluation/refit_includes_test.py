"""EVAL-refit-includes-test: a model refitted on data that includes the test set, then scored on it."""

from __future__ import annotations

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support.evaluation_flow import evaluation_flow, is_preprocessor
from proofolio.models import Confidence, Severity


class RefitIncludesTest(FileDetector):
    meta = DetectorMeta(
        id="EVAL-refit-includes-test",
        skill="model_evaluation",
        title="Negative signal (high): model refitted on data including the test set before it is scored",
        what=(
            "After a train_test_split, a model fitted on the unsplit data (the split's inputs) or on data combining "
            "train and test (`pd.concat([X_train, X_test])`), and then used on the test part (predict/score)."
        ),
        why="The model has seen the test rows, so its test score measures memory, not generalisation.",
        example='''
from sklearn.model_selection import train_test_split
from sklearn.metrics import accuracy_score
X_train, X_test, y_train, y_test = train_test_split(X, y)
model.fit(X, y)                                            # detected
print(accuracy_score(y_test, model.predict(X_test)))
''',
        not_detected=(
            "A final refit on all data after the test score was reported (to ship the model), and transformers "
            "(scalers, encoders) refitted on all data."
        ),
        severity=Severity.HIGH,
        remediation="Fit on the training part only; refit on all data only after the test score is final, for deployment.",
    )

    flow_gate = ("train_test_split",)  # no split (no fit) in the file: nothing to look at

    def finish(self, ctx: FileContext) -> None:
        if not self.sees_flow(ctx):
            return
        flow = evaluation_flow(ctx)
        for fit in flow.fits:
            if fit.receiver is None or is_preprocessor(fit.receiver_type):
                continue
            line = fit.node.lineno
            full = fit.role == "full" or any(
                s.line < line and fit.roots and fit.roots <= (s.inputs - set(s.train) - set(s.test)) for s in flow.splits
            )
            if not full:
                continue
            later = [u for u in flow.uses if u.receiver == fit.receiver and u.line > line and u.role == "test"]
            if later:
                ctx.emit(self.meta, fit.node, Confidence.HIGH, ctx.position_values("scored", later[0].line))
