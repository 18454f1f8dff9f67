from __future__ import annotations

import pytest

from dockyard.cli import COMMANDS, main
from dockyard.errors import DockyardError
from dockyard.secrets import Secret, redact


def test_version_prints_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert "dockyard, version" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "No such command" in capsys.readouterr().err


def test_every_registered_command_names_a_module() -> None:
    for name, (module, help_text) in COMMANDS.items():
        assert module == f"dockyard.cli.{name}"
        assert help_text.endswith(".")


def test_secret_never_prints_itself() -> None:
    secret = Secret("hunter2-very-secret")
    assert "hunter2" not in f"{secret} {secret!r}"
    assert secret.reveal() == "hunter2-very-secret"
    assert redact("login failed for hunter2-very-secret") == "login failed for ***"


def test_redact_masks_url_userinfo_and_auth_headers() -> None:
    assert redact("https://bob:pw@example.com/x.git") == "https://***@example.com/x.git"
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer ***"


def test_error_str_is_its_message() -> None:
    assert str(DockyardError("one clear line")) == "one clear line"
