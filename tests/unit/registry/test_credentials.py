"""Credential lookup: docker config (auths, credsStore, credHelpers) and environment variables."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

import pytest

from dockyard.errors import ConfigError
from dockyard.registry import Credentials, CredentialStore, to_docker_auth_config
from dockyard.secrets import Secret

HELPER = """#!/bin/sh
# A docker credential helper: the server comes on stdin, never in the arguments.
read -r server
printf '%s|%s\\n' "$*" "$server" >> "{log}"
[ "$1" = get ] || exit 2
answer() {{ printf '{{"ServerURL":"%s","Username":"%s","Secret":"%s"}}' "$server" "$1" "$2"; }}
case "$server" in
  helped.example:5000) answer helperuser helper-secret-1 ;;
  https://index.docker.io/v1/) answer hubhelper hub-secret-1 ;;
  tokened.example) answer "<token>" identity-tok-1 ;;
  broken.example) echo "keychain locked: secret-in-error-9" >&2; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def helper_dir(tmp_path: Path) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "docker-credential-test"
    script.write_text(HELPER.format(log=tmp_path / "helper.log"))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bindir


def _store(tmp_path: Path, config: Mapping[str, object], **env: str) -> CredentialStore:
    config_dir = tmp_path / "dockercfg"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "config.json").write_text(json.dumps(config))
    environ = {"DOCKER_CONFIG": str(config_dir), "PATH": f"{tmp_path / 'bin'}:{os.defpath}", **env}
    return CredentialStore.from_environment(environ=environ)


def test_auths_base64_and_plain_fields(tmp_path: Path) -> None:
    store = _store(
        tmp_path,
        {
            "auths": {
                "https://index.docker.io/v1/": {"auth": _b64("hubuser:hub:pass:with:colons")},
                "http://127.0.0.1:5001/v2/": {"username": "u1", "password": "p1-secret"},
            }
        },
    )
    hub = store.for_registry("docker.io")
    assert hub is not None
    assert (hub.username, hub.password.reveal()) == ("hubuser", "hub:pass:with:colons")
    assert hub.server == "https://index.docker.io/v1/"
    local = store.for_registry("127.0.0.1:5001")
    assert local is not None
    assert (local.username, local.password.reveal(), local.server) == (
        "u1",
        "p1-secret",
        "127.0.0.1:5001",
    )
    assert store.for_registry("127.0.0.1:5000") is None


def test_identity_token_in_auths(tmp_path: Path) -> None:
    store = _store(tmp_path, {"auths": {"reg.example": {"identitytoken": "refresh-tok-1"}}})
    creds = store.for_registry("reg.example")
    assert creds is not None
    assert creds.identity_token == Secret("refresh-tok-1")


def test_cred_helper_gets_server_on_stdin_never_in_arguments(
    tmp_path: Path, helper_dir: Path
) -> None:
    store = _store(
        tmp_path,
        {
            "credHelpers": {"helped.example:5000": "test", "tokened.example": "test"},
            "auths": {"helped.example:5000": {"auth": _b64("ignored:ignored")}},
        },
    )
    creds = store.for_registry("helped.example:5000")
    assert creds is not None
    assert (creds.username, creds.password.reveal()) == ("helperuser", "helper-secret-1")
    assert creds.source == "docker-credential-test"
    assert store.for_registry("helped.example:5000") is creds  # asked once, cached
    token = store.for_registry("tokened.example")
    assert token is not None
    assert token.identity_token == Secret("identity-tok-1")
    calls = (tmp_path / "helper.log").read_text().splitlines()
    assert calls == ["get|helped.example:5000", "get|tokened.example"]


def test_creds_store_for_docker_hub_and_fallback_to_auths(tmp_path: Path, helper_dir: Path) -> None:
    store = _store(
        tmp_path,
        {"credsStore": "test", "auths": {"other.example": {"auth": _b64("o:o-secret")}}},
    )
    hub = store.for_registry("index.docker.io")
    assert hub is not None
    assert hub.username == "hubhelper"
    other = store.for_registry("other.example")  # the store knows nothing: auths answers
    assert other is not None
    assert other.username == "o"
    assert store.for_registry("nowhere.example") is None


def test_failing_helper_is_one_line_without_secret(tmp_path: Path, helper_dir: Path) -> None:
    Secret("secret-in-error-9")
    store = _store(tmp_path, {"credHelpers": {"broken.example": "test"}})
    with pytest.raises(ConfigError) as caught:
        store.for_registry("broken.example")
    assert "docker-credential-test failed for broken.example" in str(caught.value)
    assert "secret-in-error-9" not in str(caught.value)


def test_missing_default_store_falls_back_to_auths_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = {"credsStore": "desktop", "auths": {"r.example": {"auth": _b64("u:p-secret")}}}
    store = _store(tmp_path, config)
    with caplog.at_level(logging.WARNING, logger="dockyard.registry"):
        creds = store.for_registry("r.example")
        assert store.for_registry("other.example") is None
    assert creds is not None
    assert creds.username == "u"
    assert "docker-credential-desktop" in caplog.text
    assert "is not on PATH" in caplog.text


def test_missing_helper_says_so(tmp_path: Path) -> None:
    store = _store(tmp_path, {"credHelpers": {"x.example": "nosuch"}})
    with pytest.raises(ConfigError, match=r"docker-credential-nosuch .* is not on PATH"):
        store.for_registry("x.example")


@pytest.mark.parametrize(
    ("registry", "env", "expected_user"),
    [
        # Docker Hub: its own variables beat the config file.
        ("docker.io", {"DOCKER_USERNAME": "du", "DOCKER_PASSWORD": "dp-secret"}, "du"),
        ("docker.io", {"DOCKERHUB_USERNAME": "hu", "DOCKERHUB_TOKEN": "ht-secret"}, "hu"),
        (
            "docker.io",
            {
                "DOCKER_USERNAME": "du",
                "DOCKER_PASSWORD": "dp-secret",
                "DOCKERHUB_USERNAME": "hu",
                "DOCKERHUB_TOKEN": "ht-secret",
            },
            "du",
        ),
        ("docker.io", {"REPO_USER": "ru", "REPO_PASS": "rp-secret"}, "ru"),
        ("docker.io", {}, "cfghub"),
        # Other registries: REPO_USER/REPO_PASS first, then the config, then DOCKER_USERNAME.
        ("cfg.example", {"REPO_USER": "ru", "REPO_PASS": "rp-secret"}, "ru"),
        ("cfg.example", {"DOCKER_USERNAME": "du", "DOCKER_PASSWORD": "dp-secret"}, "cfguser"),
        ("bare.example", {"DOCKER_USERNAME": "du", "DOCKER_PASSWORD": "dp-secret"}, "du"),
        ("bare.example", {"DOCKERHUB_USERNAME": "hu", "DOCKERHUB_TOKEN": "ht-secret"}, None),
        ("bare.example", {"DOCKER_USERNAME": "du"}, None),  # half a pair is no pair
        ("bare.example", {"DOCKER_USERNAME": "du", "DOCKER_PASSWORD": ""}, None),
    ],
)
def test_environment_precedence(
    tmp_path: Path, registry: str, env: dict[str, str], expected_user: str | None
) -> None:
    config = {
        "auths": {
            "https://index.docker.io/v1/": {"auth": _b64("cfghub:cfghub-secret")},
            "cfg.example": {"auth": _b64("cfguser:cfg-secret")},
        }
    }
    creds = _store(tmp_path, config, **env).for_registry(registry)
    assert (creds.username if creds else None) == expected_user


def test_no_config_file_is_no_credentials(tmp_path: Path) -> None:
    store = CredentialStore.from_environment(environ={"HOME": str(tmp_path)})
    assert store.config_path == tmp_path / ".docker" / "config.json"
    assert store.for_registry("docker.io") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON (line 1)"),
        ("[1, 2]", "is not a JSON object"),
        ('{"auths": {"r.example": {"auth": "!!!"}}}', "is not base64 of user:password"),
        ('{"auths": {"r.example": {"auth": "' + _b64("nocolon") + '"}}}', "is not base64"),
    ],
)
def test_broken_config_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "config.json").write_text(text)
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        CredentialStore.from_environment(environ={"DOCKER_CONFIG": str(tmp_path)}).for_registry(
            "r.example"
        )
    assert caught.value.exit_code == 2


def test_secrets_never_print() -> None:
    creds = Credentials(username="u", password=Secret("printed-never-1"), source="$X/$Y")
    for text in (repr(creds), str(creds), f"{creds}", f"{creds.password}"):
        assert "printed-never-1" not in text


def test_docker_sdk_auth_config() -> None:
    creds = Credentials(
        username="u", password=Secret("p-secret"), server="https://index.docker.io/v1/"
    )
    assert to_docker_auth_config(creds) == {
        "username": "u",
        "password": "p-secret",
        "serveraddress": "https://index.docker.io/v1/",
    }
    tokened = Credentials(
        username="<token>", password=Secret(""), identity_token=Secret("idt-1"), server="r.example"
    )
    assert to_docker_auth_config(tokened)["identitytoken"] == "idt-1"
