"""The engine boundary: only dockyard.engine talks to the Docker SDK or reads raw engine JSON.

Outside it, code reads typed fields (ContainerInfo, ImageInspect, ...); a raw ``.attrs`` or the
SDK client (``engine.sdk``) used elsewhere would bring back what the typed models replaced."""

from __future__ import annotations

import ast
from pathlib import Path

import dockyard

SOURCE = Path(dockyard.__file__).parent
RAW = {"attrs", "sdk"}


def offences() -> list[str]:
    found: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative.startswith("engine/"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in RAW:
                found.append(f"{relative}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += (
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                )
                found += [
                    f"{relative}:{node.lineno} imports {n}"
                    for n in names
                    if n.split(".")[0] == "docker"
                ]
    return found


def test_no_module_outside_the_engine_package_reads_raw_engine_data() -> None:
    assert offences() == []
