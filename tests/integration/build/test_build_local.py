"""`dockyard build` against the real engine, without a registry: what a user sees."""

from __future__ import annotations

from pathlib import Path

import docker

from tests.conftest import TestEnv
from tests.integration.build.conftest import run_dockyard
from tests.unit.build.gitrepo import commit, git, make_repo

HEREDOC_DOCKERFILE = """\
FROM {base}
ARG WHO=nobody
ENV GREETING="hello $WHO"
RUN <<EOF
echo bare-run > /bare
EOF
RUN cat <<EOF > /from-cat && echo ok
cat heredoc
EOF
RUN <<EOF sh
echo "piped to sh, home $HOME" > /piped
EOF
RUN <<-"QUOTED"
\techo 'tab stripped, $HOME kept' > /quoted
\tQUOTED
RUN <<EOF
#!/bin/sh
echo "shebang script" > /shebang
EOF
COPY <<greeting.txt <<"raw.txt" /files/
$GREETING
greeting.txt
$GREETING
raw.txt
COPY <<EOF /single
single file
EOF
CMD ["sh", "-c", "cat /bare /from-cat /piped /quoted /shebang /files/greeting.txt \
/files/raw.txt /single"]
"""


def test_build_runs_with_mounts_build_args_and_labels(
    app_repo: Path, repository: str, docker_client: docker.DockerClient
) -> None:
    revision = git(app_repo, "rev-parse", "HEAD")
    run = run_dockyard(
        "build", app_repo.as_uri(), "--image", repository, "--build-arg", "GREETING=hi there",
        "--json",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    result = run.json
    assert result["revision"] == revision
    assert result["tags"] == ["main", f"sha-{revision[:7]}", "latest"]
    assert result["skipped"] is False
    assert result["digest"] is None
    assert result["size_bytes"] > 0
    output = docker_client.containers.run(f"{repository}:latest", remove=True, network_mode="none")
    assert output.decode() == "cached\nfrom the context\nhi there\n"
    labels = docker_client.images.get(f"{repository}:sha-{revision[:7]}").labels
    assert labels["org.opencontainers.image.revision"] == revision
    assert labels["org.opencontainers.image.source"] == app_repo.as_uri()
    assert labels["org.opencontainers.image.version"] == "main"
    assert labels["org.opencontainers.image.title"] == "app"
    assert labels["dockyard.build.inputs"].startswith("sha256:")
    assert "=> [" in run.stderr  # plain progress lines on a non-terminal


def test_heredocs_build_on_an_engine_without_heredoc_support(
    tmp_path: Path, test_env: TestEnv, repository: str, docker_client: docker.DockerClient
) -> None:
    repo = tmp_path / "heredocs"
    make_repo(repo, {"Dockerfile": HEREDOC_DOCKERFILE.format(base=test_env.busybox)})
    run = run_dockyard(
        "build", str(repo), "--image", repository, "--build-arg", "WHO=world", "--json"
    )
    assert run.code == 0, run.stderr
    output = docker_client.containers.run(f"{repository}:latest", remove=True, network_mode="none")
    assert output.decode().splitlines() == [
        "bare-run",
        "cat heredoc",
        "piped to sh, home /root",
        "tab stripped, $HOME kept",
        "shebang script",
        "hello world",
        "$GREETING",
        "single file",
    ]
    listing = docker_client.containers.run(
        f"{repository}:latest", ["sh", "-c", "ls -a / /tmp"], remove=True, network_mode="none"
    ).decode()
    assert ".dockyard-heredoc" not in listing


def test_the_same_commit_is_skipped_and_force_rebuilds(
    app_repo: Path, repository: str, docker_client: docker.DockerClient
) -> None:
    first = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--json")
    assert first.code == 0, first.stderr
    first_id = docker_client.images.get(f"{repository}:latest").id

    again = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--json")
    assert again.code == 0, again.stderr
    assert again.json["skipped"] is True
    assert "already built" in again.stderr
    assert docker_client.images.get(f"{repository}:latest").id == first_id

    forced = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--force", "--json")
    assert forced.code == 0, forced.stderr
    assert forced.json["skipped"] is False
    assert "=> [" in forced.stderr

    commit(app_repo, {"message.txt": "changed\n"}, message="change")
    changed = run_dockyard("build", app_repo.as_uri(), "--image", repository, "--json")
    assert changed.json["skipped"] is False
    assert changed.json["revision"] == git(app_repo, "rev-parse", "HEAD")


def test_branch_tag_and_file_in_a_subdirectory(
    tmp_path: Path, test_env: TestEnv, repository: str, docker_client: docker.DockerClient
) -> None:
    repo = tmp_path / "tree"
    make_repo(repo, {"README": "root\n"})
    git(repo, "checkout", "-q", "-b", "feature/new-ui")
    commit(
        repo,
        {
            "svc/docker/Dockerfile.prod": f"FROM {test_env.busybox}\nCOPY hello /hello\n"
            'CMD ["cat", "/hello"]\n',
            "svc/hello": "from svc\n",
        },
        message="svc",
    )
    git(repo, "tag", "v1.4.2")
    git(repo, "checkout", "-q", "main")
    run = run_dockyard(
        "build", repo.as_uri(), "--ref", "v1.4.2", "--image", repository,
        "--context", "svc", "--file", "svc/docker/Dockerfile.prod", "--tag", "stable", "--json",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    sha = git(repo, "rev-parse", "v1.4.2")
    assert run.json["tags"] == ["1.4.2", "1.4", "1", f"sha-{sha[:7]}", "latest", "stable"]
    output = docker_client.containers.run(f"{repository}:1.4", remove=True, network_mode="none")
    assert output == b"from svc\n"

    branch = run_dockyard(
        "build", repo.as_uri(), "--ref", "feature/new-ui", "--image", repository,
        "--context", "svc", "--file", "svc/docker/Dockerfile.prod", "--json",
    )  # fmt: skip
    assert branch.code == 0, branch.stderr
    assert "feature-new-ui" in branch.json["tags"]
    assert "latest" not in branch.json["tags"]


def test_bad_input_gets_one_line_and_its_exit_code(tmp_path: Path, app_repo: Path) -> None:
    image = "127.0.0.1:5000/never-built"
    cases = [
        (["--ref", "no-such-branch"], app_repo.as_uri(), 8, "unknown ref 'no-such-branch'"),
        ([], (tmp_path / "missing").as_uri(), 8, "repository not found or not readable"),
        ([], "--upload-pack=touch /tmp/x", 8, "refused source"),
        ([], "ext::sh -c touch% /tmp/x", 8, "refused source"),
        (["--ref=--upload-pack=touch /tmp/x"], app_repo.as_uri(), 8, "refused ref"),
        (["--file", "nope/Dockerfile"], app_repo.as_uri(), 9, "no Dockerfile at nope/Dockerfile"),
    ]
    for extra, source, code, message in cases:
        run = run_dockyard("build", "--image", image, *extra, "--", source)
        assert run.code == code, (source, run.stderr)
        errors = [line for line in run.stderr.splitlines() if line.startswith("dockyard: error:")]
        assert len(errors) == 1, run.stderr
        assert message in errors[0]
        assert run.stdout == ""


def test_dockerfile_syntax_errors_name_their_line(tmp_path: Path, test_env: TestEnv) -> None:
    repo = tmp_path / "broken"
    make_repo(repo, {"Dockerfile": f"FROM {test_env.busybox}\nRUN true\nFORM x\n"})
    commit(repo, {"engine.Dockerfile": f"FROM {test_env.busybox}\nCOPY --from\n"}, message="2")
    for extra, expected in (
        ([], "Dockerfile:3: unknown instruction: FORM"),  # found by dockyard's parser
        (["--file", "engine.Dockerfile"], "engine.Dockerfile:2: COPY requires"),  # by the engine
    ):
        run = run_dockyard("build", str(repo), "--image", "127.0.0.1:5000/never-built", *extra)
        assert run.code == 9, run.stderr
        assert f"dockyard: error: {expected}" in run.stderr


def test_a_failing_build_shows_the_log_tail(tmp_path: Path, test_env: TestEnv) -> None:
    repo = tmp_path / "failing"
    script = "for i in $(seq 1 30); do echo step-$i; done; echo boom; exit 7"
    make_repo(repo, {"Dockerfile": f"FROM {test_env.busybox}\nRUN {script}\n"})
    run = run_dockyard("build", str(repo), "--image", "127.0.0.1:5000/never-built")
    assert run.code == 10, run.stderr
    assert "exit code: 7" in run.stderr.splitlines()[-1]
    tail = run.stderr.split("last lines of the build log:", 1)[1]
    assert "  | boom" in tail
    assert "  | step-30" in tail
    assert "  | step-5\n" not in tail  # only the last lines


def test_uncommitted_changes_in_a_work_tree_are_built_not_skipped(
    app_repo: Path, repository: str, docker_client: docker.DockerClient
) -> None:
    first = run_dockyard("build", str(app_repo), "--image", repository, "--json")
    assert first.code == 0, first.stderr
    (app_repo / "message.txt").write_text("edited, not committed\n")
    second = run_dockyard("build", str(app_repo), "--image", repository, "--json")
    assert second.code == 0, second.stderr
    assert second.json["skipped"] is False
    assert "uncommitted changes" in second.stderr
    output = docker_client.containers.run(f"{repository}:latest", remove=True, network_mode="none")
    assert "edited, not committed" in output.decode()


def test_network_host_gives_run_steps_the_host_network(
    tmp_path: Path, test_env: TestEnv, repository: str, docker_client: docker.DockerClient
) -> None:
    repo = tmp_path / "net"
    make_repo(
        repo,
        {
            "Dockerfile": f"FROM {test_env.busybox}\nRUN ls /sys/class/net > /interfaces\n"
            'CMD ["cat", "/interfaces"]\n'
        },
    )
    interfaces: dict[str, set[str]] = {}
    for network in ("host", "default"):
        run = run_dockyard(
            "build", str(repo), "--image", repository, "--network", network, "--force"
        )
        assert run.code == 0, run.stderr
        output = docker_client.containers.run(f"{repository}:latest", remove=True)
        interfaces[network] = set(output.decode().split())
    assert "docker0" in interfaces["host"]  # the host's bridge is visible only with host networking
    assert "docker0" not in interfaces["default"]
