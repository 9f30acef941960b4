"""The evaluation report as plain text (make eval) or Markdown (docs/eval.md)."""

from __future__ import annotations

from proofolio.evaluation.runner import Report, Targets


def _rows(report: Report) -> list[tuple[str, int, int, int, int, str, str]]:
    rows = []
    for skill, c in report.per_skill.items():
        rows.append((skill, c.tp, c.fp, c.fn, c.tn, f"{c.precision:.2f}", f"{c.recall:.2f}"))
    t = report.total
    rows.append(("all skills", t.tp, t.fp, t.fn, t.tn, f"{t.precision:.3f}", f"{t.recall:.3f}"))
    return rows


def _summary(report: Report, targets: Targets) -> list[str]:
    hit, cites = report.cites
    found, signals = report.signals
    clean, controls = report.controls
    unexpected = sum(len(p.unexpected_signals) for p in report.projects)
    failures = report.failures(targets)
    return [
        f"projects: {len(report.projects)}, (project, skill) pairs: {sum(len(p.expected.skills) for p in report.projects)}",
        f"location hit rate: {hit}/{cites} = {hit / cites if cites else 1:.2f}",
        f"labelled negative signals found: {found}/{signals}; unexpected negative signals: {unexpected}",
        f"negative controls clean: {clean}/{controls}",
        f"labelled strong reached strong: {report.strong_reached}/{report.strong_labels}",
        f"targets (precision >= {targets.precision}, recall >= {targets.recall}, controls clean, signals found): "
        + ("met" if not failures else "MISSED: " + "; ".join(failures)),
    ]


def _misses(report: Report) -> list[str]:
    return [m for p in report.projects for m in (*p.misses, *p.unexpected_signals)]


def render_text(report: Report, targets: Targets) -> str:
    lines = [f"{'skill':<22} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} {'precision':>9} {'recall':>7}"]
    for skill, tp, fp, fn, tn, precision, recall in _rows(report):
        lines.append(f"{skill:<22} {tp:>3} {fp:>3} {fn:>3} {tn:>3} {precision:>9} {recall:>7}")
    lines += ["", *_summary(report, targets), ""]
    misses = _misses(report)
    lines.append(f"misses ({len(misses)}):" if misses else "misses: none")
    lines += [f"  - {m}" for m in misses]
    return "\n".join(lines)


def render_markdown(report: Report, targets: Targets) -> str:
    lines = ["| skill | TP | FP | FN | TN | precision | recall |", "|---|--:|--:|--:|--:|--:|--:|"]
    for skill, tp, fp, fn, tn, precision, recall in _rows(report):
        lines.append(f"| {skill} | {tp} | {fp} | {fn} | {tn} | {precision} | {recall} |")
    lines += ["", *(f"- {line}" for line in _summary(report, targets)), ""]
    misses = _misses(report)
    lines.append("Misses:" if misses else "Misses: none.")
    lines += [f"- {m}" for m in misses]
    return "\n".join(lines)
