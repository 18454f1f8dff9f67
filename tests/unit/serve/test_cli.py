"""``dockyard serve`` and ``dockyard serve token create`` as a user runs them: one line per
problem on stderr, the documented exit codes, the token alone on stdout's last line."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dockyard.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    assert isinstance(code, int)
    return code, out, err


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "serve.yaml"
    path.write_text(f"state_dir: {tmp_path / 'state'}\n" + text)
    return path


APP = "apps:\n  web:\n    repo: file:///srv/web.git\n    image: 127.0.0.1:5000/web\n"


def test_an_invalid_config_is_exit_2_with_one_line_per_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, APP + "    webhook: {provider: svn, secret_env: X}\n    pol: 1m\n")
    code, out, err = _run(["serve", "--config", str(path)], capsys)
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        f"dockyard: error: {path}: apps.web.webhook.provider: must be one of github, gitea, "
        "forgejo, gitlab",
        f"{path}: apps.web.pol: unknown key (did you mean poll?)",
    ]


def test_postgresql_down_at_start_is_exit_15_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = _config(tmp_path, f"database: postgresql://dock:pg-secret@127.0.0.1:{port}/d\n" + APP)
    code, _, err = _run(["serve", "--config", str(path)], capsys)
    assert code == 15
    assert len(err.splitlines()) == 1
    assert err.startswith(
        f"dockyard: error: the database at postgresql+psycopg://***@127.0.0.1:{port}/d is not "
        "reachable: "
    )
    assert "pg-secret" not in err


def test_a_taken_listen_port_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        path = _config(tmp_path, f"listen: 127.0.0.1:{port}\n" + APP)
        code, _, err = _run(["serve", "--config", str(path)], capsys)
    assert code == 2
    assert err == f"dockyard: error: listen 127.0.0.1:{port}: Address already in use\n"


def test_token_create_prints_the_token_alone_on_the_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, APP)
    argv = ["serve", "token", "create", "ci", "--scope", "deploy", "--config", str(path)]
    code, out, err = _run(argv, capsys)
    assert code == 0
    token = out.splitlines()[-1]
    assert token.startswith("dy_")
    assert token == out.strip()
    assert token not in err
    assert "token ci (scope deploy) created" in err
    again, _, err = _run(argv, capsys)
    assert (again, err) == (2, "dockyard: error: a token named ci exists: pick another name\n")


def test_serve_without_a_config_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["serve"], capsys)
    assert code == 2
    assert "--config FILE is required" in err


def test_the_listening_socket_sends_small_answers_at_once(tmp_path: Path) -> None:
    """TCP_NODELAY on the socket serve binds (its connections inherit it): without it a
    keep-alive client waited for delayed ACKs, ~40 ms per webhook answer."""
    from dockyard.serve import load_config
    from dockyard.serve._service import _bind

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    path = _config(tmp_path, f"listen: 127.0.0.1:{port}\n" + APP)
    with _bind(load_config(path)) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_an_idle_server_loads_no_engine_client() -> None:
    """What ``dockyard serve`` imports before its first build: the docker SDK (and the image
    code that needs it) waits for a build or a deploy, so an idle server stays small."""
    probe = (
        "import sys, dockyard.serve._service, dockyard.serve.dashboard, uvicorn; "
        "print(sorted(m for m in ('docker', 'dockyard.engine', 'dockyard.image') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
