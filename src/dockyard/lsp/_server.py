"""The ``dockyard`` language server: pygls carries the protocol, :mod:`._analysis` the answers.

Every open, change and save lints the document again and publishes the whole list (an empty one
when its findings are gone); closing a document clears it. The findings of the last lint are
kept per document, for hover and code actions on the same text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from dockyard import __version__
from dockyard.dockerfile import Finding, LintConfig, Severity
from dockyard.errors import ConfigError
from dockyard.lsp._analysis import (
    FIX_ALL_TITLE,
    diagnostic,
    fix_all_edits,
    hover_text,
    lint_document,
    quick_fix,
)
from dockyard.lsp._settings import settings_for

__all__ = ["DockyardServer", "create_server"]

_FIXABLE_SOURCE = "dockyard"  # ShellCheck's findings have no fixer in ``lint --fix``


class DockyardServer(LanguageServer):
    """A pygls server that remembers, per document, the text it last linted and the findings."""

    def __init__(self, *, environ: Mapping[str, str]) -> None:
        super().__init__("dockyard", __version__)
        self.environ = dict(environ)
        self.linted: dict[str, tuple[str, list[Finding]]] = {}
        # "Fix all" is asked for at every cursor move in some editors: computed once per text.
        self.fixed_all: dict[str, tuple[str, list[types.TextEdit]]] = {}

    def config_for(self, document: TextDocument) -> LintConfig:
        path = to_fs_path(document.uri)
        uris = [folder.uri for folder in self.workspace.folders.values()]
        if self.workspace.root_uri:
            uris.append(self.workspace.root_uri)
        roots = [Path(root) for root in map(to_fs_path, uris) if root]
        return settings_for(Path(path) if path else None, roots=roots, environ=self.environ)

    def findings(self, document: TextDocument) -> list[Finding]:
        """The findings of the document's current text (linted again only if it changed)."""
        text = document.source
        cached = self.linted.get(document.uri)
        if cached is not None and cached[0] == text:
            return cached[1]
        try:
            config = self.config_for(document)
        except ConfigError as exc:
            found = [_config_problem(document, exc)]
        else:
            found = lint_document(text, path=document.filename or "Dockerfile", config=config)
        self.linted[document.uri] = (text, found)
        return found

    def publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        width = document.position_codec.client_num_units
        lines = document.lines
        diagnostics = [diagnostic(f, lines, width=width) for f in self.findings(document)]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=document.version
            )
        )

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = self.workspace.get_text_document(params.text_document.uri)
        try:
            config = self.config_for(document)
        except ConfigError:
            return []
        text = document.source
        width = document.position_codec.client_num_units
        wanted = params.context.only
        actions: list[types.CodeAction] = []
        if _asked(wanted, types.CodeActionKind.QuickFix):
            for problem in params.context.diagnostics:
                if problem.source != _FIXABLE_SOURCE or not isinstance(problem.code, str):
                    continue
                line = problem.range.start.line + 1
                fix = quick_fix(text, code=problem.code, line=line, config=config, width=width)
                if fix is not None:
                    kind = types.CodeActionKind.QuickFix
                    actions.append(
                        _action(fix.title, kind, document, fix.edits, diagnostics=[problem])
                    )
        if _asked(wanted, types.CodeActionKind.SourceFixAll):
            cached = self.fixed_all.get(document.uri)
            if cached is not None and cached[0] == text:
                edits = cached[1]
            else:
                edits = fix_all_edits(text, config=config, width=width)
                self.fixed_all[document.uri] = (text, edits)
            if edits:
                actions.append(
                    _action(FIX_ALL_TITLE, types.CodeActionKind.SourceFixAll, document, edits)
                )
        return actions

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        document = self.workspace.get_text_document(params.text_document.uri)
        text = hover_text(self.findings(document), params.position.line + 1)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def create_server(*, environ: Mapping[str, str] | None = None) -> DockyardServer:
    """A server with every feature registered; ``environ`` stands in for the process's
    environment (``HADOLINT_*``, ``HOME``, ``XDG_CONFIG_HOME``) when settings are looked up."""
    server = DockyardServer(environ=os.environ if environ is None else environ)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        server.linted.pop(params.text_document.uri, None)  # settings files may have changed
        server.fixed_all.pop(params.text_document.uri, None)
        server.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        server.linted.pop(params.text_document.uri, None)
        server.fixed_all.pop(params.text_document.uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
        ),
    )
    def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        return server.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        return server.hover(params)

    return server


def _asked(only: Sequence[str] | None, kind: str) -> bool:
    """Whether ``kind`` is among the kinds the client asked for (``source`` covers
    ``source.fixAll``, as the protocol's hierarchy says)."""
    return only is None or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _action(
    title: str,
    kind: str,
    document: TextDocument,
    edits: list[types.TextEdit],
    *,
    diagnostics: list[types.Diagnostic] | None = None,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=kind,
        diagnostics=diagnostics,
        is_preferred=True if diagnostics else None,
        edit=types.WorkspaceEdit(changes={document.uri: edits}),
    )


def _config_problem(document: TextDocument, error: ConfigError) -> Finding:
    """A settings file that cannot be read is said where the user looks: on the document."""
    return Finding(
        path=document.filename or "Dockerfile",
        line=1,
        code="config",
        severity=Severity.ERROR,
        message=error.message,
    )
