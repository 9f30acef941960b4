"""Neutralise IPython syntax in notebook cells so ``ast`` can parse them.

Each IPython-only line is replaced by ``pass`` at its own indentation (deleting it would
leave empty ``if``/``try`` blocks), and ``x = !cmd`` / ``x = %magic`` by ``x = None``; a
timing magic keeps the statement it times (``%time clf.fit(X, y)`` is ``clf.fit(X, y)``).
Automagic package commands (``pip install x`` without ``%``) are IPython lines too, and a cell
whose first line is indented loses that indentation, as IPython runs it.
Line numbers never change, so the notebook's line → cell map stays exact. A line that
starts with ``%`` inside an open bracket or after a backslash is a modulo continuation,
not a magic, and is kept.
"""

from __future__ import annotations

import ast
import re

# Cell magics whose body is Python: drop only the magic line.
PYTHON_BODY_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "memit", "px", "tensorflow_version", "skip", "cython_inline"}
)

# Line magics that run the Python statement after their options: `%time model.fit(X, y)`
# keeps `model.fit(X, y)`. The options that take a value, per magic (the others are flags).
PYTHON_STATEMENT_LINE_MAGICS: dict[str, frozenset[str]] = {
    "time": frozenset(),
    "timeit": frozenset({"-n", "-r", "-p"}),
    "prun": frozenset({"-s", "-l", "-T", "-D"}),
    "memit": frozenset({"-r", "-t", "-i"}),
}
_LINE_MAGIC = re.compile(r"^(\s*)%(\w+)(.*)$")
_ASSIGN_MAGIC = re.compile(r"^(\s*[A-Za-z_][\w.,\s\[\]]*?=\s*)[!%].*$")
_HELP_LINE = re.compile(r"^\s*(\?\??[\w.]+|[\w.]+\?\??)\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%(\w+)")
# IPython's automagic runs `pip install x` without its `%` (Colab notebooks are full of it); as
# Python it is a syntax error that would cost the whole cell.
_AUTOMAGIC_TEXT = r"^\s*(?:pip3?|conda|mamba)\s+(?:un)?install\b"
_AUTOMAGIC = re.compile(_AUTOMAGIC_TEXT, re.MULTILINE)
# Anything that could be IPython syntax: a line starting with ! or %, `= !`/`= %`, a `?`, or an automagic install.
# Most cells have none, and are returned as they are without the line-by-line pass.
# `_may_be_ipython` answers what this search would, without running it at every character.
_MAYBE_IPYTHON = re.compile(r"^\s*[!%]|=\s*[!%]|\?|" + _AUTOMAGIC_TEXT, re.MULTILINE)
_BANG_OR_PERCENT = re.compile(r"[!%]")


def _bracket_delta(line: str) -> int:
    """Net bracket depth change of a line, ignoring strings and comments (good enough)."""
    depth = 0
    quote: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif ch == "#":
            break
        elif ch in "\"'":
            quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else ch
            i += len(quote)
            continue
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        i += 1
    return depth


def _is_ipython_line(stripped: str) -> bool:
    if not stripped:
        return False
    if stripped[0] in "!%":
        return True
    return bool(_HELP_LINE.match(stripped) or (stripped[0] in "pcm" and _AUTOMAGIC.match(stripped)))


def neutralise_cell(source: str) -> tuple[str, bool]:
    """Return the cell's source with IPython syntax made parseable, and whether it is Python.

    A cell magic whose body is another language (``%%bash``, ``%%html``, ``%%writefile``)
    is not Python: every line becomes blank and the second value is False.
    """
    if not _may_be_ipython(source):
        return source, True
    return neutralise_lines(source)


def without_leading_indent(source: str) -> str:
    """IPython's `leading_indent` cleanup: a cell whose first line is indented (" df.head()" pasted
    with a space) runs with that indentation removed from every line that has it."""
    if source[:1] not in (" ", "\t", "\n"):
        return source
    lines = source.split("\n")
    first = next((line for line in lines if line.strip()), "")  # IPython drops leading blank lines first
    indent = first[: len(first) - len(first.lstrip(" \t"))]
    if not indent:
        return source
    return "\n".join(line.removeprefix(indent) for line in lines)


def _may_be_ipython(source: str) -> bool:
    """``_MAYBE_IPYTHON.search(source)``, found ~10 times faster.

    The regex tries three branches at every character (~30 MB/s). Most cells hold no ``?``,
    ``!`` or ``%`` at all (substring tests, at memory speed); in the others each ``!``/``%`` is
    checked where it stands: whitespace only (``\\s``, as ``str.isspace``) back to a line start or
    to a ``=``. Each whitespace run is scanned once, so this stays linear.
    """
    if "?" in source:
        return True
    if "install" in source and _AUTOMAGIC.search(source):
        return True
    if "!" not in source and "%" not in source:
        return False
    for mark in _BANG_OR_PERCENT.finditer(source):
        end = mark.start()
        before = end - 1
        while before >= 0 and source[before].isspace():
            before -= 1
        if before < 0 or source[before] == "=" or "\n" in source[before + 1 : end]:
            return True
    return False


def neutralise_lines(source: str) -> tuple[str, bool]:
    """neutralise_cell's line-by-line pass, without the shortcut for cells that have no IPython syntax."""
    lines = source.split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    cell_magic = _CELL_MAGIC.match(first)
    if cell_magic and cell_magic.group(1) not in PYTHON_BODY_CELL_MAGICS:
        return "\n".join("" for _ in lines), False

    out: list[str] = []
    depth = 0  # open brackets of the Python statement being read
    continued = False  # previous Python line ended with a backslash
    shell_continued = False  # previous neutralised IPython line ended with a backslash
    for line in lines:
        stripped = line.strip()
        ends_with_backslash = line.rstrip().endswith("\\")
        if shell_continued:
            out.append("")  # continuation of a shell/magic command: not Python
            shell_continued = ends_with_backslash
            continue
        if depth <= 0 and not continued:
            indent = line[: len(line) - len(line.lstrip())]
            assign = _ASSIGN_MAGIC.match(line)
            if assign and "==" not in assign.group(1):
                out.append(assign.group(1) + "None")
                shell_continued = ends_with_backslash
                continue
            if _is_ipython_line(stripped):
                statement = _timed_statement(line)
                if statement:
                    out.append(indent + statement)
                    continue
                out.append(indent + "pass")
                shell_continued = ends_with_backslash
                continue
        out.append(line)
        depth = max(depth + _bracket_delta(line), 0)
        continued = ends_with_backslash
    return "\n".join(out), True


def _timed_statement(line: str) -> str | None:
    """The statement a `%time`/`%timeit`/`%prun`/`%memit` line runs, without the magic and its options."""
    match = _LINE_MAGIC.match(line)
    if match is None or match.group(2) not in PYTHON_STATEMENT_LINE_MAGICS:
        return None
    takes_value = PYTHON_STATEMENT_LINE_MAGICS[match.group(2)]
    words = match.group(3).split(" ")
    i = 0
    while i < len(words):
        word = words[i]
        if not word:  # repeated spaces
            i += 1
        elif word.startswith("-") and len(word) > 1 and word[1].isalpha():
            i += 2 if word[:2] in takes_value and len(word) == 2 else 1  # `-n 100` or `-n100`/`-q`
        else:
            break
    statement = " ".join(words[i:]).strip()
    if not statement:
        return None
    try:  # a complete statement on its own (IPython times one line): else the line stays `pass`, as
        ast.parse(statement)  # every magic line did before timed statements were kept
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return statement
