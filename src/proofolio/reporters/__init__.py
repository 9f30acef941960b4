"""Reporters: every format renders the same Result and knows nothing about detection.

File formats share one signature, ``render(result) -> str | bytes`` (PDF is bytes), so the CLI
picks one by name or by the output file's suffix and writes it with ``write_report``. The
terminal view prints to a rich Console instead and lives in ``proofolio.reporters.terminal``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from proofolio.models import Result
from proofolio.reporters.json_report import render_json
from proofolio.reporters.markdown import render_markdown

__all__ = ["FORMATS", "SUFFIX_FORMATS", "Renderer", "format_for_path", "render", "write_report"]

Renderer = Callable[[Result], str | bytes]


# HTML (markupsafe, jinja2) and JSON Resume load when asked: most runs write JSON or Markdown.
def _render_html(result: Result) -> str:
    from proofolio.reporters.html import render_html

    return render_html(result)


def _render_jsonresume(result: Result) -> str:
    from proofolio.reporters.jsonresume import render_jsonresume

    return render_jsonresume(result)


def _render_pdf(result: Result) -> bytes:
    from proofolio.reporters.pdf import render_pdf  # WeasyPrint loads pango: only when asked

    return render_pdf(result)


def _render_pdf_letter(result: Result) -> bytes:
    from proofolio.reporters.pdf import render_pdf

    return render_pdf(result, page_size="Letter")


FORMATS: dict[str, Renderer] = {
    "html": _render_html,
    "json": render_json,
    "jsonresume": _render_jsonresume,
    "md": render_markdown,
    "pdf": _render_pdf,
    "pdf-letter": _render_pdf_letter,  # US Letter instead of A4
}

# Longest suffix first: ``cv.resume.json`` is JSON Resume, ``report.json`` the full report.
SUFFIX_FORMATS: dict[str, str] = {
    ".resume.json": "jsonresume",
    ".letter.pdf": "pdf-letter",
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format a file name asks for (``report.md`` → ``"md"``), or None when unknown."""
    name = Path(path).name.lower()
    for suffix, fmt in SUFFIX_FORMATS.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return fmt
    return None


def render(result: Result, fmt: str) -> str | bytes:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    return renderer(result)


def write_report(result: Result, fmt: str, path: str | os.PathLike[str]) -> Path:
    """Render and write atomically: a reader never sees half a report, even after a crash.

    The text goes to a temporary file in the target's directory (same filesystem, so
    ``os.replace`` is atomic), is flushed to disk, then replaces the target. The file is
    created with the usual permissions (0666 minus the umask), like any file the user writes.
    Missing parent directories are created. Returns the path written.
    """
    rendered = render(result, fmt)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
