"""``dockyard optimize`` over buildable Dockerfiles of our own: how much it saves, and whether the
fixed images still work.

Each directory of ``bench/optimize_cases/`` is a project (Dockerfile + context), written the way
people first write them: a Python app on ``local/python:3.11-slim``, an apt-heavy tool image, a C
program compiled on the Debian base, static assets copied then deleted, a pip tool with wheels from
a local directory, and the course's downloader. For each, in one run:

- the safe fixes (``dockyard optimize``): bytes added on top of the base before and after, and
  whether the fixed image passes the smoke check (its own CMD, networking off, same output);
- ``--aggressive`` proposals: each built, smoke-checked and measured; the smallest passing one;
- for the downloader, the course's hand-applied recipe (``Dockerfile.hand``) measured the same way:
  the reference the automatic fix must reach. No other tool rewrites Dockerfiles, so the hand
  recipe is the peer.

Targets: 100% of the fixed images pass; median saving of the added bytes >= 30%; a static C
program ends in an image under 2 MB with ``--aggressive``.

    .venv/bin/python bench/optimize.py [--keep] [--json out.json]

Generated inputs (the assets archive, the wheels) are made first if missing: the archive from a
fixed seed, the wheels with ``pip download`` on the host (the containers cannot reach PyPI).
"""

from __future__ import annotations

import sys

# bench/ holds inspect.py, which would shadow the standard library's inspect module
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith("/bench")]

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import lzma  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tarfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "bench" / "optimize_cases"
sys.path.insert(0, str(ROOT / "src"))

from dockyard.engine import Engine, remove_image  # noqa: E402
from dockyard.optimize import OptimizeReport, optimize_dir  # noqa: E402

SCRATCH_TARGET = 2_000_000


def prepare() -> None:
    archive = CASES / "assets" / "assets.tar.xz"
    if not archive.exists():
        rng = random.Random(20261122)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for index in range(120):
                data = rng.randbytes(64 * 1024)
                info = tarfile.TarInfo(f"asset-{index:03d}.bin")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        archive.write_bytes(lzma.compress(buffer.getvalue(), preset=0))
    wheels = CASES / "pipwheels" / "wheels"
    if not wheels.is_dir() or not any(wheels.glob("*.whl")):
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "pip"),
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(wheels),
                "-r",
                str(CASES / "pipwheels" / "requirements.txt"),
            ],
            check=True,
        )


def run_case(engine: Engine, case: Path) -> dict[str, Any]:
    started = time.monotonic()
    report = optimize_dir(
        engine, context_dir=case, aggressive=True, network_mode="host", name=f"bench-{case.name}"
    )
    row = summarize(report)
    row["case"] = case.name
    row["seconds"] = round(time.monotonic() - started, 1)
    if (case / "Dockerfile.hand").is_file():
        hand = optimize_dir(
            engine,
            context_dir=case,
            dockerfile="Dockerfile.hand",
            network_mode="host",
            name=f"bench-{case.name}-hand",
        )
        by_hand = hand.before.measurement
        before = report.before.measurement
        if by_hand is not None and before is not None:
            row["hand_added_bytes"] = by_hand.added_bytes
            row["hand_saving"] = 1 - by_hand.added_bytes / before.added_bytes
            row["hand_smoke_passed"] = bool(hand.before.smoke and hand.before.smoke.passed)
    return row


def summarize(report: OptimizeReport) -> dict[str, Any]:
    before, after = report.before.measurement, report.after.measurement
    passing = [p for p in report.proposals if p.measurement and p.smoke and p.smoke.passed]
    best = min(
        passing, key=lambda p: p.measurement.size_bytes if p.measurement else 0, default=None
    )
    return {
        "before_size": before.size_bytes if before else None,
        "before_added": before.added_bytes if before else None,
        "after_size": after.size_bytes if after else None,
        "after_added": after.added_bytes if after else None,
        "saving": report.saving,
        "smoke_passed": bool(report.after.smoke and report.after.smoke.passed),
        "fixes": sorted({f.code for f in report.fixes}),
        "proposals": {
            p.name: {
                "size": p.measurement.size_bytes if p.measurement else None,
                "saving": p.saving_against(before),
                "smoke_passed": bool(p.smoke and p.smoke.passed),
                "error": p.error.splitlines()[0][:120] if p.error else None,
            }
            for p in report.proposals
        },
        "best_proposal": best.name if best else None,
        "best_size": best.measurement.size_bytes if best and best.measurement else None,
        "best_saving": best.saving_against(before) if best else None,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    def mb(value: int | None) -> str:
        return "-" if value is None else f"{value / 1e6:.1f} MB"

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    lines = [
        "| case | added before | added after | saved | smoke | best --aggressive proposal |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        best = (
            f"{row['best_proposal']}: {mb(row['best_size'])} total, {pct(row['best_saving'])} saved"
            if row["best_proposal"]
            else "none passing"
        )
        lines.append(
            f"| {row['case']} | {mb(row['before_added'])} | {mb(row['after_added'])} | "
            f"{pct(row['saving'])} | {'passed' if row['smoke_passed'] else 'FAILED'} | {best} |"
        )
    savings = [r["saving"] for r in rows if r["saving"] is not None]
    passed = sum(1 for r in rows if r["smoke_passed"])
    lines += [
        "",
        f"- median saving of the added bytes: **{statistics.median(savings):.1%}** (target >= 30%)",
        f"- fixed images passing their smoke check: **{passed}/{len(rows)}** (target 100%)",
    ]
    for row in rows:
        if "hand_saving" in row:
            lines.append(
                f"- {row['case']}: the course's hand recipe saves {row['hand_saving']:.1%} of the "
                f"added bytes ({mb(row['before_added'])} -> {mb(row['hand_added_bytes'])}, smoke "
                f"{'passed' if row['hand_smoke_passed'] else 'FAILED'}); dockyard's fixes save "
                f"{row['saving']:.1%}"
            )
        scratch = row["proposals"].get("scratch")
        if scratch and scratch["size"] is not None:
            verdict = "under" if scratch["size"] < SCRATCH_TARGET else "NOT under"
            lines.append(
                f"- {row['case']} --aggressive FROM scratch: {scratch['size']:,} bytes, "
                f"{verdict} 2 MB, smoke {'passed' if scratch['smoke_passed'] else 'FAILED'}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the images built")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    prepare()
    cases = sorted(p for p in CASES.iterdir() if (p / "Dockerfile").is_file())
    rows = []
    with Engine() as engine:
        for case in cases:
            print(f"optimizing {case.name} ...", file=sys.stderr)
            rows.append(run_case(engine, case))
        if not args.keep:
            for row in rows:
                names = [f"bench-{row['case']}", f"bench-{row['case']}-hand"]
                tags = ["before", "after", *row["proposals"]]
                for name in names:
                    for tag in tags:
                        remove_image(engine, ref=f"dockyard-optimize/{name}:{tag}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    print(markdown(rows))


if __name__ == "__main__":
    main()
