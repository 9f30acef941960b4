"""Resolve the names a file uses to the qualified names they were imported as.

``import pandas as pd`` makes ``pd.read_csv`` mean ``pandas.read_csv``;
``from sklearn.preprocessing import StandardScaler as SS`` makes ``SS`` mean
``sklearn.preprocessing.StandardScaler``. Detectors match these qualified names and never
bare names, so a user-defined ``fit()`` is not mistaken for scikit-learn.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Modules that re-export another under an older name: `import matplotlib.pylab as plt` plots
# with pyplot, `from sklearn.externals import joblib` (scikit-learn < 0.23) is joblib.
MODULE_ALIASES = {
    "matplotlib.pylab": "matplotlib.pyplot",
    "pylab": "matplotlib.pyplot",
    "sklearn.externals.joblib": "joblib",
}


def canonical(name: str) -> str:
    """``name`` with a re-exporting module replaced by the one it re-exports."""
    for old, new in MODULE_ALIASES.items():
        if name.startswith(old) and (len(name) == len(old) or name[len(old)] == "."):
            return new + name[len(old):]
    return name


@dataclass(slots=True)
class ImportedName:
    qualified: str
    line: int


@dataclass(slots=True)
class ImportMap:
    """Local alias → qualified name for one file (or one notebook, all cells joined)."""

    aliases: dict[str, ImportedName] = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)  # from X import *
    modules: set[str] = field(default_factory=set)  # every module imported, fully qualified
    top_level: set[str] = field(default_factory=set)  # first component of every import

    def imports(self, package: str) -> bool:
        """True when the file imports ``package`` or anything below it."""
        return package in self.top_level or any(m == package or m.startswith(package + ".") for m in self.modules)

    def resolve_name(self, name: str) -> str | None:
        entry = self.aliases.get(name)
        if entry is None:
            return None
        return entry.qualified


def module_package(path: str) -> list[str]:
    """Package components of a file path, for resolving relative imports (``src/`` dropped)."""
    parts = path.replace("\\", "/").split("/")[:-1]
    if parts and parts[0] in ("src", "lib"):
        parts = parts[1:]
    return [p for p in parts if p.isidentifier()]


def _relative_base(path: str, level: int, module: str | None) -> str:
    package = module_package(path)
    if level > 1:
        package = package[: max(len(package) - (level - 1), 0)]
    base = ".".join(package)
    if module:
        base = f"{base}.{module}" if base else module
    return base


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_BLOCKS_OF: dict[type, tuple[str, ...]] = {}  # node type → those of _BLOCK_FIELDS it has
_NO_BLOCKS = frozenset({ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Import, ast.ImportFrom,
                        ast.Pass, ast.Break, ast.Continue, ast.Delete, ast.Raise, ast.Assert, ast.Global, ast.Nonlocal})


def iter_statements(tree: ast.AST):  # type: ignore[no-untyped-def]
    """Every statement, at any depth, without visiting expressions (imports are statements)."""
    stack: list[ast.AST] = [tree]
    pop, extend, blocks_of, simple = stack.pop, stack.extend, _BLOCKS_OF, _NO_BLOCKS
    while stack:
        node = pop()
        yield node
        kind = node.__class__
        if kind in simple:  # most statements hold no block: skip the field lookups
            continue
        fields = blocks_of.get(kind)
        if fields is None:
            fields = blocks_of[kind] = tuple(f for f in _BLOCK_FIELDS if f in getattr(kind, "_fields", ()))
        for name in fields:
            block = getattr(node, name)
            if block:
                extend(block[::-1])  # popped in source order


def build_import_map(tree: ast.AST, path: str = "") -> ImportMap:
    """Collect every import in the tree, wherever it stands (functions, try blocks, cells)."""
    result = ImportMap()
    for node in iter_statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = canonical(alias.name)
                result.modules.add(name)
                result.top_level.add(alias.name.split(".")[0])
                result.top_level.add(name.split(".")[0])
                if alias.asname:
                    result.aliases[alias.asname] = ImportedName(name, node.lineno)
                else:
                    head = alias.name.split(".")[0]
                    result.aliases.setdefault(head, ImportedName(canonical(head), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                module = _relative_base(path, node.level, node.module)
            else:
                module = node.module or ""
            if module and not node.level:
                result.top_level.add(module.split(".")[0])
                module = canonical(module)
                result.top_level.add(module.split(".")[0])
            if module:
                result.modules.add(module)
            for alias in node.names:
                if alias.name == "*":
                    if module:
                        result.star_modules.append(module)
                    continue
                local = alias.asname or alias.name
                # `from . import utils` at a project's top level binds the local module `utils`
                qualified = f"{module}.{alias.name}" if module else alias.name
                if not node.level:
                    qualified = canonical(qualified)
                    if qualified != f"{module}.{alias.name}":  # `from sklearn.externals import joblib`
                        result.modules.add(qualified)
                        result.top_level.add(qualified.split(".")[0])
                result.aliases[local] = ImportedName(qualified, node.lineno)
    return result
