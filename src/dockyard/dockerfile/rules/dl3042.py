"""DL3042: pip keeps every downloaded wheel in ~/.cache/pip; in an image that cache is dead
weight (often as big as the packages themselves). ``--no-cache-dir``, ``PIP_NO_CACHE_DIR`` or a
cache mount avoid it."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script
from dockyard.dockerfile.rules.dlbase import base_image, cache_mount_with

__all__ = ["rule"]

_TRUTHY = frozenset({"1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"})


def is_pip_install(command: Command) -> bool:
    """``pip* install ...`` or ``python* -m pip install ...`` (hadolint's ``isPipInstall``)."""
    name, args = command.name, list(command.args)
    if name.startswith("pip") and not name.startswith("pipenv") and "install" in args:
        return True
    return name.startswith("python") and _contains(args, ["-m", "pip", "install"])


def _contains(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words)))


def _is_wrapper(command: Command) -> bool:
    args = list(command.args)
    return any(
        tool in command.name
        or (command.name.startswith("python") and _contains(args, ["-m", tool]))
        for tool in ("pipx", "pipenv")
    )


def _forgets(command: Command) -> bool:
    return (
        is_pip_install(command)
        and "--no-cache-dir" not in command.args
        and not _is_wrapper(command)
    )


def _inline_no_cache(text: str) -> bool:
    """``PIP_NO_CACHE_DIR=1 pip install ...`` anywhere in the script."""
    _, found, rest = text.partition("PIP_NO_CACHE_DIR=")
    return bool(found) and any(rest.startswith(value) for value in _TRUTHY)


def _env_disables_cache(instruction: Instruction) -> bool:
    values = [value for name, value in instruction.env_pairs() if name == "PIP_NO_CACHE_DIR"]
    return bool(values) and values[0] in _TRUTHY


class DL3042(StreamRule):
    code = "DL3042"
    severity = Severity.WARNING
    message = "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`"
    onbuild = True

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        stage: str | None = None
        no_cache: dict[str | None, bool] = {}
        for instruction in instructions:
            if instruction.keyword == "FROM":
                image = base_image(instruction)
                stage = image.alias or image.name
                no_cache[stage] = no_cache.get(image.name, False)
            elif instruction.keyword == "ENV" and _env_disables_cache(instruction):
                no_cache[stage] = True
            script = run_script(instruction)
            if script is None or no_cache.get(stage, False):
                continue
            if _inline_no_cache(script.text) or script.none(_forgets):
                continue
            if not cache_mount_with(instruction, ".cache/pip"):
                yield instruction.start_line


rule = DL3042()
