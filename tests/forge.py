"""A git server of the tests' own and the webhooks a forge would send: a bare repository behind
``git daemon`` on 127.0.0.1, a work tree that commits and pushes to it, and signed GitHub push
deliveries. Used by the tests that run ``dockyard serve`` for real."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class GitServer:
    """``git://127.0.0.1:PORT/app.git``, served by ``git daemon`` until :meth:`stop`."""

    root: Path
    port: int = field(default_factory=free_port)
    daemon: subprocess.Popen[bytes] | None = None

    @property
    def bare(self) -> Path:
        return self.root / "repos" / "app.git"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def url(self) -> str:
        return f"git://127.0.0.1:{self.port}/app.git"

    def start(self, files: dict[str, str]) -> str:
        """The repository with ``files`` as its first commit, served; that commit's sha."""
        self.bare.parent.mkdir(parents=True)
        git("init", "-q", "--bare", "-b", "main", str(self.bare), cwd=self.root)
        self.work.mkdir()
        git("init", "-q", "-b", "main", cwd=self.work)
        git("config", "user.email", "test@example.com", cwd=self.work)
        git("config", "user.name", "Ada Forge", cwd=self.work)
        git("remote", "add", "origin", str(self.bare), cwd=self.work)
        self.daemon = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--export-all", f"--base-path={self.bare.parent}",
             "--listen=127.0.0.1", f"--port={self.port}", str(self.bare.parent)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        return self.commit(files, message="first")

    def commit(self, files: dict[str, str], *, message: str) -> str:
        for name, text in files.items():
            (self.work / name).write_text(text)
        git("add", "-A", cwd=self.work)
        git("commit", "-qm", message, cwd=self.work)
        git("push", "-q", "origin", "main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work)

    def stop(self) -> None:
        if self.daemon is not None:
            self.daemon.terminate()
            self.daemon.wait(timeout=10)


def send_github_push(url: str, *, secret: str, commit: str, message: str = "") -> httpx.Response:
    """POST a push of ``commit`` to ``main``, signed as GitHub signs it, to ``url``."""
    head = {"id": commit, "message": message, "modified": ["index.html"]}
    raw = json.dumps(
        {"ref": "refs/heads/main", "after": commit, "head_commit": head, "commits": [head]}
    ).encode()
    signature = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return httpx.post(
        url,
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": f"sha256={signature}",
        },
    )
