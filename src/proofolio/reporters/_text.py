"""Make candidate-controlled text safe to show: in Markdown, and on a terminal.

File names, snippets, repository names and detector values come from the candidate's
repository, and a report is read by someone else. A file called
``[x](javascript:alert(1)).py`` must stay text: never a link, an image, HTML or a heading.
Invisible characters (terminal escapes, bidi overrides that reorder what a reader sees —
"Trojan Source") are made visible instead of being passed through.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# C0/C1 controls except tab/newline, DEL, and the Unicode bidi controls and other invisibles.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>&|~$])")
_AUTOLINK = re.compile(r"(?i)(?<=www)\.|:(?=//)")
_BLOCK_START = re.compile(r"^(\s*)(\d+(?=[.)])|[#+=-])")


def visible(text: str) -> str:
    """Replace invisible and control characters with a visible ``\\uXXXX`` form."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(text: str) -> str:
    """Collapse newlines (and tabs) to spaces so inline text cannot start a new block."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return " ".join(visible(text).splitlines()) if text else ""


def md_escape(text: str, *, line_start: bool = True) -> str:
    """Escape text for any inline Markdown context, table cells included.

    The characters that Markdown/GFM give an inline meaning to are backslash-escaped
    (CommonMark allows escaping any ASCII punctuation), so no link, image, emphasis, HTML,
    entity, table pipe, strikethrough or math can form; ``:`` before ``//`` and ``.`` after
    ``www`` are escaped so GitHub does not autolink a URL-looking file name. Newlines become
    spaces, and a leading ``#``, ``-``, ``+``, ``=`` or ``1.`` cannot start a block (pass
    ``line_start=False`` for text that never begins a line, such as a table cell or a
    fragment mid-sentence). Other punctuation is left alone so the raw Markdown stays readable
    (``src/train.py``).
    """
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(), _MD_SPECIAL.sub(r"\\\1", one_line(text)))
    return _BLOCK_START.sub(_escape_block_start, escaped, count=1) if line_start else escaped


def _escape_block_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark.isdigit():  # "1." / "1)" would start an ordered list: escape the delimiter instead
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


def md_code_span(text: str, *, in_table: bool = False) -> str:
    """Inline code whose delimiter is longer than any backtick run inside it.

    In a GFM table a ``|`` splits the cell even inside code, so it is escaped there.
    """
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or not text.strip() else ""
    body = text.replace("|", "\\|") if in_table else text
    return f"{fence}{pad}{body}{pad}{fence}"


def md_fence(code: str, *, info: str = "python", indent: str = "") -> str:
    """A fenced code block that no backtick run in ``code`` can close early.

    ``indent`` places the block inside a list item. The code is not escaped: inside a fence
    Markdown shows it literally, which is the point.
    """
    body = visible(code.replace("\r\n", "\n").replace("\r", "\n")).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{indent}{fence}{info}"]
    lines.extend(f"{indent}{line}" if line else "" for line in body.split("\n"))
    lines.append(f"{indent}{fence}")
    return "\n".join(lines)


_URL_SAFE = "/?#@!$&*+,;=%-._~:"


def md_url(url: str | None) -> str | None:
    """A link destination Markdown cannot misparse, or None when it is not plain http(s).

    Parentheses, angle brackets, quotes, spaces and backticks are percent-encoded so the
    destination ends exactly where we say; any other scheme (``javascript:``) is refused.
    """
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(url, safe=_URL_SAFE)


def md_link(label_markdown: str, url: str | None) -> str:
    """``[label](url)`` when the URL is safe, else the label alone (already escaped)."""
    safe = md_url(url)
    return f"[{label_markdown}]({safe})" if safe else label_markdown
