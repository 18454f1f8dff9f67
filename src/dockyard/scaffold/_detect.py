"""Which stack a project is, told from its files alone (a pure function: no I/O here).

:func:`detect_stack` takes the project's files as ``relative posix path -> text`` (the text only
of the files it reads, empty for the rest; :func:`dockyard.scaffold.read_project` gathers them)
and answers one :class:`Stack`, or raises :class:`~dockyard.errors.StackUnknown` when it finds
none it knows, or more than one: one Dockerfile serves one app.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dockyard.errors import StackUnknown

__all__ = ["MARKER_FILES", "Stack", "StackKind", "detect_stack", "image_name"]

# The files whose text detection reads; every other file only counts by its path.
MARKER_FILES = frozenset(
    {"pyproject.toml", "requirements.txt", "package.json", "package-lock.json", "go.mod"}
)

_PYTHON_ENTRIES = ("app.py", "main.py", "server.py", "wsgi.py")
_NODE_ENTRIES = ("server.js", "index.js", "app.js", "main.js")
_BUILD_OUTPUTS = ("dist", "build", "out", "lib")
_NODE_START = re.compile(r"^\s*node\s+(?P<path>[\w./@-]+\.[cm]?js)\s*$")
_GO_VERSION = re.compile(r"^go\s+(?P<major>\d+)\.(?P<minor>\d+)", re.MULTILINE)
_GO_MODULE = re.compile(r"^module\s+(?P<path>\S+)", re.MULTILINE)


class StackKind(StrEnum):
    """The stacks ``init`` writes a Dockerfile for."""

    PYTHON_PYPROJECT = "python-pyproject"
    PYTHON_REQUIREMENTS = "python-requirements"
    NODE = "node"
    NODE_BUILD = "node-build"
    GO = "go"
    STATIC = "static"

    @property
    def label(self) -> str:
        """What the stack is called in messages and comments."""
        names = {"node-build": "node", "static": "static site"}
        return names.get(self.value, self.value.split("-")[0])


@dataclass(frozen=True)
class Stack:
    """What was detected, and what the templates need to know about it."""

    kind: StackKind
    name: str  # the app's name, fit for an image name: lowercase, [a-z0-9._-]
    command: tuple[str, ...]  # what the final stage runs (CMD, or ENTRYPOINT for Go)
    evidence: str  # the files that told, for the "detected ..." line
    notes: tuple[str, ...] = ()  # guesses the user should check
    lockfile: bool = False  # node: package-lock.json is there (npm ci)
    build_output: str = "dist"  # node with a build step: the directory the build writes
    go_version: str = "1.23"  # go: the toolchain go.mod asks for (major.minor)
    go_package: str = "."  # go: the main package to build


def image_name(raw: str) -> str:
    """``raw`` made into a valid image name component: lowercase, [a-z0-9._-], starts alnum."""
    name = re.sub(r"[^a-z0-9._-]+", "-", raw.strip().lower())
    name = re.sub(r"^[^a-z0-9]+|[^a-z0-9]+$", "", name)
    return name or "app"


def detect_stack(files: Mapping[str, str], *, dirname: str) -> Stack:
    """The one stack ``files`` show; ``dirname`` names the app when its files do not."""
    found = []
    if "pyproject.toml" in files or "requirements.txt" in files:
        found.append("python (pyproject.toml or requirements.txt)")
    if "package.json" in files:
        found.append("node (package.json)")
    if "go.mod" in files:
        found.append("go (go.mod)")
    if len(found) > 1:
        raise StackUnknown(
            f"several stacks in {dirname}: {', '.join(found)}; init writes one Dockerfile for "
            "one app: run it in the app's own directory"
        )
    if "pyproject.toml" in files:
        return _python_pyproject(files, dirname)
    if "requirements.txt" in files:
        return _python_requirements(files, dirname)
    if "package.json" in files:
        return _node(files, dirname)
    if "go.mod" in files:
        return _go(files, dirname)
    if "index.html" in files:
        return Stack(StackKind.STATIC, image_name(dirname), (), "index.html")
    raise StackUnknown(
        f"cannot tell the stack of {dirname}: no pyproject.toml, requirements.txt, package.json, "
        "go.mod or index.html at its top"
    )


def _python_pyproject(files: Mapping[str, str], dirname: str) -> Stack:
    try:
        data = tomllib.loads(files["pyproject.toml"])
    except tomllib.TOMLDecodeError as exc:
        raise StackUnknown(f"pyproject.toml does not parse ({exc}): fix it and run again") from None
    project = data.get("project")
    project = project if isinstance(project, dict) else {}
    raw_name = project.get("name")
    name = image_name(raw_name if isinstance(raw_name, str) else dirname)
    scripts = project.get("scripts")
    notes: list[str] = []
    if isinstance(scripts, dict) and scripts:
        command: tuple[str, ...] = (str(next(iter(scripts))),)
    else:
        module = re.sub(r"[-.]+", "_", raw_name if isinstance(raw_name, str) else name)
        command = ("python", "-m", module)
        notes.append(f"no [project.scripts] in pyproject.toml: CMD runs `python -m {module}`")
    return Stack(StackKind.PYTHON_PYPROJECT, name, command, "pyproject.toml", tuple(notes))


def _python_requirements(files: Mapping[str, str], dirname: str) -> Stack:
    entry = next((path for path in _PYTHON_ENTRIES if path in files), None)
    notes: tuple[str, ...] = ()
    if entry is None:
        entry = _PYTHON_ENTRIES[0]
        notes = (f"none of {', '.join(_PYTHON_ENTRIES)} found: CMD runs {entry}; adjust it",)
    return Stack(
        StackKind.PYTHON_REQUIREMENTS,
        image_name(dirname),
        ("python", entry),
        "requirements.txt",
        notes,
    )


def _node(files: Mapping[str, str], dirname: str) -> Stack:
    try:
        package = json.loads(files["package.json"])
    except json.JSONDecodeError as exc:
        raise StackUnknown(f"package.json does not parse ({exc}): fix it and run again") from None
    package = package if isinstance(package, dict) else {}
    scripts = package.get("scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    raw_name = package.get("name")
    name = image_name(raw_name.rsplit("/", 1)[-1] if isinstance(raw_name, str) else dirname)
    notes: list[str] = []
    start = _NODE_START.match(str(scripts.get("start", "")))
    main = package.get("main")
    if start:
        entry = start["path"].removeprefix("./")
    elif isinstance(main, str) and main:
        entry = main.removeprefix("./")
    else:
        entry = next((path for path in _NODE_ENTRIES if path in files), _NODE_ENTRIES[1])
        notes.append(f"no `node FILE` start script and no main: CMD runs node {entry}")
    lockfile = "package-lock.json" in files
    if not lockfile:
        notes.append("no package-lock.json: npm install, not npm ci (commit a lockfile)")
    building = "build" in scripts
    kind = StackKind.NODE_BUILD if building else StackKind.NODE
    output = "dist"
    if building:
        top = entry.split("/", 1)[0] if "/" in entry else ""
        if top in _BUILD_OUTPUTS:
            output = top
        else:
            notes.append(
                f"node {entry} is not in a build output directory: final stage copies dist/"
            )
    evidence = "package.json with a build script" if building else "package.json"
    return Stack(
        kind,
        name,
        ("node", entry),
        evidence,
        tuple(notes),
        lockfile=lockfile,
        build_output=output,
    )


def _go(files: Mapping[str, str], dirname: str) -> Stack:
    text = files["go.mod"]
    module = _GO_MODULE.search(text)
    name = image_name(module["path"].rsplit("/", 1)[-1] if module else dirname)
    version = _GO_VERSION.search(text)
    go_version = f"{version['major']}.{version['minor']}" if version else "1.23"
    notes: list[str] = []
    if any("/" not in path and path.endswith(".go") for path in files):
        package = "."
    else:
        mains = sorted(
            path.rsplit("/", 1)[0]
            for path in files
            if path.startswith("cmd/") and path.count("/") == 2 and path.endswith(".go")
        )
        package = f"./{mains[0]}" if mains else "."
        if len(set(mains)) > 1:
            notes.append(f"several commands under cmd/: building {package}")
    return Stack(
        StackKind.GO,
        name,
        ("/app",),
        "go.mod",
        tuple(notes),
        go_version=go_version,
        go_package=package,
    )
