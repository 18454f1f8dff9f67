"""``dockyard diagram``: draw what runs where, from the real thing or from manifest files.

    dockyard diagram compose PROJECT      a compose project's containers on this engine
    dockyard diagram swarm                a swarm, through its manager's engine API
    dockyard diagram kubernetes           a cluster, through its API server (as kubectl finds it)
    dockyard diagram manifests FILE...    Kubernetes manifests (``-``: standard input)

Each takes ``--format svg|png|mermaid|json|dot`` and ``-o FILE``; without ``--format`` the
format follows the file's suffix, and without ``-o`` it is Mermaid on standard output. SVG and
PNG need Graphviz's ``dot``; without it the command fails with exit 14.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dockyard.cli._app import Application
from dockyard.errors import UsageError

if TYPE_CHECKING:
    from dockyard.diagram import Graph, OutputFormat

__all__ = ["command"]

_FORMATS = ["svg", "png", "mermaid", "json", "dot"]
_F = TypeVar("_F", bound=Callable[..., Any])


def _output_options(function: _F) -> _F:
    function = click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Same as --format json: the graph itself.",
    )(function)
    function = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to FILE (the format follows its suffix) instead of standard output.",
    )(function)
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(_FORMATS),
        help="svg, png, mermaid, json or dot (default: the suffix of -o, else mermaid).",
    )(function)


def _engine_options(function: _F) -> _F:
    return click.option(
        "-H",
        "--host",
        envvar="DOCKER_HOST",
        help="The engine's address, as DOCKER_HOST takes it (default: DOCKER_HOST, else the "
        "local socket).",
    )(function)


def _chosen(fmt: str | None, output: Path | None, *, as_json: bool) -> OutputFormat:
    from dockyard.diagram import OutputFormat

    if as_json:
        if fmt not in (None, "json"):
            raise UsageError(f"--json and --format {fmt} ask for two formats: give one")
        return OutputFormat.JSON
    if fmt is not None:
        return OutputFormat(fmt)
    if output is None:
        return OutputFormat.MERMAID
    chosen = OutputFormat.for_path(output)
    if chosen is None:
        raise UsageError(
            f"cannot tell the format of {output} from its suffix: give --format "
            f"({', '.join(_FORMATS)})"
        )
    return chosen


def _emit(
    app: Application, graph: Graph, fmt: str | None, output: Path | None, as_json: bool
) -> None:
    from dockyard.diagram import render

    chosen = _chosen(fmt, output, as_json=as_json)
    data = render(graph, chosen)
    if output is not None:
        output.write_bytes(data)
        app.say(
            f"wrote {output} ({chosen.value}: {len(graph.boxes)} boxes, {len(graph.edges)} edges)"
        )
    elif chosen.binary:
        stream = getattr(app.stdout, "buffer", None)
        if stream is None or app.stdout.isatty():
            raise UsageError("PNG is binary: write it to a file with -o FILE.png")
        stream.write(data)
        stream.flush()
    else:
        app.print(data.decode())


@click.group("diagram")
def command() -> None:
    """Draw what runs where: machines, containers, volumes, networks, the request's path."""


@command.command("compose")
@click.argument("project")
@_engine_options
@_output_options
@click.pass_obj
def compose(
    app: Application,
    project: str,
    host: str | None,
    fmt: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """A compose project's containers (labelled com.docker.compose.project=PROJECT)."""
    from dockyard.diagram import collect_compose, compose_graph
    from dockyard.engine import Engine

    with Engine(base_url=host) as engine:
        state = collect_compose(engine, project=project)
    _emit(app, compose_graph(state), fmt, output, as_json)


def _labels(values: tuple[str, ...]) -> dict[str, str | None]:
    pairs = (value.partition("=") for value in values)
    return {key: (value if sep else None) for key, sep, value in pairs}


@command.command("swarm")
@_engine_options
@click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="KEY[=VALUE]",
    help="Only the services carrying this label (repeat: all of them).",
)
@_output_options
@click.pass_obj
def swarm(
    app: Application,
    host: str | None,
    labels: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """A swarm: nodes, services, their tasks, networks, volumes and published ports (ask a
    manager)."""
    from dockyard.diagram import collect_swarm, swarm_graph
    from dockyard.engine import Engine

    with Engine(base_url=host) as engine:
        state = collect_swarm(engine, labels=_labels(labels) or None)
    _emit(app, swarm_graph(state), fmt, output, as_json)


@command.command("kubernetes")
@click.option("--kubeconfig", envvar="KUBECONFIG", help="As kubectl takes it.")
@click.option("--context", "kube_context", help="The kubeconfig context.")
@click.option("-n", "--namespace", help="The namespace (the context's by default).")
@click.option("-A", "--all-namespaces", is_flag=True, help="Every namespace.")
@_output_options
@click.pass_obj
def kubernetes(
    app: Application,
    kubeconfig: str | None,
    kube_context: str | None,
    namespace: str | None,
    all_namespaces: bool,
    fmt: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """A Kubernetes cluster through its API server: nodes, pods, services, ingresses, claims."""
    import logging

    from dockyard.diagram import collect_cluster, kubernetes_graph
    from dockyard.kube import Cluster
    from dockyard.kube.inventory import context_name

    if app.verbosity == 0:
        # urllib3 warns of each retry of an unreachable server; the failure is the one line
        # that follows them
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    with Cluster(kubeconfig=kubeconfig, context=kube_context, namespace=namespace) as cluster:
        scope = None if all_namespaces else cluster.namespace
        inventory = collect_cluster(cluster, namespace=scope)
        name = context_name(kubeconfig=kubeconfig, context=kube_context)
        title = name or "Kubernetes cluster"
        graph = kubernetes_graph(inventory, title=title, api_server=cluster.host)
    _emit(app, graph, fmt, output, as_json)


@command.command("manifests")
@click.argument("files", nargs=-1, required=True)
@click.option("--title", default="Kubernetes manifests", show_default=True, help="The title.")
@_output_options
@click.pass_obj
def manifests(
    app: Application,
    files: tuple[str, ...],
    title: str,
    fmt: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """Kubernetes manifests (FILE..., - for standard input), as kubectl apply or get has them."""
    from dockyard.diagram import kubernetes_graph, load_manifests

    _emit(app, kubernetes_graph(load_manifests(files), title=title), fmt, output, as_json)
