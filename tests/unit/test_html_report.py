"""The HTML report: self-contained, script-free, every candidate string escaped, all sections there.

The page is parsed back with the stdlib HTMLParser so the assertions are about elements and
attributes a browser would see, not about substrings that could hide in a comment.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest
from test_reporters import BLOB, GH, SHA, XSS_IMG, XSS_LINK, sample_result

from proofolio.models import Confidence, Evidence, Location, Result, Severity, Workflow, WorkflowStage
from proofolio.reporters import FORMATS, write_report
from proofolio.reporters.html import CSP, render_html, safe_href


class Page(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def plain(self) -> str:
        return "".join(self.text)


@pytest.fixture
def result() -> Result:
    return sample_result()


def test_csp_and_no_script_or_external_resource(result: Result) -> None:
    page = Page(render_html(result))
    metas = [m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert [m["content"] for m in metas] == [CSP] == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:;"]
    names = {t for t, _ in page.tags}
    assert not names & {"script", "iframe", "object", "embed", "link", "img", "base", "form"}
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        assert "src" not in attrs
    hrefs = [a["href"] for a in page.all("a")]
    assert hrefs and all(h is not None and h.startswith("https://github.com/alice/churn-prediction") for h in hrefs)


def test_hostile_strings_are_text(result: Result) -> None:
    html = render_html(result)
    page = Page(html)
    assert XSS_IMG in page.plain and XSS_LINK in page.plain  # shown literally …
    assert "&lt;img src=x onerror=alert(1)&gt;.ipynb" in html  # … because escaped
    assert "Scaling in [link](http://evil.example) | **bold** <script>x</script>" in page.plain
    assert "<script>" not in html
    assert "<b>*bold*</b> | [bold]x[/bold]" in page.plain  # a detector value
    assert not [a for a in page.all("a") if "evil.example" in (a["href"] or "")]


def test_javascript_and_odd_urls_never_become_links(result: Result) -> None:
    evil = replace(result.sources[0], web_url="javascript:alert(1)//github.com/alice/churn-prediction")
    page = Page(render_html(replace(result, sources=(evil, result.sources[1]))))
    assert page.all("a") == []
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("data:text/html,x") is None
    assert safe_href("https://github.com/a b/\"x\"") == "https://github.com/a%20b/%22x%22"
    assert safe_href("https://") is None


def test_header_names_target_time_and_pinned_commit(result: Result) -> None:
    page = Page(render_html(result))
    assert "proofolio 0.1.0 analysed github:alice at 2025-03-14T09:26:53Z" in " ".join(page.plain.split())
    assert {"href": f"https://github.com/{GH}/commit/{SHA}", "class": "mono"} in page.all("a")
    assert {"href": f"https://github.com/{GH}"} in page.all("a")


def test_overview_chart_has_one_bar_per_skill_scaled_to_score(result: Result) -> None:
    page = Page(render_html(result))
    bars = [a["data-skill"] for a in page.all("g")]
    assert bars == ["skill-model_evaluation", "skill-data_preprocessing", "skill-deep_learning", "skill-mlops", "skill-nlp"]
    widths = [a["width"] for a in page.all("rect")][1::2]  # track, then the filled part
    assert widths == ["272.0", "192.0", "96.0", "0.0", "0.0"]  # 320 px × score; not assessed → 0
    assert "strong · 85" in page.plain and "not assessed · —" in page.plain


def test_every_skill_section_with_evidence_permalinks_and_cells(result: Result) -> None:
    page = Page(render_html(result))
    articles = [a["id"] for a in page.all("article")]
    assert articles == ["skill-model_evaluation", "skill-data_preprocessing", "skill-deep_learning", "skill-mlops", "skill-nlp"]
    hrefs = [a["href"] for a in page.all("a") if a.get("class") == "where"]
    assert hrefs == [f"{BLOB}/src/train.py#L12-L14", f"{BLOB}/notebooks/churn%20analysis.ipynb"]
    assert "notebooks/churn analysis.ipynb · cell 7, line 3" in page.plain
    assert "Only tutorial datasets (iris, titanic)" in page.plain


def test_snippets_are_highlighted_and_escaped(result: Result) -> None:
    html = render_html(result)
    assert '<div class="hl"><pre>' in html
    assert '<span class="n">cross_val_score</span>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the snippet with a fence and a script
    assert ".hl .k {" in html  # the pygments class styles are embedded, not linked


def test_negative_signals_stand_out_with_their_remediation(result: Result) -> None:
    leak = Evidence(
        detector="EVAL-test-set-selection", skill="model_evaluation",
        location=Location(GH, SHA, "src/tune.py", 40), snippet="best = max(models, key=lambda m: m.score(X_test, y_test))",
        confidence=Confidence.HIGH, severity=Severity.HIGH,
        remediation="Choose the model on a validation split <b>or</b> with cross-validation.",
    )
    first = replace(result.assessments[0], evidence=(*result.assessments[0].evidence, leak))
    html = render_html(replace(result, assessments=(first, *result.assessments[1:])))
    page = Page(html)
    negatives = [a for a in page.all("li") if "negative" in (a.get("class") or "")]
    assert negatives == [{"class": "negative sev-high"}]
    assert "How to fix: Choose the model on a validation split <b>or</b> with cross-validation." in page.plain
    assert f'href="{BLOB}/src/tune.py#L40"' in html
    md = FORMATS["md"](replace(result, assessments=(first, *result.assessments[1:])))
    assert f"- **Negative signal, high severity:** [alice/churn-prediction/src/tune.py:40]({BLOB}/src/tune.py#L40)" in md
    assert "  How to fix: Choose the model on a validation split \\<b\\>or\\</b\\> with cross-validation." in md


def test_workflows_per_project_in_order_or_none(result: Result) -> None:
    loc = Location(GH, SHA, "notebooks/churn analysis.ipynb", 2, None, 1)
    flow = Workflow(GH, "notebooks/churn analysis.ipynb",
                    (WorkflowStage("load", "EDA-load", loc), WorkflowStage("split", "EVAL-train-test-split", replace(loc, cell=4)),
                     WorkflowStage("fit", "MOD-sklearn-estimator", replace(loc, cell=6))), True)
    r = replace(result, workflows=(flow,))
    page = Page(render_html(r))
    text = " ".join(page.plain.split())
    assert ("load — notebooks/churn analysis.ipynb · cell 2, line 2 EDA-load "
            "split — notebooks/churn analysis.ipynb · cell 5, line 2 EVAL-train-test-split") in text
    assert text.count("No workflow detected.") == 1  # the folder source has none
    md = FORMATS["md"](r)
    assert f"1. **load** — [notebooks/churn analysis.ipynb · cell 2, line 2]({BLOB}/notebooks/churn%20analysis.ipynb) (`EDA-load`)" in md
    assert "### kaggle-notebooks\n\nNo workflow detected." in md


def test_method_problems_and_print_stylesheet(result: Result) -> None:
    html = render_html(result)
    page = Page(html)
    assert "proofolio read the code without running or importing it" in page.plain
    assert "Not analysed: code in languages other than Python, data files, binaries" in page.plain
    assert "Natural language processing: No text data or NLP libraries in the analysed code" in page.plain
    assert "<b>not</b> JSON: Expecting value" in page.plain and "Problems (2)" in page.plain
    assert "@media print {" in html and "@page { size: A4;" in html
    assert "@page { size: Letter;" in render_html(result, page_size="Letter")
    with pytest.raises(ValueError, match="unknown page size 'A5'"):
        render_html(result, page_size="A5")


def test_html_is_deterministic_and_written_by_suffix(result: Result, tmp_path) -> None:
    assert render_html(result) == render_html(result)
    path = write_report(result, "html", tmp_path / "r.html")
    assert path.read_text("utf-8") == render_html(result)
