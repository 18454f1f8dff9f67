"""Join consecutive RUN instructions into one layer (DL3059, and DY002's lone ``apt-get update``).

Each RUN starts a fresh shell, so a part that changes shell state (``cd``, ``export``, ``set``...)
is wrapped in a subshell ``( ... )``, and a part with ``||``, ``;`` or ``&`` inside is grouped the
same way so a failure of an earlier part still stops the build. RUNs with different flags, exec
form, heredocs, an inline ``#`` comment, a trailing background ``&``, or under a non-POSIX SHELL
are left apart: joining them would change what runs.
"""

from __future__ import annotations

import re

from dockyard.dockerfile._shell import Command, read_script
from dockyard.dockerfile.fix._edit import continuation_indent, eol
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._shell import command_name
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["JoinRuns"]

_STATEFUL = frozenset(
    {
        "cd",
        "pushd",
        "popd",
        "export",
        "set",
        "unset",
        "source",
        ".",
        "alias",
        "umask",
        "trap",
        "exec",
        "exit",
        "shopt",
        "ulimit",
        "readonly",
        "declare",
        "local",
        "typeset",
        "eval",
        "shift",
    }
)
_LOOSE = frozenset({"||", ";", "&", ";;"})
_RUN_PREFIX = re.compile(r"^(\s*)RUN\s+((?:--\S+\s+)*)", re.IGNORECASE)


class JoinRuns:
    code = "DL3059"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for group in _groups(doc):
            edit = _joined(doc, group)
            if edit is not None:
                outcome.change(
                    edit,
                    Fix(self.code, group[0].start, f"joined {len(group)} consecutive RUN into one"),
                )
        return outcome


def _groups(doc: Doc) -> list[list[Step]]:
    groups: list[list[Step]] = []
    current: list[Step] = []
    for stage in doc.stages:
        posix_shell = True
        for step in doc.stage_steps(stage.index):
            if step.keyword == "SHELL":
                shell = (step.json_args or ("",))[0].rsplit("/", 1)[-1]
                posix_shell = shell in ("sh", "bash", "dash", "ash")
            joinable = step.keyword == "RUN" and posix_shell and _joinable(step)
            if joinable and current and step.flags == current[-1].flags:
                current.append(step)
                continue
            if len(current) > 1:
                groups.append(current)
            current = [step] if joinable else []
    if len(current) > 1:
        groups.append(current)
    return groups


def _joinable(step: Step) -> bool:
    if not step.shell_form:
        return False
    script = read_script(step.text)
    if not step.text.strip() or script.unterminated or script.has_comment:
        return False
    return not script.ends_in_background


def _needs_subshell(step: Step, *, first: bool, last: bool) -> bool:
    script = read_script(step.text)
    loose = not first and any(operator in _LOOSE for operator in script.operators)
    stateful = not last and (script.sets_variables or any(map(_changes_state, script.commands)))
    return loose or stateful


def _changes_state(command: Command) -> bool:
    name, _ = command_name(command)
    return command.words[0] in _STATEFUL or name in _STATEFUL


def _joined(doc: Doc, group: list[Step]) -> Edit | None:
    lines: list[str] = []
    escape = doc.escape
    indent = continuation_indent(doc.raw(group[0]))
    for position, step in enumerate(group):
        first, last = position == 0, position == len(group) - 1
        raw = [line for line in doc.raw(step) if line.strip()]
        wrap = _needs_subshell(step, first=first, last=last)
        match = _RUN_PREFIX.match(raw[0])
        if match is None:
            return None
        opener = "( " if wrap else ""
        if first:
            head = f"{match.group(1)}RUN {match.group(2)}{opener}{raw[0][match.end() :]}"
        else:
            head = f"{indent}&& {opener}{raw[0][match.end() :]}"
        body = [head, *raw[1:]]
        # comment lines between this RUN and the next stay, inside the continuation
        between = doc.lines[step.end : group[position + 1].start - 1] if not last else []
        tail = body[-1]
        text, ending = tail.rstrip("\r\n"), eol(tail) or "\n"
        closing = " )" if wrap else ""
        body[-1] = f"{text}{closing}{ending}" if last else f"{text}{closing} {escape}{ending}"
        lines.extend(body)
        lines.extend(line for line in between if line.strip())
    if not eol(doc.raw(group[-1])[-1]):
        lines[-1] = lines[-1].rstrip("\r\n")
    return Edit(group[0].start, group[-1].end, tuple(lines))
