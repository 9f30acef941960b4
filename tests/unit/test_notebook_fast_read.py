"""Fast notebook reading gives nbformat's verdicts and the old results, in linear time.

- The hand-written v4 schema rules (``_surely_valid``) agree with nbformat's compiled
  fastjsonschema validator on generated, mutated and real notebooks.
- Cells that do not parse are found by parsing each run of cells that belong together (most
  often one cell) on its own: a notebook of broken cells reads in linear time, with the
  problems the parse of the whole joined source reported.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofolio.documents import notebook, read_document
from proofolio.documents.notebook import _schema_valid, _surely_valid, _v4_validator, _valid

ROOT = Path(__file__).resolve().parents[2]


def nbformat_verdict(nb: dict[str, Any]) -> bool:
    """What load_notebook decided before the hand-written rules: the compiled validator, ids tolerated."""
    minor = nb.get("nbformat_minor")
    validator = _v4_validator(minor if isinstance(minor, int) else None)
    return validator is None or _valid(validator, nb)


# --- generated notebooks: mostly valid, then mutated ------------------------------------------

texts = st.sampled_from(["", "x", "a\n", "one\ntwo", "é, ü", "a,b"])
multiline = texts | st.lists(texts, max_size=3)
counts = st.none() | st.integers(0, 3)
mime_keys = st.sampled_from(["text/plain", "text/html", "image/png", "application/json", "application/vnd.x+json",
                             "application/json\n", "application/xjson", "text/markdown"])
bundles = st.dictionaries(mime_keys, multiline, max_size=3)
outputs = st.one_of(
    st.fixed_dictionaries({"output_type": st.just("stream"), "name": st.sampled_from(["stdout", "stderr"]), "text": multiline}),
    st.fixed_dictionaries({"output_type": st.just("display_data"), "data": bundles, "metadata": st.builds(dict)}),
    st.fixed_dictionaries({"output_type": st.just("execute_result"), "data": bundles, "metadata": st.builds(dict),
                           "execution_count": counts}),
    st.fixed_dictionaries({"output_type": st.just("error"), "ename": texts, "evalue": texts, "traceback": st.lists(texts, max_size=2)}),
)
cell_metadata = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["setup", "a b", "x\n"]), "tags": st.lists(st.sampled_from(["a", "b", "c d"]), max_size=2, unique=True),
    "jupyter": st.fixed_dictionaries({}, optional={"source_hidden": st.booleans()}), "collapsed": st.booleans(),
    "scrolled": st.sampled_from([True, False, "auto"]), "format": texts,
    "execution": st.dictionaries(st.sampled_from(["iopub.status.busy", "shell.execute_reply", "custom"]), texts, max_size=2),
})
ids = st.sampled_from(["abc", "a-b_C9", "x" * 64])
code_cells = st.fixed_dictionaries(
    {"cell_type": st.just("code"), "metadata": cell_metadata, "source": multiline, "outputs": st.lists(outputs, max_size=3),
     "execution_count": counts}, optional={"id": ids})
text_cells = st.fixed_dictionaries(
    {"cell_type": st.sampled_from(["markdown", "raw"]), "metadata": cell_metadata, "source": multiline},
    optional={"id": ids, "attachments": st.dictionaries(st.sampled_from(["a.png", "b.gif"]), bundles, max_size=2)})
nb_metadata = st.fixed_dictionaries({}, optional={
    "kernelspec": st.fixed_dictionaries({"name": st.just("python3"), "display_name": st.just("Python 3")}),
    "language_info": st.fixed_dictionaries({"name": st.just("python")}, optional={
        "codemirror_mode": st.sampled_from(["python", {"name": "ipython", "version": 3}]), "file_extension": st.just(".py")}),
    "orig_nbformat": st.integers(1, 4), "title": texts, "authors": st.lists(st.builds(dict), max_size=2),
})
notebooks = st.fixed_dictionaries({"nbformat": st.just(4), "nbformat_minor": st.integers(0, 6), "metadata": nb_metadata,
                                   "cells": st.lists(code_cells | text_cells, max_size=4)})

KEYS = ["id", "cell_type", "metadata", "source", "outputs", "execution_count", "attachments", "output_type", "data",
        "name", "text", "ename", "evalue", "traceback", "kernelspec", "language_info", "display_name", "orig_nbformat",
        "title", "authors", "codemirror_mode", "file_extension", "tags", "jupyter", "collapsed", "scrolled", "execution",
        "format", "nbformat", "nbformat_minor", "cells", "iopub.status.busy", "text/plain", "application/json", "extra", "a\nb"]
WEIRD = [None, True, False, 0, -1, 1, 5, 1.5, 4.0, "", "auto", "a,b", "x\n", "bad id!", "x" * 65, [], {}, ["a", 1], ["a", "a"],
         {"a": 1}, {"text/plain": "x"}, "code", "markdown", "raw", "heading", "stream", "error", "display_data", "execute_result"]
json_values = st.recursive(st.none() | st.booleans() | st.integers(-2, 6) | texts,
                           lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=2),
                           max_leaves=6)
weird = st.sampled_from(WEIRD) | json_values


def containers(value: Any) -> list[Any]:
    """Every dict and list inside ``value``, itself included."""
    found = [value] if isinstance(value, dict | list) else []
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        found.extend(containers(child))
    return found


def mutate(nb: dict[str, Any], data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(containers(nb)))
    if isinstance(target, dict):
        op = data.draw(st.sampled_from(["delete", "set", "set"]))
        if op == "delete" and target:
            del target[data.draw(st.sampled_from(sorted(target)))]
        else:
            target[data.draw(st.sampled_from(KEYS) | st.sampled_from(sorted(target) or ["x"]))] = copy.deepcopy(data.draw(weird))
    elif target and data.draw(st.booleans()):
        target[data.draw(st.integers(0, len(target) - 1))] = copy.deepcopy(data.draw(weird))
    else:
        target.append(copy.deepcopy(data.draw(weird)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(notebooks, st.integers(0, 3), st.data())
def test_hand_written_rules_give_nbformats_verdict(nb: dict[str, Any], mutations: int, data: st.DataObject) -> None:
    nb = copy.deepcopy(nb)
    for _ in range(mutations):
        mutate(nb, data)
    if nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        return  # not the v4 path of load_notebook
    expected = nbformat_verdict(nb)
    assert _surely_valid(nb) == expected
    assert _schema_valid(nb) == expected


def _nb(minor: int = 5, nb_meta: dict[str, Any] | None = None, **cell: Any) -> dict[str, Any]:
    base = {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": None}
    if minor >= 5:
        base["id"] = "c1"
    return {"nbformat": 4, "nbformat_minor": minor, "metadata": nb_meta or {}, "cells": [{**base, **cell}]}


def _out(**fields: Any) -> dict[str, Any]:
    return {"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}, **fields}


@pytest.mark.parametrize(("nb", "valid"), [
    (_nb(), True),
    (_nb(id="a" * 64), True),
    (_nb(id="a" * 65), False),
    (_nb(id="a\n"), False),  # the pattern's `$` is compiled as `\Z`
    (_nb(id="bad id"), False),
    (_nb(minor=4, id="abc"), False),  # before 4.5 an id is an unknown key
    (_nb(minor=6), True),  # a future minor is checked against 4.5
    (_nb(minor=-1), False),
    ({**_nb(), "nbformat_minor": True}, False),
    ({**_nb(), "nbformat_minor": 5.0}, False),
    ({**_nb(), "nbformat_minor": []}, False),
    ({**_nb(), "extra": 1}, False),
    (_nb(execution_count=-1), False),
    (_nb(execution_count=True), False),
    (_nb(execution_count=1.0), False),
    (_nb(attachments={}), False),  # code cells have none
    (_nb(metadata={"tags": ["a", "b"]}), True),
    (_nb(metadata={"tags": ["a", "a"]}), False),
    (_nb(metadata={"tags": ["a,b"]}), False),
    (_nb(metadata={"name": "x\n"}), False),
    (_nb(metadata={"scrolled": "auto"}), True),
    (_nb(metadata={"scrolled": 1}), False),
    (_nb(minor=3, metadata={"execution": {"shell.execute_reply": 1}}), True),  # execution: from 4.4
    (_nb(minor=4, metadata={"execution": {"shell.execute_reply": 1}}), False),
    (_nb(metadata={"execution": {"a\nb": 1}}), True),  # key does not match `^.*$`: value unchecked
    (_nb(minor=2, metadata={"jupyter": []}), True),  # jupyter: from 4.3
    (_nb(minor=3, metadata={"jupyter": []}), False),
    (_nb(minor=1, nb_meta={"title": 1}), True),  # title: from 4.2
    (_nb(minor=2, nb_meta={"title": 1}), False),
    (_nb(nb_meta={"authors": {}}), False),
    (_nb(nb_meta={"orig_nbformat": 0}), False),
    (_nb(nb_meta={"kernelspec": {"name": "python3", "display_name": "Python 3", "x": 1}}), True),
    (_nb(nb_meta={"kernelspec": {"name": "python3"}}), False),
    (_nb(nb_meta={"language_info": {"name": "python", "codemirror_mode": {"name": "ipython"}}}), True),
    (_nb(nb_meta={"language_info": {"name": "python", "codemirror_mode": 3}}), False),
    (_nb(outputs=[_out()]), True),
    (_nb(outputs=[_out(data={"application/json": {"a": [1]}})]), True),
    (_nb(outputs=[_out(data={"application/json\n": {"a": 1}})]), True),  # patternProperties keep `$`
    (_nb(outputs=[_out(data={"text/plain": {"a": 1}})]), False),
    (_nb(outputs=[_out(extra=1)]), False),
    (_nb(outputs=[_out(output_type="execute_result")]), False),  # no execution_count
    (_nb(outputs=[_out(output_type="execute_result", execution_count=None)]), True),
    (_nb(outputs=[{"output_type": "stream", "name": "stdout", "text": ["a", 1]}]), False),
    (_nb(outputs=[{"output_type": "error", "ename": "E", "evalue": "", "traceback": ["t"]}]), True),
    (_nb(outputs=[{"output_type": "error", "ename": "E", "evalue": "", "traceback": "t"}]), False),
    (_nb(outputs=[{"output_type": "future", "x": 1}]), False),
    (_nb(cell_type="heading"), False),
])
def test_schema_rules_near_misses(nb: dict[str, Any], valid: bool) -> None:
    assert nbformat_verdict(nb) is valid  # the case tests what it says
    assert _surely_valid(nb) is valid


def test_the_rules_are_those_of_the_installed_schemas() -> None:
    """A new nbformat minor (a 4.6 schema) needs its rules in _surely_valid before it is trusted."""
    import nbformat

    assert nbformat.current_nbformat_minor == notebook._NEWEST_MINOR == 5


def test_missing_cell_ids_are_tolerated_as_nbformat_does() -> None:
    nb = _nb()
    del nb["cells"][0]["id"]
    assert _surely_valid(nb) and nbformat_verdict(nb)
    nb["cells"][0]["execution_count"] = "1"  # still invalid with an id added
    assert not _surely_valid(nb) and not nbformat_verdict(nb)


def test_an_unhashable_minor_version_is_a_problem_not_a_crash() -> None:
    """The compiled validators are cached by minor version: a list there raised TypeError."""
    doc = read_document("x.ipynb", json.dumps({**_nb(), "nbformat_minor": [5]}).encode())
    assert [p.kind for p in doc.problems] == ["invalid-notebook"] and doc.tree is not None


def _repository_notebooks() -> list[Path]:
    return sorted(p for folder in ("fixtures", "examples", "tests") for p in (ROOT / folder).rglob("*.ipynb"))


def test_repository_notebooks_get_nbformats_verdict() -> None:
    checked = 0
    for path in _repository_notebooks():
        nb = json.loads(path.read_bytes())
        if isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list):
            assert _surely_valid(nb) == nbformat_verdict(nb), path
            checked += 1
    assert checked >= 10


def test_a_valid_notebook_is_read_without_the_compiled_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken (no nbformat import, no fastjsonschema); only doubt consults it."""
    consulted: list[object] = []
    monkeypatch.setattr(notebook, "_v4_validator", lambda minor: consulted.append(minor))
    good = json.dumps(_nb(outputs=[_out()])).encode()
    assert read_document("a.ipynb", good).problems == [] and consulted == []
    bad = json.dumps(_nb(outputs=[_out(extra=1)])).encode()
    read_document("b.ipynb", bad)
    assert consulted == [5]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<table>", "<b>", "x" * 7000, "<ta", "ble>", 3]), max_size=8) | st.text(max_size=30))
def test_html_table_looks_where_it_always_did(html: Any) -> None:
    assert notebook._html_table(html) == ("<table" in notebook.cell_text(html)[:20000])


def test_cell_text_skips_what_is_not_a_line() -> None:
    assert notebook.cell_text(["a\n", "b"]) == "a\nb"
    assert notebook.cell_text(["a\n", 1, None, "b"]) == "a\nb"
    assert notebook.cell_text({"a": 1}) == ""


# --- cells that do not parse ----------------------------------------------------------------

def code_notebook(sources: list[str]) -> bytes:
    cells = [{"cell_type": "markdown", "id": "md", "metadata": {}, "source": "# Title"}]
    cells += [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": s}
              for i, s in enumerate(sources)]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()


def cell_problems(doc: Any) -> list[tuple[int | None, int | None, str]]:
    return sorted((p.cell, p.line, p.reason) for p in doc.problems if p.kind == "cell-syntax-error")


def test_thousands_of_broken_cells_read_in_linear_time() -> None:
    """Blaming one cell per parse of the whole notebook cost 25 s here; now each cell is parsed on its own."""
    data = code_notebook([f"x{i} = (" if i % 2 else f"def f{i}(:\n    pass" for i in range(4000)])
    started = time.perf_counter()
    doc = read_document("broken.ipynb", data)
    assert time.perf_counter() - started < 5
    assert doc.tree is not None and doc.tree.body == []
    assert len(cell_problems(doc)) == 4000
    assert not any(c.parsed for c in doc.notebook.code_cells)
    assert cell_problems(doc)[:2] == [(1, 1, "code cell skipped: invalid syntax"), (2, 1, "code cell skipped: '(' was never closed")]


MIXED = [
    "import pandas as pd\ndf = pd.read_csv('a.csv')",  # cell 1: good
    "print 'hello'\nx = 1",  # 2: Python 2, rewritten
    "x = 1\ndef f(:\n    return 1",  # 3: broken on its line 2
    "z = 2",  # 4: good
    "for i in range(3):\nprint(i)",  # 5: names a line (joined numbering)
    "w = (1,\n 2]",  # 6: names a line
    "u = 'abc",  # 7: names a line
    "v = 4",  # 8: good
    's = """abc\nmore',  # 9: detected at the end of the joined source
    "t = 5",  # 10: good
]


def test_mixed_notebook_problems_name_cell_line_and_message() -> None:
    doc = read_document("mixed.ipynb", code_notebook(MIXED))
    starts = {c.index: c.first_line for c in doc.notebook.code_cells}
    assert cell_problems(doc) == [
        (3, 2, "code cell skipped: invalid syntax"),
        (5, 2, f"code cell skipped: expected an indented block after 'for' statement on line {starts[5]}"),
        (6, 2, f"code cell skipped: closing parenthesis ']' does not match opening parenthesis '(' on line {starts[6]}"),
        (7, 1, f"code cell skipped: unterminated string literal (detected at line {starts[7]})"),
        (9, 1, f"code cell skipped: unterminated triple-quoted string literal (detected at line {len(doc.lines)})"),
    ]
    assert [p.kind for p in doc.problems][-1] == "python2" and doc.python2
    assert [c.index for c in doc.notebook.code_cells if not c.parsed] == [3, 5, 6, 7, 9]
    assert doc.imports.resolve_name("pd") == "pandas"
    assert doc.lines[starts[2] - 1] == "print('hello')"
    assert doc.cell_position(doc.lines.index("t = 5") + 1) == (10, 1)
    assert len(doc.lines) == sum(len(s.split("\n")) for s in MIXED)  # blanked cells keep their lines


def test_a_cell_cut_short_does_not_blame_the_cells_after_it() -> None:
    """Joined, `for x in y:` at a cell's end made the next cell the error, and so on to the last
    (whose blanking lost the whole tree). Parsed on its own, only the cut cell is skipped."""
    doc = read_document("cut.ipynb", code_notebook(["a = 1", "for x in y:", "z = 2", "w = 3"]))
    assert doc.tree is not None
    assert cell_problems(doc) == [(2, 1, "code cell skipped: expected an indented block after 'for' statement on line 2")]
    assert [c.index for c in doc.notebook.code_cells if not c.parsed] == [2]


def test_an_indented_cell_runs_dedented_as_in_ipython() -> None:
    """IPython runs each cell on its own, a first line's indentation removed (its leading_indent
    cleanup): a cell never continues the block of the cell before, and an indented cell is no error."""
    doc = read_document("split.ipynb", code_notebook(["if x:", "    y = 1", "def f(:"]))
    assert [c for c, _, _ in cell_problems(doc)] == [1, 3]  # `if x:` alone is incomplete, as IPython says
    doc = read_document("loop.ipynb", code_notebook(["for i in y:\n    a()", "\n# next", "    b()", "x = = 1"]))
    assert [c for c, _, _ in cell_problems(doc)] == [4]
    loop, after = doc.tree.body[0], doc.tree.body[1]
    assert [s.value.func.id for s in loop.body] == ["a"] and after.value.func.id == "b"
    doc = read_document("top.ipynb", code_notebook(["a = 1", "    b()", "x = = 1"]))
    assert cell_problems(doc) == [(3, 1, "code cell skipped: invalid syntax")]


def test_thousands_of_indented_broken_cells_stay_linear() -> None:
    """Runs of cells parsed together are capped: the blame loop inside one costs its length²."""
    started = time.perf_counter()
    doc = read_document("indented.ipynb", code_notebook(["    x = (" for _ in range(4000)]))
    assert time.perf_counter() - started < 5
    assert len(cell_problems(doc)) == 4000 and doc.tree is not None


def test_errors_only_the_joined_cells_have_are_still_blamed_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last resort after the runs: with no run fixed first, it finds the same cells."""
    expected = read_document("m.ipynb", code_notebook(MIXED[:5]))
    monkeypatch.setattr(notebook, "_runs", lambda pieces: iter(()))
    doc = read_document("m.ipynb", code_notebook(MIXED[:5]))
    assert cell_problems(doc) == cell_problems(expected) and len(cell_problems(doc)) == 2
    assert doc.python2 and doc.source == expected.source


def test_a_cell_too_deep_for_the_parser_makes_the_notebook_unparseable() -> None:
    doc = read_document("deep.ipynb", code_notebook(["def f(:", "x = " + "-" * 200_000 + "1"]))
    assert doc.tree is None
    assert [p.kind for p in doc.problems] == ["cell-syntax-error", "unparseable"]
