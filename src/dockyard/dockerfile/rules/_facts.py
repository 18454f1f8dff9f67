"""Facts several DY rules need: which packages a RUN installs or removes, and the final stage.

Package managers read: ``apt-get``/``apt`` (``install``; ``remove``/``purge``, ``autoremove``,
``--auto-remove``), ``apk`` (``add`` with ``--virtual NAME``; ``del``), ``yum``/``dnf``/
``microdnf`` (``install``; ``remove``/``erase``), ``zypper`` (``install``/``in``;
``remove``/``rm``). Commands are looked at through ``sudo``/``env`` wrappers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from dockyard.dockerfile._model import Dockerfile, Instruction, Stage
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import shell_of

__all__ = [
    "PackageChange",
    "commands_of",
    "final_stage",
    "package_changes",
    "package_name",
    "stage_chain",
    "stage_instructions",
]

_INSTALL = {
    "apt-get": {"install"},
    "apt": {"install"},
    "apk": {"add"},
    "yum": {"install"},
    "dnf": {"install"},
    "microdnf": {"install"},
    "zypper": {"install", "in"},
}
_REMOVE = {
    "apt-get": {"remove", "purge", "autoremove"},
    "apt": {"remove", "purge", "autoremove"},
    "apk": {"del"},
    "yum": {"remove", "erase", "autoremove"},
    "dnf": {"remove", "erase", "autoremove"},
    "microdnf": {"remove"},
    "zypper": {"remove", "rm"},
}
_VALUE_OPTIONS = {"o", "t", "virtual", "c", "repository", "X", "target-release"}
_VERSION = re.compile(r"[=<>~].*$")


@dataclass(frozen=True)
class PackageChange:
    """One package-manager command: what it installs or removes, and how."""

    manager: str
    action: str  # "install" or "remove"
    packages: tuple[str, ...]
    auto_remove: bool = False
    virtual: str | None = None
    line: int = 0
    recommends: bool = True


@dataclass
class _Words:
    subcommand: str | None = None
    packages: list[str] = field(default_factory=list)


def package_name(word: str) -> str:
    """``curl=7.88*`` -> ``curl``; ``py3-pip>1`` -> ``py3-pip``; ``curl:amd64`` -> ``curl``."""
    return _VERSION.sub("", word).split(":", 1)[0]


def commands_of(instruction: Instruction) -> list[Command]:
    """The programs a RUN finally runs (through sudo/env), ONBUILD excluded."""
    if instruction.keyword != "RUN":
        return []
    return [command.unwrapped for command in shell_of(instruction).commands]


def package_changes(instruction: Instruction) -> Iterator[PackageChange]:
    """Package-manager commands of a RUN; ``$deps`` words are expanded from assignments made
    in the same RUN (``deps='gcc make' && apt-get install $deps``), a common idiom."""
    variables = _assignments(instruction.shell_script) if "$" in instruction.shell_script else {}
    for command in commands_of(instruction):
        if variables:
            command = Command(command.name, _expand_words(command.args, variables))
        change = _change(command, line=instruction.start_line)
        if change is not None:
            yield change


_ASSIGNED = re.compile(r"""(?:^|[\s;&|(])([A-Za-z_][A-Za-z0-9_]*)=(?:'([^']*)'|"([^"]*)"|(\S+))""")
_REFERENCE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")


def _assignments(script: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for match in _ASSIGNED.finditer(script):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        found[match.group(1)] = value.replace("\\\n", " ").replace("\\", " ").split()
    return found


def _expand_words(words: tuple[str, ...], variables: dict[str, list[str]]) -> tuple[str, ...]:
    expanded: list[str] = []
    for word in words:
        match = _REFERENCE.match(word)
        if match and match.group(1) in variables:
            expanded.extend(variables[match.group(1)])
        else:
            expanded.append(word)
    return tuple(expanded)


def _change(command: Command, *, line: int) -> PackageChange | None:
    manager = command.basename
    if manager not in _INSTALL:
        return None
    words = _split(command)
    if words.subcommand in _INSTALL[manager]:
        virtual = next(iter(command.flag_values("virtual") or command.flag_values("t")), None)
        if manager != "apk":
            virtual = None
        recommends = not command.has_flag("no-install-recommends") and manager in ("apt-get", "apt")
        return PackageChange(
            manager,
            "install",
            tuple(words.packages),
            virtual=virtual,
            line=line,
            recommends=recommends,
        )
    if words.subcommand in _REMOVE[manager]:
        auto = words.subcommand == "autoremove" or command.has_flag("auto-remove", "autoremove")
        return PackageChange(manager, "remove", tuple(words.packages), auto_remove=auto, line=line)
    return None


def _split(command: Command) -> _Words:
    words = _Words()
    args = list(command.args)
    index = 0
    while index < len(args):
        word = args[index]
        if word.startswith("-") and word not in ("-", "--"):
            name = word.lstrip("-").split("=", 1)[0]
            takes_value = "=" not in word and name in _VALUE_OPTIONS
            index += 2 if takes_value else 1
            continue
        if words.subcommand is None:
            words.subcommand = word
        else:
            words.packages.append(package_name(word))
        index += 1
    return words


def final_stage(df: Dockerfile) -> Stage | None:
    return df.stages[-1] if df.stages else None


def stage_chain(df: Dockerfile, stage: Stage) -> list[Stage]:
    """``stage`` and the stages it is built ``FROM``, nearest first (``FROM build AS final``)."""
    chain = [stage]
    seen = {stage.index}
    current = stage
    while True:
        parent = df.stage_named(current.base_resolved)
        if parent is None or parent.index in seen or parent.index >= current.index:
            return chain
        chain.append(parent)
        seen.add(parent.index)
        current = parent


def stage_instructions(df: Dockerfile, stage: Stage) -> list[Instruction]:
    """Every instruction that builds the image of ``stage``, its parent stages' first."""
    result: list[Instruction] = []
    for member in reversed(stage_chain(df, stage)):
        result.extend(member.instructions)
    return result
