from __future__ import annotations

import io
import json

import pytest

from dockyard.errors import AnalysisError, DigestMismatch
from dockyard.image import EntryKind, analyse, read_archive

from ._tars import config_for, docker_save, layer_tar, oci_layout, zstd_frames

LAYERS = [
    layer_tar([("data", None), ("data/blob", 5000), ("data/keep", 10)]),
    layer_tar([("data", None), ("data/.wh.blob", 0)]),
]


@pytest.mark.parametrize("make", [docker_save, oci_layout])
def test_both_layouts_read_in_one_pass_with_the_same_result(make) -> None:  # type: ignore[no-untyped-def]
    data = read_archive(io.BytesIO(make(LAYERS)), name="img.tar")
    assert [len(layer.entries) for layer in data.layers] == [3, 2]
    assert data.layers[1].entries[1].kind == EntryKind.WHITEOUT
    result = analyse(data.layers)
    assert (result.wasted_bytes, result.recoverable_bytes) == (5000, 5000)


def test_zstd_layers_read_like_gzip_ones() -> None:
    zstd = read_archive(io.BytesIO(oci_layout(LAYERS, compression="zstd")), name="img.tar")
    gzip = read_archive(io.BytesIO(oci_layout(LAYERS)), name="img.tar")
    assert zstd.diff_ids == gzip.diff_ids
    assert [[e.path for e in layer.entries] for layer in zstd.layers] == [
        [e.path for e in layer.entries] for layer in gzip.layers
    ]
    assert zstd.layer_digests != gzip.layer_digests
    assert analyse(zstd.layers).wasted_bytes == 5000


def test_a_zstd_layer_that_is_not_what_the_config_says_is_a_digest_mismatch() -> None:
    tampered = layer_tar([("data", None), ("data/blob", 5001), ("data/keep", 10)])
    archive = oci_layout([tampered, LAYERS[1]], config=config_for(LAYERS), compression="zstd")
    with pytest.raises(DigestMismatch):
        read_archive(io.BytesIO(archive), name="img.tar")


def test_a_corrupt_zstd_layer_is_an_analysis_error() -> None:
    archive = oci_layout(LAYERS, compression="zstd")
    blob = zstd_frames(LAYERS[0])
    broken = blob[:4] + bytes(b ^ 0x5A for b in blob[4:40]) + blob[40:]
    with pytest.raises(AnalysisError, match="not a readable layer tar"):
        read_archive(io.BytesIO(archive.replace(blob, broken)), name="img.tar")


def test_oci_layout_reports_compressed_sizes() -> None:
    data = read_archive(io.BytesIO(oci_layout(LAYERS)), name="img.tar")
    assert len(data.compressed_sizes) == 2
    assert data.layer_digests[0] != data.diff_ids[0]


def test_a_layer_that_is_not_what_the_config_says_is_a_digest_mismatch() -> None:
    tampered = layer_tar([("data", None), ("data/blob", 5001), ("data/keep", 10)])
    archive = docker_save([tampered, LAYERS[1]], config=config_for(LAYERS))
    with pytest.raises(DigestMismatch, match="layer 0"):
        read_archive(io.BytesIO(archive), name="img.tar")


def test_a_tampered_oci_config_blob_is_a_digest_mismatch() -> None:
    good = oci_layout(LAYERS)
    config = config_for(LAYERS)
    tampered_config = config.replace(b'"amd64"', b'"arm64"')
    assert len(tampered_config) == len(config)
    with pytest.raises(DigestMismatch):
        read_archive(io.BytesIO(good.replace(config, tampered_config)), name="img.tar")


def test_something_else_is_an_analysis_error() -> None:
    archive = docker_save(LAYERS).replace(b"manifest.json", b"manifest.txt!")
    with pytest.raises(AnalysisError, match=r"neither manifest\.json nor index\.json"):
        read_archive(io.BytesIO(archive), name="img.tar")


def test_history_is_aligned_with_empty_layers() -> None:
    history = [
        {"created_by": "ADD rootfs"},
        {"created_by": "ENV A=1", "empty_layer": True},
        {"created_by": "RUN rm blob"},
    ]
    data = read_archive(
        io.BytesIO(docker_save(LAYERS, config=config_for(LAYERS, history=history))), name="img.tar"
    )
    assert [h.empty for h in data.history] == [False, True, False]
    assert json.loads(json.dumps(data.config))["history"][1]["created_by"] == "ENV A=1"
