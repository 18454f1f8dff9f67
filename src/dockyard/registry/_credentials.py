"""Registry credentials: docker's config file, its credential helpers, and environment variables.

Where credentials for a registry come from, first match wins:

==============================  ==========================================================
registry                        order
==============================  ==========================================================
Docker Hub (``docker.io``)      1. ``DOCKER_USERNAME`` + ``DOCKER_PASSWORD``
                                2. ``DOCKERHUB_USERNAME`` + ``DOCKERHUB_TOKEN``
                                3. ``REPO_USER`` + ``REPO_PASS``
                                4. docker config (below)
any other registry              1. ``REPO_USER`` + ``REPO_PASS``
                                2. docker config (below)
                                3. ``DOCKER_USERNAME`` + ``DOCKER_PASSWORD``
==============================  ==========================================================

Variables named for Docker Hub (the names the course's CI workflow sets) beat a possibly stale
config file there; ``REPO_USER``/``REPO_PASS`` replace the config file for every registry, as in
Watchtower; ``DOCKER_USERNAME``/``DOCKER_PASSWORD`` reach other registries only where the config
has nothing. A variable pair applies only when both halves are set and non-empty.

The docker config is ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``. For one
registry it is read as docker reads it: ``credHelpers[registry]`` (runs
``docker-credential-<name> get``), then ``credsStore`` (same protocol), then ``auths[registry]``
(``auth`` = base64 ``user:password``, or ``username``/``password``, or ``identitytoken``). Docker
Hub's key is ``https://index.docker.io/v1/``; other keys are matched by host name, so
``https://host:5000/v2/`` and ``host:5000`` are the same entry. A helper gets the server address on
standard input, never in its arguments, and answers JSON ``{"Username", "Secret"}``
(``Username`` ``<token>`` marks an identity token). A ``credHelpers`` program that is not installed
is a :class:`ConfigError`; a missing ``credsStore`` program (a config copied from a desktop) is a
logged warning, and ``auths`` still answers.

Secrets are held as :class:`~dockyard.secrets.Secret` from the moment they are read.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockyard.errors import ConfigError
from dockyard.registry._reference import DOCKER_HUB, DOCKER_HUB_API_HOST, parse_reference
from dockyard.secrets import Secret, redact

__all__ = ["DOCKER_HUB_SERVER", "CredentialStore", "Credentials", "to_docker_auth_config"]

log = logging.getLogger("dockyard.registry")
DOCKER_HUB_SERVER = "https://index.docker.io/v1/"
_HUB_HOSTS = frozenset({DOCKER_HUB, "index.docker.io", DOCKER_HUB_API_HOST})
_TOKEN_USER = "<token>"  # noqa: S105 - docker's marker for an identity token
_HELPER_TIMEOUT_S = 30.0
_NOT_FOUND_MARKERS = ("credentials not found", "not found in native keychain")


@dataclass(frozen=True, slots=True)
class Credentials:
    """A username and its secret for one registry; ``source`` says where they came from."""

    username: str
    password: Secret
    identity_token: Secret | None = None
    server: str = ""
    source: str = ""

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***, source={self.source!r})"


def to_docker_auth_config(creds: Credentials) -> dict[str, str]:
    """The ``auth_config`` dict the docker SDK's push/pull take (sent in ``X-Registry-Auth``).

    The only place a secret leaves its :class:`Secret`: the SDK encodes it into a request header,
    never into a process argument.
    """
    config = {"username": creds.username, "password": creds.password.reveal()}
    if creds.server:
        config["serveraddress"] = creds.server
    if creds.identity_token:
        config["identitytoken"] = creds.identity_token.reveal()
    return config


def canonical_registry(server: str) -> str:
    """``https://index.docker.io/v1/`` -> ``docker.io``; ``http://h:5000/v2/`` -> ``h:5000``."""
    host = server.strip()
    for scheme in ("https://", "http://"):
        if host.lower().startswith(scheme):
            host = host[len(scheme) :]
    host = host.split("/", 1)[0]
    return DOCKER_HUB if host.lower() in _HUB_HOSTS else host


def server_address(registry: str) -> str:
    """The address docker stores a registry's credentials under."""
    canonical = canonical_registry(registry)
    return DOCKER_HUB_SERVER if canonical == DOCKER_HUB else canonical


class CredentialStore:
    """Looks up credentials per registry; helper answers are cached for the store's lifetime."""

    def __init__(
        self,
        *,
        config: Mapping[str, Any] | None = None,
        config_path: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._config: Mapping[str, Any] = config or {}
        self._config_path = config_path
        self._environ: Mapping[str, str] = dict(environ) if environ is not None else {}
        self._cache: dict[str, Credentials | None] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls, *, environ: Mapping[str, str] | None = None) -> CredentialStore:
        """Docker config (``$DOCKER_CONFIG`` or ``~/.docker``) plus the variables in ``environ``."""
        env = os.environ if environ is None else environ
        path = _config_path(env)
        return cls(config=_read_config(path), config_path=path, environ=env)

    @property
    def config_path(self) -> Path | None:
        return self._config_path

    def engine_auth(self, reference: str) -> dict[str, str] | None:
        """The engine's ``auth_config`` for pulling or pushing ``reference`` (an image reference),
        or None without credentials for its registry."""
        creds = self.for_registry(parse_reference(reference).registry)
        return to_docker_auth_config(creds) if creds else None

    def for_registry(self, registry: str) -> Credentials | None:
        """Credentials for ``registry`` (``docker.io``, ``host:port``, or a docker config key)."""
        canonical = canonical_registry(registry)
        with self._lock:
            if canonical not in self._cache:
                self._cache[canonical] = self._lookup(canonical)
            return self._cache[canonical]

    def _lookup(self, registry: str) -> Credentials | None:
        server = server_address(registry)
        if registry == DOCKER_HUB:
            return (
                self._env_pair("DOCKER_USERNAME", "DOCKER_PASSWORD", server)
                or self._env_pair("DOCKERHUB_USERNAME", "DOCKERHUB_TOKEN", server)
                or self._env_pair("REPO_USER", "REPO_PASS", server)
                or self._from_config(registry, server)
            )
        return (
            self._env_pair("REPO_USER", "REPO_PASS", server)
            or self._from_config(registry, server)
            or self._env_pair("DOCKER_USERNAME", "DOCKER_PASSWORD", server)
        )

    def _env_pair(self, user_var: str, secret_var: str, server: str) -> Credentials | None:
        user, secret = self._environ.get(user_var, ""), self._environ.get(secret_var, "")
        if not user or not secret:
            return None
        return Credentials(
            username=user,
            password=Secret(secret),
            server=server,
            source=f"${user_var}/${secret_var}",
        )

    def _from_config(self, registry: str, server: str) -> Credentials | None:
        helper = _matching(self._config.get("credHelpers"), registry)
        if isinstance(helper, str) and helper:
            return self._from_helper(helper, server)
        store = self._config.get("credsStore")
        if isinstance(store, str) and store:
            found = self._from_store(store, server)
            if found is not None:
                return found
        entry = _matching(self._config.get("auths"), registry)
        if isinstance(entry, Mapping):
            return self._from_auths_entry(entry, server)
        return None

    def _from_auths_entry(self, entry: Mapping[str, Any], server: str) -> Credentials | None:
        source = f"auths in {self._config_path or 'docker config'}"
        username, password = str(entry.get("username") or ""), str(entry.get("password") or "")
        encoded = entry.get("auth")
        if isinstance(encoded, str) and encoded:
            username, password = _decode_auth(encoded, server=server, source=source)
        token = entry.get("identitytoken")
        identity = Secret(token) if isinstance(token, str) and token else None
        if not username and identity is None:
            return None
        return Credentials(
            username=username or _TOKEN_USER,
            password=Secret(password),
            identity_token=identity,
            server=server,
            source=source,
        )

    def _from_store(self, name: str, server: str) -> Credentials | None:
        """The default store; a config copied from another machine (``"credsStore": "desktop"``
        mounted into a container) must not make every anonymous pull fail, so a missing store
        program is a warning and ``auths`` still answers."""
        try:
            return self._from_helper(name, server)
        except _HelperMissing as exc:
            log.warning("%s; using the auths of the docker config only", exc.message)
            return None

    def _from_helper(self, name: str, server: str) -> Credentials | None:
        program = f"docker-credential-{name}"
        path = shutil.which(program, path=self._environ.get("PATH", os.defpath))
        if path is None:
            raise _HelperMissing(
                f"credential helper {program} (named in {self._config_path or 'docker config'}) "
                "is not on PATH: install it or remove it from the config"
            )
        answer = _run_helper(path, program=program, server=server, environ=self._environ)
        if answer is None:
            return None
        return _helper_credentials(answer, program=program, server=server)


class _HelperMissing(ConfigError):
    """A helper named in the config is not installed (a ConfigError to the user)."""


def _run_helper(
    path: str, *, program: str, server: str, environ: Mapping[str, str]
) -> dict[str, Any] | None:
    """Run ``<helper> get`` with the server on stdin; None when it knows no credentials."""
    try:
        done = subprocess.run(
            [path, "get"],
            input=server,
            capture_output=True,
            text=True,
            timeout=_HELPER_TIMEOUT_S,
            env=dict(environ),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"credential helper {program} could not run: {exc}") from exc
    if done.returncode != 0:
        said = (done.stdout + done.stderr).strip()
        if any(marker in said.lower() for marker in _NOT_FOUND_MARKERS) or not said:
            return None
        first = redact(said.splitlines()[0])[:200]
        raise ConfigError(f"credential helper {program} failed for {server}: {first}")
    try:
        answer = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"credential helper {program} answered something not JSON") from exc
    return answer if isinstance(answer, dict) else None


def _helper_credentials(answer: Mapping[str, Any], *, program: str, server: str) -> Credentials:
    username, secret = answer.get("Username"), answer.get("Secret")
    if not isinstance(username, str) or not isinstance(secret, str):
        raise ConfigError(f"credential helper {program} answered without Username and Secret")
    if username == _TOKEN_USER:
        return Credentials(
            username=username,
            password=Secret(""),
            identity_token=Secret(secret),
            server=server,
            source=program,
        )
    return Credentials(username=username, password=Secret(secret), server=server, source=program)


def _decode_auth(encoded: str, *, server: str, source: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{source}: the 'auth' of {server} is not base64 of user:password"
        ) from exc
    username, sep, password = decoded.partition(":")
    if not sep:
        raise ConfigError(f"{source}: the 'auth' of {server} is not base64 of user:password")
    return username, password


def _matching(section: object, registry: str) -> object:
    """The value under the key of ``section`` that names ``registry`` (keys in any docker form)."""
    if not isinstance(section, Mapping):
        return None
    for key, value in section.items():
        if isinstance(key, str) and canonical_registry(key) == registry:
            return value
    return None


def _config_path(environ: Mapping[str, str]) -> Path:
    directory = environ.get("DOCKER_CONFIG")
    if directory:
        return Path(directory) / "config.json"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".docker" / "config.json"


def _read_config(path: Path) -> dict[str, Any]:
    """The parsed config; a missing file is an empty config, an unreadable one a ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read docker config {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"docker config {path} is not valid JSON (line {exc.lineno}): fix or remove it"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"docker config {path} is not a JSON object: fix or remove it")
    return data
