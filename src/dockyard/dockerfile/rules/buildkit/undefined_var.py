"""UndefinedVar: a ``$NAME`` that no ``ENV`` or ``ARG`` before it (nor the base image) defines
expands to nothing, silently. Checked where BuildKit expands words itself: ``ENV``, ``LABEL``,
``ARG`` defaults, ``COPY``/``ADD`` (sources, destination, ``--chown``, ``--chmod``,
``--checksum``, unquoted heredoc bodies), ``WORKDIR``, ``USER``, ``VOLUME``, ``STOPSIGNAL`` and
``RUN --mount``; never in a shell command line, which the shell expands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import (
    BuildKitRule,
    StageState,
    env_words,
    global_args,
    suggest,
    walk_stages,
)
from dockyard.dockerfile.rules.buildkit._lex import LexError, expand_word, raw_words

__all__ = ["rule"]

_NOT_ENV = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})
_COPY_FLAGS = {"COPY": ("chown", "chmod"), "ADD": ("chown", "chmod", "checksum")}


def _words(instruction: Instruction) -> list[str]:
    """The words BuildKit expands in ``instruction`` before running it (not ARG's)."""
    keyword, escape = instruction.keyword, instruction.escape
    if keyword in ("ENV", "LABEL"):
        pairs = env_words(instruction)
        return [v for _, v in pairs] if keyword == "ENV" else [w for p in pairs for w in p]
    if keyword in _COPY_FLAGS:
        flags = [v for name in _COPY_FLAGS[keyword] if (v := instruction.flag(name))]
        if instruction.json_args is not None:
            return flags + instruction.json_args
        words = raw_words(instruction.arguments, escape=escape)
        return flags + [w for w in words if "<<" not in w]
    if keyword == "WORKDIR":
        return [instruction.arguments]
    if keyword in ("USER", "STOPSIGNAL"):
        return raw_words(instruction.arguments, escape=escape)[:1]
    if keyword == "VOLUME":
        if instruction.json_args is not None:
            return instruction.json_args
        return raw_words(instruction.arguments, escape=escape)
    if keyword == "RUN":
        return instruction.flag_values("mount")
    return []


class UndefinedVar(BuildKitRule):
    code = "UndefinedVar"
    message = "Variables should be defined before their use"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        global_values, _ = global_args(df)
        for instruction, state in walk_stages(df):
            if instruction.keyword == "ARG":
                names = self._arg_names(instruction, state, global_values)
            else:
                names = self._unmatched(instruction, state)
            for name in names:
                hint = suggest(name, list(state.env))
                message = f"Usage of undefined variable '${name}'" + (
                    f" (did you mean ${hint}?)" if hint else ""
                )
                yield self.finding(instruction.start_line, ctx, message=message)

    @staticmethod
    def _unmatched(instruction: Instruction, state: StageState) -> list[str]:
        found: list[str] = []
        escape = instruction.escape
        texts = [(word, escape, True) for word in _words(instruction)]
        if instruction.keyword in _COPY_FLAGS:
            texts += [(doc.body, "\\", False) for doc in instruction.heredocs if not doc.quoted]
        for text, token, quotes in texts:
            try:
                expansion = expand_word(text, state.env, escape=token, quotes=quotes)
            except LexError:
                continue
            found += [n for n in expansion.unmatched if _undefined(n, state) and n not in found]
        return found

    @staticmethod
    def _arg_names(
        instruction: Instruction, state: StageState, global_values: Mapping[str, str]
    ) -> list[str]:
        """ARG defaults are expanded one by one, each seeing the ARGs before it."""
        local = state.copy()
        found: list[str] = []
        for word in raw_words(instruction.arguments, escape=instruction.escape):
            name, sep, default = word.partition("=")
            value = global_values.get(name) if not sep else None
            if sep:
                try:
                    expansion = expand_word(default, local.env, escape=instruction.escape)
                except LexError:
                    return found
                found += [n for n in expansion.unmatched if _undefined(n, local)]
                value = expansion.text
            if value is not None:
                local.env[name] = value
            local.build_args.append(name)
        return found


def _undefined(name: str, state: StageState) -> bool:
    return name not in state.build_args and name not in _NOT_ENV


rule = UndefinedVar()
