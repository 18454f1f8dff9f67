"""DL3013: an unpinned ``pip install`` takes the newest release on build day, so a new release
upstream silently changes (or breaks) the image."""

from __future__ import annotations

from dockyard.dockerfile._model import Instruction
from dockyard.dockerfile._shell import Command
from dockyard.dockerfile.rules._base import InstructionRule, LintContext, Severity, run_script

__all__ = ["rule"]


_VALUE_FLAGS = (
    "abi", "b", "build", "e", "editable", "extra-index-url", "f", "find-links", "i",
    "index-url", "implementation", "no-binary", "only-binary", "platform", "prefix",
    "progress-bar", "proxy", "python", "python-version", "root", "root-user-action", "src", "t",
    "target", "trusted-host", "upgrade-strategy",
)  # fmt: skip
_VCS = (
    "git+file", "git+https", "git+ssh", "git+http", "git+git", "git", "hg+file", "hg+http",
    "hg+https", "hg+ssh", "hg+static-http", "svn", "svn+svn", "svn+http", "svn+https", "svn+ssh",
    "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp",
)  # fmt: skip
_SYMBOLS = ("==", ">=", "<=", ">", "<", "!=", "~=", "===")


def is_pip_install(command: Command) -> bool:
    """``pip* install`` or ``python* -m pip install``, as hadolint recognises them."""
    name, args = command.name, list(command.args)
    if name.startswith("pip") and not name.startswith("pipenv") and "install" in args:
        return True
    return name.startswith("python") and any(
        args[i : i + 3] == ["-m", "pip", "install"] for i in range(len(args))
    )


def _pinned(package: str) -> bool:
    vcs = package.startswith(_VCS)
    return (
        any(symbol in package for symbol in _SYMBOLS)
        or (vcs and "@" in package)
        or package.endswith((".whl", ".tar.gz"))
        or (not vcs and "/" in package)
    )


def _packages(command: Command) -> list[str]:
    words = command.args_no_flags(drop_values_of=_VALUE_FLAGS)
    words = words[words.index("install") :] if "install" in words else []
    while words and words[0] == "install":
        words.pop(0)
    return words


def _fails(command: Command) -> bool:
    if not is_pip_install(command) or command.has_flag("constraint", "c"):
        return False
    if any(arg in ("--requirement", "-r", ".") for arg in command.args):
        return False
    return not all(_pinned(p) for p in _packages(command))


def _violates(instruction: Instruction) -> bool:
    script = run_script(instruction)
    return script is not None and script.any(_fails)


class DL3013(InstructionRule):
    code = "DL3013"
    severity = Severity.WARNING
    message = (
        "Pin versions in pip. Instead of `pip install <package>` use `pip install "
        "<package>==<version>` or `pip install --requirement <requirements file>`"
    )
    onbuild = True

    def passes(self, instruction: Instruction, ctx: LintContext) -> bool:
        return not _violates(instruction)


rule = DL3013()
