"""Reading an unpacked layer (an overlay upper directory) as its tar would read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockyard.errors import AnalysisError
from dockyard.image._model import Entry, EntryKind
from dockyard.image._snapshot import read_snapshot_dir


def make_layer(root: Path) -> None:
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/tool").write_bytes(b"x" * 1000)
    os.link(root / "usr/bin/tool", root / "usr/bin/tool-alias")  # a hard link after the first
    os.symlink("tool", root / "usr/bin/link")
    (root / "etc").mkdir()
    os.mknod(root / "etc/gone", 0o600 | 0o020000, os.makedev(0, 0))  # overlay whiteout
    (root / "var/cache").mkdir(parents=True)
    os.setxattr(root / "var/cache", "trusted.overlay.opaque", b"y")
    (root / "var/cache/new").write_bytes(b"y" * 10)


def test_entries_sizes_whiteouts_and_opaque_directories_as_tar_headers_give_them(
    tmp_path: Path,
) -> None:
    make_layer(tmp_path)
    layer = read_snapshot_dir(tmp_path)
    assert layer.entries == [
        Entry("etc", 0, EntryKind.DIR),
        Entry("etc/gone", 0, EntryKind.WHITEOUT),
        Entry("usr", 0, EntryKind.DIR),
        Entry("usr/bin", 0, EntryKind.DIR),
        Entry("usr/bin/link", 0, EntryKind.FILE),
        Entry("usr/bin/tool", 1000, EntryKind.FILE),
        Entry("usr/bin/tool-alias", 0, EntryKind.FILE),  # tar stores it as a link: no content
        Entry("var", 0, EntryKind.DIR),
        Entry("var/cache", 0, EntryKind.DIR),
        Entry("var/cache", 0, EntryKind.OPAQUE),
        Entry("var/cache/new", 10, EntryKind.FILE),
    ]
    assert layer.size == 1010


def test_a_character_device_that_is_not_0_0_is_a_file_not_a_deletion(tmp_path: Path) -> None:
    os.mknod(tmp_path / "null", 0o666 | 0o020000, os.makedev(1, 3))
    assert read_snapshot_dir(tmp_path).entries == [Entry("null", 0, EntryKind.FILE)]


def test_an_unreadable_directory_is_an_analysis_error(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="unreadable unpacked layer"):
        read_snapshot_dir(tmp_path / "missing")
