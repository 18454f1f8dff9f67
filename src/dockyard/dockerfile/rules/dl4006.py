"""DL4006: ``/bin/sh -c 'a | b'`` succeeds when ``a`` fails, as long as ``b`` succeeds: a failed
download piped into ``tar`` or ``sh`` builds a broken image silently. ``SHELL ["/bin/bash", "-o",
"pipefail", "-c"]`` makes the pipe fail with it."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import read_script
from dockyard.dockerfile.rules._base import LintContext, Severity, StreamRule, run_script

__all__ = ["rule"]

_NON_POSIX = ("pwsh", "powershell", "cmd")


def _shell_is_safe(instruction: Instruction) -> bool:
    """``SHELL`` switched to a non-POSIX shell, or to bash/zsh/ash with ``-o pipefail``."""
    words = instruction.json_args if instruction.json_args is not None else [instruction.arguments]
    text = " ".join(words)
    if text.startswith(_NON_POSIX):
        return True
    return read_script(text).any(
        lambda c: (
            c.name.rsplit("/", 1)[-1] in ("bash", "zsh", "ash")
            and c.has_flag("o")
            and "pipefail" in c.args
        )
    )


class DL4006(StreamRule):
    code = "DL4006"
    severity = Severity.WARNING
    message = (
        "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh "
        "in an alpine image or if your shell is symlinked to busybox then consider explicitly "
        "setting your SHELL to /bin/ash, or disable this check"
    )

    def scan(self, instructions: list[Instruction], ctx: LintContext) -> Iterator[int]:
        safe = False
        for instruction in instructions:
            if instruction.keyword == "FROM":
                safe = False
            elif instruction.keyword == "SHELL":
                safe = _shell_is_safe(instruction)
            script = run_script(instruction)
            if script is not None and not safe and script.has_pipes:
                yield instruction.start_line


rule = DL4006()
