"""Run the fixers in order until nothing changes, checking after each that the output parses.

The order matters: RUNs are joined first so that the apt, purge and cache fixes land in the one
layer where they save bytes; the user comes last, after every build step. Running the whole chain
again until it reaches a fixed point is what makes ``fix(fix(x)) == fix(x)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from dockyard.dockerfile._parser import parse
from dockyard.dockerfile.fix._apt_lists import AptLists
from dockyard.dockerfile.fix._apt_recommends import AptRecommends
from dockyard.dockerfile.fix._delete_in_layer import DeleteInCreatingLayer
from dockyard.dockerfile.fix._edit import apply_edits
from dockyard.dockerfile.fix._exec_form import ExecForm
from dockyard.dockerfile.fix._findings import ALIASES, FILE_SCOPE, Flags, lint_flags
from dockyard.dockerfile.fix._join_runs import JoinRuns
from dockyard.dockerfile.fix._keep_ca import KeepCaCertificates
from dockyard.dockerfile.fix._maintainer import MaintainerLabel
from dockyard.dockerfile.fix._model import Edit, Fix, Fixer, Unfixed
from dockyard.dockerfile.fix._nonroot_user import NonRootUser
from dockyard.dockerfile.fix._pin import PinLatest, Resolver
from dockyard.dockerfile.fix._purge_downloaders import PurgeDownloaders
from dockyard.dockerfile.fix._small_cleanups import ApkNoCache, PipNoCacheDir, YumClean
from dockyard.dockerfile.fix._view import read_doc, source_lines
from dockyard.errors import DockerfileError

__all__ = ["FixResult", "default_fixers", "fix_text"]

_ROUNDS = 4


@dataclass(frozen=True)
class FixResult:
    """The fixed text, the fixes made (in order), and the problems left for a person."""

    original: str
    text: str
    fixes: tuple[Fix, ...] = ()
    unfixed: tuple[Unfixed, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return self.text != self.original


def default_fixers(*, resolve: Resolver | None = None) -> list[Fixer]:
    fixers: list[Fixer] = [
        JoinRuns(),
        AptRecommends(),
        PurgeDownloaders(),
        KeepCaCertificates(),
        AptLists(),
        ApkNoCache(),
        PipNoCacheDir(),
        YumClean(),
        DeleteInCreatingLayer(),
        MaintainerLabel(),
        ExecForm(),
        NonRootUser(),
    ]
    if resolve is not None:
        fixers.insert(0, PinLatest(resolve=resolve))
    return fixers


def fix_text(
    text: str,
    *,
    fixers: Sequence[Fixer] | None = None,
    resolve: Resolver | None = None,
    parses: Callable[[str], bool] | None = None,
    flags: Flags | None = lint_flags,
) -> FixResult:
    """Apply every fixer until a fixed point; a fixer whose output would not parse is undone.

    ``flags`` says which lines the lint rules flag (default: dockyard's rules, default config);
    a fix is made only where its rule reports a finding. ``None`` turns that check off.
    """
    chain = list(fixers) if fixers is not None else default_fixers(resolve=resolve)
    check = parses or _parses
    current = text
    origin = list(range(1, len(source_lines(text)) + 1))  # current line -> line in ``text``
    fixes: list[Fix] = []
    unfixed: dict[tuple[str, int, str], Unfixed] = {}
    for _ in range(_ROUNDS):
        before_round = current
        for fixer in chain:
            doc = read_doc(current)
            outcome = fixer(doc)
            if (outcome.changes or outcome.unfixed) and flags is not None:
                flagged = flags(current)
                outcome.changes = [c for c in outcome.changes if _reported(*c, flagged)]
                outcome.unfixed = [u for u in outcome.unfixed if _reported_line(u, flagged)]
            for item in outcome.unfixed:
                line = _original(origin, item.line)
                unfixed.setdefault((item.code, line, item.reason), replace(item, line=line))
            if not outcome.changes:
                continue
            edits = _without_overlaps(outcome.changes)
            candidate = apply_edits(doc.lines, edits)
            if candidate == current:
                continue
            if not check(candidate):
                line = _original(origin, outcome.changes[0][1][0].start)
                unfixed.setdefault(
                    (fixer.code, line, "parse"),
                    Unfixed(fixer.code, line, "the fixed text would not parse; left as it was"),
                )
                continue
            applied = {id(edit) for edit in edits}
            fixes.extend(
                replace(fix, line=_original(origin, fix.line))
                for fix, group in outcome.changes
                if all(id(edit) in applied for edit in group)
            )
            origin = _moved(origin, edits)
            current = candidate
        if current == before_round:
            break
    final_problems = tuple(item for item in unfixed.values() if not _resolved_later(item, current))
    return FixResult(original=text, text=current, fixes=tuple(fixes), unfixed=final_problems)


def _original(origin: list[int], line: int) -> int:
    """Where a line of the current text came from in the input (an added line: its neighbour)."""
    if not origin:
        return line
    return origin[min(max(line, 1), len(origin)) - 1]


def _moved(origin: list[int], edits: list[Edit]) -> list[int]:
    """The line origins after ``edits``: replaced lines keep the first replaced line's origin."""
    result = list(origin)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        anchor = _original(origin, edit.start if edit.end >= edit.start else edit.start - 1)
        result[edit.start - 1 : edit.end] = [anchor] * len(edit.lines)
    return result


def _resolved_later(item: Unfixed, text: str) -> bool:
    """A refusal in an early round that a later round fixed anyway is not reported."""
    doc = read_doc(text)
    for fixer in default_fixers():
        if fixer.code == item.code:
            return not fixer(doc).unfixed and item.reason != "parse"
    return False


def _reported(fix: Fix, edits: tuple[Edit, ...], flagged: Mapping[str, set[int]]) -> bool:
    lines = set().union(*(flagged.get(code, set()) for code in ALIASES.get(fix.code, (fix.code,))))
    if fix.code in FILE_SCOPE:
        return bool(lines)
    if fix.line in lines:
        return True
    return any(edit.start <= line <= max(edit.end, edit.start) for edit in edits for line in lines)


def _reported_line(item: Unfixed, flagged: Mapping[str, set[int]]) -> bool:
    codes = ALIASES.get(item.code, (item.code,))
    return item.code in FILE_SCOPE or any(item.line in flagged.get(code, ()) for code in codes)


def _without_overlaps(changes: list[tuple[Fix, tuple[Edit, ...]]]) -> list[Edit]:
    """Whole fixes whose edits touch no line an earlier kept fix touches."""
    kept: list[Edit] = []
    taken: list[tuple[int, int]] = []
    for _, edits in sorted(changes, key=lambda change: min(e.start for e in change[1])):
        spans = [(e.start, max(e.end, e.start - 1)) for e in edits]
        if any(a <= d and c <= b for a, b in spans for c, d in taken):
            continue
        taken.extend(spans)
        kept.extend(edits)
    return kept


def _parses(text: str) -> bool:
    try:
        parse(text)
    except DockerfileError:
        return False
    return True
