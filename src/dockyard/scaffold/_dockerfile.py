"""The Dockerfile and .dockerignore of each stack, as plain text templates (pure functions).

Every Dockerfile follows the same rules, and says why in its comments: a slim or alpine base
named by an ``ARG`` (so a build anywhere can pass its own image), a build stage that keeps
compilers, package managers' caches and sources behind, a numeric non-root user, and a
HEALTHCHECK where the final image has something to run it with.
"""

from __future__ import annotations

import json

from dockyard.scaffold._detect import Stack, StackKind

__all__ = ["DEFAULT_PORTS", "UID", "render_dockerfile", "render_dockerignore"]

UID = 10001  # a numeric user: runAsNonRoot can check it, no passwd entry is needed
DEFAULT_PORTS = {
    StackKind.PYTHON_PYPROJECT: 8000,
    StackKind.PYTHON_REQUIREMENTS: 8000,
    StackKind.NODE: 3000,
    StackKind.NODE_BUILD: 3000,
    StackKind.GO: 8080,
    StackKind.STATIC: 8080,
}

_HEALTH = "HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3"
_USER = f"""\
# A numeric user and group, not root: a break-in stays unprivileged, and Kubernetes'
# runAsNonRoot can verify a number (no passwd entry is needed for it).
USER {UID}:{UID}"""


def _exec(argv: tuple[str, ...] | list[str]) -> str:
    """The exec (JSON) form: no shell in between, so signals reach the app."""
    return json.dumps(list(argv))


def render_dockerfile(stack: Stack, *, port: int) -> str:
    """The Dockerfile for ``stack``, its app listening on ``port``."""
    render = {
        StackKind.PYTHON_PYPROJECT: _python,
        StackKind.PYTHON_REQUIREMENTS: _python,
        StackKind.NODE: _node,
        StackKind.NODE_BUILD: _node,
        StackKind.GO: _go,
        StackKind.STATIC: _static,
    }[stack.kind]
    return render(stack, port)


_PYTHON_BASE = """\
# python:3.12-slim: Debian slim, with glibc, so PyPI's manylinux wheels install as they are;
# alpine's musl would make pip compile many packages from source, with a compiler in the build.
ARG BASE_IMAGE=python:3.12-slim"""

_PYTHON_RUN_ENV = """\
ENV PATH=/opt/venv/bin:$PATH \\
    PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1"""


def _python(stack: Stack, port: int) -> str:
    health = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/', timeout=2)"
    if stack.kind is StackKind.PYTHON_PYPROJECT:
        install = """\
# The project and its dependencies, installed as a package into the environment. pip's
# downloads stay in a cache mount, not in a layer, and pip leaves the environment after use.
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \\
    /opt/venv/bin/pip install . \\
 && /opt/venv/bin/pip uninstall -y pip"""
        app = ""
    else:
        install = """\
# Dependencies first, from requirements.txt alone: rebuilt only when it changes. pip's
# downloads stay in a cache mount, not in a layer, and pip leaves the environment after use.
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \\
    /opt/venv/bin/pip install -r requirements.txt \\
 && /opt/venv/bin/pip uninstall -y pip"""
        app = """
WORKDIR /app
# The sources, owned by root and read-only to the app's user.
COPY . ."""
    return f"""\
# Dockerfile written by `dockyard init` for a {stack.kind.label} app ({stack.evidence}).
{_PYTHON_BASE}

# --- build: a virtual environment with everything the app needs ---------------------------
FROM ${{BASE_IMAGE}} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \\
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
{install}

# --- run: the interpreter and that environment; pip's cache and build files stay behind ---
FROM ${{BASE_IMAGE}}
{_PYTHON_RUN_ENV} \\
    PORT={port}
COPY --from=build /opt/venv /opt/venv{app}
{_USER}
EXPOSE {port}
# The app answers HTTP on $PORT; the interpreter is there, so it checks itself (no curl needed).
{_HEALTH} \\
  CMD {_exec(["python", "-c", health])}
CMD {_exec(stack.command)}
"""


_NODE_BASE = """\
# node:22-slim: Debian slim, with glibc, so npm's prebuilt native modules (sharp, bcrypt, ...)
# install as they are; alpine's musl would need them compiled, with a compiler in the build.
ARG BASE_IMAGE=node:22-slim"""


def _node(stack: Stack, port: int) -> str:
    manifests = "package.json package-lock.json" if stack.lockfile else "package.json"
    npm = "npm ci" if stack.lockfile else "npm install"
    flags = "--no-audit --no-fund"
    health = (
        f"fetch('http://127.0.0.1:{port}/')"
        ".then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
    )
    build = ""
    app = """\
# The sources (node_modules and build output are in .dockerignore), owned by root.
COPY . ."""
    if stack.kind is StackKind.NODE_BUILD:
        out = stack.build_output
        build = f"""
# --- build: every dependency (dev ones too), then `npm run build` -------------------------
FROM ${{BASE_IMAGE}} AS build
WORKDIR /app
COPY {manifests} ./
RUN --mount=type=cache,target=/root/.npm \\
    {npm} {flags}
COPY . .
RUN npm run build
"""
        app = f"""\
# Only what runs: package.json and the build's output ({out}/); sources and dev tools stay behind.
COPY package.json ./
COPY --from=build /app/{out} ./{out}"""
    return f"""\
# Dockerfile written by `dockyard init` for a {stack.kind.label} app ({stack.evidence}).
{_NODE_BASE}

# --- deps: production dependencies only; npm's cache is a mount, not a layer --------------
FROM ${{BASE_IMAGE}} AS deps
WORKDIR /app
COPY {manifests} ./
# (mkdir: without dependencies npm makes no node_modules, and COPY --from needs one)
RUN --mount=type=cache,target=/root/.npm \\
    {npm} --omit=dev {flags} \\
 && mkdir -p node_modules
{build}
# --- run: node, the production node_modules and the app ----------------------------------
FROM ${{BASE_IMAGE}}
ENV NODE_ENV=production \\
    PORT={port}
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
{app}
{_USER}
EXPOSE {port}
# The app answers HTTP on $PORT; node has fetch, so it checks itself (no curl needed).
{_HEALTH} \\
  CMD {_exec(["node", "-e", health])}
# node itself as PID 1, not npm: npm would not pass SIGTERM on (docker stop would wait 10 s).
CMD {_exec(stack.command)}
"""


def _go(stack: Stack, port: int) -> str:
    return f"""\
# Dockerfile written by `dockyard init` for a {stack.kind.label} app ({stack.evidence}).
# golang:{stack.go_version}-alpine (the Go of go.mod) only builds: nothing of it reaches the final
# image, so the smaller download wins. The binary is static (CGO_ENABLED=0), so it runs on scratch.
ARG BUILD_IMAGE=golang:{stack.go_version}-alpine

# --- build: a static, stripped binary --------------------------------------------------------
FROM ${{BUILD_IMAGE}} AS build
ENV CGO_ENABLED=0 \\
    GOFLAGS=-trimpath \\
    GOMODCACHE=/go/pkg/mod \\
    GOCACHE=/root/.cache/go-build
WORKDIR /src
# Modules first, from go.mod and go.sum alone: downloaded again only when they change.
COPY go.mod go.sum* ./
RUN --mount=type=cache,target=/go/pkg/mod \\
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    go build -ldflags="-s -w" -o /out/app {stack.go_package}

# --- run: scratch, the binary and CA certificates (for outgoing https), nothing else ---------
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/app /app
{_USER}
EXPOSE {port}
# No HEALTHCHECK: scratch has no shell, curl or wget to run one. A server can check itself:
# give the binary a `-healthcheck` flag that GETs its own port, then add
#   HEALTHCHECK CMD ["/app", "-healthcheck"]
ENTRYPOINT {_exec(stack.command)}
"""


def _static(stack: Stack, port: int) -> str:
    return f"""\
# Dockerfile written by `dockyard init` for a {stack.kind.label} ({stack.evidence}).
# busybox:1.37: about 4 MB, and its httpd serves files as they are, with no config file;
# nginx would be ten times the size for the same job. One stage: there is nothing to build.
ARG BASE_IMAGE=busybox:1.37

FROM ${{BASE_IMAGE}}
# The site, owned by root and read-only to the server's user.
COPY . /srv/www
{_USER}
# Above 1024: an unprivileged user cannot bind port 80.
EXPOSE {port}
# busybox has wget: the server checks itself.
{_HEALTH} \\
  CMD {_exec(["wget", "-q", "-O", "/dev/null", f"http://127.0.0.1:{port}/"])}
# -f: stay in the foreground as PID 1; -v: log requests to stdout.
CMD {_exec(["httpd", "-f", "-v", "-p", str(port), "-h", "/srv/www"])}
"""


_COMMON_IGNORES = """\
# .dockerignore written by `dockyard init`: what the build never needs. A smaller context is
# a faster build, and secrets or local state never end up in a layer by accident.
.git
.gitignore
.github
.gitea
.gitlab-ci.yml
Dockerfile
.dockerignore
compose.yaml
.env
.env.*
*.log
.DS_Store
.idea
.vscode
"""

_STACK_IGNORES = {
    StackKind.PYTHON_PYPROJECT: """\
# Python: environments, caches and build output of the host
.venv
venv
__pycache__
*.py[cod]
.pytest_cache
.mypy_cache
.ruff_cache
.tox
.coverage
htmlcov
build
dist
*.egg-info
""",
    StackKind.NODE: """\
# Node: the host's modules (they are installed in the image, for its platform)
node_modules
npm-debug.log*
coverage
.npm
""",
    StackKind.GO: """\
# Go: binaries and test output of the host
bin
*.exe
*.test
*.out
""",
    StackKind.STATIC: "",
}
_STACK_IGNORES[StackKind.PYTHON_REQUIREMENTS] = _STACK_IGNORES[StackKind.PYTHON_PYPROJECT]


def render_dockerignore(stack: Stack) -> str:
    """The .dockerignore for ``stack``."""
    if stack.kind is StackKind.NODE_BUILD:
        extra = (
            _STACK_IGNORES[StackKind.NODE]
            + f"# ... and the host's build output\n{stack.build_output}\n"
        )
    else:
        extra = _STACK_IGNORES[stack.kind]
    return _COMMON_IGNORES + extra
