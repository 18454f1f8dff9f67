from __future__ import annotations

from pathlib import Path

from dockyard.image import (
    HistoryEntry,
    LayerCache,
    LayerFiles,
    align_dockerfile,
    align_history,
    compare_reports,
    count_base_layers,
    default_cache_dir,
    instruction_keyword,
)


def test_empty_history_entries_take_no_layer_and_missing_ones_are_marked() -> None:
    history = [HistoryEntry("ADD x", "", empty=False), HistoryEntry("ENV a=b", "", empty=True)]
    slots = align_history(history, 2)
    assert [(s.history.created_by, s.layer) for s in slots] == [
        ("ADD x", 0),
        ("ENV a=b", None),
        ("(missing)", 1),
    ]


def test_instruction_keywords_from_both_builders() -> None:
    assert instruction_keyword("RUN /bin/sh -c apt-get update # buildkit") == "RUN"
    assert instruction_keyword("/bin/sh -c apt-get update") == "RUN"
    assert instruction_keyword("|1 V=2 /bin/sh -c make") == "RUN"
    assert instruction_keyword("/bin/sh -c #(nop) COPY file:abc in /app ") == "COPY"
    assert instruction_keyword("WORKDIR /app") == "WORKDIR"


def test_dockerfile_lines_pair_with_the_last_history_entries() -> None:
    history = ["ADD rootfs", "CMD [sh]", "RUN /bin/sh -c a", "COPY x /x # buildkit", "CMD [x]"]
    instructions = [
        ("FROM", 1, "FROM base"),
        ("ARG", 2, "ARG V"),
        ("RUN", 3, "RUN a"),
        ("COPY", 4, "COPY x /x"),
        ("CMD", 5, 'CMD ["x"]'),
    ]
    assert align_dockerfile(history, instructions) == [
        None,
        None,
        (3, "RUN a"),
        (4, "COPY x /x"),
        (5, 'CMD ["x"]'),
    ]


def test_base_layers_are_a_shared_prefix() -> None:
    assert count_base_layers(["a", "b", "c"], ["a", "b"]) == 2
    assert count_base_layers(["a", "x", "c"], ["a", "b"]) == 0


def test_cache_round_trip_and_xdg(tmp_path: Path) -> None:
    directory = default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)})
    assert directory == tmp_path / "dockyard" / "layers"
    cache = LayerCache(directory)
    layer = LayerFiles()
    layer.add("a/b", 12, is_dir=False)
    layer.add("a/.wh.c", 0, is_dir=False)
    cache.put("sha256:" + "ab" * 32, layer)
    assert cache.get("sha256:" + "ab" * 32) == layer
    assert cache.get("sha256:" + "cd" * 32) is None
    assert LayerCache(None).get("sha256:" + "ab" * 32) is None


def _report(name: str, layers: list[tuple[str, int]]) -> dict[str, object]:
    return {
        "image": name,
        "size_bytes": sum(size for _, size in layers),
        "efficiency": 1.0,
        "layers": [
            {"index": i, "digest": d, "size_bytes": s, "created_by": f"step {i}", "empty": False}
            for i, (d, s) in enumerate(layers)
        ],
    }


def test_compare_finds_layers_only_in_one_and_the_files_that_differ() -> None:
    a = _report("a", [("base", 100), ("old", 50)])
    b = _report("b", [("base", 100), ("new", 20)])
    result = compare_reports(a, {"x": 50, "same": 1}, b, {"y": 20, "same": 1})
    assert result["totals"]["size_bytes"] == {"a": 150, "b": 120, "delta": -30}
    assert result["layers"]["shared"] == 1
    assert [row["digest"] for row in result["layers"]["only_in_a"]] == ["old"]
    assert [row["digest"] for row in result["layers"]["only_in_b"]] == ["new"]
    assert result["files"] == [
        {"path": "/x", "a": 50, "b": None, "delta": -50},
        {"path": "/y", "a": None, "b": 20, "delta": 20},
    ]
