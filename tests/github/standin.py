"""A GitHub stand-in on 127.0.0.1: the REST endpoints proofolio calls, and real git over HTTP.

Payload field names follow GitHub's OpenAPI description (``public-user``,
``minimal-repository``, ``issue-search-result-item``, ``rate-limit-overview``), and every URL
in a response starts with the stand-in's own base URL, as PyGithub requires (``html_url``
stays on github.com, as GitHub's does). Bare repositories under ``git_root`` are served by
``git http-backend``, so a ``clone_url`` is cloned for real, partial clone included.

Tests steer it through attributes: ``faults`` (answers to give instead of the real one),
``token`` (the only token accepted) and ``log`` (every request, for call-count assertions).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DOCS = "https://docs.github.com/rest"
DROP = -1  # Fault.status that closes the connection without answering
TRUNCATE = -2  # Fault.status (git endpoints): announce the whole answer, send half, hang up
STALL = -3  # Fault.status (git endpoints): announce the whole answer, send half, then send nothing for ``delay`` s


@dataclass
class Fault:
    """Answer ``status`` (or stall ``delay`` seconds first) to the next ``times`` matching requests.

    A stalled request is logged when the stall begins, with status STALL. A stall ends early
    when the test ends (``StandIn.reset``/``stop``): the connection is then closed unanswered,
    so a stalled handler thread never outlives, nor logs into, a later test.
    """

    path: str  # regex matched against the request path (without query)
    status: int = 0  # 0: no status override (a delay only); DROP: hang up
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    delay: float = 0.0
    query: str = ""  # substring the query must contain


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    query: str
    status: int
    authorization: str
    user_agent: str
    git_command: str = ""  # protocol-v2 command of a git POST: ls-refs / fetch


class StandIn:
    """Data and controls shared by the handler threads."""

    def __init__(self, git_root: Path) -> None:
        self.git_root = git_root
        self.users: dict[str, dict[str, Any]] = {}
        self.repos: dict[str, list[dict[str, Any]]] = {}  # login -> listed repositories
        self.repo_index: dict[str, dict[str, Any]] = {}  # owner/name -> repository
        self.pulls: dict[str, list[dict[str, Any]]] = {}  # login -> search items
        self.commits: dict[str, list[dict[str, Any]]] = {}  # login -> commit search items
        self.faults: list[Fault] = []
        self.log: list[Logged] = []
        self.token: str | None = None
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.reset_at = int(time.time()) + 3600
        self.lock = threading.Lock()
        self.unstall = threading.Event()  # set: every stalled answer stops waiting
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> StandIn:
        handler = type("Handler", (_Handler,), {"standin": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="standin", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.unstall.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def base_url(self) -> str:
        assert self.server is not None
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def reset(self) -> None:
        self.unstall.set()  # release handlers a fault is still stalling; later stalls wait on a new event
        self.unstall = threading.Event()
        with self.lock:
            self.faults.clear()
            self.log.clear()
            self.token = None
            self.rate_remaining = self.rate_limit

    # -- payloads ---------------------------------------------------------------------------

    def add_user(self, login: str, user_id: int, name: str) -> None:
        b = self.base_url
        self.users[login.lower()] = {
            "login": login, "id": user_id, "node_id": f"U_{user_id}", "type": "User", "site_admin": False,
            "name": name, "company": None, "blog": "", "location": None, "email": None, "bio": None,
            "avatar_url": f"{b}/avatars/{login}", "gravatar_id": "",
            "url": f"{b}/users/{login}", "html_url": f"https://github.com/{login}",
            "repos_url": f"{b}/users/{login}/repos", "followers_url": f"{b}/users/{login}/followers",
            "public_repos": 0, "public_gists": 0, "followers": 3, "following": 1,
            "created_at": "2019-01-01T00:00:00Z", "updated_at": "2025-06-01T00:00:00Z",
        }
        self.repos.setdefault(login.lower(), [])
        self.pulls.setdefault(login.lower(), [])

    def add_repo(self, owner: str, name: str, *, listed: bool = True, **fields: Any) -> dict[str, Any]:
        b = self.base_url
        full = f"{owner}/{name}"
        owner_data = self.users.get(owner.lower()) or {"login": owner, "id": 1, "url": f"{b}/users/{owner}"}
        repo = {
            "id": 1000 + len(self.repo_index), "node_id": f"R_{len(self.repo_index)}", "name": name,
            "full_name": full, "private": False,
            "owner": {k: owner_data[k] for k in ("login", "id", "url") if k in owner_data} | {"type": "User"},
            "html_url": f"https://github.com/{full}", "description": None, "fork": False,
            "url": f"{b}/repos/{full}", "clone_url": f"{b}/git/{full}.git",
            "git_url": f"git://127.0.0.1/{full}.git", "ssh_url": f"git@github.com:{full}.git",
            "languages_url": f"{b}/repos/{full}/languages", "homepage": None, "size": 12,
            "stargazers_count": 0, "watchers_count": 0, "forks_count": 0, "open_issues_count": 0,
            "language": None, "topics": [], "archived": False, "disabled": False, "visibility": "public",
            "default_branch": "main", "pushed_at": "2025-01-01T00:00:00Z",
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
        }
        repo.update(fields)
        self.repo_index[full.lower()] = repo
        if listed:
            self.repos.setdefault(owner.lower(), []).append(repo)
            if owner.lower() in self.users:
                self.users[owner.lower()]["public_repos"] = len(self.repos[owner.lower()])
        return repo

    def add_pull(self, author: str, repo: str, number: int, title: str, state: str,
                 merged_at: str | None, created_at: str) -> None:
        b = self.base_url
        user = self.users[author.lower()]
        self.pulls[author.lower()].append({
            "url": f"{b}/repos/{repo}/issues/{number}", "repository_url": f"{b}/repos/{repo}",
            "html_url": f"https://github.com/{repo}/pull/{number}", "id": 50_000 + number,
            "number": number, "title": title, "state": state, "locked": False,
            "user": {"login": user["login"], "id": user["id"], "url": user["url"]},
            "labels": [], "comments": 0, "created_at": created_at, "updated_at": created_at,
            "closed_at": merged_at, "author_association": "CONTRIBUTOR", "score": 1.0,
            "pull_request": {
                "url": f"{b}/repos/{repo}/pulls/{number}", "html_url": f"https://github.com/{repo}/pull/{number}",
                "diff_url": f"https://github.com/{repo}/pull/{number}.diff",
                "patch_url": f"https://github.com/{repo}/pull/{number}.patch", "merged_at": merged_at,
            },
        })

    def add_commit(self, login: str, repo: str, sha: str, name: str, email: str, date: str) -> None:
        """A commit GitHub attributes to ``login`` (commit search answers it for ``author:login``)."""
        b = self.base_url
        user = self.users[login.lower()]
        person = {"name": name, "email": email, "date": date}
        self.commits.setdefault(login.lower(), []).append({
            "url": f"{b}/repos/{repo}/commits/{sha}", "sha": sha, "node_id": f"C_{sha[:8]}",
            "html_url": f"https://github.com/{repo}/commit/{sha}",
            "comments_url": f"{b}/repos/{repo}/commits/{sha}/comments",
            "commit": {"url": f"{b}/repos/{repo}/git/commits/{sha}", "author": person, "committer": person,
                       "message": "", "comment_count": 0, "tree": {"sha": "0" * 40, "url": f"{b}/repos/{repo}/git/trees/x"}},
            "author": {"login": user["login"], "id": user["id"], "url": user["url"]},
            "committer": {"login": user["login"], "id": user["id"], "url": user["url"]},
            "parents": [], "repository": self.repo_index.get(repo.lower(), {}), "score": 1.0,
        })

    # -- queries for tests ----------------------------------------------------------------------

    def api_requests(self) -> list[Logged]:
        return [r for r in self.log if not r.path.startswith("/git/")]

    def git_requests(self, command: str | None = None) -> list[Logged]:
        return [r for r in self.log if r.path.startswith("/git/") and (command is None or r.git_command == command)]

    def take_fault(self, path: str, query: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and re.search(fault.path, path) and fault.query in query:
                    fault.times -= 1
                    return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    standin: StandIn
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive request stalls ~40 ms

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    # -- plumbing ----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        fault = self.standin.take_fault(parts.path, parts.query)
        if fault is not None and fault.delay and fault.status != STALL and self._stall(parts, fault.delay):
            return
        if parts.path.startswith("/git/"):
            if fault is not None and fault.status in (TRUNCATE, STALL):
                self._git(parts.path, parts.query, body, cut=fault)
                return
            if fault is not None and fault.status:
                self._record(parts.path, parts.query, fault.status)
                self.send_response(fault.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._git(parts.path, parts.query, body)
            return
        if fault is not None and fault.status == DROP:
            self._record(parts.path, parts.query, DROP)
            self.close_connection = True  # hang up without an answer: a dropped connection
            return
        if fault is not None and fault.status:
            payload = fault.body or {"message": "fault", "documentation_url": DOCS}
            self._json(fault.status, payload, parts, fault.headers)
            return
        token = self.standin.token
        auth = self.headers.get("Authorization", "")
        if token is not None and auth and auth.split()[-1] != token:
            self._json(401, {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}, parts)
            return
        status, payload, extra = self._route(parts.path, parse_qs(parts.query))
        self._json(status, payload, parts, extra)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _stall(self, parts: Any, delay: float) -> bool:
        """Send nothing for ``delay`` seconds; True (and hang up) when the test ended first."""
        self._record(parts.path, parts.query, STALL)
        if self.standin.unstall.wait(delay):
            self.close_connection = True
            return True
        return False

    def _record(self, path: str, query: str, status: int, git_command: str = "") -> None:
        with self.standin.lock:
            self.standin.log.append(Logged(
                self.command, path, query, status, self.headers.get("Authorization", ""),
                self.headers.get("User-Agent", ""), git_command,
            ))

    def _json(self, status: int, payload: Any, parts: Any, extra: dict[str, str] | None = None) -> None:
        s = self.standin
        data = json.dumps(payload).encode()
        etag = '"' + hashlib.sha1(data).hexdigest() + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status, data = 304, b""  # conditional request: free, as on GitHub
        elif status < 400 or status == 404:
            with s.lock:
                s.rate_remaining = max(0, s.rate_remaining - 1)
        self._record(parts.path, parts.query, status)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-RateLimit-Limit": str(s.rate_limit), "X-RateLimit-Remaining": str(s.rate_remaining),
            "X-RateLimit-Reset": str(s.reset_at), "X-RateLimit-Used": str(s.rate_limit - s.rate_remaining),
            "X-RateLimit-Resource": "search" if parts.path.startswith("/search/") else "core",
            "ETag": etag, "X-GitHub-Media-Type": "github.v3; format=json",
        }
        headers.update(extra or {})  # a fault's headers replace, never duplicate, the defaults
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # -- REST ---------------------------------------------------------------------------------

    def _route(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        s = self.standin
        not_found: tuple[int, Any, dict[str, str]] = (404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"}, {})
        if path == "/rate_limit":
            core = {"limit": s.rate_limit, "remaining": s.rate_remaining, "reset": s.reset_at,
                    "used": s.rate_limit - s.rate_remaining, "resource": "core"}
            return 200, {"resources": {"core": core, "search": core}, "rate": core}, {}
        if m := re.fullmatch(r"/users/([^/]+)", path):
            user = s.users.get(m.group(1).lower())
            return (200, user, {}) if user else not_found
        if m := re.fullmatch(r"/users/([^/]+)/repos", path):
            if m.group(1).lower() not in s.users:
                return not_found
            repos = list(s.repos.get(m.group(1).lower(), []))
            if query.get("sort") == ["pushed"]:
                repos.sort(key=lambda r: r["pushed_at"], reverse=query.get("direction") != ["asc"])
            return self._page(path, query, repos)
        if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)", path):
            repo = s.repo_index.get(f"{m.group(1)}/{m.group(2)}".lower())
            return (200, repo, {}) if repo else not_found
        if path == "/search/commits":
            author = re.search(r"author:(\S+)", query.get("q", [""])[0])
            items = list(s.commits.get(author.group(1).lower(), [])) if author else []
            items.sort(key=lambda c: c["commit"]["author"]["date"], reverse=query.get("order") != ["asc"])
            status, page, headers = self._page(path, query, items)
            return status, {"total_count": len(items), "incomplete_results": False, "items": page}, headers
        if path == "/search/issues":
            q = query.get("q", [""])[0]
            author = re.search(r"author:(\S+)", q)
            items = list(s.pulls.get(author.group(1).lower(), [])) if author and "is:pr" in q else []
            status, page, headers = self._page(path, query, items)
            return status, {"total_count": len(items), "incomplete_results": False, "items": page}, headers
        return not_found

    def _page(self, path: str, query: dict[str, list[str]], items: list[Any]) -> tuple[int, Any, dict[str, str]]:
        per_page = int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []
        flat = {k: v[0] for k, v in query.items()}
        if page < last:
            links.append(f'<{self.standin.base_url}{path}?{urlencode({**flat, "page": page + 1})}>; rel="next"')
            links.append(f'<{self.standin.base_url}{path}?{urlencode({**flat, "page": last})}>; rel="last"')
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})

    # -- git ----------------------------------------------------------------------------------

    def _git(self, path: str, query: str, body: bytes, cut: Fault | None = None) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.standin.git_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path[len("/git") :],
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
        }
        if self.headers.get("Git-Protocol"):
            env["HTTP_GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        command = ""
        if self.command == "POST":
            raw = body
            if self.headers.get("Content-Encoding") == "gzip":
                import gzip

                raw = gzip.decompress(body)
            found = re.search(rb"command=([a-z-]+)", raw)
            command = found.group(1).decode() if found else "fetch-v0"
        done = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False)
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = done.stdout.partition(b"\n\n")
        status = 200
        headers: list[tuple[str, str]] = []
        for line in head.decode("latin-1").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.split()[0])
            elif key:
                headers.append((key.strip(), value.strip()))
        self._record(path, query, status, command)
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if cut is not None:  # a connection reset, or a stall, mid-pack: the client gets half the answer
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            if cut.status == STALL:
                self.standin.unstall.wait(cut.delay)
            self.close_connection = True
            return
        self.wfile.write(payload)
