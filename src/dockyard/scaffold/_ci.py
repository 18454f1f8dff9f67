"""CI files that build and push the image with the course's secret names, then deploy it.

GitHub and Gitea run the same workflow syntax (Gitea Actions is GitHub's); GitLab gets the same
steps in its own syntax, with the tags docker/metadata-action would give worked out in shell.
Templates use ``%%{name}`` placeholders, so GitHub's ``${{ ... }}`` and shell's ``${...}`` stay as
they are.
"""

from __future__ import annotations

from enum import StrEnum
from string import Template

__all__ = ["CiProvider", "DeployTarget", "ci_path", "render_ci"]


class CiProvider(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"
    GITEA = "gitea"


class DeployTarget(StrEnum):
    NONE = "none"
    SERVE = "serve"  # notify `dockyard serve` through its deploy API
    HEROKU = "heroku"  # push to Heroku's container registry and release


class _Text(Template):
    delimiter = "%%"


def ci_path(provider: CiProvider) -> str:
    """Where each provider looks for its CI file."""
    return {
        CiProvider.GITHUB: ".github/workflows/docker.yml",
        CiProvider.GITEA: ".gitea/workflows/docker.yml",
        CiProvider.GITLAB: ".gitlab-ci.yml",
    }[provider]


def render_ci(provider: CiProvider, deploy: DeployTarget, *, app: str, heroku_app: str) -> str:
    """The CI file of ``provider`` for image ``<DOCKERHUB_USERNAME>/<app>``, then ``deploy``."""
    if provider is CiProvider.GITLAB:
        parts = [_GITLAB_HEAD, _GITLAB_BUILD, _GITLAB_DEPLOY.get(deploy, "")]
        settings = "GitLab"
    else:
        cache = _GHA_CACHE if provider is CiProvider.GITHUB else _NO_GHA_CACHE
        parts = [_ACTIONS_HEAD, _ACTIONS_BUILD, cache, _ACTIONS_DEPLOY.get(deploy, "")]
        settings = _SETTINGS[provider]
    return _Text("".join(parts)).substitute(
        app=app, heroku_app=heroku_app, secrets=_SECRETS[deploy], settings=settings
    )


_SETTINGS = {
    CiProvider.GITHUB: "Settings > Secrets and variables > Actions",
    CiProvider.GITEA: "the repository's Settings > Actions > Secrets",
}
_SECRETS = {
    DeployTarget.NONE: "",
    DeployTarget.SERVE: "\n#   DOCKYARD_URL (dockyard serve's address), DOCKYARD_TOKEN (its token)",
    DeployTarget.HEROKU: "\n#   HEROKU_API_KEY (heroku authorizations:create)",
}

_ACTIONS_HEAD = """\
# Written by `dockyard init`: build the image on every push and pull request; from main and
# from v* tags, push it to Docker Hub with docker/metadata-action's tags, then deploy it.
# Secrets (%%settings):
#   DOCKERHUB_USERNAME, DOCKERHUB_TOKEN (a Docker Hub access token, not the password)%%secrets
name: docker

on:
  push:
    branches: [main]
    tags: ["v*"]
  pull_request:

permissions:
  contents: read

env:
  IMAGE_NAME: %%app

"""

_ACTIONS_BUILD = """\
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: docker/setup-buildx-action@v4
      # Tags: the branch (main), pr-N, 1.2.3 and 1.2 from a v1.2.3 tag, sha-<7 hex>, and latest
      # on the default branch.
      - id: meta
        uses: docker/metadata-action@v6
        with:
          images: docker.io/${{ secrets.DOCKERHUB_USERNAME }}/${{ env.IMAGE_NAME }}
          tags: |
            type=ref,event=branch
            type=ref,event=pr
            type=semver,pattern={{version}}
            type=semver,pattern={{major}}.{{minor}}
            type=sha
            type=raw,value=latest,enable={{is_default_branch}}
      # Pull requests build without pushing, and without the secrets.
      - if: github.event_name != 'pull_request'
        uses: docker/login-action@v4
        with:
          username: ${{ secrets.DOCKERHUB_USERNAME }}
          password: ${{ secrets.DOCKERHUB_TOKEN }}
      - uses: docker/build-push-action@v7
        with:
          context: .
          push: ${{ github.event_name != 'pull_request' }}
          tags: ${{ steps.meta.outputs.tags }}
          labels: ${{ steps.meta.outputs.labels }}
"""

_GHA_CACHE = """\
          # Layers cached between runs in GitHub's cache.
          cache-from: type=gha
          cache-to: type=gha,mode=max
"""
_NO_GHA_CACHE = """\
          # No cache-from/cache-to: type=gha needs GitHub's cache service.
"""

_ACTIONS_DEPLOY = {
    DeployTarget.SERVE: """
  # dockyard serve's deploy API: it takes the branch head live (the request has no body).
  deploy:
    needs: build
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps:
      - name: Ask dockyard serve to deploy the new image
        env:
          DOCKYARD_URL: ${{ secrets.DOCKYARD_URL }}
          # Authorization: Bearer ${{ secrets.DOCKYARD_TOKEN }}, passed through the environment
          # so the token is never part of the script's text.
          DOCKYARD_TOKEN: ${{ secrets.DOCKYARD_TOKEN }}
        run: |
          curl --fail-with-body --silent --show-error -X POST \\
            -H "Authorization: Bearer ${DOCKYARD_TOKEN}" \\
            "${DOCKYARD_URL}/api/v1/apps/%%app/deploy"
""",
    DeployTarget.HEROKU: """
  # Heroku runs images from its own registry: push there as process type web, then release it
  # (what `heroku container:push web` and `heroku container:release web` do, through the API).
  deploy:
    needs: build
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    env:
      HEROKU_APP: %%heroku_app
      HEROKU_API_KEY: ${{ secrets.HEROKU_API_KEY }}
    steps:
      - uses: actions/checkout@v6
      - name: Build for registry.heroku.com and push
        run: |
          echo "${HEROKU_API_KEY}" | docker login --username=_ --password-stdin registry.heroku.com
          docker build -t "registry.heroku.com/${HEROKU_APP}/web" .
          docker push "registry.heroku.com/${HEROKU_APP}/web"
      - name: Release it
        run: |
          image="registry.heroku.com/${HEROKU_APP}/web"
          image_id=$(docker image inspect "${image}" --format '{{.Id}}')
          body=$(printf '{"updates": [{"type": "web", "docker_image": "%s"}]}' "${image_id}")
          curl --fail-with-body --silent --show-error -X PATCH \\
            -H "Authorization: Bearer ${HEROKU_API_KEY}" \\
            -H "Accept: application/vnd.heroku+json; version=3.docker-releases" \\
            -H "Content-Type: application/json" \\
            -d "${body}" \\
            "https://api.heroku.com/apps/${HEROKU_APP}/formation"
""",
}

_GITLAB_HEAD = """\
# Written by `dockyard init`: build the image on every pipeline; from branches and v* tags,
# push it to Docker Hub with the tags docker/metadata-action would give, then deploy it.
# CI/CD variables (Settings > CI/CD > Variables, masked):
#   DOCKERHUB_USERNAME, DOCKERHUB_TOKEN (a Docker Hub access token, not the password)%%secrets
stages:
  - build
  - deploy

variables:
  IMAGE_NAME: %%app

"""

_GITLAB_BUILD = """\
build:
  stage: build
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH
    - if: $CI_COMMIT_TAG =~ /^v/
  script:
    - IMAGE="docker.io/${DOCKERHUB_USERNAME}/${IMAGE_NAME}"
    # metadata-action's tags: sha-<7 hex>, the branch, latest on the default branch, and
    # 1.2.3 and 1.2 from a tag v1.2.3
    - TAGS="sha-$(printf %.7s "$CI_COMMIT_SHA")"
    - if [ -n "$CI_COMMIT_BRANCH" ]; then TAGS="$TAGS $CI_COMMIT_REF_SLUG"; fi
    - if [ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ]; then TAGS="$TAGS latest"; fi
    - if [ -n "$CI_COMMIT_TAG" ]; then V="${CI_COMMIT_TAG#v}"; TAGS="$TAGS $V ${V%.*}"; fi
    - set --; for T in $TAGS; do set -- "$@" --tag "$IMAGE:$T"; done
    - docker build "$@" .
    # merge requests build without pushing
    - if [ "$CI_PIPELINE_SOURCE" = "merge_request_event" ]; then exit 0; fi
    - echo "$DOCKERHUB_TOKEN" | docker login -u "$DOCKERHUB_USERNAME" --password-stdin docker.io
    - for T in $TAGS; do docker push "$IMAGE:$T"; done
"""

_GITLAB_DEPLOY = {
    DeployTarget.SERVE: """
# dockyard serve's deploy API: it takes the branch head live (the request has no body).
deploy:
  stage: deploy
  image: alpine:3.20
  needs: [build]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - apk add --no-cache curl
    - >-
      curl --fail-with-body --silent --show-error -X POST
      -H "Authorization: Bearer ${DOCKYARD_TOKEN}"
      "${DOCKYARD_URL}/api/v1/apps/%%app/deploy"
""",
    DeployTarget.HEROKU: """
# Heroku runs images from its own registry: push there as process type web, then release it
# (what `heroku container:push web` and `heroku container:release web` do, through the API).
deploy:
  stage: deploy
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
    HEROKU_APP: %%heroku_app
  needs: [build]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - apk add --no-cache curl
    - echo "$HEROKU_API_KEY" | docker login --username=_ --password-stdin registry.heroku.com
    - docker build -t "registry.heroku.com/${HEROKU_APP}/web" .
    - docker push "registry.heroku.com/${HEROKU_APP}/web"
    - |
      IMAGE_ID=$(docker image inspect "registry.heroku.com/${HEROKU_APP}/web" --format '{{.Id}}')
      BODY=$(printf '{"updates": [{"type": "web", "docker_image": "%s"}]}' "$IMAGE_ID")
      curl --fail-with-body --silent --show-error -X PATCH \\
        -H "Authorization: Bearer ${HEROKU_API_KEY}" \\
        -H "Accept: application/vnd.heroku+json; version=3.docker-releases" \\
        -H "Content-Type: application/json" \\
        -d "$BODY" \\
        "https://api.heroku.com/apps/${HEROKU_APP}/formation"
""",
}
