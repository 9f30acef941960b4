"""Turn a Location into something a reader can click or read, and keep secrets out of URLs.

Every claim in a report must be checkable, so a Location becomes a permalink pinned to the
commit the evidence was seen at (never a branch, which moves). Links are only built from
facts we trust: the source's ``web_url`` (derived from the remote) and the location's
commit (set only when the file on disk equals the committed blob). Anything else — a folder,
uncommitted changes, a non-http URL — yields no link rather than a wrong one.

Notebook cells are shown as "cell N" counting every cell from 1, as a reader counts the cells
GitHub renders; the stored ``Location.cell`` stays the 0-based index.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from proofolio.models import Location, SourceInfo

__all__ = ["commit_url", "display_location", "is_notebook", "line_fragment", "permalink", "redact_url", "repo_url"]

_SENSITIVE_QUERY_KEYS = re.compile(
    r"(token|secret|password|passwd|pwd|key|sig|signature|auth|credential|session)", re.IGNORECASE
)


def redact_url(url: str) -> str:
    """Return ``url`` without user:password@ and with secret-looking query values hidden.

    Remote URLs of cloned repositories often embed a token (``https://x-access-token:ghp_…@``);
    a report is shared, so anything that could be a credential is removed before display.
    Strings that are not ``scheme://`` URLs (scp-like ``git@host:path``, plain paths) carry
    no password and are returned unchanged.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_SENSITIVE_QUERY_KEYS.search(k) for k, _ in pairs):
            query = urlencode([(k, "REDACTED" if _SENSITIVE_QUERY_KEYS.search(k) else v) for k, v in pairs])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def is_notebook(path: str) -> bool:
    return path.lower().endswith(".ipynb")


def _web_base(web_url: str) -> str | None:
    """The repository's https base URL, or None when it is not a plain http(s) URL."""
    cleaned = redact_url(web_url.strip())
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        return None
    if any(ch.isspace() or ch in "<>\"'`\\" for ch in cleaned):
        return None
    path = parts.path.rstrip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _encoded_path(path: str) -> str | None:
    """Percent-encode each segment; refuse paths that could climb out of the repository."""
    segments = path.split("/")
    if not path or any(seg in ("", ".", "..") for seg in segments):
        return None
    return "/".join(quote(seg, safe="") for seg in segments)


def line_fragment(line: int | None, end_line: int | None) -> str:
    """GitHub's ``#L12`` / ``#L12-L14`` fragment; empty when there is no line."""
    if line is None or line < 1:
        return ""
    if end_line is not None and end_line > line:
        return f"#L{line}-L{end_line}"
    return f"#L{line}"


def permalink(location: Location, source: SourceInfo | None) -> str | None:
    """A blob URL pinned to ``location.commit``, or None when the location cannot be pinned.

    Notebooks link to the file without a line fragment: GitHub renders them, and line numbers
    inside a cell do not match lines of the raw JSON.
    """
    if source is None or not source.web_url or not location.commit:
        return None
    base = _web_base(source.web_url)
    path = _encoded_path(location.path)
    if base is None or path is None:
        return None
    url = f"{base}/blob/{quote(location.commit, safe='')}/{path}"
    if is_notebook(location.path):
        return url
    return url + line_fragment(location.line, location.end_line)


def repo_url(source: SourceInfo) -> str | None:
    """The repository's web page without credentials, or None when unknown or not http(s)."""
    return _web_base(source.web_url) if source.web_url else None


def commit_url(source: SourceInfo) -> str | None:
    """The web page of the source's commit, when both are known."""
    if not source.web_url or not source.commit:
        return None
    base = _web_base(source.web_url)
    return None if base is None else f"{base}/commit/{quote(source.commit, safe='')}"


def _lines(line: int | None, end_line: int | None, word: bool) -> str:
    if line is None:
        return ""
    if end_line is not None and end_line > line:
        return f"lines {line}-{end_line}" if word else f"{line}-{end_line}"
    return f"line {line}" if word else str(line)


def display_location(location: Location, *, with_repo: bool = False) -> str:
    """Human form: ``src/train.py:12-14`` or ``notebooks/a.ipynb · cell 8, line 3``.

    With ``with_repo`` the repository name prefixes the path (``owner/name/src/train.py``),
    for reports that span several sources. The text is raw: callers escape for their medium.
    """
    path = f"{location.repo}/{location.path}" if with_repo and location.repo else location.path
    if location.cell is not None:
        where = f"{path} · cell {location.cell + 1}"
        lines = _lines(location.line, location.end_line, word=True)
        return f"{where}, {lines}" if lines else where
    lines = _lines(location.line, location.end_line, word=False)
    return f"{path}:{lines}" if lines else path
