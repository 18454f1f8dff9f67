"""The view of a parsed Dockerfile that fixers work on: each instruction with its exact line span.

Fixers rewrite only the lines of the instructions they change, so everything else (comments, blank
lines, the formatting of untouched instructions) comes out byte for byte as it went in. The view
keeps, per instruction, its keyword, flags, shell text with continuations joined and inner comment
lines dropped, its JSON arguments when written in exec form, and whether it carries heredocs
(fixers leave heredoc bodies alone: their shell is not the instruction's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dockyard.dockerfile._parser import parse

__all__ = ["Doc", "Stage", "Step", "read_doc", "source_lines"]


@dataclass(frozen=True)
class Step:
    """One instruction: ``start``/``end`` are 1-based, inclusive, heredoc bodies included."""

    keyword: str
    start: int
    end: int
    flags: tuple[str, ...]
    text: str
    json_args: tuple[str, ...] | None
    heredoc: bool
    stage: int

    @property
    def shell_form(self) -> bool:
        return self.json_args is None and not self.heredoc


@dataclass(frozen=True)
class Stage:
    """A build stage: its base (as written), its name, and the indexes of its steps."""

    index: int
    base: str
    name: str | None
    steps: tuple[int, ...]


@dataclass
class Doc:
    """The source lines (line endings kept) and the instructions found in them."""

    lines: list[str]
    steps: list[Step]
    stages: list[Stage] = field(default_factory=list)
    escape: str = "\\"

    def raw(self, step: Step) -> list[str]:
        return self.lines[step.start - 1 : step.end]

    def stage_steps(self, stage: int) -> list[Step]:
        return [self.steps[i] for i in self.stages[stage].steps]

    def later_stages_using(self, stage: int) -> list[Stage]:
        """Stages built FROM this one (by name or index), directly or through others."""
        found: list[Stage] = []
        names = {str(stage)}
        if self.stages[stage].name:
            names.add(str(self.stages[stage].name).lower())
        for other in self.stages[stage + 1 :]:
            if other.base.lower() in names:
                found.append(other)
                names.add(str(other.index))
                if other.name:
                    names.add(other.name.lower())
        return found


def read_doc(text: str, *, path: str = "Dockerfile") -> Doc:
    """The fixers' view of ``parse(text)``; a syntax error raises :class:`DockerfileError`."""
    parsed = parse(text, path=path)
    steps = [
        Step(
            keyword=instruction.keyword.upper(),
            start=instruction.start_line,
            end=instruction.end_line,
            flags=tuple(
                f"--{flag.name}" if flag.value is None else f"--{flag.name}={flag.value}"
                for flag in instruction.flags
            ),
            text=instruction.arguments,
            json_args=tuple(instruction.json_args) if instruction.json_args is not None else None,
            heredoc=bool(instruction.heredocs),
            stage=instruction.stage_index,
        )
        for instruction in parsed.instructions
    ]
    stages = [
        Stage(
            index=stage.index,
            base=stage.base_image,
            name=stage.name,
            steps=tuple(i for i, step in enumerate(steps) if step.stage == stage.index),
        )
        for stage in parsed.stages
    ]
    return Doc(lines=source_lines(text), steps=steps, stages=stages, escape=parsed.escape)


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def source_lines(text: str) -> list[str]:
    """Lines as the parser counts them: split at ``\n`` only (a form feed or U+2028 inside a
    line is not a line break for docker), each with its ending."""
    return _LINE.findall(text)
