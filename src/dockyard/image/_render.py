"""Text views of reports: rich tables, sizes in SI units as docker and dive print them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from dockyard.image._diveci import RuleResult

__all__ = [
    "compare_markdown",
    "human_bytes",
    "render_ci",
    "render_compare",
    "render_inspect",
    "short_command",
]

_UNITS = ("B", "kB", "MB", "GB", "TB")
_SHOWN = 10


def human_bytes(count: int | float) -> str:
    value = float(count)
    sign = "-" if value < 0 else ""
    value = abs(value)
    for unit in _UNITS:
        if value < 1000 or unit == _UNITS[-1]:
            return f"{sign}{value:.0f} {unit}" if unit == "B" else f"{sign}{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"  # pragma: no cover - the loop always returns


def short_command(created_by: str, width: int = 70) -> str:
    text = " ".join(created_by.replace("/bin/sh -c #(nop) ", "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_inspect(console: Console, report: dict[str, Any], *, top: int = _SHOWN) -> None:
    console.print(f"Image: {report['image']}  (source: {report['source']})")
    if report.get("image_id"):
        console.print(f"Id: {report['image_id']}")
    sizes = f"Size: {human_bytes(report['size_bytes'])} uncompressed"
    if "compressed_size_bytes" in report:
        sizes += f", {human_bytes(report['compressed_size_bytes'])} compressed"
    console.print(sizes + f"; {report['file_count']} files in the final filesystem")
    console.print(_layers_table(report))
    console.print(
        f"Efficiency: {report['efficiency'] * 100:.4f} %   "
        f"Wasted (dive): {human_bytes(report['wasted_bytes'])}   "
        f"Recoverable: {human_bytes(report['recoverable_bytes'])}   "
        f"User wasted: {report['user_wasted_percent'] * 100:.4f} %"
    )
    base = report.get("base_image")
    if base:
        console.print(f"Base image: {base['name']} ({base['layers']} layers shared)")
    _files(console, "Largest files", report["largest_files"][:top], ("path", "size_bytes"))
    removed = report["removed_files"][:top]
    if removed:
        table = Table(
            title="Added, then overwritten or deleted by a later layer", title_justify="left"
        )
        for column in ("Size", "Path", "Added in", "Removed in", "How"):
            table.add_column(column, justify="right" if column == "Size" else "left")
        for row in removed:
            table.add_row(
                human_bytes(row["size_bytes"]),
                row["path"],
                str(row["added_in_layer"]),
                str(row["removed_in_layer"]),
                row["how"],
            )
        console.print(table)
    console.print(
        f"Provenance: {report['provenance']['checked']} ({report['provenance']['reader']})"
    )


def _layers_table(report: dict[str, Any]) -> Table:
    table = Table(title="Layers (oldest first)", title_justify="left")
    for column in ("#", "Size", "Created", "Instruction", "Digest"):
        table.add_column(column, justify="right" if column in ("#", "Size") else "left")
    for row in report["layers"]:
        index = "" if row["empty"] else str(row["index"])
        if row.get("base"):
            index += " base"
        size = "empty" if row["empty"] else human_bytes(row["size_bytes"])
        command = short_command(row["created_by"])
        if "dockerfile_line" in row:
            command = f"L{row['dockerfile_line']}: {command}"
        digest = (row["digest"] or "")[:19]
        table.add_row(index, size, (row["created"] or "")[:16].replace("T", " "), command, digest)
    return table


def _files(
    console: Console, title: str, rows: Sequence[dict[str, Any]], keys: tuple[str, str]
) -> None:
    if not rows:
        return
    table = Table(title=title, title_justify="left")
    table.add_column("Size", justify="right")
    table.add_column("Path")
    for row in rows:
        table.add_row(human_bytes(row[keys[1]]), row[keys[0]])
    console.print(table)


def render_ci(
    console: Console, report: dict[str, Any], results: Sequence[RuleResult], *, config: str
) -> None:
    """dive's CI report: figures, inefficient files (largest first), rule results, a summary."""
    console.print(f"  Using {config}")
    console.print(f"  efficiency: {report['efficiency'] * 100:2.4f} %")
    wasted = report["wasted_bytes"]
    console.print(f"  wastedBytes: {wasted} bytes ({human_bytes(wasted)})")
    console.print(f"  userWastedPercent: {report['user_wasted_percent'] * 100:2.4f} %")
    console.print("Inefficient Files:")
    console.print(f"{'Count':>5}  {'Wasted Space':>12}  File Path")
    for row in report["files"] or []:
        console.print(f"{row['count']:>5}  {human_bytes(row['size_bytes']):>12}  {row['path']}")
    if not report["files"]:
        console.print("None")
    console.print("Results:")
    for result in results:
        suffix = f": {result.message}" if result.message else ""
        console.print(f"  {result.status}: {result.rule}{suffix}")
    if any(r.status == "MISCONFIGURED" for r in results):
        console.print("CI Misconfigured")
        return
    tally = {
        status: sum(r.status == status for r in results) for status in ("PASS", "FAIL", "SKIP")
    }
    verdict = "FAIL" if tally["FAIL"] else "PASS"
    console.print(
        f"Result:{verdict} [Total:{len(results)}] [Passed:{tally['PASS']}] "
        f"[Failed:{tally['FAIL']}] [Warn:0] [Skipped:{tally['SKIP']}]"
    )


def _total_rows(comparison: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for key, values in comparison["totals"].items():
        a, b, delta = values["a"], values["b"], values["delta"]
        rows.append((key, _value(key, a), _value(key, b), _value(key, delta, signed=True)))
    return rows


def _value(key: str, value: Any, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    if key in ("efficiency", "user_wasted_percent"):
        return f"{value * 100:+.2f} %" if signed else f"{value * 100:.2f} %"
    if key == "file_count":
        return f"{value:+d}" if signed else str(value)
    text = human_bytes(value)
    return ("+" + text) if signed and value > 0 else text


def _file_value(value: int | None) -> str:
    return "-" if value is None else human_bytes(value)


def render_compare(console: Console, comparison: dict[str, Any]) -> None:
    """A and B side by side: totals, layers only in one of them, and the files that differ."""
    console.print(f"A: {comparison['a']}\nB: {comparison['b']}")
    totals = Table(title="Totals", title_justify="left")
    for column in ("", "A", "B", "B - A"):
        totals.add_column(column, justify="left" if not column else "right")
    for row in _total_rows(comparison):
        totals.add_row(*row)
    console.print(totals)
    layers = comparison["layers"]
    console.print(
        f"Layers: A has {len(layers['a'])}, B has {len(layers['b'])}, {layers['shared']} shared"
    )
    for side in ("a", "b"):
        only = layers[f"only_in_{side}"]
        if not only:
            continue
        table = Table(title=f"Layers only in {side.upper()}", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("Size", justify="right")
        table.add_column("Instruction")
        for row in only:
            table.add_row(
                str(row["index"]), human_bytes(row["size_bytes"]), short_command(row["created_by"])
            )
        console.print(table)
    if comparison["files"]:
        table = Table(
            title="Files that make the difference (final filesystems)", title_justify="left"
        )
        for column in ("Change", "A", "B", "Path"):
            table.add_column(column, justify="left" if column == "Path" else "right")
        for row in comparison["files"]:
            delta = row["delta"]
            table.add_row(
                ("+" if delta > 0 else "") + human_bytes(delta),
                _file_value(row["a"]),
                _file_value(row["b"]),
                row["path"],
            )
        console.print(table)


def compare_markdown(comparison: dict[str, Any]) -> str:
    """The comparison as Markdown, for a pull request or a before/after note."""
    lines = [
        f"## `{comparison['a']}` (A) vs `{comparison['b']}` (B)",
        "",
        "| | A | B | B - A |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {k} | {a} | {b} | {d} |" for k, a, b, d in _total_rows(comparison)]
    layers = comparison["layers"]
    lines += [
        "",
        f"Layers: A has {len(layers['a'])}, B has {len(layers['b'])}, {layers['shared']} shared.",
    ]
    for side in ("a", "b"):
        only = layers[f"only_in_{side}"]
        if only:
            lines += ["", f"### Layers only in {side.upper()}", "", "| # | size | instruction |"]
            lines += ["| ---: | ---: | --- |"]
            for row in only:
                command = short_command(row["created_by"]).replace("|", "\\|")
                lines.append(f"| {row['index']} | {human_bytes(row['size_bytes'])} | `{command}` |")
    if comparison["files"]:
        lines += ["", "### Files that make the difference", "", "| change | A | B | path |"]
        lines += ["| ---: | ---: | ---: | --- |"]
        for row in comparison["files"]:
            delta = row["delta"]
            change = ("+" if delta > 0 else "") + human_bytes(delta)
            a, b = _file_value(row["a"]), _file_value(row["b"])
            lines.append(f"| {change} | {a} | {b} | `{row['path']}` |")
    return "\n".join(lines) + "\n"
