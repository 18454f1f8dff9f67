"""``dockyard lsp``: a Language Server for Dockerfiles, so an editor shows what ``dockyard lint``
reports while the file is being written.

    server = create_server()
    server.start_io()            # JSON-RPC over standard input and output

Diagnostics come from the same lint entry point, settings files and pragmas as ``dockyard lint``
(hadolint's DL rules, dockyard's DY rules, BuildKit's build checks and ShellCheck); code actions
are the safe fixes of ``lint --fix``, one per finding plus a "fix all"; hover explains the rule
and links its page. The protocol is pygls's; this package only decides what to answer.
"""

from __future__ import annotations

from dockyard.lsp._server import DockyardServer, create_server

__all__ = ["DockyardServer", "create_server"]
