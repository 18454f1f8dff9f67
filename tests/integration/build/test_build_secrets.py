"""``dockyard build --secret``: the value reaches the RUN that mounts it, and nowhere else."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import docker

from tests.conftest import TestEnv
from tests.integration.build.conftest import run_dockyard
from tests.unit.build.gitrepo import make_repo


def test_secrets_from_a_file_and_a_variable_reach_the_run_only(
    tmp_path: Path, test_env: TestEnv, repository: str, docker_client: docker.DockerClient
) -> None:
    token, conf = secrets.token_hex(16), secrets.token_hex(16)
    (tmp_path / "conf.secret").write_text(conf)
    app = tmp_path / "app"
    make_repo(
        app,
        {
            "Dockerfile": (
                f"FROM {test_env.busybox}\n"
                # BuildKit's cache key of a RUN leaves secrets out: without a line of this run's
                # own, an earlier run's layer (with its secrets' hashes) would be reused
                f"ENV RUN_ID={secrets.token_hex(8)}\n"
                "RUN --mount=type=secret,id=token --mount=type=secret,id=conf "
                "sha256sum /run/secrets/token /run/secrets/conf > /hashes\n"
                'CMD ["cat", "/hashes"]\n'
            ),
        },
    )
    run = run_dockyard(
        "build", app.as_uri(), "--image", repository, "--json",
        "--secret", "id=token,env=DOCKYARD_TEST_TOKEN",
        "--secret", f"id=conf,src={tmp_path / 'conf.secret'}",
        env={"DOCKYARD_TEST_TOKEN": token},
    )  # fmt: skip

    assert run.code == 0, run.stderr
    image = f"{repository}:main"
    output = docker_client.containers.run(image, remove=True, network_mode="none").decode()
    assert output.split() == [
        hashlib.sha256(token.encode()).hexdigest(), "/run/secrets/token",
        hashlib.sha256(conf.encode()).hexdigest(), "/run/secrets/conf",
    ]  # fmt: skip
    attrs = docker_client.api.inspect_image(image)
    history = docker_client.api.history(image)
    for text in (run.stdout, run.stderr, str(attrs), str(history)):
        assert token not in text
        assert conf not in text


def test_a_missing_secret_is_one_line_before_any_build(tmp_path: Path, repository: str) -> None:
    app = tmp_path / "app"
    make_repo(app, {"Dockerfile": "FROM scratch\n"})
    run = run_dockyard(
        "build", app.as_uri(), "--image", repository, "--secret", "id=token,env=DOCKYARD_NOT_SET"
    )
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        "dockyard: error: --secret id=token: the variable DOCKYARD_NOT_SET is not set"
    ]
