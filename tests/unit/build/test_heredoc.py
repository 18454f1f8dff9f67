"""Heredoc translation for pre-23 frontends: the rewritten instruction means the same."""

from __future__ import annotations

import json
import subprocess

import pytest

from dockyard.build._heredoc import needs_translation, translate_heredocs
from dockyard.dockerfile import parse
from dockyard.errors import DockerfileError


def _exec_form(line: str, keyword: str = "RUN") -> tuple[str, list[str]]:
    """Split ``RUN [flags] [json]`` into its flags and the JSON argument list."""
    rest = line.removeprefix(keyword + " ")
    flags, _, array = rest.partition("[")
    return flags.strip(), json.loads("[" + array)


def test_run_with_a_heredoc_hands_the_shell_the_same_text() -> None:
    text = "FROM x\nRUN --mount=type=cache,target=/c cat <<EOF > /out && echo ok\nhi $HOME\nEOF\n"
    result = translate_heredocs(text)
    lines = result.text.split("\n")
    assert lines[0] == "FROM x"
    flags, argv = _exec_form(lines[1])
    assert flags == "--mount=type=cache,target=/c"
    assert argv == ["/bin/sh", "-c", "cat <<EOF > /out && echo ok\nhi $HOME\nEOF"]
    assert result.files == {}
    assert result.translated == 1


def test_the_stage_shell_is_used_and_reset_by_from() -> None:
    text = (
        'FROM x\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN <<EOF\necho a\nEOF\n'
        "FROM y\nRUN <<EOF\necho b\nEOF\n"
    )
    lines = translate_heredocs(text).text.split("\n")
    assert _exec_form(lines[2])[1] == ["/bin/bash", "-eo", "pipefail", "-c", "echo a\n"]
    assert _exec_form(lines[4])[1] == ["/bin/sh", "-c", "echo b\n"]


def test_tab_stripping_and_quoting_are_left_to_the_shell() -> None:
    text = 'FROM x\nRUN cat <<-"END" > /f\n\tno $expansion\n\tEND\n'
    argv = _exec_form(translate_heredocs(text).text.split("\n")[1])[1]
    script = argv[2]
    assert script == 'cat <<-"END" > /f\n\tno $expansion\n\tEND'
    shell = subprocess.run(
        ["/bin/sh", "-c", script.replace("/f", "/dev/stdout")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == "no $expansion\n"


def test_a_shell_run_of_the_translation_prints_what_the_heredoc_says() -> None:
    text = "FROM x\nRUN <<EOF sh\necho from-sh\nEOF\n"
    argv = _exec_form(translate_heredocs(text).text.split("\n")[1])[1]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert done.stdout == "from-sh\n"


def test_a_shebang_body_runs_with_its_interpreter() -> None:
    text = 'FROM x\nRUN <<EOF\n#!/bin/sh\necho "$0" | grep -q tmp && echo via-file\nEOF\n'
    argv = _exec_form(translate_heredocs(text).text.split("\n")[1])[1]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    assert done.stdout == "via-file\n"


def test_copy_heredocs_become_files_in_the_context() -> None:
    text = (
        "FROM x\nARG WHO=nobody\nENV GREETING=hello-$WHO\n"
        "COPY --chown=1:1 <<a.txt <<'b.txt' /dir/\n$GREETING\na.txt\n$GREETING\nb.txt\n"
    )
    result = translate_heredocs(text, build_args={"WHO": "world"})
    line = result.text.split("\n")[3]
    assert line.startswith("COPY --chown=1:1 .dockyard-heredoc/")
    sources = line.split()[2:4]
    assert [s.rsplit("/", 1)[1] for s in sources] == ["a.txt", "b.txt"]
    assert line.endswith(" /dir/")
    assert result.files[sources[0]] == b"hello-world\n"
    assert result.files[sources[1]] == b"$GREETING\n"


def test_line_numbers_outside_heredocs_stay_consistent() -> None:
    text = "FROM x\nCOPY <<EOF /f\na\nb\nEOF\nRUN true\n"
    lines = translate_heredocs(text).text.split("\n")
    assert lines[2] == "RUN true"


def test_needs_translation() -> None:
    with_heredoc = parse("FROM x\nRUN <<EOF\ntrue\nEOF\n")
    with_syntax = parse("# syntax=docker/dockerfile:1\nFROM x\nRUN <<EOF\ntrue\nEOF\n")
    without = parse("FROM x\nRUN true\n")
    assert needs_translation(with_heredoc, frontend_has_heredocs=False)
    assert not needs_translation(with_heredoc, frontend_has_heredocs=True)
    assert not needs_translation(with_syntax, frontend_has_heredocs=False)
    assert not needs_translation(without, frontend_has_heredocs=False)


def test_a_broken_heredoc_is_a_dockerfile_error_with_its_line() -> None:
    with pytest.raises(DockerfileError) as caught:
        translate_heredocs("FROM x\nRUN <<EOF\nnever ends\n")
    assert caught.value.line == 2
