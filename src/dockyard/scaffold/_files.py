"""The I/O of ``init``: read a project's files for detection, write the planned files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from dockyard.errors import DockyardError, UsageError, WouldOverwrite
from dockyard.scaffold._detect import MARKER_FILES
from dockyard.scaffold._plan import GeneratedFile

__all__ = ["existing_targets", "read_project", "socket_group", "write_files"]

_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", "vendor"})
_MAX_FILES = 5000  # a home directory by mistake is not a project: stop reading early
_MAX_DEPTH = 3  # cmd/<name>/main.go is as deep as detection looks


def read_project(root: Path) -> dict[str, str]:
    """``relative posix path -> text`` of the files detection reads; ``""`` for the others."""
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    found: dict[str, str] = {}
    for current, dirs, names in os.walk(root):
        depth = len(Path(current).relative_to(root).parts)
        dirs[:] = [] if depth + 1 >= _MAX_DEPTH else sorted(set(dirs) - _SKIP_DIRS)
        for name in names:
            relative = Path(current, name).relative_to(root).as_posix()
            text = ""
            if relative in MARKER_FILES:
                try:
                    text = Path(current, name).read_text(encoding="utf-8", errors="replace")
                except OSError as exc:
                    raise DockyardError(f"cannot read {relative}: {exc.strerror}") from None
            found[relative] = text
            if len(found) >= _MAX_FILES:
                return found
    return found


def existing_targets(root: Path, files: Sequence[GeneratedFile]) -> list[str]:
    return [item.path for item in files if (root / item.path).exists()]


def write_files(root: Path, files: Sequence[GeneratedFile], *, force: bool) -> None:
    """Write every file, or none: without ``force``, one that exists stops the whole write."""
    if not force:
        existing = existing_targets(root, files)
        if existing:
            others = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise WouldOverwrite(
                f"{existing[0]} exists{others}: nothing written; --force overwrites",
                path=existing[0],
            )
    try:  # every directory first: one that cannot be made stops the run before any file
        for item in files:
            (root / item.path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DockyardError(
            f"cannot make {exc.filename}: {exc.strerror}; nothing written"
        ) from None
    for item in files:
        try:
            (root / item.path).write_text(item.text, encoding="utf-8")
        except OSError as exc:
            raise DockyardError(f"cannot write {item.path}: {exc.strerror}") from None


def socket_group(socket: Path) -> int | None:
    """The group owning the engine's socket, for compose's ``group_add``; None without one."""
    try:
        return socket.stat().st_gid
    except OSError:
        return None
