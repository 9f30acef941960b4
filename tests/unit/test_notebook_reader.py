"""Notebooks: joined code, an exact line → cell map, outputs summarised, bad cells skipped."""

import ast
import json
from pathlib import Path

import pytest

from proofolio.documents import read_document

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "fixtures" / "notebooks" / "messy.ipynb"


@pytest.fixture(scope="module")
def messy():
    return read_document("nb/messy.ipynb", MESSY.read_bytes())


def test_broken_cell_is_skipped_not_the_notebook(messy) -> None:
    assert messy.tree is not None
    kinds = [(p.kind, p.cell) for p in messy.problems]
    assert ("cell-syntax-error", 3) in kinds
    broken = messy.code_cell(3)
    assert broken is not None and not broken.parsed
    assert all(c.parsed for c in messy.notebook.code_cells if c.index != 3)


def test_line_map_points_at_cell_and_line(messy) -> None:
    joined = messy.lines
    line = joined.index("df = df.fillna(0)") + 1
    assert messy.cell_position(line) == (2, 2)
    line = joined.index("plt.title('Prices')") + 1
    assert messy.cell_position(line) == (5, 2)


def test_magics_neutralised_and_python2_cell_rescued(messy) -> None:
    assert messy.lines[:2] == ["pass", "pass"]
    assert messy.python2
    assert messy.imports.resolve_name("plt") == "matplotlib.pyplot"


def test_outputs_summarised(messy) -> None:
    plot = messy.code_cell(5)
    assert plot.outputs.images == ("image/png",)
    assert "accuracy: 0.87" in plot.outputs.text
    table = messy.code_cell(2)
    assert table.outputs.html_table and table.execution_count == 1
    assert messy.code_cell(3).execution_count is None


def test_markdown_cells_kept_with_their_index(messy) -> None:
    assert [(m.index, m.text.splitlines()[0]) for m in messy.notebook.markdown_cells] == [(0, "# House prices"), (4, "## Plot")]


def test_bash_cell_is_not_python(messy) -> None:
    bash = messy.code_cell(6)
    assert bash.line_count == 1
    assert messy.lines[bash.first_line - 1] == ""


def _nb(cells, **extra) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **extra}).encode()


def test_invalid_json_is_a_problem() -> None:
    doc = read_document("x.ipynb", b"{not json")
    assert doc.tree is None and [p.kind for p in doc.problems] == ["invalid-notebook"]


def test_missing_cells_is_a_problem() -> None:
    doc = read_document("x.ipynb", json.dumps({"nbformat": 4, "metadata": {}}).encode())
    assert doc.tree is None and doc.problems[0].kind == "invalid-notebook"


def test_off_schema_notebook_is_read_leniently() -> None:
    cells = [{"cell_type": "code", "source": ["import numpy as np\n", "np.zeros(3)"], "outputs": [{"output_type": "stream", "text": 5}]}]
    doc = read_document("x.ipynb", _nb(cells))
    assert doc.tree is not None
    assert doc.imports.resolve_name("np") == "numpy"
    assert doc.problems[0].kind == "invalid-notebook"


def test_nbformat_v3_is_upgraded() -> None:
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "import pandas as pd", "language": "python", "outputs": [], "prompt_number": 1}]}]}
    doc = read_document("old.ipynb", json.dumps(v3).encode())
    assert doc.tree is not None and doc.imports.resolve_name("pd") == "pandas"
    assert doc.code_cell(0).execution_count == 1


def test_non_python_kernel_is_not_parsed() -> None:
    data = json.dumps({"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": "library(ggplot2)", "metadata": {}, "outputs": [], "execution_count": 1}],
                       "metadata": {"kernelspec": {"language": "R", "name": "ir", "display_name": "R"}}}).encode()
    doc = read_document("r.ipynb", data)
    assert doc.tree is None and doc.problems[-1].kind == "not-python"


def test_a_notebook_file_holding_plain_python_is_read_as_one_cell() -> None:
    script = b'%matplotlib inline\nimport pandas as pd\n\ndf = pd.read_csv("data.csv")\ndf.plot("x", "y", kind="scatter")\n'
    doc = read_document("linear_reg.ipynb", script)
    assert doc.kind == "notebook" and doc.tree is not None
    assert [p.kind for p in doc.problems] == ["notebook-as-script"]
    assert doc.notebook is not None and [c.index for c in doc.notebook.code_cells] == [0]
    assert doc.cell_position(4) == (0, 4)  # lines keep their numbers inside the one cell
    # broken JSON, prose and an empty file stay invalid notebooks
    for data in (b'{"cells": [', b"this is not json, nor python", b""):
        assert [p.kind for p in read_document("x.ipynb", data).problems] == ["invalid-notebook"]


def test_a_schema_failure_names_what_the_format_does_not_allow() -> None:
    """A reader can tell nothing was lost: Colab's errorDetails or a stray top-level key, named."""
    colab = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": 1, "source": "import pandas as pd",
         "outputs": [{"output_type": "error", "ename": "E", "evalue": "v", "traceback": [], "errorDetails": {}}]}]}
    doc = read_document("c.ipynb", json.dumps(colab).encode())
    assert [(p.kind, p.reason) for p in doc.problems if p.kind == "invalid-notebook"] == [
        ("invalid-notebook", "fails the nbformat schema (cell 0 output 0 key 'errorDetails'); read leniently")]
    assert [p.kind for p in doc.problems] == ["invalid-notebook", "notebook-run-errors"]  # and the run stopped
    assert doc.tree is not None  # read all the same
    kaggle = {"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "kernelspec": {}, "cells": []}
    assert [p.reason for p in read_document("k.ipynb", json.dumps(kaggle).encode()).problems] == [
        "fails the nbformat schema (top-level key 'kernelspec'); read leniently"]


def test_a_cell_pasted_with_a_leading_space_is_read() -> None:
    cells = [{"cell_type": "code", "source": "import pandas as pd", "outputs": [], "metadata": {}, "execution_count": 1},
             {"cell_type": "code", "source": " df = pd.read_csv('data.csv')\n df.describe()", "outputs": [],
              "metadata": {}, "execution_count": 2}]
    doc = read_document("x.ipynb", _nb(cells))
    assert [p.kind for p in doc.problems if p.kind == "cell-syntax-error"] == []
    assert doc.tree is not None and "read_csv" in ast.dump(doc.tree)


def test_a_notebook_malformed_in_unforeseen_ways_keeps_its_code() -> None:
    """Naming what the schema rejects must never cost the notebook: odd cell types and outputs are read leniently."""
    odd = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": ["code"], "id": "a", "metadata": {}, "source": "x = 1", "outputs": []},
        {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": 1, "outputs": 3,
         "source": "import pandas as pd\ndf = pd.read_csv('a.csv')"}]}
    doc = read_document("odd.ipynb", json.dumps(odd).encode())
    assert [p.kind for p in doc.problems] == ["invalid-notebook"]
    assert doc.tree is not None and "read_csv" in ast.dump(doc.tree)


def test_a_stored_run_that_stopped_at_an_error_is_said() -> None:
    """Code that crashed when last run still counts as written; the report says the run stopped there."""
    ok = {"cell_type": "code", "source": "import pandas as pd", "metadata": {}, "execution_count": 1, "outputs": []}
    crashed = {"cell_type": "code", "source": "df = pd.read_csv('a.csv')\ndf.describe()", "metadata": {},
               "execution_count": 2, "outputs": [{"output_type": "error", "ename": "NameError",
                                                   "evalue": "name 'pd' is not defined", "traceback": []}]}
    doc = read_document("x.ipynb", _nb([ok, crashed]))
    assert [(p.kind, p.cell) for p in doc.problems] == [("notebook-run-errors", 1)]
    assert "NameError in cell 1" in doc.problems[0].reason and "read_csv" in ast.dump(doc.tree)
    assert read_document("y.ipynb", _nb([ok])).problems == []
