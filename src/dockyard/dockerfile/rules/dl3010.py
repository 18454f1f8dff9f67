"""DL3010: copying an archive and unpacking it in a later RUN keeps the archive in the COPY
layer forever; ``ADD`` unpacks local archives in one step and one layer."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script
from dockyard.dockerfile.rules.dlbase import ARCHIVE_EXTENSIONS, drop_quotes

__all__ = ["rule"]

_UNPACKERS = frozenset(
    {"unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat"}
)


# A COPY's paths as written (quotes kept, backslashes too): hadolint reads the source paths
# without BuildKit's escape processing, so ``build\foo\bar.tar.gz`` keeps its Windows
# separators and its basename is ``bar.tar.gz``, not ``buildfoobar.tar.gz``.
_RAW_WORD = re.compile(r"""(?:"[^"]*"|'[^']*'|[^\s"'])+""")


def _raw_words(instruction: Instruction) -> list[str]:
    if instruction.json_args is not None:
        return list(instruction.json_args)
    return _RAW_WORD.findall(instruction.arguments)


def _basename(path: str) -> str:
    return drop_quotes(path).replace("\\", "/").rsplit("/", 1)[-1]


def _is_archive(path: str) -> bool:
    return drop_quotes(path).endswith(ARCHIVE_EXTENSIONS)


def _extracts(command: Command, archive: str) -> bool:
    tar = command.name == "tar" and any(
        arg in ("--extract", "--get") or (arg.startswith("-") and "x" in arg)
        for arg in command.args
    )
    if not (tar or command.name in _UNPACKERS):
        return False
    return archive in (_basename(arg) for arg in command.args_no_flags())


def _copied_archives(instruction: Instruction) -> set[tuple[int, str]]:
    words = _raw_words(instruction)
    if not words:
        return set()
    if _is_archive(words[-1]):
        return {(instruction.start_line, _basename(words[-1]))}
    return {(instruction.start_line, _basename(w)) for w in words[:-1] if _is_archive(w)}


def _scan(instructions: list[Instruction], ctx: LintContext) -> list[int]:
    del ctx
    archives: set[tuple[int, str]] = set()
    extracted: set[tuple[int, str]] = set()
    for instruction in instructions:
        if instruction.keyword == "FROM":
            archives, extracted = set(), set()
        elif instruction.keyword == "COPY" and instruction.flag("from") is None:
            archives |= _copied_archives(instruction)
        script = run_script(instruction)
        if script is not None:
            extracted |= {
                archive
                for archive in archives
                if any(_extracts(command, archive[1]) for command in script.commands)
            }
    return sorted(line for line, _ in extracted)


class DL3010(StreamRule):
    code = "DL3010"
    severity = Severity.INFO
    message = "Use `ADD` for extracting archives into an image"

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        return _scan(instructions, ctx)


rule = DL3010()
