"""Reporters render one hand-built Result: JSON round trip, Markdown safety and shape, terminal text.

``sample_result()`` is realistic on purpose: a GitHub repository pinned to a commit and a plain
folder, a Python file and a notebook cell, every kind of level, a problem, and file names and
snippets written by someone hostile. test_schema.py loads it from here.
"""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from proofolio.models import (
    Confidence,
    Evidence,
    Level,
    Location,
    Problem,
    Result,
    SkillAssessment,
    SourceInfo,
    TaxonomyRef,
)
from proofolio.reporters import FORMATS, SUFFIX_FORMATS, format_for_path, write_report
from proofolio.reporters.json_report import (
    ReportFormatError,
    load_result,
    parse_json,
    render_json,
    result_from_dict,
    result_to_dict,
)
from proofolio.reporters.markdown import level_bar, render_markdown
from proofolio.reporters.terminal import render_terminal

SHA = "3f9a2c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39"
GH = "alice/churn-prediction"
FOLDER = "kaggle-notebooks"
BLOB = f"https://github.com/{GH}/blob/{SHA}"
XSS_LINK = "src/[x](javascript:alert(1)).py"
XSS_IMG = "<img src=x onerror=alert(1)>.ipynb"
SNIPPET_WITH_FENCE = 'doc = """\n```html\n<script>alert(1)</script>\n```\n"""\nscaler.fit(X_train)'


def sample_result() -> Result:
    """A result as the pipeline would produce it, hostile strings included."""
    cv = Evidence(
        detector="EVAL-cross-validation",
        skill="model_evaluation",
        location=Location(GH, SHA, "src/train.py", 12, 14),
        snippet="scores = cross_val_score(\n    model, X, y, cv=5, scoring='roc_auc'\n)",
        confidence=Confidence.HIGH,
        values=(("api", "sklearn.model_selection.cross_val_score"), ("folds", "5")),
        authored_share=0.875,
    )
    report = Evidence(
        detector="EVAL-classification-report",
        skill="model_evaluation",
        location=Location(GH, SHA, "notebooks/churn analysis.ipynb", 3, None, 6),
        snippet="print(classification_report(y_test, y_pred))  # précision",
        confidence=Confidence.MEDIUM,
        values=(("api", "sklearn.metrics.classification_report"),),
    )
    hostile = Evidence(
        detector="PRE-scaler",
        skill="data_preprocessing",
        location=Location(FOLDER, None, XSS_LINK, 4, 9),
        snippet=SNIPPET_WITH_FENCE,
        confidence=Confidence.HIGH,
        values=(("api", "sklearn.preprocessing.StandardScaler"), ("name", "<b>*bold*</b> | [bold]x[/bold]")),
    )
    torch = Evidence(
        detector="DL-torch-training-loop",
        skill="deep_learning",
        location=Location(FOLDER, None, XSS_IMG, 2, None, 0),
        snippet="for epoch in range(10):\n    loss.backward()\n    optimizer.step()",
        confidence=Confidence.LOW,
    )
    assessments = (
        SkillAssessment(
            skill="model_evaluation",
            name="Model evaluation",
            level=Level.STRONG,
            score=85,
            reason="Cross-validation and held-out metrics in 2 files",
            caveats=(),
            evidence=(cv, report),
            evidence_count=7,
            detectors=("EVAL-classification-report", "EVAL-cross-validation"),
            tags=(("tabular", 5), ("classification", 2)),
        ),
        SkillAssessment(
            skill="data_preprocessing",
            name="Data preprocessing",
            level=Level.DEMONSTRATED,
            score=60,
            reason="Scaling in [link](http://evil.example) | **bold** <script>x</script>",
            caveats=("Only tutorial datasets (iris, titanic)", "# not a heading\n- not a list"),
            evidence=(hostile,),
            evidence_count=1,
            detectors=("PRE-scaler",),
        ),
        SkillAssessment(
            skill="deep_learning",
            name="Deep learning",
            level=Level.EMERGING,
            score=30,
            reason="One training loop in a notebook",
            caveats=("Not authored by the candidate: 0% of the file",),
            evidence=(torch,),
            evidence_count=1,
            detectors=("DL-torch-training-loop",),
            tags=(("vision", 1),),
        ),
        SkillAssessment(
            skill="mlops",
            name="MLOps & reproducibility",
            level=Level.NONE,
            score=0,
            reason="No tests, CI, lock file or Dockerfile found",
            caveats=(),
            evidence=(),
            evidence_count=0,
            detectors=(),
        ),
        SkillAssessment(
            skill="nlp",
            name="Natural language processing",
            level=Level.NOT_ASSESSED,
            score=0,
            reason="No text data or NLP libraries in the analysed code",
            caveats=(),
            evidence=(),
            evidence_count=0,
            detectors=(),
        ),
    )
    return Result(
        schema_version="1.0",
        tool_version="0.1.0",
        generated_at="2025-03-14T09:26:53Z",
        target="github:alice",
        taxonomy=TaxonomyRef("default", "1", "a" * 64, "default"),
        sources=(
            SourceInfo(
                name=GH,
                kind="git",
                root="/tmp/proofolio/alice/churn-prediction",
                commit=SHA,
                branch="main",
                remote_url="https://github.com/alice/churn-prediction.git",
                web_url="https://github.com/alice/churn-prediction",
                files_analyzed=12,
                candidate="alice",
                commits=34,
            ),
            SourceInfo(name=FOLDER, kind="folder", root="./kaggle-notebooks", files_analyzed=4),
        ),
        assessments=assessments,
        problems=(
            Problem(FOLDER, "broken|nb.ipynb", "<b>not</b> JSON: Expecting value", "invalid-notebook"),
            Problem(GH, "notebooks/churn analysis.ipynb", "code cell skipped: invalid syntax", "cell-syntax-error", cell=3, line=2),
        ),
        stats={"files": 16, "notebooks": 3, "evidence": 9},
    )


@pytest.fixture
def result() -> Result:
    return sample_result()


# --- JSON ---------------------------------------------------------------------------------


def test_json_shape(result: Result) -> None:
    d = result_to_dict(result)
    assert list(d) == ["schema_version", "tool", "generated_at", "target", "taxonomy", "sources", "assessments", "workflows", "problems", "stats", "digest"]
    assert d["tool"] == {"name": "proofolio", "version": "0.1.0"}
    assert [a["skill"] for a in d["assessments"]] == ["model_evaluation", "data_preprocessing", "deep_learning", "mlops", "nlp"]
    first = d["assessments"][0]
    assert first["tags"] == {"tabular": 5, "classification": 2}
    assert first["evidence"][0] == {
        "detector": "EVAL-cross-validation",
        "skill": "model_evaluation",
        "location": {"repo": GH, "commit": SHA, "path": "src/train.py", "line": 12, "end_line": 14, "cell": None},
        "url": f"{BLOB}/src/train.py#L12-L14",
        "snippet": "scores = cross_val_score(\n    model, X, y, cv=5, scoring='roc_auc'\n)",
        "confidence": "high",
        "values": {"api": "sklearn.model_selection.cross_val_score", "folds": "5"},
        "authored_share": 0.875,
        "severity": None,
        "remediation": None,
        "cited_sha256": None,
    }
    assert first["evidence"][1]["url"] == f"{BLOB}/notebooks/churn%20analysis.ipynb"
    assert d["assessments"][1]["evidence"][0]["url"] is None  # a folder: nothing to pin to
    assert d["problems"][1] == {
        "repo": GH,
        "path": "notebooks/churn analysis.ipynb",
        "kind": "cell-syntax-error",
        "reason": "code cell skipped: invalid syntax",
        "cell": 3,
        "line": 2,
    }
    assert d["sources"][1] == {
        "name": FOLDER, "kind": "folder", "root": "./kaggle-notebooks", "commit": None, "branch": None,
        "remote_url": None, "web_url": None, "dirty": False, "files_analyzed": 4, "candidate": None, "commits": None,
        "fetched_bytes": None,
    }


def test_render_json_text(result: Result) -> None:
    text = render_json(result)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "schema_version": "1.0",\n  "tool": {\n    "name": "proofolio"')
    assert "précision" in text  # ensure_ascii=False
    assert render_json(sample_result()) == text


def test_json_round_trip_is_exact(result: Result) -> None:
    assert result_from_dict(json.loads(render_json(result))) == result
    assert parse_json(render_json(result)) == result


def test_load_result(tmp_path: Path, result: Result) -> None:
    path = write_report(result, "json", tmp_path / "report.json")
    assert load_result(path) == result


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        "[]",
        '{"schema_version": "2.0"}',
        '{"schema_version": "1.0", "tool": {"version": "0.1.0"}}',
    ],
)
def test_unreadable_reports_raise_report_format_error(bad: str) -> None:
    with pytest.raises(ReportFormatError):
        parse_json(bad)


# --- Markdown -----------------------------------------------------------------------------


def outside_code(markdown: str) -> str:
    """The Markdown with fenced blocks and inline code spans removed: what is parsed as markup."""
    kept: list[str] = []
    fence: str | None = None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        match = re.match(r"(`{3,})", stripped)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and stripped.startswith(fence) and not stripped.strip("`"):
            fence = None
        elif fence is None:
            kept.append(re.sub(r"(`+)(.+?)\1", "", line))
    return "\n".join(kept)


def to_html(markdown: str) -> str:
    """HTML as a renderer that lets raw HTML through would produce: the worst case for escaping."""
    html: str = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)
    return html


def test_markdown_summary_rows(result: Result) -> None:
    md = render_markdown(result)
    assert (
        "| Skill | Level | Score | Evidence | Why |\n"
        "|---|---|---:|---:|---|\n"
        "| Model evaluation | strong █████████░ | 85 | 7 | Cross-validation and held-out metrics in 2 files |\n"
        "| Data preprocessing | demonstrated ██████░░░░ | 60 | 1 | Scaling in \\[link\\]\\(http\\://evil.example\\) \\| \\*\\*bold\\*\\* \\<script\\>x\\</script\\> |\n"
        "| Deep learning | emerging ███░░░░░░░ | 30 | 1 | One training loop in a notebook |\n"
        "| MLOps \\& reproducibility | none ░░░░░░░░░░ | 0 | 0 | No tests, CI, lock file or Dockerfile found |\n"
        "| Natural language processing | not assessed | — | 0 | No text data or NLP libraries in the analysed code |\n"
    ) in md


def test_markdown_table_renders_five_columns(result: Result) -> None:
    html = to_html(render_markdown(result))
    summary = html.split("<table>")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", summary, re.S)
    assert len(rows) == 6
    assert all(row.count("<td") == 5 for row in rows[1:])
    assert "<td>Scaling in [link](http://evil.example) | **bold** &lt;script&gt;x&lt;/script&gt;</td>" in summary


def test_markdown_intro_and_sections(result: Result) -> None:
    md = render_markdown(result)
    assert md.startswith("# proofolio report: github:alice\n\n")
    assert f"[alice/churn\\-prediction]" not in md  # '-' mid-text is left alone
    assert f"[alice/churn-prediction](https://github.com/{GH}) at commit [`3f9a2c1`](https://github.com/{GH}/commit/{SHA}) on `main`" in md
    assert "folder kaggle-notebooks (4 files analysed; no commit to pin evidence to)" in md
    assert "### Model evaluation — strong (85/100)" in md
    assert "### Natural language processing — not assessed\n" in md
    assert "Evidence (2 of 7, the rest in the JSON report):" in md
    assert f"- [alice/churn-prediction/src/train.py:12-14]({BLOB}/src/train.py#L12-L14) — `EVAL-cross-validation`, high confidence, 88% of the file written by the candidate" in md
    assert f"- [alice/churn-prediction/notebooks/churn analysis.ipynb · cell 7, line 3]({BLOB}/notebooks/churn%20analysis.ipynb) — `EVAL-classification-report`, medium confidence" in md
    assert "Tags: tabular (5), classification (2)" in md
    assert "- Only tutorial datasets \\(iris, titanic\\)\n- \\# not a heading - not a list\n" in md
    assert "## Problems (2)" in md
    assert "| kaggle-notebooks | broken\\|nb.ipynb | invalid-notebook | \\<b\\>not\\</b\\> JSON: Expecting value |" in md
    assert "| alice/churn-prediction | notebooks/churn analysis.ipynb · cell 4, line 2 | cell-syntax-error | code cell skipped: invalid syntax |" in md
    assert "## Method" in md and "without running" in md
    assert "Counts: evidence 9 · files 16 · notebooks 3." in md
    assert md.endswith(".\n") and not md.endswith("\n\n")


def test_markdown_snippets_in_fences_longer_than_their_backticks(result: Result) -> None:
    md = render_markdown(result)
    indented = "\n".join("  " + line if line else "" for line in SNIPPET_WITH_FENCE.split("\n"))
    assert f"  ````python\n{indented}\n  ````\n" in md
    assert "  ```python\n  scores = cross_val_score(\n      model, X, y, cv=5, scoring='roc_auc'\n  )\n  ```\n" in md
    html = to_html(md)
    assert '<code class="language-python">doc = &quot;&quot;&quot;\n```html\n&lt;script&gt;alert(1)&lt;/script&gt;' in html


def test_markdown_hostile_strings_stay_text(result: Result) -> None:
    md = render_markdown(result)
    markup = outside_code(md)
    for raw in ("<img", "<script", "<b>", "](javascript", "[x](", "**bold**", "[link](http", "://evil"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), markup), raw  # only backslash-escaped
    assert "\\<img src=x onerror=alert\\(1\\)\\>.ipynb" not in md  # unlinked locations go in a code span
    assert f"`kaggle-notebooks/{XSS_IMG} · cell 1, line 2`" in md
    assert f"`kaggle-notebooks/{XSS_LINK}:4-9`" in md
    assert "name: \\<b\\>\\*bold\\*\\</b\\> \\| \\[bold\\]x\\[/bold\\]" in md

    html = to_html(md)
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', html))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith("https://github.com/alice/churn-prediction") for h in hrefs), hrefs
    assert "kaggle-notebooks/&lt;img src=x onerror=alert(1)&gt;.ipynb · cell 1, line 2" in html
    assert "kaggle-notebooks/src/[x](javascript:alert(1)).py:4-9" in html
    assert "<h1>" in html and html.count("<h1>") == 1  # a caveat starting with '#' is no heading


def test_markdown_escapes_hostile_repo_names_and_urls() -> None:
    base = sample_result()
    evil = SourceInfo(
        name="e/[x](javascript:alert(1))",
        kind="git",
        root=".",
        commit=SHA,
        web_url="javascript:alert(1)",
        candidate="<img src=x>",
    )
    md = render_markdown(replace(base, sources=(evil,), target="*<img src=x>*"))
    html = to_html(md)
    assert "<img" not in html and "javascript:" not in "".join(re.findall(r'href="([^"]*)"', html))
    assert "e/[x](javascript:alert(1))" in html


def test_markdown_is_deterministic(result: Result) -> None:
    shuffled = replace(result, stats=dict(reversed(list(result.stats.items()))))
    assert render_markdown(result) == render_markdown(shuffled)


def test_markdown_caps_problems_and_evidence(result: Result) -> None:
    problems = tuple(Problem(FOLDER, f"f{i}.py", "bad", "syntax-error") for i in range(7))
    md = render_markdown(replace(result, problems=problems), max_evidence=1, max_problems=5)
    assert "| kaggle-notebooks | f4.py | syntax-error | bad |" in md
    assert "f5.py" not in md
    assert "…and 2 more problems in the JSON report." in md
    assert "Evidence (1 of 7, the rest in the JSON report):" in md


@pytest.mark.parametrize(("score", "bar"), [(0, "░" * 10), (4, "░" * 10), (5, "█" + "░" * 9), (85, "█" * 9 + "░"), (100, "█" * 10), (150, "█" * 10)])
def test_level_bar(score: int, bar: str) -> None:
    assert level_bar(score) == bar


# --- terminal -----------------------------------------------------------------------------


def terminal_text(result: Result) -> str:
    out = io.StringIO()
    render_terminal(result, Console(file=out, width=120, color_system=None))
    text: str = out.getvalue()
    return text


def test_terminal_table_and_evidence(result: Result) -> None:
    text = terminal_text(result)
    for a in result.assessments:
        row = next(line for line in text.splitlines() if a.name in line)
        assert {"strong": "strong", "demonstrated": "demonstrated", "emerging": "emerging", "none": "none", "not_assessed": "not assessed"}[a.level.value] in row
    assert re.search(r"Model evaluation\s+│\s+strong\s+│\s+85\s+│\s+█{9}░\s+│\s+7\s+│", text)
    assert re.search(r"Natural language processing\s+│\s+not assessed\s+│\s+—\s+│\s+░{10}\s+│\s+0\s+│", text)
    assert "alice/churn-prediction/src/train.py:12-14  EVAL-cross-validation (high)" in text
    assert "…and 5 more" in text
    assert "2 problems: 1 cell-syntax-error, 1 invalid-notebook" in text
    assert "\x1b" not in text


def test_terminal_shows_markup_and_escapes_literally(result: Result) -> None:
    evil = Evidence("X-1", "deep_learning", Location(FOLDER, None, "[bold]x[/bold] :smile: \x1b[31mred.py", 1), "", Confidence.LOW)
    a = result.assessments[2]
    changed = replace(a, evidence=(evil,), reason="[red]why[/red]")
    text = terminal_text(replace(result, assessments=(changed,)))
    assert "[bold]x[/bold] :smile: \\u001b[31mred.py:1" in text
    assert "[red]why[/red]" in text
    assert "\x1b" not in text and "😄" not in text


# --- formats and writing ------------------------------------------------------------------


def test_formats_and_suffixes(result: Result) -> None:
    assert set(FORMATS) == {"html", "json", "jsonresume", "md", "pdf", "pdf-letter"}
    assert FORMATS["json"](result) == render_json(result)
    assert FORMATS["md"](result) == render_markdown(result)
    assert set(SUFFIX_FORMATS.values()) <= set(FORMATS)
    assert format_for_path("out/report.JSON") == "json"
    assert format_for_path(Path("report.markdown")) == "md"
    assert format_for_path("report.md") == "md"
    assert format_for_path("report.pdf") == "pdf"
    assert format_for_path("cv.Letter.pdf") == "pdf-letter"
    assert format_for_path("report.HTML") == "html"
    assert format_for_path("me.resume.json") == "jsonresume"
    assert format_for_path("resume.json") == "json"  # the full report, not "<nothing>.resume.json"
    assert format_for_path(".resume.json") == "json"
    assert format_for_path("report.docx") is None
    assert format_for_path("report") is None


def test_write_report_atomic_utf8(tmp_path: Path, result: Result) -> None:
    target = tmp_path / "out" / "report.md"
    assert write_report(result, "md", target) == target
    assert target.read_bytes() == render_markdown(result).encode("utf-8")
    target.write_text("old", "utf-8")
    write_report(result, "md", target)
    assert target.read_text("utf-8") == render_markdown(result)
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]  # no temp file left
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_report_failures_leave_nothing(tmp_path: Path, result: Result) -> None:
    with pytest.raises(ValueError, match="unknown report format 'docx'"):
        write_report(result, "docx", tmp_path / "r.docx")
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(OSError):
        write_report(result, "md", tmp_path / "dir.md")  # cannot replace a directory
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.md"]


def test_credentials_never_reach_a_report(result: Result) -> None:
    leaky = replace(
        result.sources[0],
        remote_url="https://x-access-token:ghp_SECRET@github.com/alice/churn-prediction.git",
        web_url="https://ghp_SECRET@github.com/alice/churn-prediction",
    )
    r = replace(result, sources=(leaky, result.sources[1]))
    for text in (render_json(r), render_markdown(r), terminal_text(r)):
        assert "ghp_SECRET" not in text
    assert result_to_dict(r)["sources"][0]["remote_url"] == "https://github.com/alice/churn-prediction.git"


# --- digest and JSON Resume ---------------------------------------------------------------


def test_digest_covers_everything_but_itself(result: Result) -> None:
    from proofolio.reporters.json_report import digest_status, report_digest

    d = json.loads(render_json(result))
    body = {k: v for k, v in d.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib

    assert d["digest"] == hashlib.sha256(canonical.encode()).hexdigest() == report_digest(d)
    assert digest_status(d) is True
    d["assessments"][0]["score"] = 86
    assert digest_status(d) is False
    d["assessments"][0]["score"] = 85
    d["stats"]["files"] = 17
    assert digest_status(d) is False
    del d["digest"]
    assert digest_status(d) is None
    # digest is derived: a round trip recomputes the same one
    again = json.loads(render_json(parse_json(render_json(result))))
    assert again["digest"] == json.loads(render_json(result))["digest"]


def test_jsonresume_skills_section(result: Result) -> None:
    from proofolio.reporters.jsonresume import render_jsonresume

    data = json.loads(render_jsonresume(result))
    assert list(data) == ["$schema", "skills", "meta"]
    assert [s["name"] for s in data["skills"]] == ["Model evaluation", "Data preprocessing", "Deep learning"]
    assert [s["level"] for s in data["skills"]] == ["Advanced", "Intermediate", "Beginner"]
    first = data["skills"][0]
    assert first["keywords"][:2] == ["sklearn.model_selection.cross_val_score", "sklearn.metrics.classification_report"]
    assert "tabular" in first["keywords"] and len(first["keywords"]) == len(set(first["keywords"]))
    assert data["meta"]["lastModified"] == "2025-03-14T09:26:53Z"
    for skill in data["skills"]:
        assert set(skill) == {"name", "level", "keywords"}
        assert all(isinstance(k, str) and k for k in skill["keywords"])


def test_terminal_shows_negative_signals_with_remediation(result: Result) -> None:
    from proofolio.models import Severity

    leak = Evidence("EVAL-test-set-selection", "model_evaluation", Location(GH, SHA, "src/tune.py", 40), "x",
                    Confidence.HIGH, severity=Severity.HIGH, remediation="Select on a validation split.")
    first = replace(result.assessments[0], evidence=(*result.assessments[0].evidence, leak))
    text = terminal_text(replace(result, assessments=(first, *result.assessments[1:])))
    assert f"negative (high): {GH}/src/tune.py:40 — Select on a validation split." in text
    assert text.count("src/tune.py:40") == 1  # not listed again as positive evidence


# --- golden files -------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(("name", "fmt"), [("sample.md", "md"), ("sample.json", "json")])
def test_golden_files(result: Result, name: str, fmt: str) -> None:
    """The hostile sample, rendered byte for byte; PROOFOLIO_UPDATE_GOLDEN=1 rewrites them (review the diff)."""
    rendered = FORMATS[fmt](result)
    assert isinstance(rendered, str)
    path = GOLDEN / name
    if os.environ.get("PROOFOLIO_UPDATE_GOLDEN") == "1":
        path.write_text(rendered, "utf-8")
    assert path.read_text("utf-8") == rendered, f"{name} changed: review, then PROOFOLIO_UPDATE_GOLDEN=1 pytest {__file__}"
