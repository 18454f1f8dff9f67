"""Every package under dockyard declares its API in ``__all__``, and no package reaches into
another's private modules (``dockyard.<pkg>._x``): it imports from the package instead."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import dockyard

SRC = Path(dockyard.__file__).parent
PACKAGES = sorted(
    ".".join(("dockyard", *init.parent.relative_to(SRC).parts))
    for init in SRC.rglob("__init__.py")
    if init.parent != SRC and not any(p.startswith("_") for p in init.parent.relative_to(SRC).parts)
)


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_declared_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    names = getattr(module, "__all__", None)
    assert names is not None, f"{package} has no __all__"
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == [], f"{package}.__all__ names what it lacks: {missing}"


def _package_of(path: Path) -> str:
    """The dotted package a module belongs to (the module itself, for an ``__init__``)."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1])


def _imported(tree: ast.AST, here: str) -> list[tuple[int, str, list[str]]]:
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            found.append((node.lineno, base, [alias.name for alias in node.names]))
    return found


def _crossings(path: Path) -> list[str]:
    here = _package_of(path)
    problems = []
    for line, module, names in _imported(ast.parse(path.read_text()), here):
        if not module.startswith("dockyard."):
            continue
        parts = module.split(".")
        for depth, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:depth])
                if not (here == owner or here.startswith(owner + ".")):
                    problems.append(f"{path.relative_to(SRC)}:{line} imports {module}")
                break
        else:
            if not (here == module or here.startswith(module + ".")):
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                if private:
                    problems.append(
                        f"{path.relative_to(SRC)}:{line} imports {private} from {module}"
                    )
    return problems


def test_no_package_imports_another_packages_private_modules() -> None:
    problems = [p for path in sorted(SRC.rglob("*.py")) for p in _crossings(path)]
    assert problems == []
