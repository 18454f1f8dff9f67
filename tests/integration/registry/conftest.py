"""Fixtures for the registry client against real registries.

Besides the open (:5000) and htpasswd (:5001) registries that scripts/provision runs, the token
tests start their own Debian ``docker-registry`` (distribution 2.8) configured for token auth,
with a token server of their own: a small ``http.server`` that checks basic credentials and
issues ES256 JWTs. The registry trusts the JWT through its ``x5c`` header: a self-signed
certificate for the signing key, which is also the registry's ``rootcertbundle``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import TestEnv, wait_until
from tests.integration.registry.oci import RegistryWriter

SERVICE = "dockyard-test-registry"
ISSUER = "dockyard-test-token-issuer"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    wait_until(condition, timeout=timeout, what=what, interval=0.1)


@dataclass
class SigningKey:
    key: ec.EllipticCurvePrivateKey
    cert_pem: bytes
    cert_b64_der: str

    @classmethod
    def generate(cls) -> SigningKey:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        return cls(
            key=key,
            cert_pem=cert.public_bytes(serialization.Encoding.PEM),
            cert_b64_der=base64.b64encode(der).decode(),
        )


@dataclass
class TokenServer:
    """Issues registry tokens: the requested scopes for good credentials, none for anonymous.

    Like Docker Hub, it never refuses a valid login for lack of rights: ``no_access`` users get
    a token granting nothing, ``pull_only`` users one whose ``access`` claim has ``pull`` only.
    """

    signing: SigningKey
    users: dict[str, str]
    no_access: frozenset[str] = frozenset()
    pull_only: frozenset[str] = frozenset()
    hits: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def issue(self, *, user: str | None, scopes: list[str]) -> str:
        access = []
        for scope in scopes if user and user not in self.no_access else []:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            granted = actions.split(",")
            if user in self.pull_only:
                granted = [action for action in granted if action == "pull"]
            access.append({"type": kind, "name": name, "actions": granted})
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": user or "",
            "aud": SERVICE,
            "exp": now + 300,
            "nbf": now - 10,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        return jwt.encode(
            claims,
            self.signing.key,
            algorithm="ES256",
            headers={"x5c": [self.signing.cert_b64_der]},
        )

    def answer(self, *, authorization: str, query: str) -> tuple[int, dict[str, Any]]:
        params = parse_qs(query)
        user = None
        if authorization.startswith("Basic "):
            name, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            if self.users.get(name) != password:
                self.hits.append({"user": name, "granted": False, **params})
                return 401, {"details": "incorrect username or password"}
            user = name
        self.hits.append({"user": user, "granted": True, **params})
        token = self.issue(user=user, scopes=params.get("scope", []))
        return 200, {"token": token, "expires_in": 300}


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    server = TokenServer(
        signing=SigningKey.generate(),
        users={
            "alice": "alice-pass-" + uuid.uuid4().hex[:8],
            "bob": "bob-pass-" + uuid.uuid4().hex[:8],
            "carol": "carol-pass-" + uuid.uuid4().hex[:8],
        },
        no_access=frozenset({"bob"}),  # a valid login that grants no repository
        pull_only=frozenset({"carol"}),  # a read-only token, as Docker Hub hands one out
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path)
            status, body = server.answer(
                authorization=self.headers.get("Authorization", ""), query=path.query
            )
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            """The OAuth2 form login containerd's resolver (Engine 28) sends instead of GET:
            ``grant_type=password`` with username, password and space-separated scopes."""
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            credentials = f"{form.get('username', [''])[0]}:{form.get('password', [''])[0]}"
            authorization = ""
            if form.get("grant_type") == ["password"]:
                authorization = "Basic " + base64.b64encode(credentials.encode()).decode()
            scopes = " ".join(form.get("scope", [])).split()
            status, body = server.answer(
                authorization=authorization, query=urlencode({"scope": scopes}, doseq=True)
            )
            if status == 200:
                body = {"access_token": body["token"], "expires_in": body["expires_in"]}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


@dataclass(frozen=True)
class TokenRegistry:
    host: str
    tokens: TokenServer

    def writer(self, repo: str) -> RegistryWriter:
        """A writer holding a push token for ``repo``, minted directly by the token server."""
        user = "alice"
        token = self.tokens.issue(user=user, scopes=[f"repository:{repo}:pull,push"])
        return RegistryWriter(f"http://{self.host}", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def token_registry(token_server: TokenServer, tmp_path: Path) -> Iterator[TokenRegistry]:
    """A third real registry (distribution 2.8) with token auth, torn down after the test."""
    port = free_port()
    bundle = tmp_path / "token-root.pem"
    bundle.write_bytes(token_server.signing.cert_pem)
    config = tmp_path / "registry.yml"
    config.write_text(
        "\n".join(
            [
                "version: 0.1",
                "log: {level: info}",
                "storage:",
                f"  filesystem: {{rootdirectory: {tmp_path / 'data'}}}",
                "  delete: {enabled: true}",
                f"http: {{addr: 127.0.0.1:{port}, secret: dockyard-token-test}}",
                "auth:",
                "  token:",
                f"    realm: {token_server.realm}",
                f"    service: {SERVICE}",
                f"    issuer: {ISSUER}",
                f"    rootcertbundle: {bundle}",
                "",
            ]
        )
    )
    log = (tmp_path / "registry.log").open("wb")
    process = subprocess.Popen(
        ["docker-registry", "serve", str(config)], stdout=log, stderr=subprocess.STDOUT
    )

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(
                f"docker-registry exited: {(tmp_path / 'registry.log').read_text()[-2000:]}"
            )
        try:
            return httpx.get(f"http://127.0.0.1:{port}/v2/", timeout=1).status_code == 401
        except httpx.HTTPError:
            return False

    try:
        wait_for(answers, timeout=30, what="the token-auth registry")
        yield TokenRegistry(host=f"127.0.0.1:{port}", tokens=token_server)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def open_writer(test_env: TestEnv) -> Iterator[RegistryWriter]:
    writer = RegistryWriter(f"http://{test_env.registry}")
    yield writer
    writer.close()


@pytest.fixture
def auth_writer(test_env: TestEnv) -> Iterator[RegistryWriter]:
    pair = f"{test_env.auth_user}:{test_env.auth_password}".encode()
    writer = RegistryWriter(
        f"http://{test_env.auth_registry}",
        headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
    )
    yield writer
    writer.close()
