"""The parser against a table of syntax features, and against every file of the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.dockerfile import Flag, parse
from dockyard.errors import DockerfileError

CORPUS = Path("/work/shared/corpus/dockerfiles")

# (case id, Dockerfile text, expected [(keyword, start_line, end_line, arguments)])
INSTRUCTION_CASES = [
    ("simple", "FROM alpine\nRUN echo hi\n", [("FROM", 1, 1, "alpine"), ("RUN", 2, 2, "echo hi")]),
    (
        "lowercase keyword",
        "from alpine\nrun echo\n",
        [("FROM", 1, 1, "alpine"), ("RUN", 2, 2, "echo")],
    ),
    (
        "continuation with comment and blank line inside",
        "FROM a\nRUN apt-get update \\\n  # why\n\n  && apt-get install -y x\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 5, "apt-get update   && apt-get install -y x")],
    ),
    (
        "continuation with trailing blanks after the backslash",
        "FROM a\nRUN a \\  \n b\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 3, "a  b")],
    ),
    (
        "backtick escape directive",
        "# escape=`\nFROM a\nRUN dir `\n  c:\\\\\n",
        [("FROM", 2, 2, "a"), ("RUN", 3, 4, "dir   c:\\\\")],
    ),
    (
        "continuation at end of file",
        "FROM a\nRUN foo \\\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 2, "foo")],
    ),
    (
        "heredoc then comment and instruction right after the terminator",
        "FROM a\nRUN <<EOF\necho 1\nEOF\n# done\nRUN echo 2\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 4, "<<EOF"), ("RUN", 6, 6, "echo 2")],
    ),
    (
        "heredoc with a command after the marker",
        "FROM a\nRUN python3 <<EOF > /out\nprint(1)\nEOF\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 4, "python3 <<EOF > /out")],
    ),
    (
        "two heredocs on one COPY",
        "FROM a\nCOPY <<A /a <<B /b\n1\nA\n2\nB\nUSER x\n",
        [("FROM", 1, 1, "a"), ("COPY", 2, 6, "<<A /a <<B /b"), ("USER", 7, 7, "x")],
    ),
    (
        "flags of RUN, COPY and ADD",
        "FROM a\nRUN --network=none --security=insecure true\nCOPY --link --chmod=755 a b\n",
        [("FROM", 1, 1, "a"), ("RUN", 2, 2, "true"), ("COPY", 3, 3, "a b")],
    ),
    ("leading whitespace", "  FROM a\n\tRUN x\n", [("FROM", 1, 1, "a"), ("RUN", 2, 2, "x")]),
    ("CRLF line ends", "FROM a\r\nRUN x\r\n", [("FROM", 1, 1, "a"), ("RUN", 2, 2, "x")]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in INSTRUCTION_CASES], ids=[c[0] for c in INSTRUCTION_CASES]
)
def test_instructions_and_lines(text: str, expected: list[tuple[str, int, int, str]]) -> None:
    df = parse(text)
    got = [(i.keyword, i.start_line, i.end_line, i.arguments) for i in df.instructions]
    assert got == expected


def test_directives_only_at_the_top() -> None:
    df = parse("# syntax=docker/dockerfile:1\n# check=skip=all\nFROM a\n# escape=`\nRUN x \\\n y\n")
    assert df.directives == {"syntax": "docker/dockerfile:1", "check": "skip=all"}
    assert df.instructions[1].arguments == "x  y"


def test_comments_are_kept_with_lines() -> None:
    df = parse("# top\nFROM a\nRUN a \\\n  # inside\n  b\n# hadolint ignore=DL3006\nFROM b\n")
    assert [(c.line, c.text) for c in df.comments] == [
        (1, "top"),
        (4, "inside"),
        (6, "hadolint ignore=DL3006"),
    ]


def test_heredoc_details() -> None:
    df = parse("FROM a\nCOPY <<-\"EOT\" /x <<'Q' /y <<Z /z\n\t\tline $v\n\tEOT\nq\nQ\nz\nZ\n")
    docs = df.instructions[1].heredocs
    assert [(d.delimiter, d.body, d.strip_tabs, d.quoted) for d in docs] == [
        ("EOT", "line $v\n", True, True),
        ("Q", "q\n", False, True),
        ("Z", "z\n", False, False),
    ]
    assert (docs[0].start_line, docs[0].end_line) == (3, 4)
    assert docs[0].chomp is True


def test_heredoc_only_run_script_is_the_body() -> None:
    df = parse("FROM a\nRUN <<EOF\nset -e\napt-get update\nEOF\n")
    run = df.instructions[1]
    assert run.shell_script == "set -e\napt-get update\n"
    assert run.script_lines == [(3, "set -e"), (4, "apt-get update")]


def test_raw_is_the_exact_source_span() -> None:
    text = "FROM a\nRUN a \\\n  # c\n  b\nRUN <<EOF\nx\nEOF\n"
    df = parse(text)
    assert df.instructions[1].raw == "RUN a \\\n  # c\n  b"
    assert df.instructions[2].raw == "RUN <<EOF\nx\nEOF"


def test_flags_values_and_repeats() -> None:
    df = parse(
        "FROM a\nRUN --mount=type=cache,target=/c --mount=type=secret,id=s --network=host x\n"
        "COPY --from=build --chown=1:1 --parents --exclude=*.md a /b\n"
        "ADD --checksum=sha256:00 --keep-git-dir=true https://x/y /z\n"
    )
    run, copy, add = df.instructions[1:]
    assert run.flag_values("mount") == ["type=cache,target=/c", "type=secret,id=s"]
    assert run.flag("network") == "host"
    assert copy.flags == [
        Flag("from", "build"),
        Flag("chown", "1:1"),
        Flag("parents", None),
        Flag("exclude", "*.md"),
    ]
    assert copy.flag("parents") == ""
    assert copy.flag("link") is None
    assert add.flag("checksum") == "sha256:00"
    assert add.flag("keep-git-dir") == "true"


def test_exec_and_shell_forms() -> None:
    df = parse(
        'FROM a\nCMD ["a", "b c"]\nENTRYPOINT [bad\nRUN ["x"] y\nSHELL ["/bin/bash", "-c"]\n'
    )
    assert [i.json_args for i in df.instructions[1:]] == [
        ["a", "b c"],
        None,
        None,
        ["/bin/bash", "-c"],
    ]
    assert df.instructions[2].words == ["[bad"]


def test_env_and_arg_forms() -> None:
    df = parse(
        'FROM a\nENV a=b c="d e" f=g\\ h\nENV legacy value with spaces\n'
        'ARG X=1 Y\nLABEL "k"="v w"\n'
    )
    env1, env2, arg, label = df.instructions[1:]
    assert env1.env_pairs() == [("a", "b"), ("c", "d e"), ("f", "g h")]
    assert env2.env_pairs() == [("legacy", "value with spaces")]
    assert arg.arg_pairs() == [("X", "1"), ("Y", None)]
    assert (arg.arg_name, arg.arg_default) == ("X", "1")
    assert label.env_pairs() == [("k", "v w")]


@pytest.mark.parametrize(
    ("from_line", "resolved"),
    [
        ("FROM $IMG", "debian"),
        ("FROM ${IMG}:${TAG}", "debian:12"),
        ("FROM ${NOPE:-alpine}", "alpine"),
        ("FROM ${EMPTY:-x}", "x"),
        ("FROM ${EMPTY-x}", ""),
        ("FROM ${NOPE-y}", "y"),
        ("FROM ${TAG:+img}:${TAG}", "img:12"),
        ("FROM ${NOPE:+z}alpine", "alpine"),
        ("FROM a${EMPTY+set}", "aset"),
        ("FROM ${UNDECLARED_DEFAULT:-u}", "u"),
    ],
)
def test_from_resolves_global_args(from_line: str, resolved: str) -> None:
    df = parse(f"ARG IMG=debian\nARG TAG=12\nARG EMPTY=\nARG UNDECLARED_DEFAULT\n{from_line}\n")
    assert df.stages[0].base_resolved == resolved
    assert df.global_args["IMG"] == "debian"
    assert df.global_args["UNDECLARED_DEFAULT"] is None


def test_stages_names_platform_and_membership() -> None:
    df = parse(
        "ARG V=1\nFROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nRUN go build\n"
        "FROM scratch\nCOPY --from=build /a /a\n"
    )
    first, second = df.stages
    assert (first.index, first.name, first.base_image, first.platform) == (
        0,
        "build",
        "golang:1.22",
        "$BUILDPLATFORM",
    )
    assert [i.keyword for i in first.instructions] == ["FROM", "RUN"]
    assert (second.name, second.start_line) == (None, 4)
    assert [i.stage_index for i in df.instructions] == [-1, 0, 0, 1, 1]
    assert df.instructions[1].from_alias == "build"
    assert df.stage_named("BUILD") is first


def test_onbuild_parses_the_inner_instruction() -> None:
    df = parse("FROM a\nONBUILD COPY --chown=1 . /app\n")
    inner = df.instructions[1].onbuild
    assert inner is not None
    assert (inner.keyword, inner.arguments, inner.flag("chown")) == ("COPY", ". /app", "1")


def test_healthcheck_options() -> None:
    df = parse("FROM a\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f http://l/\n")
    hc = df.instructions[1]
    assert (hc.flag("interval"), hc.flag("retries"), hc.arguments) == (
        "30s",
        "3",
        "CMD curl -f http://l/",
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("FROM a\nRUNN x\n", 2, "unknown instruction: RUNN"),
        ("FROM a\nRUN <<EOF\nx\n", 2, "unterminated heredoc EOF"),
        ("FROM\n", 1, "FROM requires either one or three arguments"),
        ("# escape=x\nFROM a\n", 1, "invalid escape token"),
        ("# just a comment\n\n", 1, "file with no instructions"),
        ("FROM a\nONBUILD ONBUILD RUN x\n", 2, "isn't allowed"),
    ],
)
def test_syntax_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(DockerfileError) as caught:
        parse(text, path="ctx/Dockerfile")
    assert caught.value.line == line
    assert caught.value.path == "ctx/Dockerfile"
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"ctx/Dockerfile:{line}: ")


def test_script_lines_map_to_dockerfile_lines() -> None:
    df = parse(
        "FROM a\nRUN --mount=type=cache,target=/c \\\n  apt-get update \\\n  # c\n  && true\n"
    )
    assert df.instructions[1].script_lines == [
        (3, "apt-get update \\"),
        (4, "\\"),
        (5, "  && true"),
    ]


def test_every_corpus_file_parses() -> None:
    files = sorted(CORPUS.iterdir())
    assert len(files) == 241
    for file in files:
        df = parse(file.read_text(encoding="utf-8", errors="replace"), path=str(file))
        assert df.stages, file.name


def test_escaped_escape_character_does_not_continue() -> None:
    df = parse("FROM a\nRUN echo c:\\\\\nRUN next\n")
    assert [(i.start_line, i.arguments) for i in df.instructions[1:]] == [
        (2, "echo c:\\\\"),
        (3, "next"),
    ]


def test_heredocs_in_onbuild_and_not_in_exec_form() -> None:
    df = parse('FROM a\nONBUILD RUN <<EOF\nmake\nEOF\nRUN ["echo", "<<EOF"]\nUSER x\n')
    onbuild, exec_form, user = df.instructions[1:]
    assert (onbuild.start_line, onbuild.end_line, onbuild.heredocs[0].body) == (2, 4, "make\n")
    assert exec_form.heredocs == []
    assert user.start_line == 6


def test_partly_quoted_delimiter_is_quoted() -> None:
    doc = parse('FROM a\nRUN <<E"O"F\n$x\nEOF\n').instructions[1].heredocs[0]
    assert (doc.delimiter, doc.quoted) == ("EOF", True)


def test_public_api_is_curated() -> None:
    import dockyard.dockerfile as package

    assert sorted(package.__all__) == [
        "Command", "Comment", "Dockerfile", "FileResult", "Finding", "Flag", "Heredoc",
        "Instruction", "LintConfig", "LintContext", "Script", "Severity", "Stage",
        "apt_install_packages", "exit_code", "expand", "find_shellcheck", "heredoc_only_command",
        "lint_sources", "lint_text", "load_config", "parse", "read_script", "split_words",
    ]  # fmt: skip
    assert all(hasattr(package, name) for name in package.__all__)


# -- BuildKit's word rules (parser/line_parsers.go, shell/lex.go) ------------------------------
@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        ("ENV A\tb", [("A", "b")]),
        ("ENV A \t  b  c", [("A", "b  c")]),
        ("ENV\tA\t\tvalue", [("A", "value")]),
        ('ENV A "hello world"', [("A", "hello world")]),
        ("ENV A 'x y' z", [("A", "x y z")]),
        ('ENV A a\\ b "c\\"d"', [("A", 'a b c"d')]),
        ('LABEL maintainer "Jo <jo@x>"', [("maintainer", "Jo <jo@x>")]),
        ("LABEL k\tv", [("k", "v")]),
    ],
)
def test_legacy_env_and_label_split_at_blanks_and_unquote(
    line: str, pairs: list[tuple[str, str]]
) -> None:
    assert parse(f"FROM a\n{line}\n").instructions[1].env_pairs() == pairs


@pytest.mark.parametrize(
    ("arguments", "value"),
    [
        ('A="a\\b"', "a\\b"),  # kept before an ordinary character (POSIX)
        ('A="a\\"b"', 'a"b'),
        ('A="a\\$b"', "a$b"),
        ('A="a\\\\b"', "a\\b"),
        ("A='a\\b'", "a\\b"),
        ("A=a\\b", "ab"),  # outside quotes the escape always goes
    ],
)
def test_backslash_in_double_quotes_only_escapes_special_characters(
    arguments: str, value: str
) -> None:
    assert parse(f"FROM a\nENV {arguments}\n").instructions[1].env_pairs() == [("A", value)]


def test_backtick_escape_in_double_quotes() -> None:
    df = parse('# escape=`\nFROM a\nENV A="x`"y" B="c:\\dir" C="`a"\n')
    assert df.instructions[1].env_pairs() == [("A", 'x"y'), ("B", "c:\\dir"), ("C", "`a")]


@pytest.mark.parametrize(
    ("marker", "delimiter", "quoted"),
    [
        ("<<eo\\'f", "eo'f", False),  # an escaped quote is no quoting (BuildKit's test table)
        ("<<eo'f'", "eof", True),
        ("<<'e'o\\'f", "eo'f", True),
        ("<<'one two'", "one two", True),
        ("<<  EOF", "EOF", False),  # blanks after << belong to the marker
        ("<<\tEOF", "EOF", False),
        ('<< "EOF"', "EOF", True),
    ],
)
def test_heredoc_delimiter_words(marker: str, delimiter: str, quoted: bool) -> None:
    df = parse(f"FROM a\nRUN cat {marker}\nbody\n{delimiter}\nUSER x\n")
    run = df.instructions[1]
    assert [(d.delimiter, d.quoted, d.body) for d in run.heredocs] == [
        (delimiter, quoted, "body\n")
    ]
    assert (run.end_line, df.instructions[2].keyword) == (4, "USER")


def test_heredoc_marker_needs_a_single_word_delimiter() -> None:
    df = parse("FROM a\nRUN cat <<- EOF\nRUN echo <<<x\n")
    assert [i.heredocs for i in df.instructions[1:]] == [[], []]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM a\nENV PATH\n", "ENV must have two arguments"),
        ("FROM a\nENV PATH  \n", "ENV must have two arguments"),
        ("FROM a\nLABEL version\n", "LABEL must have two arguments"),
        ("FROM a\nONBUILD ENV X\n", "ENV must have two arguments"),
        ("FROM a\nENV\n", "ENV requires at least one argument"),
        ("FROM a\nLABEL   \n", "LABEL requires at least one argument"),
        ("FROM a\nENV a=b c\n", 'Syntax error - can\'t find = in "c". Must be of the form'),
        ('FROM a\nLABEL a=1 "b c"\n', 'can\'t find = in "b c"'),
        ('FROM a\nCMD ["a", 1]\n', "arrays must be comprised of strings only"),
        ("FROM a\nRUN [1]\n", "arrays must be comprised of strings only"),
        ('FROM a\nCOPY ["a", ["b"]]\n', "arrays must be comprised of strings only"),
        ("FROM a\nVOLUME [null]\n", "arrays must be comprised of strings only"),
        ('FROM a\nHEALTHCHECK CMD ["x", true]\n', "arrays must be comprised of strings only"),
    ],
)
def test_buildkit_argument_errors(text: str, message: str) -> None:
    with pytest.raises(DockerfileError) as caught:
        parse(text)
    assert caught.value.line == 2
    assert message in str(caught.value)


def test_invalid_json_and_non_json_keywords_stay_shell_form() -> None:
    df = parse('FROM a\nCMD ["a", 1\nRUN [NaN]\nUSER [1]\nENV A=1\nLABEL a=\n')
    assert [i.json_args for i in df.instructions[1:3]] == [None, None]
    assert df.instructions[-1].env_pairs() == [("a", "")]


@pytest.mark.parametrize(
    ("marker", "terminator"), [("<<  EOF", "EOF"), ("<<\tEOF", "EOF"), ("<<E\\'OF", "E'OF")]
)
def test_spaced_or_escaped_marker_alone_makes_the_body_the_script(
    marker: str, terminator: str
) -> None:
    run = parse(f"FROM a\nRUN {marker}\nset -e\n{terminator}\n").instructions[1]
    assert (run.shell_script, run.script_lines) == ("set -e\n", [(3, "set -e")])


def test_chomp_marker_then_blanks_is_no_heredoc() -> None:
    run = parse("FROM a\nRUN cat <<- EOF\n").instructions[1]
    assert (run.heredocs, run.shell_script) == ([], "cat <<- EOF")


def test_spaced_marker_after_a_shell_feeds_it_the_body() -> None:
    run = parse("FROM a\nRUN bash << EOF\necho $x\nEOF\n").instructions[1]
    assert run.shell_script == "bash\necho $x\n"


def test_the_model_says_which_env_and_label_used_the_legacy_form() -> None:
    df = parse("FROM a\nENV A 1\nENV B=2\nLABEL x y z\nLABEL 'q'=r\nRUN a b\n")
    assert [i.uses_legacy_key_value for i in df.instructions[1:]] == [
        True,
        False,
        True,
        False,
        False,
    ]
