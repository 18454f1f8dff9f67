"""Find dockyard's own container, so it can update itself last and hand over cleanly."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["own_container_id"]

# Docker: /var/lib/docker/containers/<id>/hostname;
# Podman: /var/lib/containers/storage/overlay-containers/<id>/userdata/hostname.
_ID_IN_MOUNT = re.compile(r"[/-]containers/([0-9a-f]{64})/")


def own_container_id(*, mountinfo: Path = Path("/proc/self/mountinfo")) -> str | None:
    """The id of the container this process runs in, from the engine's bind mounts of
    ``/etc/hostname`` and ``/etc/resolv.conf``; None outside a container."""
    try:
        text = mountinfo.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if " /etc/hostname " in line or " /etc/resolv.conf " in line:
            match = _ID_IN_MOUNT.search(line)
            if match:
                return match.group(1)
    return None
