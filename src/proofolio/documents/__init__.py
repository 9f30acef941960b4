"""Readers turn a file's bytes into a Document: parsed once, shared by every detector.

The names below load on first use (PEP 562): a run answered from the cache reads no file and
never needs the readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from proofolio.documents.base import Document, DocumentProblem, NotebookInfo
    from proofolio.documents.reader import read_document

__all__ = ["Document", "DocumentProblem", "NotebookInfo", "read_document"]


def __getattr__(name: str) -> Any:
    if name == "read_document":
        from proofolio.documents.reader import read_document

        return read_document
    if name in ("Document", "DocumentProblem", "NotebookInfo"):
        from proofolio.documents import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
