"""Purge a download tool in the RUN that installed and used it (DY003), keeping CA certificates.

curl or wget installed only to fetch something at build time is dead weight (and attack surface)
in the image. The fix purges it with ``--auto-remove`` at the end of that same RUN, but only when
nothing later (RUN, CMD, ENTRYPOINT, HEALTHCHECK, stages built from this one) mentions it. The
purge would also auto-remove ``ca-certificates`` pulled in for the tool, breaking TLS for the
program at run time (the course's CERTIFICATE_VERIFY_FAILED story), so ca-certificates is installed
explicitly in the same command: dockyard cannot prove that nothing needs TLS at run time.
"""

from __future__ import annotations

from dockyard.dockerfile._shell import Command, apt_install_packages
from dockyard.dockerfile.fix._edit import append_command
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._packages import DOWNLOADERS, apt_install_pattern
from dockyard.dockerfile.fix._shell import command_name, commands, mentions
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["PurgeDownloaders", "with_ca_certificates"]

_REMOVERS = ("purge", "remove", "autoremove")
_RUNTIME = ("CMD", "ENTRYPOINT", "HEALTHCHECK", "ONBUILD")


class PurgeDownloaders:
    code = "DY003"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        for position, step in enumerate(doc.steps):
            if step.keyword != "RUN" or not step.shell_form:
                continue
            tools = _purgeable(doc, position, step)
            if not tools:
                continue
            edit = _purged(doc, step, tools)
            if edit is None:
                outcome.refuse(
                    self.code,
                    step.start,
                    "the install of " + ", ".join(tools) + " is split over lines; purge it by hand",
                )
                continue
            outcome.change(
                edit,
                Fix(
                    self.code,
                    step.start,
                    "purged " + ", ".join(tools) + " after use, kept ca-certificates",
                ),
            )
        return outcome


def _purgeable(doc: Doc, position: int, step: Step) -> list[str]:
    parsed = commands(step.text) or []
    found: list[str] = []
    for tool in DOWNLOADERS:
        installed_at = next(
            (i for i, c in enumerate(parsed) if tool in (apt_install_packages(c) or [])), None
        )
        if installed_at is None:
            continue
        used = any(command_name(c)[0] == tool for c in parsed[installed_at + 1 :])
        removed = any(_removes(c, tool) for c in parsed)
        if used and not removed and not _needed_later(doc, position, step, tool):
            found.append(tool)
    return found


def _removes(command: Command, tool: str) -> bool:
    name, args = command_name(command)
    return name in ("apt-get", "apt") and any(a in _REMOVERS for a in args) and tool in args


def _needed_later(doc: Doc, position: int, step: Step, tool: str) -> bool:
    """Whether a later step, or the container at run time, may call ``tool``."""
    stages = {step.stage} | {s.index for s in doc.later_stages_using(step.stage)}
    later = [s for s in doc.steps[position + 1 :] if s.stage in stages]
    runtime = [s for s in doc.steps if s.stage in stages and s.keyword in _RUNTIME]
    return any(mentions(s.text, tool) or tool in s.text for s in later + runtime)


def _purged(doc: Doc, step: Step, tools: list[str]) -> Edit | None:
    installs = [c for c in commands(step.text) or [] if apt_install_packages(c) is not None]
    explicit = {p for c in installs for p in apt_install_packages(c) or []}
    raw: list[str] | None = list(doc.raw(step))
    if raw is not None and "ca-certificates" not in explicit:
        raw = with_ca_certificates(raw, installs, tools)
    if raw is None:
        return None
    edited = Doc(lines=doc.lines[: step.start - 1] + raw, steps=[], escape=doc.escape)
    moved = Step(
        step.keyword,
        step.start,
        step.start + len(raw) - 1,
        step.flags,
        step.text,
        step.json_args,
        step.heredoc,
        step.stage,
    )
    purge = append_command(edited, moved, "apt-get purge -y --auto-remove " + " ".join(tools))
    return Edit(step.start, step.end, purge.lines)


def with_ca_certificates(
    raw: list[str], installs: list[Command], tools: list[str]
) -> list[str] | None:
    pattern = apt_install_pattern()
    index = 0
    for number, line in enumerate(raw):
        for match in pattern.finditer(line):
            if index >= len(installs):
                return None
            if set(tools) & set(apt_install_packages(installs[index]) or []):
                raw[number] = line[: match.end()] + " ca-certificates" + line[match.end() :]
                return raw
            index += 1
    return None
