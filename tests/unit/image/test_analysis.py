"""Efficiency and wasted bytes as dive counts them, recoverable bytes as a user can save them."""

from __future__ import annotations

import pytest

from dockyard.image import LayerFiles, analyse


def layer(*members: tuple[str, int | None]) -> LayerFiles:
    files = LayerFiles()
    for name, size in members:
        files.add(name, size or 0, is_dir=size is None)
    return files


def test_a_file_overwritten_counts_both_copies_as_wasted_and_the_old_one_as_recoverable() -> None:
    result = analyse([layer(("etc", None), ("etc/a", 100)), layer(("etc", None), ("etc/a", 150))])
    assert result.wasted_bytes == 250  # dive: every copy, including the one kept
    assert result.recoverable_bytes == 100  # only the copy nobody sees any more
    assert result.efficiency == pytest.approx(100 / 250)
    assert [(f.path, f.count, f.cumulative_bytes) for f in result.inefficient] == [
        ("/etc/a", 2, 250)
    ]
    assert result.changes[1].modified == 1


def test_a_deleted_file_counts_its_size_and_a_zero_sized_whiteout() -> None:
    result = analyse(
        [layer(("tmp", None), ("tmp/big", 1000)), layer(("tmp", None), ("tmp/.wh.big", 0))]
    )
    assert result.wasted_bytes == 1000
    assert result.efficiency == 0.0  # the smallest copy of /tmp/big is the whiteout: 0 bytes
    assert result.recoverable_bytes == 1000
    assert [(r.path, r.size, r.added_in, r.removed_in, r.how) for r in result.removed] == [
        ("tmp/big", 1000, 0, 1, "deleted")
    ]
    assert result.final_size == 0


def test_a_deleted_directory_weighs_its_whole_subtree_in_dive_count() -> None:
    base = layer(("d", None), ("d/x", 10), ("d/sub", None), ("d/sub/y", 20), ("keep", 5))
    # /d is a leaf in the second layer (a whiteout), but not in the first (it had children):
    # dive counts the whiteout with the deleted subtree's size, once, so nothing is "wasted".
    result = analyse([base, layer((".wh.d", 0))])
    assert result.wasted_bytes == 0
    assert result.efficiency == pytest.approx(65 / 65)
    assert result.recoverable_bytes == 30  # what a user can save is still the deleted files
    assert sorted(r.path for r in result.removed) == ["d/sub/y", "d/x"]


def test_an_opaque_directory_is_ignored_by_dive_but_hides_lower_files() -> None:
    lower = layer(("cache", None), ("cache/old", 300))
    upper = layer(("cache", None), ("cache/.wh..wh..opq", 0), ("cache/new", 5))
    result = analyse([lower, upper])
    assert result.wasted_bytes == 0
    assert result.efficiency == 1.0
    assert result.recoverable_bytes == 300
    assert [(r.path, r.how) for r in result.removed] == [("cache/old", "hidden")]
    assert result.final_files == {"cache/new": 5}


def test_directories_with_children_are_not_counted_and_empty_ones_count_zero() -> None:
    result = analyse([layer(("empty", None), ("a", None), ("a/f", 1)), layer(("empty", None))])
    assert result.wasted_bytes == 0
    assert [(f.path, f.count) for f in result.inefficient] == [("/empty", 2)]


def test_user_wasted_percent_leaves_out_the_first_layer_only() -> None:
    result = analyse([layer(("a", 1000)), layer(("b", 100)), layer(("b", 100))])
    assert result.size_bytes == 1200
    assert result.user_size_bytes == 200
    assert result.wasted_bytes == 200
    assert result.user_wasted_percent == pytest.approx(1.0)


def test_nothing_at_all_is_perfectly_efficient() -> None:
    result = analyse([layer(), layer()])
    assert (result.efficiency, result.wasted_bytes, result.user_wasted_percent) == (1.0, 0, 0.0)


def test_a_file_replaced_by_a_directory_and_back() -> None:
    result = analyse([layer(("p", 50)), layer(("p", None), ("p/in", 7)), layer(("p", 9))])
    assert result.recoverable_bytes == 57
    assert result.final_files == {"p": 9}


def test_largest_files_come_from_the_final_filesystem() -> None:
    result = analyse([layer(("a", 10), ("b", 30), ("c", 20)), layer((".wh.b", 0))])
    assert result.largest == [("c", 20), ("a", 10)]
