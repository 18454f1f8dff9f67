"""Webhooks: who sent this, is it genuine, and what does it ask for. Pure functions.

Forges sign differently (docs/serve.md has the table):

- GitHub: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``;
- Gitea: ``X-Gitea-Signature: <hex HMAC-SHA256>`` (also sent as ``X-Hub-Signature-256``);
- Forgejo: ``X-Forgejo-Signature`` (and the same value as ``X-Gitea-Signature``);
- GitLab: ``X-Gitlab-Token``, the shared secret itself.

Every comparison is constant-time (:func:`hmac.compare_digest`), over the raw bytes received,
before any JSON is parsed. None of these covers a timestamp, so a captured delivery can be sent
again: the inbox answers a delivery id it has seen with ``duplicate``.

What a push asks for is only a hint: the worker builds the configured repository and branch at
the head ``git ls-remote`` reports, never a URL or commit from the payload.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dockyard.errors import DockyardError
from dockyard.registry import parse_reference
from dockyard.secrets import Secret
from dockyard.serve._config import App, Provider

__all__ = [
    "SKIP_MARKERS",
    "HookError",
    "ImageEvent",
    "Ping",
    "Push",
    "PushDecision",
    "Unsupported",
    "decide_image",
    "decide_push",
    "matches_paths",
    "parse_forge",
    "parse_registry",
    "verify",
]

SKIP_MARKERS = ("[skip ci]", "[ci skip]")
_NULL_COMMIT = re.compile(r"0{40}|0{64}")


class HookError(DockyardError):
    """A delivery that cannot be read (not JSON, no ref): answered 400."""


@dataclass(frozen=True)
class Ping:
    """A forge checking that the hook answers (GitHub's ``ping``)."""

    delivery_id: str


@dataclass(frozen=True)
class Unsupported:
    """An event that asks for nothing here (an issue, a tag push, ...): answered 200."""

    delivery_id: str
    event: str


@dataclass(frozen=True)
class Push:
    delivery_id: str
    ref: str
    commit: str | None  # the payload's head: a hint, recorded, never what is built
    message: str
    changed: tuple[str, ...] | None  # None: the forge did not list them all
    deleted: bool = False

    @property
    def branch(self) -> str | None:
        return self.ref.removeprefix("refs/heads/") if self.ref.startswith("refs/heads/") else None


@dataclass(frozen=True)
class PushDecision:
    build: bool
    reason: str | None  # why not, when it is not built


@dataclass(frozen=True)
class ImageEvent:
    """A registry says ``repository:tag`` now points at ``digest`` (None: Docker Hub's hook)."""

    delivery_id: str
    host: str | None  # the registry's host as the event names it; None: Docker Hub
    repository: str
    tag: str | None
    digest: str | None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Headers by name, case-insensitively (a plain dict in tests, starlette's in the API)."""
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            return value
    return None


def _hex_hmac(secret: Secret, body: bytes) -> str:
    return hmac.new(secret.reveal().encode(), body, hashlib.sha256).hexdigest()


def verify(provider: Provider, headers: Mapping[str, str], body: bytes, secret: Secret) -> bool:
    """True when the delivery carries the right signature (or token) for ``secret``."""
    if provider is Provider.GITLAB:
        token = _header(headers, "X-Gitlab-Token")
        return token is not None and hmac.compare_digest(token.encode(), secret.reveal().encode())
    expected = _hex_hmac(secret, body)
    if provider is Provider.GITHUB:
        names = ["X-Hub-Signature-256"]
    elif provider is Provider.GITEA:
        names = ["X-Gitea-Signature", "X-Hub-Signature-256"]
    else:
        names = ["X-Forgejo-Signature", "X-Gitea-Signature", "X-Hub-Signature-256"]
    for name in names:
        value = _header(headers, name)
        if value is None:
            continue
        if name == "X-Hub-Signature-256":
            if not value.startswith("sha256="):
                return False
            value = value.removeprefix("sha256=")
        return hmac.compare_digest(value.strip().lower().encode(), expected.encode())
    return False


def _delivery_id(provider: Provider, headers: Mapping[str, str], body: bytes) -> str:
    names = {
        Provider.GITHUB: ["X-GitHub-Delivery"],
        Provider.GITEA: ["X-Gitea-Delivery", "X-GitHub-Delivery"],
        Provider.FORGEJO: ["X-Forgejo-Delivery", "X-Gitea-Delivery"],
        Provider.GITLAB: ["X-Gitlab-Event-UUID"],
    }[provider]
    for name in names:
        value = _header(headers, name)
        if value and value.strip():
            return f"{provider.value}:{value.strip()[:150]}"
    return f"{provider.value}:sha256:{hashlib.sha256(body).hexdigest()}"


def _event(provider: Provider, headers: Mapping[str, str]) -> str:
    names = {
        Provider.GITHUB: ["X-GitHub-Event"],
        Provider.GITEA: ["X-Gitea-Event", "X-GitHub-Event"],
        Provider.FORGEJO: ["X-Forgejo-Event", "X-Gitea-Event"],
        Provider.GITLAB: ["X-Gitlab-Event"],
    }[provider]
    for name in names:
        value = _header(headers, name)
        if value:
            return value.strip()
    return ""


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise HookError("the delivery's body is not JSON") from exc
    if not isinstance(data, dict):
        raise HookError("the delivery's body is not a JSON object")
    return data


def parse_forge(
    provider: Provider, headers: Mapping[str, str], body: bytes
) -> Ping | Push | Unsupported:
    """What a (verified) forge delivery is: a ping, a push, or something else."""
    delivery_id = _delivery_id(provider, headers, body)
    event = _event(provider, headers)
    if event == "ping":
        return Ping(delivery_id)
    is_push = event == "Push Hook" if provider is Provider.GITLAB else event == "push"
    if not is_push:
        return Unsupported(delivery_id, event or "(no event header)")
    data = _json(body)
    ref = data.get("ref")
    if not isinstance(ref, str) or not ref:
        raise HookError("the push names no ref")
    after = data.get("checkout_sha") or data.get("after")
    commit = after if isinstance(after, str) and after else None
    deleted = bool(data.get("deleted")) or (commit is None and provider is Provider.GITLAB)
    if commit is not None and _NULL_COMMIT.fullmatch(commit):
        deleted, commit = True, None
    commits = [c for c in data.get("commits") or [] if isinstance(c, dict)]
    head = data.get("head_commit") if isinstance(data.get("head_commit"), dict) else None
    if head is None and commits:
        head = next((c for c in commits if c.get("id") == commit), commits[-1])
    message = str(head.get("message", "")) if head else ""
    return Push(
        delivery_id=delivery_id,
        ref=ref,
        commit=commit,
        message=message,
        changed=_changed(data, commits),
        deleted=deleted,
    )


def _changed(
    data: Mapping[str, Any], commits: Sequence[Mapping[str, Any]]
) -> tuple[str, ...] | None:
    """The files the push changed, or None when the payload cannot say for sure."""
    if not commits:
        return None  # a new branch or a force push: no list to trust
    total = data.get("total_commits_count")  # GitLab lists at most 20 of them
    if isinstance(total, int) and total > len(commits):
        return None
    files: dict[str, None] = {}
    for commit in commits:
        for key in ("added", "modified", "removed"):
            for path in commit.get(key) or []:
                if isinstance(path, str):
                    files[path] = None
    return tuple(files)


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """``**`` crosses directories, ``*`` and ``?`` stay inside one; a trailing ``/`` means
    everything below."""
    if pattern.endswith("/"):
        pattern += "**"
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out)


def matches_paths(globs: Sequence[str], changed: Sequence[str]) -> bool:
    """Does any changed file match any glob (paths from the repository's root)?"""
    return any(_glob(g.lstrip("/")).fullmatch(path) for g in globs for path in changed)


def decide_push(app: App, push: Push) -> PushDecision:
    """Build for this push, or not and why."""
    if push.branch is None:
        return PushDecision(False, f"{push.ref} is not a branch")
    if push.branch != app.branch:
        return PushDecision(False, f"a push to {push.branch}; this app builds {app.branch}")
    if push.deleted:
        return PushDecision(False, f"branch {push.branch} was deleted")
    lowered = push.message.lower()
    for marker in SKIP_MARKERS:
        if marker in lowered:
            return PushDecision(False, f"the head commit's message says {marker}")
    if app.paths and push.changed is not None and not matches_paths(app.paths, push.changed):
        return PushDecision(False, "no changed file matches the app's paths")
    return PushDecision(True, None)


def parse_registry(body: bytes) -> list[ImageEvent]:
    """Manifest pushes from a distribution registry's notification envelope, or Docker Hub's
    webhook. Blob pushes, pulls and deletes are left out."""
    data = _json(body)
    if isinstance(data.get("events"), list):
        found: list[ImageEvent] = []
        for event in data["events"]:
            if not isinstance(event, dict) or event.get("action") != "push":
                continue
            target = event.get("target") or {}
            media = str(target.get("mediaType", ""))
            digest, repository = target.get("digest"), target.get("repository")
            if "manifest" not in media and "image.index" not in media:
                continue
            if not isinstance(digest, str) or not isinstance(repository, str):
                continue
            request = event.get("request") or {}
            host = request.get("host") if isinstance(request.get("host"), str) else None
            tag = target.get("tag") if isinstance(target.get("tag"), str) else None
            event_id = str(event.get("id") or hashlib.sha256(body).hexdigest())
            found.append(
                ImageEvent(
                    delivery_id=f"registry:{event_id}",
                    host=host,
                    repository=repository,
                    tag=tag,
                    digest=digest,
                )
            )
        return found
    push, repo = data.get("push_data"), data.get("repository")
    if isinstance(push, dict) and isinstance(repo, dict) and isinstance(repo.get("repo_name"), str):
        tag = push.get("tag") if isinstance(push.get("tag"), str) else "latest"
        stamp = push.get("pushed_at", "")
        name = repo["repo_name"]
        return [
            ImageEvent(
                delivery_id=f"dockerhub:{name}:{tag}:{stamp}",
                host=None,
                repository=name,
                tag=tag,
                digest=None,
            )
        ]
    raise HookError("neither a registry notification envelope nor a Docker Hub webhook")


def decide_image(
    event: ImageEvent, apps: Sequence[App], *, deploy_tag: Mapping[str, str], own_digests: set[str]
) -> list[tuple[App, str | None]]:
    """The apps an image push concerns, each with a reason not to deploy (None: deploy).

    ``deploy_tag`` maps an app's name to the tag its targets follow; ``own_digests`` are the
    digests this service built and pushed itself (their notification must not deploy twice).
    """
    hub = event.host is None
    name = ("docker.io/" if hub else f"{event.host}/") + event.repository
    try:
        wanted = parse_reference(name + ":x").name
    except DockyardError:
        return []  # not an image name: no app follows it
    found: list[tuple[App, str | None]] = []
    for app in apps:
        ref = parse_reference(app.image)
        if ref.name != wanted:
            continue
        tag = deploy_tag.get(app.name, ref.tag or "latest")
        if event.tag is not None and event.tag != tag:
            found.append((app, f"tag {event.tag}: this app deploys {tag}"))
        elif event.digest is not None and event.digest in own_digests:
            found.append((app, f"{event.digest} was built and pushed here"))
        else:
            found.append((app, None))
    return found
