"""FromPlatformFlagConstDisallowed: ``FROM --platform=linux/amd64`` pins one platform, so a
multi-platform build builds that stage for the wrong one; allowed when the stage's name says the
platform on purpose (``AS build-amd64``)."""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext
from dockyard.dockerfile.rules.buildkit._base import BuildKitRule, expand_or_none, global_args
from dockyard.dockerfile.rules.buildkit._from import from_lines

__all__ = ["parse_platform", "rule"]

_OSES = frozenset(
    {
        "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
        "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
    }
)  # fmt: skip
_ARCHES = {
    "i386": "386", "386": "386", "x86_64": "amd64", "x86-64": "amd64", "amd64": "amd64",
    "aarch64": "arm64", "arm64": "arm64", "armhf": "arm", "armel": "arm", "arm": "arm",
    "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64", "mips64le": "mips64le",
    "loong64": "loong64", "ppc64": "ppc64", "mips": "mips", "mipsle": "mipsle",
    "mips64": "mips64", "wasm": "wasm",
}  # fmt: skip
_HOST = ("linux", "amd64")


def parse_platform(text: str) -> tuple[str, str] | None:
    """(os, architecture) of a platform specifier, normalised as containerd does; None when it
    does not parse."""
    parts = text.lower().split("/")
    if not all(parts) or len(parts) > 3:
        return None
    if len(parts) == 1:
        if parts[0] in _OSES:
            return parts[0], _HOST[1]
        arch = _ARCHES.get(parts[0])
        return (_HOST[0], arch) if arch is not None else None
    os_name = "darwin" if parts[0] == "macos" else parts[0]
    return os_name, _ARCHES.get(parts[1], parts[1])


class FromPlatformFlagConstDisallowed(BuildKitRule):
    code = "FromPlatformFlagConstDisallowed"
    message = "FROM --platform flag should not use a constant value"

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        env, _ = global_args(df)
        for line in from_lines(df):
            if not line.platform:
                continue
            expansion = expand_or_none(line.platform, env, escape=df.escape)
            if expansion is None or expansion.matched or expansion.unmatched:
                continue
            platform = parse_platform(expansion.text)
            if platform is None:
                continue
            name = line.stage.name or ""
            if platform[0] in name or platform[1] in name:
                continue
            message = f'FROM --platform flag should not use constant value "{expansion.text}"'
            yield self.finding(line.stage.start_line, ctx, message=message)


rule = FromPlatformFlagConstDisallowed()
