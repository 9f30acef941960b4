"""`proofolio match`: what a job posting asks for, and how well a report covers it.

posting.py reads the posting as text; vocabulary.py loads the technology vocabulary (data);
requirements.py finds the requirements in the text; coverage.py sets them against a report;
render.py prints the coverage as a table (terminal), Markdown or JSON.
"""

from proofolio.matching.coverage import Coverage, CoverageRow, Gap, cover
from proofolio.matching.posting import PostingError, html_to_text, read_posting
from proofolio.matching.requirements import (
    PostingScan,
    Requirement,
    find_requirements,
    scan_posting,
)
from proofolio.matching.vocabulary import Term, load_vocabulary

__all__ = [
    "Coverage", "CoverageRow", "Gap", "PostingError", "PostingScan", "Requirement", "Term",
    "cover", "find_requirements", "html_to_text", "load_vocabulary", "read_posting", "scan_posting",
]
