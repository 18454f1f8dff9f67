"""What a lint rule is: a code, a severity, a message, and ``check(df, ctx)`` yielding findings.

Findings are data, never exceptions: a rule looks at a parsed :class:`Dockerfile` and yields
:class:`Finding` values; pragmas, ``ignored``/``override`` config and the failure threshold are
applied afterwards by :mod:`dockyard.dockerfile._lint`, so a rule never needs to know about them.

How to add a rule (one rule, one module, one twin test table):

1. Create ``rules/<id>.py`` (lower-case id: ``dl3008.py``, ``dy004.py``) with one class::

       class DL3000(InstructionRule):
           code = "DL3000"
           severity = Severity.ERROR
           message = "Use absolute WORKDIR"

           def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
               return instruction.keyword != "WORKDIR" or ...

       rule = DL3000()

   ``InstructionRule`` is hadolint's ``simpleRule``: ``passes`` is asked about every instruction
   (and, with ``onbuild = True``, about the instruction inside every ``ONBUILD``); a ``False``
   gives a finding on the instruction's first line. Rules that fold over the file in order
   (hadolint's ``customRule``) subclass :class:`StreamRule` and write ``scan``; other rules that
   need state across instructions subclass :class:`Rule` and write ``check`` themselves; use
   :meth:`Rule.finding` to build findings. Shell-aware rules get a RUN's commands from
   :func:`run_script` (DL rules: the text hadolint hands to ShellCheck) or :func:`shell_of` (DY
   rules: what the build runs, a shell's heredoc included); both read it with the one shell
   reader, :func:`dockyard.dockerfile.read_script` (hadolint's helpers on its commands:
   ``has_flag``, ``args_no_flags``, ``flag_values``, ``is_pip_install``...).
2. Register it in ``rules/__init__.py``: import the module and add ``<module>.rule`` to
   ``ALL_RULES`` in code order. No discovery: the list is the registry.
3. Write ``tests/unit/dockerfile/rules/test_<id>.py``: a table of ``catches`` cases
   (Dockerfile text, expected finding lines) and ``catches-not`` cases (expected ``[]``), checked
   with ``assert_catches(rule, text, lines)`` from ``tests/unit/dockerfile/rules/_helpers.py``.
4. For a hadolint rule keep hadolint's code, severity, message and semantics; for a ``DY`` rule
   the message says why (what goes wrong at run time, what it costs) and ``docs/rules.md`` gets
   the id, why, an example and the fix.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from typing import ClassVar

from dockyard.dockerfile._findings import Finding, LintContext, Severity
from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile._shell import Command, Script, read_script

__all__ = [
    "Finding",
    "InstructionRule",
    "LintContext",
    "OnePerStageRule",
    "Rule",
    "Severity",
    "StreamRule",
    "can_report",
    "iter_instructions",
    "load_rule",
    "onbuild_triggers",
    "run_script",
    "shell_of",
]


def load_rule(module: str) -> Rule:
    """The ``rule`` of a rule module, imported on first use: the registries name modules, so a
    file loads only the rules it can need (``importlib`` keeps each module once)."""
    rule: Rule = importlib.import_module(module).rule
    return rule


def can_report(triggers: tuple[str, ...], text: str) -> bool:
    """Whether a rule with these trigger words (``()``: none, it reads every file) can report on
    a file whose lower-cased trigger text is ``text``."""
    return not triggers or any(word in text for word in triggers)


_HEREDOC_MARKER = re.compile(r"""^\d*<<-?(['"]?)[A-Za-z0-9_.-]+\1$""")


class Rule:
    """Base of every rule. Subclasses set ``code``, ``severity``, ``message``; write ``check``."""

    code: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.INFO
    message: ClassVar[str] = ""
    url: ClassVar[str | None] = None  # the rule's documentation page, carried by its findings

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        line: int,
        ctx: LintContext,
        *,
        message: str | None = None,
        end_line: int | None = None,
        column: int = 1,
    ) -> Finding:
        return Finding(
            path=ctx.path,
            line=line,
            code=self.code,
            severity=self.severity,
            message=message or self.message,
            column=column,
            end_line=end_line,
            url=self.url,
        )

    def __repr__(self) -> str:
        return f"<rule {self.code}>"


class InstructionRule(Rule):
    """hadolint's ``simpleRule``: one verdict per instruction, no state."""

    onbuild: ClassVar[bool] = False

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        raise NotImplementedError

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        for instruction in iter_instructions(df, onbuild=self.onbuild):
            if not self.passes(instruction, ctx):
                yield self.finding(instruction.start_line, ctx, end_line=instruction.end_line)


class StreamRule(Rule):
    """A rule that folds over the instructions in order (hadolint's ``customRule``): ``scan``
    yields the failing lines, or (line, message) when the message names something. With
    ``onbuild`` it runs a second, separate time over the ``ONBUILD`` triggers only, with fresh
    state, as hadolint's ``onbuild`` wrapper does."""

    onbuild: ClassVar[bool] = False

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        raise NotImplementedError

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        streams = [df.instructions]
        if self.onbuild:
            streams.append(onbuild_triggers(df))
        for stream in streams:
            for failure in self.scan(stream, ctx):
                line, message = failure if isinstance(failure, tuple) else (failure, None)
                yield self.finding(line, ctx, message=message)


class OnePerStageRule(StreamRule):
    """Only the last ``keyword`` of a stage takes effect: every earlier one in the same stage is
    reported (DL3012 HEALTHCHECK, DL4003 CMD, DL4004 ENTRYPOINT)."""

    keyword: ClassVar[str]

    def scan(
        self, instructions: list[Instruction], ctx: LintContext
    ) -> Iterable[int | tuple[int, str]]:
        del ctx
        seen = False
        failing: list[int] = []
        for instruction in instructions:
            if instruction.keyword == "FROM":
                seen = False
            elif instruction.keyword == self.keyword:
                if seen:
                    failing.append(instruction.start_line)
                seen = True
        return failing


def iter_instructions(df: Dockerfile, *, onbuild: bool = False) -> Iterator[Instruction]:
    """Every instruction in order; with ``onbuild``, each ONBUILD's inner instruction as well
    (hadolint's ``onbuild`` wrapper: the trigger is checked as if it were written plainly)."""
    for instruction in df.instructions:
        yield instruction
        if onbuild and instruction.onbuild is not None:
            yield instruction.onbuild


def onbuild_triggers(dockerfile: Dockerfile) -> list[Instruction]:
    """The instructions inside ``ONBUILD`` triggers, in order, at the ONBUILD's line."""
    return [i.onbuild for i in dockerfile.instructions if i.onbuild is not None]


def shell_of(instruction: Instruction) -> Script:
    """The commands a RUN runs (DY rules' view): shell form read by :func:`read_script`, exec form
    as one command, the body of a heredoc fed to a shell (``RUN bash <<EOF``) included.

    A heredoc-only RUN (``RUN <<EOF``) is its body; other RUNs are their command line (heredoc
    bodies of ``cat <<EOF > file`` are data, not commands)."""
    if instruction.json_args is not None:
        args = instruction.json_args
        commands = (Command(args[0], tuple(args[1:])),) if args else ()
        return Script(text=" ".join(args), commands=commands)
    return read_script(instruction.shell_script)


def run_script(instruction: Instruction) -> Script | None:
    """The script of a ``RUN`` as hadolint hands it to ShellCheck (DL rules' view, None for other
    instructions): the exec form's words joined,
    the heredoc body when the command starts with a heredoc marker (``RUN <<EOF [bash]``),
    otherwise the command line (a heredoc fed to a command is data, not script)."""
    if instruction.keyword != "RUN":
        return None
    if instruction.json_args is not None:
        return read_script(" ".join(instruction.json_args))
    words = instruction.arguments.split()
    if instruction.heredocs and words and _HEREDOC_MARKER.match(words[0]):
        return read_script(instruction.heredocs[0].body)
    return read_script(instruction.arguments)
