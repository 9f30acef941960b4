"""The HTML report in headless Chromium: offline, error-free, complete, and inert.

The page is opened from a file:// URL with every request recorded: only the page itself may
load. Console errors (which include Content-Security-Policy violations) fail the test. A
notebook project whose file names, markdown, code and outputs carry script payloads must show
them as text, with no script run — checked by the DOM, a `window.__pwned` flag and dialogs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import PORTFOLIO, ROOT

SCRIPT = Path(sys.executable).with_name("proofolio")
ARTIFACTS = ROOT / "out" / "test-artifacts"


def _analyze(target: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    html, js = tmp_path / "report.html", tmp_path / "report.json"
    done = subprocess.run([str(SCRIPT), "analyze", str(target), "--quiet", "-o", str(html), "-o", str(js)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return html, json.loads(js.read_text("utf-8"))


class Watched:
    """A page with its console errors, requests and dialogs recorded."""

    def __init__(self, browser: Any, url: str) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=True)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(300)  # let any (forbidden) late script or CSP report surface

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def example(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    html, data = _analyze(PORTFOLIO, tmp_path_factory.mktemp("example"))
    watched = Watched(browser, html.as_uri())
    watched.data = data  # type: ignore[attr-defined]
    watched.url = html.as_uri()  # type: ignore[attr-defined]
    yield watched
    watched.close()


def test_no_console_errors_and_no_network(example: Any) -> None:
    assert example.errors == []
    assert example.requests == [example.url]  # the page itself, nothing else
    assert example.dialogs == []


def test_overview_chart_and_every_skill_section(example: Any) -> None:
    page = example.page
    skills = [a["skill"] for a in example.data["assessments"]]
    assert page.locator("svg#skill-chart").is_visible()
    assert page.locator("svg#skill-chart g.bar").count() == len(skills)
    assert page.eval_on_selector_all("article.skill", "els => els.map(e => e.id)") == [f"skill-{s}" for s in skills]
    for a in example.data["assessments"]:
        heading = page.locator(f"article#skill-{a['skill']} h3").inner_text()
        assert heading.startswith(a["name"])
    box = page.locator("svg#skill-chart").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 20 * len(skills)
    # snippets are highlighted by CSS classes embedded in the page
    color = page.eval_on_selector(".hl .k", "e => getComputedStyle(e).color")
    assert color not in ("", "rgb(32, 33, 36)")


def test_screenshot_artifact(example: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "report.png"
    example.page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000


def test_print_media_still_shows_every_section(example: Any) -> None:
    page = example.page
    page.emulate_media(media="print")
    try:
        assert page.locator("article.skill").first.is_visible()
        assert page.eval_on_selector("main", "e => getComputedStyle(e).paddingTop") == "0px"
    finally:
        page.emulate_media(media="screen")


PAYLOAD = "window.__pwned = 1; alert(1)"


def _notebook(cells: list[dict[str, Any]]) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})


def _hostile_project(root: Path) -> Path:
    project = root / "x<svg onload=window.__pwned=1>"
    project.mkdir()
    md = {"cell_type": "markdown", "metadata": {}, "id": "m1",
          "source": f"# Churn <script>{PAYLOAD}</script>\n<img src=x onerror=\"{PAYLOAD}\">\n[click](javascript:{PAYLOAD})"}
    code = {"cell_type": "code", "metadata": {}, "id": "c1", "execution_count": 1,
            "source": ("import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
                       f"df = pd.read_csv('<script>{PAYLOAD}</script>.csv')\ndf = df.dropna()\n"
                       "model = LogisticRegression()\nmodel.fit(df[['a']], df['b'])  # <img src=x onerror=alert(1)>\n"),
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {"text/html": f"<script>{PAYLOAD}</script>", "text/plain": "javascript:alert(1)"}}]}
    (project / "<img src=x onerror=alert(1)>.ipynb").write_text(_notebook([md, code]))
    (project / "javascript:alert(1).py").write_text(
        "import pandas as pd\n\n\ndef load(path: str) -> pd.DataFrame:\n"
        f"    \"\"\"<script>{PAYLOAD}</script>\"\"\"\n    return pd.read_csv(path).fillna(0)\n")
    (project / "README.md").write_text(f"# <script>{PAYLOAD}</script>\n\n[x](javascript:alert(1))\n")
    return project


def test_hostile_notebook_project_renders_as_text(browser: Any, tmp_path: Path) -> None:
    html, data = _analyze(_hostile_project(tmp_path), tmp_path)
    paths = {ev["location"]["path"] for a in data["assessments"] for ev in a["evidence"]}
    assert "<img src=x onerror=alert(1)>.ipynb" in paths and "javascript:alert(1).py" in paths  # payloads reach the report
    watched = Watched(browser, html.as_uri())
    try:
        page = watched.page
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert watched.dialogs == [] and watched.errors == []
        assert watched.requests == [html.as_uri()]
        dom = page.evaluate("""() => ({
            scripts: document.querySelectorAll('script').length,
            handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
            media: document.querySelectorAll('img, iframe, object, embed, svg[onload], foreignObject').length,
            badLinks: [...document.querySelectorAll('a')].filter(a => !/^https?:/.test(a.getAttribute('href') || '')).length,
        })""")
        assert dom == {"scripts": 0, "handlers": 0, "media": 0, "badLinks": 0}
        text = page.inner_text("body")
        assert "<img src=x onerror=alert(1)>.ipynb" in text
        assert "javascript:alert(1).py" in text
        assert "x<svg onload=window.__pwned=1>" in text
        assert f"<script>{PAYLOAD}</script>" in text  # a snippet, shown as code text
    finally:
        watched.close()
