"""``dockyard deploy``'s wiring: connect, lock the state directory, replay interrupted swaps,
resolve the digest when none is given, deploy, report."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from dockyard.deploy._deployer import Deployer, DeploySettings
from dockyard.deploy._results import DeployResult
from dockyard.deploy._targets import Target, TargetKind, normalized_image
from dockyard.engine import Engine
from dockyard.errors import UsageError
from dockyard.update import ReplaceSettings, ServiceSettings, lock_state_dir

__all__ = ["run_deploy"]

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_LOCK_WAIT = 120.0  # seconds another deploy on the same state directory may take to finish


def run_deploy(
    *,
    targets: Sequence[Target],
    image: str,
    digest: str | None,
    environ: Mapping[str, str],
    state_dir: Path,
    kubeconfig: str | None = None,
    context: str | None = None,
    replace: ReplaceSettings | None = None,
    rollout_timeout: float = 300.0,
    registry_timeout: float = 10.0,
    start_stopped: bool = True,
    say: Callable[[str], None] = lambda _line: None,
) -> DeployResult:
    """Deploy ``image`` at ``digest`` (the tag's current digest in its registry when None)."""
    from dockyard.update import RegistryDigestSource  # the registry client is heavy

    if not targets:
        raise UsageError("nothing to deploy to: name at least one target (--to KIND=VALUE)")
    if digest is not None and not _DIGEST.fullmatch(digest):
        raise UsageError(f"{digest!r} is not a digest (sha256: and 64 hex digits)")
    image = normalized_image(image)
    settings = DeploySettings(
        state_dir=state_dir,
        replace=replace or ReplaceSettings(),
        services=ServiceSettings(timeout=rollout_timeout),
        kubeconfig=kubeconfig,
        context=context,
        kubernetes_timeout=rollout_timeout,
    )
    source = RegistryDigestSource(environ=environ, timeout=registry_timeout)
    try:
        if digest is None:
            digest = source.remote_digest(image).digest
            say(f"{image} is {digest} in its registry")
        with Engine() as engine, lock_state_dir(state_dir, wait=_LOCK_WAIT):
            if any(t.kind is not TargetKind.KUBERNETES for t in targets):
                engine.ping()
            deployer = Deployer(engine=engine, settings=settings, auth_for=source.pull_auth)
            for line in deployer.recover():
                say(f"recovered {line}")
            return deployer.deploy(targets, image=image, digest=digest, start_stopped=start_stopped)
    finally:
        source.close()
