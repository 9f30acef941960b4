"""EVAL-leakage-preprocessing-before-split: a transformer fitted on all the data, then split."""

from __future__ import annotations

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support.evaluation_flow import evaluation_flow, is_preprocessor
from proofolio.models import Confidence, Severity


class PreprocessingBeforeSplit(FileDetector):
    meta = DetectorMeta(
        id="EVAL-leakage-preprocessing-before-split",
        skill="model_evaluation",
        title="Negative signal (low): preprocessing fitted on all data before the train/test split",
        what=(
            "A scaler, imputer, encoder, feature selector or vectoriser whose fit/fit_transform reads data that is "
            "later passed to train_test_split (directly or through the names derived from it), earlier in the same "
            "file or notebook in source order."
        ),
        why=(
            "Statistics of the test rows leak into training, so the reported score is slightly optimistic. On "
            "tabular data the effect is usually small (hence low severity), but it shows the candidate has not yet "
            "internalised fit-on-train-only."
        ),
        example='''
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X = StandardScaler().fit_transform(X)                       # detected
X_train, X_test, y_train, y_test = train_test_split(X, y)
''',
        not_detected=(
            "Fits after the split, fits inside a Pipeline evaluated with cross-validation, LabelEncoder on the target, "
            "pandas get_dummies, and transformers fitted on the test part alone (scaler.fit_transform(X_test))."
        ),
        severity=Severity.LOW,
        remediation="Split first, then fit the transformer on the training part only (or put it in a Pipeline).",
    )

    flow_gate = ("train_test_split",)  # no split (no fit) in the file: nothing to look at

    def finish(self, ctx: FileContext) -> None:
        if not self.sees_flow(ctx):
            return
        flow = evaluation_flow(ctx)
        for fit in flow.fits:
            if not is_preprocessor(fit.receiver_type):
                continue
            split = next((s for s in flow.splits if s.line > fit.node.lineno and fit.roots & s.inputs), None)
            if split is not None:
                ctx.emit(
                    self.meta, fit.node, Confidence.HIGH,
                    (("api", f"{fit.receiver_type}.{fit.node.func.attr}"), *ctx.position_values("split", split.line)),  # type: ignore[attr-defined]
                )
