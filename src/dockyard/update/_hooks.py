"""Lifecycle hooks from labels, run inside the container as watchtower does.

``pre-check``/``post-check`` run around the check of every selected running container;
``pre-update`` runs in the old container before it is stopped (exit code 75, EX_TEMPFAIL,
skips the update); ``post-update`` runs in the new container once it is confirmed.
"""

from __future__ import annotations

import logging

from dockyard.engine import ContainerInfo, Engine, ExecResult, exec_in_container
from dockyard.errors import DockyardError
from dockyard.update._labels import hook_timeout, label_value

__all__ = ["SKIP_UPDATE", "run_hook"]

SKIP_UPDATE = 75
log = logging.getLogger("dockyard.watch")


def run_hook(
    engine: Engine, *, container: ContainerInfo, hook: str, ref: str | None = None
) -> ExecResult | None:
    """Run ``hook`` (e.g. ``pre-update``) if the container has it; None when it has none."""
    command = label_value(container.labels, f"lifecycle.{hook}")
    if not command:
        return None
    target = ref or container.id
    try:
        result = exec_in_container(
            engine, ref=target, command=command, timeout=hook_timeout(container.labels, hook)
        )
    except DockyardError as exc:
        log.warning("%s: %s hook could not run: %s", container.name, hook, exc)
        return ExecResult(exit_code=-1, output=str(exc))
    if result.exit_code not in (0, SKIP_UPDATE):
        log.warning(
            "%s: %s hook exited %d: %s",
            container.name,
            hook,
            result.exit_code,
            result.output[-300:],
        )
    else:
        log.info("%s: %s hook exited %d", container.name, hook, result.exit_code)
    return result
