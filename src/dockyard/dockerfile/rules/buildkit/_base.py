"""What a BuildKit build check is in dockyard, and the build-time facts several checks share.

A check keeps BuildKit's name as its code (``JSONArgsRecommended``: its own namespace beside DL,
DY and SC), BuildKit's level (warning; ``# check=error=true`` makes them errors, see
:mod:`dockyard.dockerfile._pragmas`), BuildKit's message text and its documentation page.

:func:`walk_stages` replays what BuildKit's dispatcher knows at each instruction of each stage:
the environment (``PATH`` from the base image, then ``ENV`` and ``ARG`` values, a parent stage's
environment when a stage is built ``FROM`` another), the declared build arguments, whether a
``SHELL`` or an absolute ``WORKDIR`` was set. Base images are assumed to define only ``PATH``:
dockyard does not pull images, so a variable a real base image sets is, to dockyard, undefined
(``docs/lint-buildkit-checks.md`` says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from dockyard.dockerfile._model import Dockerfile, Instruction
from dockyard.dockerfile.rules._base import Rule, Severity
from dockyard.dockerfile.rules.buildkit._lex import Expansion, LexError, expand_word, raw_words

__all__ = [
    "DEFAULT_PATH",
    "BuildKitRule",
    "StageState",
    "env_words",
    "expand_or_none",
    "experimental_enabled",
    "global_args",
    "kebab",
    "platform_args",
    "suggest",
    "walk_stages",
]

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_BUILD_PLATFORM = ("linux/amd64", "linux", "amd64")


def kebab(name: str) -> str:
    """``JSONArgsRecommended`` -> ``json-args-recommended``, the rule's page name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


class BuildKitRule(Rule):
    """A BuildKit check: ``code`` is its name; the URL follows from it."""

    severity: ClassVar[Severity] = Severity.WARNING
    experimental: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code and "url" not in cls.__dict__:
            cls.url = f"https://docs.docker.com/go/dockerfile/rule/{kebab(cls.code)}/"


def experimental_enabled(df: Dockerfile, name: str) -> bool:
    """Whether ``# check=experimental=NAME[,...]`` (or ``experimental=all``) turns the
    experimental check ``name`` on, read as BuildKit reads the directive; an invalid directive
    turns nothing on."""
    value = df.directives.get("check", "").split(" ")[0].strip()
    enabled: set[str] = set()
    for part in value.split(";", 2) if value else []:
        key, sep, text = part.partition("=")
        if not sep or key.strip() not in ("skip", "experimental", "error"):
            return False
        if key.strip() == "experimental":
            text = text.strip()
            enabled = {"*"} if text == "all" else {t.strip() for t in text.split(",")}
    return "*" in enabled or name in enabled


def platform_args() -> dict[str, str]:
    """BuildKit's predefined global arguments, for a build on and for linux/amd64."""
    platform, os_name, arch = _BUILD_PLATFORM
    values = {"PLATFORM": platform, "OS": os_name, "OSVERSION": "", "ARCH": arch, "VARIANT": ""}
    args = {f"BUILD{k}": v for k, v in values.items()}
    args |= {f"TARGET{k}": v for k, v in values.items()}
    args["TARGETSTAGE"] = "default"
    return args


def global_args(df: Dockerfile) -> tuple[dict[str, str], list[str]]:
    """The arguments a ``FROM`` is expanded with (predefined, then the global ``ARG`` values in
    order, each default expanded with those before it) and every global ``ARG`` name."""
    env = platform_args()
    names: list[str] = []
    for instruction in df.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword != "ARG":
            continue
        for word in raw_words(instruction.arguments, escape=instruction.escape):
            name, sep, default = word.partition("=")
            names.append(name)
            if sep:
                value = expand_or_none(default, env, escape=instruction.escape)
                if value is None:
                    continue
                env[name] = value.text
    return env, names


def expand_or_none(word: str, env: Mapping[str, str], *, escape: str) -> Expansion | None:
    try:
        return expand_word(word, env, escape=escape)
    except LexError:
        return None


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        previous = current
    return previous[-1]


def suggest(name: str, options: list[str]) -> str:
    """BuildKit's "did you mean": the first option closest to ``name`` within distance 2, or
    ``""`` when ``name`` is itself an option or nothing is close."""
    match, best = "", 3
    for option in options:
        if option == name:
            return ""
        distance = _levenshtein(name, option)
        if distance < best:
            match, best = option, distance
    return match


@dataclass
class StageState:
    """What the dispatcher knows while it runs one stage's instructions."""

    env: dict[str, str] = field(default_factory=lambda: {"PATH": DEFAULT_PATH})
    build_args: list[str] = field(default_factory=list)
    shell_set: bool = False
    workdir_set: bool = False

    def copy(self) -> StageState:
        return StageState(dict(self.env), list(self.build_args), self.shell_set, self.workdir_set)

    def defines(self, name: str) -> bool:
        return name in self.env or name in self.build_args


def walk_stages(df: Dockerfile) -> Iterator[tuple[Instruction, StageState]]:
    """Every instruction of every stage (``FROM`` included) with the state *before* it runs;
    the state is updated after each is yielded, as BuildKit dispatches them in file order."""
    args, _ = global_args(df)
    finals: dict[str, StageState] = {}
    for stage in df.stages:
        base = expand_or_none(stage.base_image, args, escape=df.escape)
        parent = finals.get(base.text.lower()) if base is not None else None
        state = parent.copy() if parent is not None else StageState()
        for instruction in stage.instructions:
            yield instruction, state
            _apply(instruction, state, args)
        if stage.name:
            finals[stage.name] = state


def _apply(instruction: Instruction, state: StageState, global_values: Mapping[str, str]) -> None:
    keyword, escape = instruction.keyword, instruction.escape
    if keyword == "ENV":
        updates: dict[str, str] = {}
        for name, raw in env_words(instruction):
            expanded = expand_or_none(raw, state.env, escape=escape)
            updates[name] = expanded.text if expanded is not None else raw
        state.env.update(updates)
    elif keyword == "ARG":
        for word in raw_words(instruction.arguments, escape=escape):
            name, sep, default = word.partition("=")
            value: str | None = None
            if sep:
                expanded = expand_or_none(default, state.env, escape=escape)
                value = expanded.text if expanded is not None else default
            elif name in global_values:
                value = global_values[name]
            if value is not None:
                state.env[name] = value
            state.build_args.append(name)
    elif keyword == "SHELL":
        state.shell_set = True
    elif keyword == "WORKDIR":
        state.workdir_set = True


def env_words(instruction: Instruction) -> list[tuple[str, str]]:
    """``ENV``/``LABEL`` (name, raw value) pairs, quotes still in the values: ``a=b c=d``, or the
    legacy ``name value...`` where the value is the rest of the line."""
    arguments = instruction.arguments.strip()
    if instruction.uses_legacy_key_value:
        parts = re.split(r"[ \t\v\f\r]+", arguments, maxsplit=1)
        first = raw_words(parts[0], escape=instruction.escape)
        return [(first[0] if first else parts[0], parts[1] if len(parts) > 1 else "")]
    pairs: list[tuple[str, str]] = []
    for word in raw_words(arguments, escape=instruction.escape):
        key, _, value = word.partition("=")
        pairs.append((key, value))
    return pairs
