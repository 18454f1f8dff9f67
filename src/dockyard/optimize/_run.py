"""``optimize``: fix, build before and after, smoke-check both, measure, propose, maybe write.

The fixed Dockerfile is written back only with ``write=True`` and only when its image passed the
smoke check: a smaller image that no longer works is not an optimisation. Both images stay in the
engine as ``dockyard-optimize/<name>:before`` and ``:after`` for the user to run and compare.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path

from dockyard.dockerfile.fix import fix_text
from dockyard.engine import Engine, SmokeRun, inspect_image
from dockyard.errors import BuildError, DockerfileError, DockyardError, UsageError
from dockyard.optimize._measure import (
    build_variant,
    final_base,
    measure_image,
    scratch_dir,
    write_context,
)
from dockyard.optimize._model import OptimizeReport, Smoke, Variant
from dockyard.optimize._proposals import (
    Proposal,
    base_candidates,
    bind_mount,
    multi_stage,
    with_base,
)
from dockyard.optimize._smoke import compare_runs, smoke_run

__all__ = ["optimize_dir", "parse_base_map", "tag_name"]

Say = Callable[[str], None]


def tag_name(directory: Path) -> str:
    """A repository name docker accepts, from the project's directory (or repository) name."""
    name = re.sub(r"[^a-z0-9._-]+", "-", directory.name.lower()).strip("-._")
    return name or "project"


def optimize_dir(
    engine: Engine,
    *,
    context_dir: Path,
    dockerfile: str = "Dockerfile",
    smoke: str | None = None,
    aggressive: bool = False,
    network_mode: str | None = None,
    base_map: Mapping[str, str] | None = None,
    write: bool = False,
    environ: Mapping[str, str] | None = None,
    name: str | None = None,
    say: Say | None = None,
) -> OptimizeReport:
    tell = say or (lambda _message: None)
    path = context_dir / dockerfile
    if not path.is_file():
        raise DockerfileError("no Dockerfile here; give --file PATH", path=str(path))
    original = path.read_text()
    fixed = fix_text(original)
    command = shlex.split(smoke) if smoke else None
    repository = f"dockyard-optimize/{name or tag_name(context_dir.resolve())}"
    env = dict(environ or {})
    proposals = _proposals(
        engine, original, fixed.text, aggressive=aggressive, base_map=base_map or {}
    )
    texts = {"before": original, "after": fixed.text} | {p.name: p.dockerfile for p in proposals}
    with scratch_dir() as work:
        tar = write_context(
            context_dir=context_dir,
            dockerfiles=texts,
            workdir=Path(work),
            heredocs=engine.facts.builtin_frontend_has_heredocs,
        )
        build = _builder(
            engine,
            tar=tar,
            repository=repository,
            network_mode=network_mode,
            environ=env,
            command=command,
            say=tell,
        )
        before, reference = build("before", original, "")
        if before.error or reference is None:
            raise BuildError(f"the original Dockerfile does not build: {before.error}")
        after = _checked(build("after", fixed.text, "the safe fixes"), reference)
        report = OptimizeReport(
            name=repository,
            before=_checked((before, reference), reference),
            after=after,
            fixes=fixed.fixes,
            unfixed=fixed.unfixed,
        )
        for proposal in proposals:
            report.proposals.append(
                _checked(build(proposal.name, proposal.dockerfile, proposal.description), reference)
            )
    if write and fixed.changed:
        if after.smoke is not None and after.smoke.passed:
            path.write_text(fixed.text)
            report.written = str(path)
            tell(f"wrote {path}")
        else:
            tell(f"not writing {path}: the fixed image did not pass the smoke check")
    return report


def _builder(
    engine: Engine,
    *,
    tar: Path,
    repository: str,
    network_mode: str | None,
    environ: dict[str, str],
    command: list[str] | None,
    say: Say,
) -> Callable[[str, str, str], tuple[Variant, SmokeRun | None]]:
    def build(name: str, text: str, description: str) -> tuple[Variant, SmokeRun | None]:
        tag = f"{repository}:{name}"
        say(f"building {tag}")
        try:
            build_variant(engine, context_tar=tar, name=name, tag=tag, network_mode=network_mode)
            measured = measure_image(engine, ref=tag, base=final_base(text), environ=environ)
            run = smoke_run(engine, ref=tag, command=command)
        except (BuildError, DockerfileError) as exc:
            return Variant(name, tag, text, None, None, description, error=str(exc)), None
        say(f"{tag}: {measured.size_bytes} bytes, smoke exit {run.exit_code}")
        return Variant(name, tag, text, measured, None, description), run

    return build


def _checked(built: tuple[Variant, SmokeRun | None], reference: SmokeRun) -> Variant:
    variant, run = built
    if run is None:
        return variant
    smoke: Smoke = compare_runs(reference, run)
    return Variant(
        variant.name,
        variant.tag,
        variant.dockerfile,
        variant.measurement,
        smoke,
        variant.description,
        variant.error,
    )


def _proposals(
    engine: Engine, original: str, fixed: str, *, aggressive: bool, base_map: Mapping[str, str]
) -> list[Proposal]:
    """Base swaps start from the original, then get the safe fixes for the new base's family
    (its user command, for one); the other proposals build on the fixed Dockerfile."""
    if not aggressive:
        return []
    found: list[Proposal] = []
    base = final_base(fixed)
    if base is not None:
        mapped = [base_map[base]] if base in base_map else []
        local = [c for c in base_candidates(base) if _exists(engine, c)]
        for candidate in dict.fromkeys(mapped + local):
            proposal = with_base(original, new_base=candidate)
            if proposal is not None:
                swapped = fix_text(proposal.dockerfile).text
                found.append(Proposal(proposal.name, proposal.description, swapped))
    for proposal in (
        multi_stage(fixed, scratch=False),
        multi_stage(fixed, scratch=True),
        bind_mount(fixed),
    ):
        if proposal is not None:
            found.append(proposal)
    return found


def _exists(engine: Engine, ref: str) -> bool:
    try:
        return inspect_image(engine, ref=ref) is not None
    except DockyardError:
        return False


def parse_base_map(values: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        source, sep, target = value.partition("=")
        if not sep or not source or not target:
            raise UsageError(
                f"--base-map {value!r}: write it as FROM=TO, e.g. debian:12=debian:12-slim"
            )
        mapping[source] = target
    return mapping
