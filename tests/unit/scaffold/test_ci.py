"""CI files: actionlint (GitHub, Gitea), GitLab's published schema, and what each job does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dockyard.scaffold import CiProvider, DeployTarget, ci_path, render_ci

BIN = Path(sys.executable).parent
ACTIONS = [CiProvider.GITHUB, CiProvider.GITEA]


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: pip install -e '.[dev]'")
    return path


def _ci(provider: CiProvider, deploy: DeployTarget) -> str:
    return render_ci(provider, deploy, app="sample-py", heroku_app="sample-heroku")


@pytest.mark.parametrize("deploy", list(DeployTarget))
@pytest.mark.parametrize("provider", ACTIONS)
def test_workflow_passes_actionlint(
    tmp_path: Path, provider: CiProvider, deploy: DeployTarget
) -> None:
    workflow = tmp_path / ".github" / "workflows" / "docker.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(_ci(provider, deploy))
    env = {"PATH": f"{BIN}:/usr/bin:/bin"}  # ShellCheck (the dev extra's) checks the run: scripts
    done = subprocess.run(
        [_tool("actionlint"), "-no-color", str(workflow)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize("deploy", list(DeployTarget))
def test_gitlab_ci_validates_against_gitlabs_schema(tmp_path: Path, deploy: DeployTarget) -> None:
    path = tmp_path / ".gitlab-ci.yml"
    path.write_text(_ci(CiProvider.GITLAB, deploy))
    done = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_run_here_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: an unknown context in an expression is an error."""
    workflow = tmp_path / "docker.yml"
    workflow.write_text(
        _ci(CiProvider.GITHUB, DeployTarget.NONE).replace("env.IMAGE_NAME", "nope.X")
    )
    done = subprocess.run(
        [_tool("actionlint"), "-no-color", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert 'undefined variable "nope"' in done.stdout


def test_paths_are_where_each_provider_looks() -> None:
    assert [ci_path(p) for p in CiProvider] == [
        ".github/workflows/docker.yml",
        ".gitlab-ci.yml",
        ".gitea/workflows/docker.yml",
    ]


@pytest.mark.parametrize("provider", ACTIONS)
def test_build_job_logs_in_with_the_courses_secrets_and_tags_with_metadata_action(
    provider: CiProvider,
) -> None:
    workflow = yaml.safe_load(_ci(provider, DeployTarget.NONE))
    steps = workflow["jobs"]["build"]["steps"]
    uses = {step["uses"].split("@")[0]: step for step in steps}
    login = uses["docker/login-action"]["with"]
    assert login == {
        "username": "${{ secrets.DOCKERHUB_USERNAME }}",
        "password": "${{ secrets.DOCKERHUB_TOKEN }}",
    }
    meta = uses["docker/metadata-action"]
    assert meta["with"]["images"] == (
        "docker.io/${{ secrets.DOCKERHUB_USERNAME }}/${{ env.IMAGE_NAME }}"
    )
    assert "type=semver,pattern={{version}}" in meta["with"]["tags"]
    assert "type=sha" in meta["with"]["tags"]
    build = uses["docker/build-push-action"]["with"]
    assert build["tags"] == "${{ steps.meta.outputs.tags }}"
    assert build["push"] == "${{ github.event_name != 'pull_request' }}"
    assert workflow["env"] == {"IMAGE_NAME": "sample-py"}
    assert "deploy" not in workflow["jobs"]


def test_only_github_uses_githubs_cache_service() -> None:
    assert "cache-from: type=gha" in _ci(CiProvider.GITHUB, DeployTarget.NONE)
    assert "type=gha" not in _ci(CiProvider.GITEA, DeployTarget.NONE).replace(
        "No cache-from/cache-to: type=gha", ""
    )


@pytest.mark.parametrize("provider", list(CiProvider))
def test_serve_deploy_posts_to_the_apps_deploy_api_with_the_token(provider: CiProvider) -> None:
    text = _ci(provider, DeployTarget.SERVE)
    deploy = yaml.safe_load(text)["jobs" if provider in ACTIONS else "deploy"]
    if provider in ACTIONS:
        deploy = deploy["deploy"]
        step = deploy["steps"][0]
        assert step["env"]["DOCKYARD_TOKEN"] == "${{ secrets.DOCKYARD_TOKEN }}"
        script = step["run"]
        assert deploy["needs"] == "build"
    else:
        script = "\n".join(deploy["script"])
        assert deploy["needs"] == ["build"]
    assert "-X POST" in script
    assert '-H "Authorization: Bearer ${DOCKYARD_TOKEN}"' in script
    assert '"${DOCKYARD_URL}/api/v1/apps/sample-py/deploy"' in script


@pytest.mark.parametrize("provider", list(CiProvider))
def test_heroku_deploy_pushes_to_herokus_registry_and_releases(provider: CiProvider) -> None:
    text = _ci(provider, DeployTarget.HEROKU)
    assert "HEROKU_APP: sample-heroku" in text
    assert "docker login --username=_ --password-stdin registry.heroku.com" in text
    assert 'docker push "registry.heroku.com/${HEROKU_APP}/web"' in text
    assert '"https://api.heroku.com/apps/${HEROKU_APP}/formation"' in text
    assert "HEROKU_API_KEY" in text


def _gitlab_job(deploy: DeployTarget, job: str) -> str:
    loaded = yaml.safe_load(_ci(CiProvider.GITLAB, deploy))[job]
    return "\n".join(loaded["script"])


@pytest.mark.parametrize(
    ("deploy", "job"),
    [
        (DeployTarget.NONE, "build"),
        (DeployTarget.SERVE, "deploy"),
        (DeployTarget.HEROKU, "deploy"),
    ],
)
def test_gitlab_scripts_pass_shellcheck_as_posix_sh(deploy: DeployTarget, job: str) -> None:
    done = subprocess.run(
        [_tool("shellcheck"), "--shell=sh", "-"],
        input=_gitlab_job(deploy, job),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "")


CI_ENV = {
    "IMAGE_NAME": "sample",
    "DOCKERHUB_USERNAME": "me",
    "DOCKERHUB_TOKEN": "t",
    "CI_COMMIT_SHA": "0123456789abcdef",
    "CI_DEFAULT_BRANCH": "main",
    "PATH": "/usr/bin:/bin",
}


@pytest.mark.parametrize(
    ("pipeline", "docker_calls"),
    [
        (
            {
                "CI_COMMIT_BRANCH": "main",
                "CI_COMMIT_REF_SLUG": "main",
                "CI_PIPELINE_SOURCE": "push",
            },
            [
                "build --tag docker.io/me/sample:sha-0123456 --tag docker.io/me/sample:main "
                "--tag docker.io/me/sample:latest .",
                "login -u me --password-stdin docker.io",
                "push docker.io/me/sample:sha-0123456",
                "push docker.io/me/sample:main",
                "push docker.io/me/sample:latest",
            ],
        ),
        (
            {
                "CI_COMMIT_TAG": "v1.2.3",
                "CI_COMMIT_REF_SLUG": "v1-2-3",
                "CI_PIPELINE_SOURCE": "push",
            },
            [
                "build --tag docker.io/me/sample:sha-0123456 --tag docker.io/me/sample:1.2.3 "
                "--tag docker.io/me/sample:1.2 .",
                "login -u me --password-stdin docker.io",
                "push docker.io/me/sample:sha-0123456",
                "push docker.io/me/sample:1.2.3",
                "push docker.io/me/sample:1.2",
            ],
        ),
        (
            {
                "CI_COMMIT_REF_SLUG": "feature-x",
                "CI_PIPELINE_SOURCE": "merge_request_event",
            },
            ["build --tag docker.io/me/sample:sha-0123456 ."],
        ),
    ],
    ids=["default-branch", "version-tag", "merge-request"],
)
def test_gitlab_build_gives_metadata_actions_tags(
    tmp_path: Path, pipeline: dict[str, str], docker_calls: list[str]
) -> None:
    """The job's script run by sh, with a docker that only writes down how it was called."""
    log = tmp_path / "docker.log"
    stub = tmp_path / "docker"
    stub.write_text(f'#!/bin/sh\necho "$*" >> {log}\n')
    stub.chmod(0o755)
    env = {**CI_ENV, **pipeline, "PATH": f"{tmp_path}:/usr/bin:/bin"}
    done = subprocess.run(
        ["sh", "-e", "-c", _gitlab_job(DeployTarget.NONE, "build")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == docker_calls
