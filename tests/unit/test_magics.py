"""IPython syntax is neutralised line for line, and only IPython syntax."""

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofolio.documents.magics import (
    _MAYBE_IPYTHON,
    _may_be_ipython,
    neutralise_cell,
    without_leading_indent,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("%matplotlib inline\nimport os", "pass\nimport os"),
        ("!pip install -q seaborn", "pass"),
        ("files = !ls data\nprint(files)", "files = None\nprint(files)"),
        ("t = %timeit -o f()", "t = None"),
        ("if True:\n    !pip install x\n", "if True:\n    pass\n"),
        ("try:\n    %load_ext autoreload\nexcept Exception:\n    pass", "try:\n    pass\nexcept Exception:\n    pass"),
        ("df?", "pass"),
        ("??df.merge", "pass"),
        ("!pip install a \\\n    b \\\n    c\nx = 1", "pass\n\n\nx = 1"),
        ("pip install nltk\nimport nltk", "pass\nimport nltk"),  # automagic: IPython runs it without `%`
        ("if gpu:\n    conda install -y xgboost", "if gpu:\n    pass"),
    ],
)
def test_ipython_lines_become_parseable_with_same_line_count(cell: str, expected: str) -> None:
    out, is_python = neutralise_cell(cell)
    assert is_python
    assert out == expected
    assert out.count("\n") == cell.count("\n")
    ast.parse(out)


def test_modulo_continuation_is_not_a_magic() -> None:
    cell = "x = (a\n% 3)\ny = 10 \\\n% 4"
    out, _ = neutralise_cell(cell)
    assert out == cell


def test_percent_inside_string_and_comparison_untouched() -> None:
    cell = 'label = "%d items" % n\nok = a != b'
    assert neutralise_cell(cell)[0] == cell


def test_python_body_cell_magic_keeps_body() -> None:
    out, is_python = neutralise_cell("%%time\nmodel.fit(X, y)")
    assert is_python and out == "pass\nmodel.fit(X, y)"


@pytest.mark.parametrize("magic", ["%%bash", "%%html", "%%writefile setup.sh", "%%javascript", "%%sql"])
def test_other_language_cell_magic_is_not_python(magic: str) -> None:
    out, is_python = neutralise_cell(f"{magic}\nls -la\necho <b>")
    assert not is_python
    assert out == "\n\n"


# Every character the shortcut treats specially, and whitespace `\s` knows beyond ASCII.
_SHORTCUT_ALPHABET = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000=!%?a(#'"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_SHORTCUT_ALPHABET, max_size=24))
def test_shortcut_answers_what_its_regex_would(text: str) -> None:
    assert _may_be_ipython(text) == bool(_MAYBE_IPYTHON.search(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("x = 1\ny = a % b", False),  # modulo after an operand
    ("ok = a != b", False),
    ("x = 1\n \t%time f()", True),  # a line starting with a magic
    ("x = 1\u2028 %time", False),  # U+2028 is whitespace but not a line start for `^`
    ("files =\t!ls", True),
    ("%%time", True),
    ("df.head()?", True),
    ("pip install nltk", True),
    ("pipeline = make_pipeline(scaler)\ninstall_dir = 'x'", False),  # a name starting with pip, a word install
])
def test_shortcut_near_misses(text: str, expected: bool) -> None:
    assert _may_be_ipython(text) is expected
    assert bool(_MAYBE_IPYTHON.search(text)) is expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("%time clf.fit(X_train, y_train)", "clf.fit(X_train, y_train)"),
        ("%timeit -n 3 -r 2 acc = accuracy_score(y, p)", "acc = accuracy_score(y, p)"),
        ("%timeit -q -n100 x.sum()", "x.sum()"),
        ("%prun -s cumulative -l 10 train(model)", "train(model)"),
        ("%memit -r 2 load()", "load()"),
        ("for i in range(2):\n    %time step(i)", "for i in range(2):\n    step(i)"),
        ("%time", "pass"),  # nothing to time
        ("%time for i in range(3):\n    pass", "pass\n    pass"),  # not a statement on its own: as before
        ("%time x = f(", "pass"),
        ("%matplotlib -x inline", "pass"),  # not a timing magic
    ],
)
def test_timing_magics_keep_the_statement_they_time(cell: str, expected: str) -> None:
    out, is_python = neutralise_cell(cell)
    assert is_python and out == expected
    assert out.count("\n") == cell.count("\n")


def test_a_timed_fit_in_a_notebook_is_evidence_at_its_cell_and_line() -> None:
    import json

    from proofolio.detectors.engine import detect_file
    from proofolio.detectors.registry import default_registry
    from proofolio.documents import read_document

    cells = [
        {"cell_type": "code", "source": "from sklearn.linear_model import LogisticRegression\nclf = LogisticRegression()",
         "metadata": {}, "outputs": [], "execution_count": 1},
        {"cell_type": "code", "source": "%matplotlib inline\n%time clf.fit(X_train, y_train)",
         "metadata": {}, "outputs": [], "execution_count": 2},
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    document = read_document("n.ipynb", json.dumps(nb).encode())
    found, _ = detect_file(document, default_registry().file_detectors(), "r", None)
    fits = [(e.location.cell, e.location.line, e.snippet) for e in found if e.value("api") == "sklearn.linear_model.LogisticRegression.fit"]
    assert fits == [(1, 2, "clf.fit(X_train, y_train)")]


def test_a_hostile_timed_statement_is_left_to_the_cell_parse() -> None:
    deep = "%time x" + "[0]" * 100_000
    out, is_python = neutralise_cell(deep)
    assert is_python and out == "pass"


def test_a_cell_indented_from_its_first_line_runs_dedented_as_in_ipython() -> None:
    assert without_leading_indent(" df = load()\n df.describe()") == "df = load()\ndf.describe()"
    assert without_leading_indent("\tif x:\n\t    y()\nz()") == "if x:\n    y()\nz()"
    assert without_leading_indent("x = 1\n  y = 2") == "x = 1\n  y = 2"  # only a first line's indent counts
    assert without_leading_indent("\n  y = 2\n  z()") == "\ny = 2\nz()"  # after blank lines, as IPython drops them
