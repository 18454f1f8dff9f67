"""``dockyard diagram compose`` on a compose-labelled project on the real engine."""

from __future__ import annotations

from pathlib import Path

from tests.integration.diagram.conftest import ComposeProject, Picture, diagram, graph_of, svg_texts


def test_the_project_is_drawn_with_its_machine_networks_volume_and_published_port(
    compose_project: ComposeProject,
) -> None:
    project = compose_project.name
    picture = Picture(graph_of("compose", project))
    assert picture.names("Container") == [f"{project}-db-1", f"{project}-web-1"]
    [machine] = picture.names("Node")
    for container in picture.names("Container"):
        assert picture.place(f"container:{container}") == f"Node: {machine}"
    assert picture.of("Container", f"{project}-web-1")["detail"].startswith("service web · ")
    assert picture.links("attached-to") == {
        (f"Container: {project}-db-1", f"Network: {project}_default", ""),
        (f"Container: {project}-web-1", f"Network: {project}_default", ""),
    }
    assert picture.of("Network", f"{project}_default")["detail"] == "bridge"
    assert picture.links("mounts") == {
        (f"Container: {project}-db-1", f"Volume: {project}_data", "/data"),
    }
    port = f"{compose_project.port}/tcp"
    assert picture.links("routes-to") == {
        ("Internet: the internet", f"Port: {port}", "HTTP"),
        (f"Port: {port}", f"Container: {project}-web-1", ":8080"),
    }
    assert picture.of("Port", port)["detail"] == "published on 127.0.0.1"
    assert picture.links("commands") == {
        ("Client: your computer", f"Node: {machine}", "docker compose → engine API")
    }


def test_the_svg_carries_every_label(compose_project: ComposeProject, tmp_path: Path) -> None:
    target = tmp_path / "project.svg"
    done = diagram("compose", compose_project.name, "-o", str(target))
    assert done.returncode == 0, done.stderr
    texts = svg_texts(target)
    project = compose_project.name
    for label in (
        f"Container: {project}-web-1",
        f"Container: {project}-db-1",
        f"Network: {project}_default",
        f"Volume: {project}_data",
        f"Port: {compose_project.port}/tcp",
        "Client: your computer",
        "Internet: the internet",
    ):
        assert label in texts, label


def test_a_project_with_no_containers_is_not_found(unique: str) -> None:
    done = diagram("compose", f"nothing{unique}")
    assert done.returncode == 4
    assert done.stderr == (
        f"dockyard: error: no containers of compose project 'nothing{unique}' on this engine "
        f"(none labelled com.docker.compose.project=nothing{unique}); is it up?\n"
    )
