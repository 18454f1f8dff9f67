"""`dockyard lint`'s BuildKit checks side by side with `docker buildx build --check` (first cut).

Tags local/busybox:1 on Engine 28 under every literal base image name the corpus uses (idempotent),
blanks a `# syntax=` directive into `# escape=\\` (same line count; the frontend image cannot be
pulled here), runs both tools on every corpus file and prints per-check TP/FP/FN, precision and
recall (match on check name + line, duplicates collapsed). Not yet done: `--write-docs`, base
names that come from ARG defaults.

    .venv/bin/python -P bench/buildkit_checks.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DOCKYARD_CORPUS", ROOT.parent / "shared/corpus/dockerfiles"))
ENGINE = "unix:///var/cache/dockyard/engine28/docker.sock"
BUILDX = "/var/cache/dockyard/engine28/root/usr/libexec/docker/cli-plugins/docker-buildx"
SOURCE_IMAGE = "local/busybox:1"
ENV = {**os.environ, "DOCKER_HOST": ENGINE}
sys.path.insert(0, str(ROOT / "src"))

from dockyard.dockerfile import lint_text  # noqa: E402
from dockyard.dockerfile._config import LintConfig  # noqa: E402
from dockyard.dockerfile.rules.buildkit import CHECK_NAMES  # noqa: E402

_FROM = re.compile(r"^\s*from\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE | re.MULTILINE)


def tag_bases(files: list[Path]) -> None:
    names = {m.group(1) for f in files for m in _FROM.finditer(f.read_text(errors="replace"))}
    for name in sorted(n for n in names if "$" not in n and n.lower() != "scratch"):
        subprocess.run(["docker", "tag", SOURCE_IMAGE, name], env=ENV, capture_output=True)


def theirs(text: str, workdir: Path) -> set[tuple[str, int]] | None:
    text = re.sub(r"^#\s*syntax\s*=.*$", "# escape=\\\\", text, count=1, flags=re.MULTILINE)
    (workdir / "Dockerfile").write_text(text)
    dockerfile = str(workdir / "Dockerfile")
    argv = [BUILDX, "build", "--call=check,format=json", "-f", dockerfile, str(workdir)]
    run = subprocess.run(argv, env=ENV, capture_output=True, text=True)
    try:
        data = json.loads(run.stdout)
    except ValueError:
        return None
    return {
        (w["ruleName"], w["location"]["ranges"][0]["start"]["line"])
        for w in data.get("warnings") or []
    }


def ours(text: str) -> set[tuple[str, int]]:
    result = lint_text(text, config=LintConfig(shellcheck=False))
    return {(f.code, f.line) for f in result.findings if f.code in CHECK_NAMES}


def main() -> None:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    tag_bases(files)
    counts: dict[str, Counter[str]] = {}
    skipped = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / ".dockerignore").write_text("")
        for path in files:
            text = path.read_text(errors="replace")
            reference = theirs(text, workdir)
            if reference is None:
                skipped.append(path.name)
                continue
            mine = ours(text)
            for name, line in mine | reference:
                label = (
                    "tp"
                    if (name, line) in mine and (name, line) in reference
                    else ("fp" if (name, line) in mine else "fn")
                )
                counts.setdefault(name, Counter())[label] += 1
                if label != "tp":
                    print(f"{label} {path.name}:{line} {name}")
    print(f"\n{len(files) - len(skipped)} files compared, {len(skipped)} without JSON output")
    for name, c in sorted(counts.items()):
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        print(f"{name:34} tp={c['tp']:4} fp={c['fp']:3} fn={c['fn']:3} P={p:.3f} R={r:.3f}")


if __name__ == "__main__":
    main()
