"""The PDF report: WeasyPrint lays out the HTML; we read the PDF back with pypdf.

Text extraction, page count and size, clickable link annotations and reproducible bytes under
SOURCE_DATE_EPOCH are all checked on real PDFs; nothing is mocked.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import ROOT
from test_reporters import BLOB, sample_result

from proofolio.models import Result
from proofolio.reporters import format_for_path, write_report
from proofolio.reporters.json_report import load_result
from proofolio.reporters.pdf import render_pdf


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture(scope="module")
def example() -> Result:
    return load_result(ROOT / "examples" / "reports" / "report.json")


@pytest.fixture(scope="module")
def example_pdf(example: Result) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(example)))


def test_every_skill_and_evidence_paths_are_in_the_text(example: Result, example_pdf: PdfReader) -> None:
    text = _text(example_pdf)
    for a in example.assessments:
        assert a.name in text
    paths = {ev.location.path for a in example.assessments for ev in a.evidence}
    assert "src/digitnet/data.py" in " ".join(paths)
    assert any(p in text for p in paths)
    assert "Page 1 of" in text  # the footer
    assert "Skill overview" in text and "Method" in text


def test_page_count_size_and_footer_numbers(example_pdf: PdfReader) -> None:
    n = len(example_pdf.pages)
    assert 3 <= n <= 40
    box = example_pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    last = " ".join((example_pdf.pages[-1].extract_text() or "").split())
    assert f"Page {n} of {n}" in last


def test_letter_size(tmp_path: Path) -> None:
    path = write_report(sample_result(), format_for_path("cv.letter.pdf") or "", tmp_path / "cv.letter.pdf")
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.fixture(scope="module")
def sample_pdf() -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(sample_result())))


def test_links_are_clickable_permalinks(sample_pdf: PdfReader) -> None:
    reader = sample_pdf
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and action.get("/URI"):
                uris.append(str(action["/URI"]))
    assert f"{BLOB}/src/train.py#L12-L14" in uris
    assert all(u.startswith("https://github.com/alice/churn-prediction") for u in uris)


def test_hostile_text_is_text_in_the_pdf(sample_pdf: PdfReader) -> None:
    text = _text(sample_pdf)
    assert "<img src=x onerror=alert(1)>.ipynb" in text


def test_reproducible_under_source_date_epoch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")
    path = write_report(sample_result(), "pdf", tmp_path / "r.pdf")
    first = path.read_bytes()
    assert first.startswith(b"%PDF-") and render_pdf(sample_result()) == first
    meta = PdfReader(io.BytesIO(first)).metadata
    assert meta is not None and meta.title == "proofolio report: github:alice"
    assert meta.creation_date is not None and meta.creation_date.year == 2027
