"""Every kind of problem a report can list, with what it means for the user.

A problem is a file, cell, repository or detector that could not be handled fully; the run
goes on and the report says what was missed. docs/problems.md is generated from this table,
and a meta test fails when the code emits a kind that is not here.
"""

PROBLEM_KINDS: dict[str, str] = {
    "binary": "A .py file containing NUL bytes: not source code; not analysed.",
    "cell-syntax-error": "One notebook code cell does not parse even after IPython syntax was neutralised; that cell is skipped, the rest of the notebook is analysed.",
    "detector-error": "A detector failed on this file or project (a proofolio bug); other detectors' evidence is kept.",
    "duplicate": "A file whose code is the same as an earlier file's (a notebook exported verbatim to .py, a notebook copied into two repositories): its evidence is counted once, at the first.",
    "empty-repo": "A git repository with no commits: files are analysed but cannot be linked to a commit.",
    "git-error": "Git history could not be read fully (shallow clone, corrupt object, unusable .git): evidence is kept, authorship or permalinks may be missing.",
    "internal-error": "Analysing this file failed unexpectedly (a proofolio bug): it is skipped, the rest of the run goes on.",
    "lfs-pointer": "A file that is a Git LFS pointer (a few lines naming the real content's hash and size) instead of the content: not analysed; proofolio never runs git-lfs to fetch it.",
    "inside-git-repo": "A project folder given as the target lies inside a git repository that tracks it: analysed as a plain folder, so no commit is pinned and no authorship computed; the reason names the repository root to analyse for both.",
    "invalid-notebook": "A notebook that is not valid JSON or has no cell list (not analysed), or that fails the nbformat schema (read leniently).",
    "nested-repo": "A git repository inside a git project (submodule or vendored clone): skipped, it is not this project's code.",
    "notebook-as-script": "A .ipynb file that holds plain Python (IPython magics allowed), not notebook JSON: read as a notebook of one code cell, so its evidence cites cell 1 and its lines.",
    "notebook-run-errors": "A notebook whose stored outputs show an error (NameError, ModuleNotFoundError ...) in some code cells: the run saved with it stopped there, so results it claims may never have been produced; its code is analysed as written.",
    "not-python": "A notebook whose kernel language is not Python: its code is not analysed.",
    "python2": "Python 2 syntax (print statements, `except X, e`): read through a line-preserving rewrite; evidence is kept.",
    "syntax-error": "A .py file that does not parse (also not as Python 2), even with its broken lines blanked: not analysed; the line is given.",
    "syntax-error-recovered": "A .py file that does not parse: escaped triple quotes (\\\"\\\"\\\" from code pasted through JSON) were read as quotes and/or the line at each syntax error was blanked (at most 15% of its lines, 10 at least, 100 at most), and the rest analysed; the repairs and blanked lines are listed.",
    "too-complex": "Code nested too deeply for Python's parser: not analysed.",
    "too-large": "A file larger than max_file_bytes, or code (a .py file or a notebook's code cells) larger than max_code_bytes: skipped, the reason names the limit.",
    "too-many-cells": "A notebook with more cells than max_notebook_cells: only the first cells are read.",
    "too-many-files": "A project with more files than the max_files limit: the files after the limit are skipped.",
    "unparseable": "Source the Python parser refuses for another reason (e.g. an invalid character): not analysed.",
    "unreadable": "A file or folder that could not be read (permissions, I/O error): skipped.",
    "archived-repo": "A GitHub repository archived by its owner (read-only): analysed as usual; a note that the work is no longer maintained.",
    "bulk-upload": "A repository whose whole history is one commit adding many files: the code is credited, but the history says nothing about how or over what time it was written.",
    "clone-failed": "A GitHub repository that could not be cloned (or, with --offline, is not in the cache): not analysed; the rest of the run goes on.",
    "fetch-failed": "A cached GitHub clone that could not be updated: the commit from the earlier run was analysed, as the report's commit says.",
    "fork-without-commits": "A fork (analysed with --include-forks) with no commit by the candidate: its code is kept but credited at share 0, since someone else wrote it.",
    "github-error": "The GitHub API kept failing (server errors, dropped connections) while listing: the reason says which repositories or pull requests are missing.",
    "rate-limited": "GitHub's rate limit was reached and would not reset within --max-wait: the report covers what was listed before, and the reason says what is missing.",
}
