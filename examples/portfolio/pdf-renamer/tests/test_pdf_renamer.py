from datetime import date
from pathlib import Path

import pytest

from pdf_renamer import find_date, main, new_name, rename_pdfs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("statement-2024-01-03", date(2024, 1, 3)),
        ("scan_20231117_bank", date(2023, 11, 17)),
        ("Invoice ACME 03.01.2024", date(2024, 1, 3)),
    ],
)
def test_find_date_formats(text: str, expected: date) -> None:
    found, _ = find_date(text)
    assert found == expected


def test_find_date_ignores_impossible_dates() -> None:
    assert find_date("report 2024-13-45") is None
    assert find_date("no date here") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Invoice ACME 03.01.2024.pdf", "2024-01-03_invoice-acme.pdf"),
        ("scan_20231117_bank.pdf", "2023-11-17_scan-bank.pdf"),
        ("2024-02-29.pdf", None),  # already in the target format
        ("20240229.pdf", "2024-02-29.pdf"),
        ("holiday photos.pdf", None),
    ],
)
def test_new_name(name: str, expected: str | None) -> None:
    assert new_name(Path(name)) == expected


def test_rename_pdfs(tmp_path: Path) -> None:
    (tmp_path / "Invoice ACME 03.01.2024.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "notes.txt").write_text("not a pdf 2024-01-01")
    assert rename_pdfs(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-01-03_invoice-acme.pdf", "notes.txt"]


def test_dry_run_and_collisions(tmp_path: Path) -> None:
    (tmp_path / "bank 2024-05-01.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "2024-05-01_bank.pdf").write_bytes(b"%PDF-1.4")  # target already taken
    (tmp_path / "tax_20240401.pdf").write_bytes(b"%PDF-1.4")
    assert rename_pdfs(tmp_path, dry_run=True) == 1
    assert (tmp_path / "tax_20240401.pdf").exists()  # nothing renamed in a dry run
    assert rename_pdfs(tmp_path) == 1
    assert (tmp_path / "bank 2024-05-01.pdf").exists()


def test_main_rejects_missing_folder(tmp_path: Path) -> None:
    assert main([str(tmp_path / "missing")]) == 1
