"""Email addresses stay out of reports unless --show-emails; verify still finds the candidate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from proofolio.privacy import email_token, reveal
from support import CANDIDATE

SCRIPT = Path(sys.executable).parent / "proofolio"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_reports_hide_emails_and_verify_still_passes(two_author_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    proc = _run("analyze", str(two_author_repo), "--author-email", CANDIDATE[1], "-q",
                "-o", f"{out}.json", "-o", f"{out}.md", "-o", f"{out}.html")
    assert proc.returncode == 0, proc.stderr
    for suffix in (".json", ".md", ".html"):
        text = Path(f"{out}{suffix}").read_text()
        assert "example.org" not in text, suffix
    (source,) = json.loads(Path(f"{out}.json").read_text())["sources"]
    assert source["candidate"] == f"{email_token(CANDIDATE[1])} (--author-email)"
    verify = _run("verify", f"{out}.json", "-q")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_show_emails_prints_them(two_author_repo: Path) -> None:
    proc = _run("analyze", str(two_author_repo), "--format", "json", "-q", "--show-emails")
    (source,) = json.loads(proc.stdout)["sources"]
    assert proc.returncode == 0, proc.stderr
    assert source["candidate"] == f"{CANDIDATE[1]} (most commits)"  # one commit each: alphabetically first


def test_reveal_finds_hidden_addresses_among_known_ones() -> None:
    text = f"{email_token('Alex@Example.org')}, bo@example.org"
    assert reveal(text, ["someone@else.org", "alex@example.org"]) == ("bo@example.org", "alex@example.org")
    assert reveal(text, ["someone@else.org"]) == ("bo@example.org",)
