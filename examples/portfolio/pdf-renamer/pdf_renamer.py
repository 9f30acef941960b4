#!/usr/bin/env python3
"""Rename PDF files so that they start with the date found in their name.

    "Invoice ACME 03.01.2024.pdf"  ->  "2024-01-03_invoice-acme.pdf"
    "scan_20231117_bank.pdf"       ->  "2023-11-17_scan-bank.pdf"

Files without a recognisable date are left alone.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from datetime import date
from pathlib import Path

log = logging.getLogger("pdf_renamer")

# order matters: try the unambiguous ISO-like formats before day-first ones
DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})[-_.](?P<m>\d{2})[-_.](?P<d>\d{2})"),  # 2024-01-03
    re.compile(r"(?<!\d)(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),  # 20240103
    re.compile(r"(?P<d>\d{2})[-_.](?P<m>\d{2})[-_.](?P<y>\d{4})"),  # 03.01.2024
]
ALREADY_RENAMED = re.compile(r"^\d{4}-\d{2}-\d{2}(_|\.pdf$)")


def find_date(text: str) -> tuple[date, str] | None:
    """Return the first valid date in ``text`` and the text with that date removed."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                found = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:  # e.g. 2024-13-45 is not a date
                continue
            return found, text[: match.start()] + text[match.end() :]
    return None


def slugify(text: str) -> str:
    """Lower-case ``text`` and join its words with dashes."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def new_name(path: Path) -> str | None:
    """Compute the new file name for ``path``, or None if it should not change."""
    if ALREADY_RENAMED.match(path.name):
        return None
    result = find_date(path.stem)
    if result is None:
        return None
    found, rest = result
    slug = slugify(rest)
    return f"{found.isoformat()}_{slug}.pdf" if slug else f"{found.isoformat()}.pdf"


def rename_pdfs(folder: Path, recursive: bool = False, dry_run: bool = False) -> int:
    """Rename every PDF in ``folder``; return how many files were (or would be) renamed."""
    pdfs = folder.rglob("*.pdf") if recursive else folder.glob("*.pdf")
    renamed = 0
    for path in sorted(pdfs):
        target_name = new_name(path)
        if target_name is None:
            log.debug("skipping %s", path.name)
            continue
        target = path.with_name(target_name)
        if target.exists():
            log.warning("not renaming %s: %s already exists", path.name, target_name)
            continue
        log.info("%s -> %s", path.name, target_name)
        if not dry_run:
            path.rename(target)
        renamed += 1
    return renamed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder containing the PDF files")
    parser.add_argument("-r", "--recursive", action="store_true", help="include sub-folders")
    parser.add_argument("-n", "--dry-run", action="store_true", help="only show what would happen")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list skipped files")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    if not args.folder.is_dir():
        log.error("%s is not a folder", args.folder)
        return 1
    count = rename_pdfs(args.folder, recursive=args.recursive, dry_run=args.dry_run)
    log.info("%d file(s) %s", count, "would be renamed" if args.dry_run else "renamed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
