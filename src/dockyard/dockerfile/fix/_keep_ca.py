"""Keep ca-certificates through an ``--auto-remove`` (DY004).

When ca-certificates came in only as a recommended package of curl, wget, git..., apt marks it
automatic, and ``apt-get purge --auto-remove curl`` takes it away: the program then fails every
TLS connection at run time. Naming it in the install that brought it marks it manual. The fix
touches the install, wherever in the stage it is; the finding sits on the auto-remove.
"""

from __future__ import annotations

from dockyard.dockerfile._shell import Command, apt_install_packages
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._purge_downloaders import with_ca_certificates
from dockyard.dockerfile.fix._shell import command_name, commands
from dockyard.dockerfile.fix._view import Doc, Step

__all__ = ["KeepCaCertificates"]

_BRINGERS = ("curl", "wget", "gnupg", "gnupg2", "openssl", "git")


class KeepCaCertificates:
    code = "DY004"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        if not doc.stages:
            return outcome
        runs = [s for s in doc.stage_steps(doc.stages[-1].index) if s.keyword == "RUN"]
        installs: list[tuple[Step, list[Command]]] = []
        for step in runs:
            parsed = commands(step.text) if step.shell_form else None
            if parsed is None:
                continue
            apt = [c for c in parsed if apt_install_packages(c) is not None]
            if any("ca-certificates" in (apt_install_packages(c) or []) for c in apt):
                return outcome
            installs.append((step, apt))
            if any(_auto_removes(c) for c in parsed):
                edit = _keep(doc, installs)
                if edit is None:
                    outcome.refuse(self.code, step.start, "no one-line apt-get install to extend")
                    return outcome
                fix = Fix(self.code, step.start, "installed ca-certificates by name")
                outcome.change(edit, fix)
                return outcome
        return outcome


def _auto_removes(command: Command) -> bool:
    name, args = command_name(command)
    if name not in ("apt-get", "apt"):
        return False
    return "autoremove" in args or (
        bool({"purge", "remove"} & set(args))
        and bool({"--auto-remove", "--autoremove"} & set(args))
    )


def _keep(doc: Doc, installs: list[tuple[Step, list[Command]]]) -> Edit | None:
    for step, apt in reversed(installs):
        tools = [t for c in apt for t in apt_install_packages(c) or [] if t in _BRINGERS]
        if not tools:
            continue
        raw = with_ca_certificates(list(doc.raw(step)), apt, tools)
        return None if raw is None else Edit(step.start, step.end, tuple(raw))
    return None
