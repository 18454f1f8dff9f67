"""``--aggressive``: changes that need judgment, each a complete Dockerfile to build and check.

- another base: a slim or alpine variant of the final base the engine has, or one the user maps
  with ``--base-map FROM=TO``;
- a multi-stage build that leaves compilers behind: the fixed Dockerfile becomes the ``build``
  stage and a fresh stage on the same base gets only the program the image runs;
- FROM scratch: the same with nothing but the program, for a static binary;
- ``RUN --mount=type=bind`` instead of a COPY whose file a RUN deletes again.

Nothing here is applied: ``optimize`` builds, smoke-checks and measures each proposal and shows
the figures; the person decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from dockyard.dockerfile import Instruction, apt_install_packages, parse, read_script
from dockyard.dockerfile.fix import read_doc, source_lines

__all__ = ["Proposal", "base_candidates", "bind_mount", "multi_stage", "with_base"]

_COMPILERS = frozenset(
    {
        "gcc",
        "g++",
        "clang",
        "make",
        "build-essential",
        "golang",
        "golang-go",
        "rustc",
        "cargo",
        "cc",
        "libc6-dev",
        "musl-tools",
    }
)


@dataclass(frozen=True)
class Proposal:
    name: str
    description: str
    dockerfile: str


def base_candidates(base: str) -> list[str]:
    """Slim and alpine names for ``base`` (``python:3.11`` -> ``python:3.11-slim`` ...)."""
    repository, _, tag = base.rpartition(":") if ":" in base.rsplit("/", 1)[-1] else (base, "", "")
    tag = tag or "latest"
    if "slim" in tag or "alpine" in tag:
        return []
    stem = "" if tag == "latest" else f"{tag}-"
    return [
        f"{repository}:{stem}slim",
        f"{repository}:{stem}alpine",
        f"{repository}:slim",
        f"{repository}:alpine",
    ]


def with_base(dockerfile: str, *, new_base: str) -> Proposal | None:
    parsed = parse(dockerfile)
    final = parsed.final_stage
    if final is None:
        return None
    instruction = final.from_instruction
    lines = source_lines(dockerfile)
    line = lines[instruction.start_line - 1]
    if instruction.start_line != instruction.end_line or final.base_image not in line:
        return None
    lines[instruction.start_line - 1] = line.replace(final.base_image, new_base, 1)
    return Proposal(
        f"base-{_slug(new_base)}", f"FROM {new_base} instead of {final.base_image}", "".join(lines)
    )


def multi_stage(dockerfile: str, *, scratch: bool) -> Proposal | None:
    """Split off the build when the final stage installs a compiler and runs one program."""
    parsed = parse(dockerfile)
    final = parsed.final_stage
    if final is None or not _has_compiler(final.instructions):
        return None
    program = _program(final.instructions)
    if program is None:
        return None
    lines = source_lines(dockerfile)
    start = final.from_instruction.start_line - 1
    alias = final.name
    if alias is None:
        alias = "build"
        lines[start] = lines[start].rstrip("\r\n") + " AS build\n"
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    base = "scratch" if scratch else final.base_image
    tail = [f"\nFROM {base}\n", f"COPY --from={alias} {program} {program}\n"]
    for keyword in ("WORKDIR", "ENV", "EXPOSE"):
        tail.extend(
            f"{i.keyword} {i.arguments}\n" for i in final.instructions if i.keyword == keyword
        )
    tail.append("USER 65534:65534\n")
    tail.extend(
        f"{i.keyword} {json.dumps(i.json_args)}\n"
        for i in final.instructions
        if i.keyword in ("ENTRYPOINT", "CMD") and i.json_args is not None
    )
    name = "scratch" if scratch else "multi-stage"
    what = (
        "only the program on an empty image (static binaries)"
        if scratch
        else ("compilers left in a build stage, only the program copied")
    )
    return Proposal(name, f"{what}: {program}", "".join(lines) + "".join(tail))


def _has_compiler(instructions: list[Instruction]) -> bool:
    for instruction in instructions:
        if instruction.keyword != "RUN":
            continue
        script = read_script(instruction.shell_script)
        if script.unterminated:
            continue
        for command in script.commands:
            packages = set(apt_install_packages(command) or [])
            if packages & _COMPILERS or command.unwrapped.basename in {"gcc", "cc", "make", "go"}:
                return True
    return False


def _program(instructions: list[Instruction]) -> str | None:
    """The absolute path the image runs, when it runs one program in exec form."""
    runs = [i for i in instructions if i.keyword in ("ENTRYPOINT", "CMD") and i.json_args]
    if not runs or not runs[0].json_args:
        return None
    first = runs[0].json_args[0]
    return first if first.startswith("/") and " " not in first else None


def bind_mount(dockerfile: str) -> Proposal | None:
    """A COPY of one context file that a later RUN of the stage removes, as a bind mount."""
    doc = read_doc(dockerfile)
    for position, step in enumerate(doc.steps):
        words = step.text.split()
        if step.keyword != "COPY" or step.flags or len(words) != 2 or step.heredoc:
            continue
        source, target = words
        if not target.startswith("/") or target.endswith("/") or "$" in step.text:
            continue
        for later in doc.steps[position + 1 :]:
            if later.stage != step.stage or later.keyword != "RUN" or not later.shell_form:
                continue
            target_rm = rf"rm[ \t]+(?:-\w+[ \t]+)*{re.escape(target)}"
            pattern = re.compile(
                rf"((?:[ \t]*\\\r?\n)?[ \t]*&&[ \t]*{target_rm}(?=[ \t\r\n]|$))"
                rf"|({target_rm}[ \t]*&&[ \t]*(?:\\\r?\n[ \t]*)?)"
            )
            raw = "".join(doc.raw(later))
            if not pattern.search(raw):
                continue
            new_run = pattern.sub("", raw, count=1)
            mount = f"--mount=type=bind,source={source},target={target}"
            new_run = re.sub(r"^(\s*RUN\s+)", rf"\g<1>{mount} ", new_run, count=1, flags=re.I)
            lines = list(doc.lines)
            lines[later.start - 1 : later.end] = [new_run]
            del lines[step.start - 1 : step.end]
            return Proposal(
                "bind-mount",
                f"{source} mounted for the RUN instead of copied and deleted",
                "".join(lines),
            )
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]
