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
