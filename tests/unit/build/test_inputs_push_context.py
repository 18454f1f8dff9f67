"""Inputs hash, push error classification, and the context tar BuildKit reads."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from dockyard.build._inputs import inputs_hash
from dockyard.engine import write_context_tar
from dockyard.engine._push import classify_push_error
from dockyard.errors import AuthenticationError, RegistryError, RegistryUnavailable

BASE = {
    "revision": "a" * 40,
    "dockerfile": "Dockerfile",
    "context": ".",
    "build_args": {"A": "1", "B": "2"},
    "platform": None,
}


def test_inputs_hash_is_stable_and_order_free() -> None:
    first = inputs_hash(**BASE)  # type: ignore[arg-type]
    reordered = inputs_hash(**{**BASE, "build_args": {"B": "2", "A": "1"}})  # type: ignore[arg-type]
    assert first == reordered
    assert first.startswith("sha256:")


@pytest.mark.parametrize(
    "change",
    [
        {"revision": "b" * 40},
        {"dockerfile": "x/Dockerfile"},
        {"context": "x"},
        {"build_args": {"A": "1"}},
        {"platform": "linux/arm64"},
        {"translation": "2"},
    ],
)
def test_every_input_changes_the_hash(change: dict[str, object]) -> None:
    assert inputs_hash(**{**BASE, **change}) != inputs_hash(**BASE)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("unauthorized: authentication required", AuthenticationError),
        ("denied: requested access to the resource is denied", AuthenticationError),
        ("no basic auth credentials", AuthenticationError),
        ('Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused',
         RegistryUnavailable),
        ("net/http: request canceled (Client.Timeout exceeded) i/o timeout", RegistryUnavailable),
        ("manifest invalid: something odd", RegistryError),
    ],
)  # fmt: skip
def test_push_errors_are_classified(text: str, kind: type[RegistryError]) -> None:
    error = classify_push_error(text, reference="r/x:1")
    assert type(error) is kind
    assert "r/x:1" in error.message
    assert "\n" not in error.message


def test_push_error_messages_never_carry_url_credentials() -> None:
    error = classify_push_error(
        'Get "https://bob:hunter22@reg.example/v2/": connection refused', reference="r/x:1"
    )
    assert "hunter22" not in error.message


def test_context_tar_honours_dockerignore_and_adds_generated_files(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    (tmp_path / "keep.txt").write_text("keep\n")
    (tmp_path / "secret.env").write_text("TOKEN=1\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "big.js").write_text("x\n")
    (tmp_path / ".dockerignore").write_text("# comment\nsecret.env\nnode_modules\n")
    buffer = io.BytesIO()
    write_context_tar(
        context_dir=tmp_path, destination=buffer, extra_files={".dockyard-heredoc/a/EOF": b"hi\n"}
    )
    raw = buffer.getvalue()
    assert b"PaxHeader" not in raw[:512]  # BuildKit must see a plain tar header first
    with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
        names = set(archive.getnames())
        generated = archive.extractfile(".dockyard-heredoc/a/EOF")
        assert generated is not None
        assert generated.read() == b"hi\n"
    assert {"Dockerfile", "keep.txt", ".dockerignore"} <= names
    assert "secret.env" not in names
    assert not any(name.startswith("node_modules") for name in names)
