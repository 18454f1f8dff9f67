"""Run the final stage as a non-root user (DY001).

Without USER the program runs as root, so a flaw in it is root in the container. The user is made
with the command of the base's family (``useradd`` on Debian/Ubuntu/RHEL, ``adduser -D`` on
Alpine; a numeric user on ``scratch``, distroless and busybox, which need no passwd entry), owns
the WORKDIR it starts in (the directory itself, not its content: a recursive chown would copy every
file into a new layer), and USER comes after the last build step, so everything the build does
still runs as root. A base whose family cannot be told is reported, not guessed.
"""

from __future__ import annotations

from dockyard.dockerfile.fix._edit import eol
from dockyard.dockerfile.fix._model import Edit, Fix, Outcome
from dockyard.dockerfile.fix._shell import command_name, commands
from dockyard.dockerfile.fix._view import Doc, Stage, Step

__all__ = ["NonRootUser"]

USER_NAME = "app"
USER_ID = 10001

_DEBIAN = (
    "debian",
    "ubuntu",
    "python",
    "node",
    "ruby",
    "golang",
    "openjdk",
    "eclipse-temurin",
    "php",
    "perl",
    "rust",
    "buildpack-deps",
    "nginx",
    "httpd",
    "postgres",
    "redis",
)
_RHEL = ("fedora", "centos", "rockylinux", "almalinux", "amazonlinux", "oraclelinux", "ubi")
_ALPINE = ("alpine",)


class NonRootUser:
    code = "DY001"

    def __call__(self, doc: Doc) -> Outcome:
        outcome = Outcome()
        if not doc.stages:
            return outcome
        final = doc.stages[-1]
        chain = _chain(doc, final)
        if any(s.keyword == "USER" for stage in chain for s in doc.stage_steps(stage.index)):
            return outcome
        family = _family(doc, chain)
        if family is None:
            outcome.refuse(
                self.code,
                doc.steps[final.steps[0]].start,
                "cannot tell the base image's family to create a user; add USER",
            )
            return outcome
        steps = doc.stage_steps(final.index)
        anchor = max(
            (s for s in steps if s.keyword in ("RUN", "COPY", "ADD", "WORKDIR", "FROM")),
            key=lambda s: s.end,
        )
        lines = _user_lines(steps, anchor, family)
        ending = eol(doc.lines[anchor.end - 1])
        if not ending:
            lines = ("\n", *lines)
            lines = (*lines[:-1], lines[-1].rstrip("\n"))
        edit = Edit(anchor.end + 1, anchor.end, lines)
        outcome.change(edit, Fix(self.code, anchor.end + 1, f"runs as non-root user ({family})"))
        return outcome


def _chain(doc: Doc, stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it is built FROM."""
    chain = [stage]
    names = {str(s.index): s for s in doc.stages} | {
        s.name.lower(): s for s in doc.stages if s.name
    }
    while chain[-1].base.lower() in names and names[chain[-1].base.lower()] not in chain:
        chain.append(names[chain[-1].base.lower()])
    return chain


def _family(doc: Doc, chain: list[Stage]) -> str | None:
    base = chain[-1].base.lower()
    image = base.rsplit("/", 1)[-1]
    if image == "scratch":
        return "scratch"
    if "distroless" in base:
        return "distroless"
    tools = {
        command_name(c)[0]
        for stage in chain
        for s in doc.stage_steps(stage.index)
        if s.keyword == "RUN"
        for c in commands(s.text) or []
    }
    if image.startswith("busybox") or image.split(":")[0].endswith("busybox"):
        return "busybox"
    if "apk" in tools or any(image.startswith(n) or f"-{n}" in image for n in _ALPINE):
        return "alpine"
    if tools & {"apt-get", "apt", "dpkg"} or any(image.startswith(n) for n in _DEBIAN):
        return "debian"
    if tools & {"yum", "dnf", "rpm"} or any(image.startswith(n) for n in _RHEL):
        return "rhel"
    return None


def _user_lines(steps: list[Step], anchor: Step, family: str) -> tuple[str, ...]:
    if family == "scratch":
        return ("USER 65534:65534\n",)
    if family == "distroless":
        return ("USER 65532:65532\n",)
    if family == "busybox":  # Debian's busybox has no adduser applet: a numeric user needs none
        return (f"USER {USER_ID}:{USER_ID}\n",)
    existing = _existing_user(steps)
    if existing:
        return (f"USER {existing}\n",)
    if family == "alpine":
        create = f"adduser -D -u {USER_ID} {USER_NAME}"
    else:
        create = f"useradd --system --create-home --uid {USER_ID} {USER_NAME}"
    workdirs = [s for s in steps if s.keyword == "WORKDIR" and s.end <= anchor.end]
    if workdirs:
        workdir = workdirs[-1].text.strip()
        if workdir not in ("/", "") and "$" not in workdir and " " not in workdir:
            create += f" && chown {USER_NAME}:{USER_NAME} {workdir}"
    return (f"RUN {create}\n", f"USER {USER_ID}\n")


def _existing_user(steps: list[Step]) -> str | None:
    for step in steps:
        if step.keyword != "RUN":
            continue
        for command in commands(step.text) or []:
            name, args = command_name(command)
            if name in ("useradd", "adduser") and args and not args[-1].startswith("-"):
                return args[-1]
    return None
