"""Webhook bodies in the shapes the forges and registries document (trimmed to what matters,
keys as sent): GitHub's push and ping, Gitea/Forgejo's push, GitLab's Push Hook, the
distribution registry's notification envelope and Docker Hub's webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

HEAD = "9f3c1e0b7a5d2c4e6f8091a2b3c4d5e6f7a8b9c0"
BEFORE = "1111111111111111111111111111111111111111"


def github_push(
    *,
    ref: str = "refs/heads/main",
    message: str = "Fix the header",
    changed: list[str] | None = None,
) -> dict[str, Any]:
    files = changed if changed is not None else ["app/main.py"]
    commit = {
        "id": HEAD,
        "tree_id": "f" * 40,
        "distinct": True,
        "message": message,
        "timestamp": "2026-12-03T15:00:00+00:00",
        "url": f"https://github.com/you/web/commit/{HEAD}",
        "author": {"name": "You", "email": "you@example.com", "username": "you"},
        "added": [],
        "removed": [],
        "modified": files,
    }
    return {
        "ref": ref,
        "before": BEFORE,
        "after": HEAD,
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": "https://github.com/you/web/compare/111111111111...9f3c1e0b7a5d",
        "commits": [commit],
        "head_commit": commit,
        "repository": {"id": 1, "full_name": "you/web", "clone_url": "https://evil.example/x.git"},
        "pusher": {"name": "you", "email": "you@example.com"},
        "sender": {"login": "you", "id": 1},
    }


GITHUB_PING = {
    "zen": "Keep it logically awesome.",
    "hook_id": 123,
    "hook": {"type": "Repository", "id": 123, "events": ["push"], "active": True},
    "repository": {"id": 1, "full_name": "you/web"},
    "sender": {"login": "you"},
}


def gitea_push(*, message: str = "Update README", ref: str = "refs/heads/main") -> dict[str, Any]:
    commit = {
        "id": HEAD,
        "message": message + "\n",
        "url": f"https://gitea.example/you/web/commit/{HEAD}",
        "author": {"name": "you", "email": "you@example.com", "username": "you"},
        "committer": {"name": "you", "email": "you@example.com", "username": "you"},
        "verification": None,
        "timestamp": "2026-12-03T15:00:00Z",
        "added": ["docs/new.md"],
        "removed": [],
        "modified": ["README.md"],
    }
    return {
        "ref": ref,
        "before": BEFORE,
        "after": HEAD,
        "compare_url": "https://gitea.example/you/web/compare/1111...9f3c",
        "commits": [commit],
        "total_commits": 1,
        "head_commit": commit,
        "repository": {"id": 1, "full_name": "you/web", "clone_url": "https://gitea.example/x.git"},
        "pusher": {"id": 1, "login": "you"},
        "sender": {"id": 1, "login": "you"},
    }


def gitlab_push(
    *, message: str = "Add the worker", total: int | None = None, ref: str = "refs/heads/main"
) -> dict[str, Any]:
    commits = [
        {
            "id": BEFORE,
            "message": "older\n",
            "title": "older",
            "timestamp": "2026-12-03T14:00:00+00:00",
            "author": {"name": "You", "email": "you@example.com"},
            "added": ["services/api/x.py"],
            "modified": [],
            "removed": [],
        },
        {
            "id": HEAD,
            "message": message + "\n",
            "title": message,
            "timestamp": "2026-12-03T15:00:00+00:00",
            "author": {"name": "You", "email": "you@example.com"},
            "added": [],
            "modified": ["services/worker/main.go"],
            "removed": [],
        },
    ]
    return {
        "object_kind": "push",
        "event_name": "push",
        "before": "0" * 40,
        "after": HEAD,
        "ref": ref,
        "ref_protected": True,
        "checkout_sha": HEAD,
        "user_id": 4,
        "user_name": "You",
        "project_id": 15,
        "project": {"id": 15, "name": "web", "git_http_url": "https://gitlab.example/you/web.git"},
        "commits": commits,
        "total_commits_count": total if total is not None else len(commits),
        "repository": {"name": "web", "url": "git@gitlab.example:you/web.git"},
    }


DIGEST = "sha256:" + "ab" * 32

REGISTRY_ENVELOPE = {
    "events": [
        {
            "id": "320678d8-ca14-430f-8bb6-4ca139cd83f7",
            "timestamp": "2026-12-03T15:00:00.000000000Z",
            "action": "push",
            "target": {
                "mediaType": "application/octet-stream",
                "size": 1024,
                "digest": "sha256:" + "cd" * 32,
                "length": 1024,
                "repository": "you/web",
                "url": "http://127.0.0.1:5000/v2/you/web/blobs/sha256:cdcd",
            },
            "request": {"id": "r1", "host": "127.0.0.1:5000", "method": "PUT", "useragent": "d"},
            "actor": {},
            "source": {"addr": "127.0.0.1:5000", "instanceID": "i1"},
        },
        {
            "id": "6b7e6c3a-3f62-4d51-9a30-6c4e1b2f0a11",
            "timestamp": "2026-12-03T15:00:01.000000000Z",
            "action": "push",
            "target": {
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "size": 708,
                "digest": DIGEST,
                "length": 708,
                "repository": "you/web",
                "url": f"http://127.0.0.1:5000/v2/you/web/manifests/{DIGEST}",
                "tag": "main",
            },
            "request": {"id": "r2", "host": "127.0.0.1:5000", "method": "PUT", "useragent": "d"},
            "actor": {},
            "source": {"addr": "127.0.0.1:5000", "instanceID": "i1"},
        },
        {
            "id": "0b9a7f5e-1111-2222-3333-444455556666",
            "timestamp": "2026-12-03T15:00:02.000000000Z",
            "action": "pull",
            "target": {
                "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "digest": DIGEST,
                "repository": "you/web",
                "tag": "main",
            },
            "request": {"id": "r3", "host": "127.0.0.1:5000", "method": "GET"},
        },
    ]
}

DOCKER_HUB = {
    "callback_url": "https://registry.hub.docker.com/u/you/web/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/",
    "push_data": {"pushed_at": 1417566161, "pusher": "you", "tag": "latest", "images": []},
    "repository": {
        "comment_count": 0,
        "date_created": 1417494799,
        "name": "web",
        "namespace": "you",
        "repo_name": "you/web",
        "repo_url": "https://registry.hub.docker.com/u/you/web/",
        "status": "Active",
    },
}


def body(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def github_signature(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def hex_signature(secret: str, raw: bytes) -> str:
    return hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
