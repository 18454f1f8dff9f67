"""hadolint's readings that several DL rules share: a FROM's image reference, cache mounts,
"clean after install" and yum/dnf package pins.

The kinds of rule (``StreamRule`` and the others) and how a rule gets a RUN's script
(``run_script``, ``shell_of``) live in :mod:`dockyard.dockerfile.rules._base`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command, Script
from dockyard.dockerfile._words import split_words
from dockyard.dockerfile.rules._base import run_script

__all__ = [
    "ARCHIVE_EXTENSIONS",
    "BaseImage",
    "base_image",
    "cache_mount_with",
    "cleaned_after",
    "drop_quotes",
    "image_reference",
    "rpm_packages_pinned",
]

ARCHIVE_EXTENSIONS = (
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
)  # fmt: skip


@dataclass(frozen=True)
class BaseImage:
    """A ``FROM`` as hadolint parses it: no ARG substitution, registry split off when the first
    path component looks like a host."""

    registry: str | None
    name: str
    tag: str | None
    digest: str | None
    alias: str | None
    platform: str | None


def base_image(instruction: Instruction) -> BaseImage:
    words = split_words(instruction.arguments)
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    return image_reference(
        words[0] if words else "", alias=alias, platform=instruction.flag("platform")
    )


def image_reference(
    reference: str, *, alias: str | None = None, platform: str | None = None
) -> BaseImage:
    """``[registry/]name[:tag][@digest]`` split as hadolint splits it."""
    registry: str | None = None
    first, slash, rest = reference.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, reference = first, rest
    reference, at, digest = reference.partition("@")
    path, _, last = reference.rpartition("/")
    name, colon, tag = last.partition(":")
    return BaseImage(
        registry=registry,
        name=f"{path}/{name}" if path else name,
        tag=tag if colon else None,
        digest=digest if at else None,
        alias=alias,
        platform=platform,
    )


def drop_quotes(text: str) -> str:
    return text.strip("'\"")


def cache_mount_with(instruction: Instruction, fragment: str) -> bool:
    """Whether a ``RUN --mount=type=cache|tmpfs`` targets a path containing ``fragment``."""
    for mount in instruction.flag_values("mount"):
        options = dict(part.partition("=")[::2] for part in mount.split(",") if part)
        target = options.get("target") or options.get("dst") or options.get("destination") or ""
        if options.get("type") in ("cache", "tmpfs") and fragment in target:
            return True
    return False


def cleaned_after(
    script: Script, installs: Callable[[Command], bool], cleans: Callable[[Command], bool]
) -> bool:
    """No install at all, or a clean after the first install: hadolint compares the position of
    the first install command with that of the first clean command."""
    first_install = script.index(installs)
    if first_install is None:
        return True
    first_clean = script.index(cleans)
    return first_clean is not None and first_install < first_clean


def _rpm_version_like(parts: list[str]) -> bool:
    valid = all(all(c.isascii() and (c.isalnum() or c in ".~^_:+") for c in p) for p in parts)
    return bool(parts) and valid and any(p[:1].isdigit() for p in parts)


def _rpm_pinned(package: str, variables: set[str]) -> bool:
    parts = package.split("-")
    if len(parts) <= 1:
        return False
    if package.endswith(".rpm"):
        return True
    if "$" in package:
        return any("${" + name + "}" in package for name in variables)
    return _rpm_version_like(parts[1:])


def _rpm_install_words(command: Command, tools: tuple[str, ...]) -> list[str]:
    if not command.has_args(tools, "install"):
        return []
    return [w for w in command.args_no_flags() if w not in ("install", "module")]


def rpm_packages_pinned(
    instructions: list[Instruction], *, tools: tuple[str, ...], skip_verbs: tuple[str, ...]
) -> Iterator[int]:
    """Lines of RUNs whose yum/dnf packages are not ``name-version`` (DL3033, DL3041). ENV names
    are known per stage (a stage built on another inherits them), ARG names everywhere."""
    stage_envs: list[set[str]] = [set()]
    aliases: list[str] = [""]
    args: set[str] = set()
    for instruction in instructions:
        if instruction.keyword == "FROM":
            image = base_image(instruction)
            parent = next((i for i, a in enumerate(aliases) if a and a == image.name), None)
            stage_envs.append(set(stage_envs[parent]) if parent is not None else set())
            aliases.append(image.alias or "")
        elif instruction.keyword == "ENV":
            stage_envs[-1].update(name for name, _ in instruction.env_pairs())
        elif instruction.keyword == "ARG":
            args.update(name for name, _ in instruction.arg_pairs())
        script = run_script(instruction)
        if script is None:
            continue
        known = stage_envs[-1] | args
        packages = [
            word
            for command in script.commands
            if not command.has_args(tools, *skip_verbs)
            for word in _rpm_install_words(command, tools)
        ]
        modules = [
            word
            for command in script.commands
            if command.has_args(tools, "module")
            for word in _rpm_install_words(command, tools)
        ]
        if not all(_rpm_pinned(p, known) for p in packages) or not all(":" in m for m in modules):
            yield instruction.start_line
