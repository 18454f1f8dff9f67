"""How the one shell reader reads RUN scripts (hadolint's view through ShellCheck): which
commands, names and arguments; each case is one that changes a DL rule's verdict when read
otherwise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockyard.dockerfile._shell import read_script

CASES = [
    ("chained", "apt-get update && apt-get install -y curl", ["apt-get", "apt-get"]),
    ("separators", "a; b || c & d", ["a", "b", "c", "d"]),
    ("pipe", "curl -fsSL https://x | sh", ["curl", "sh"]),
    ("continuation", "apt-get update \\\n && rm -rf /var/lib/apt/lists/*", ["apt-get", "rm"]),
    ("subshell", "( cd /src && make )", ["cd", "make"]),
    ("if and for", "if [ -f x ]; then cd /x; fi; for f in a b; do echo $f; done", ["cd", "echo"]),
    ("command substitution", 'echo "$(uname -m)" `date`', ["echo", "uname", "date"]),
    ("assignments skipped", "FOO=1 BAR='a b' make install", ["make"]),
    ("assignment only", "A=$(id -u)", ["id"]),
    ("sudo is the name", "sudo apt-get install -y vim", ["sudo"]),
    ("exec runs its argument", 'exec gosu app "$@"', ["gosu"]),
    ("non-literal name", "$CMD --version", []),
    ("heredoc body is data", "cat <<EOF > /etc/x\ncd /tmp\nEOF\nls", ["cat", "ls"]),
    ("redirections", "make 2>&1 > /dev/null < in.txt", ["make"]),
    ("comment", "ls # && cd /tmp", ["ls"]),
    ("quoted operators", "echo 'a && b' \"c | d\"", ["echo"]),
    (
        "case patterns are not commands",
        'case "$(uname -m)" in x86_64|amd64) cd /a ;; *) cd /b ;; esac; ls',
        ["uname", "cd", "cd", "ls"],
    ),
    ("function definition", "f() { cd /tmp; }; f", ["cd", "f"]),
    ("time counts as a command too", "time make -j2", ["time", "make"]),
    ("case inside if", "if true; then case $x in a|b) top ;; esac; fi", ["true", "top"]),
    ("array assignment is a value", "a=(1 2 3) && ls", ["ls"]),
    # Where ShellCheck stops on a syntax error, hadolint keeps the statements completed before it.
    ("syntax error after a background job", "top & && cd /x", ["top"]),
    ("syntax error inside the first statement", "top && && cd /x", []),
    ("syntax error inside a compound command", "ls; if true; then top & | x; fi", ["ls"]),
    ("case on several lines", "case $x in\n  a) id;;\n  (b) ps\n  ;;\nesac", ["id", "ps"]),
]


@pytest.mark.parametrize(("script", "names"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_command_names(script: str, names: list[str]) -> None:
    assert read_script(script).names == names


def test_arguments_quotes_removed_and_parameters_braced() -> None:
    command = read_script("wget -q -O \"$HOME/a b\" 'x' 2>/dev/null").commands[0]
    assert command.args == ("-q", "-O", "${HOME}/a b", "x")


def test_flags_as_hadolint_reads_them() -> None:
    command = read_script("apt-get -yq --no-install-recommends=1 install - -- x").commands[0]
    assert command.flags == ("y", "q", "no-install-recommends")
    assert command.count_flag("q") == 1


def test_args_no_flags_and_dropped_flag_values() -> None:
    command = read_script("apk add -t .build --virtual=.v gcc musl-dev").commands[0]
    assert command.args_no_flags() == ["add", ".build", "gcc", "musl-dev"]
    assert command.args_no_flags(drop_values_of=("t", "virtual")) == ["add", "gcc", "musl-dev"]


def test_flag_values() -> None:
    assert read_script("useradd -m -u 123456 app").commands[0].flag_values("u") == ["123456"]


@pytest.mark.parametrize(
    ("script", "pipes"),
    [
        ("a | b", True),
        ("a || b", False),
        ("echo $(ls | head -1)", True),
        ("echo '|'", False),
        ("case $x in a|b) ls ;; esac", False),
        ("case $x in a) ls | wc ;; esac", True),
    ],
)
def test_pipes(script: str, pipes: bool) -> None:
    assert read_script(script).has_pipes is pipes


SHELL_ALPHABET = "ab -=$(){}[]|&;<>'\"`\\\n\t#*~.:/0123456789EOF"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SHELL_ALPHABET, max_size=80))
def test_any_text_is_read_without_error(text: str) -> None:
    script = read_script(text)
    assert read_script.__wrapped__(text) == script  # the cache changes nothing
