"""The before/after table as text (a terminal) and as Markdown (a pull request, the course's
"document the sizes before and after")."""

from __future__ import annotations

from dockyard.optimize._model import Measurement, OptimizeReport, Variant

__all__ = ["render_markdown", "render_text"]


def _mb(value: int | None) -> str:
    """Decimal units, as docker and dive print sizes."""
    if value is None:
        return "-"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f} MB"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.1f} kB"
    return f"{value} B"


def _rows(report: OptimizeReport) -> tuple[list[str], list[list[str]]]:
    variants = [report.before, report.after, *report.proposals]
    before = report.before.measurement
    header = ["", *[v.name for v in variants]]
    measured = [v.measurement for v in variants]
    rows = [
        ["total size", *[_mb(m.size_bytes) if m else "-" for m in measured]],
        ["added on top of the base", *[_mb(m.added_bytes) if m else "-" for m in measured]],
        ["saved of the added bytes", *[_saving(v, before) for v in variants]],
        ["layers with content", *[_count(v) for v in variants]],
        ["efficiency", *[f"{m.efficiency:.4f}" if m else "-" for m in measured]],
        ["smoke check", *[_smoke(v) for v in variants]],
    ]
    return header, rows


def _saving(variant: Variant, before: Measurement | None) -> str:
    saving = variant.saving_against(before)
    return "-" if saving is None or variant.name == "before" else f"{saving:.1%}"


def _count(variant: Variant) -> str:
    measured = variant.measurement
    return "-" if measured is None else str(sum(1 for x in measured.layers if x.size_bytes))


def _smoke(variant: Variant) -> str:
    if variant.error:
        return "build failed"
    if variant.smoke is None:
        return "-"
    return "passed" if variant.smoke.passed else f"FAILED ({variant.smoke.reason})"


def _layers(variant: Variant) -> list[str]:
    measured = variant.measurement
    if measured is None:
        return []
    return [
        f"  {_mb(layer.size_bytes):>10}  {' '.join(layer.created_by.split())[:90]}"
        for layer in measured.layers
        if not layer.base and layer.size_bytes
    ]


def render_text(report: OptimizeReport) -> str:
    header, rows = _rows(report)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]
    for variant in (report.before, report.after):
        lines += ["", f"{variant.name}: layers added on top of the base", *_layers(variant)]
    lines += ["", "fixes applied:"]
    lines += [f"  line {f.line}: {f.code} {f.message}" for f in report.fixes] or ["  none"]
    if report.unfixed:
        lines += ["", "not fixed (needs a person):"]
        lines += [f"  line {u.line}: {u.code} {u.reason}" for u in report.unfixed]
    for proposal in report.proposals:
        lines += ["", f"proposal {proposal.name}: {proposal.description}"]
        if proposal.error:
            lines.append(f"  {proposal.error.splitlines()[0][:160]}")
    if report.written:
        lines += ["", f"wrote {report.written}"]
    return "\n".join(lines)


def render_markdown(report: OptimizeReport) -> str:
    header, rows = _rows(report)
    lines = [f"### dockyard optimize: {report.name}", ""]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "Fixes applied:", ""]
    lines += [f"- line {f.line}: `{f.code}` {f.message}" for f in report.fixes] or ["- none"]
    if report.unfixed:
        lines += ["", "Not fixed:", ""]
        lines += [f"- line {u.line}: `{u.code}` {u.reason}" for u in report.unfixed]
    for proposal in report.proposals:
        lines += ["", f"Proposal `{proposal.name}`: {proposal.description}"]
    return "\n".join(lines) + "\n"
