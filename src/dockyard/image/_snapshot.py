"""Layer entries from an unpacked layer: an overlay upper directory of the containerd store.

The directory holds what the layer's tar held, applied: its files, directories and links, a
deletion as a character device 0/0 under the deleted name, and a directory that hides its lower
content marked with the ``trusted.overlay.opaque`` (or, unprivileged, ``user.overlay.opaque``)
extended attribute. Read as tar headers would read it, so the figures equal those of the saved
layer: a regular file counts its size, a hard link after its first name counts nothing (tar
stores it as a link), symbolic links, devices and directories count nothing. Only ``lstat`` and,
for directories, one extended attribute are read: never a file's bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dockyard.errors import AnalysisError
from dockyard.image._model import LayerFiles

__all__ = ["read_snapshot_dir"]

_OPAQUE_ATTRS = ("trusted.overlay.opaque", "user.overlay.opaque")
_OPAQUE_MARKER = ".wh..wh..opq"
_WHITEOUT_PREFIX = ".wh."


def _opaque(path: str) -> bool:
    for attr in _OPAQUE_ATTRS:
        try:
            if os.getxattr(path, attr, follow_symlinks=False) == b"y":
                return True
        except OSError:
            continue
    return False


def read_snapshot_dir(directory: Path) -> LayerFiles:
    """Entries of one layer from its unpacked directory, depth first in lexical order, as tar
    writers walk (so the first name of a hard link is the one tar would store with content)."""
    layer = LayerFiles()
    seen_inodes: set[tuple[int, int]] = set()
    try:
        stack = [("", iter(_listing(str(directory))))]
        while stack:
            prefix, items = stack[-1]
            item = next(items, None)
            if item is None:
                stack.pop()
                continue
            name = prefix + item.name
            info = item.stat(follow_symlinks=False)
            mode = info.st_mode
            if stat.S_ISDIR(mode):
                layer.add(name + "/", 0, is_dir=True)
                if _opaque(item.path):
                    layer.add(f"{name}/{_OPAQUE_MARKER}", 0, is_dir=False)
                stack.append((name + "/", iter(_listing(item.path))))
            elif stat.S_ISCHR(mode) and info.st_rdev == 0:
                layer.add(prefix + _WHITEOUT_PREFIX + item.name, 0, is_dir=False)
            elif stat.S_ISREG(mode):
                size = info.st_size
                if info.st_nlink > 1:
                    inode = (info.st_dev, info.st_ino)
                    if inode in seen_inodes:
                        size = 0
                    seen_inodes.add(inode)
                layer.add(name, size, is_dir=False)
            else:  # symbolic links, devices, fifos, sockets: a header, no content
                layer.add(name, 0, is_dir=False)
    except OSError as exc:
        raise AnalysisError(f"{directory}: unreadable unpacked layer ({exc})") from exc
    return layer


def _listing(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda item: item.name)
