"""Aliases resolve to qualified names; relative and star imports are noted."""

import ast

from proofolio.documents.imports import build_import_map


def imports_of(code: str, path: str = "m.py"):
    return build_import_map(ast.parse(code), path)


def test_aliases_resolve_to_qualified_names() -> None:
    m = imports_of(
        "import pandas as pd\nimport torch.nn as nn\nimport os.path\n"
        "from sklearn.preprocessing import StandardScaler as SS, OneHotEncoder\n"
    )
    assert m.resolve_name("pd") == "pandas"
    assert m.resolve_name("nn") == "torch.nn"
    assert m.resolve_name("os") == "os"
    assert m.resolve_name("SS") == "sklearn.preprocessing.StandardScaler"
    assert m.resolve_name("OneHotEncoder") == "sklearn.preprocessing.OneHotEncoder"
    assert m.resolve_name("StandardScaler") is None


def test_imports_inside_functions_and_try_blocks_count() -> None:
    m = imports_of("def f():\n    import numpy as np\ntry:\n    import xgboost as xgb\nexcept ImportError:\n    xgb = None\n")
    assert m.resolve_name("np") == "numpy"
    assert m.resolve_name("xgb") == "xgboost"


def test_relative_imports_resolve_against_the_file_package() -> None:
    m = imports_of("from .model import Net\nfrom ..data import load\nfrom . import utils\n", "src/digitnet/sub/train.py")
    assert m.resolve_name("Net") == "digitnet.sub.model.Net"
    assert m.resolve_name("load") == "digitnet.data.load"
    assert m.resolve_name("utils") == "digitnet.sub.utils"
    assert "digitnet" not in m.top_level  # local code is not a third-party import


def test_star_imports_are_recorded() -> None:
    m = imports_of("from sklearn.metrics import *\n")
    assert m.star_modules == ["sklearn.metrics"]
    assert m.imports("sklearn")
    assert not m.imports("sklearn.ensemble")


def test_imports_checks_packages_not_prefixes() -> None:
    m = imports_of("import pandasql\n")
    assert not m.imports("pandas")
    assert m.imports("pandasql")


def test_re_exporting_modules_resolve_to_what_they_re_export() -> None:
    m = imports_of(
        "import matplotlib.pylab as plt\nimport pylab\nfrom pylab import *\n"
        "from sklearn.externals import joblib\nfrom matplotlib.pylab import figure as fig\n"
    )
    assert m.resolve_name("plt") == "matplotlib.pyplot"
    assert m.resolve_name("pylab") == "matplotlib.pyplot"
    assert m.resolve_name("fig") == "matplotlib.pyplot.figure"
    assert m.resolve_name("joblib") == "joblib"
    assert m.star_modules == ["matplotlib.pyplot"]
    assert m.imports("joblib") and m.imports("sklearn") and m.imports("matplotlib") and m.imports("pylab")


def test_modules_that_only_look_like_a_re_export_keep_their_names() -> None:
    m = imports_of("import pylabtools as pt\nimport matplotlib.pylab_extra as px\nfrom sklearn.externals import six\n")
    assert m.resolve_name("pt") == "pylabtools"
    assert m.resolve_name("px") == "matplotlib.pylab_extra"
    assert m.resolve_name("six") == "sklearn.externals.six"
    assert not m.imports("joblib")
