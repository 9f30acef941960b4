"""The report formats a run does not write are not imported (a warm run is mostly start-up)."""

from __future__ import annotations

import subprocess
import sys


def test_html_and_json_resume_load_only_when_asked() -> None:
    code = (
        "import sys, proofolio.reporters as r\n"
        "lazy = ('proofolio.reporters.html', 'proofolio.reporters.jsonresume', 'markupsafe')\n"
        "print(sorted(m for m in lazy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_lazy_formats_render_as_their_modules_do() -> None:
    from support import ROOT

    from proofolio.reporters import FORMATS
    from proofolio.reporters.html import render_html
    from proofolio.reporters.json_report import load_result
    from proofolio.reporters.jsonresume import render_jsonresume

    result = load_result(ROOT / "examples" / "reports" / "report.json")
    assert FORMATS["html"](result) == render_html(result)
    assert FORMATS["jsonresume"](result) == render_jsonresume(result)
