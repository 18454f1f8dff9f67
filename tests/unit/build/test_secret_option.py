"""``dockyard build --secret``: buildx's spelling, values read before the build, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.build import SecretSpec, parse_secret, read_secrets
from dockyard.errors import UsageError


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("id=token,src=/run/token", SecretSpec("token", file=Path("/run/token"))),
        ("id=token,source=/run/token", SecretSpec("token", file=Path("/run/token"))),
        ("type=file,id=token,src=t", SecretSpec("token", file=Path("t"))),
        ("id=token,env=API_TOKEN", SecretSpec("token", env="API_TOKEN")),
        ("type=env,id=TOKEN", SecretSpec("TOKEN", env="TOKEN")),
        ("id=TOKEN", SecretSpec("TOKEN", env="TOKEN")),
    ],
)
def test_buildx_spellings(text: str, spec: SecretSpec) -> None:
    assert parse_secret(text) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("token", "expected id=NAME"),
        ("src=/run/token", "needs id=NAME"),
        ("id=t,src=a,env=B", "one of src=FILE or env=VARIABLE"),
        ("id=t,type=ssh", "one of src=FILE or env=VARIABLE"),
        ("id=t,type=file", "type=file needs src=FILE"),
        ("id=t,colour=red", "expected id=NAME"),
    ],
)
def test_wrong_spellings_are_one_line(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_secret(text)


def test_values_are_read_and_never_shown(tmp_path: Path) -> None:
    (tmp_path / "conf").write_text("file-secret-value")
    values = read_secrets(
        [SecretSpec("conf", file=tmp_path / "conf"), SecretSpec("token", env="TOKEN")],
        environ={"TOKEN": "env-secret-value"},
    )
    assert {k: v.reveal() for k, v in values.items()} == {
        "conf": "file-secret-value",
        "token": "env-secret-value",
    }
    assert "secret-value" not in repr(values)


def test_missing_sources_fail_before_the_build(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the variable TOKEN is not set"):
        read_secrets([SecretSpec("token", env="TOKEN")], environ={})
    with pytest.raises(UsageError, match=r"cannot read .*absent: No such file"):
        read_secrets([SecretSpec("conf", file=tmp_path / "absent")], environ={})
    with pytest.raises(UsageError, match="given twice"):
        read_secrets([SecretSpec("a", env="X"), SecretSpec("a", env="X")], environ={"X": "1"})
