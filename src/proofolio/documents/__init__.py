"""Readers turn a file's bytes into a Document: parsed once, shared by every detector."""

from proofolio.documents.base import Document, DocumentProblem, NotebookInfo
from proofolio.documents.reader import read_document

__all__ = ["Document", "DocumentProblem", "NotebookInfo", "read_document"]
