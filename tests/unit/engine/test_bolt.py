"""The bbolt reader against files laid out as bbolt lays them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.engine._bolt import BoltBucket, BoltError, open_bolt
from tests.unit.engine.boltfile import PAGE, Tree, bolt_file, meta

TREE: Tree = {
    b"v1": {
        b"moby": {
            b"images": {b"docker.io/a:1": {b"target": {b"digest": b"sha256:aa"}}},
            b"flag": b"\x03",
        },
        b"version": b"\x08",
    },
}


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "meta.db"
    path.write_bytes(data)
    return path


def root_of(path: Path) -> BoltBucket:
    """The root bucket; the file stays open until the test's objects are gone."""
    return open_bolt(path).root


@pytest.mark.parametrize("inline", [False, True], ids=["page buckets", "inline buckets"])
def test_nested_buckets_and_values_read_back(tmp_path: Path, inline: bool) -> None:
    root = root_of(write(tmp_path, bolt_file(TREE, inline=inline)))
    moby = root.path(b"v1", b"moby")
    assert moby is not None
    assert moby.get(b"flag") == b"\x03"
    assert moby.get(b"images") is None  # a bucket is not a value
    target = moby.path(b"images", b"docker.io/a:1", b"target")
    assert target is not None
    assert target.get(b"digest") == b"sha256:aa"
    assert root.path(b"v1", b"nope", b"target") is None
    assert [name for name, _ in root.path(b"v1").buckets()] == [b"moby"]  # type: ignore[union-attr]


def test_a_bucket_split_over_branch_and_leaf_pages_lists_every_key_in_order(
    tmp_path: Path,
) -> None:
    many: Tree = {f"sha256:{n:04d}".encode(): {b"id": bytes([n % 128])} for n in range(40)}
    root = root_of(write(tmp_path, bolt_file({b"snapshots": many}, split_at=7)))
    snapshots = root.bucket(b"snapshots")
    assert snapshots is not None
    keys = [key for key, _, _ in snapshots.items()]
    assert keys == sorted(many)
    for key in (b"sha256:0000", b"sha256:0006", b"sha256:0007", b"sha256:0039"):
        assert snapshots.bucket(key) is not None, key  # first and last of leaves, both ends
    for key in (b"a", b"sha256:0033x", b"zzz"):
        assert snapshots.bucket(key) is None, key  # before, between and after the keys
    found = snapshots.bucket(b"sha256:0033")
    assert found is not None
    assert found.get(b"id") == bytes([33])


def test_the_meta_page_with_the_higher_transaction_id_wins(tmp_path: Path) -> None:
    data = bolt_file({b"new": b"1"}, stale_tree={b"old": b"1"})
    assert root_of(write(tmp_path, data)).get(b"new") == b"1"


def test_a_meta_page_with_a_wrong_checksum_is_passed_over(tmp_path: Path) -> None:
    data = bytearray(bolt_file({b"new": b"1"}, stale_tree={b"old": b"1"}))
    data[PAGE + 20] ^= 0xFF  # meta page 1's page size field: its checksum no longer matches
    assert root_of(write(tmp_path, bytes(data))).get(b"old") == b"1"


def test_a_file_without_a_valid_meta_page_is_refused(tmp_path: Path) -> None:
    data = bytearray(bolt_file({b"k": b"v"}))
    data[0 : len(meta(0, root=3, txid=1))] = meta(0, root=3, txid=1, magic=0xDEADBEEF)
    data[PAGE : PAGE + len(meta(1, root=3, txid=2))] = meta(1, root=3, txid=2, magic=1)
    with pytest.raises(BoltError, match="no valid bbolt meta page"):
        open_bolt(write(tmp_path, bytes(data)))


def test_a_page_beyond_the_end_of_the_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    data = bolt_file({b"k": b"v"})
    truncated = data[: 3 * PAGE - 100]  # the root leaf (page 3) is cut off
    with pytest.raises(BoltError, match="beyond the end"):
        list(root_of(write(tmp_path, truncated)).items())
