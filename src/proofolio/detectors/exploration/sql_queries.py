"""EDA-sql-queries: data summarised with SQL (GROUP BY, aggregates, window functions) from Python."""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

# Calls that run a query: pandas, DB-API cursors and connections, SQLAlchemy, DuckDB, Spark, BigQuery.
_QUERY_METHODS = frozenset({"read_sql", "read_sql_query", "execute", "sql", "query", "read_gbq", "raw_sql"})
_SELECT = re.compile(r"\bselect\b[\s\S]*?\bfrom\b", re.IGNORECASE)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("group_by", re.compile(r"\bgroup\s+by\b", re.IGNORECASE)),
    ("window", re.compile(r"\bover\s*\(", re.IGNORECASE)),
    ("aggregate", re.compile(r"\b(?:count|sum|avg|min|max|stddev|stddev_samp|variance|median|percentile_cont)\s*\(",
                             re.IGNORECASE)),
)
MAX_QUERY_CHARS = 20_000  # a longer string is a data dump, not a query someone wrote


def _text(node: ast.AST | None) -> str | None:
    """The literal text of a string or f-string (its literal parts)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


_PROSE = re.compile(r"\b(?:the|please|your|you|list)\b", re.IGNORECASE)  # "Select the count(s) from the list"


def query_kind(text: str) -> str | None:
    """`group_by`, `window` or `aggregate` for a SELECT that summarises; None for anything else."""
    if len(text) > MAX_QUERY_CHARS or not ("select" in text or "SELECT" in text or "Select" in text):
        return None
    if not _SELECT.search(text) or _PROSE.search(text):
        return None
    return next((kind for kind, pattern in _KINDS if pattern.search(text)), None)


class SqlQueries(FileDetector):
    meta = DetectorMeta(
        id="EDA-sql-queries",
        skill="exploratory_analysis",
        title="Summarises data with SQL (GROUP BY, aggregates, window functions)",
        what=(
            "A SELECT query that groups, aggregates or uses a window function (`GROUP BY`, `COUNT(`, `AVG(`, "
            "`OVER (`), written in Python as a string or f-string: run through pandas.read_sql/read_sql_query, a "
            "cursor's or connection's execute, DuckDB, Spark SQL or BigQuery (high confidence), or assigned to a "
            "name for later (medium). One evidence per query; value `kind` is group_by, window or aggregate."
        ),
        why="Most analyst and data-scientist work starts in SQL; aggregating in the database is the skill postings ask for first.",
        example='''
import pandas as pd
query = "SELECT region, AVG(amount) AS avg_amount FROM sales GROUP BY region"   # detected
df = pd.read_sql_query(query, conn)
''',
        not_detected=(
            "Plain SELECT ... FROM loads without aggregation (data loading), DDL and inserts, queries in .sql "
            "files, and queries built from pieces at run time."
        ),
    )
    node_types = (ast.Assign, ast.Call)

    def wants_call(self, target: CallTarget) -> bool:
        return target.method in _QUERY_METHODS or (target.qualified or "").rsplit(".", 1)[-1] in _QUERY_METHODS

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        if isinstance(node, ast.Call):
            text = _text(node.args[0]) if node.args else None
            confidence = Confidence.HIGH
        else:
            assert isinstance(node, ast.Assign)
            text = _text(node.value)
            confidence = Confidence.MEDIUM
        if text is None:
            return
        kind = query_kind(text)
        if kind is not None:
            line = node.args[0].lineno if isinstance(node, ast.Call) else node.lineno  # the query's first line
            ctx.emit(self.meta, None, confidence, (("kind", kind),), line=line,
                     snippet=ctx.document.snippet(line, line))
