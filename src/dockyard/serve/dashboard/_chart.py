"""The image size over time of one app, as an SVG drawn on the server (no script, no style
attribute: presentation attributes and classes the stylesheet colours)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["SizePoint", "size_chart"]

WIDTH = 640
HEIGHT = 200
PAD_LEFT = 56
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28
MEGABYTE = 1_000_000


@dataclass(frozen=True)
class SizePoint:
    build_id: int
    at: float  # seconds since the epoch
    size_bytes: int
    passed: bool  # the build got past its gate


def _mb(size: float) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def size_chart(points: Sequence[SizePoint], *, limit_bytes: int | None, title: str) -> Markup:
    """An SVG line chart of ``points`` (any order) with the limit as a dashed line; a short
    sentence in an SVG when there is nothing to draw."""
    ordered = sorted(points, key=lambda p: (p.at, p.build_id))
    label = escape(title)
    if not ordered:
        return Markup(
            '<svg class="chart" viewBox="0 0 {w} 40" role="img" aria-label="{t}">'
            '<text x="8" y="24" class="chart-note">No image size recorded yet.</text></svg>'
        ).format(w=WIDTH, t=label)
    highest = max([p.size_bytes for p in ordered] + ([limit_bytes] if limit_bytes else []))
    top = max(highest * 1.1, 1.0)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(index: int) -> float:
        return PAD_LEFT + (plot_w * index / (len(ordered) - 1) if len(ordered) > 1 else plot_w / 2)

    def y(size: float) -> float:
        return PAD_TOP + plot_h * (1 - size / top)

    parts: list[str] = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{label}</title>",
        f'<line class="axis" x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" '
        f'x2="{WIDTH - PAD_RIGHT}" y2="{PAD_TOP + plot_h}"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = top / 1.1 * fraction
        parts.append(
            f'<text class="tick" x="{PAD_LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{_mb(value)}</text>'
        )
    if limit_bytes:
        parts.append(
            f'<line class="limit" x1="{PAD_LEFT}" y1="{y(limit_bytes):.1f}" '
            f'x2="{WIDTH - PAD_RIGHT}" y2="{y(limit_bytes):.1f}" stroke-dasharray="6 4"/>'
            f'<text class="limit-label" x="{WIDTH - PAD_RIGHT}" y="{y(limit_bytes) - 4:.1f}" '
            f'text-anchor="end">limit {_mb(limit_bytes)}</text>'
        )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.size_bytes):.1f}" for i, p in enumerate(ordered)
    )
    parts.append(f'<path class="line" d="{path}" fill="none"/>')
    for i, point in enumerate(ordered):
        kind = "dot" if point.passed else "dot dot-failed"
        parts.append(
            f'<circle class="{kind}" cx="{x(i):.1f}" cy="{y(point.size_bytes):.1f}" r="3">'
            f"<title>build #{point.build_id}: {_mb(point.size_bytes)}</title></circle>"
        )
    parts.append(
        f'<text class="tick" x="{PAD_LEFT}" y="{HEIGHT - 8}">#{ordered[0].build_id}</text>'
        f'<text class="tick" x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
        f"#{ordered[-1].build_id}</text>"
    )
    parts.append("</svg>")
    # every interpolated value above is a number or escaped text
    return Markup("".join(parts))  # noqa: S704
