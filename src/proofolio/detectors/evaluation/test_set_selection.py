"""EVAL-test-set-selection: a model, threshold or hyperparameter chosen by its score on the test set."""

from __future__ import annotations

import ast

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import keyword_value
from proofolio.detectors.support.evaluation_flow import evaluation_flow, is_preprocessor
from proofolio.models import Confidence, Severity


class TestSetSelection(FileDetector):
    __test__ = False  # not a pytest class
    meta = DetectorMeta(
        id="EVAL-test-set-selection",
        skill="model_evaluation",
        title="Negative signal (high): model or threshold selected on the test set",
        what=(
            "A comparison (`if score > best`) or a selection (max/argmax/idxmax/sorted) over scores computed on the "
            "test part of a train_test_split, e.g. a loop over models, hyperparameters or thresholds that keeps the "
            "best test score; a tuning objective (Optuna study.optimize, hyperopt fmin, scikit-optimize, "
            "bayes_opt) that returns a test-set score; any model or search fitted on the test part "
            "(`grid.fit(X_test, y_test)`); and a Keras fit that watches the test part as validation_data with "
            "EarlyStopping or ModelCheckpoint callbacks (the epoch kept is the one best on the test set)."
        ),
        why=(
            "A score used to choose is no longer an unbiased estimate: the reported test result is optimistic, often "
            "by a lot on small data. Reviewers treat it as the most serious evaluation mistake."
        ),
        example='''
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
X_train, X_test, y_train, y_test = train_test_split(X, y)
for k in range(1, 20):
    knn = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)
    acc = accuracy_score(y_test, knn.predict(X_test))
    if acc > best_acc:                                      # detected
        best_acc, best_k = acc, k
''',
        not_detected=(
            "Selection on a validation split (names with val/dev, or a split of the training data), cross-validated "
            "search, and loops that only print test scores without choosing."
        ),
        severity=Severity.HIGH,
        remediation="Choose on a validation split or with cross-validation; touch the test set once, for the final score.",
    )

    flow_gate = ("train_test_split", "load_data")  # no split (no fit) in the file: nothing to look at

    def finish(self, ctx: FileContext) -> None:
        if not self.sees_flow(ctx):
            return
        flow = evaluation_flow(ctx)
        for node, metric_line in flow.selections:
            ctx.emit(self.meta, node, Confidence.HIGH, (("kind", "selection"), *ctx.position_values("test_metric", metric_line)))
        for fit in flow.fits:
            if fit.role == "test" and not is_preprocessor(fit.receiver_type):
                ctx.emit(self.meta, fit.node, Confidence.HIGH, (("kind", "fit on test"),))
            elif fit.validation_role == "test" and _keeps_best_epoch(fit.node, ctx):
                ctx.emit(self.meta, fit.node, Confidence.HIGH, (("kind", "epochs chosen on test"),))
        maximised = {name for name, _call in flow.objectives}
        for function, node, metric_line in flow.test_returns:
            if function in maximised:  # the tuner keeps the parameters with the best test score
                ctx.emit(self.meta, node, Confidence.HIGH,
                         (("kind", "tuning objective"), ("objective", function), *ctx.position_values("test_metric", metric_line)))


_EPOCH_KEEPERS = ("EarlyStopping", "ModelCheckpoint")


def _keeps_best_epoch(fit: ast.Call, ctx: FileContext) -> bool:
    """Whether a fit's callbacks stop or checkpoint on its validation score: EarlyStopping, ModelCheckpoint
    (built in the list or named: `callbacks=[early_stop]`)."""
    callbacks = keyword_value(fit, "callbacks")
    if callbacks is None:
        return False
    elements = callbacks.elts if isinstance(callbacks, (ast.List, ast.Tuple)) else [callbacks]
    for element in elements:
        if isinstance(element, ast.Call):
            name = ctx.call_target(element).qualified or ""
        else:
            name = ctx.expression_type(element) or ""
        if name.rsplit(".", 1)[-1] in _EPOCH_KEEPERS:
            return True
    return False
