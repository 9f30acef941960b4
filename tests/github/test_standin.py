"""The stand-in itself behaves like GitHub where proofolio's tests rely on it."""

from __future__ import annotations

import requests
from standin import Fault, StandIn


def test_etag_gives_a_free_304(github: StandIn) -> None:
    url = f"{github.base_url}/users/alex-ml"
    first = requests.get(url, timeout=10)
    assert first.status_code == 200 and first.json()["url"] == url
    before = int(first.headers["X-RateLimit-Remaining"])
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["X-RateLimit-Remaining"]) == before  # conditional requests cost nothing
    stale = requests.get(url, headers={"If-None-Match": '"other"'}, timeout=10)
    assert stale.status_code == 200 and int(stale.headers["X-RateLimit-Remaining"]) == before - 1


def test_link_header_pagination_and_urls_on_its_own_host(github: StandIn) -> None:
    page = requests.get(f"{github.base_url}/users/alex-ml/repos?per_page=2", timeout=10)
    assert [r["name"] for r in page.json()] == ["churn-model", "forked-lib"]
    nxt, last = page.headers["Link"].split(", ")
    assert nxt == f'<{github.base_url}/users/alex-ml/repos?per_page=2&page=2>; rel="next"'
    assert last == f'<{github.base_url}/users/alex-ml/repos?per_page=2&page=3>; rel="last"'
    assert all(r["url"].startswith(github.base_url) and r["clone_url"].startswith(github.base_url) for r in page.json())
    final = requests.get(f"{github.base_url}/users/alex-ml/repos?per_page=2&page=3", timeout=10)
    assert "Link" not in final.headers and [r["name"] for r in final.json()] == ["empty-repo"]


def test_faults_are_answered_then_used_up(github: StandIn) -> None:
    github.faults.append(Fault(r"^/rate_limit$", 503, times=1))
    assert requests.get(f"{github.base_url}/rate_limit", timeout=10).status_code == 503
    assert requests.get(f"{github.base_url}/rate_limit", timeout=10).status_code == 200
    assert [r.status for r in github.log] == [503, 200]


def test_wrong_token_is_refused(github: StandIn) -> None:
    answer = requests.get(f"{github.base_url}/users/alex-ml", headers={"Authorization": "token nope"}, timeout=10)
    assert answer.status_code == 401 and answer.json()["message"] == "Bad credentials"
