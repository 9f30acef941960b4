"""The Markdown report: what a recruiter reads on GitHub, in a gist or in a PR comment.

It is a view of the same Result as the JSON report and shows nothing the JSON does not hold.
Every piece of candidate-controlled text (paths, repository names, reasons, values) goes
through ``md_escape`` or into a code span / fenced block sized to its content, so a file named
``<img src=x onerror=alert(1)>.ipynb`` renders as text. Output is deterministic: it follows
the Result's order and never iterates an unordered collection.
"""

from __future__ import annotations

from proofolio.links import commit_url, display_location, permalink, repo_url
from proofolio.models import Evidence, Level, Location, Problem, Result, SkillAssessment, SourceInfo
from proofolio.reporters._text import md_code_span, md_escape, md_fence, md_link
from proofolio.reporters.json_report import sources_by_name

__all__ = ["LEVEL_TEXT", "level_bar", "render_markdown"]

LEVEL_TEXT: dict[Level, str] = {
    Level.NOT_ASSESSED: "not assessed",
    Level.NONE: "none",
    Level.EMERGING: "emerging",
    Level.DEMONSTRATED: "demonstrated",
    Level.STRONG: "strong",
}
BAR_CELLS = 10
MAX_SNIPPET_LINES = 20


def _inline(text: str) -> str:
    """Escape text that sits mid-line (cells, fragments): block markers there are plain text."""
    return md_escape(text, line_start=False)


def level_bar(score: int, cells: int = BAR_CELLS) -> str:
    """``████░░░░░░`` for a 0–100 score, one cell per tenth (rounded half up)."""
    filled = min(cells, max(0, (max(0, min(100, score)) * cells + 50) // 100))
    return "█" * filled + "░" * (cells - filled)


def _level_cell(a: SkillAssessment) -> str:
    if a.level == Level.NOT_ASSESSED:
        return LEVEL_TEXT[a.level]
    return f"{LEVEL_TEXT[a.level]} {level_bar(a.score)}"


def _score_text(a: SkillAssessment) -> str:
    return "—" if a.level == Level.NOT_ASSESSED else str(a.score)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _source_text(s: SourceInfo) -> str:
    name = md_link(_inline(s.name), repo_url(s))
    if s.kind != "git":
        text = f"folder {name}"
    elif s.commit:
        sha = md_link(md_code_span(s.commit[:7]), commit_url(s))
        text = f"{name} at commit {sha}"
        if s.branch:
            text += f" on {md_code_span(s.branch)}"
    else:
        text = f"{name} (no commit)"
    details = [_plural(s.files_analyzed, "file") + " analysed"]
    if s.commits is not None:
        details.append(_plural(s.commits, "commit"))
    if s.candidate:
        details.append(f"authorship computed for {_inline(s.candidate)}")
    if s.dirty:
        details.append("uncommitted changes: evidence in changed files has no link")
    if s.kind != "git" or not s.commit:
        details.append("no commit to pin evidence to")
    return f"{text} ({'; '.join(details)})"


def _intro(result: Result) -> list[str]:
    t = result.taxonomy
    sources = "; ".join(_source_text(s) for s in result.sources) or "none"
    paragraph = (
        f"proofolio {_inline(result.tool_version)} analysed {_inline(result.target)} "
        f"at {_inline(result.generated_at)} against the skill taxonomy "
        f"{_inline(t.name)} {_inline(t.version)} ({_inline(t.source)}, sha256 {md_code_span(t.sha256[:12])}). "
        f"{_plural(len(result.sources), 'source').capitalize()}: {sources}."
    )
    return [f"# proofolio report: {md_escape(result.target)}", "", paragraph, ""]


def _summary(result: Result) -> list[str]:
    lines = ["## Summary", "", "| Skill | Level | Score | Evidence | Why |", "|---|---|---:|---:|---|"]
    for a in result.assessments:
        cells = [_inline(a.name), _level_cell(a), _score_text(a), str(a.evidence_count), _inline(a.reason)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def _evidence_item(ev: Evidence, sources: dict[str, SourceInfo], multi_repo: bool) -> list[str]:
    where = display_location(ev.location, with_repo=multi_repo)
    url = permalink(ev.location, sources.get(ev.location.repo))
    label = md_link(_inline(where), url) if url else md_code_span(where)
    facts = [md_code_span(ev.detector), f"{ev.confidence.value} confidence"]
    if ev.authored_share is not None:
        facts.append(f"{round(ev.authored_share * 100)}% of the file written by the candidate")
    facts.extend(f"{_inline(k)}: {_inline(v)}" for k, v in ev.values)
    if ev.severity is not None:
        lines = [f"- **Negative signal, {ev.severity.value} severity:** {label} — {', '.join(facts)}"]
        if ev.remediation:
            lines += ["", f"  How to fix: {_inline(ev.remediation)}"]
    else:
        lines = [f"- {label} — {', '.join(facts)}"]
    snippet = ev.snippet.strip("\n")
    if snippet.strip():
        snippet_lines = snippet.splitlines()
        if len(snippet_lines) > MAX_SNIPPET_LINES:
            hidden = len(snippet_lines) - MAX_SNIPPET_LINES
            snippet = "\n".join(snippet_lines[:MAX_SNIPPET_LINES] + [f"# … {_plural(hidden, 'more line')}"])
        lines += ["", md_fence(snippet, indent="  "), ""]
    return lines


def _skill_section(
    a: SkillAssessment, sources: dict[str, SourceInfo], multi_repo: bool, max_evidence: int
) -> list[str]:
    title = f"### {md_escape(a.name)} — {LEVEL_TEXT[a.level]}"
    if a.level != Level.NOT_ASSESSED:
        title += f" ({a.score}/100)"
    lines = [title, "", md_escape(a.reason) or "No reason given.", ""]
    if a.caveats:
        lines += ["Caveats:", ""] + [f"- {md_escape(c)}" for c in a.caveats] + [""]
    shown = a.evidence[:max_evidence]
    if shown:
        more = a.evidence_count - len(shown)
        heading = f"Evidence ({len(shown)} of {a.evidence_count}, the rest in the JSON report):" if more > 0 else "Evidence:"
        lines += [heading, ""]
        for ev in shown:
            lines += _evidence_item(ev, sources, multi_repo)
        if lines[-1] != "":
            lines.append("")
    if a.detectors:
        lines += ["Detectors: " + ", ".join(md_code_span(d) for d in a.detectors), ""]
    if a.tags:
        lines += ["Tags: " + ", ".join(f"{_inline(tag)} ({n})" for tag, n in a.tags), ""]
    return lines


def _workflows(result: Result, sources: dict[str, SourceInfo]) -> list[str]:
    """Per project, each notebook/script's ML stages in order of first appearance."""
    lines = ["## Projects and their workflows", ""]
    for s in result.sources:
        lines += [f"### {md_escape(s.name)}", ""]
        flows = [w for w in result.workflows if w.repo == s.name]
        if not flows:
            lines += ["No workflow detected.", ""]
            continue
        for w in flows:
            order = "" if w.in_order else " (stages out of the usual order)"
            lines += [f"{md_code_span(w.path)}{order}:", ""]
            for i, st in enumerate(w.stages, 1):
                where = display_location(st.location)
                url = permalink(st.location, sources.get(st.location.repo))
                label = md_link(_inline(where), url) if url else md_code_span(where)
                lines.append(f"{i}. **{_inline(st.stage)}** — {label} ({md_code_span(st.detector)})")
            lines.append("")
    return lines


def _problem_row(p: Problem) -> str:
    where = display_location(Location(p.repo, None, p.path, p.line, None, p.cell))
    cells = [_inline(p.repo), _inline(where), _inline(p.kind), _inline(p.reason)]
    return "| " + " | ".join(cells) + " |"


def _problems(result: Result, max_problems: int) -> list[str]:
    lines = [f"## Problems ({len(result.problems)})", ""]
    if not result.problems:
        return lines + ["Every file was read and every detector ran.", ""]
    lines += [
        "Files, cells or detectors that could not be handled. They were skipped; the rest of the analysis went on.",
        "",
        "| Repository | Path | Kind | Reason |",
        "|---|---|---|---|",
    ]
    lines += [_problem_row(p) for p in result.problems[:max_problems]]
    hidden = len(result.problems) - max_problems
    if hidden > 0:
        lines += ["", f"…and {_plural(hidden, 'more problem')} in the JSON report."]
    return lines + [""]


METHOD = (
    "proofolio read the code without running or importing it: Python files and notebook code "
    "cells are parsed, calls are resolved through each file's imports, and every piece of evidence "
    "points at the file, line or notebook cell (counted from 1) where it was seen, at the commit "
    "it was seen in. Levels weigh the evidence against the taxonomy's thresholds: **strong**, "
    "**demonstrated** and **emerging** say how much and how convincing the evidence is; **none** "
    "means the skill was looked for and not found; **not assessed** means the analysed code gave "
    "no basis to judge it. Evidence without a link comes from a folder or from uncommitted changes "
    "and cannot be checked against a commit. Static analysis sees what the code does, not whether it "
    "ran or how well it performed."
)

METHOD_PLAIN = METHOD.replace("**", "")
NOT_ANALYSED = (
    "Not analysed: code in languages other than Python, data files, binaries and anything ignored by "
    ".gitignore or skipped as a virtualenv/build folder; repository files (README, CI, Dockerfile, "
    "dependency and licence files) are only looked at by the repository detectors."
)


def not_assessed(result: Result) -> list[tuple[str, str]]:
    """(skill name, reason) for every skill the analysed code gave no basis to judge."""
    return [(a.name, a.reason) for a in result.assessments if a.level == Level.NOT_ASSESSED]


def _method(result: Result) -> list[str]:
    lines = ["## Method", "", METHOD, "", NOT_ANALYSED, ""]
    skipped = not_assessed(result)
    if skipped:
        lines += ["Skills not assessed: " + "; ".join(f"{_inline(n)} ({_inline(r)})" for n, r in skipped) + ".", ""]
    if result.stats:
        counts = " · ".join(f"{_inline(k)} {v}" for k, v in sorted(result.stats.items()))
        lines += [f"Counts: {counts}.", ""]
    return lines


def render_markdown(result: Result, *, max_evidence: int = 5, max_problems: int = 50) -> str:
    """The full Markdown report, ending with one newline."""
    sources = sources_by_name(result)
    multi_repo = len({s.name for s in result.sources}) > 1
    lines = _intro(result) + _summary(result) + ["## Skills", ""]
    for a in result.assessments:
        lines += _skill_section(a, sources, multi_repo, max_evidence)
    lines += _workflows(result, sources) + _problems(result, max_problems) + _method(result)
    return "\n".join(lines).rstrip("\n") + "\n"
