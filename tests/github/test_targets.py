"""Which TARGET strings mean GitHub, and which stay local paths."""

from __future__ import annotations

import pytest

from proofolio.sources.targets import GitHubTarget, TargetSyntaxError, parse_target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("github:octocat", GitHubTarget("octocat")),
        ("github:octocat/hello-ml", GitHubTarget("octocat", "hello-ml")),
        ("@octocat", GitHubTarget("octocat")),
        ("https://github.com/octocat", GitHubTarget("octocat")),
        ("https://github.com/octocat/", GitHubTarget("octocat")),
        ("https://github.com/octocat/hello-ml", GitHubTarget("octocat", "hello-ml")),
        ("https://github.com/octocat/hello-ml.git", GitHubTarget("octocat", "hello-ml")),
        ("https://www.github.com/Octo-Cat", GitHubTarget("Octo-Cat")),
    ],
)
def test_github_spellings(text: str, expected: GitHubTarget) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["octocat", "./octocat", "~/code/portfolio", "github", "/tmp/@x/y", "some/github:x"])
def test_everything_else_is_a_local_path(text: str) -> None:
    assert parse_target(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "github:-bad",  # logins cannot start with a hyphen
        "github:a--b",  # nor hold two hyphens in a row
        "@" + "a" * 40,  # nor exceed 39 characters
        "https://gitlab.com/octocat",
        "https://github.com/",
        "https://github.com/octocat/hello-ml/tree/main",
        "github:octocat/..",
    ],
)
def test_malformed_github_targets_are_refused(text: str) -> None:
    with pytest.raises(TargetSyntaxError):
        parse_target(text)


def test_label_names_user_or_repository() -> None:
    assert GitHubTarget("octocat").label == "github:octocat"
    assert GitHubTarget("octocat", "hello-ml").label == "github:octocat/hello-ml"
