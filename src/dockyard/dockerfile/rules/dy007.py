"""DY007: a heavy base image where a slim or alpine variant of the same image exists.

``python:3.12`` is ~1 GB (a full Debian with compilers and headers); ``python:3.12-slim`` is
~130 MB and runs the same code. Smaller images pull faster, start faster and carry fewer CVEs.
Only the final stage is checked: build stages may need the full image.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockyard.dockerfile._model import Dockerfile
from dockyard.dockerfile.rules._base import Finding, LintContext, Rule, Severity
from dockyard.dockerfile.rules._facts import final_stage, stage_chain
from dockyard.dockerfile.rules.dl3006 import image_parts

__all__ = ["rule"]

# image -> (what to use instead, why in a few words)
_SLIMMER = {
    "python": ("{image}:{tag}-slim", "a full Debian with compilers, ~1 GB"),
    "node": ("{image}:{tag}-slim or {image}:{tag}-alpine", "a full Debian with build tools"),
    "ruby": ("{image}:{tag}-slim", "a full Debian with compilers"),
    "perl": ("{image}:{tag}-slim", "a full Debian with compilers"),
    "debian": ("{image}:{tag}-slim", "man pages, locales and docs you do not run"),
    "buildpack-deps": ("debian:<release>-slim", "every build dependency of Debian's images"),
    "golang": ("scratch, gcr.io/distroless/static or alpine", "the Go toolchain, ~800 MB"),
    "rust": ("debian:<release>-slim or distroless/cc", "the Rust toolchain, ~1.5 GB"),
    "maven": ("eclipse-temurin:<version>-jre", "Maven and a full JDK"),
    "gradle": ("eclipse-temurin:<version>-jre", "Gradle and a full JDK"),
    "openjdk": ("eclipse-temurin:<version>-jre", "a full JDK"),
    "gcc": ("debian:<release>-slim", "the GNU compilers"),
}
_ALREADY_SMALL = ("slim", "alpine", "distroless", "minimal", "jre", "busybox", "static")


class DY007(Rule):
    code = "DY007"
    severity = Severity.INFO
    message = (
        "Heavy base image {base} ({why}) in the final stage: {better} runs the same program in "
        "a fraction of the size, pulls and starts faster and carries fewer CVEs"
    )

    def check(self, df: Dockerfile, ctx: LintContext) -> Iterator[Finding]:
        stage = final_stage(df)
        if stage is None:
            return
        base = stage_chain(df, stage)[-1].base_resolved
        if "$" in base:
            return
        _, name, tag, _ = image_parts(base)
        image = name.removeprefix("library/")
        if image not in _SLIMMER or any(word in (tag or "") for word in _ALREADY_SMALL):
            return
        template, why = _SLIMMER[image]
        shown_tag = tag if tag and tag != "latest" else "<version>"
        better = template.format(image=image, tag=shown_tag)
        message = self.message.format(base=base, why=why, better=better)
        yield self.finding(stage.start_line, ctx, message=message)


rule = DY007()
