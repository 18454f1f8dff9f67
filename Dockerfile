# dockyard in a container: `docker run -v /var/run/docker.sock:/var/run/docker.sock ...`
# The course's lessons applied to ourselves: multi-stage (pip and build files stay behind), a slim
# base, no compiler in the final stage, a non-root user, and only what runs at run time (python,
# git for cloning, CA certificates for https remotes and registries).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
# Where PyPI is not reachable from inside a build, pass PIP_NO_INDEX=1 and
# PIP_FIND_LINKS=/src/wheelhouse with the wheels in ./wheelhouse of the context.
ARG PIP_NO_INDEX
ARG PIP_FIND_LINKS
COPY pyproject.toml README.md /src/
COPY src /src/src
COPY wheelhous[e] /src/wheelhouse
RUN python3 -m venv /opt/dockyard \
 && /opt/dockyard/bin/pip install --no-cache-dir --disable-pip-version-check /src \
 && /opt/dockyard/bin/pip uninstall -y --disable-pip-version-check pip setuptools \
 && find /opt/dockyard -name '__pycache__' -prune -exec rm -rf {} +

FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && useradd --system --uid 10001 --create-home --home-dir /home/dockyard dockyard \
 && install -d -o 10001 -g 10001 -m 700 /var/lib/dockyard
COPY --from=build /opt/dockyard /opt/dockyard
# watch keeps its journal in /var/lib/dockyard: mount a named volume there (a new volume takes
# this directory's owner), so updates survive a crash and dockyard can update itself.
ENV PATH=/opt/dockyard/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DOCKYARD_STATE_DIR=/var/lib/dockyard
# The Docker socket is root:docker on the host; give this user the socket's group at run time:
#   docker run --group-add "$(stat -c %g /var/run/docker.sock)" ...
USER 10001:10001
WORKDIR /home/dockyard
ENTRYPOINT ["dockyard"]
CMD ["--help"]
