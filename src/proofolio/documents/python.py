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
PYTHON2_NOTE = "Python 2 syntax: read through a print/except rewrite, lines unchanged"
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
                return tree, [DocumentProblem("python2", PYTHON2_NOTE)], True
        reason = f"syntax error: {exc.msg} (line {exc.lineno})"
        # one candidate (the budget is the file's, not each try's): the rewrite when there is one, as
        # it only touches lines that do not parse in Python 3, and repairs them
        python2 = rewritten is not None
        salvaged = salvage(rewritten if rewritten is not None else source, path)
        if salvaged is not None:
            tree, blanked, unescaped = salvaged
            shown = ", ".join(map(str, blanked[:10])) + (f" and {len(blanked) - 10} more" if len(blanked) > 10 else "")
            repairs = ['escaped triple quotes (\\"\\"\\") read as quotes'] if unescaped else []
            if blanked:
                repairs.append(f"{len(blanked)} line(s) blanked: {shown}")
            message = f"{reason}; analysed with {' and '.join(repairs)}"
            problems = [DocumentProblem("syntax-error-recovered", message, line=exc.lineno)]
            return tree, [*problems, DocumentProblem("python2", PYTHON2_NOTE)] if python2 else problems, python2
        return None, [DocumentProblem("syntax-error", reason, line=exc.lineno)], False
    except ValueError as exc:  # e.g. NUL bytes
        return None, [DocumentProblem("unparseable", f"cannot parse: {exc}")], False
    except (RecursionError, MemoryError):
        return None, [DocumentProblem("too-complex", "nesting too deep for the Python parser")], False


# \"\"\" and \'\'\' as quotes, padded to the same length (columns of the rest of the line hold)
_ESCAPED_QUOTES = (('\\"\\"\\"', '"""   '), ("\\'\\'\\'", "'''   "))
SALVAGE_MIN_LINES = 10  # lines a broken file may lose, at least ...
SALVAGE_SHARE = 0.15  # ... or this share of its lines, whichever is more
SALVAGE_MAX_LINES = 100  # and never more (each blanked line costs one more parse)
SALVAGE_MAX_BYTES = 300_000  # larger broken files are not retried
SALVAGE_WORK_BYTES = 6_000_000  # bytes parsed again at most per file (a 300 KB file: 20 tries, ~2 s)


def salvage(source: str, path: str) -> tuple[ast.Module, list[int], bool] | None:
    """Blank the line at each syntax error until the file parses: (tree, blanked lines, whether
    escaped triple quotes were read as quotes), or None.

    A stray line (`//code is changed`, an escaped `\\"\\"\\"` docstring, a merge marker) would
    otherwise lose every piece of evidence of the file. Lines keep their numbers (a blanked line
    becomes empty), so every citation of the rest stays exact. Gives up past a budget: a file
    that is not Python at all stays a syntax error.
    """
    if len(source) > SALVAGE_MAX_BYTES:
        return None
    original = source
    for escaped, quotes in _ESCAPED_QUOTES:  # code pasted through JSON: every docstring would be lost
        source = source.replace(escaped, quotes)
    unescaped = source != original
    lines = source.split("\n")
    budget = min(SALVAGE_MAX_LINES, max(SALVAGE_MIN_LINES, int(len(lines) * SALVAGE_SHARE)),
                 SALVAGE_WORK_BYTES // max(len(source), 1))
    blanked: list[int] = []
    while len(blanked) < budget:
        try:
            tree = parse_source("\n".join(lines), path)
            # nothing left but what parsed anyway (comments, a docstring): the file was not Python
            return (tree, blanked, unescaped) if _holds_code(tree) else None
        except SyntaxError as exc:
            line = exc.lineno
            if line is None or not 1 <= line <= len(lines) or not lines[line - 1].strip():
                return None  # an error at no line, or at one blanked already: blanking cannot help
            lines[line - 1] = ""
            blanked.append(line)
        except (ValueError, RecursionError, MemoryError):
            return None
    return None


def _holds_code(tree: ast.Module) -> bool:
    """Whether a module has a statement besides a docstring."""
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)
