"""Reporters: every format renders the same Result and knows nothing about detection.

File formats share one signature, ``render(result) -> str | bytes`` (PDF is bytes), so the CLI
picks one by name or by the output file's suffix and writes it with ``write_report``. The
terminal view prints to a rich Console instead and lives in ``proofolio.reporters.terminal``.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from proofolio.models import Result, SourceInfo
from proofolio.reporters.json_report import (
    JsonSections,
    render_json,
    report_data,
    result_from_dict,
    source_data,
    sources_from_data,
)
from proofolio.reporters.markdown import render_markdown

__all__ = ["FORMATS", "SUFFIX_FORMATS", "Renderer", "Report", "format_for_path", "render", "write_report"]

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


class Report:
    """A run's Result and its JSON report sections: either one is made from the other when first needed.

    A fresh run starts from its Result; an unchanged re-run recalls the JSON sections
    (``proofolio.rerun``) and decodes a Result only when a view other than JSON asks for one,
    so printing the JSON report again costs little more than the hash of its digest.
    """

    def __init__(self, result: Result | None = None, sections: JsonSections | None = None) -> None:
        if result is None and sections is None:
            raise ValueError("a Report needs a Result or its JSON sections")
        self._result = result
        self._sections = sections

    @property
    def result(self) -> Result:
        """The Result, decoded from the sections on first use when the report was recalled."""
        if self._result is None:
            assert self._sections is not None
            self._result = result_from_dict(self._sections.data())
        return self._result

    @property
    def sections(self) -> JsonSections:
        """The JSON report's encoded sections, encoded from the Result on first use."""
        if self._sections is None:
            self._sections = JsonSections.of(report_data(self.result))
        return self._sections

    @property
    def sources(self) -> tuple[SourceInfo, ...]:
        """The result's sources, read from the ``sources`` section alone when no Result is decoded yet."""
        if self._result is None and self._sections is not None:
            return sources_from_data(json.loads(self._sections.pretty["sources"]))
        return self.result.sources

    def with_candidates(self, sources: Sequence[SourceInfo]) -> Report:
        """The same report for ``sources`` that differ from its own in ``candidate`` only (hidden emails).

        No section but ``sources`` shows a source's candidate, so only that one is encoded again.
        """
        sources = tuple(sources)
        if [replace(s, candidate=None) for s in sources] != [replace(s, candidate=None) for s in self.sources]:
            raise ValueError("with_candidates changes candidates only")
        result = replace(self._result, sources=sources) if self._result is not None else None
        sections = self._sections.replaced("sources", source_data(sources)) if self._sections is not None else None
        return Report(result, sections)

    def render(self, fmt: str) -> str | bytes:
        """The report in format ``fmt`` (a key of FORMATS); JSON comes from the sections."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        return self.sections.text() if fmt == "json" else FORMATS[fmt](self.result)


def render(result: Result | Report, fmt: str) -> str | bytes:
    """``result`` in format ``fmt``; ValueError names the formats when ``fmt`` is not one."""
    report = result if isinstance(result, Report) else Report(result)
    return report.render(fmt)


def write_report(result: Result | Report, fmt: str, path: str | os.PathLike[str]) -> Path:
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
