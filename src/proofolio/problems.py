"""Every kind of problem a report can list, with what it means for the user.

A problem is a file, cell, repository or detector that could not be handled fully; the run
goes on and the report says what was missed. docs/problems.md is generated from this table,
and a meta test fails when the code emits a kind that is not here.
"""

PROBLEM_KINDS: dict[str, str] = {
    "binary": "A .py file containing NUL bytes: not source code; not analysed.",
    "cell-syntax-error": "One notebook code cell does not parse even after IPython syntax was neutralised; that cell is skipped, the rest of the notebook is analysed.",
    "detector-error": "A detector failed on this file or project (a proofolio bug); other detectors' evidence is kept.",
    "empty-repo": "A git repository with no commits: files are analysed but cannot be linked to a commit.",
    "git-error": "Git history could not be read fully (shallow clone, corrupt object, unusable .git): evidence is kept, authorship or permalinks may be missing.",
    "invalid-notebook": "A notebook that is not valid JSON or has no cell list (not analysed), or that fails the nbformat schema (read leniently).",
    "nested-repo": "A git repository inside a git project (submodule or vendored clone): skipped, it is not this project's code.",
    "not-python": "A notebook whose kernel language is not Python: its code is not analysed.",
    "python2": "Python 2 syntax (print statements, `except X, e`): read through a line-preserving rewrite; evidence is kept.",
    "syntax-error": "A .py file that does not parse (also not as Python 2): not analysed; the line is given.",
    "too-complex": "Code nested too deeply for Python's parser: not analysed.",
    "too-large": "A file larger than the max_file_bytes limit: skipped, the reason names the limit.",
    "too-many-files": "A project with more files than the max_files limit: the files after the limit are skipped.",
    "unparseable": "Source the Python parser refuses for another reason (e.g. an invalid character): not analysed.",
    "unreadable": "A file or folder that could not be read (permissions, I/O error): skipped.",
}
