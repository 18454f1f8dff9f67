"""compose.yaml: the app, and ``dockyard watch`` in place of the course's Watchtower service."""

from __future__ import annotations

from string import Template

__all__ = ["WATCHTOWER_ENABLE_LABEL", "render_compose"]

WATCHTOWER_ENABLE_LABEL = "com.centurylinklabs.watchtower.enable"


class _Text(Template):
    delimiter = "%%"


def render_compose(*, app: str, port: int, socket_gid: int, health: bool) -> str:
    """The compose file; ``socket_gid`` is the group of the engine's socket on this host."""
    note = (
        ""
        if health
        else "\n    # no HEALTHCHECK in the image: watch confirms a new container by its staying up"
    )
    return _Text(_COMPOSE).substitute(
        app=app, port=port, gid=socket_gid, label=WATCHTOWER_ENABLE_LABEL, note=note
    )


_COMPOSE = """\
# compose.yaml written by `dockyard init`: the app, and `dockyard watch` keeping it on the
# newest image of its tag (in place of Watchtower).  docker compose up -d --build
services:
  app:
    build: .
    image: ${IMAGE:-docker.io/you/%%app:latest}
    ports:
      - "%%port:%%port"
    restart: unless-stopped
    labels:
      # watch --label-enable updates only the containers that carry Watchtower's label
      %%label: "true"%%note

  watch:
    # dockyard's own image (docker build -t dockyard . in a dockyard checkout)
    image: ${DOCKYARD_IMAGE:-dockyard}
    command: ["watch", "--label-enable", "--cleanup", "--interval", "300"]
    restart: unless-stopped
    # Not root: dockyard's user, plus the group that owns the engine's socket on this host
    # (stat -c %g /var/run/docker.sock), which is all the socket asks for.
    user: "10001:10001"
    group_add:
      - "${DOCKER_GID:-%%gid}"
    volumes:
      # read-write: watch pulls images and creates the new containers through it
      - /var/run/docker.sock:/var/run/docker.sock
      # the journal of updates in progress: on a volume, so a crash mid-update is finished
      - dockyard-state:/var/lib/dockyard

  # Or dockyard serve, which builds on push, deploys and watches (in place of the watch
  # service above). CI's deploy job calls its API at /api/v1/apps/%%app/deploy with a token
  # made by: dockyard serve token create ci --scope deploy --config serve.yaml
  # serve:
  #   image: ${DOCKYARD_IMAGE:-dockyard}
  #   command: ["serve", "--config", "/etc/dockyard/serve.yaml"]
  #   restart: unless-stopped
  #   ports:
  #     - "8800:8000"                  # host 8800 to serve.yaml's listen: 0.0.0.0:8000
  #   user: "10001:10001"
  #   group_add:
  #     - "${DOCKER_GID:-%%gid}"
  #   volumes:
  #     - ./serve.yaml:/etc/dockyard/serve.yaml:ro   # dockyard's docs/serve.example.yaml
  #     - /var/run/docker.sock:/var/run/docker.sock
  #     - dockyard-state:/var/lib/dockyard

volumes:
  dockyard-state: {}
"""
