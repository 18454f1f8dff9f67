"""``dockyard inspect IMAGE``: layers, history, sizes, wasted space and provenance of one image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from dockyard.cli._app import Application

__all__ = ["command", "inspect_for_cli"]

_TRUE = ("1", "t", "true", "y", "yes", "on")  # what dive's strconv.ParseBool accepts, and more


@click.command("inspect")
@click.argument("image")
@click.option(
    "--source",
    type=click.Choice(["engine", "registry", "archive"]),
    help="Where to read IMAGE; guessed when omitted (a file, then the engine, then a registry).",
)
@click.option("--platform", help="For multi-platform images in a registry, e.g. linux/amd64.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option(
    "--ci", is_flag=True, help="Check dive's CI rules (also when CI=true); exit 1 on failure."
)
@click.option(
    "--ci-config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".dive-ci"),
    show_default=True,
    help="dive-compatible rules: lowestEfficiency, highestWastedBytes, highestUserWastedPercent.",
)
@click.option(
    "--base",
    "base_image",
    help="The FROM image (in the engine), to mark its layers; 'auto' finds it by layer digests.",
)
@click.option(
    "--dockerfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Line the history up with this Dockerfile's instructions.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the per-layer cache.")
@click.option("--top", default=10, show_default=True, help="Rows in the file tables.")
@click.pass_obj
def command(
    app: Application,
    image: str,
    source: str | None,
    platform: str | None,
    as_json: bool,
    ci: bool,
    ci_config: Path,
    base_image: str | None,
    dockerfile: Path | None,
    no_cache: bool,
    top: int,
) -> int:
    """Show IMAGE's layers, history, largest and wasted files, with dive's efficiency figures."""
    from dockyard.image import evaluate, load_rules

    report, _ = inspect_for_cli(
        app,
        image,
        source=source,
        platform=platform,
        base_image=base_image,
        dockerfile=dockerfile,
        no_cache=no_cache,
    )
    ci_mode = ci or app.environ.get("CI", "").strip().lower() in _TRUE
    failed = False
    if ci_mode:
        rules, used = load_rules(ci_config)
        results = evaluate(
            rules,
            efficiency=report["efficiency"],
            wasted_bytes=report["wasted_bytes"],
            user_wasted=report["user_wasted_percent"],
        )
        failed = any(r.status in ("FAIL", "MISCONFIGURED") for r in results)
        report["ci"] = {
            "config": used,
            "pass": not failed,
            "rules": [{"rule": r.rule, "status": r.status, "message": r.message} for r in results],
        }
        if not as_json:
            from dockyard.image import render_ci  # rich only for text output

            render_ci(app.console, report, results, config=used)
    if as_json:
        app.print(json.dumps(report, indent=2))
    elif not ci_mode:
        from dockyard.image import render_inspect

        render_inspect(app.console, report, top=top)
    return 1 if failed else 0


def inspect_for_cli(
    app: Application,
    image: str,
    *,
    source: str | None,
    platform: str | None = None,
    base_image: str | None = None,
    dockerfile: Path | None = None,
    no_cache: bool = False,
) -> tuple[dict[str, Any], dict[str, int]]:
    """Read and analyse one image; the report dict and its final files (for compare)."""
    from dockyard.engine import Engine
    from dockyard.errors import ImageNotFound
    from dockyard.image import (
        LayerCache,
        analyse,
        build_report,
        default_cache_dir,
        load_image,
    )

    cache = LayerCache(None if no_cache else default_cache_dir(app.environ))
    with Engine() as engine:
        data = load_image(
            image, source=source, engine=engine, cache=cache, platform=platform, environ=app.environ
        )
        analysis = analyse(data.layers)
        data.layers = []  # the entries are no longer needed; keep memory flat
        base = _base(engine, data, base_image)
        if base_image and base_image != "auto" and base is None:
            raise ImageNotFound(f"base image {base_image} is not in the engine")
    instructions = _instructions(dockerfile) if dockerfile else None
    report = build_report(data, analysis, base=base, dockerfile=instructions)
    return report, analysis.final_files


def _base(engine: Any, data: Any, name: str | None) -> tuple[str, list[str]] | None:
    """The FROM image's layers: ``--base IMAGE``; ``--base auto`` (the tagged image in the engine
    whose layers are the longest prefix of this one's); else the OCI base-name label, if the
    engine has that image."""
    from dockyard.errors import DockyardError
    from dockyard.image import engine_diff_ids, guess_base_image

    if name == "auto":
        return guess_base_image(engine, diff_ids=list(data.diff_ids))
    candidate = name
    if candidate is None:
        labels = (data.config.get("config") or {}).get("Labels") or {}
        candidate = labels.get("org.opencontainers.image.base.name")
    if not candidate:
        return None
    try:
        diff_ids = engine_diff_ids(engine, ref=str(candidate))
    except DockyardError:
        if name:
            raise
        return None
    return (str(candidate), diff_ids) if diff_ids is not None else None


def _instructions(path: Path) -> list[tuple[str, int, str]]:
    from dockyard.dockerfile import parse

    parsed = parse(path.read_text(encoding="utf-8"), path=str(path))
    if not parsed.stages:
        return []
    return [(i.keyword.upper(), i.start_line, i.raw) for i in parsed.stages[-1].instructions]
