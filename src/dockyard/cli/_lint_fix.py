"""``dockyard lint --fix / --diff / --pin``: rewrite Dockerfiles in place or show the diff.

Kept apart from ``lint.py`` so linting stays as hadolint does it; this module only turns the
sources into fixed sources (and reports what it changed and what it would not change) before the
usual lint runs on the result.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from dockyard.cli._app import Application
from dockyard.dockerfile import LintConfig
from dockyard.dockerfile.fix import FixResult, Resolver, fix_text, lint_flags

__all__ = ["fix_sources", "registry_resolver"]


def fix_sources(
    app: Application,
    sources: list[tuple[str, str]],
    *,
    diff: bool,
    pin: bool,
    config: LintConfig | None = None,
) -> tuple[list[tuple[str, str]], bool]:
    """Fix each ``(path, text)`` where the rules (under ``config``) report something; write in
    place unless ``diff`` (standard input goes, fixed, to standard output and is not linted
    after). Returns the sources to lint and whether anything changed."""
    resolve = registry_resolver(app.environ) if pin else None

    def flags(text: str) -> dict[str, set[int]]:
        return lint_flags(text, config=config)

    fixed: list[tuple[str, str]] = []
    changed = False
    for name, text in sources:
        result = fix_text(text, resolve=resolve, flags=flags)
        _report(app, name, result)
        changed = changed or result.changed
        if diff:
            app.stdout.write(_diff(name, result))
        elif result.changed and name != "-":
            Path(name).write_text(result.text, encoding="utf-8")
        elif name == "-":
            app.stdout.write(result.text)  # a filter: stdout holds the fixed file, nothing else
            continue
        fixed.append((name, result.text))
    app.stdout.flush()
    return fixed, changed


def _report(app: Application, name: str, result: FixResult) -> None:
    for fix in result.fixes:
        app.say(f"{name}:{fix.line} fixed {fix.code}: {fix.message}")
    for item in result.unfixed:
        app.say(f"{name}:{item.line} not fixed {item.code}: {item.reason}")


def _diff(name: str, result: FixResult) -> str:
    lines = difflib.unified_diff(
        result.original.splitlines(keepends=True),
        result.text.splitlines(keepends=True),
        fromfile=name,
        tofile=f"{name} (fixed)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def registry_resolver(environ: dict[str, str]) -> Resolver:
    """Digests of ``FROM`` images from their registry (HEAD of the manifest, no download)."""
    from dockyard.errors import DockyardError
    from dockyard.registry import CredentialStore, RegistryClient, parse_reference

    client = RegistryClient(credentials=CredentialStore.from_environment(environ=environ))

    def resolve(image: str) -> str | None:
        try:
            return client.head_manifest(parse_reference(image)).digest
        except DockyardError:
            return None

    return resolve
