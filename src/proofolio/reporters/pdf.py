"""The PDF report: the HTML report laid out by WeasyPrint, for attaching to an application.

WeasyPrint renders the page's own CSS (``@page`` size, page-number footer, print rules), keeps
``<a href>`` links clickable, and fetches nothing: the HTML is self-contained and the URL
fetcher refuses every request, so a crafted report cannot make the renderer reach the network
or the filesystem. The PDF's dates come from SOURCE_DATE_EPOCH when set (reproducible builds).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from proofolio.models import Result
from proofolio.reporters.html import render_html

__all__ = ["render_pdf"]


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"proofolio's PDF renderer fetches nothing ({url[:40]!r})")


def _pdf_date() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_pdf(result: Result, *, page_size: str = "A4") -> bytes:
    """The report as PDF bytes, A4 by default (``page_size="Letter"`` for US Letter)."""
    from weasyprint import HTML  # imported here: it loads pango, which only PDF output needs

    html = render_html(result, page_size=page_size)
    document = HTML(string=html, url_fetcher=_no_fetch, base_url=None).render()
    date = _pdf_date()
    document.metadata.title = f"proofolio report: {result.target}"
    document.metadata.generator = f"proofolio {result.tool_version}"
    if date is not None:
        document.metadata.created = date
        document.metadata.modified = date
    data: bytes = document.write_pdf()
    return data
