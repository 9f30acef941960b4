"""Read a .py file: decode as Python does, parse once, survive Python 2 and broken files."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from proofolio.documents.base import DocumentProblem

_PY2_PRINT_TO = re.compile(r"^(\s*)print\s*>>\s*([^,]+),\s*(.*?)\s*$")
_PY2_PRINT = re.compile(r"^(\s*)print\s+(?![\s(=>]|$)(.*?)(\s*#.*)?$")
_PY2_PRINT_BARE = re.compile(r"^(\s*)print\s*$")
_PY2_EXCEPT = re.compile(r"^(\s*except\s+[\w.()\s,]+?)\s*,\s*(\w+)\s*:")


def decode_source(data: bytes) -> str:
    """Decode like the interpreter: BOM, then a PEP 263 coding cookie, else UTF-8 (lossy)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def parse_source(source: str, filename: str) -> ast.Module:
    """``ast.parse`` with warnings (invalid escapes in candidate code) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=filename)


def rewrite_python2(source: str) -> str | None:
    """Line-preserving rewrite of the commonest Python 2 syntax, or None when nothing applied."""
    changed = False
    out = []
    for line in source.split("\n"):
        new = _PY2_PRINT_TO.sub(lambda m: f"{m.group(1)}print({m.group(3).rstrip(',')}, file={m.group(2)})", line)
        new = _PY2_PRINT.sub(lambda m: f"{m.group(1)}print({m.group(2).rstrip().rstrip(',')})", new)
        new = _PY2_PRINT_BARE.sub(lambda m: f"{m.group(1)}print()", new)
        new = _PY2_EXCEPT.sub(r"\1 as \2:", new)
        changed |= new != line
        out.append(new)
    return "\n".join(out) if changed else None


def parse_python(source: str, path: str) -> tuple[ast.Module | None, list[DocumentProblem], bool]:
    """Parse a module; returns (tree or None, problems, parsed-as-python2)."""
    try:
        return parse_source(source, path), [], False
    except SyntaxError as exc:
        rewritten = rewrite_python2(source)
        if rewritten is not None:
            try:
                tree = parse_source(rewritten, path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
            else:
                note = DocumentProblem(
                    "python2", "Python 2 syntax: read through a print/except rewrite, lines unchanged"
                )
                return tree, [note], True
        reason = f"syntax error: {exc.msg} (line {exc.lineno})"
        return None, [DocumentProblem("syntax-error", reason, line=exc.lineno)], False
    except ValueError as exc:  # e.g. NUL bytes
        return None, [DocumentProblem("unparseable", f"cannot parse: {exc}")], False
    except (RecursionError, MemoryError):
        return None, [DocumentProblem("too-complex", "nesting too deep for the Python parser")], False
