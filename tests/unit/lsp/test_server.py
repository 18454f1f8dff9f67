"""``dockyard lsp`` as an editor meets it: a real LSP client (pytest-lsp) drives
``python -m dockyard lsp`` over stdio and checks what the user would see: the diagnostics of
each version of the text, the edits of the quick fixes (applied, then linted again), hover."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from dockyard.dockerfile import lint_text

BROKEN = "FROM debian:12\nRUN <<EOF\necho never closed\n"

DIRTY = """\
FROM debian:latest
MAINTAINER x
RUN apt-get update && apt-get install curl
RUN echo $1 > /tmp/`date`
"""

CLEAN = """\
FROM debian:12.8-slim
LABEL maintainer="x"
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\
 && rm -rf /var/lib/apt/lists/*
RUN echo "$1" > "/tmp/$(date)"
USER 10001
"""


@pytest_asyncio.fixture
async def client(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[LanguageClient]:
    """A client with a running server, its workspace folder ``tmp_path``, no user settings;
    VS Code's capabilities unless the test names another editor (indirect parameter)."""
    home = tmp_path / "home"
    home.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
    environ |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    environ.pop("NO_COLOR", None)
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "dockyard", "lsp"], server_env=environ
    )
    lsp = await config.start()
    assert isinstance(lsp, LanguageClient)
    await lsp.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(getattr(request, "param", "visual-studio-code")),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
    )
    yield lsp
    await lsp.shutdown_session()
    await lsp.stop()


async def opened(client: LanguageClient, path: Path, text: str) -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="dockerfile", version=1, text=text
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[path.as_uri()])


async def changed(
    client: LanguageClient, path: Path, text: str, *, version: int
) -> list[types.Diagnostic]:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[path.as_uri()])


def seen(diagnostics: Sequence[types.Diagnostic]) -> set[tuple[int, str]]:
    """(0-based line, code) of each diagnostic, as an editor's problem list shows them."""
    return {(d.range.start.line, str(d.code)) for d in diagnostics}


def by_code(diagnostics: Sequence[types.Diagnostic], code: str) -> types.Diagnostic:
    return next(d for d in diagnostics if d.code == code)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """The text after ``edits`` (ASCII text: characters are UTF-16 units), as an editor applies
    them: all at once, positions meaning the original text."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def code_actions(
    client: LanguageClient,
    path: Path,
    diagnostics: list[types.Diagnostic],
    only: list[str] | None = None,
) -> list[types.CodeAction]:
    whole = types.Range(start=types.Position(line=0, character=0), end=diagnostics[0].range.end)
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=whole,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def edits_of(action: types.CodeAction, path: Path) -> list[types.TextEdit]:
    assert action.edit is not None
    assert action.edit.changes is not None
    return list(action.edit.changes[path.as_uri()])


@pytest.mark.asyncio
async def test_the_three_rule_sets_and_shellcheck_are_published_with_levels_and_pages(
    client: LanguageClient, tmp_path: Path
) -> None:
    diagnostics = await opened(client, tmp_path / "Dockerfile", DIRTY)

    assert {
        (0, "DL3007"),
        (0, "DY001"),
        (1, "DL4000"),
        (1, "MaintainerDeprecated"),
        (2, "DL3008"),
        (2, "DL3009"),
        (2, "DL3015"),
        (3, "SC2086"),
    } <= seen(diagnostics)
    latest = by_code(diagnostics, "DL3007")
    assert latest.severity == types.DiagnosticSeverity.Warning
    assert latest.source == "dockyard"
    assert latest.range.end == types.Position(line=0, character=len("FROM debian:latest"))
    assert latest.code_description is not None
    assert latest.code_description.href == "https://github.com/hadolint/hadolint/wiki/DL3007"
    assert by_code(diagnostics, "DL4000").severity == types.DiagnosticSeverity.Error
    assert by_code(diagnostics, "DL3015").severity == types.DiagnosticSeverity.Information
    buildkit = by_code(diagnostics, "MaintainerDeprecated")
    assert buildkit.code_description is not None
    assert buildkit.code_description.href == (
        "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/"
    )
    quoting = by_code(diagnostics, "SC2086")
    assert quoting.source == "shellcheck"
    assert quoting.severity == types.DiagnosticSeverity.Information
    assert quoting.code_description is not None
    assert quoting.code_description.href == "https://www.shellcheck.net/wiki/SC2086"
    assert by_code(diagnostics, "SC2006").severity == types.DiagnosticSeverity.Hint


@pytest.mark.asyncio
async def test_diagnostics_shrink_as_the_text_is_fixed_and_clear_when_it_is_clean(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "Dockerfile"
    await opened(client, path, DIRTY)

    pinned = DIRTY.replace("debian:latest", "debian:12.8-slim")
    after_pin = seen(await changed(client, path, pinned, version=2))
    cleaned = seen(await changed(client, path, CLEAN, version=3))

    assert (0, "DL3007") not in after_pin
    assert (2, "DL3015") in after_pin
    assert cleaned == set()
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri())
        )
    )


@pytest.mark.asyncio
async def test_a_quick_fix_edits_only_its_lines_and_the_finding_is_gone_after_it(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "Dockerfile"
    diagnostics = await opened(client, path, DIRTY)
    recommends = by_code(diagnostics, "DL3015")

    actions = await code_actions(client, path, [recommends])

    fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert len(fixes) == 1
    assert fixes[0].title == "Fix DL3015: apt-get install -y --no-install-recommends"
    assert list(fixes[0].diagnostics or []) == [recommends]
    edits = edits_of(fixes[0], path)
    assert {(e.range.start.line, e.range.end.line) for e in edits} == {(2, 3)}
    fixed = apply(DIRTY, edits)
    assert "--no-install-recommends" in fixed.splitlines()[2]
    assert fixed.splitlines()[:2] == DIRTY.splitlines()[:2]
    left = {(f.line, f.code) for f in lint_text(fixed).findings}
    assert (3, "DL3015") not in left
    assert (1, "DL3007") in left  # the other findings are left to their own fixes


@pytest.mark.asyncio
async def test_fix_all_applies_every_safe_fix_and_unfixable_findings_get_none(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "Dockerfile"
    diagnostics = await opened(client, path, DIRTY)

    for_pin = await code_actions(client, path, [by_code(diagnostics, "DL3007")])
    for_quoting = await code_actions(
        client, path, [by_code(diagnostics, "SC2086")], only=[types.CodeActionKind.QuickFix]
    )
    maintainer = await code_actions(
        client,
        path,
        [by_code(diagnostics, "MaintainerDeprecated")],
        only=[types.CodeActionKind.QuickFix],
    )
    fix_all = [a for a in for_pin if a.kind == types.CodeActionKind.SourceFixAll]

    assert [a.kind for a in for_pin] == [types.CodeActionKind.SourceFixAll]  # no pin offline
    assert for_quoting == []
    assert apply(DIRTY, edits_of(maintainer[0], path)).splitlines()[1] == 'LABEL maintainer="x"'
    assert fix_all[0].title == "Fix all dockyard findings"
    fixed = apply(DIRTY, edits_of(fix_all[0], path))
    left = {f.code for f in lint_text(fixed).findings}
    assert left.isdisjoint({"DL3009", "DL3015", "DL4000", "MaintainerDeprecated", "DY001"})
    assert fixed.startswith("FROM debian:latest\n")


@pytest.mark.asyncio
async def test_hover_explains_the_rule_and_links_its_page(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "Dockerfile"
    await opened(client, path, DIRTY)

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=0, character=8),
        )
    )
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=5, character=0),
        )
    )

    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert "**DL3007** (warning): Using latest is prone to errors" in text
    assert "pin a release tag so rebuilds are" in text  # the rule's explanation
    assert "(https://github.com/hadolint/hadolint/wiki/DL3007)" in text
    assert "**DY001**" in text
    assert nothing is None


@pytest.mark.asyncio
async def test_a_file_that_does_not_parse_is_one_diagnostic_and_the_server_goes_on(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "Dockerfile"

    broken = await opened(client, path, BROKEN)
    repaired = await changed(client, path, BROKEN + "EOF\n", version=2)

    assert len(broken) == 1
    assert broken[0].code == "DL1000"
    assert broken[0].range.start.line == 1
    assert broken[0].severity == types.DiagnosticSeverity.Error
    assert "unterminated heredoc" in broken[0].message
    assert "DL1000" not in {d.code for d in repaired}
    assert (0, "DY001") in seen(repaired)


@pytest.mark.asyncio
async def test_settings_files_and_pragmas_hold_as_in_dockyard_lint(
    client: LanguageClient, tmp_path: Path
) -> None:
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DY001]\noverride:\n  error: [DL3007]\n")
    text = (
        "# check=skip=MaintainerDeprecated\n"
        "# hadolint ignore=DL3007\n"
        "FROM debian:latest\n"
        "FROM debian:latest\n"
        "MAINTAINER x\n"
    )

    diagnostics = await opened(client, service / "Dockerfile", text)

    assert (2, "DL3007") not in seen(diagnostics)
    assert by_code(diagnostics, "DL3007").range.start.line == 3
    assert by_code(diagnostics, "DL3007").severity == types.DiagnosticSeverity.Error
    assert "DY001" not in {d.code for d in diagnostics}
    assert "MaintainerDeprecated" not in {d.code for d in diagnostics}
    assert (4, "DL4000") in seen(diagnostics)


@pytest.mark.asyncio
async def test_a_broken_settings_file_is_said_on_the_document(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / ".hadolint.yaml").write_text("ignored: [unclosed\n")

    diagnostics = await opened(client, tmp_path / "Dockerfile", DIRTY)

    assert len(diagnostics) == 1
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error
    assert "invalid lint config" in diagnostics[0].message


# One Dockerfile per rule whose finding ``lint --fix`` can fix; (code, 0-based line, text).
FIXABLE = [
    ("DL3009", 1, "FROM debian:12\nRUN apt-get update && apt-get install -y jq=1.6\nUSER 1\n"),
    ("DL3015", 1, "FROM debian:12\nRUN apt-get update && apt-get install -y jq=1.6\nUSER 1\n"),
    ("DL3019", 1, "FROM alpine:3.20\nRUN apk add jq=1.7\nUSER 1\n"),
    ("DL3025", 1, "FROM debian:12\nCMD echo hi\nUSER 1\n"),
    ("JSONArgsRecommended", 1, "FROM debian:12\nCMD echo hi\nUSER 1\n"),
    ("DL3032", 1, "FROM centos:7\nRUN yum install -y jq-1.6\nUSER 1\n"),
    ("DL3040", 1, "FROM fedora:40\nRUN dnf install -y jq-1.6\nUSER 1\n"),
    ("DL3042", 1, "FROM python:3.12\nRUN pip install flask==3.0\nUSER 1\n"),
    ("DL3059", 2, "FROM debian:12\nRUN echo a\nRUN echo b\nUSER 1\n"),
    ("DL4000", 1, "FROM debian:12\nMAINTAINER x\nUSER 1\n"),
    ("MaintainerDeprecated", 1, "FROM debian:12\nMAINTAINER x\nUSER 1\n"),
    ("DY001", 0, "FROM debian:12\nRUN echo hi\n"),
    (
        "DY002",
        1,
        "FROM debian:12\nRUN apt-get update\n"
        "RUN apt-get install -y --no-install-recommends jq=1.6 && rm -rf /var/lib/apt/lists/*\n"
        "USER 1\n",
    ),
    (
        "DY003",
        1,
        "FROM debian:12\nRUN apt-get install -y curl python3 && curl -o /x http://h/x\nUSER 1\n",
    ),
    (
        "DY004",
        2,
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl python3\n"
        "RUN curl -o /x http://h/x && apt-get purge -y --auto-remove curl\nUSER 1\n",
    ),
    (
        "DY008",
        3,
        "FROM debian:12\nRUN curl -fsSL -o /tmp/x.tgz https://e/x.tgz\nCOPY a /a\n"
        "RUN rm /tmp/x.tgz\nUSER 1\n",
    ),
]


@pytest.mark.asyncio
async def test_every_rule_lint_fix_can_fix_gets_a_quick_fix_that_removes_its_finding(
    client: LanguageClient, tmp_path: Path
) -> None:
    outcomes = {}
    for index, (code, line, text) in enumerate(FIXABLE):
        path = tmp_path / f"case{index}" / "Dockerfile"
        target = next(d for d in await opened(client, path, text) if d.code == code)
        actions = await code_actions(client, path, [target], only=[types.CodeActionKind.QuickFix])
        fixed = apply(text, edits_of(actions[0], path)) if actions else text
        before = {(f.line - 1, f.code) for f in lint_text(text).findings}
        after = {(f.line - 1, f.code) for f in lint_text(fixed).findings}
        outcomes[code] = (target.range.start.line, len(actions), (line, code) in before - after)

    assert outcomes == {code: (line, 1, True) for code, line, _ in FIXABLE}


@pytest.mark.asyncio
async def test_no_quick_fix_is_offered_when_the_fix_would_leave_the_finding(
    client: LanguageClient, tmp_path: Path
) -> None:
    # DL3041 asks for a version; the one fix filed under DL3041 adds `microdnf clean all`.
    text = "FROM fedora:40\nRUN microdnf install -y jq\nUSER 1\n"
    path = tmp_path / "Dockerfile"
    unpinned = by_code(await opened(client, path, text), "DL3041")

    actions = await code_actions(client, path, [unpinned], only=[types.CodeActionKind.QuickFix])

    assert actions == []


@pytest.mark.parametrize(
    ("client", "units"),
    [("visual-studio-code", "utf-16-le"), ("neovim@v0.11.0", "utf-8")],
    indirect=["client"],
)
@pytest.mark.asyncio
async def test_positions_are_in_the_code_units_the_editor_counts(
    client: LanguageClient, tmp_path: Path, units: str
) -> None:
    # VS Code counts UTF-16 units; Neovim 0.11 offers UTF-8 first, and pygls takes it.
    line = "MAINTAINER Zoë 🐳"
    diagnostics = await opened(client, tmp_path / "Dockerfile", f"FROM debian:12\n{line}\n")

    width = len(line.encode(units)) // (2 if units.startswith("utf-16") else 1)
    assert by_code(diagnostics, "DL4000").range.end == types.Position(line=1, character=width)
