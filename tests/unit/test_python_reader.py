"""Reading .py files the way Python does, and surviving the files Python would reject."""

import ast

import pytest

from proofolio.documents import read_document


def test_parses_and_builds_import_map() -> None:
    doc = read_document("pkg/train.py", b"import pandas as pd\nfrom . import utils\nx = pd.read_csv('a')\n")
    assert doc.tree is not None and doc.problems == []
    assert doc.imports.aliases["pd"].qualified == "pandas"
    assert doc.imports.aliases["utils"].qualified == "pkg.utils"


def test_latin1_coding_cookie_is_honoured() -> None:
    data = "# -*- coding: latin-1 -*-\nname = 'Müller'\n".encode("latin-1")
    doc = read_document("a.py", data)
    assert doc.tree is not None
    assert "Müller" in doc.source


def test_utf8_bom_is_removed() -> None:
    doc = read_document("a.py", b"\xef\xbb\xbfimport numpy as np\n")
    assert doc.tree is not None and doc.source.startswith("import numpy")


def test_python2_print_is_read_with_a_note_and_same_lines() -> None:
    data = b"import numpy as np\nprint 'mean', np.mean([1])\ntry:\n    pass\nexcept ValueError, e:\n    print e\n"
    doc = read_document("old.py", data)
    assert doc.tree is not None
    assert doc.python2
    assert [p.kind for p in doc.problems] == ["python2"]
    # the original text stays for snippets; the tree's lines match it
    assert doc.lines[1] == "print 'mean', np.mean([1])"
    calls = [n for n in ast.walk(doc.tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "print"]
    assert sorted(c.lineno for c in calls) == [2, 6]


def test_syntax_error_is_a_problem_with_its_line() -> None:
    doc = read_document("bad.py", b"def broken(:\n    pass\n")
    assert doc.tree is None  # blanking the broken lines leaves nothing: not Python to analyse
    assert [(p.kind, p.line) for p in doc.problems] == [("syntax-error", 1)]


def test_a_stray_line_is_blanked_and_the_rest_analysed() -> None:
    source = (
        b"import pandas as pd\n"
        b"//code is changed\n"
        b"df = pd.read_csv('sales.csv')\n"
        b"def broken(:\n"
        b"    pass\n"
        b"df = df.dropna()\n"
    )
    doc = read_document("prep.py", source)
    assert doc.tree is not None
    assert [(p.kind, p.line) for p in doc.problems] == [("syntax-error-recovered", 2)]
    assert "3 line(s) blanked: 2, 4, 5" in doc.problems[0].reason
    # lines keep their numbers: what parsed is cited where it stands, and snippets read the original text
    assert [n.lineno for n in doc.tree.body] == [1, 3, 6]
    assert doc.lines[1] == "//code is changed"


def test_escaped_triple_quotes_are_read_as_quotes() -> None:
    source = b'\\"\\"\\"Train the credit model.\\"\\"\\"\nimport joblib\n\n\ndef save(model):\n    \\"\\"\\"Write it.\\"\\"\\"\n    joblib.dump(model, "m.pkl")\n'
    doc = read_document("main.py", source)
    assert doc.tree is not None
    assert [p.kind for p in doc.problems] == ["syntax-error-recovered"]
    assert "read as quotes" in doc.problems[0].reason and "blanked" not in doc.problems[0].reason
    function = doc.tree.body[2]
    assert isinstance(function, ast.FunctionDef) and ast.get_docstring(function) == "Write it."


def test_a_file_that_is_mostly_not_python_stays_a_syntax_error() -> None:
    prose = "".join(f"This line {i} is prose, not code.\n" for i in range(40)) + "x = 1\n"
    doc = read_document("notes.py", prose.encode())
    assert doc.tree is None  # 40 broken lines are past the budget of 10 (15% of 41 is 6)
    assert [p.kind for p in doc.problems] == ["syntax-error"]


def test_python2_with_a_broken_line_is_rewritten_and_salvaged() -> None:
    doc = read_document("old.py", b"import numpy as np\nprint 'mean', np.mean([1])\n<<<<<<< HEAD\nx = 1\n")
    assert doc.tree is not None and doc.python2
    assert [p.kind for p in doc.problems] == ["syntax-error-recovered", "python2"]


def test_nul_bytes_mean_binary() -> None:
    doc = read_document("blob.py", b"\x89PNG\r\n\x00\x00\x00")
    assert doc.tree is None and doc.problems[0].kind == "binary"


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    doc = read_document("deep.py", ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode())
    assert doc.tree is None
    assert doc.problems[0].kind in {"too-complex", "syntax-error", "unparseable"}


def test_snippet_dedents_and_caps_lines() -> None:
    doc = read_document("a.py", b"def f():\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n")
    assert doc.snippet(2, 3) == "a = 1\nb = 2"
    assert doc.snippet(2, 6).count("\n") == 3


def test_snippets_of_one_line_drop_its_indentation_and_keep_blank_lines_as_they_are() -> None:
    long = "x = '" + "a" * 400 + "'"
    doc = read_document("a.py", f"def f():\n    return 1  \n   \n{long}\n".encode())
    assert doc.snippet(2) == "return 1  "
    assert doc.snippet(2, 2) == "return 1  "
    assert doc.snippet(3) == "   "
    assert doc.snippet(4) == long[:299] + "…"
    assert doc.snippet(1, 2) == "def f():\n    return 1  "  # several lines keep their relative indentation
    assert doc.snippet(9) == "" and doc.snippet(0) == ""


def test_tutorial_datasets_are_recognised_in_short_and_long_texts() -> None:
    from proofolio.detectors.support.tutorial_datasets import tutorial_dataset

    assert tutorial_dataset("data/titanic/train.csv") == "Titanic"
    assert tutorial_dataset("fetch_california_housing") == "California housing"
    assert tutorial_dataset("x" * 300 + "/iris.csv") == "Iris"  # past the cached length: still answered
    assert tutorial_dataset("sales.csv") is None


def test_salvage_of_a_large_broken_file_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from proofolio.documents import python

    parsed: list[int] = []
    real_parse = python.parse_source

    def counting(source: str, filename: str):  # type: ignore[no-untyped-def]
        parsed.append(len(source))
        return real_parse(source, filename)

    monkeypatch.setattr(python, "parse_source", counting)
    big = "x = 1\n" * 45_000 + 'print "x"\n' + "y = = 1\n" * 30  # 270 KB, Python 2 and 30 broken lines
    doc = read_document("big.py", big.encode())
    assert [p.kind for p in doc.problems] == ["syntax-error"]  # past the budget: given up, as documented
    # the original and its Python 2 rewrite once each, then one salvage within the file's budget
    # (a 944 KB file was parsed ~44 times, 25.7 s, when each candidate had its own budget)
    assert sum(parsed[2:]) <= python.SALVAGE_WORK_BYTES + len(big)
    assert len(parsed) <= 2 + python.SALVAGE_WORK_BYTES // len(big) + 1
