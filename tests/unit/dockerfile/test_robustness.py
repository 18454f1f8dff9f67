"""Whatever the text, the parser fails only with DockerfileError and the linter never crashes."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dockyard.dockerfile import parse
from dockyard.dockerfile._config import LintConfig
from dockyard.dockerfile._lint import lint_text
from dockyard.dockerfile._shell import read_script
from dockyard.errors import DockerfileError

PIECES = [
    "FROM ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "USER ", "WORKDIR ", "ONBUILD ", "SHELL ",
    "CMD ", "LABEL ", "HEALTHCHECK ", "EXPOSE ", "# ", "# hadolint ignore=DL3006", "<<EOF",
    "<<-'X'", "EOF", "X", "\\", "`", "\n", "\t", " ", "&&", "||", ";", "|", "(", ")", "{", "}",
    "$", "${A:-b}",
    "$(", "'", '"', "[", "]", '["a", "b"]', "--mount=type=cache,target=/c", "--from=0", "apt-get",
    "install", "-y", "curl", "rm", "-rf", "/tmp/x", "=", "AS", "debian", ":", "@sha256:00", "x",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_parse_raises_only_dockerfile_errors(text: str) -> None:
    try:
        df = parse(text)
    except DockerfileError as error:
        failure: DockerfileError | None = error
    else:
        failure = None
    if failure is not None:
        assert failure.line is None or failure.line >= 1
        return
    for instruction in df.instructions:
        assert 1 <= instruction.start_line <= instruction.end_line <= len(df.lines)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_lint_never_crashes(text: str) -> None:
    result = lint_text(text, config=LintConfig(shellcheck=False))
    assert all(f.line >= 1 for f in result.findings)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_shell_splitter_never_raises(text: str) -> None:
    script = read_script(text)
    assume(not set(text) & set("\\'\"`"))  # quoted or escaped operators are words
    operators = {"&&", "||", ";", "|", "&", "(", ")", ";;", "\n"}
    assert not [c.name for c in script.commands if c.name in operators]
