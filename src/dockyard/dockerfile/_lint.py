"""Run the rules over Dockerfiles and apply what the settings and pragmas say.

The order is hadolint's: rules (and ShellCheck) produce findings; ignore pragmas remove some;
``override`` changes severities; ``ignored`` codes and ``ignore``-level findings are dropped.
ShellCheck runs in background processes while the Python rules run.
A file that does not parse yields one ``DL1000`` finding (hadolint's code for parse errors), so a
run over many files reports every file and the exit code still says something failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dockyard.dockerfile._config import LintConfig
from dockyard.dockerfile._findings import Finding, Severity
from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile._parser import parse
from dockyard.dockerfile._pragmas import Pragmas, read_pragmas
from dockyard.errors import DockerfileError

if TYPE_CHECKING:
    from dockyard.dockerfile._shellcheck import ShellCheckRun
    from dockyard.dockerfile.rules import Rule

__all__ = ["FileResult", "exit_code", "lint_sources", "lint_text"]

PARSE_ERROR_CODE = "DL1000"


@dataclass
class FileResult:
    """The findings of one file, sorted by line; ``dockerfile`` is ``None`` if it did not parse."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    dockerfile: Dockerfile | None = None

    @property
    def parsed(self) -> bool:
        return self.dockerfile is not None


def lint_text(
    text: str, *, path: str = "Dockerfile", config: LintConfig | None = None,
    rules: Sequence[Rule] | None = None,
) -> FileResult:  # fmt: skip
    """Lint one Dockerfile's text."""
    return lint_sources([(path, text)], config=config, rules=rules)[0]


def lint_sources(
    sources: Iterable[tuple[str, str]], *, config: LintConfig | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[FileResult]:  # fmt: skip
    """Lint ``(path, text)`` pairs; ShellCheck runs once for all of them."""
    settings = config or LintConfig()
    results: list[FileResult] = []
    pragmas: dict[int, Pragmas] = {}
    for path, text in sources:
        result = _parse_one(path, text)
        if result.dockerfile is not None:
            pragmas[id(result)] = read_pragmas(result.dockerfile)
        results.append(result)
    shellcheck = _start_shellcheck(results, pragmas) if settings.shellcheck else None
    from dockyard.dockerfile.rules import rules_for  # imported while ShellCheck works

    for result in results:
        if result.dockerfile is not None:
            ctx = settings.context(path=result.path)
            chosen = rules if rules is not None else rules_for(result.dockerfile)
            active = [r for r in chosen if r.code not in settings.ignored]
            result.findings += [f for rule in active for f in rule.check(result.dockerfile, ctx)]
    if shellcheck is not None:
        run, owners = shellcheck
        for script, finding in run.results():
            owners[id(script)].findings.append(finding)
    for result in results:
        if result.dockerfile is not None:
            result.findings = _apply_check_directive(result.dockerfile, result.findings)
        result.findings = _settle(result, pragmas.get(id(result)), settings)
    return results


def _apply_check_directive(df: Dockerfile, findings: list[Finding]) -> list[Finding]:
    """BuildKit's ``# check=`` directive: skipped checks go, ``error=true`` makes the rest
    errors. DL, DY and SC findings are not BuildKit's and are left alone."""
    from dataclasses import replace

    from dockyard.dockerfile._pragmas import read_check_directive
    from dockyard.dockerfile.rules.buildkit import CHECK_NAMES

    directive = read_check_directive(df)
    kept: list[Finding] = []
    for finding in findings:
        if finding.code in CHECK_NAMES:
            if directive.skips(finding.code):
                continue
            if directive.error:
                finding = replace(finding, severity=Severity.ERROR)
        kept.append(finding)
    return kept


def _parse_one(path: str, text: str) -> FileResult:
    try:
        df = parse(text, path=path)
    except DockerfileError as exc:
        return FileResult(path=path, findings=[_parse_error(path, exc)])
    return FileResult(path=path, dockerfile=df)


def _parse_error(path: str, error: DockerfileError) -> Finding:
    message = error.message
    prefix = f"{path}:{error.line}: " if error.line is not None else f"{path}: "
    message = message.removeprefix(prefix)
    return Finding(
        path=path,
        line=error.line or 1,
        code=PARSE_ERROR_CODE,
        severity=Severity.ERROR,
        message=message,
    )


def _start_shellcheck(
    results: list[FileResult], pragmas: dict[int, Pragmas]
) -> tuple[ShellCheckRun, dict[int, FileResult]] | None:
    """Start ShellCheck on every RUN of every parsed file; the rules run while it works."""
    from dockyard.dockerfile._shellcheck import ShellCheckRun, find_shellcheck, scripts_of

    binary = find_shellcheck()
    if binary is None:
        return None
    scripts = []
    owners: dict[int, FileResult] = {}
    for result in results:
        if result.dockerfile is None:
            continue
        for script in scripts_of(result.dockerfile, pragmas[id(result)]):
            owners[id(script)] = result
            scripts.append(script)
    return ShellCheckRun(scripts, binary=binary), owners


def _settle(result: FileResult, pragmas: Pragmas | None, settings: LintConfig) -> list[Finding]:
    if result.dockerfile is None:  # a file that does not parse fails: say why, whatever is ignored
        return result.findings
    kept: list[Finding] = []
    seen: set[tuple[int, str, str]] = set()
    for finding in result.findings:
        honour = pragmas is not None and not settings.disable_ignore_pragma
        if honour and pragmas is not None and pragmas.ignores(finding.code, finding.line):
            continue
        severity = settings.severity_of(finding.code, finding.severity)
        if finding.code in settings.ignored or severity is Severity.IGNORE:
            continue
        key = (finding.line, finding.code, finding.message)
        if key in seen:
            continue
        seen.add(key)
        if severity is not finding.severity:
            finding = _with_severity(finding, severity)
        kept.append(finding)
    return sorted(kept, key=lambda f: (f.line, f.code))


def _with_severity(finding: Finding, severity: Severity) -> Finding:
    from dataclasses import replace

    return replace(finding, severity=severity)


def exit_code(results: Iterable[FileResult], config: LintConfig) -> int:
    """hadolint's rule: 1 when any finding is at or above the threshold (or a file did not
    parse), unless ``no_fail``; else 0."""
    if config.no_fail:
        return 0
    for result in results:
        if not result.parsed:
            return 1
        if any(f.severity <= config.failure_threshold for f in result.findings):
            return 1
    return 0
