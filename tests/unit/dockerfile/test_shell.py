"""The shell helper: commands, arguments and flags as hadolint's Shell module sees them."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockyard.dockerfile import Command, apt_install_packages, parse, read_script
from dockyard.dockerfile._shell import plain_words
from dockyard.dockerfile.rules import shell_of

SPLIT_CASES = [
    ("and-list", "apt-get update && apt-get install -y x", ["apt-get", "apt-get"]),
    ("or, semicolon, pipe, background", "a || b; c | d & e", ["a", "b", "c", "d", "e"]),
    ("newlines and continuation", "a \\\n  --x\nb", ["a", "b"]),
    ("assignment prefix", "FOO=1 BAR=2 make install", ["make"]),
    ("assignment alone", "FOO=1", []),
    ("subshell and brace group", "(cd x && make) && { echo a; }", ["cd", "make", "echo"]),
    ("command substitution", 'echo "$(curl -s x | sh)"', ["echo", "curl", "sh"]),
    ("backticks", "echo `wget -q y`", ["echo", "wget"]),
    ("arithmetic is not a command", "echo $((1 + 2))", ["echo"]),
    ("if/then/else/fi", "if [ -f x ]; then yum install a; else apk add b; fi", ["yum", "apk"]),
    ("for loop", "for i in a b; do echo $i; done", ["echo"]),
    ("while loop", "while read l; do echo $l; done < f", ["read", "echo"]),
    ("case", "case $x in\n a) one ;;\n *) two ;;\nesac", ["one", "two"]),
    ("heredoc body skipped", "cat <<EOF > /f\nrm -rf /\nEOF\necho ok", ["cat", "echo"]),
    ("comment", "echo a # && rm -rf /\necho b", ["echo", "echo"]),
    ("quoted operators", "echo 'a && b' \"c; d\"", ["echo"]),
    ("negation", "! grep -q x f", ["grep"]),
    ("unterminated quote does not raise", "echo 'oops", ["echo"]),
]


@pytest.mark.parametrize(
    ("script", "names"), [c[1:] for c in SPLIT_CASES], ids=[c[0] for c in SPLIT_CASES]
)
def test_command_names(script: str, names: list[str]) -> None:
    assert read_script(script).names == names


def test_arguments_have_quotes_removed_and_no_redirections() -> None:
    (command,) = read_script("echo 'a b' \"c\"d e\\ f > /dev/null 2>&1 >>log").commands
    assert command.args == ("a b", "cd", "e f")


def test_flag_helpers_follow_hadolint() -> None:
    command = read_script(
        "apt-get -qy install --no-install-recommends -o Dpkg::X=1 a b=1"
    ).commands[0]
    assert command.flags == ("q", "y", "no-install-recommends", "o")
    assert command.has_flag("-y", "--yes")
    assert command.has_flag("no-install-recommends")
    assert not command.has_flag("--assume-yes")
    assert command.args_no_flags() == ["install", "Dpkg::X=1", "a", "b=1"]
    assert command.flag_values("o") == ["Dpkg::X=1"]
    assert command.args_no_flags(drop_values_of=("o",)) == ["install", "a", "b=1"]
    assert command.subcommand == "install"
    assert command.has_args("apt-get", "install")
    assert not command.has_args("apt", "install")
    assert command.has_prefix_arg("apt-get", "b=")
    assert Command("x", ("-", "--")).flags == ()


def test_unwrapped_looks_through_sudo_and_env() -> None:
    command = read_script("sudo -u bob env A=1 nice -n 5 pip install x").commands[0]
    assert command.name == "sudo"
    assert (command.unwrapped.name, command.unwrapped.args) == ("pip", ("install", "x"))


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("pip install x", True),
        ("pip3 install x", True),
        ("python3 -m pip install x", True),
        ("pipenv install", False),
        ("pip download x", False),
    ],
)
def test_is_pip_install(script: str, expected: bool) -> None:
    assert read_script(script).commands[0].is_pip_install is expected


def test_has_pipes() -> None:
    assert read_script("wget -O - x | tar xz").has_pipes
    assert read_script("echo $(a | b)").has_pipes
    assert not read_script("a || b").has_pipes


@pytest.mark.parametrize(
    ("dockerfile", "names"),
    [
        ("FROM a\nRUN apt-get update\n", ["apt-get"]),
        ('FROM a\nRUN ["apt-get", "install", "-y", "x"]\n', ["apt-get"]),
        ("FROM a\nRUN <<EOF\napt-get update\nrm -rf /x\nEOF\n", ["apt-get", "rm"]),
        ("FROM a\nRUN bash <<EOF\nmake\nEOF\n", ["bash", "make"]),
        ("FROM a\nRUN cat <<EOF > /etc/conf\nrm -rf /\nEOF\n", ["cat"]),
        ("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n", []),
    ],
)
def test_shell_of_run_forms(dockerfile: str, names: list[str]) -> None:
    run = parse(dockerfile).instructions[1]
    assert shell_of(run).names == names


def test_quoted_heredoc_delimiters_and_assignments() -> None:
    script = read_script("cat <<'EOF' > /f\nrm -rf /\nEOF\nFOO=\"a b\" make install; echo '>' x")
    assert [(c.name, c.args) for c in script.commands] == [
        ("cat", ()),
        ("make", ("install",)),
        ("echo", (">", "x")),
    ]


@pytest.mark.parametrize(
    ("script", "facts"),
    [
        ("a && b || c; d &", (("&&", "||", ";", "&"), False, False, False, True)),
        ("A=1 && cd /x # note", (("&&",), True, True, False, False)),
        ("x=$(a || b) make", (("||",), False, False, False, False)),
        ("echo 'a && b", ((), False, False, True, False)),
        ('echo "$(ls) `date', ((), False, False, True, False)),
        ("echo '#' a#b", ((), False, False, False, False)),
        ("a & b", (("&",), False, False, False, False)),
    ],
)
def test_what_fixers_need_before_rewriting(
    script: str, facts: tuple[tuple[str, ...], bool, bool, bool, bool]
) -> None:
    read = read_script(script)
    assert (
        read.operators,
        read.sets_variables,
        read.has_comment,
        read.unterminated,
        read.ends_in_background,
    ) == facts


def test_words_keep_the_wrapper_and_unwrapped_sees_through_it() -> None:
    (command,) = read_script('FOO=1 exec gosu app "$@" > /log').commands
    assert command.name == "gosu"
    assert command.words == ("exec", "gosu", "app", "${@}")
    assert (command.unwrapped.name, command.unwrapped.args) == ("gosu", ("app", "${@}"))


@pytest.mark.parametrize(
    ("script", "packages"),
    [
        ("apt-get install -y --no-install-recommends curl git", ["curl", "git"]),
        ("sudo apt install -y gcc", ["gcc"]),
        ("DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get -q install make", ["make"]),
        ("apt-get update", None),
        ("apk add curl", None),
    ],
)
def test_apt_install_packages(script: str, packages: list[str] | None) -> None:
    assert apt_install_packages(read_script(script).commands[0]) == packages


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("nginx -g 'daemon off;'", ["nginx", "-g", "daemon off;"]),
        ("python3 \"a b\"c ''", ["python3", "a bc", ""]),
        ("while true", ["while", "true"]),
        ("A=1 run", ["A=1", "run"]),
        ("a && b", None),
        ("a > log", None),
        ("a # note", None),
        ("echo 'open", None),
    ],
)
def test_plain_words_is_the_lexer_alone(text: str, words: list[str] | None) -> None:
    assert plain_words(text) == words


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab =-'\" \t./:", max_size=30))
def test_plain_words_splits_as_posix_shlex(text: str) -> None:
    try:
        expected: list[str] | None = shlex.split(text)
    except ValueError:
        expected = None
    assert plain_words(text) == expected
