"""``dockyard diagram manifests`` as a user runs it: what lands on stdout, in files, and the
exit codes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from dockyard.cli import main
from tests.unit.diagram.helpers import SHOP_AND_BLOG


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["diagram", *args])
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_mermaid_on_stdout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["manifests", str(SHOP_AND_BLOG), "--title", "shop and blog"], capsys)
    assert code == 0, err
    assert out.startswith('---\ntitle: "shop and blog"\n---\nflowchart LR\n')
    assert '"Pod: shop-db-0<br/>StatefulSet shop-db · Running"' in out


def test_json_gives_the_graph(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["manifests", str(SHOP_AND_BLOG), "--format", "json"], capsys)
    assert code == 0
    document = json.loads(out)
    kinds = [box["kind"] for box in document["boxes"]]
    assert kinds.count("Node") == 3
    assert kinds.count("Service") == 3


def test_svg_to_a_file_named_by_its_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "cluster.svg"
    code, out, err = run(["manifests", str(SHOP_AND_BLOG), "-o", str(target)], capsys)
    assert code == 0, err
    assert out == ""
    assert err == f"wrote {target} (svg: 21 boxes, 29 edges)\n"
    assert "Ingress: shop" in target.read_text()


def test_a_suffix_that_names_no_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(["manifests", str(SHOP_AND_BLOG), "-o", str(tmp_path / "x.txt")], capsys)
    assert code == 2
    assert "cannot tell the format of" in err
    assert "give --format" in err


def test_a_manifest_that_is_not_yaml_fails_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Pod\nmetadata: {name: [\n")
    code, out, err = run(["manifests", str(bad)], capsys)
    assert code == 14
    assert out == ""
    assert err.startswith(f"dockyard: error: {bad}:3: not a YAML manifest (")
    assert err.count("\n") == 1


def test_a_file_with_no_objects_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n---\n")
    code, _, err = run(["manifests", str(empty)], capsys)
    assert code == 14
    assert err == f"dockyard: error: no Kubernetes objects in {empty}\n"


def test_without_dot_svg_fails_in_one_line_with_exit_14(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dockyard", "diagram", "manifests", str(SHOP_AND_BLOG), "-f", "svg"],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 14
    assert done.stdout == ""
    assert done.stderr == (
        "dockyard: error: cannot draw SVG: Graphviz's dot is not installed "
        "(apt-get install graphviz), or use --format mermaid, json or dot\n"
    )


def test_json_flag_is_format_json_and_two_formats_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["manifests", str(SHOP_AND_BLOG), "--json"], capsys)
    assert code == 0
    assert json.loads(out)["title"] == "Kubernetes manifests"
    code, out, err = run(["manifests", str(SHOP_AND_BLOG), "--json", "-f", "svg"], capsys)
    assert code == 2
    assert out == ""
    assert err == "dockyard: error: --json and --format svg ask for two formats: give one\n"


def test_png_goes_to_a_pipe_but_never_to_a_terminal() -> None:
    command = [sys.executable, "-m", "dockyard", "diagram", "manifests", str(SHOP_AND_BLOG)]
    piped = subprocess.run([*command, "-f", "png"], capture_output=True, timeout=60, check=False)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    main_fd, terminal = pty.openpty()
    try:
        shown = subprocess.run(
            [*command, "-f", "png"],
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(main_fd)
    assert shown.returncode == 2
    assert shown.stderr == b"dockyard: error: PNG is binary: write it to a file with -o FILE.png\n"
