"""Rebuilding a create request from inspect data: overrides kept, image defaults dropped."""

from __future__ import annotations

from typing import Any

from dockyard.engine import ContainerInfo, container_create_config

IMAGE: dict[str, Any] = {
    "Env": ["PATH=/bin", "APP_VERSION=1"],
    "Cmd": ["serve"],
    "Entrypoint": None,
    "Labels": {"org.version": "1"},
    "Volumes": {"/cache": {}},
    "ExposedPorts": {"8080/tcp": {}},
    "WorkingDir": "/srv",
    "User": "",
    "Healthcheck": None,
}
CID = "0123456789ab" + "c" * 52


def _container(**config: Any) -> ContainerInfo:
    attrs = {
        "Id": CID,
        "Name": "/web",
        "Image": "sha256:old",
        "State": {"Status": "running"},
        "Config": {
            "Hostname": CID[:12],
            "Image": "registry.example/web:1",
            "Env": ["PATH=/bin", "APP_VERSION=1", "OVERRIDE=yes"],
            "Cmd": ["serve"],
            "Entrypoint": None,
            "Labels": {"org.version": "1", "team": "ops"},
            "Volumes": {"/cache": {}, "/data": {}},
            "ExposedPorts": {"8080/tcp": {}, "9090/tcp": {}},
            "WorkingDir": "/srv",
            "User": "",
            **config,
        },
        "HostConfig": {
            "NetworkMode": "netA",
            "Links": ["/db:/web/database"],
            "Binds": ["named:/data"],
        },
        "Mounts": [
            {"Type": "volume", "Name": "named", "Destination": "/data", "RW": True},
            {"Type": "volume", "Name": "anon123", "Destination": "/cache", "RW": True},
        ],
        "NetworkSettings": {
            "Networks": {
                "netA": {
                    "Aliases": ["web-alias", CID[:12]],
                    "IPAMConfig": {"IPv4Address": "10.1.0.5"},
                    "IPAddress": "10.1.0.5",
                    "NetworkID": "n1",
                    "EndpointID": "e1",
                },
                "netB": {"Aliases": None, "IPAMConfig": None, "NetworkID": "n2"},
            }
        },
    }
    return ContainerInfo.from_attrs(attrs)


def _config(container: ContainerInfo) -> dict[str, Any]:
    return container_create_config(
        container=container,
        image_config=IMAGE,
        image_ref="registry.example/web:1",
        names_by_id={"f" * 64: "db"},
    )


def test_only_overrides_of_the_image_defaults_are_kept() -> None:
    config = _config(_container())
    assert config["Env"] == ["OVERRIDE=yes"]
    assert config["Labels"] == {"team": "ops"}
    assert config["Volumes"] == {"/data": {}}
    assert config["ExposedPorts"] == {"9090/tcp": {}}
    assert config["Cmd"] is None
    assert config["Entrypoint"] is None
    assert "WorkingDir" not in config
    assert "Hostname" not in config  # the engine's default (the short id) is not carried over


def test_command_overrides_and_a_chosen_hostname_are_kept() -> None:
    config = _config(_container(Cmd=["serve", "--debug"], Hostname="web-host"))
    assert config["Cmd"] == ["serve", "--debug"]
    assert config["Hostname"] == "web-host"


def test_a_command_next_to_an_overridden_entrypoint_is_kept_even_if_equal() -> None:
    config = _config(_container(Entrypoint=["/bin/sh", "-c"]))
    assert config["Entrypoint"] == ["/bin/sh", "-c"]
    assert config["Cmd"] == ["serve"]


def test_links_networks_and_anonymous_volumes() -> None:
    config = _config(_container())
    host = config["HostConfig"]
    assert host["Links"] == ["db:database"]
    assert host["Binds"] == ["named:/data", "anon123:/cache:rw"]
    endpoints = config["NetworkingConfig"]["EndpointsConfig"]
    assert endpoints["netA"] == {
        "Aliases": ["web-alias"],
        "IPAMConfig": {"IPv4Address": "10.1.0.5"},
    }
    assert endpoints["netB"] == {}


def test_network_mode_of_another_container_follows_its_name() -> None:
    attrs = dict(_container().attrs)
    attrs["HostConfig"] = {**attrs["HostConfig"], "NetworkMode": "container:" + "f" * 64}
    config = _config(ContainerInfo.from_attrs(attrs))
    assert config["HostConfig"]["NetworkMode"] == "container:db"
    assert config["NetworkingConfig"]["EndpointsConfig"] == {}


def test_published_ports_stay_exposed_and_healthchecks_keep_only_overrides() -> None:
    container = _container(
        Healthcheck={"Test": ["CMD", "true"], "Interval": 5, "Retries": 3},
    )
    container.attrs["HostConfig"]["PortBindings"] = {"8080/tcp": [{"HostPort": "80"}]}
    image = {**IMAGE, "Healthcheck": {"Test": ["CMD", "true"], "Interval": 30, "Retries": 3}}
    config = container_create_config(
        container=container, image_config=image, image_ref="x:1", names_by_id={}
    )
    assert config["ExposedPorts"] == {"9090/tcp": {}, "8080/tcp": {}}
    assert config["Healthcheck"] == {"Interval": 5}


def test_without_the_old_image_everything_is_kept() -> None:
    config = container_create_config(
        container=_container(), image_config=None, image_ref="x:1", names_by_id={}
    )
    assert config["Env"] == ["PATH=/bin", "APP_VERSION=1", "OVERRIDE=yes"]
    assert config["Image"] == "x:1"
