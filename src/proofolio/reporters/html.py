"""The HTML report: one self-contained page a recruiter opens offline, and the PDF's source.

Everything is inline (CSS, SVG chart, highlighted snippets); the page makes no request and
carries a Content-Security-Policy that forbids scripts, so even a mistake in escaping could not
run anything. Candidate-controlled text reaches the page only through Jinja2's autoescaping or
through Pygments (which escapes the code it highlights); links are built only from http(s)
URLs (``links.permalink`` / ``safe_href``), never from a ``javascript:`` string.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from proofolio.links import commit_url, display_location, permalink, repo_url
from proofolio.models import Evidence, Level, Location, Problem, Result, SkillAssessment, SourceInfo
from proofolio.reporters._text import visible
from proofolio.reporters.json_report import sources_by_name
from proofolio.reporters.markdown import LEVEL_TEXT, MAX_SNIPPET_LINES, METHOD_PLAIN, NOT_ANALYSED, not_assessed

if TYPE_CHECKING:  # jinja2 and pygments load with the first HTML report, not with every command
    from jinja2 import Environment

__all__ = ["CSP", "PAGE_SIZES", "render_html", "safe_href"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
PAGE_SIZES = ("A4", "Letter")
LEVEL_COLOR: dict[Level, str] = {
    Level.NOT_ASSESSED: "#9aa0a6",
    Level.NONE: "#c5221f",
    Level.EMERGING: "#e37400",
    Level.DEMONSTRATED: "#1a73e8",
    Level.STRONG: "#188038",
}
_HL_CLASS = "hl"
_URL_SAFE = "/?#@!$&*+,;=%-._~:"


def safe_href(url: str | None) -> str | None:
    """An http(s) URL fit for ``href`` (spaces, quotes, brackets encoded), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=_URL_SAFE)


@cache
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass=_HL_CLASS, nowrap=False, style="friendly")


@cache
def _pygments_css() -> str:
    return str(_formatter().get_style_defs(f".{_HL_CLASS}"))


def highlight_snippet(code: str) -> Markup:
    """Python-highlighted HTML; Pygments escapes ``<``, ``&`` and quotes in the code."""
    body = visible(code.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
    lines = body.split("\n")
    if len(lines) > MAX_SNIPPET_LINES:
        hidden = len(lines) - MAX_SNIPPET_LINES
        lines = lines[:MAX_SNIPPET_LINES] + [f"# … {hidden} more line{'s' if hidden != 1 else ''}"]
    from pygments import highlight
    from pygments.lexers import PythonLexer

    return Markup(highlight("\n".join(lines), PythonLexer(), _formatter()))


@dataclass(frozen=True, slots=True)
class _Bar:
    name: str
    level: str
    score: str
    width: float
    color: str
    y: int
    anchor: str


def _anchor(skill_id: str) -> str:
    return "skill-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in skill_id)


def _chart(result: Result) -> dict[str, Any]:
    row, bar_max = 26, 320.0
    bars = [
        _Bar(
            name=visible(a.name),
            level=LEVEL_TEXT[a.level],
            score="—" if a.level == Level.NOT_ASSESSED else str(a.score),
            width=0.0 if a.level == Level.NOT_ASSESSED else round(bar_max * max(0, min(100, a.score)) / 100, 1),
            color=LEVEL_COLOR[a.level],
            y=10 + i * row,
            anchor=_anchor(a.skill),
        )
        for i, a in enumerate(result.assessments)
    ]
    label_width = 250
    return {"bars": bars, "height": 20 + row * len(bars), "label_width": label_width, "bar_max": bar_max,
            "width": label_width + int(bar_max) + 160}


def _evidence(ev: Evidence, sources: dict[str, SourceInfo], multi_repo: bool) -> dict[str, Any]:
    facts = [f"{ev.confidence.value} confidence"]
    if ev.authored_share is not None:
        facts.append(f"{round(ev.authored_share * 100)}% of the file written by the candidate")
    return {
        "where": visible(display_location(ev.location, with_repo=multi_repo)),
        "href": safe_href(permalink(ev.location, sources.get(ev.location.repo))),
        "detector": ev.detector,
        "facts": facts,
        "pairs": [(visible(k), visible(v)) for k, v in ev.values],
        "snippet": highlight_snippet(ev.snippet) if ev.snippet.strip() else None,
        "severity": ev.severity.value if ev.severity else None,
        "remediation": visible(ev.remediation) if ev.remediation else None,
        "commit": ev.location.commit,
    }


def _skill(a: SkillAssessment, sources: dict[str, SourceInfo], multi_repo: bool, max_evidence: int) -> dict[str, Any]:
    negatives = [e for e in a.evidence if e.severity is not None]
    positives = [e for e in a.evidence if e.severity is None][:max_evidence]
    return {
        "id": a.skill,
        "anchor": _anchor(a.skill),
        "name": visible(a.name),
        "level": LEVEL_TEXT[a.level],
        "level_key": a.level.value,
        "color": LEVEL_COLOR[a.level],
        "score": None if a.level == Level.NOT_ASSESSED else a.score,
        "reason": visible(a.reason),
        "caveats": [visible(c) for c in a.caveats],
        "evidence": [_evidence(e, sources, multi_repo) for e in positives],
        "negatives": [_evidence(e, sources, multi_repo) for e in negatives],
        "evidence_count": a.evidence_count,
        "hidden": max(0, a.evidence_count - len(positives) - len(negatives)),
        "detectors": list(a.detectors),
        "tags": [(visible(t), n) for t, n in a.tags],
    }


def _source(s: SourceInfo) -> dict[str, Any]:
    return {
        "name": visible(s.name),
        "kind": s.kind,
        "href": safe_href(repo_url(s)),
        "commit": s.commit,
        "commit_href": safe_href(commit_url(s)),
        "branch": visible(s.branch) if s.branch else None,
        "files": s.files_analyzed,
        "commits": s.commits,
        "candidate": visible(s.candidate) if s.candidate else None,
        "dirty": s.dirty,
    }


def _projects(result: Result, sources: dict[str, SourceInfo]) -> list[dict[str, Any]]:
    """One entry per source with its workflows (notebooks/scripts and their stages in order)."""
    projects = []
    for s in result.sources:
        flows = []
        for w in (w for w in result.workflows if w.repo == s.name):
            stages = [
                {
                    "stage": st.stage,
                    "where": visible(display_location(st.location)),
                    "href": safe_href(permalink(st.location, sources.get(st.location.repo))),
                    "detector": st.detector,
                }
                for st in w.stages
            ]
            flows.append({"path": visible(w.path), "in_order": w.in_order, "stages": stages})
        projects.append({"name": visible(s.name), "workflows": flows})
    return projects


def _problems(result: Result, max_problems: int) -> dict[str, Any]:
    kinds = Counter(p.kind for p in result.problems)
    rows = [
        {
            "repo": visible(p.repo),
            "where": visible(display_location(_problem_location(p))),
            "kind": p.kind,
            "reason": visible(p.reason),
        }
        for p in result.problems[:max_problems]
    ]
    return {"rows": rows, "total": len(result.problems), "hidden": max(0, len(result.problems) - max_problems),
            "kinds": sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))}


def _problem_location(p: Problem) -> Location:
    return Location(p.repo, None, p.path, p.line, None, p.cell)


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("proofolio.reporters", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def html_context(result: Result, *, page_size: str = "A4", max_evidence: int = 5, max_problems: int = 50) -> dict[str, Any]:
    """Everything the template shows, already made visible and link-safe."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"unknown page size {page_size!r}; choose one of: {', '.join(PAGE_SIZES)}")
    sources = sources_by_name(result)
    multi_repo = len({s.name for s in result.sources}) > 1
    t = result.taxonomy
    return {
        "csp": CSP,
        "title": f"proofolio report: {visible(result.target)}",
        "target": visible(result.target),
        "tool_version": result.tool_version,
        "generated_at": result.generated_at,
        "taxonomy": {"name": visible(t.name), "version": visible(t.version), "source": visible(t.source), "sha256": t.sha256},
        "sources": [_source(s) for s in result.sources],
        "chart": _chart(result),
        "skills": [_skill(a, sources, multi_repo, max_evidence) for a in result.assessments],
        "projects": _projects(result, sources),
        "problems": _problems(result, max_problems),
        "method": METHOD_PLAIN,
        "not_analysed": NOT_ANALYSED,
        "not_assessed": [(visible(n), visible(r)) for n, r in not_assessed(result)],
        "stats": sorted(result.stats.items()),
        "pygments_css": Markup(_pygments_css()),
        "page_size": page_size,
    }


def render_html(result: Result, *, page_size: str = "A4", max_evidence: int = 5, max_problems: int = 50) -> str:
    """The full HTML page, ending with one newline."""
    context = html_context(result, page_size=page_size, max_evidence=max_evidence, max_problems=max_problems)
    return _environment().get_template("report.html.j2").render(**context).rstrip("\n") + "\n"
