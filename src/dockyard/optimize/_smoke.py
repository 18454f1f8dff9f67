"""The smoke check: the fixed image must do what the original did, offline.

Same command (the image's own CMD/ENTRYPOINT, or the user's), networking off, exit 0 for both and
the same output. Output is compared after trimming trailing whitespace only: a program whose
output changes from run to run needs a ``--smoke`` command that prints something stable.
"""

from __future__ import annotations

from collections.abc import Sequence

from dockyard.engine import Engine, SmokeRun, run_smoke
from dockyard.optimize._model import Smoke

__all__ = ["compare_runs", "smoke_run"]


def smoke_run(engine: Engine, *, ref: str, command: Sequence[str] | None) -> SmokeRun:
    return run_smoke(engine, ref=ref, command=command)


def compare_runs(reference: SmokeRun, candidate: SmokeRun) -> Smoke:
    if reference.exit_code != 0:
        reason = f"the original image itself exits with {reference.exit_code}"
        return Smoke(False, candidate.exit_code, candidate.output, reason)
    if candidate.exit_code != 0:
        reason = f"exits with {candidate.exit_code} where the original exits with 0"
        return Smoke(False, candidate.exit_code, candidate.output, reason)
    if _normal(reference.output) != _normal(candidate.output):
        return Smoke(False, 0, candidate.output, "prints something else than the original")
    return Smoke(True, 0, candidate.output)


def _normal(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip().splitlines())
