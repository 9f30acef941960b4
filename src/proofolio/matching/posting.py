"""Read a job posting as plain text: a file (.txt, .md, .html) or standard input.

HTML is reduced to its visible text with the stdlib HTMLParser (script/style bodies dropped,
entities decoded, block elements become line breaks); nothing is fetched or executed.
"""

from __future__ import annotations

import html
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["PostingError", "html_to_text", "read_posting"]

MAX_BYTES = 2_000_000
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "footer", "hr", "dt", "dd"}
_MARKERS = {"li": "\n- ", **{f"h{n}": "\n# " for n in range(1, 7)}}
_HIDDEN = {"script", "style", "template", "noscript", "head", "title"}
# Tags that sit inside a word without a gap (`<b>Py</b>Torch` is rare; `<td>`/`<span>` chips are not).
_INLINE = {"b", "strong", "i", "em", "u", "a", "code", "sub", "sup", "mark", "small", "abbr"}
# An HTML fragment pasted into a .txt or read from standard input.
_FRAGMENT = re.compile(r"<(?:p|div|li|ul|ol|br|span|h[1-6]|table|td|section|article)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)?[^<>]*>")  # [^<>]: an unclosed `<` costs one scan to the next `<`
_HIDDEN_BODY = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")


class PostingError(ValueError):
    """The posting cannot be read (missing, binary, too large, empty)."""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            # list items and headings keep their role as text does ("- ", "# "): a short `<li>` such as
            # "Experience with Spark" stays an item of its section, never the heading of another
            self.parts.append(_MARKERS.get(tag, "\n"))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag not in _INLINE:
            self.parts.append(" ")  # `<span>Python</span><span>PyTorch</span>`: two words, as a browser shows them

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML document, one block per line.

    The stdlib parser is quadratic on runs of unclosed markup (`<a <a <a ...`, CVE-2025-6069) and
    raises on some malformed declarations (`<![<![`): such input is stripped of tags by a linear
    regex instead, which is all a posting's words need.
    """
    if html.count("<") > 2 * html.count(">") + 1000:
        return _stripped(html)
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        return _stripped(html)
    return _tidy("".join(parser.parts))


def _stripped(html_text: str) -> str:
    """Tags (and script/style bodies) removed, entities decoded: the fallback for hostile markup."""
    text = _HIDDEN_BODY.sub(" ", html_text)
    text = _TAG.sub(lambda m: "\n" if m.group(1).lower() in _BLOCKS else " ", text)
    return _tidy(html.unescape(text))


def _tidy(text: str) -> str:
    """One block per line, runs of white space as one space, no empty lines (nor bare markers)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line and line not in ("-", "#"))


def _looks_like_html(name: str, text: str) -> bool:
    if name.lower().endswith((".html", ".htm")):
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html")) or len(_FRAGMENT.findall(text, 0, 20_000)) >= 2


def read_posting(source: str) -> str:
    """The posting's text; ``-`` reads standard input."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        try:
            if path.is_dir():
                raise PostingError(f"{source} is a directory, not a posting")
            if not path.is_file():  # a FIFO would block, /dev/zero never ends
                if not path.exists():
                    raise FileNotFoundError(source)
                raise PostingError(f"{source} is not a regular file")
            if path.stat().st_size > MAX_BYTES:
                raise PostingError(f"{source} is larger than {MAX_BYTES // 1_000_000} MB: not a job posting")
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)  # it may have grown since stat
        except FileNotFoundError:
            raise PostingError(f"posting not found: {source}") from None
        except OSError as exc:
            raise PostingError(f"cannot read {source}: {exc.strerror or exc}") from None
        name = path.name
    if len(data) > MAX_BYTES:
        raise PostingError(f"{name} is larger than {MAX_BYTES // 1_000_000} MB: not a job posting")
    if b"\x00" in data[:8192]:
        raise PostingError(f"{name} is binary, not a text posting")
    text = data.decode("utf-8", errors="replace")
    if _looks_like_html(name, text):
        text = html_to_text(text)
    elif _ENTITY.search(text):  # `Python&nbsp;&amp;&nbsp;SQL` copied from a page's source
        text = html.unescape(text)
    if not text.strip():
        raise PostingError(f"{name} is empty")
    return text
