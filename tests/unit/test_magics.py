"""IPython syntax is neutralised line for line, and only IPython syntax."""

import ast

import pytest

from proofolio.documents.magics import neutralise_cell


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
