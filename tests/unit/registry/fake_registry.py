"""An in-memory OCI registry behind ``httpx.MockTransport``, for the client's protocol logic.

It speaks just enough of the distribution API (ping, manifests, blobs, a token server) to drive
each branch of the client; the real registry tests in tests/integration/registry prove the same
behaviour against Debian's docker-registry.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
TOKEN_REALM = "https://auth.example/token"


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class FakeRegistry:
    """Content by repository; ``auth`` is None, ``"basic"`` or ``"bearer"``."""

    auth: str | None = None
    users: dict[str, str] = field(default_factory=dict)
    manifests: dict[tuple[str, str], tuple[str, bytes]] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    send_digest_header: bool = True
    extra_headers: dict[str, str] = field(default_factory=dict)
    token_field: str = "token"
    expires_in: int | None = 300
    token_hits: list[dict[str, list[str]]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    issued: dict[str, set[str]] = field(default_factory=dict)
    lie_about: set[str] = field(default_factory=set)
    refresh_token: str = "refresh-token-1"
    realm: str = TOKEN_REALM
    jwt_tokens: bool = False  # tokens carry an ``access`` claim, as distribution's and Hub's do
    read_only: set[str] = field(default_factory=set)  # users granted pull only, never push
    put_digest_header: bool = True

    # -- content -------------------------------------------------------------------------

    def put_manifest(self, repo: str, tag: str, media_type: str, body: dict[str, Any]) -> str:
        raw = json.dumps(body).encode()
        digest = digest_of(raw)
        self.manifests[(repo, tag)] = (media_type, raw)
        self.manifests[(repo, digest)] = (media_type, raw)
        return digest

    def put_blob(self, data: bytes) -> str:
        digest = digest_of(data)
        self.blobs[digest] = data
        return digest

    def put_image(self, repo: str, tag: str, *, layer: bytes = b"layer-1") -> dict[str, str]:
        config = self.put_blob(b'{"architecture":"amd64","os":"linux"}')
        layer_digest = self.put_blob(layer)
        manifest = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config,
                "size": len(self.blobs[config]),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": layer_digest,
                    "size": len(layer),
                }
            ],
        }
        digest = self.put_manifest(repo, tag, OCI_MANIFEST, manifest)
        return {"manifest": digest, "config": config, "layer": layer_digest}

    # -- transport -----------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "auth.example":
            return self._token(request)
        denied = self._check_auth(request)
        if denied is not None:
            return denied
        path = request.url.path
        if path == "/v2/":
            return httpx.Response(200, json={})
        repo, kind, ref = _split(path)
        if kind == "tags":
            return self._tags(request, repo)
        if kind == "manifests" and request.method == "PUT":
            return self._store_manifest(request, repo, ref)
        if kind == "manifests":
            return self._manifest(request, repo, ref)
        if kind == "blobs":
            return self._blob(ref)
        return httpx.Response(404)

    def _manifest(self, request: httpx.Request, repo: str, ref: str) -> httpx.Response:
        found = self.manifests.get((repo, ref))
        if found is None:
            return httpx.Response(
                404, json={"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}
            )
        media_type, raw = found
        headers = {"Content-Type": media_type, **self.extra_headers}
        if self.send_digest_header:
            headers["Docker-Content-Digest"] = digest_of(raw)
        if ref in self.lie_about:
            raw = raw.replace(b"schemaVersion", b"schemaVersioN")
        headers["Content-Length"] = str(len(raw))
        body = b"" if request.method == "HEAD" else raw
        return httpx.Response(200, headers=headers, content=body)

    def _store_manifest(self, request: httpx.Request, repo: str, ref: str) -> httpx.Response:
        raw = request.content
        media_type = request.headers.get("content-type", "")
        self.manifests[(repo, ref)] = (media_type, raw)
        self.manifests[(repo, digest_of(raw))] = (media_type, raw)
        headers = {"Docker-Content-Digest": digest_of(raw)} if self.put_digest_header else {}
        return httpx.Response(201, headers=headers)

    def _tags(self, request: httpx.Request, repo: str) -> httpx.Response:
        """Pages of ``n`` tags after ``last``, linked with ``rel="next"`` as the spec says."""
        every = sorted({tag for (r, tag) in self.manifests if r == repo and ":" not in tag})
        if not every:
            return httpx.Response(404, json={"errors": [{"code": "NAME_UNKNOWN"}]})
        size = int(request.url.params.get("n", "100"))
        last = request.url.params.get("last")
        rest = [t for t in every if last is None or t > last]
        page = rest[:size]
        headers = {}
        if len(rest) > size:
            headers["Link"] = f'</v2/{repo}/tags/list?n={size}&last={page[-1]}>; rel="next"'
        return httpx.Response(200, json={"name": repo, "tags": page}, headers=headers)

    def _blob(self, digest: str) -> httpx.Response:
        data = self.blobs.get(digest)
        if data is None:
            return httpx.Response(404, json={"errors": [{"code": "BLOB_UNKNOWN"}]})
        if digest in self.lie_about:
            data = data[:-1] + b"X"
        return httpx.Response(200, content=data)

    # -- auth ----------------------------------------------------------------------------

    def _check_auth(self, request: httpx.Request) -> httpx.Response | None:
        if self.auth is None:
            return None
        given = request.headers.get("authorization", "")
        scope = _scope_of(request.url.path, request.method)
        if self.auth == "basic":
            if given.startswith("Basic ") and self._basic_ok(given):
                return None
            return httpx.Response(401, headers={"WWW-Authenticate": 'Basic realm="fake"'})
        if given.startswith("Bearer ") and (
            scope is None or _covers(self.issued.get(given.removeprefix("Bearer "), set()), scope)
        ):
            return None
        challenge = f'Bearer realm="{self.realm}",service="fake-registry"'
        if scope is not None:
            challenge += f',scope="{scope}"'
            if given:
                challenge += ',error="insufficient_scope"'
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    def _basic_ok(self, header: str) -> bool:
        user, _, password = base64.b64decode(header.split(" ", 1)[1]).decode().partition(":")
        return self.users.get(user) == password

    @staticmethod
    def _user(header: str) -> str:
        return base64.b64decode(header.split(" ", 1)[1]).decode().partition(":")[0]

    def _mint(self, granted: set[str]) -> str:
        """``tok-N`` (opaque), or an unsigned JWT whose ``access`` claim lists what is granted."""
        serial = f"tok-{len(self.token_hits)}"
        if not self.jwt_tokens:
            return serial
        access = []
        for scope in sorted(granted):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        claims = {"jti": serial, "access": access}
        return ".".join(
            base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
            for part in ({"alg": "ES256", "typ": "JWT"}, claims, "signature")
        )

    def _token(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return self._oauth_token(request)
        query = parse_qs(request.url.query.decode())
        self.token_hits.append(query)
        given = request.headers.get("authorization", "")
        granted: set[str] = set()
        if given:
            if not self._basic_ok(given):
                return httpx.Response(401, json={"details": "bad credentials"})
            granted = set(query.get("scope", []))
            if self._user(given) in self.read_only:
                granted = {_only_pull(scope) for scope in granted}
        token = self._mint(granted)
        self.issued[token] = granted
        body: dict[str, Any] = {self.token_field: token}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def _oauth_token(self, request: httpx.Request) -> httpx.Response:
        """OAuth2 refresh-token grant: what docker does with an identity token."""
        form = parse_qs(request.content.decode())
        self.token_hits.append(form)
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [
            self.refresh_token
        ]:
            return httpx.Response(401, json={"error": "invalid_grant"})
        token = self._mint(set(form.get("scope", [])))
        self.issued[token] = set(form.get("scope", []))
        return httpx.Response(200, json={"access_token": token, "expires_in": 300})


def _split(path: str) -> tuple[str, str, str]:
    body = path.removeprefix("/v2/")
    if body.endswith("/tags/list"):
        return body.removesuffix("/tags/list"), "tags", ""
    for kind in ("manifests", "blobs"):
        marker = f"/{kind}/"
        if marker in body:
            repo, ref = body.rsplit(marker, 1)
            return repo, kind, ref
    return body, "", ""


def _scope_of(path: str, method: str) -> str | None:
    if path == "/v2/":
        return None
    repo, _, _ = _split(path)
    return f"repository:{repo}:{'push' if method == 'PUT' else 'pull'}"


def _actions(scopes: set[str]) -> set[tuple[str, str]]:
    pairs = set()
    for scope in scopes:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        pairs.update((f"{kind}:{name}", action) for action in actions.split(","))
    return pairs


def _covers(scopes: set[str], needed: str) -> bool:
    return _actions({needed}) <= _actions(scopes)


def _only_pull(scope: str) -> str:
    head, _, actions = scope.rpartition(":")
    return f"{head}:{','.join(a for a in actions.split(',') if a == 'pull')}"
