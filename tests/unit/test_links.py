"""Permalinks, displayed locations and URL redaction: the strings a reader clicks and reads."""

from __future__ import annotations

import pytest

from proofolio.links import commit_url, display_location, permalink, redact_url
from proofolio.models import Location, SourceInfo

SHA = "3f9a2c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39"
REPO = "alice/churn-prediction"


def gh(web_url: str | None = "https://github.com/alice/churn-prediction") -> SourceInfo:
    return SourceInfo(REPO, "git", "/tmp/churn", commit=SHA, web_url=web_url)


def loc(path: str, line: int | None = None, end: int | None = None, cell: int | None = None, commit: str | None = SHA) -> Location:
    return Location(REPO, commit, path, line, end, cell)


BLOB = f"https://github.com/alice/churn-prediction/blob/{SHA}"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (loc("src/train.py", 12, 14), f"{BLOB}/src/train.py#L12-L14"),
        (loc("src/train.py", 12), f"{BLOB}/src/train.py#L12"),
        (loc("src/train.py", 12, 12), f"{BLOB}/src/train.py#L12"),
        (loc("src/train.py", 12, 3), f"{BLOB}/src/train.py#L12"),  # nonsense range: the start line
        (loc("Dockerfile"), f"{BLOB}/Dockerfile"),
        (loc("notebooks/churn analysis.ipynb", 3, 5, cell=6), f"{BLOB}/notebooks/churn%20analysis.ipynb"),
        (loc("notebooks/EDA.IPYNB", 1, cell=0), f"{BLOB}/notebooks/EDA.IPYNB"),
        (loc("données/a#b?c%d.py", 2), f"{BLOB}/donn%C3%A9es/a%23b%3Fc%25d.py#L2"),
        (loc("[x](javascript:alert(1)).py", 1), f"{BLOB}/%5Bx%5D%28javascript%3Aalert%281%29%29.py#L1"),
    ],
)
def test_permalink_exact(location: Location, expected: str) -> None:
    assert permalink(location, gh()) == expected


@pytest.mark.parametrize(
    "web_url",
    [
        "https://github.com/alice/churn-prediction/",
        "https://github.com/alice/churn-prediction.git",
        "https://x-access-token:ghp_secret@github.com/alice/churn-prediction",
    ],
)
def test_permalink_normalises_web_url(web_url: str) -> None:
    assert permalink(loc("src/train.py", 1), gh(web_url)) == f"{BLOB}/src/train.py#L1"


@pytest.mark.parametrize(
    ("location", "source"),
    [
        (loc("src/train.py", 1, commit=None), gh()),  # file changed since the commit
        (loc("src/train.py", 1), gh(web_url=None)),  # local repo without a known web page
        (loc("src/train.py", 1), None),
        (loc("src/train.py", 1), gh("javascript:alert(1)//github.com/a/b")),
        (loc("src/train.py", 1), gh("file:///etc/passwd")),
        (loc("src/train.py", 1), gh("https://github.com/a/b?x=1")),
        (loc("../outside.py", 1), gh()),
        (loc("/etc/passwd", 1), gh()),
        (loc("", None), gh()),
    ],
)
def test_no_permalink_when_it_cannot_be_pinned_or_trusted(location: Location, source: SourceInfo | None) -> None:
    assert permalink(location, source) is None


def test_commit_url() -> None:
    assert commit_url(gh()) == f"https://github.com/alice/churn-prediction/commit/{SHA}"
    assert commit_url(SourceInfo("kaggle", "folder", "./kaggle")) is None


@pytest.mark.parametrize(
    ("location", "with_repo", "expected"),
    [
        (loc("src/train.py", 12, 14), False, "src/train.py:12-14"),
        (loc("src/train.py", 12), False, "src/train.py:12"),
        (loc("src/train.py"), False, "src/train.py"),
        (loc("src/train.py", 12, 14), True, "alice/churn-prediction/src/train.py:12-14"),
        (loc("notebooks/a.ipynb", 3, cell=6), False, "notebooks/a.ipynb · cell 7, line 3"),
        (loc("notebooks/a.ipynb", 3, 5, cell=6), False, "notebooks/a.ipynb · cell 7, lines 3-5"),
        (loc("notebooks/a.ipynb", cell=0), False, "notebooks/a.ipynb · cell 1"),
        (Location("churn", None, "notebooks/a.ipynb", 3, None, 6), True, "churn/notebooks/a.ipynb · cell 7, line 3"),
    ],
)
def test_display_location(location: Location, with_repo: bool, expected: str) -> None:
    assert display_location(location, with_repo=with_repo) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x-access-token:ghp_abc@github.com/a/b.git", "https://github.com/a/b.git"),
        ("https://ghp_abc@github.com/a/b", "https://github.com/a/b"),
        ("ssh://git:pw@host:2222/a/b", "ssh://host:2222/a/b"),
        ("https://example.com/a?access_token=abc&ref=main", "https://example.com/a?access_token=REDACTED&ref=main"),
        ("https://github.com/a/b", "https://github.com/a/b"),
        ("git@github.com:a/b.git", "git@github.com:a/b.git"),  # scp-like: a user name, no secret
        ("/home/alice/repo", "/home/alice/repo"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
