from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parents[2] / "data" / "scaffold"
SAMPLE_NAMES = sorted(path.name for path in SAMPLES.iterdir() if path.is_dir())
