"""Platforms: parsing ``os/arch[/variant]`` and which index entry fits a wanted platform."""

from __future__ import annotations

import pytest

from dockyard.errors import UsageError
from dockyard.registry import Platform


def test_parse_and_print() -> None:
    assert Platform.parse("linux/amd64") == Platform("linux", "amd64")
    assert Platform.parse("Linux/ARM/v7") == Platform("linux", "arm", "v7")
    assert str(Platform.parse("linux/arm64/v8")) == "linux/arm64/v8"


@pytest.mark.parametrize("text", ["linux", "linux/", "/amd64", "linux/arm/v7/x", ""])
def test_bad_platform_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="expected os/arch or os/arch/variant"):
        Platform.parse(text)


@pytest.mark.parametrize(
    ("wanted", "entry", "fits"),
    [
        ("linux/amd64", ("linux", "amd64", None), True),
        ("linux/amd64", ("linux", "arm64", "v8"), False),
        ("linux/amd64", ("windows", "amd64", None), False),
        ("linux/arm64", ("linux", "arm64", "v8"), True),
        ("linux/arm64/v8", ("linux", "arm64", None), True),  # arm64 means v8
        ("linux/arm/v7", ("linux", "arm", "v6"), False),
        ("linux/arm", ("linux", "arm", "v6"), True),
        ("linux/amd64", ("unknown", "unknown", None), False),  # attestation entries
    ],
)
def test_matching(wanted: str, entry: tuple[str, str, str | None], fits: bool) -> None:
    assert Platform.parse(wanted).matches(Platform(*entry)) is fits


def test_host_platform_is_linux_with_a_docker_architecture_name() -> None:
    host = Platform.host()
    assert host.os == "linux"
    assert host.architecture in {"amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64"}


def test_from_index_json() -> None:
    assert Platform.from_json({"os": "linux", "architecture": "arm", "variant": "v7"}) == Platform(
        "linux", "arm", "v7"
    )
    assert Platform.from_json({"os": "linux"}) is None
