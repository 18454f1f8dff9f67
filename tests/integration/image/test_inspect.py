"""`dockyard inspect` against the real engine, registry and a `docker save` archive."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from dockyard.engine import Engine, stream_saved_image
from dockyard.image import LayerCache, load_from_engine, read_archive
from dockyard.image._tarscan import ChunkReader

from .conftest import WastefulImage, platform_manifest, run_dockyard

if TYPE_CHECKING:
    from tests.conftest import TestEnv

KEYS = ("size_bytes", "efficiency", "wasted_bytes", "recoverable_bytes", "user_wasted_percent")


def test_engine_report_shows_known_waste(wasteful_image: WastefulImage, cache: Path) -> None:
    result = run_dockyard("inspect", "--json", wasteful_image.tag, cache=cache)
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["source"] == "engine"
    assert report["wasted_bytes"] == 6_000_000
    assert report["recoverable_bytes"] == 4_000_000
    removed = {(r["path"], r["size_bytes"], r["how"]) for r in report["removed_files"]}
    assert removed == {
        ("/work/big", 3_000_000, "deleted"),
        ("/work/data", 1_000_000, "overwritten"),
    }
    assert {f["path"]: f["size_bytes"] for f in report["files"]} == {
        "/work/big": 3_000_000,
        "/work/data": 3_000_000,
    }
    assert report["largest_files"][0] == {"path": "/work/data", "size_bytes": 2_000_000}
    layers = report["layers"]
    assert [row["empty"] for row in layers][-2:] == [True, False]  # ENV makes no layer
    assert "ENV MARK=1" in layers[-2]["created_by"]
    assert all(row["digest"].startswith("sha256:") for row in layers if not row["empty"])


def test_engine_registry_and_archive_agree(wasteful_image: WastefulImage, cache: Path) -> None:
    reports = {}
    for source, ref in (
        ("engine", wasteful_image.tag),
        ("registry", wasteful_image.pushed),
        ("archive", str(wasteful_image.archive)),
    ):
        result = run_dockyard(
            "inspect", "--json", "--no-cache", "--source", source, ref, cache=cache
        )
        assert result.code == 0, result.stderr
        reports[source] = result.json()
    figures = {source: tuple(r[k] for k in KEYS) for source, r in reports.items()}
    assert figures["engine"] == figures["registry"] == figures["archive"]
    digests = {s: [row["digest"] for row in r["layers"]] for s, r in reports.items()}
    assert digests["engine"] == digests["registry"] == digests["archive"]
    assert reports["registry"]["compressed_size_bytes"] < reports["registry"]["size_bytes"]


def test_the_source_is_guessed(wasteful_image: WastefulImage, cache: Path) -> None:
    result = run_dockyard("inspect", "--json", str(wasteful_image.archive), cache=cache)
    assert result.code == 0, result.stderr
    assert result.json()["source"] == "archive"


@pytest.mark.parametrize("ref_kind", ["wasteful", "debian", "rich"])
def test_layer_store_and_streamed_save_read_the_same_layers(
    wasteful_image: WastefulImage,
    rich_image: str,
    test_env: TestEnv,
    store_reader: str,
    ref_kind: str,
) -> None:
    ref = {"wasteful": wasteful_image.tag, "debian": test_env.debian, "rich": rich_image}[ref_kind]
    with Engine() as engine:
        stored = load_from_engine(engine, ref=ref, cache=LayerCache(None))
        streamed = read_archive(ChunkReader(stream_saved_image(engine, ref=ref)), name=ref)  # type: ignore[arg-type]
    assert stored.reader == store_reader
    assert stored.diff_ids == streamed.diff_ids
    for mine, theirs in zip(stored.layers, streamed.layers, strict=True):
        assert sorted(mine.entries) == sorted(theirs.entries)
        assert mine.size == theirs.size


def test_a_tampered_archive_is_refused_with_exit_7(
    wasteful_image: WastefulImage, tmp_path: Path, cache: Path
) -> None:
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(wasteful_image.archive) as source, tarfile.open(tampered, "w") as target:
        manifest = json.load(source.extractfile("manifest.json"))  # type: ignore[arg-type]
        victim = manifest[0]["Layers"][-1]
        for member in source.getmembers():
            data = source.extractfile(member) if member.isfile() else None
            if member.name == victim:
                layer = io.BytesIO(data.read())  # type: ignore[union-attr]
                extra = _append_file(layer.getvalue())
                member.size = len(extra)
                target.addfile(member, io.BytesIO(extra))
            else:
                target.addfile(member, data)
    result = run_dockyard("inspect", str(tampered), cache=cache)
    assert result.code == 7, result.stderr
    if victim.startswith("blobs/sha256/"):  # an OCI layout (Engine 25+): blobs named by digest
        assert victim in result.stderr  # its bytes no longer hash to its name
    else:  # Docker's own layout (Engine 20.10): layer.tar checked against the config's diff id
        assert "diff_id" in result.stderr
    assert result.stderr.startswith("dockyard: error:")


def _append_file(layer: bytes) -> bytes:
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(layer)) as source,
        tarfile.open(fileobj=out, mode="w") as target,
    ):
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
        extra = tarfile.TarInfo("work/smuggled")
        extra.size = 3
        target.addfile(extra, io.BytesIO(b"bad"))
    return out.getvalue()


def test_a_registry_image_whose_config_lies_is_refused_with_exit_7(
    wasteful_image: WastefulImage, test_env: TestEnv, cache: Path
) -> None:
    registry, _, rest = wasteful_image.pushed.partition("/")
    name, _, tag = rest.rpartition(":")
    with httpx.Client(base_url=f"http://{registry}", timeout=30) as http:
        manifest, accept = platform_manifest(http, name, tag)
        config = http.get(f"/v2/{name}/blobs/{manifest['config']['digest']}").json()
        config["rootfs"]["diff_ids"][-1] = "sha256:" + "0" * 64
        body = json.dumps(config).encode()
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        upload = http.post(f"/v2/{name}/blobs/uploads/")
        assert upload.status_code == 202
        location = upload.headers["Location"]
        separator = "&" if "?" in location else "?"
        done = http.put(f"{location}{separator}digest={digest}", content=body)
        assert done.status_code == 201, done.text
        manifest["config"] = {**manifest["config"], "digest": digest, "size": len(body)}
        put = http.put(
            f"/v2/{name}/manifests/tampered",
            content=json.dumps(manifest).encode(),
            headers={"Content-Type": accept},
        )
        assert put.status_code == 201, put.text
    result = run_dockyard(
        "inspect", "--source", "registry", f"{registry}/{name}:tampered", cache=cache
    )
    assert result.code == 7, result.stderr
    assert "diff_id" in result.stderr


def test_unknown_images_exit_4(test_env: TestEnv, cache: Path) -> None:
    engine = run_dockyard("inspect", "--source", "engine", "dockyard-test/no-such:1", cache=cache)
    assert engine.code == 4, engine.stderr
    registry = run_dockyard(
        "inspect",
        "--source",
        "registry",
        f"{test_env.registry}/dockyard-test/no-such:1",
        cache=cache,
    )
    assert registry.code == 4, registry.stderr
    missing = run_dockyard("inspect", "--source", "archive", "/nonexistent/image.tar", cache=cache)
    assert missing.code == 2, missing.stderr


def test_ci_mode_fails_like_dive_and_passes_when_rules_allow(
    wasteful_image: WastefulImage, tmp_path: Path, cache: Path
) -> None:
    strict = tmp_path / "strict.yml"
    strict.write_text(
        "rules:\n  highestWastedBytes: 1MB\n  lowestEfficiency: disabled\n"
        "  highestUserWastedPercent: disabled\n"
    )
    failed = run_dockyard(
        "inspect", "--ci", "--ci-config", str(strict), wasteful_image.tag, cache=cache
    )
    assert failed.code == 1
    assert (
        "FAIL: highestWastedBytes: too many bytes wasted (wasted-bytes=6000000 > threshold=1000000)"
        in failed.stdout
    )
    assert "Result:FAIL" in failed.stdout
    lenient = tmp_path / "lenient.yml"
    lenient.write_text(
        "rules:\n  highestWastedBytes: 10MB\n  lowestEfficiency: 0\n"
        "  highestUserWastedPercent: disabled\n"
    )
    passed = run_dockyard(
        "inspect",
        "--ci-config",
        str(lenient),
        wasteful_image.tag,
        cache=cache,
        extra_env={"CI": "true"},
    )
    assert passed.code == 0, passed.stdout
    assert "Result:PASS [Total:3] [Passed:2] [Failed:0] [Warn:0] [Skipped:1]" in passed.stdout


def test_base_layers_and_dockerfile_lines(wasteful_image: WastefulImage, cache: Path) -> None:
    result = run_dockyard(
        "inspect",
        "--json",
        "--base",
        wasteful_image.base,
        "--dockerfile",
        str(wasteful_image.dockerfile),
        wasteful_image.tag,
        cache=cache,
    )
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["base_image"] == {"name": wasteful_image.base, "layers": 1}
    own = [row for row in report["layers"] if not row["empty"] and not row["base"]]
    assert [row["dockerfile_line"] for row in own] == [2, 3, 4, 6]
    env_row = next(row for row in report["layers"] if "MARK" in row["created_by"])
    assert env_row["dockerfile_line"] == 5


def test_text_view_is_readable(wasteful_image: WastefulImage, cache: Path) -> None:
    result = run_dockyard("inspect", wasteful_image.tag, cache=cache)
    assert result.code == 0, result.stderr
    assert "Wasted (dive): 6.0 MB" in result.stdout
    assert "Recoverable: 4.0 MB" in result.stdout
    assert "/work/big" in result.stdout


def test_second_run_reads_the_layer_cache(wasteful_image: WastefulImage, cache: Path) -> None:
    first = run_dockyard("inspect", "--json", wasteful_image.tag, cache=cache)
    files = sorted((cache / "dockyard" / "layers").iterdir())
    assert files, "the first run fills the cache"
    second = run_dockyard("inspect", "--json", wasteful_image.tag, cache=cache)
    assert first.json() == second.json()


def test_base_auto_finds_the_image_built_from(wasteful_image: WastefulImage, cache: Path) -> None:
    result = run_dockyard("inspect", "--json", "--base", "auto", wasteful_image.tag, cache=cache)
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["base_image"]["layers"] == 1
    assert [row["base"] for row in report["layers"] if not row["empty"]] == [True] + [False] * 4


def test_streamed_save_fallback_gives_the_same_report(
    wasteful_image: WastefulImage, cache: Path, store_reader: str
) -> None:
    store = run_dockyard("inspect", "--json", "--no-cache", wasteful_image.tag, cache=cache).json()
    streamed = run_dockyard(
        "inspect",
        "--json",
        "--no-cache",
        wasteful_image.tag,
        cache=cache,
        extra_env={"DOCKYARD_ENGINE_LAYER_STORE": "off"},
    ).json()
    assert store["provenance"]["reader"] == store_reader
    assert streamed["provenance"]["reader"] == "engine API (docker save, streamed)"
    assert {k: streamed[k] for k in KEYS} == {k: store[k] for k in KEYS}
    assert streamed["removed_files"] == store["removed_files"]
