"""``dockyard deploy``: put an image, at an exact digest, on named targets, safely.

The same journaled, health-gated swap as ``watch`` (rolled back on failure), for the targets
named here rather than those a cycle finds stale; a rollback is a deploy of the earlier digest.
"""

from __future__ import annotations

from pathlib import Path

import click

from dockyard.cli._app import Application
from dockyard.errors import UpdateError

__all__ = ["command"]


@click.command("deploy")
@click.argument("image")
@click.option(
    "--digest",
    default=None,
    help="The digest to deploy (sha256:...); default: the tag's digest in its registry now.",
)
@click.option(
    "--to",
    "targets",
    multiple=True,
    required=True,
    metavar="KIND=VALUE",
    help="A target: container=NAME, label=KEY=VALUE, compose_service=PROJECT/SERVICE, "
    "swarm_service=NAME or kubernetes=NAMESPACE/NAME. Repeat for several.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
@click.option(
    "--state-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where swap journals live (default: the watch state directory's deploy/).",
)
@click.option("--kubeconfig", default=None, help="kubeconfig file (as kubectl's --kubeconfig).")
@click.option("--context", default=None, help="kubeconfig context (as kubectl's --context).")
@click.option(
    "--health-timeout",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds a new container may take to become healthy.",
)
@click.option(
    "--confirm-seconds",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds a new container without a healthcheck must keep running.",
)
@click.option(
    "--rollout-timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds a Swarm service or Kubernetes rollout may take.",
)
@click.option(
    "--keep-stopped",
    is_flag=True,
    help="Update stopped target containers but leave them stopped (default: start them).",
)
@click.pass_obj
def command(
    app: Application,
    image: str,
    digest: str | None,
    targets: tuple[str, ...],
    as_json: bool,
    state_dir: Path | None,
    kubeconfig: str | None,
    context: str | None,
    health_timeout: float,
    confirm_seconds: float,
    rollout_timeout: float,
    keep_stopped: bool,
) -> None:
    """Deploy IMAGE (repo:tag) to every --to target, by digest; roll back what fails."""
    import json

    from dockyard.deploy import Target, run_deploy
    from dockyard.update import ReplaceSettings, default_state_dir

    result = run_deploy(
        targets=[Target.parse_option(t) for t in targets],
        image=image,
        digest=digest,
        environ=app.environ,
        state_dir=state_dir or default_state_dir(app.environ) / "deploy",
        kubeconfig=kubeconfig,
        context=context,
        replace=ReplaceSettings(confirm_seconds=confirm_seconds, health_timeout=health_timeout),
        rollout_timeout=rollout_timeout,
        start_stopped=not keep_stopped,
        say=app.say,
    )
    for entry in result.results:
        app.say(entry.line())
    if as_json:
        app.print(json.dumps(result.as_json(), indent=2))
    if not result.ok:
        raise click.exceptions.Exit(UpdateError.exit_code)
