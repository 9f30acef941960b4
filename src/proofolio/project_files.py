"""A project's files as its repository detectors see them, each read once (pipeline._repo_evidence)."""

from __future__ import annotations

from dataclasses import dataclass, field

from proofolio.detectors.base import RepoContext

# Characters of file text one project's repository detectors share; files read beyond it are read again.
MEMO_CHARS = 8_000_000


@dataclass(slots=True)
class ProjectFiles(RepoContext):
    """A RepoContext that reads each file once for all the repository detectors of a project.

    Several detectors read the same files (a README three times, setup.py up to five, every
    module twice) and ``emit`` reads a file again for the lines it cites. The texts are kept,
    up to MEMO_CHARS, while the project's detectors run, then dropped with the context.
    """

    _texts: dict[tuple[str, int | None], str] = field(default_factory=dict)
    _kept: int = 0

    def read_text(self, path: str, limit: int | None = None) -> str:
        """RepoContext.read_text (its default limit when ``limit`` is None), remembered."""
        key = (path, limit)
        text = self._texts.get(key)
        if text is None:
            text = RepoContext.read_text(self, path) if limit is None else RepoContext.read_text(self, path, limit)
            if self._kept + len(text) <= MEMO_CHARS:
                self._texts[key] = text
                self._kept += len(text)
        return text
