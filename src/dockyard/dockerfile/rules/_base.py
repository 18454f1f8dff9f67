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
   gives a finding on the instruction's first line. Rules that need state across instructions
   (stages, earlier ``USER``...) subclass :class:`Rule` and write ``check`` themselves; use
   :meth:`Rule.finding` to build findings. Shell-aware rules call :func:`shell_of` to get the
   RUN's commands (see :mod:`dockyard.dockerfile._shell` for hadolint's helpers:
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

from collections.abc import Iterable, Iterator
from typing import ClassVar

from dockyard.dockerfile._findings import Finding, LintContext, Severity
from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile._shell import Command, Script, read_script

__all__ = [
    "Finding",
    "InstructionRule",
    "LintContext",
    "Rule",
    "Severity",
    "iter_instructions",
    "shell_of",
]


class Rule:
    """Base of every rule. Subclasses set ``code``, ``severity``, ``message``; write ``check``."""

    code: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.INFO
    message: ClassVar[str] = ""

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


def iter_instructions(df: Dockerfile, *, onbuild: bool = False) -> Iterator[Instruction]:
    """Every instruction in order; with ``onbuild``, each ONBUILD's inner instruction as well
    (hadolint's ``onbuild`` wrapper: the trigger is checked as if it were written plainly)."""
    for instruction in df.instructions:
        yield instruction
        if onbuild and instruction.onbuild is not None:
            yield instruction.onbuild


def shell_of(instruction: Instruction) -> Script:
    """The commands a RUN runs: shell form read by :func:`read_script`, exec form as one command.

    A heredoc-only RUN (``RUN <<EOF``) is its body; other RUNs are their command line (heredoc
    bodies of ``cat <<EOF > file`` are data, not commands)."""
    if instruction.json_args is not None:
        args = instruction.json_args
        commands = (Command(args[0], tuple(args[1:])),) if args else ()
        return Script(text=" ".join(args), commands=commands)
    return read_script(instruction.shell_script)
