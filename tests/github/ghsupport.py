"""What the GitHub tests share besides fixtures: the fake token and running the installed script.

A module of its own (not conftest) so test modules import it unambiguously.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROOFOLIO = Path(sys.executable).with_name("proofolio")
TOKEN = "ghp_FAKE_TOKEN_0123456789"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def invoke(base_url: str | None, home: Path, *args: str, token: str | None = TOKEN, per_page: int = 2,
           env: dict[str, str] | None = None) -> Run:
    """Run the installed console script with a private HOME; ``base_url`` None leaves --api-url out.

    ``env`` adds to (or overrides) the small environment the script otherwise gets.
    """
    base = {
        "PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        "PROOFOLIO_GITHUB_PER_PAGE": str(per_page), "XDG_CACHE_HOME": str(home / ".cache"),
        "PROOFOLIO_GITHUB_BACKOFF": "0.02",  # the real retry count, with sleeps of 0.02-0.16 s
    }
    if token is not None:
        base["GITHUB_TOKEN"] = token
    base.update(env or {})
    command = [str(PROOFOLIO), "analyze", *args]
    if base_url is not None:
        command += ["--api-url", base_url]
    done = subprocess.run(command, env=base, capture_output=True, text=True, timeout=300, check=False)
    return Run(done.returncode, done.stdout, done.stderr)
