"""EVAL-reported-metrics: metric values printed in a notebook's stored outputs."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import cell_span, first_code_line
from proofolio.models import Confidence

# metric name (normalised key) → pattern of its spellings
_METRICS: tuple[tuple[str, str], ...] = (
    ("roc_auc", r"roc[ _-]?auc|auc[ _-]?roc|auc"),
    ("accuracy", r"balanced[ _-]accuracy|accuracy|acc"),
    ("precision", r"precision"),
    ("recall", r"recall|sensitivity"),
    ("f1", r"f1(?:[ _-]?score)?|f[ _-]score"),
    ("rmse", r"rmse|root mean squared error"),
    ("mse", r"mse|mean squared error"),
    ("mae", r"mae|mean absolute error"),
    ("mape", r"mape"),
    ("r2", r"r2(?:[ _-]?score)?|r²|r\^2|r-squared|r squared"),
    ("log_loss", r"log[ _-]?loss|cross[ _-]?entropy"),
    ("mcc", r"mcc|matthews"),
    ("silhouette", r"silhouette(?:[ _-]score)?"),
    ("perplexity", r"perplexity"),
    ("bleu", r"bleu"),
)
_ALTERNATIVES = "|".join(f"(?P<{key}>{pattern})" for key, pattern in _METRICS)
# `accuracy: 0.87`, `ROC AUC = 0.840`, `F1 (churn): 0.72`, `val_accuracy: 0.9123`, `R2 score: 81.2%`
_METRIC_VALUE = re.compile(
    rf"(?<![\w])(?:val_|test_|train_)?(?:{_ALTERNATIVES})(?![\w])[^:=\n\d]{{0,25}}[:=][ \t]*[-+]?(?:\d+\.\d+|\.\d+|\d+)(?:[ \t]*%)?",
    re.IGNORECASE,
)
_REPORT = re.compile(r"precision\s+recall\s+f1-score\s+support", re.IGNORECASE)
# A line of a training log: Keras' progress bar (`1875/1875 [====] - loss: 0.40 - accuracy: 0.91`), `Epoch 3/10 ...`.
# Without `val_` its figures are measured on the training data while fitting: no evaluation.
_TRAINING_LOG = re.compile(r"\d+/\d+\s*\[|^\s*Epoch\b|\bETA:", re.IGNORECASE)
# A line that prints or computes what a cell shows, to quote instead of its first line (often an import).
_PRODUCES = re.compile(r"\bprint\(|\.evaluate\(|_score\(|classification_report\(|\.score\(|\.fit\(|display\(")


def reported_metrics(text: str) -> tuple[list[str], list[str]]:
    """Metric keys found in printed output, and the output lines they were found on."""
    keys: list[str] = []
    lines: list[str] = []
    if _REPORT.search(text):
        keys.append("classification_report")
        lines.append("classification report")
    if ":" not in text and "=" not in text:  # every metric value follows one: no scan of plain output
        return keys, lines
    for match in _METRIC_VALUE.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        line = text[start : end if end != -1 else len(text)].strip()
        if _TRAINING_LOG.search(line) and "val_" not in line.lower():
            continue  # training figures printed while fitting
        key = next(k for k, v in match.groupdict().items() if v is not None)
        if key not in keys:
            keys.append(key)
        if line not in lines:
            lines.append(line)
    return keys, lines


class ReportedMetrics(FileDetector):
    meta = DetectorMeta(
        id="EVAL-reported-metrics",
        skill="model_evaluation",
        title="Reports metric values in executed notebook outputs",
        what=(
            "A notebook code cell whose stored printed output shows metric values (`accuracy: 0.87`, "
            "`ROC AUC = 0.84`, `val_loss ... val_accuracy: 0.91`, RMSE, MAE, R², F1 ...) or a scikit-learn "
            "classification report. One evidence per cell, from its last line that prints or computes the result "
            "(else its first code line) to its end; the value `output` quotes the printed metric lines."
        ),
        why="Numbers actually produced and shown — not only code that could compute them — let a reader check the claimed results.",
        example='''
[code cell]  print(f"accuracy: {accuracy_score(y_test, y_pred):.2f}")
[output]     accuracy: 0.79                 <- detected
''',
        not_detected=(
            "Bare numbers with no metric name (a cell whose last expression is accuracy_score(...) shows just "
            "0.79), metrics shown only in plots or HTML tables, cells that were not run, and training logs "
            "(Keras progress lines, `Epoch n/m` lines) without validation figures."
        ),
        scope="notebook",
    )

    def finish(self, ctx: FileContext) -> None:
        notebook = ctx.document.notebook
        if notebook is None:
            return
        for cell in notebook.code_cells:
            if not cell.outputs.text:
                continue
            keys, lines = reported_metrics(cell.outputs.text)
            if not keys:
                continue
            first, last = cell_span(ctx.document, cell)
            start, text = _producing_line(ctx.document.lines, first, last) or first_code_line(ctx.document, first, last)
            values = (("metrics", ",".join(keys)), ("output", " | ".join(lines[:4])[:300]))
            ctx.emit(self.meta, None, Confidence.MEDIUM, values, line=start, end_line=last, snippet=text)


def _producing_line(lines: list[str], first: int, last: int) -> tuple[int, str] | None:
    """(line, text) of the cell's last line that prints or computes a result (`print(f"AUC: {auc:.3f}")`):
    where the evidence points, rather than the cell's first line (often an import)."""
    for number in range(min(last, len(lines)), first - 1, -1):
        text = lines[number - 1].strip()
        if text and not text.startswith("#") and _PRODUCES.search(text):
            return number, text
    return None
