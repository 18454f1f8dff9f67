"""dockyard finds its own container from the engine's bind mounts."""

from __future__ import annotations

from pathlib import Path

from dockyard.update import own_container_id

CID = "3f" * 32


def test_inside_a_container(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        "620 600 0:52 / / rw,relatime - overlay overlay rw\n"
        f"631 620 254:1 /var/lib/docker/containers/{CID}/resolv.conf /etc/resolv.conf "
        "rw,relatime - ext4 /dev/vda1 rw\n"
        f"632 620 254:1 /var/lib/docker/containers/{CID}/hostname /etc/hostname "
        "rw,relatime - ext4 /dev/vda1 rw\n"
    )
    assert own_container_id(mountinfo=mountinfo) == CID


def test_inside_a_podman_container(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        "1187 1186 0:85 / / rw,relatime - overlay overlay rw\n"
        "1198 1187 254:1 /var/lib/containers/storage/overlay-containers/"
        f"{CID}/userdata/hostname /etc/hostname rw,nosuid,nodev - ext4 /dev/vda1 rw\n"
    )
    assert own_container_id(mountinfo=mountinfo) == CID


def test_on_the_host(tmp_path: Path) -> None:
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text("22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n")
    assert own_container_id(mountinfo=mountinfo) is None
    assert own_container_id(mountinfo=tmp_path / "missing") is None
