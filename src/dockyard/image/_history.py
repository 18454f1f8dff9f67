"""Config history lined up with layers, and with the Dockerfile that built the image.

Each history entry either made a layer (in ``rootfs.diff_ids`` order) or is marked
``empty_layer``; entries without a layer take none. History is optional metadata, so layers left
without an entry get ``(missing)``, as dive shows them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dockyard.image._model import HistoryEntry

__all__ = ["LayerSlot", "align_dockerfile", "align_history", "instruction_keyword"]


@dataclass(frozen=True)
class LayerSlot:
    """One row of ``docker history``: a history entry and the layer it made (or None)."""

    history: HistoryEntry
    layer: int | None  # index into rootfs.diff_ids


def align_history(history: Sequence[HistoryEntry], layer_count: int) -> list[LayerSlot]:
    slots: list[LayerSlot] = []
    next_layer = 0
    for entry in history:
        if entry.empty or next_layer >= layer_count:
            slots.append(LayerSlot(entry, None))
            continue
        slots.append(LayerSlot(entry, next_layer))
        next_layer += 1
    for index in range(next_layer, layer_count):
        slots.append(LayerSlot(HistoryEntry("(missing)", "", empty=False), index))
    return slots


_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL_RUN = re.compile(r"^(\|\d+ .*?)?/bin/(ba)?sh -c ")


def instruction_keyword(created_by: str) -> str:
    """``RUN``/``COPY``/... from a history line of BuildKit or the classic builder."""
    text = _NOP.sub("", created_by.strip())
    if text != created_by.strip():
        return text.split(" ", 1)[0].upper() if text else ""
    if _SHELL_RUN.match(text):
        return "RUN"
    word = text.split(" ", 1)[0].upper()
    return word if word.isalpha() else ""


def align_dockerfile(
    created_by: Sequence[str], instructions: Sequence[tuple[str, int, str]]
) -> list[tuple[int, str] | None]:
    """Pair history lines with ``(keyword, line, raw)`` of the final stage, from the end.

    The image's own history entries are the last ones, in the order of the final stage's
    instructions (ARG makes no entry in BuildKit, so instructions without a match are skipped).
    Returns, per history line, the instruction's ``(line, raw)`` or None.
    """
    result: list[tuple[int, str] | None] = [None] * len(created_by)
    todo = [item for item in instructions if item[0] not in ("FROM", "ARG")]
    position = len(todo) - 1
    for index in range(len(created_by) - 1, -1, -1):
        keyword = instruction_keyword(created_by[index])
        probe = position
        while probe >= 0 and todo[probe][0] != keyword:
            probe -= 1
        if probe < 0:
            break
        result[index] = (todo[probe][1], todo[probe][2])
        position = probe - 1
    return result
