"""``dockyard lint --server``: a resident lint process, for tools that lint one file at a time.

A one-file ``dockyard lint`` spends most of its time starting Python and importing the rules,
not linting. With ``--server`` the console script first asks a resident process over a Unix
socket: it sends its arguments, working directory, environment and standard input, and prints
what comes back. When no server answers, it lints in its own process as always and starts one
in the background for the next call. The server:

- lints each request exactly as the command would in the client's directory, with the client's
  environment and standard input (one request at a time, so it changes to them safely);
- answers only its own user (the socket is in a directory only the user can enter, and the
  peer's uid is checked);
- is one per dockyard version, Python and ``PATH`` (the socket's name says which), and stops when
  dockyard's source files change (an upgrade, an edit of a checkout), so no answer comes from
  old code; and after ``DOCKYARD_LINT_SERVER_IDLE`` seconds without a request (600).

This module imports only what the client needs (no typing, no dataclasses): the client's time
is most of what ``--server`` saves.
"""

from __future__ import annotations

import _socket
import marshal
import os
import sys
import zlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket
    from collections.abc import Iterator, Mapping

__all__ = ["ask", "serve", "socket_path", "spawn", "wants_server"]

_IDLE_S = 600.0
_TIMEOUT_S = 60.0  # the longest a client waits for an answer before it lints by itself
_FLAG = "--server"


def _version() -> str:
    from dockyard import __version__

    return __version__


def socket_path(environ: Mapping[str, str]) -> str:
    """Where the server for this dockyard, Python and ``PATH`` listens."""
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    base = (
        os.path.join(runtime, "dockyard")
        if runtime and os.path.isdir(runtime)
        else f"/tmp/dockyard-{os.getuid()}"  # noqa: S108 (a directory only the user can enter)
    )
    identity = "\0".join((_version(), sys.executable, environ.get("PATH", "")))
    return os.path.join(base, f"lint-{zlib.crc32(identity.encode()):08x}.sock")


def wants_server(args: list[str]) -> bool:
    """``--server`` among the options (not a file named so after ``--``)."""
    options = args[: args.index("--")] if "--" in args else args
    return _FLAG in options


def ask(args: list[str], *, environ: Mapping[str, str]) -> int | None:
    """Have the server lint ``args`` (after ``lint``); its exit code once its output is
    printed, or None when no server answered (nothing was printed)."""
    stdin = sys.stdin.read() if "-" in args else None
    request = {
        "args": _without_flag(args),
        "cwd": os.getcwd(),
        "env": dict(environ),
        "stdin": stdin,
        "tty": sys.stdout.isatty(),
    }
    # The C module: ``socket`` would import enum and selectors, a third of the client's time.
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.settimeout(_TIMEOUT_S)
        conn.connect(socket_path(environ))
        conn.sendall(marshal.dumps(request))
        conn.shutdown(_socket.SHUT_WR)
        answer = marshal.loads(_read_all(conn))  # noqa: S302 (this user's own server)
    except (OSError, EOFError, ValueError, TypeError):
        answer = None
    except KeyboardInterrupt:
        sys.stderr.write("dockyard: interrupted\n")
        return 130
    finally:
        conn.close()
    if not isinstance(answer, dict) or not isinstance(answer.get("code"), int):
        if stdin is not None:
            sys.stdin = _Text(stdin)  # the client lints it itself now
        return None
    sys.stdout.write(answer["stdout"])
    sys.stdout.flush()
    sys.stderr.write(answer["stderr"])
    sys.stderr.flush()
    code: int = answer["code"]
    return code


def _without_flag(args: list[str]) -> list[str]:
    if "--" not in args:
        return [a for a in args if a != _FLAG]
    cut = args.index("--")
    return [a for a in args[:cut] if a != _FLAG] + args[cut:]


def spawn(environ: Mapping[str, str]) -> None:
    """Start a server in the background (it exits at once if another one runs)."""
    import subprocess

    try:  # noqa: SIM105 (contextlib is not imported on the client's path)
        subprocess.Popen(
            [sys.executable, "-m", "dockyard._lint_server", socket_path(environ)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=dict(environ),
        )
    except OSError:
        pass  # no server: every call lints by itself, as without --server


def _read_all(conn: _socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


class _Text:
    """A text stream for the lint's standard input or output inside the server."""

    def __init__(self, text: str = "", *, tty: bool = False) -> None:
        import io

        self._buffer = io.StringIO(text)
        self._tty = tty

    def read(self) -> str:
        return self._buffer.read()

    def write(self, text: str) -> int:
        return self._buffer.write(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self._tty

    def getvalue(self) -> str:
        return self._buffer.getvalue()


def _sources_stamp() -> list[tuple[str, int]]:
    """Every source file of dockyard with its modification time."""
    root = os.path.dirname(os.path.abspath(__file__))
    stamp = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                try:
                    stamp.append((path, os.stat(path).st_mtime_ns))
                except OSError:
                    stamp.append((path, -1))
    return sorted(stamp)


def _peer_uid(conn: socket.socket) -> int:
    import struct

    creds = conn.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def _handle(request: Mapping[str, object]) -> dict[str, object]:
    """Lint one request as the client would have: its directory, environment and input."""
    from dockyard.cli import run_fast

    args = request["args"]
    env = request["env"]
    cwd = request["cwd"]
    stdin = request["stdin"]
    assert isinstance(args, list)
    assert isinstance(env, dict)
    assert isinstance(cwd, str)
    out, err = _Text(tty=bool(request["tty"])), _Text()
    with _as_client(cwd=cwd, env=env, stdin=stdin if isinstance(stdin, str) else ""):
        code = run_fast(args, stdout=out, stderr=err, environ=env)  # type: ignore[arg-type]
    if code is None:
        return {"fallback": True}  # click must read these arguments: the client does it
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


class _as_client:
    def __init__(self, *, cwd: str, env: Mapping[str, str], stdin: str) -> None:
        self.cwd, self.env, self.stdin = cwd, env, stdin

    def __enter__(self) -> None:
        self.saved = (os.getcwd(), dict(os.environ), sys.stdin)
        os.chdir(self.cwd)
        os.environ.clear()
        os.environ.update(self.env)
        sys.stdin = _Text(self.stdin)

    def __exit__(self, *exc: object) -> None:
        cwd, env, stdin = self.saved
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.stdin = stdin


def _requests(listener: socket.socket, idle: float) -> Iterator[socket.socket]:
    listener.settimeout(idle)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            return
        conn.settimeout(_TIMEOUT_S)
        yield conn


def serve(path: str) -> int:
    """The server's loop: one request at a time until idle, or until dockyard's code changes."""
    import contextlib
    import fcntl
    import gc
    import socket

    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    if os.stat(directory).st_uid != os.getuid() or os.stat(directory).st_mode & 0o077:
        return 2  # not a directory of this user's alone: do not listen there
    lock = open(path + ".lock", "a")  # noqa: SIM115 (held for the server's life)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another server runs
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    idle = float(os.environ.get("DOCKYARD_LINT_SERVER_IDLE", _IDLE_S))
    stamp = _sources_stamp()
    from dockyard.dockerfile.rules import all_rules

    all_rules()  # every rule imported once, before the first request
    gc.freeze()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        os.chmod(path, 0o600)
        listener.listen(64)
        try:
            for conn in _requests(listener, idle):
                with conn:
                    if _sources_stamp() != stamp:
                        return 0  # new code: the client lints by itself, the next starts anew
                    if _peer_uid(conn) != os.getuid():
                        continue
                    try:
                        request = marshal.loads(_read_all(conn))  # noqa: S302 (same uid)
                        answer = _handle(request)
                    except Exception as exc:  # the client then lints by itself
                        answer = {"error": f"{type(exc).__name__}: {exc}"}
                    conn.sendall(marshal.dumps(answer))
        finally:
            os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
