"""``dockyard watch``: keep running containers on the newest image of their tag, safely.

Options, labels and environment variables are watchtower's (``WATCHTOWER_*`` are read as
aliases of the options, ``DOCKYARD_*`` too), so an existing watchtower setup works by changing
only the image. See docs/watch.md for the mapping.
"""

from __future__ import annotations

import logging
import re
import signal
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import Any

import click

from dockyard.cli._app import Application
from dockyard.errors import UpdateError, UsageError

__all__ = ["command"]

log = logging.getLogger("dockyard.watch")


def _env(name: str) -> list[str]:
    return [f"DOCKYARD_{name}", f"WATCHTOWER_{name}"]


def _duration(value: str) -> float:
    """Seconds from ``30``, ``30s``, ``5m``, ``1h`` or Go-style ``1m30s`` (watchtower's form)."""
    text = value.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise UsageError(f"{value!r} is not a duration (e.g. 30, 30s, 5m, 1h30m)")
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(float(n) * scale[u] for n, u in parts)


@click.command("watch")
@click.argument("names", nargs=-1)
@click.option(
    "-i",
    "--interval",
    envvar=_env("POLL_INTERVAL"),
    type=int,
    default=None,
    help="Seconds between cycles (default 86400).",
)
@click.option(
    "-s",
    "--schedule",
    envvar=_env("SCHEDULE"),
    default=None,
    help="6-field cron (seconds first), e.g. '0 0 4 * * *'.",
)
@click.option(
    "-R", "--run-once", envvar=_env("RUN_ONCE"), is_flag=True, help="One cycle, then exit."
)
@click.option("--json", "as_json", is_flag=True, help="With --run-once: print the report as JSON.")
@click.option(
    "-c",
    "--cleanup",
    envvar=_env("CLEANUP"),
    is_flag=True,
    help="Remove replaced images no container uses.",
)
@click.option(
    "-e",
    "--label-enable",
    envvar=_env("LABEL_ENABLE"),
    is_flag=True,
    help="Only containers labelled ...watchtower.enable=true.",
)
@click.option(
    "-m",
    "--monitor-only",
    envvar=_env("MONITOR_ONLY"),
    is_flag=True,
    help="Report available updates; change nothing.",
)
@click.option(
    "--no-pull",
    envvar=_env("NO_PULL"),
    is_flag=True,
    help="Never pull: replace only when the local tag points to a newer image.",
)
@click.option(
    "--rolling-restart",
    envvar=_env("ROLLING_RESTART"),
    is_flag=True,
    help="Replace one container at a time.",
)
@click.option(
    "-t",
    "--stop-timeout",
    "--timeout",
    "timeout",
    envvar=_env("TIMEOUT"),
    default="10s",
    help="Stop timeout before SIGKILL (e.g. 10s), unless the container sets its own.",
)
@click.option(
    "--scope",
    envvar=_env("SCOPE"),
    default=None,
    help="Only containers with this scope label ('none': those without one).",
)
@click.option("-S", "--include-stopped", envvar=_env("INCLUDE_STOPPED"), is_flag=True)
@click.option("--include-restarting", envvar=_env("INCLUDE_RESTARTING"), is_flag=True)
@click.option(
    "--revive-stopped",
    envvar=_env("REVIVE_STOPPED"),
    is_flag=True,
    help="Start replaced containers that were stopped.",
)
@click.option(
    "--confirm-seconds",
    envvar="DOCKYARD_CONFIRM_SECONDS",
    type=float,
    default=5.0,
    show_default=True,
    help="A new container without healthcheck must run this long.",
)
@click.option(
    "--health-timeout",
    envvar="DOCKYARD_HEALTH_TIMEOUT",
    type=float,
    default=120.0,
    show_default=True,
    help="Seconds a new container has to become healthy.",
)
@click.option(
    "--kubernetes",
    is_flag=True,
    help='Follow the Kubernetes Deployments annotated dockyard.enable: "true" instead.',
)
@click.option("--kubeconfig", envvar="KUBECONFIG", help="With --kubernetes: as kubectl takes it.")
@click.option("--context", "kube_context", help="With --kubernetes: the kubeconfig context.")
@click.option(
    "-n", "--namespace", help="With --kubernetes: the namespace (the context's by default)."
)
@click.option("-A", "--all-namespaces", is_flag=True, help="With --kubernetes: every namespace.")
@click.option(
    "--rollout-timeout",
    envvar="DOCKYARD_ROLLOUT_TIMEOUT",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds a Swarm service's or Kubernetes workload's rollout (or rollback) may take.",
)
@click.option(
    "--state-dir",
    envvar="DOCKYARD_STATE_DIR",
    type=click.Path(path_type=Path),
    default=None,
    help="Journal directory (default $XDG_STATE_HOME/dockyard).",
)
@click.option(
    "--registry-timeout",
    envvar="DOCKYARD_REGISTRY_TIMEOUT",
    type=click.FloatRange(0.1, 300),
    default=10.0,
    show_default=True,
    help="Seconds before a registry request counts as failed.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Registry checks in flight at once.",
)
@click.option(
    "--http-api-update",
    envvar=_env("HTTP_API_UPDATE"),
    is_flag=True,
    help="Serve POST/GET /v1/update (bearer token required).",
)
@click.option(
    "--http-api-metrics",
    envvar=_env("HTTP_API_METRICS"),
    is_flag=True,
    help="Serve /v1/metrics in Prometheus format (bearer token required).",
)
@click.option(
    "--http-api-token",
    envvar=_env("HTTP_API_TOKEN"),
    default=None,
    help="Bearer token of the HTTP API (prefer the environment variable).",
)
@click.option(
    "--http-api-periodic-polls",
    envvar=_env("HTTP_API_PERIODIC_POLLS"),
    is_flag=True,
    help="Keep the schedule running when the update API is on.",
)
@click.option(
    "--http-api-host", envvar="DOCKYARD_HTTP_API_HOST", default="127.0.0.1", show_default=True
)
@click.option(
    "--http-api-port", envvar="DOCKYARD_HTTP_API_PORT", type=int, default=8080, show_default=True
)
@click.option(
    "--notification-url",
    "notification_urls",
    envvar=_env("NOTIFICATION_URL"),
    multiple=True,
    help="apprise URL (repeatable); one report per cycle.",
)
@click.pass_obj
def command(app: Application, /, names: tuple[str, ...], **options: Any) -> None:
    """Keep running containers on the newest image of their tag, with rollback."""
    if app.verbosity == 0:
        log.setLevel(logging.INFO)  # what watch does, for a person reading its log
    if options["kubernetes"]:
        _watch_kubernetes(app, names, options)
        return
    settings = _settings(app, names, options)
    from dockyard.update import started_watcher

    with started_watcher(
        settings=settings,
        environ=app.environ,
        registry_timeout=options["registry_timeout"],
        say=app.say,
    ) as watcher:
        if options["run_once"]:
            _run_once(app, watcher, options)
        else:
            _serve(app, watcher, options)


def _watch_kubernetes(app: Application, names: tuple[str, ...], options: dict[str, Any]) -> None:
    from dockyard.update import KubernetesSettings, started_kubernetes_watcher

    settings = KubernetesSettings(
        namespace=options["namespace"],
        timeout=options["rollout_timeout"],
        monitor_only=options["monitor_only"],
        workers=options["concurrency"],
    )
    with started_kubernetes_watcher(
        settings=settings,
        kubeconfig=options["kubeconfig"],
        context=options["kube_context"],
        all_namespaces=options["all_namespaces"],
        names=names,
        environ=app.environ,
        registry_timeout=options["registry_timeout"],
    ) as watcher:
        if options["run_once"]:
            _run_once(app, watcher, options)
        else:
            _serve(app, watcher, options)


def _settings(app: Application, names: tuple[str, ...], options: dict[str, Any]) -> Any:
    from dockyard.update import (
        ReplaceSettings,
        Selection,
        ServiceSettings,
        WatchSettings,
        default_state_dir,
        own_container_id,
    )

    if options["as_json"] and not options["run_once"]:
        raise UsageError("--json needs --run-once")
    if options["interval"] is not None and options["schedule"]:
        raise UsageError("--interval and --schedule exclude each other")
    api_on = options["http_api_update"] or options["http_api_metrics"]
    if api_on and not (options["http_api_token"] or "").strip():
        raise UsageError(
            "the HTTP API needs a non-empty token: set WATCHTOWER_HTTP_API_TOKEN "
            "(or --http-api-token)"
        )
    return WatchSettings(
        state_dir=options["state_dir"] or default_state_dir(app.environ),
        selection=Selection(
            names=names,
            label_enable=options["label_enable"],
            scope=options["scope"] or None,
            include_stopped=options["include_stopped"] or options["revive_stopped"],
            include_restarting=options["include_restarting"],
            revive_stopped=options["revive_stopped"],
        ),
        monitor_only=options["monitor_only"],
        no_pull=options["no_pull"],
        cleanup=options["cleanup"],
        rolling_restart=options["rolling_restart"],
        replace=ReplaceSettings(
            timeout=int(_duration(options["timeout"])),
            confirm_seconds=options["confirm_seconds"],
            health_timeout=options["health_timeout"],
        ),
        workers=options["concurrency"],
        own_id=own_container_id(),
        services=ServiceSettings(timeout=options["rollout_timeout"]),
    )


def _run_once(app: Application, watcher: Any, options: dict[str, Any]) -> None:
    from dockyard.update import Notifier

    report = watcher.run_cycle()
    Notifier(urls=options["notification_urls"]).send(report)
    app.say(report.text())  # the summary, then only what is not fresh: readable at 100 containers
    if options["as_json"]:
        app.print(report.to_json())
    failed_handover = watcher.finish_handover()  # returns only when it failed
    if failed_handover is not None:
        app.say(failed_handover)
        raise click.exceptions.Exit(UpdateError.exit_code)
    if report.exit_code:
        raise click.exceptions.Exit(report.exit_code)


def _serve(app: Application, watcher: Any, options: dict[str, Any]) -> None:
    from dockyard.update import Notifier, Schedule, WatchLoop

    notifier = Notifier(urls=options["notification_urls"])
    loop = WatchLoop(watcher=watcher, listeners=[notifier.send])
    schedule: Schedule | None = Schedule(interval=options["interval"], cron=options["schedule"])
    if options["http_api_update"] and not options["http_api_periodic_polls"]:
        schedule = None  # as watchtower: the API replaces the schedule unless asked otherwise

    def stop(signum: int, _frame: FrameType | None) -> None:
        app.say(f"received signal {signum}, stopping after the current step")
        loop.stop.set()

    signal.signal(signal.SIGTERM, stop)
    with ExitStack() as stack:
        if options["http_api_update"] or options["http_api_metrics"]:
            address = _start_api(stack, loop, options)
            app.say(f"HTTP API on {address}")
        app.say(f"watching: {schedule.describe() if schedule else 'on API request only'}")
        loop.run(schedule=schedule)


def _start_api(stack: ExitStack, loop: Any, options: dict[str, Any]) -> str:
    from dockyard.secrets import Secret
    from dockyard.server import ServerThread, WatchMetrics, create_watch_app
    from dockyard.update import CycleReport

    metrics = WatchMetrics() if options["http_api_metrics"] else None
    if metrics is not None:
        loop.listeners.append(metrics.record)

    def trigger(images: Sequence[str]) -> CycleReport | None:
        report: CycleReport | None = loop.cycle(images)
        if report is None and metrics is not None:
            metrics.skipped.inc()
        return report

    app = create_watch_app(
        token=Secret(options["http_api_token"] or ""),
        trigger=trigger if options["http_api_update"] else None,
        metrics=metrics,
    )
    server = ServerThread(app=app, host=options["http_api_host"], port=options["http_api_port"])
    stack.enter_context(server)
    return server.address
