"""Facts about packages that fixers need: what must stay when recommends are dropped."""

from __future__ import annotations

import re

__all__ = ["DOWNLOADERS", "KEEP_WITHOUT_RECOMMENDS", "apt_install_pattern"]

# Debian bookworm's Recommends that a program's normal use needs; installed explicitly when a
# fix adds --no-install-recommends, so the fix does not break the build or the program.
KEEP_WITHOUT_RECOMMENDS: dict[str, tuple[str, ...]] = {
    "curl": ("ca-certificates",),
    "libcurl4": ("ca-certificates",),
    "wget": ("ca-certificates",),
    "git": ("ca-certificates",),
    "nodejs": ("ca-certificates",),
    "python3": ("ca-certificates",),
    "python3.11": ("ca-certificates",),
    "gcc": ("libc6-dev",),
    "gcc-12": ("libc6-dev",),
    "g++": ("libc6-dev",),
    "clang": ("libc6-dev",),
}

# Tools people install to fetch one thing at build time.
DOWNLOADERS = ("curl", "wget")


def apt_install_pattern() -> re.Pattern[str]:
    """``apt-get [opts] install [opts]`` as written on one line, up to the first package."""
    return re.compile(r"(\bapt(?:-get)?(?:\s+-[^\s]+)*\s+install\b(?:\s+-[^\s]+)*)")
