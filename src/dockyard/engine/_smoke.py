"""Run an image once, offline, and keep what it printed: the smoke check of ``optimize``.

Unlike :func:`run_image_once` a non-zero exit is a result here, not an error: the caller compares
the runs of two images and reports the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import docker.errors
import requests.exceptions

from dockyard.engine._client import Engine, translate_errors

__all__ = ["SmokeRun", "run_smoke"]


@dataclass(frozen=True)
class SmokeRun:
    exit_code: int  # -1: still running at the deadline, then killed; 127: could not start
    output: str


def run_smoke(
    engine: Engine, *, ref: str, command: Sequence[str] | None = None, timeout_s: float = 60.0
) -> SmokeRun:
    """Run ``ref`` with networking off (its own CMD/ENTRYPOINT unless ``command``), then remove
    the container."""
    with translate_errors(f"running {ref}"):
        container = engine.sdk.containers.create(
            ref, command=list(command) if command is not None else None, network_mode="none"
        )
        try:
            try:
                container.start()
            except docker.errors.APIError as exc:
                # the command cannot even start (not in the image): a result, like a shell's 127
                return SmokeRun(exit_code=127, output=f"cannot start: {exc.explanation}")
            try:
                status = container.wait(timeout=timeout_s)
                code = int(status.get("StatusCode", -1))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
                container.kill()
                code = -1
            output = container.logs(stdout=True, stderr=True)
        finally:
            container.remove(force=True)
    text = output.decode("utf-8", errors="replace") if isinstance(output, bytes) else str(output)
    return SmokeRun(exit_code=code, output=text)
