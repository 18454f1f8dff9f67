"""`dockyard demo`: the README's main-job command, on the real engine and registry."""

from __future__ import annotations

import docker

from tests.conftest import TestEnv
from tests.integration.build.conftest import registry_digest, run_dockyard


def test_demo_builds_pushes_and_runs_the_sample_app(
    test_env: TestEnv, docker_client: docker.DockerClient
) -> None:
    run = run_dockyard(
        "demo", "--registry", test_env.registry, "--base", test_env.busybox, "--json"
    )
    assert run.code == 0, run.stderr
    result = run.json
    assert result["image"] == f"{test_env.registry}/dockyard-demo"
    sha_tag = f"sha-{result['revision'][:7]}"
    assert sha_tag in result["tags"]
    for tag in (sha_tag, "latest"):
        assert registry_digest(test_env.registry, "dockyard-demo", tag) == result["digest"]
    lines = result["output"].splitlines()
    assert lines[0] == "Hello from the dockyard demo!"
    assert "made by a heredoc RUN, uid 65534" in lines[1]
    for tag in result["tags"]:
        if tag != "latest":
            docker_client.images.remove(f"{result['image']}:{tag}")
