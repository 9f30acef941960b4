"""Rules that keep the project honest: docs, fixtures and examples never go stale."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from proofolio.cli import cli
from proofolio.detectors.registry import default_registry
from proofolio.docgen import generated_docs
from proofolio.problems import PROBLEM_KINDS
from support import ROOT

FIXTURES = ROOT / "fixtures" / "detectors"
METAS = default_registry().metas()


@pytest.mark.parametrize("meta", METAS, ids=[m.id for m in METAS])
def test_detector_is_documented(meta) -> None:
    for field in ("title", "what", "why", "example", "not_detected"):
        assert getattr(meta, field).strip(), f"{meta.id} has no {field}"
    assert "\n" not in meta.title
    assert re.fullmatch(r"(PY|PRE|EDA|STAT|MOD|EVAL|OPS|SE|COM|DOM|COL)-[a-z0-9]+(-[a-z0-9]+)*", meta.id), meta.id


@pytest.mark.parametrize("meta", METAS, ids=[m.id for m in METAS])
def test_detector_has_positive_and_negative_fixtures(meta) -> None:
    folder = FIXTURES / meta.id
    names = {p.name.split(".")[0] for p in folder.iterdir()} if folder.is_dir() else set()
    unit_tested = meta.id.startswith("COL-")  # history detectors are tested with built Sources
    assert unit_tested or {"positive", "negative"} <= names, f"{meta.id}: fixtures/detectors/{meta.id}/positive.* and negative.* needed"


def test_every_skill_has_a_detector() -> None:
    from proofolio.taxonomy import load_default_taxonomy

    skills = {m.skill for m in METAS}
    assert {s.id for s in load_default_taxonomy().skills} <= skills


@pytest.mark.parametrize("name", sorted(generated_docs()))
def test_generated_docs_are_fresh(name: str) -> None:
    committed = ROOT / "docs" / name
    assert committed.exists(), f"docs/{name} missing: run `make docs`"
    assert committed.read_text("utf-8") == generated_docs()[name], f"docs/{name} is stale: run `make docs`"


def test_every_problem_kind_emitted_is_documented() -> None:
    # DocumentProblem("kind", ...), Problem(..., kind="kind"), Problem(repo, path, reason, "kind"),
    # and the collector's _note("kind", ...) / notes.append(("kind", ...))
    pattern = re.compile(
        r'(?:DocumentProblem\(\s*|Problem\([^()]*?kind\s*=\s*|_note\(\s*|notes\.append\(\(\s*)"([a-z0-9-]+)"'
        r'|Problem\((?:[^(),]+|\([^()]*\))*,\s*"([a-z0-9-]+)"\)'
    )
    found: set[str] = set()
    for path in (ROOT / "src" / "proofolio").rglob("*.py"):
        if path.name in ("models.py", "problems.py"):
            continue
        for match in pattern.finditer(path.read_text("utf-8")):
            kind = match.group(1) or match.group(2)
            if kind in ("folder", "git"):  # source kinds, not problems
                continue
            found.add(kind)
    assert found, "the scan found nothing: update the pattern"
    assert sorted(found - set(PROBLEM_KINDS)) == []


def _commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for path, command in _commands(cli):
        assert f"proofolio {' '.join(path)}" in readme, f"README lacks `proofolio {' '.join(path)}`"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"README lacks {opt} of `proofolio {' '.join(path)}`"


def test_example_reports_are_fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """examples/reports is what `make reports` writes today (same epoch, same target).

    Markdown, JSON and HTML compare exactly; the PDF by its text and page count (its bytes
    name the WeasyPrint version that laid it out).
    """
    from pypdf import PdfReader

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _makefile_epoch())
    md, js, html, pdf = (tmp_path / f"report.{ext}" for ext in ("md", "json", "html", "pdf"))
    args = ["analyze", "examples/portfolio", "--quiet", "-o", str(md), "-o", str(js), "-o", str(html), "-o", str(pdf)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    committed = ROOT / "examples" / "reports"
    assert json.loads((committed / "report.json").read_text()) == json.loads(js.read_text()), "run `make reports`"
    assert (committed / "report.md").read_text() == md.read_text(), "run `make reports`"
    assert (committed / "report.html").read_text() == html.read_text(), "run `make reports`"

    def pdf_text(path: Path) -> list[str]:
        return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]

    assert pdf_text(committed / "report.pdf") == pdf_text(pdf), "run `make reports`"


def _makefile_epoch() -> str:
    match = re.search(r"^EXAMPLE_EPOCH := (\d+)$", (ROOT / "Makefile").read_text(), re.M)
    assert match
    return match.group(1)


def test_every_documented_limit_is_an_analyze_option() -> None:
    from proofolio.limits import LIMIT_DOCS

    import click

    analyze = cli.get_command(click.Context(cli), "analyze")
    assert analyze is not None
    options = {opt for param in analyze.params for opt in getattr(param, "opts", [])}
    assert {option for option, _, _ in LIMIT_DOCS.values()} <= options
